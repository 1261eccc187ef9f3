"""Media inputs of the send endpoints: a URL or a ``data:<mime>;base64,`` URI, sniffed and bounded (pure)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from gateway.core.errors import InvalidInput

_DATA_URI = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?((?:;[\w-]+=[\w.-]+)*);base64,(.*)$", re.DOTALL)

# what each endpoint accepts (sniffed mime type prefixes)
ACCEPT = {
    "image": ("image/jpeg", "image/png", "image/webp", "image/gif"),
    "sticker": ("image/webp", "image/png", "image/jpeg", "image/gif"),
    "audio": ("audio/",),
    "video": ("video/",),
    "ptv": ("video/",),
    "gif": ("video/mp4",),
    "document": ("",),
}


@dataclass(frozen=True, slots=True)
class MediaInput:
    url: str | None
    data: bytes | None
    mime_type: str
    sha256_hex: str


def sniff(data: bytes) -> str:
    """The content type from the leading bytes ('' when unknown)."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"OggS":
        return "audio/ogg; codecs=opus" if b"OpusHead" in data[:64] else "audio/ogg"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "audio/aac"  # ADTS
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:6] == b"#!AMR\n":
        return "audio/amr"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:
        return "audio/webm"  # WebM: accepted as audio (converted to Opus), not as a WhatsApp video
    if head[4:8] == b"ftyp":
        brand = data[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/mp4"
    if head[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return ""


def parse_media(value: object, field: str, kind: str, max_bytes: int) -> MediaInput:
    """Validate a media field: an http(s) URL, or a base64 data URI whose sniffed type fits ``kind``."""
    if not isinstance(value, str) or not value:
        raise InvalidInput("must be a URL or a data:<mime>;base64, URI", field=field)
    if value.startswith("data:"):
        match = _DATA_URI.match(value)
        if match is None:
            raise InvalidInput("must be a data:<mime>;base64,<data> URI", field=field)
        payload = match.group(3)
        if len(payload) * 3 // 4 > max_bytes:
            raise InvalidInput(f"is larger than {max_bytes} bytes", field=field)
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput("is not valid base64", field=field) from exc
        if not data:
            raise InvalidInput("is empty", field=field)
        mime = sniff(data) or (match.group(1) or "application/octet-stream")
        if kind != "document" and not mime.startswith(ACCEPT[kind]):
            raise InvalidInput(f"is {mime or 'an unknown type'}, not a valid {kind}", field=field)
        return MediaInput(url=None, data=data, mime_type=mime, sha256_hex=hashlib.sha256(data).hexdigest())
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises for a port that is not a number in range
    except ValueError:
        parts = None  # e.g. "http://[" (an unclosed IPv6 host)
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or len(value) > 4096:
        raise InvalidInput("must be an http(s) URL or a data:<mime>;base64, URI", field=field)
    return MediaInput(url=value, data=None, mime_type="", sha256_hex="")
