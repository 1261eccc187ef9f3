"""Phone numbers, group ids and WhatsApp JIDs: how the API's forms map to addresses (pure)."""

from __future__ import annotations

import re
from typing import Any

from gateway.core.errors import InvalidInput
from gateway.core.events import Address

# ASCII digits only (``\d`` alone admits every Unicode digit) and ``fullmatch`` (``$`` admits a final newline).
_PHONE = re.compile(r"\d{8,15}", re.ASCII)
_GROUP = re.compile(r"(\d{5,30}(?:-\d{6,12})?)-group|(\d{10,15}-\d{9,11})", re.ASCII)
_LID = re.compile(r"\d{5,20}@lid", re.ASCII)
STATUS_BROADCAST = "status@broadcast"  # where statuses (stories) are sent
_NEWSLETTER = re.compile(r"\d{5,30}@newsletter", re.ASCII)


def is_phone(value: str) -> bool:
    """Digits with the country code, 8 to 15 of them (E.164 without the plus)."""
    return bool(_PHONE.fullmatch(value))


def validate_phone(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _PHONE.fullmatch(value):
        raise InvalidInput("must be digits with country code (8-15 digits)", field=field)
    return value


def phone_to_jid(value: object, field: str = "phone") -> str:
    if not isinstance(value, str):
        raise InvalidInput("must be a string", field=field)
    if _PHONE.fullmatch(value):
        return f"{value}@s.whatsapp.net"
    if (m := _GROUP.fullmatch(value)) is not None:
        return f"{m.group(1) or m.group(2)}@g.us"
    if _LID.fullmatch(value) or _NEWSLETTER.fullmatch(value):
        return value
    raise InvalidInput("must be digits with country code, <id>-group or <n>@lid", field=field)


def phone_address(phone: str, lid: str | None = None) -> Address:
    return Address(jid=f"{phone}@s.whatsapp.net", phone=phone, lid=lid)


def group_address(group: str) -> Address:
    gid = group.removesuffix("-group")
    return Address(jid=f"{gid}@g.us")


def address(jid: str) -> Address:
    user, _, server = jid.partition("@")
    return Address(jid=jid, phone=user if server == "s.whatsapp.net" else None,
                   lid=jid if server == "lid" else None)
