"""Refuse, at the edge, input no route can store or forward: one ASGI middleware for every route.

Postgres text cannot hold NUL; JSON (orjson, NATS messages, JSONB) cannot carry lone surrogates, NaN,
Infinity or integers beyond 64 bits; and nothing we accept nests deeper than a few levels. So before any
route runs: the path and every query parameter are free of NUL, and a JSON body is strict JSON (RFC 8259,
as orjson reads it), free of NUL, nested at most ``max_depth`` levels. Anything else is a Z-API shaped 400
naming the field (``a.b.0.c``), so the hand-written parsers behind it only ever see what they can pass on.
"""

from __future__ import annotations

import functools
import json
import math
import re
from email.message import Message as MimeMessage
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.core.errors import InvalidInput

MAX_JSON_DEPTH = 32
NUL = "must not contain NUL characters"
SURROGATE = "must be valid Unicode text (it contains a lone surrogate)"
INVALID_JSON = "request body is not valid JSON"
_INT_RANGE = (-(2**63), 2**64 - 1)  # what orjson writes
_DIGITS_AS_ZERO = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))  # digits -> "0", the rest -> " "
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # \u0000 after an even number of backslashes
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_EMPTY_PAIR = re.compile(rb"\[\]|\{\}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _printable(name: str) -> str:
    """A field name safe to echo in a JSON error: lone surrogates and NUL replaced."""
    return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF or ch == "\0" else ch for ch in name)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _scalar_problem(value: object) -> str | None:
    """What JSON text or our serialiser cannot carry in one scalar, or None."""
    if isinstance(value, str):
        if "\0" in value:
            return NUL
        return SURROGATE if _has_surrogate(value) else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "must be a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
        return "is out of range"
    return None


Where = tuple["Where | None", object] | None  # the path to a value, built into a string only when refused


def _field(where: Where) -> str:
    keys: list[str] = []
    while where is not None:
        where, key = where
        keys.append(_printable(str(key)))
    return ".".join(reversed(keys)) or "body"


def _value_problem(value: object, max_depth: int) -> InvalidInput | None:
    """Walk a parsed JSON value (iteratively: depth is what is being checked) for what JSON cannot carry."""
    if (message := _scalar_problem(value)) is not None:
        return InvalidInput(message, field="body")
    stack: list[tuple[object, Where, int]] = [(value, None, 1)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, dict):
            pairs: Any = item.items()
        elif isinstance(item, list):
            pairs = enumerate(item)
        else:
            continue
        if depth > max_depth:
            return InvalidInput(f"is nested deeper than {max_depth} levels", field=_field(where))
        for key, child in pairs:
            if isinstance(key, str) and (message := _scalar_problem(key)) is not None:
                return InvalidInput(message, field=_field((where, key)))
            if isinstance(child, dict | list):
                stack.append((child, (where, key), depth + 1))
            elif (message := _scalar_problem(child)) is not None:
                return InvalidInput(message, field=_field((where, key)))
    return None


def _deeper_than(raw: bytes, max_depth: int) -> bool:
    """Whether strict JSON text nests deeper than ``max_depth``: strings dropped, brackets kept, then one
    pass per level strips the innermost pairs (each pass is one C-speed regex over the text)."""
    if raw.count(b"{") + raw.count(b"[") <= max_depth:
        return False
    shape = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(max_depth):
        shape = _EMPTY_PAIR.sub(b"", shape)
        if not shape:
            return False
    return True


def _nul_escape(raw: bytes) -> bool:
    return b"\\u0000" in raw and _NUL_ESCAPE.search(raw) is not None


def _long_digits(raw: bytes) -> bool:
    """19 digits in a row somewhere: an integer that may not fit 64 bits (orjson reads it as a float, the
    routes' json as an int)."""
    return b"0" * 19 in raw.translate(_DIGITS_AS_ZERO)


def json_problem(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> InvalidInput | None:
    """Why this JSON body is refused, or None.

    Ordinary bodies cost one orjson parse and a few C-speed scans; only a body with a suspect (a parse
    orjson refuses, nesting, a NUL escape, a long integer) is walked in Python to name the field.
    """
    try:
        orjson.loads(raw)
        strict = True
    except orjson.JSONDecodeError:
        strict = False
    if strict and not (_deeper_than(raw, max_depth) or _nul_escape(raw) or _long_digits(raw)):
        return None
    try:  # lenient, as the routes read bodies: find the field orjson refused, or the NUL, or the depth
        value = json.loads(raw)
    except RecursionError:
        return InvalidInput(f"is nested deeper than {max_depth} levels", field="body")
    except ValueError:
        return InvalidInput(INVALID_JSON, field="body")
    problem = _value_problem(value, max_depth)
    if problem is None and not strict:
        problem = InvalidInput(INVALID_JSON, field="body")
    return problem


def query_problem(query_string: bytes) -> InvalidInput | None:
    if b"%00" not in query_string:
        return None
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\0" in name or "\0" in value:
            return InvalidInput(NUL, field=_printable(name) or "query")
    return None


@functools.lru_cache(maxsize=256)  # clients send a handful of spellings; parsing one costs ~50 us
def is_json(content_type: bytes | None) -> bool:
    """The bodies FastAPI parses as JSON: no content type, ``application/json`` or ``application/*+json``."""
    if not content_type:
        return True
    mime = MimeMessage()
    mime["content-type"] = content_type.decode("latin-1")
    subtype = mime.get_content_subtype()
    return mime.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


class InputGuard:
    """Check path, query and JSON body before the app; answer a Z-API 400 for what cannot be served.

    It sits inside ``BodyLimit``, so the body it buffers is already bounded.
    """

    def __init__(self, app: ASGIApp, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = (InvalidInput(NUL, field="path") if "\0" in scope["path"] else None) or query_problem(
            scope["query_string"])
        if (problem is None and scope["method"] not in ("GET", "HEAD", "OPTIONS")
                and is_json(dict(scope["headers"]).get(b"content-type"))):
            body, receive = await buffer_body(receive)
            if body.strip():
                problem = json_problem(body, self.max_depth)
        if problem is not None:
            await _refuse(send, problem)
            return
        await self.app(scope, receive, send)


async def buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body; return it and a ``receive`` that replays it to the app."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay


async def _refuse(send: Send, problem: InvalidInput) -> None:
    body = orjson.dumps(problem.body())
    await send({"type": "http.response.start", "status": problem.http_status(),
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
