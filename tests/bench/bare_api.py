"""The send-path baseline: a bare FastAPI endpoint with the same validation, no auth, no database, no queue.

python -m tests.bench.bare_api PORT
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import uvicorn
from fastapi import Body, FastAPI

from gateway.api.sendspec import parse_send
from gateway.core.ids import new_zaap_id

app = FastAPI()


@app.post("/instances/{instance_id}/token/{token}/send-text")
async def send_text(instance_id: str, token: str, body: Annotated[Any, Body()]) -> dict[str, str]:
    parse_send("send-text", body, max_media_bytes=1 << 24)
    zaap = new_zaap_id()
    return {"zaapId": zaap, "messageId": zaap, "id": zaap}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
