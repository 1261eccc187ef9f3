"""Properties of the send parsers: any JSON body gives a ``SendRequest`` or ``InvalidInput``, nothing else.

Bodies are what ``json.loads`` (the api's parser) can produce: lone surrogates (``"\\ud800"``), NULs, NaN,
integers of any size. Each field an action reads mostly gets a plausible value, so that the parsers
get past their first checks, and any JSON value otherwise.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.api.sendspec import PARSERS, SendRequest, parse_send
from gateway.core.errors import InvalidInput
from gateway.core.events import dumps

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
ACTIONS = [*PARSERS, "send-document"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 8
MP4 = b"\0\0\0\x18ftypisom" + b"\0" * 8

chars = st.characters(exclude_categories=()) | st.sampled_from("\x00\ud800\udfff\n ")
texts = st.text(chars, max_size=8)
words = st.builds("{}{}".format, st.sampled_from("ab\ud800"), texts)  # never blank
valid_phones = st.sampled_from(["5511999990000", "120363019502650977-group", "81896604192873@lid"])
phones = valid_phones | st.sampled_from(["551199999000\n", "٥٥١١٩٩٩٩٩٠٠٠٠", "+5511999990000"])
numbers = (st.integers() | st.floats() | st.sampled_from([10**400, -(2**70), "nan", "NaN", "inf", "1e400", " 7 ",
                                                          "5", True]))
media = st.sampled_from(["https://example.com/a.png", "http://[", "http://h:99999/", "ftp://example.com/a",
                         "data:image/png;base64,"
                         + base64.b64encode(PNG).decode(), "data:video/mp4;base64," + base64.b64encode(MP4).decode(),
                         "data:;base64,@@", "data:x", ""])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts | phones | numbers | media
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=4,
)


def field(plausible: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, sometimes any JSON value."""
    return st.one_of(plausible, plausible, plausible, json_values)


names = st.lists(field(st.fixed_dictionaries({"name": words})), min_size=1, max_size=13)
button = st.fixed_dictionaries({"label": words}, optional={
    "id": field(words), "type": field(st.sampled_from(["REPLY", "URL", "CALL", "OTHER"])),
    "url": field(st.sampled_from(["https://example.com", "mailto:x"])), "phone": field(phones)})
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "message": st.just("see https://example.com/x") | words,
    **dict.fromkeys(["image", "audio", "video", "ptv", "gif", "sticker", "document"], media),
    "linkUrl": st.just("https://example.com/x"), "linkType": st.sampled_from(["SMALL", "LARGE", "HUGE"]),
    **dict.fromkeys(["latitude", "longitude", "delayMessage", "delayTyping", "pollMaxOptions"], numbers),
    "contactPhone": phones, "messagePhone": phones, "mentioned": st.lists(field(valid_phones), max_size=3),
    "contacts": st.lists(field(st.fixed_dictionaries({"name": words, "phones": st.lists(field(phones), min_size=1)})),
                         min_size=1, max_size=3),
    "poll": names, "pollVote": names,
    "optionList": st.fixed_dictionaries({"title": words, "buttonLabel": words, "options": st.lists(field(
        st.fixed_dictionaries({"title": words}, optional={"id": words, "description": texts})), min_size=1,
        max_size=11)}),
    "buttonList": st.fixed_dictionaries({"buttons": st.lists(field(button), min_size=1, max_size=4)},
                                        optional={"image": field(media), "video": field(media)}),
    "buttonActions": st.lists(field(button), min_size=1, max_size=4),
}
# the fields each action reads (besides the common ones); any other field is text
SHAPES = {
    "send-text": ["message", "mentioned", "editMessageId"],
    "send-link": ["message", "linkUrl", "image", "title", "linkDescription", "linkType"],
    "send-location": ["latitude", "longitude", "title", "address"],
    "send-contact": ["contactName", "contactPhone", "contactBusinessDescription"],
    "send-contacts": ["contacts"],
    "send-reaction": ["reaction"],
    "send-remove-reaction": [],
    "send-poll": ["message", "poll", "pollMaxOptions"],
    "send-poll-vote": ["pollMessageId", "pollVote"],
    "send-option-list": ["message", "optionList"],
    "send-button-list": ["message", "buttonList"],
    "send-button-actions": ["message", "buttonActions", "title", "footer"],
    "forward-message": ["messagePhone"],
    "send-document": ["document", "fileName", "caption"],
    **{f"send-{kind}": [kind, "caption"] for kind in ("image", "audio", "video", "ptv", "gif", "sticker")},
}
COMMON = ["delayMessage", "delayTyping", "messageId"]


def bodies(action: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"phone": valid_phones,
         **{name: field(VALUES.get(name, words)) for name in SHAPES[action]}},
        optional={name: field(VALUES.get(name, words)) for name in COMMON},
    )


extensions = st.none() | st.sampled_from(["pdf", "PDF", "tar.gz", "", "pdf\n"]) | texts


def parse(action: str, body: Any, extension: str | None) -> SendRequest | None:
    """Parse and encode as the api does before storing the send; ``None`` when refused with a 400."""
    try:
        req = parse_send(action, body, max_media_bytes=1024, extension=extension)
        dumps(req.outgoing)
    except InvalidInput as exc:
        assert exc.field, exc
        return None
    return req


@pytest.mark.parametrize("action", ACTIONS)
@settings(PROPERTY, max_examples=100)  # per action: 20 actions
@given(data=st.data(), extension=extensions)
def test_parse_send_gives_a_request_or_invalid_input(action: str, data: st.DataObject, extension: str | None
                                                     ) -> None:
    req = parse(action, data.draw(bodies(action), "body"), extension)
    if req is None:
        return
    assert req.kind == action and req.outgoing.to.partition("@")[2]
    for seconds in (req.delay_message_s, req.delay_typing_s):
        assert seconds is None or (math.isfinite(seconds) and 0 <= seconds <= 15), seconds


@PROPERTY
@given(action=st.sampled_from(ACTIONS), body=json_values)
def test_parse_send_refuses_any_json_value_cleanly(action: str, body: Any) -> None:
    parse(action, body, "pdf")


@pytest.mark.parametrize("number", ["nan", "NaN", float("nan"), "inf", 10**400, -(2**1100)])
@pytest.mark.parametrize(("action", "key"), [("send-text", "delayMessage"), ("send-location", "latitude")])
def test_numbers_that_are_not_finite_floats_are_invalid(action: str, key: str, number: object) -> None:
    body = {"phone": "5511999990000", "message": "hi", "latitude": 1, "longitude": 2, "title": "t", "address": "a"}
    with pytest.raises(InvalidInput) as caught:
        parse_send(action, {**body, key: number}, max_media_bytes=1024)
    assert caught.value.field == key


@pytest.mark.parametrize("url", ["http://[", "http://[::1", "https://example.com:99999/a.png", "http://h:port/x"])
def test_media_url_with_a_broken_host_or_port_is_invalid_input(url: str) -> None:
    with pytest.raises(InvalidInput):
        parse_send("send-image", {"phone": "5511999990000", "image": url}, max_media_bytes=1024)
