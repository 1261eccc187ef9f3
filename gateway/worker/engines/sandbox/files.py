"""Files the sandbox phone "sends": small, valid files of the right type (deterministic per message)."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from gateway.core import content as c


def _image(seed: str, fmt: str, size: tuple[int, int]) -> bytes:
    digest = hashlib.sha256(seed.encode()).digest()
    img = Image.new("RGB", size, (digest[0], digest[1], digest[2]))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def _ogg(seed: str) -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 22 + b"\x13OpusHead" + hashlib.sha256(seed.encode()).digest() * 8


def _mp4(seed: str) -> bytes:
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + hashlib.sha256(seed.encode()).digest() * 16


def _pdf(seed: str) -> bytes:
    return b"%PDF-1.4\n% zapgate sandbox " + seed.encode() + b"\n%%EOF\n"


def sandbox_file(body: c.Content, seed: str) -> tuple[bytes, str]:
    """The bytes and mime type a sandbox media message downloads to."""
    if isinstance(body, c.Image):
        return _image(seed, "JPEG", (max(body.width, 1), max(body.height, 1))), "image/jpeg"
    if isinstance(body, c.Sticker):
        return _image(seed, "WEBP", (512, 512)), "image/webp"
    if isinstance(body, c.Audio):
        return _ogg(seed), "audio/ogg; codecs=opus"
    if isinstance(body, c.Video | c.Ptv):
        return _mp4(seed), "video/mp4"
    if isinstance(body, c.Document):
        return _pdf(seed), body.media.mime_type or "application/pdf"
    raise ValueError(f"{type(body).__name__} has no media")
