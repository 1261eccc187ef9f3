"""Media preparation (CPU work, run in threads): thumbnails, sticker WebP, audio to Opus via ffmpeg."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from gateway.core.errors import InvalidInput

THUMBNAIL_MAX_PX = 320
STICKER_PX = 512


def thumbnail(data: bytes) -> bytes:
    """A JPEG no larger than 320 px on its longest side."""
    with Image.open(io.BytesIO(data)) as img:
        img.thumbnail((THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=80)
        return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return img.size


def sticker_webp(data: bytes, field: str = "sticker") -> bytes:
    """WhatsApp stickers: WebP, 512x512, transparent padding."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            rgba = img.convert("RGBA")
            rgba.thumbnail((STICKER_PX, STICKER_PX))
            canvas = Image.new("RGBA", (STICKER_PX, STICKER_PX), (0, 0, 0, 0))
            canvas.paste(rgba, ((STICKER_PX - rgba.width) // 2, (STICKER_PX - rgba.height) // 2))
            out = io.BytesIO()
            canvas.save(out, "WEBP", quality=80)
            return out.getvalue()
    except OSError as exc:
        raise InvalidInput("is not an image that can be made into a sticker", field=field) from exc


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def audio_to_opus(data: bytes, field: str = "audio") -> bytes:
    """Convert audio that is not OGG/Opus with ffmpeg, or refuse clearly when ffmpeg is missing."""
    if not ffmpeg_available():
        raise InvalidInput("is not OGG/Opus and this server has no ffmpeg to convert it "
                           "(install ffmpeg, or send audio/ogg; codecs=opus)", field=field)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in", Path(tmp) / "out.ogg"
        src.write_bytes(data)
        done = subprocess.run(["ffmpeg", "-nostdin", "-y", "-i", str(src), "-vn", "-c:a", "libopus", "-b:a", "64k",
                               str(dst)], capture_output=True, timeout=120, check=False)
        if done.returncode != 0 or not dst.exists():
            raise InvalidInput("could not be converted to OGG/Opus", field=field)
        return dst.read_bytes()
