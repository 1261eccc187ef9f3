"""Media: local store with signed expiring URLs, inbound downloads linked in webhooks, outbound fetching and
conversion with clear errors, and S3 against a real S3-compatible server (moto's server mode)."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from aiohttp import web
from PIL import Image

from gateway.core import content as c
from gateway.core.config import Settings
from gateway.infra.db.database import Database
from gateway.infra.db.media import MediaIndex
from gateway.media.local import LocalMediaStore, check_signature, sign
from gateway.media.service import MediaService
from gateway.worker.engines.sandbox.files import sandbox_file
from tests.support.processes import free_port
from tests.support.receiver import serve
from tests.support.stack import Stack, fast, open_stack

TO = "5511988887777"


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _fetch(stack: Stack, url: str, **headers: str) -> httpx.Response:
    return await stack.api.client.get(_local_path(url), headers=headers)


@pytest.fixture
async def stack(settings: Settings, tmp_path: Any) -> AsyncIterator[Stack]:
    async for s in open_stack(fast(settings, media_dir=tmp_path / "media", allow_private_media=True,
                                   media_retry_delay_s=0.1, send_gap_s="0")):
        yield s


def test_signed_urls_expire_and_resist_tampering() -> None:
    assert check_signature("k", "a/b.jpg", 2000, sign("k", "a/b.jpg", 2000), now=1000)
    assert not check_signature("k", "a/b.jpg", 2000, sign("k", "a/b.jpg", 2000), now=2001)
    assert not check_signature("k", "a/c.jpg", 2000, sign("k", "a/b.jpg", 2000), now=1000)
    assert not check_signature("other", "a/b.jpg", 2000, sign("k", "a/b.jpg", 2000), now=1000)
    assert not check_signature("k", "a/b.jpg", 3000, sign("k", "a/b.jpg", 2000), now=1000)


async def test_inbound_media_served_from_webhook_urls(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    image_id = await engine.inject_message({"from": TO, "type": "image", "caption": "pic", "width": 800, "height": 600})
    audio_id = await engine.inject_message({"from": TO, "type": "audio"})
    doc_id = await engine.inject_message({"from": TO, "type": "document", "fileName": "r.pdf"})
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/received") == 3)
    got = {x.json["messageId"]: x.json for x in rec.unique() if x.path == "/received"}
    assert list(got) == [image_id, audio_id, doc_id]  # order kept through the downloads
    image = got[image_id]["image"]
    assert image["mimeType"] == "image/jpeg" and (image["width"], image["height"]) == (800, 600)
    r = await _fetch(stack, image["imageUrl"])
    assert r.status_code == 200
    expected, _ = sandbox_file(c.Image(c.MediaRef(), width=800, height=600), image_id)
    assert r.content == expected
    thumb = await _fetch(stack, image["thumbnailUrl"])
    with Image.open(io.BytesIO(thumb.content)) as img:
        assert img.format == "JPEG" and max(img.size) <= 320
    audio = got[audio_id]["audio"]
    whole = (await _fetch(stack, audio["audioUrl"])).content
    part = await _fetch(stack, audio["audioUrl"], Range="bytes=4-15")
    assert part.status_code == 206 and part.content == whole[4:16]
    assert (await _fetch(stack, got[doc_id]["document"]["documentUrl"])).content.startswith(b"%PDF")
    tampered = image["imageUrl"].replace("sig=", "sig=0")
    assert (await _fetch(stack, tampered)).status_code == 403
    expired = await LocalMediaStore(stack.settings).url(urlsplit(image["imageUrl"]).path[len("/media/"):], ttl_s=-5)
    assert (await _fetch(stack, expired)).status_code == 403


async def test_failed_download_delivers_then_follows_up(stack: Stack) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    mid = await engine.inject_message({"from": TO, "type": "image", "failDownload": 1})
    after = await engine.inject_message({"from": TO, "type": "text", "message": "next"})
    rec = stack.receiver
    await rec.wait_for(lambda: sum(1 for x in rec.unique() if x.path == "/received") == 3)
    first, second, third = [x.json for x in rec.unique() if x.path == "/received"]
    assert first["messageId"] == mid and first["image"]["downloadError"] is True and first["image"]["imageUrl"] is None
    assert second["messageId"] == after  # the failure did not hold the instance back
    assert third["messageId"] == mid and "downloadError" not in third["image"]
    assert (await _fetch(stack, third["image"]["imageUrl"])).status_code == 200


@pytest.fixture
async def files() -> AsyncIterator[str]:
    """A local web server with files to send by URL."""
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(png, "PNG")
    mp3 = b"ID3\x03" + b"\0" * 6 + b"\xff\xfb\x90\x64" + b"\0" * 100  # an empty ID3 tag, then an MPEG frame
    content = {"/a.png": (png.getvalue(), "image/png"), "/doc.pdf": (b"%PDF-1.4 x", "application/pdf"),
               "/big.png": (png.getvalue() + b"\0" * 5000, "image/png"), "/song.mp3": (mp3, "audio/mpeg")}

    async def handle(request: web.Request) -> web.Response:
        if request.path == "/loop":
            raise web.HTTPFound("/loop")
        body, kind = content.get(request.path, (b"", ""))
        return web.Response(body=body, content_type=kind) if body else web.Response(status=404)

    runner, port = await serve("GET", handle)
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_outbound_media_by_url_and_conversion(stack: Stack, files: str) -> None:
    inst = await stack.paired()
    engine = stack.engine(inst)
    h = stack.api.client_headers
    r = await stack.api.client.post(stack.api.path(inst, "send-image"), json={"phone": TO, "image": f"{files}/a.png"},
                                    headers=h)
    assert r.status_code == 200, r.text
    r = await stack.api.client.post(stack.api.path(inst, "send-sticker"),
                                    json={"phone": TO, "sticker": f"{files}/a.png"}, headers=h)
    assert r.status_code == 200, r.text
    await _until(lambda: len(engine.sent) == 2)
    image, sticker = engine.sent[0].content, engine.sent[1].content
    assert isinstance(image, c.Image) and image.media.mime_type == "image/png"
    served = await _fetch(stack, image.media.url or "")
    async with httpx.AsyncClient() as http:
        assert served.content == (await http.get(f"{files}/a.png")).content
    assert isinstance(sticker, c.Sticker) and sticker.media.mime_type == "image/webp"
    with Image.open(io.BytesIO((await _fetch(stack, sticker.media.url or "")).content)) as img:
        assert img.format == "WEBP" and img.size == (512, 512)


async def _until(predicate: Any, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def test_outbound_media_private_address_refused(settings: Settings, files: str, tmp_path: Any) -> None:
    async for stack in open_stack(fast(settings, media_dir=tmp_path / "m", send_gap_s="0")):
        inst = await stack.instance()
        for url in (f"{files}/a.png", "http://localhost/x.png", "http://[::1]/x.png", "http://10.0.0.1/x.png"):
            r = await stack.api.client.post(stack.api.path(inst, "send-image"), json={"phone": TO, "image": url},
                                            headers=stack.api.client_headers)
            assert r.status_code == 400 and "private or loopback" in r.json()["error"], (url, r.text)


async def test_outbound_media_bad_inputs(settings: Settings, files: str, tmp_path: Any) -> None:
    allowed = fast(settings, media_dir=tmp_path / "n", max_media_bytes=2048, allow_private_media=True, send_gap_s="0")
    async for stack in open_stack(allowed):
        inst = await stack.instance()

        async def error(action: str, body: dict[str, Any]) -> str:
            r = await stack.api.client.post(stack.api.path(inst, action), json={"phone": TO, **body},
                                            headers=stack.api.client_headers)
            assert r.status_code == 400, r.text
            return str(r.json()["error"])

        assert "larger than 2048" in await error("send-image", {"image": f"{files}/big.png"})
        assert "not a valid image" in await error("send-image", {"image": f"{files}/doc.pdf"})
        assert "HTTP 404" in await error("send-image", {"image": f"{files}/missing.png"})
        assert "could not be fetched" in await error("send-image", {"image": f"http://127.0.0.1:{free_port()}/x"})
        assert "redirects" in await error("send-image", {"image": f"{files}/loop"})
        assert "ffmpeg" in await error("send-audio", {"audio": f"{files}/song.mp3"})


@pytest.fixture
def moto_s3() -> Any:
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "moto server did not start"
            time.sleep(0.1)
    old = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"})
    yield f"http://127.0.0.1:{port}"
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    proc.terminate()
    proc.wait(timeout=10)


async def test_s3_store_against_a_real_s3_server(settings: Settings, moto_s3: str) -> None:
    from gateway.infra.s3 import S3MediaStore

    s3 = settings.model_copy(update={"media_store": "s3", "s3_bucket": "zapgate-test", "s3_endpoint": moto_s3,
                                     "s3_path_style": True, "media_retention_s": 61.0})
    store = S3MediaStore(s3)
    await store.ensure_bucket()
    stored = await store.put("I1/m1/file.jpg", b"\xff\xd8\xff jpeg bytes", "image/jpeg")
    async with httpx.AsyncClient() as http:
        r = await http.get(stored.url)
        assert r.status_code == 200 and r.content == b"\xff\xd8\xff jpeg bytes"
        assert r.headers["content-type"] == "image/jpeg"
        short = await store.url("I1/m1/file.jpg", ttl_s=60)
        assert "X-Amz-Expires=60" in short  # S3 enforces it; moto's server does not, so only the request is checked
    assert await store.exists("I1/m1/file.jpg") and await store.get("I1/m1/file.jpg") == b"\xff\xd8\xff jpeg bytes"
    db = await Database.connect(s3)
    try:
        service = MediaService(s3, store, MediaIndex(db))
        await service.save("I1", "I1/m2/file.png", b"\x89PNG data", "image/png")
        await db.pool.execute("UPDATE media_objects SET expires_at = now() - interval '1 second' WHERE key = $1",
                              "I1/m2/file.png")
        assert await service.expire_once() == 1
        assert not await store.exists("I1/m2/file.png") and await store.exists("I1/m1/file.jpg")
        await service.close()
    finally:
        await db.close()
    await store.delete("I1/m1/file.jpg")
    assert await store.get("I1/m1/file.jpg") is None


async def test_inbound_webhook_media_on_s3(settings: Settings, moto_s3: str) -> None:
    from gateway.infra.s3 import S3MediaStore

    s3 = fast(settings, media_store="s3", s3_bucket="zapgate-hooks", s3_endpoint=moto_s3, s3_path_style=True)
    await S3MediaStore(s3).ensure_bucket()
    async for stack in open_stack(s3):
        inst = await stack.paired()
        mid = await stack.engine(inst).inject_message({"from": TO, "type": "image"})
        rec = stack.receiver
        await rec.wait_for(lambda: any(x.path == "/received" for x in rec.unique()))
        payload = next(x.json for x in rec.unique() if x.path == "/received")
        async with httpx.AsyncClient() as http:
            body = (await http.get(payload["image"]["imageUrl"])).content
        assert body == sandbox_file(c.Image(c.MediaRef(), width=640, height=480), mid)[0]
