"""Files the sandbox phone "sends": small, valid files of the right type (deterministic per message)."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

from PIL import Image

from gateway.core import content as c

MAX_SIDE = 65_535  # bounds the simulated file (the largest JPEG side)
LARGE_IMAGE_PIXELS = 4_000_000  # larger images are made as 1-bit PNGs (a JPEG that size takes its size in RAM)


def _image(seed: str, fmt: str, size: tuple[int, int]) -> bytes:
    digest = hashlib.sha256(seed.encode()).digest()
    img = Image.new("RGB", size, (digest[0], digest[1], digest[2]))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_1bit(width: int, height: int, seed: str = "") -> bytes:
    """A black-and-white PNG of any size, written row by row: little memory, and few bytes (a 20000x20000
    one is ~140 KB: what a decompression bomb looks like)."""
    row_bytes = (width + 7) // 8
    pattern = hashlib.sha256(seed.encode()).digest()
    row = b"\0" + (pattern * (row_bytes // len(pattern) + 1))[:row_bytes]  # filter "none", then the pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grayscale, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _ogg(seed: str) -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 22 + b"\x13OpusHead" + hashlib.sha256(seed.encode()).digest() * 8


def _mp4(seed: str) -> bytes:
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + hashlib.sha256(seed.encode()).digest() * 16


def _pdf(seed: str) -> bytes:
    return b"%PDF-1.4\n% zapgate sandbox " + seed.encode() + b"\n%%EOF\n"


def sandbox_file(body: c.Content, seed: str) -> tuple[bytes, str]:
    """The bytes and mime type a sandbox media message downloads to."""
    if isinstance(body, c.Image):
        size = (min(max(body.width, 1), MAX_SIDE), min(max(body.height, 1), MAX_SIDE))
        if body.media.mime_type == "image/png" or size[0] * size[1] > LARGE_IMAGE_PIXELS:
            return png_1bit(*size, seed=seed), "image/png"
        return _image(seed, "JPEG", size), "image/jpeg"
    if isinstance(body, c.Sticker):
        return _image(seed, "WEBP", (512, 512)), "image/webp"
    if isinstance(body, c.Audio):
        return _ogg(seed), "audio/ogg; codecs=opus"
    if isinstance(body, c.Video | c.Ptv):
        return _mp4(seed), "video/mp4"
    if isinstance(body, c.Document):
        return _pdf(seed), body.media.mime_type or "application/pdf"
    raise ValueError(f"{type(body).__name__} has no media")
