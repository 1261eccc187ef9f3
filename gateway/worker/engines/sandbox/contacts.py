"""The sandbox phone's address book and its profile and privacy, with WhatsApp's rules.

Which numbers exist: ``numbers``. Rules here:

- ``contacts``: the saved contacts plus everyone who wrote to the phone, by number; ``contacts/{phone}`` adds
  the about text and picture URL (404 for a number not on WhatsApp).
- ``contacts/add``: one error per contact not saved (not on WhatsApp, or no first name); a saved contact's
  chat is renamed (``ChatChanged.name``: "First Last"). ``contacts/remove``: an error per number not on
  WhatsApp; a number that is not saved is left alone (no error); its chat goes back to the push name.
- ``modify-blocked``: 404 for a number not on WhatsApp; blocking is idempotent and tells nothing. A blocked
  number's messages, presences and calls are not delivered (``sandbox/inbound``, ``sandbox/presence`` and
  ``sandbox/call`` from it answer 400 naming ``from``; group messages still arrive, as on WhatsApp), and a
  send to it fails (``DeliveryCallback`` with the error) until it is unblocked, as WhatsApp's app refuses.
- ``report``: recorded (``reports``); 404 for a number not on WhatsApp.
- profile: name 1-25 characters, about 1-139, photo a JPEG; nothing is told (WhatsApp tells other people).
- privacy: each setting takes WhatsApp's values (``PRIVACY_VALUES``); excepted numbers (``add``/``remove``)
  only for last seen, photo, description and group add, and only with ``contact_blacklist``; an excepted
  number must be on WhatsApp. The lists are kept when the value changes (WhatsApp keeps them for next
  time). ``readreceipts: none`` stops ``READ`` receipts of the phone's sends in chats (groups still get them).
- disappearing timers: 0, 24 h, 7 days or 90 days.
"""

from __future__ import annotations

import hashlib

from gateway.core.account import (
    BLACKLISTS,
    EXPIRATIONS,
    PRIVACY_VALUES,
    ContactInfo,
    NewContact,
    PhoneCheck,
    PrivacyName,
    PrivacyValue,
)
from gateway.core.errors import InvalidInput
from gateway.core.events import ChatChanged
from gateway.core.phones import phone_address, validate_phone
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import BOOK, MAX_ABOUT, MAX_PROFILE_NAME, PROFILE


def check_phones(phones: list[str]) -> list[PhoneCheck]:
    return [numbers.check(validate_phone(p, f"phones.{i}")) for i, p in enumerate(phones)]


def list_contacts(world: AccountWorld) -> list[ContactInfo]:
    return [world.book.contact(phone) for phone in world.book.known()]


def contact_info(world: AccountWorld, jid: str) -> ContactInfo:
    return world.book.contact(world.phone_of(jid), detailed=True)


def own_picture(world: AccountWorld) -> str | None:
    sha = world.profile.photo_sha256
    return numbers.picture_url(f"me:{sha}", 1) if sha else None


def contact_picture(world: AccountWorld, jid: str) -> str | None:
    phone = world.phone_of(jid, must_exist=False)
    if phone == world.phone():
        return own_picture(world)
    if not numbers.exists(phone):
        return None
    world.pictures_seen.add(phone)
    return world.book.picture(phone)


async def add_contacts(world: AccountWorld, contacts: list[NewContact]) -> list[str]:
    errors: list[str] = []
    saved: list[tuple[str, str]] = []
    for contact in contacts:
        phone = numbers.whatsapp_phone(contact.phone)
        first, last = contact.first_name.strip(), contact.last_name.strip()
        if not numbers.exists(phone):
            errors.append(f"{contact.phone}: not on WhatsApp")
        elif not first:
            errors.append(f"{contact.phone}: a first name is required")
        else:
            world.book.contacts[phone] = [first, last]
            saved.append((phone, f"{first} {last}".strip()))
    world.touch(BOOK)
    await world.commit()
    for phone, name in saved:
        await world.emit(ChatChanged(chat=phone_address(phone), timestamp_ms=world.now_ms(), name=name))
    return errors


