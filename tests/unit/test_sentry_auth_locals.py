"""An error inside the auth dependencies reaches Sentry without the tokens those frames hold.

``partner_auth`` holds the raw bearer in its ``authorization`` argument and ``instance_auth`` the instance
token in ``token``. Sentry attaches frame locals to exception events by default, where only name-based
filtering stands between them and the report: ``init_sentry`` turns locals off, and ``before_send``
redacts what is left (exception text, messages) by value and by shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest
import sentry_sdk
from pydantic import SecretStr
from sentry_sdk.envelope import Envelope
from sentry_sdk.scrubber import EventScrubber
from sentry_sdk.transport import Transport
from starlette.requests import Request

from gateway.api.auth import instance_auth, partner_auth
from gateway.api.state import AppState
from gateway.core.config import Settings
from gateway.core.ids import InstanceId, PartnerId, hash_token, instance_token
from gateway.core.models import EngineKind, Instance, Partner
from gateway.ops import logs
from gateway.ops.sentry import init_sentry

DSN = "https://public@example.invalid/1"
SECRET_KEY = "sk-" + "q" * 40
PARTNER_TOKEN = "pt-settings-partner-token"  # the api's own partner token: registered from settings
CLIENT_TOKEN = "ct-settings-client-token"
OTHER_PARTNER_TOKEN = "pt-another-partners-token"  # a token the process never registered: matches no pattern
OTHER_CLIENT_TOKEN = "ct-another-partners-client"
IID = "A20DA9C0183A2D35A260F53F5D2B9244"
TOKEN = instance_token(SECRET_KEY, IID, 1)
ALL_SECRETS = (SECRET_KEY, PARTNER_TOKEN, CLIENT_TOKEN, OTHER_PARTNER_TOKEN, OTHER_CLIENT_TOKEN, TOKEN)


class Captured(Transport):
    """Keeps the envelopes the client would have sent."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def sent(self) -> str:
        return b"".join(e.serialize() for e in self.envelopes).decode(errors="replace")

    def frames(self) -> list[dict[str, Any]]:
        event = self.envelopes[-1].get_event()
        assert event is not None
        return [f for value in event["exception"]["values"] for f in value["stacktrace"]["frames"]]


class FailingStore:
    """Fails on the lookups that hold the presented token in the request: the partner's, and the instance with
    its partner (one query in ``instance_auth``)."""

    def __init__(self, failure: str = "database connection lost") -> None:
        self.failure = failure

    async def get(self, instance_id: str) -> Instance:
        now = datetime.now(UTC)
        return Instance(id=InstanceId(instance_id), partner_id=PartnerId(1), name="i", engine=EngineKind.SANDBOX,
                        token_hash=hash_token(TOKEN), token_version=1, webhook_secret_version=1, callbacks={},
                        notify_sent_by_me=False, desired_state="running", created_at=now, updated_at=now)

    async def partner(self, partner_id: PartnerId) -> Partner:
        raise RuntimeError(self.failure)

    async def with_partner(self, instance_id: str) -> tuple[Instance, Partner]:
        raise RuntimeError(self.failure)

    async def partner_by_token_hash(self, token_hash: str) -> Partner:
        raise RuntimeError(self.failure)


def state(store: FailingStore) -> AppState:
    return cast(AppState, SimpleNamespace(instances=store, auth_guard=None))


def request(headers: dict[str, str]) -> Request:
    return Request({"type": "http", "method": "POST", "path": f"/instances/{IID}/token/{TOKEN}/send-text",
                    "query_string": b"", "client": ("203.0.113.7", 50000),
                    "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})


@pytest.fixture
def transport(monkeypatch: pytest.MonkeyPatch) -> Iterator[Captured]:
    monkeypatch.setattr(logs, "_known_secrets", set())
    captured = Captured()
    try:
        yield captured
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)


def settings() -> Settings:
    return Settings(sentry_dsn=SecretStr(DSN), secret_key=SecretStr(SECRET_KEY), partner_token=SecretStr(PARTNER_TOKEN),
                    client_token=SecretStr(CLIENT_TOKEN))


async def fail_partner_auth(presented: str, store: FailingStore) -> None:
    try:
        bearer = f"Bearer {presented}"
        await partner_auth(request({"authorization": bearer}), state(store), authorization=bearer)
    except RuntimeError as exc:
        sentry_sdk.capture_exception(exc)
    else:
        pytest.fail("the store did not fail")
    sentry_sdk.flush()


async def fail_instance_auth(presented: str, store: FailingStore) -> None:
    try:
        await instance_auth(request({"client-token": presented}), state(store), IID, TOKEN)
    except RuntimeError as exc:
        sentry_sdk.capture_exception(exc)
    else:
        pytest.fail("the store did not fail")
    sentry_sdk.flush()


def assert_clean(transport: Captured) -> None:
    frames = transport.frames()
    assert any(f["function"] in ("partner_auth", "instance_auth") for f in frames)
    assert not [f["function"] for f in frames if "vars" in f], "frame locals were sent"
    sent = transport.sent()
    for secret in ALL_SECRETS:
        assert secret not in sent, secret


@pytest.mark.parametrize("presented", [PARTNER_TOKEN, OTHER_PARTNER_TOKEN])
async def test_partner_auth_failure_sends_no_token(transport: Captured, presented: str) -> None:
    assert init_sentry(settings(), "api", transport=transport)
    await fail_partner_auth(presented, FailingStore())
    assert_clean(transport)


@pytest.mark.parametrize("presented", [CLIENT_TOKEN, OTHER_CLIENT_TOKEN])
async def test_instance_auth_failure_sends_no_token(transport: Captured, presented: str) -> None:
    assert init_sentry(settings(), "api", transport=transport)
    await fail_instance_auth(presented, FailingStore())
    assert_clean(transport)


async def test_registered_secrets_are_scrubbed_from_the_exception_text(transport: Captured) -> None:
    """A driver error that echoes a parameter: only the by-value registry can recognise the token."""
    assert init_sentry(settings(), "api", transport=transport)
    await fail_partner_auth(PARTNER_TOKEN, FailingStore(f"invalid input for query argument $1: {PARTNER_TOKEN!r}"))
    assert_clean(transport)
    assert "invalid input for query argument" in transport.sent()


async def test_frame_locals_would_carry_the_token(transport: Captured) -> None:
    """The harness is sensitive: with locals on and no name-based filtering, the bearer token is sent."""
    sentry_sdk.init(dsn=DSN, transport=transport, include_local_variables=True,
                    event_scrubber=EventScrubber(denylist=[], pii_denylist=[]))
    await fail_partner_auth(OTHER_PARTNER_TOKEN, FailingStore())
    frames = {f["function"]: f for f in transport.frames()}
    assert OTHER_PARTNER_TOKEN in repr(frames["partner_auth"]["vars"]["authorization"])
    assert OTHER_PARTNER_TOKEN in transport.sent()
