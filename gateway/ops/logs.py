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

MIN_SECRET_LEN = 8  # shorter values would blank out ordinary words

# The process's own secrets (its settings' keys and tokens), redacted by value wherever they appear.
_known_secrets: set[str] = set()

_WEBHOOK_SECRET = re.compile(r"whsec_[A-Za-z0-9]+")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@/\s]+@")
_TOKEN_PATH = re.compile(r"(/token/)[^/?\s\"']+", re.IGNORECASE)
_QUERY_SECRET = re.compile(r"([?&](?:[\w-]*token|sig|[\w-]*signature|x-amz-credential)=)[^&#\s\"']+", re.IGNORECASE)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
# header and key/value text: ``Client-Token: F…``, ``z-api-token: …``, ``client_token=…``, ``"secret_key": "…"``
_NAMED_SECRET = re.compile(
    r"((?:client|partner|z[-_]api)[-_]token|secret[-_]key|x-api-key)([\\\"']*\s*[:=]\s*[\\\"']*)"
    r"[^\s\\\"',;&}]+",
    re.IGNORECASE,
)
_INSTANCE_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-F]{24}(?![0-9A-Za-z])")  # ids.INSTANCE_TOKEN_LEN upper-hex
_PHONE = re.compile(r"(?<![\w.])\+?\d{10,15}(?![\w.])")


def register_secret(value: str) -> None:
    """Redact ``value`` wherever it appears from now on (values under ``MIN_SECRET_LEN`` are ignored)."""
    if len(value) >= MIN_SECRET_LEN:
        _known_secrets.add(value)


def redact(text: str) -> str:
    """Remove registered secrets, instance and webhook tokens, bearer, Client-Token and query-string
    secrets, URL passwords, and phone numbers (the first 4 digits are kept)."""
    for secret in sorted(_known_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _WEBHOOK_SECRET.sub("whsec_***", text)
    text = _URL_PASSWORD.sub(r"\1***@", text)
    text = _TOKEN_PATH.sub(r"\1***", text)
    text = _QUERY_SECRET.sub(r"\1***", text)
    text = _BEARER.sub(r"\1***", text)
    text = _NAMED_SECRET.sub(r"\1\2***", text)
    text = _INSTANCE_TOKEN.sub("***", text)
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
