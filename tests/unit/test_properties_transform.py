"""Properties of ``dispatch.transform``: any event gives JSON-encodable Z-API payloads with the fields every
callback carries, the same ones again after the envelope's trip through NATS (``encode`` → ``decode``)."""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core.events import ENGINE_EVENTS, Address, Envelope, MessageReceived, decode, encode

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
TYPES = {Hook.RECEIVED: "ReceivedCallback", Hook.DELIVERY: "DeliveryCallback",
         Hook.MESSAGE_STATUS: "MessageStatusCallback", Hook.PRESENCE_CHAT: "PresenceChatCallback",
         Hook.CONNECTED: "ConnectedCallback", Hook.DISCONNECTED: "DisconnectedCallback"}
CONTENT_KEYS = {"text", "image", "audio", "video", "ptv", "document", "sticker", "location", "liveLocation",
                "contact", "reaction", "poll", "pollVote", "buttonsResponseMessage", "listResponseMessage"}

# what WhatsApp can send: valid Unicode text (NULs included), 64-bit integers, finite coordinates
texts = st.text(st.characters(codec="utf-8") | st.just("\x00"), max_size=10)
addresses = st.builds(
    Address,
    jid=st.sampled_from(["5544999999999@s.whatsapp.net", "120363019502650977@g.us", "81896604192873@lid",
                         "120363000000000000@newsletter", "status@broadcast", "x@y", "", "@"]) | texts,
    phone=st.none() | st.sampled_from(["5544999999999"]) | texts,
    lid=st.none() | st.just("81896604192873@lid") | texts,
)


def of(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for one field type of our event and content dataclasses."""
    if tp is int:
        return st.integers(-(2**63), 2**63 - 1)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if tp is str:
        return texts
    if tp is Address:
        return addresses
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return built(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(of(arg) for arg in args))
    if origin is tuple:
        return st.lists(of(args[0]), max_size=3).map(tuple)
    if origin is dict:
        return st.dictionaries(of(args[0]), of(args[1]), max_size=2)
    return st.from_type(tp)


def built(cls: type) -> st.SearchStrategy[Any]:
    """Instances of a dataclass with every field drawn, defaults included."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: of(hints[f.name]) for f in dataclasses.fields(cls) if f.name != "original"}
    if cls is c.Forward:  # its original is a Content again: drawn as None, or the strategy never ends
        fields["original"] = st.none()
    return st.builds(cls, **fields)


events = st.one_of(*(built(cls) for cls in ENGINE_EVENTS))
envelopes = st.builds(Envelope, instance_id=st.just("A20DA9C0183A2D35A260F53F5D2B9244"), seq=of(int),
                      event_id=texts, at_ms=of(int), event=events)
contexts = st.builds(Context, instance_id=st.just("A20DA9C0183A2D35A260F53F5D2B9244"), connected_phone=texts,
                     notify_sent_by_me=st.booleans())


@PROPERTY
@given(envelopes, contexts)
def test_payloads_are_json_with_the_common_fields(env: Envelope, ctx: Context) -> None:
    out = transform(env, ctx)
    assert out == transform(env, ctx)  # pure: same event, same payloads
    for hook, payload in out:
        assert orjson.loads(orjson.dumps(payload)) == payload
        assert payload["type"] == TYPES[hook] and payload["instanceId"] == ctx.instance_id
        if hook is not Hook.DISCONNECTED:
            assert isinstance(payload["phone"], str)


@PROPERTY
@given(built(MessageReceived), contexts)
def test_received_payload_carries_the_message(ev: MessageReceived, ctx: Context) -> None:
    out = transform(Envelope(ctx.instance_id, 1, "e1", 1, ev), ctx)
    if ev.from_me and not ctx.notify_sent_by_me:
        assert out == []
        return
    [(hook, payload)] = out
    assert hook is Hook.RECEIVED
    assert (payload["messageId"], payload["momment"], payload["fromMe"], payload["isGroup"]) == (
        ev.message_id, ev.timestamp_ms, ev.from_me, ev.is_group)
    assert len(CONTENT_KEYS & set(payload)) <= 1


@PROPERTY
@given(envelopes, contexts)
def test_payloads_survive_the_trip_through_nats(env: Envelope, ctx: Context) -> None:
    assert transform(decode(encode(env)), ctx) == transform(env, ctx)
