"""The sandbox phone's catalog items as it keeps them, the other business numbers' catalogs, and cursors (pure).

Items round-trip through JSON (``to_state``/``from_state``). A product image is kept as the SHA-256 of the
file the api checked; its URL is a simulated WhatsApp CDN address derived from it (``image_url``), as WhatsApp
answers its own CDN's URLs and never the one the image came from.

A collection is ``PENDING`` (WhatsApp reviews it) for ``REVIEW_S`` after it is created or changed, then
``APPROVED``. Adding or removing products gives it a new id, as WhatsApp does (Z-API warns about it).

Other business numbers (``STORES``): the sandbox's WhatsApp has two shops with fixed catalogs, the same for
every instance, so ``catalogs/{phone}`` and ``collection-products/{phone}`` can be tried (and paged) at once.
Every other number has no catalog (``CatalogNotFound``).

Cursors are ``base64url`` of a small JSON object: what was listed (``k``), of which catalog or collection
(``s``), and the offset of the next page (``o``); a cursor of another list is refused (400 ``nextCursor``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from gateway.core.catalogs import Collection, Product
from gateway.core.errors import InvalidInput
from gateway.worker.engines.sandbox import numbers

REVIEW_S = 60  # how long WhatsApp's review of a new or changed collection takes in the sandbox


def digits_of(seed: str, count: int = 16) -> str:
    """A WhatsApp-like numeric id derived from ``seed`` (never starting with 0)."""
    n = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return str(10 ** (count - 1) + n % (9 * 10 ** (count - 1)))


def image_url(sha256_hex: str) -> str:
    return numbers.picture_url(f"product:{sha256_hex}", 1)


@dataclass(slots=True)
class SandboxProduct:
    id: str
    name: str
    price_1000: int
    currency: str
    created_ms: int
    description: str = ""
    sale_price_1000: int | None = None
    images: list[str] = field(default_factory=list)  # SHA-256 of each image
    retailer_id: str | None = None
    url: str | None = None
    hidden: bool = False

    def view(self) -> Product:
        return Product(id=self.id, name=self.name, price_1000=self.price_1000, currency=self.currency,
                       description=self.description, sale_price_1000=self.sale_price_1000,
                       images=tuple(image_url(i) for i in self.images), retailer_id=self.retailer_id, url=self.url,
                       hidden=self.hidden)

    def to_state(self) -> dict[str, Any]:
        return {**asdict(self), "v": 1}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SandboxProduct:
        return cls(**{k: v for k, v in state.items() if k != "v"})


@dataclass(slots=True)
class SandboxCollection:
    id: str
    name: str
    changed_ms: int
    product_ids: list[str] = field(default_factory=list)

    def view(self, now_ms: int) -> Collection:
        status = "APPROVED" if now_ms - self.changed_ms >= REVIEW_S * 1000 else "PENDING"
        return Collection(id=self.id, name=self.name, status=status, product_ids=tuple(self.product_ids))

    def to_state(self) -> dict[str, Any]:
        return {**asdict(self), "v": 1}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SandboxCollection:
        return cls(**{k: v for k, v in state.items() if k != "v"})


# other business numbers ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Store:
    phone: str
    name: str
    items: tuple[tuple[str, int], ...]  # (name, price in cents)
    cart_enabled: bool
    collections: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (name, indexes of its products)

    @property
    def catalog_id(self) -> str:
        return digits_of(f"sandbox:catalog:{self.phone}")

    def products(self) -> list[Product]:
        out = []
        for i, (name, cents) in enumerate(self.items):
            sha = hashlib.sha256(f"sandbox:store:{self.phone}:{i}".encode()).hexdigest()
            out.append(Product(id=digits_of(f"sandbox:product:{self.phone}:{i}"), name=name, price_1000=cents * 10,
                               currency="BRL", description=f"{name} — {self.name}", images=(image_url(sha),),
                               retailer_id=f"SKU-{i + 1:03d}", url=None))
        return out

    def collection_list(self) -> list[Collection]:
        ids = [p.id for p in self.products()]
        return [Collection(id=digits_of(f"sandbox:collection:{self.phone}:{name}", 15), name=name, status="APPROVED",
                           product_ids=tuple(ids[i] for i in members)) for name, members in self.collections]


_FRUTAS = ("Abacaxi", "Banana", "Caju", "Damasco", "Figo", "Goiaba", "Jabuticaba", "Kiwi", "Laranja", "Manga",
           "Maracujá", "Melancia", "Morango", "Pitanga", "Romã", "Tangerina", "Uva", "Acerola", "Açaí", "Caqui",
           "Cupuaçu", "Graviola", "Pêssego")
STORES = {s.phone: s for s in (
    Store("5511900000201", "Hortifruti Sandbox", tuple((f"Caixa de {f}", 990 + 150 * i) for i, f in enumerate(_FRUTAS)),
          cart_enabled=True, collections=(("Frutas da estação", (0, 1, 2, 3, 4)), ("Tropicais", (6, 9, 10, 18)))),
    Store("5521900000202", "Doces da Vila", (("Brigadeiro (cento)", 12000), ("Beijinho (cento)", 11000),
                                              ("Bolo de pote", 1500), ("Pudim", 4500)), cart_enabled=False),
)}


# cursors ---------------------------------------------------------------------------------------------
def encode_cursor(kind: str, scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps({"k": kind, "s": scope, "o": offset})).decode()


def decode_cursor(cursor: str | None, kind: str, scope: str) -> int:
    """The offset a cursor of this list names (0 for none); ``InvalidInput`` for any other."""
    if cursor is None:
        return 0
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raw = None
    offset = raw.get("o") if isinstance(raw, dict) else None
    if (not isinstance(raw, dict) or raw.get("k") != kind or raw.get("s") != scope or not isinstance(offset, int)
            or isinstance(offset, bool) or offset < 0):
        raise InvalidInput("is not a cursor returned by this endpoint for this list", field="nextCursor")
    return offset
