"""Memory bombs through the real api and worker: image pixel limits (send and receive), the inbound media
size cap (declared and downloaded), and audio that would make ffmpeg open playlists."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.config import Settings
from gateway.core.errors import EngineError
from gateway.media import prepare
from gateway.worker.engines.base import EngineContext
from gateway.worker.engines.neonize import translate
from gateway.worker.engines.neonize.engine import NeonizeEngine
from gateway.worker.engines.sandbox.files import png_1bit
from tests.support.neonize import media, message_ev
from tests.support.stack import Stack, fast, open_stack

TO = "5511988887777"
CAP = 1024 * 1024  # ZAPGATE_INBOUND_MEDIA_MAX_BYTES in these tests


@pytest.fixture
async def stack(settings: Settings, tmp_path: Path) -> AsyncIterator[Stack]:
    async for s in open_stack(fast(settings, media_dir=tmp_path / "media", inbound_media_max_bytes=CAP,
                                   media_retry_delay_s=0.1, send_gap_s="0")):
        yield s


def _uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


async def _send(stack: Stack, inst: dict[str, Any], action: str, body: dict[str, Any]) -> tuple[int, Any, float]:
    started = time.monotonic()
    r = await stack.api.client.post(stack.api.path(inst, action), json={"phone": TO, **body},
                                    headers=stack.api.client_headers)
    return r.status_code, r.json(), time.monotonic() - started


# outbound: images ----------------------------------------------------------------------------------

async def test_sticker_bombs_are_a_fast_400(stack: Stack) -> None:
    """Before: 20000x20000 → 500 (DecompressionBombError); 13000x13000 (20 KB) → 4 s, 1.5 GB in the api."""
    inst = await stack.instance()
    for side in (20_000, 13_000, 7_000):
        status, body, elapsed = await _send(stack, inst, "send-sticker", {"sticker": _uri(png_1bit(side, side))})
        assert status == 400, (side, body)
        assert body["field"] == "sticker" and "pixels" in body["error"], body
        assert elapsed < 2, (side, elapsed)


async def test_every_outbound_image_is_held_to_the_pixel_limit(stack: Stack) -> None:
    """Before: send-image took a 20000x20000 PNG unchecked (and a link's or button list's image too)."""
    inst = await stack.instance()
    bomb = _uri(png_1bit(20_000, 20_000))
    over = _uri(png_1bit(7_000, 7_000))  # 49 M pixels: over our 40 M, under Pillow's own warning
    cases = [
        ("send-image", {"image": bomb}, "image"),
        ("send-image", {"image": over}, "image"),
        ("send-link", {"message": "see https://x.example", "linkUrl": "https://x.example", "title": "t",
                       "linkDescription": "d", "image": over}, "image"),
        ("send-button-list", {"message": "pick", "buttonList": {"image": over, "buttons": [{"label": "a"}]}},
         "buttonList.image"),
    ]
    for action, body, field in cases:
        status, answer, _ = await _send(stack, inst, action, body)
        assert status == 400 and answer["field"] == field and "pixels" in answer["error"], (action, answer)
    status, answer, _ = await _send(stack, inst, "send-image", {"image": _uri(png_1bit(6_000, 6_000))})
    assert status == 200, answer  # 36 M pixels: within the limit


# outbound: audio -----------------------------------------------------------------------------------

HLS = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n"
ID3 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10  # an empty ID3v2 tag: ffmpeg skips it when it guesses


async def test_hls_playlist_sent_as_audio_is_refused_unread(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[list[str]] = []

    def run(argv: list[str], **_k: Any) -> subprocess.CompletedProcess[bytes]:
        runs.append(argv)
        return subprocess.CompletedProcess(argv, 1, b"", b"")

    monkeypatch.setattr(prepare, "ffmpeg_available", lambda: True)  # no ffmpeg here: record what would run
    monkeypatch.setattr(subprocess, "run", run)
    inst = await stack.instance()
    for playlist in (HLS, ID3 + HLS):
        status, body, _ = await _send(stack, inst, "send-audio", {"audio": _uri(playlist, "audio/mpeg")})
        assert status == 400 and body["field"] == "audio", body
    assert runs == []
    status, body, _ = await _send(stack, inst, "send-audio",
                                  {"audio": _uri(ID3 + b"\xff\xfb\x90\x64" + b"\x00" * 400, "audio/mpeg")})
    assert status == 400 and "could not be converted" in body["error"], body
    (argv,) = runs
    assert argv[argv.index("-i") - 4:argv.index("-i")] == ["-protocol_whitelist", "file", "-f", "mp3"]


# inbound -------------------------------------------------------------------------------------------

async def _received(stack: Stack, count: int) -> list[dict[str, Any]]:
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/received") >= count)
    return [x.json for x in rec.unique() if x.path == "/received"]


async def test_inbound_media_declared_over_the_cap_is_not_downloaded(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    big = await engine.inject_message({"from": TO, "type": "document", "fileName": "movie.mkv",
                                       "mimeType": "video/x-matroska", "fileLength": 2 * 1024**3})
    await asyncio.sleep(0.5)  # a retry would come after 0.1 s
    after = await engine.inject_message({"from": TO, "type": "text", "message": "next"})
    first, second = await _received(stack, 2)
    assert first["messageId"] == big and second["messageId"] == after
    doc = first["document"]
    assert doc["downloadError"] is True and doc["downloadErrorReason"] == "TOO_LARGE", doc
    assert doc["documentUrl"] is None and doc["fileName"] == "movie.mkv"
    assert big not in engine.downloads  # never fetched
    assert len(await _received(stack, 2)) == 2  # and no follow-up


async def test_inbound_media_larger_than_declared_is_dropped(stack: Stack) -> None:
    """A sender can declare a small file and upload a large one: the bytes are bounded too."""
    inst = await stack.paired()
    engine = stack.engine(inst)
    mid = await engine.inject_message({"from": TO, "type": "document", "fileLength": 1000,
                                       "downloadLength": CAP + 1})
    await asyncio.sleep(0.5)
    after = await engine.inject_message({"from": TO, "type": "text", "message": "next"})
    first, second = await _received(stack, 2)
    assert (first["messageId"], second["messageId"]) == (mid, after)
    assert first["document"]["downloadError"] is True and first["document"]["downloadErrorReason"] == "TOO_LARGE"
    assert engine.downloads == [mid]  # once: a file too large is not retried
    assert not list((stack.settings.media_dir / inst["id"]).glob(f"{mid}/*"))  # and not stored


async def test_inbound_image_bombs_are_delivered_without_our_thumbnail(stack: Stack) -> None:
    """Before: 20000x20000 failed the download (downloadError, retried 3 times); 7000x7000 was decoded."""
    inst = await stack.paired()
    engine = stack.engine(inst)
    ids = [await engine.inject_message({"from": TO, "type": "image", "mimeType": "image/png", "width": side,
                                        "height": side}) for side in (20_000, 7_000, 600)]
    got = {x["messageId"]: x["image"] for x in await _received(stack, 3)}
    for mid, side in zip(ids, (20_000, 7_000, 600), strict=True):
        image = got[mid]
        assert "downloadError" not in image and image["imageUrl"], image
        assert (image["width"], image["height"]) == (side, side)
        assert (image["thumbnailUrl"] is None) is (side > 6_000), image
    assert engine.downloads == ids
    assert list((stack.settings.media_dir / inst["id"] / ids[0]).glob("file.*"))  # the file itself is kept


async def test_neonize_never_downloads_a_file_declared_over_the_cap(settings: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """WhatsApp's ``fileLength`` reaches our event; the engine refuses before any FFI call (neonize has no
    streaming download: the whole file would come back as bytes)."""
    doc = E.Message(documentMessage=E.DocumentMessage(fileName="movie.mkv", **media(fileLength=2 * 1024**3)))
    event = translate.message(message_ev(doc))
    assert event is not None and isinstance(event.content, c.Document)
    assert event.content.media.file_length == 2 * 1024**3
    engine = NeonizeEngine(EngineContext(instance_id="NZTOOLARGE", settings=settings, emit=lambda _e: None))

    async def no_ffi(*_a: Any, **_k: Any) -> None:
        raise AssertionError("neonize was asked to download")

    monkeypatch.setattr(engine.runtime, "call", no_ffi)
    with pytest.raises(EngineError, match="more than 104857600 allowed") as refused:
        await engine.download(event)
    assert not refused.value.transient
