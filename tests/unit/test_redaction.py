"""Secrets never reach logs or Sentry events."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import pytest
from pydantic import SecretStr

from gateway.core.config import Settings
from gateway.core.ids import instance_token, webhook_secret
from gateway.ops import logs
from gateway.ops.logs import JsonFormatter, redact, register_secret, request_id_var
from gateway.ops.sentry import before_send, register_settings_secrets

INSTANCE_TOKEN = instance_token("k" * 32, "A20DA9C0183A2D35A260F53F5D2B9244", 1)
WHSEC = webhook_secret("k" * 32, "A20DA9C0183A2D35A260F53F5D2B9244", 1)


@pytest.fixture(autouse=True)
def no_registered_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty secret registry and leaves none behind."""
    monkeypatch.setattr(logs, "_known_secrets", set())


def test_redact_tokens_and_phones() -> None:
    text = ("GET /instances/ABC/token/0123456789ABCDEF01234567/send-text Bearer sekret123 "
            "client-token: Fabc123S phone 5511999998888")
    out = redact(text)
    assert "0123456789ABCDEF01234567" not in out and "sekret123" not in out
    assert "Fabc123S" not in out and "5511999998888" not in out
    assert "/token/***/send-text" in out
    assert "5511*********" in out  # the country and area code stay readable


@pytest.mark.parametrize(("text", "secret"), [
    ("z-api-token: ZapiHeaderValue9", "ZapiHeaderValue9"),
    ("headers={'Z-Api-Token': 'ZapiHeaderValue9'}", "ZapiHeaderValue9"),
    (f"signing with {WHSEC}", WHSEC.removeprefix("whsec_")),
    ("form client_token=Fundersc0reS&x=1", "Fundersc0reS"),
    ('{"client_token": "Fjsonvalue1S"}', "Fjsonvalue1S"),
    ("GET /media/k.jpg?exp=1&sig=abcdefsig123", "abcdefsig123"),
    ("GET /status?token=QueryTok3n", "QueryTok3n"),
    ("GET /status?a=1&token=QueryTok3n&b=2", "QueryTok3n"),
    (f"instance token {INSTANCE_TOKEN} leaked", INSTANCE_TOKEN),
    ("redis://user:hunter2pass@redis:6379/0", "hunter2pass"),
])
def test_redact_header_query_and_token_shapes(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out, out


def test_redact_keeps_ordinary_text() -> None:
    text = "instance A20DA9C0183A2D35A260F53F5D2B9244 sent 3 messages; token rotated"
    assert redact(text) == text  # a 32-hex instance id is not a token


def test_registered_secrets_are_redacted_by_value() -> None:
    assert redact("the partner token is pt-Zq8wLmN") == "the partner token is pt-Zq8wLmN"
    register_secret("pt-Zq8wLmN")
    register_secret("short")  # too short to register: it would blank out ordinary words
    assert redact("the partner token is pt-Zq8wLmN, short") == "the partner token is ***, short"


def test_settings_secrets_are_registered() -> None:
    settings = Settings(secret_key=SecretStr("sk-" + "s" * 40), partner_token=SecretStr("pt-partner-token-value"),
                        client_token=SecretStr("ct-client-token-value"))
    register_settings_secrets(settings)
    out = redact(f"sk-{'s' * 40} pt-partner-token-value ct-client-token-value")
    assert out == "*** *** ***"


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
        logger.warning("webhook %s signed with %s", "z-api-token: ZapiHeaderValue9", WHSEC)
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert '"request_id":"rid-1"' in text
    for secret in ("SECRETSECRET", "5511988887777", "ZapiHeaderValue9", WHSEC):
        assert secret not in text, secret


def test_sentry_before_send_scrubs() -> None:
    event = {
        "request": {"url": "http://h/instances/ID/token/TOKENVALUE123/send-text?token=QueryTok3n",
                    "headers": {"Client-Token": "Fclient", "Authorization": "Bearer x", "Accept": "json"},
                    "data": {"phone": "5511999990000", "message": "hi"}},
        "extra": {"list": ["Bearer abcdef", 5511999990000], "count": 3, "ok": True},
        "message": "failed for 5511999990000",
    }
    out = before_send(event, {})
    flat = repr(out)
    for secret in ("TOKENVALUE123", "QueryTok3n", "Fclient", "5511999990000", "abcdef"):
        assert secret not in flat, secret
    assert out["request"]["headers"]["Client-Token"] == "[Filtered]"
    assert out["request"]["headers"]["Accept"] == "json"
    assert out["extra"]["list"][1] == "5511*********"  # an integer phone becomes a masked string
    assert out["extra"]["count"] == 3 and out["extra"]["ok"] is True


@pytest.mark.parametrize("headers", [
    [["authorization", "Bearer-less-raw-value"], ["accept", "json"]],
    [("Client-Token", "Fpairvalue1S"), ("accept", "json")],
    (("client_token", "Fpairvalue1S"), ("accept", "json")),
    [["Z-API-Token", "ZapiHeaderValue9"], ["accept", "json"]],
])
def test_sentry_before_send_scrubs_header_pairs(headers: Sequence[Sequence[str]]) -> None:
    out = before_send({"request": {"headers": headers}}, {})
    scrubbed = list(out["request"]["headers"])
    assert list(scrubbed[0]) == [headers[0][0], "[Filtered]"]
    assert list(scrubbed[1]) == ["accept", "json"]
    for secret in ("Bearer-less-raw-value", "Fpairvalue1S", "ZapiHeaderValue9"):
        assert secret not in repr(out), secret


def test_sentry_before_send_scrubs_registered_secrets_and_webhook_secrets() -> None:
    register_secret("pt-Zq8wLmN")
    event = {"exception": {"values": [{"value": "auth failed for pt-Zq8wLmN"}]},
             "extra": {"webhook": {"headers": {"X-Signature-Secret": WHSEC}}, "instance_token": INSTANCE_TOKEN}}
    flat = repr(before_send(event, {}))
    for secret in ("pt-Zq8wLmN", WHSEC, INSTANCE_TOKEN):
        assert secret not in flat, secret
