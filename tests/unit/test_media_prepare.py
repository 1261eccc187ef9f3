"""Media preparation refuses memory bombs: image size from the header before any decode, audio only in an
allowed container, named to ffmpeg, read through the ``file`` protocol alone."""

from __future__ import annotations

import io
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageFile

from gateway.core.errors import InvalidInput
from gateway.media import prepare
from gateway.media.input import sniff
from gateway.worker.engines.sandbox.files import png_1bit

LIMIT = 40_000_000  # the default ZAPGATE_MEDIA_MAX_PIXELS


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def no_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any pixel decode fails the test: a refusal must come from the header alone."""
    def load(_self: Any) -> None:
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_bomb_png_is_what_it_claims() -> None:
    bomb = png_1bit(20_000, 20_000)
    assert len(bomb) < 200_000 and sniff(bomb) == "image/png"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert prepare.check_image(png_1bit(13_000, 13_000), "f", 10**9) == (13_000, 13_000)


@pytest.mark.parametrize("side", [7_000, 13_000, 20_000])  # ours only, Pillow's warning, Pillow's error
@pytest.mark.usefixtures("no_decode")
def test_every_pillow_path_refuses_a_bomb_from_its_header(side: int) -> None:
    bomb = png_1bit(side, side)
    calls = {"thumbnail": lambda: prepare.thumbnail(bomb, LIMIT, "image"),
             "image_size": lambda: prepare.image_size(bomb, LIMIT, "image"),
             "sticker_webp": lambda: prepare.sticker_webp(bomb, LIMIT, "sticker"),
             "check_image": lambda: prepare.check_image(bomb, "image", LIMIT)}
    for name, call in calls.items():
        started = time.monotonic()
        with pytest.raises(InvalidInput) as refused:
            call()
        assert refused.value.field in ("image", "sticker"), name
        assert "pixels" in refused.value.message, (name, refused.value.message)
        assert time.monotonic() - started < 0.5, name


@pytest.mark.usefixtures("no_decode")
def test_our_limit_applies_where_pillow_only_warns() -> None:
    """In production Pillow's DecompressionBombWarning is only a warning: our own check must refuse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with pytest.raises(InvalidInput, match="13000x13000 pixels, more than the 40000000 allowed"):
            prepare.sticker_webp(png_1bit(13_000, 13_000), LIMIT)


def test_the_limit_is_the_configured_number_of_pixels() -> None:
    with pytest.raises(InvalidInput, match="1001x1000 pixels"):
        prepare.thumbnail(_png(1001, 1000), 1_000_000)
    with Image.open(io.BytesIO(prepare.thumbnail(_png(1000, 1000), 1_000_000))) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 320)
    assert prepare.image_size(_png(1000, 1000), 1_000_000) == (1000, 1000)
    with Image.open(io.BytesIO(prepare.sticker_webp(_png(1000, 500), 1_000_000))) as sticker:
        assert sticker.format == "WEBP" and sticker.size == (512, 512)


def test_unreadable_images_are_invalid_input() -> None:
    noise = io.BytesIO()
    Image.effect_noise((200, 200), 50).save(noise, "PNG")
    truncated = noise.getvalue()[:20_000]
    for data in (b"not an image", truncated, b"II*\x00" + b"\x00" * 100):  # junk, truncated, TIFF (not allowed)
        for call in (lambda d: prepare.thumbnail(d, LIMIT), lambda d: prepare.sticker_webp(d, LIMIT)):
            with pytest.raises(InvalidInput):
                call(data)


# audio -------------------------------------------------------------------------------------------

MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 60
HLS = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXTINF:1,\nhttp://127.0.0.1:1/x.ts\n"


def _id3(body: bytes, tag_size: int = 20) -> bytes:
    size = bytes([(tag_size >> 21) & 0x7F, (tag_size >> 14) & 0x7F, (tag_size >> 7) & 0x7F, tag_size & 0x7F])
    return b"ID3\x03\x00\x00" + size + b"\x00" * tag_size + body


@pytest.mark.parametrize(("data", "fmt"), [
    (MP3_FRAME, "mp3"), (_id3(MP3_FRAME), "mp3"), (_id3(b"\x00" * 7 + MP3_FRAME), "mp3"),
    (b"\xff\xf1\x50\x80" + b"\x00" * 20, "aac"), (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
    (b"OggS\x00\x02" + b"\x00" * 30, "ogg"), (b"fLaC\x00\x00\x00\x22", "flac"), (b"#!AMR\n\x3c", "amr"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "mov"), (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm", "matroska"),
])
def test_allowed_audio_containers(data: bytes, fmt: str) -> None:
    assert prepare.audio_format(data) == fmt


@pytest.mark.parametrize("data", [
    HLS, _id3(HLS), _id3(b"\x00" * 5 + HLS), b"ffconcat version 1.0\nfile '/etc/passwd'\n",
    b"v=0\no=- 0 0 IN IP4 127.0.0.1\n", b"<?xml version='1.0'?><MPD/>", b"", b"ID3", _id3(b""),
])
def test_other_inputs_never_reach_ffmpeg(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(*_a: Any, **_k: Any) -> None:
        raise AssertionError("ffmpeg was run")

    monkeypatch.setattr(prepare, "ffmpeg_available", lambda: True)
    monkeypatch.setattr(subprocess, "run", run)
    assert prepare.audio_format(data) is None
    with pytest.raises(InvalidInput, match="not audio in a format that can be converted") as refused:
        prepare.audio_to_opus(data, "audio")
    assert refused.value.field == "audio"


def test_ffmpeg_is_told_the_format_and_reads_files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """ffmpeg is not installed on the test machines: the command is checked, not run."""
    seen: list[list[str]] = []

    def run(argv: list[str], **_k: Any) -> subprocess.CompletedProcess[bytes]:
        seen.append(argv)
        Path(argv[-1]).write_bytes(b"OggS converted")
        return subprocess.CompletedProcess(argv, 0, b"", b"")

    monkeypatch.setattr(prepare, "ffmpeg_available", lambda: True)
    monkeypatch.setattr(subprocess, "run", run)
    assert prepare.audio_to_opus(_id3(MP3_FRAME)) == b"OggS converted"
    (argv,) = seen
    i = argv.index("-i")
    assert argv[i - 4:i] == ["-protocol_whitelist", "file", "-f", "mp3"]  # both apply to the input
    assert argv[0] == "ffmpeg" and "-nostdin" in argv and argv[-3:-1] == ["-f", "ogg"]
