"""Profile-picture URLs the session has learnt, to fill ``senderPhoto``/``photo`` on messages (Z-API's fields).

A URL is learnt when the partner looks a contact or picture up (``contacts/{phone}``, ``profile-picture``) or
when a contact changes its picture; a removed or hidden picture is learnt as ``None``. WhatsApp's picture
URLs expire (Z-API says after 48 h): an entry is forgotten after ``ttl_s``. Bounded: the oldest go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

TTL_S = 24 * 3600.0
LIMIT = 20_000


class Pictures:
    def __init__(self, *, ttl_s: float = TTL_S, limit: int = LIMIT, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.ttl_s = ttl_s
        self.limit = limit
        self.clock = clock
        self._urls: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    def __repr__(self) -> str:
        return f"<Pictures {len(self._urls)}>"

    def learn(self, jid: str, url: str | None) -> None:
        if not jid:
            return
        self._urls.pop(jid, None)
        self._urls[jid] = (self.clock(), url)
        while len(self._urls) > self.limit:
            self._urls.popitem(last=False)

    def url(self, *jids: str | None) -> str | None:
        """The first known, unexpired URL among ``jids`` (a phone JID and its LID, say)."""
        now = self.clock()
        for jid in jids:
            found = self._urls.get(jid) if jid else None
            if found is None:
                continue
            learnt, url = found
            if now - learnt > self.ttl_s:
                del self._urls[jid]  # type: ignore[arg-type]
                continue
            return url
        return None
