"""JSON structured logs with the request id and instance id bound from context; secrets redacted."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
import time
from typing import Any

import orjson

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
instance_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("instance_id", default=None)

_TOKEN_PATH = re.compile(r"(/token/)[^/?\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_CLIENT_TOKEN = re.compile(r"(client-token[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w.])\+?\d{10,15}(?![\w.])")


def redact(text: str) -> str:
    """Remove instance tokens in paths, bearer and Client-Token values, and phone numbers."""
    text = _TOKEN_PATH.sub(r"\1***", text)
    text = _BEARER.sub(r"\1***", text)
    text = _CLIENT_TOKEN.sub(r"\1***", text)
    return _PHONE.sub(lambda m: m.group(0)[:4] + "*" * (len(m.group(0)) - 4), text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        if (rid := request_id_var.get()) is not None:
            out["request_id"] = rid
        if (iid := getattr(record, "instance_id", None) or instance_id_var.get()) is not None:
            out["instance_id"] = iid
        for key in ("role", "worker_id", "event", "status", "duration_ms", "method", "path"):
            if (value := getattr(record, key, None)) is not None:
                out[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(out, default=str).decode()


def configure_logging(level: str = "INFO", role: str = "gateway") -> None:
    """Install the JSON handler on the root logger (call before importing neonize)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    old_factory = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = old_factory(*args, **kwargs)
        record.role = role
        return record

    logging.setLogRecordFactory(factory)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True
    logging.Formatter.converter = time.gmtime
