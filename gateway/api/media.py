"""Serve the local media store: ``GET /media/<key>?exp=&sig=`` (HMAC-signed, expiring; Range requests)."""

from __future__ import annotations

import mimetypes
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from gateway.api.auth import State
from gateway.api.openapi import errors
from gateway.core.errors import LinkExpired, NotFound
from gateway.core.storage import valid_key
from gateway.media.local import LocalMediaStore, check_signature

router = APIRouter(tags=["media"])
_FILE = {"description": "The file (its own content type; Range requests answer 206)",
         "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}


@router.get("/media/{key:path}", response_class=FileResponse,
            responses={200: _FILE, 206: _FILE, **errors(400, 403, 404)})
async def media(key: str, zg: State, exp: Annotated[int, Query()] = 0,
                sig: Annotated[str, Query(max_length=64)] = "") -> FileResponse:
    store = zg.media.store
    if not isinstance(store, LocalMediaStore) or not valid_key(key):
        raise NotFound("no such media")
    # a signature is hex: anything else is refused here (compare_digest raises on non-ASCII text)
    if not sig.isascii() or not check_signature(zg.settings.secret_key.get_secret_value(), key, exp, sig):
        raise LinkExpired("the media link is invalid or has expired")
    path = store.path(key)
    if not path.is_file():
        raise NotFound("no such media")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "private, max-age=3600"})
