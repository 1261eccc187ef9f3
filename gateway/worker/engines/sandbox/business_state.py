"""The sandbox's WhatsApp Business rules and state (pure, deterministic).

**Which accounts are WhatsApp Business accounts**: the sandbox phone always is one (as for its product
catalog, ``catalog_world.py``): ``ConnectedCallback`` and ``device`` say ``isBusiness: true``, and its labels,
chat notes and company profile work whatever its number. Of the other numbers, the sandbox's WhatsApp has the
two shops of ``catalog_state.STORES`` as business accounts; every other number is a personal account (or not
on WhatsApp), with no business profile (``business/profile`` answers 404).

A new business phone has WhatsApp Business's five predefined labels (``PREDEFINED``, ids 1 to 5) and one
category, ``OTHER_COMPANIES``. A shop's profile is derived from it (``profile_of``). The categories WhatsApp
offers are ``CATEGORIES`` (two of them with the ids Z-API's documentation shows; the others' ids are the
sandbox's).

State: the labels (``Labels``: ordered list, the next id) and the company profile (``BusinessProfile``'s plain
JSON), each a part of its own; one part per chat note.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from gateway.core.business import LABEL_COLORS, BusinessHours, BusinessProfile, Category, ChatNote, OpenHours, Tag
from gateway.core.events import from_plain, to_plain
from gateway.worker.engines.sandbox.catalog_state import STORES

LABELS, PROFILE = "labels", "profile"
PREDEFINED = (("Novo cliente", 1), ("Novo pedido", 2), ("Pagamento pendente", 0), ("Pago", 3),
              ("Pedido finalizado", 5))  # WhatsApp Business's predefined labels (name, color), ids 1 to 5


def _category(label: str | None, name: str, given_id: str | None = None) -> Category:
    cid = given_id or str(10**14 + int.from_bytes(hashlib.sha256(f"sandbox:category:{name}".encode())
                                                  .digest()[:8], "big") % (9 * 10**14))
    return Category(id=cid, display_name=name, label=label)


CATEGORIES = (
    _category("OTHER_COMPANIES", "Outras empresas", "629412378414563"),
    _category(None, "Serviço automotivo", "1223524174334504"),
    _category("RESTAURANT", "Restaurante"),
    _category("FINANCE", "Finanças"),
    _category("EDUCATION", "Educação"),
    _category("APPAREL", "Vestuário e roupas"),
    _category("BEAUTY", "Beleza, cosméticos e cuidados pessoais"),
    _category("ENTERTAINMENT", "Artes e entretenimento"),
    _category("EVENT_PLANNING", "Planejamento e serviços de eventos"),
    _category("GROCERY", "Mercearia"),
    _category("HEALTH", "Medicina e saúde"),
    _category("HOTEL", "Hotel e hospedagem"),
    _category("NONPROFIT", "Organização sem fins lucrativos"),
    _category("PROFESSIONAL_SERVICES", "Serviços profissionais"),
    _category("PUBLIC_SERVICE", "Serviço público e governo"),
    _category("RETAIL", "Compras e varejo"),
    _category("TECHNOLOGY", "Tecnologia e informática"),
    _category("TRAVEL", "Viagens e transporte"),
)
DEFAULT_CATEGORY = CATEGORIES[0]


def _folded(text: str) -> str:
    """Lower case, accents dropped: ``Educação`` matches ``educacao``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_categories(query: str) -> list[Category]:
    wanted = _folded(query.strip())
    return [c for c in CATEGORIES if not wanted or wanted in _folded(c.display_name)
            or (c.label is not None and wanted in _folded(c.label.replace("_", " ")))]


def find_category(ref: str) -> Category | None:
    """A category by its id or its label (any case)."""
    return next((c for c in CATEGORIES if c.id == ref or (c.label is not None and c.label == ref.upper())), None)


def profile_of(phone: str) -> BusinessProfile | None:
    """Another number's business profile (None: not a business account), derived from its shop."""
    store = STORES.get(phone)
    if store is None:
        return None
    digest = int.from_bytes(hashlib.sha256(f"sandbox:business:{phone}".encode()).digest()[:8], "big")
    weekdays = tuple(OpenHours(day, "08:00", "18:00") for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
                                                                   "FRIDAY"))
    return BusinessProfile(
        description=f"{store.name}: pedidos pelo WhatsApp", address="Rua do Sandbox, 100 - São Paulo, SP",
        categories=(CATEGORIES[2 + digest % (len(CATEGORIES) - 2)],),
        hours=BusinessHours(timezone="America/Sao_Paulo", mode="specificHours", days=weekdays))


def own_profile(state: dict[str, Any] | None) -> BusinessProfile:
    """The phone's own profile from its stored part (a new business: one category, nothing else)."""
    return from_plain(BusinessProfile, state) if state else BusinessProfile(categories=(DEFAULT_CATEGORY,))


def profile_state(profile: BusinessProfile) -> dict[str, Any]:
    state: dict[str, Any] = to_plain(profile)
    return state


def note_part(jid: str) -> str:
    return f"note:{jid}"


def new_note(instance_id: str, jid: str, content: str, at_ms: int) -> ChatNote:
    """A note's id: 32 bytes in base64, like WhatsApp's (stable for the chat's note until it is removed)."""
    digest = hashlib.sha256(f"sandbox:note:{instance_id}:{jid}:{at_ms}".encode()).digest()
    return ChatNote(id=base64.b64encode(digest).decode(), content=content, created_ms=at_ms, updated_ms=at_ms)


@dataclass(slots=True)
class Labels:
    """The account's labels, in creation order, and the id the next one gets."""

    items: list[list[Any]] = field(default_factory=list)  # [id, name, color]
    next_id: int = 1

    @classmethod
    def predefined(cls) -> Labels:
        return cls(items=[[str(i), name, color] for i, (name, color) in enumerate(PREDEFINED, start=1)],
                   next_id=len(PREDEFINED) + 1)

    def tags(self) -> list[Tag]:
        return [Tag(id=str(i), name=str(n), color=int(c)) for i, n, c in self.items]

    def find(self, tag_id: str) -> list[Any] | None:
        return next((item for item in self.items if item[0] == tag_id), None)

    def named(self, name: str, but: str | None = None) -> bool:
        return any(item[1].casefold() == name.casefold() and item[0] != but for item in self.items)

    def free_color(self) -> int:
        """The first palette color no label uses (WhatsApp's pick for a new label), else the first."""
        used = {int(item[2]) for item in self.items}
        return next((c for c in range(len(LABEL_COLORS)) if c not in used), 0)

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Labels:
        return cls(items=[list(i) for i in state.get("items", [])], next_id=int(state.get("next_id", 1)))
