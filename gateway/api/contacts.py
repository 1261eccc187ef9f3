"""Z-API contact routes: the phone's address book, who is on WhatsApp, pictures, blocking and reports.

Each runs on the worker that owns the instance (``Action.ACCOUNT``). A contact is digits with the country
code or ``<n>@lid``; answers write phones as digits (``<n>@lid`` where WhatsApp gave only the LID).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from gateway.api import account_answers as a
from gateway.api import account_docs as d
from gateway.api.account import (
    ACCOUNT_FAILS,
    Json,
    account_op,
    address_phone,
    fields,
    instance_router,
    items,
)
from gateway.api.answers import Done
from gateway.api.auth import InstanceDep, State
from gateway.api.openapi import doc
from gateway.api.sendspec import Body as Fields
from gateway.api.sendspec import contact_jid
from gateway.api.state import AppState
from gateway.core.account import AccountOp, ContactInfo, ContactList, PhoneCheck, PhoneChecks
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain
from gateway.core.phones import phone_to_jid, validate_phone

router = instance_router("contacts")
ContactPath = Annotated[str, Path(max_length=32, description="digits with the country code, or `<n>@lid`")]
PhonePath = Annotated[str, Path(max_length=20, description="digits with the country code")]


def _view(c: ContactInfo) -> dict[str, Any]:
    return {"name": c.name or None, "short": c.short or None, "notify": c.notify or None, "vname": c.vname or None,
            "phone": address_phone(c.address)}


def _sort_key(c: ContactInfo) -> tuple[bool, str, str]:
    return not c.name, c.name.casefold(), address_phone(c.address)


@router.get("/contacts", **doc(ok=list[a.ContactView], fails=ACCOUNT_FAILS))
async def list_contacts(instance: InstanceDep, zg: State,
                        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                        page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100
                        ) -> list[dict[str, Any]]:
    """The phone's contacts, by saved name (unnamed ones last), then phone."""
    found = from_plain(ContactList, (await account_op(zg, instance.id, AccountOp.CONTACTS))["contacts"]).contacts
    ordered = sorted(found, key=_sort_key)
    return [_view(c) for c in ordered[(page - 1) * page_size: page * page_size]]


@router.get("/contacts/{phone}", **doc(ok=a.ContactDetail, fails=ACCOUNT_FAILS))
async def get_contact(instance: InstanceDep, zg: State, phone: ContactPath) -> dict[str, Any]:
    """One contact with its about text and picture (404 when the number is not on WhatsApp)."""
    jid = contact_jid(phone)
    found = from_plain(ContactInfo, (await account_op(zg, instance.id, AccountOp.CONTACT, jid=jid))["contact"])
    return {**_view(found), "imgUrl": found.picture_url, "about": found.about}


@router.get("/profile-picture", **doc(ok=list[a.PictureLink], fails=ACCOUNT_FAILS))
async def profile_picture(instance: InstanceDep, zg: State,
                          phone: Annotated[str, Query(max_length=64, description="a phone, `<id>-group` or `<n>@lid`")]
                          ) -> list[dict[str, Any]]:
    """A contact's or group's picture, as Z-API answers it: ``[{"link": url}]`` (``null``: none, or hidden)."""
    url = (await account_op(zg, instance.id, AccountOp.PICTURE, jid=phone_to_jid(phone)))["url"]
    return [{"link": url if isinstance(url, str) else None}]


async def _checks(zg: AppState, instance_id: str, phones: list[str]) -> list[PhoneCheck]:
    """One check per phone, in order; each distinct number asked once."""
    unique = list(dict.fromkeys(phones))
    reply = await account_op(zg, instance_id, AccountOp.PHONE_CHECK, phones=unique)
    by_phone = dict(zip(unique, from_plain(PhoneChecks, reply["checks"]).checks, strict=False))
    return [by_phone.get(p) or PhoneCheck(input_phone=p, exists=False) for p in phones]


@router.get("/phone-exists/{phone}", **doc(ok=a.PhoneExists, fails=ACCOUNT_FAILS))
async def phone_exists(instance: InstanceDep, zg: State, phone: PhonePath) -> dict[str, Any]:
    (check,) = await _checks(zg, instance.id, [validate_phone(phone, "phone")])
    return {"exists": check.exists, "phone": check.phone or phone, "lid": check.lid if check.exists else None}


@router.post("/phone-exists-batch", **doc(d.PhonesBatch, ok=list[a.PhoneExistsItem], fails=ACCOUNT_FAILS))
async def phone_exists_batch(instance: InstanceDep, zg: State, body: Json) -> list[dict[str, Any]]:
    """Up to 5,000 numbers a request (Z-API takes 50,000: split bigger lists); the engine asks WhatsApp in
    chunks. ``outputPhone`` settles Brazil's 9th digit."""
    given = fields(body).list_("phones", max_items=d.MAX_BATCH_PHONES)
    phones = [validate_phone(p, f"phones.{i}") for i, p in enumerate(given)]
    return [{"exists": c.exists, "inputPhone": p, "outputPhone": c.phone or p, "lid": c.lid if c.exists else None}
            for p, c in zip(phones, await _checks(zg, instance.id, phones), strict=True)]


def _name(item: Fields, key: str, required: bool) -> str:
    return item.str_(key, required=required, max_len=100).strip()


@router.post("/contacts/add", **doc(d.AddContacts, ok=a.SuccessErrors, fails=ACCOUNT_FAILS))
async def add_contacts(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """Save contacts in the phone's address book (an array body, as Z-API takes it)."""
    contacts = []
    for i, raw in enumerate(items(body, d.MAX_CONTACTS)):
        if not isinstance(raw, dict):
            raise InvalidInput('items must be {"firstName", "lastName"?, "phone"}', field=str(i))
        item = fields(raw)
        try:
            contacts.append({"phone": validate_phone(raw.get("phone"), "phone"),
                             "first_name": _name(item, "firstName", True), "last_name": _name(item, "lastName", False)})
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"{i}.{exc.field}") from exc
    errors = (await account_op(zg, instance.id, AccountOp.CONTACT_ADD, contacts=contacts))["errors"]
    return {"success": not errors, "errors": [str(e) for e in errors]}


@router.delete("/contacts/remove", **doc(d.RemoveContacts, ok=a.SuccessErrors, fails=ACCOUNT_FAILS))
async def remove_contacts(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """Remove phones from the phone's address book (an array body of phones)."""
    phones = [validate_phone(p, str(i)) for i, p in enumerate(items(body, d.MAX_CONTACTS))]
    errors = (await account_op(zg, instance.id, AccountOp.CONTACT_REMOVE, phones=phones))["errors"]
    return {"success": not errors, "errors": [str(e) for e in errors]}


@router.post("/contacts/modify-blocked", **doc(d.ModifyBlocked, ok=Done, fails=ACCOUNT_FAILS))
async def modify_blocked(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    given = fields(body)
    jid = contact_jid(given.raw.get("phone"))
    action = given.str_("action", required=True)
    if action not in ("block", "unblock"):
        raise InvalidInput("must be block or unblock", field="action")
    await account_op(zg, instance.id, AccountOp.BLOCK, jid=jid, block=action == "block")
    return {"value": True}


@router.post("/contacts/{phone}/report", **doc(ok=a.SuccessOnly, fails=ACCOUNT_FAILS))
async def report_contact(instance: InstanceDep, zg: State, phone: ContactPath) -> dict[str, Any]:
    """Report the contact to WhatsApp (as spam)."""
    await account_op(zg, instance.id, AccountOp.REPORT, jid=contact_jid(phone))
    return {"success": True}
