"""Media preparation (CPU work, run in threads): thumbnails, sticker WebP, audio to Opus via ffmpeg.

Every image is opened lazily and its size read from the header before anything is decoded: an image of
more than ``max_pixels`` pixels (``ZAPGATE_MEDIA_MAX_PIXELS``) is refused with ``InvalidInput``, so a small
compressed file cannot expand into gigabytes. Audio reaches ffmpeg only as a file of an allowed container,
named with ``-f`` and read through the ``file`` protocol alone.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

from gateway.core.errors import InvalidInput

THUMBNAIL_MAX_PX = 320
STICKER_PX = 512
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # what WhatsApp sends and we accept; Pillow tries no other parser


@contextmanager
def opened_image(data: bytes, field: str, max_pixels: int) -> Iterator[Image.Image]:
    """The image, opened from its header only, once its size is known to be within ``max_pixels``."""
    try:
        img = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidInput("has too many pixels to be decoded safely", field=field) from exc
    except OSError as exc:
        raise InvalidInput("is not an image that can be read", field=field) from exc
    with img:
        width, height = img.size
        if width * height > max_pixels:
            raise InvalidInput(f"is {width}x{height} pixels, more than the {max_pixels} allowed", field=field)
        yield img


def check_image(data: bytes, field: str, max_pixels: int) -> tuple[int, int]:
    """The image's size, read from its header; ``InvalidInput`` when it is unreadable or too large."""
    with opened_image(data, field, max_pixels) as img:
        return img.size


def thumbnail(data: bytes, max_pixels: int, field: str = "image") -> bytes:
    """A JPEG no larger than 320 px on its longest side."""
    with opened_image(data, field, max_pixels) as img:
        try:
            img.thumbnail((THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
            out = io.BytesIO()
            img.convert("RGB").save(out, "JPEG", quality=80)
        except (OSError, ValueError) as exc:
            raise InvalidInput("is not an image that can be read", field=field) from exc
        return out.getvalue()


def image_size(data: bytes, max_pixels: int, field: str = "image") -> tuple[int, int]:
    return check_image(data, field, max_pixels)


def sticker_webp(data: bytes, max_pixels: int, field: str = "sticker") -> bytes:
    """WhatsApp stickers: WebP, 512x512, transparent padding."""
    with opened_image(data, field, max_pixels) as img:
        try:
            img.draft(None, (STICKER_PX, STICKER_PX))  # a JPEG decodes at 1/2 to 1/8 scale (others: no-op)
            rgba = img.convert("RGBA")
            rgba.thumbnail((STICKER_PX, STICKER_PX))
            canvas = Image.new("RGBA", (STICKER_PX, STICKER_PX), (0, 0, 0, 0))
            canvas.paste(rgba, ((STICKER_PX - rgba.width) // 2, (STICKER_PX - rgba.height) // 2))
            out = io.BytesIO()
            canvas.save(out, "WEBP", quality=80)
        except (OSError, ValueError) as exc:
            raise InvalidInput("is not an image that can be made into a sticker", field=field) from exc
        return out.getvalue()


# audio -------------------------------------------------------------------------------------------

_ZEROS = re.compile(rb"\0*")


def _after_id3(data: bytes) -> int:
    """Where the bytes after leading ID3v2 tags (and the zero padding some taggers add) start."""
    pos = 0
    while data[pos:pos + 3] == b"ID3" and len(data) >= pos + 10:
        size = 0
        for byte in data[pos + 6:pos + 10]:  # a "syncsafe" integer: 7 bits a byte
            size = size << 7 | (byte & 0x7F)
        pos += 10 + size + (10 if data[pos + 5] & 0x10 else 0)  # header, tag, footer
    match = _ZEROS.match(data, pos)
    return match.end() if pos and match is not None else pos


def _container(head: bytes) -> str | None:
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:6] == b"#!AMR\n":
        return "amr"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"  # WebM is Matroska to ffmpeg
    if head[4:8] == b"ftyp":
        return "mov"  # the mp4/m4a/3gp family
    if len(head) > 1 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "aac"  # ADTS: sync word, layer 0
        if head[1] & 0xE0 == 0xE0:
            return "mp3"  # MPEG audio frame sync
    return None


def audio_format(data: bytes) -> str | None:
    """ffmpeg's demuxer name for audio we accept to convert (by magic bytes), ``None`` for anything else.

    Only containers named here reach ffmpeg, and ffmpeg is told which one (``-f``) instead of guessing: a
    playlist (HLS ``#EXTM3U``), concat list, SDP or any other format that makes ffmpeg open further URLs or
    files is refused, even behind an ID3 tag (ffmpeg skips those before it guesses).
    """
    start = _after_id3(data)
    return _container(data[start:start + 16])


PROFILE_PX = 640


def profile_jpeg(data: bytes, max_pixels: int, field: str = "photo") -> bytes:
    """A group or profile picture as WhatsApp takes it: a JPEG, cropped square, at most 640 px."""
    with opened_image(data, field, max_pixels) as img:
        try:
            img.draft("RGB", (PROFILE_PX, PROFILE_PX))
            rgb = img.convert("RGB")
            side = min(rgb.size)
            left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
            square = rgb.crop((left, top, left + side, top + side))
            square.thumbnail((PROFILE_PX, PROFILE_PX))
            out = io.BytesIO()
            square.save(out, "JPEG", quality=85)
        except (OSError, ValueError) as exc:
            raise InvalidInput("is not an image that can be used as a picture", field=field) from exc
        return out.getvalue()


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def ffmpeg_command(fmt: str, src: Path, dst: Path) -> list[str]:
    """The conversion command: one named demuxer, the ``file`` protocol only, no stdin, audio out."""
    return ["ffmpeg", "-nostdin", "-hide_banner", "-y", "-protocol_whitelist", "file", "-f", fmt, "-i", str(src),
            "-vn", "-c:a", "libopus", "-b:a", "64k", "-f", "ogg", str(dst)]


def audio_to_opus(data: bytes, field: str = "audio") -> bytes:
    """Convert audio that is not OGG/Opus with ffmpeg, or refuse clearly when ffmpeg is missing."""
    fmt = audio_format(data)
    if fmt is None:
        raise InvalidInput("is not audio in a format that can be converted (mp3, wav, ogg, aac, m4a/mp4, amr, "
                           "flac, webm)", field=field)
    if not ffmpeg_available():
        raise InvalidInput("is not OGG/Opus and this server has no ffmpeg to convert it "
                           "(install ffmpeg, or send audio/ogg; codecs=opus)", field=field)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in", Path(tmp) / "out.ogg"
        src.write_bytes(data)
        done = subprocess.run(ffmpeg_command(fmt, src, dst), capture_output=True, timeout=120, check=False)
        if done.returncode != 0 or not dst.exists():
            raise InvalidInput("could not be converted to OGG/Opus", field=field)
        return dst.read_bytes()