async def remove_contacts(world: AccountWorld, phones: list[str]) -> list[str]:
    errors: list[str] = []
    removed: list[str] = []
    for given in phones:
        phone = numbers.whatsapp_phone(given)
        if not numbers.exists(phone):
            errors.append(f"{given}: not on WhatsApp")
        elif world.book.contacts.pop(phone, None) is not None:
            removed.append(phone)
    world.touch(BOOK)
    await world.commit()
    for phone in removed:
        await world.emit(ChatChanged(chat=phone_address(phone), timestamp_ms=world.now_ms(),
                                     name=world.book.push_name(phone)))
    return errors


async def set_blocked(world: AccountWorld, jid: str, blocked: bool) -> None:
    phone = world.phone_of(jid)
    if phone == world.phone():
        raise InvalidInput("the instance's own number cannot be blocked", field="phone")
    if blocked and phone not in world.book.blocked:
        world.book.blocked = [*world.book.blocked, phone]
    elif not blocked:
        world.book.blocked = [p for p in world.book.blocked if p != phone]
    world.touch(BOOK)
    await world.commit()


async def report(world: AccountWorld, jid: str) -> None:
    world.record("reports", phone=world.phone_of(jid))
    await world.commit()


# profile and privacy ---------------------------------------------------------------------------------
async def set_name(world: AccountWorld, name: str) -> None:
    name = name.strip()
    if not 0 < len(name) <= MAX_PROFILE_NAME:
        raise InvalidInput(f"must be 1 to {MAX_PROFILE_NAME} characters (WhatsApp's limit)", field="value")
    world.profile.name = name
    world.touch(PROFILE)
    await world.commit()


async def set_about(world: AccountWorld, text: str) -> None:
    if not text.strip() or len(text) > MAX_ABOUT:
        raise InvalidInput(f"must be 1 to {MAX_ABOUT} characters (WhatsApp's limit)", field="value")
    world.profile.about = text
    world.touch(PROFILE)
    await world.commit()


async def set_photo(world: AccountWorld, jpeg: bytes) -> None:
    if not jpeg.startswith(b"\xff\xd8\xff"):
        raise InvalidInput("must be a JPEG image", field="value")
    world.profile.photo_sha256, world.profile.photo_size = hashlib.sha256(jpeg).hexdigest(), len(jpeg)
    world.touch(PROFILE)
    await world.commit()


def _excepted(given: list[str], field: str) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(given):
        phone = numbers.whatsapp_phone(validate_phone(raw, f"{field}.{i}"))
        if not numbers.exists(phone):
            raise InvalidInput(f"{raw} is not on WhatsApp", field=f"{field}.{i}")
        out.append(phone)
    return out


async def set_privacy(world: AccountWorld, setting: PrivacyName, value: str, add: list[str],
                      remove: list[str]) -> None:
    allowed = [v.value for v in PRIVACY_VALUES[setting]]
    if value not in allowed:
        raise InvalidInput(f"must be one of {', '.join(allowed)} for {setting.value}", field="value")
    if (add or remove) and (setting not in BLACKLISTS or value != PrivacyValue.CONTACT_BLACKLIST.value):
        raise InvalidInput("excepted contacts go only with contact_blacklist, for last seen, photo, description "
                           "and group add", field="contactsBlacklist")
    adding, removing = _excepted(add, "contactsBlacklist"), set(_excepted(remove, "contactsBlacklist"))
    if setting in BLACKLISTS:
        kept = [p for p in world.profile.excepted(setting) if p not in removing]
        world.profile.lists[setting.value] = list(dict.fromkeys([*kept, *adding]))
    world.profile.privacy[setting.value] = value
    world.touch(PROFILE)
    await world.commit()


def disallowed(world: AccountWorld, setting: PrivacyName) -> list[str]:
    if setting not in BLACKLISTS:
        raise InvalidInput("only last seen, photo, description and group add have excepted contacts", field="type")
    return world.profile.excepted(setting)


def expiration_of(seconds: int, field: str) -> int:
    if seconds not in EXPIRATIONS.values():
        raise InvalidInput("must be 0, 86400 (24 hours), 604800 (7 days) or 7776000 (90 days) seconds", field=field)
    return seconds


async def set_default_expiration(world: AccountWorld, seconds: int) -> None:
    world.profile.default_expiration_s = expiration_of(seconds, "value")
    world.touch(PROFILE)
    await world.commit()
