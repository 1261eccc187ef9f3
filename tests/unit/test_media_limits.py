"""The inbound size cap in our types: the sandbox's declared size, the event codec and the Z-API payload."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from dispatch.transform import Context, transform
from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.errors import InvalidInput
from gateway.core.events import Envelope, MessageReceived, decode, encode
from gateway.core.sandbox_spec import build_inbound

CTX = Context(instance_id="I1", connected_phone="5521900000000", notify_sent_by_me=False)


def _inbound(**spec: Any) -> MessageReceived:
    return build_inbound({"from": "5511988887777", **spec}, random.Random(1), 1_757_390_000_000)


def _payload(event: MessageReceived) -> dict[str, Any]:
    ((_hook, payload),) = transform(Envelope(instance_id="I1", seq=1, event_id="e", at_ms=1, event=event), CTX)
    return payload


def test_defaults() -> None:
    fields = Settings.model_fields
    assert fields["inbound_media_max_bytes"].default == 100 * 1024 * 1024
    assert fields["media_max_pixels"].default == 40_000_000


def test_sandbox_messages_declare_a_file_length_like_whatsapp() -> None:
    doc = _inbound(type="document", fileLength=2 * 1024**3)
    media = c.media_of(doc.content)
    assert media is not None and media.file_length == 2 * 1024**3
    for bad in (-1, 1.5, "10", True, 2**63):
        with pytest.raises(InvalidInput) as refused:
            _inbound(type="image", fileLength=bad)
        assert refused.value.field == "fileLength"
    assert isinstance(_inbound(type="text", message="hi", fileLength=5).content, c.Text)  # no media: ignored


def test_a_refused_download_reaches_the_webhook_with_its_reason() -> None:
    event = _inbound(type="document", fileName="movie.mkv", fileLength=2 * 1024**3)
    media = c.media_of(event.content)
    assert media is not None
    refused = replace(event, content=c.with_media(event.content, replace(
        media, download_error=True, download_error_reason=c.TOO_LARGE)))
    envelope = Envelope(instance_id="I1", seq=1, event_id="e", at_ms=1, event=refused)
    assert decode(encode(envelope)) == envelope  # through JetStream unchanged
    doc = _payload(refused)["document"]
    assert doc["downloadError"] is True and doc["downloadErrorReason"] == "TOO_LARGE"
    assert doc["documentUrl"] is None and doc["fileName"] == "movie.mkv"
    failed = replace(event, content=c.with_media(event.content, replace(media, download_error=True)))
    assert "downloadErrorReason" not in _payload(failed)["document"]  # a failure that will be retried
