"""An instance's Z-API routes called through the test stack's api, asserting the status of each answer."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack


class Client:
    def __init__(self, stack: Stack, inst: dict[str, Any]) -> None:
        self.stack, self.api, self.inst = stack, stack.api, inst

    async def call(self, method: str, action: str, body: Any = None, status: int = 200) -> Any:
        r = await self.api.client.request(method, self.api.path(self.inst, action), json=body,
                                          headers=self.api.client_headers)
        assert r.status_code == status, (method, action, r.status_code, r.text)
        return r.json() if r.content else None
