"""Which numbers exist in the sandbox's WhatsApp, and what WhatsApp says about them (pure, deterministic).

The last digits of a number decide (phones are digits with the country code, 8 to 15 of them):

- ``...404``: **not on WhatsApp**. ``phone-exists`` answers ``exists: false``; contact lookups answer 404;
  ``contacts/add``, ``contacts/remove`` list it in ``errors``; blocking, reporting and ``modify-chat`` answer
  404; a message sent to it gets ``SENT`` and never ``RECEIVED``/``READ``; inbound messages, presences and
  calls from it are refused (400 naming ``from``); adding it to a group gives 404.
- ``...403``: on WhatsApp, but its privacy refuses group adds (403 with a private invite; see ``group_state``).
- ``...4030``: on WhatsApp, but its privacy hides its picture and about from everyone: ``profile-picture``
  is ``null`` and the contact's ``about`` and ``imgUrl`` are ``null``.
- every other valid number is on WhatsApp, with a **LID** (``<15 digits>@lid``) and a **push name** (the name
  it chose, "First Last" from fixed lists) both derived from a SHA-256 of the number: the same number always
  gets the same ones. A push name changes when the contact changes it (``sandbox/contact-event``
  ``profile_name``) or writes with another ``senderName``.
- a picture is ``https://pps.whatsapp.net/v/t61.24694-24/sandbox/<hash>.jpg?...``, derived from the number and
  the picture's version (``sandbox/contact-event`` ``profile_picture`` changes the version, or removes it).

**Brazil's 9th digit** (``55`` + 2-digit area code + 8 or 9 digits): a mobile number (9 digits starting with
9, or 8 digits starting with 6-9) is registered **with** the 9 in area codes 11 to 28 (São Paulo, Rio de
Janeiro, Espírito Santo) and **without** it in area codes 31 and above, as most of WhatsApp's real accounts
are. ``phone-exists-batch`` answers that form as ``outputPhone``: ``553199998888`` for ``5531999998888``,
``5511988887777`` for ``551188887777``. Landlines (8 digits starting with 2-5) and other countries are kept
as given. Contacts are kept under that form.
"""

from __future__ import annotations

import hashlib

from gateway.core.account import PhoneCheck
from gateway.worker.engines.sandbox.group_state import on_whatsapp

HIDDEN_PICTURE_SUFFIX = "4030"
PICTURE_BASE = "https://pps.whatsapp.net/v/t61.24694-24/sandbox/"
DEFAULT_ABOUT = "Hey there! I am using WhatsApp."
_FIRST = ("Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Isabela", "João", "Karina",
          "Lucas", "Mariana", "Nuno", "Olívia", "Pedro", "Queila", "Rafael", "Sofia", "Tiago")
_LAST = ("Almeida", "Barbosa", "Cardoso", "Duarte", "Esteves", "Ferreira", "Gomes", "Lima", "Moreira", "Nunes",
         "Oliveira", "Pereira", "Ribeiro", "Santos", "Teixeira", "Vieira")
BR_NINTH_DIGIT_AREAS = range(11, 29)  # area codes whose mobiles WhatsApp has with the 9th digit


def _digest(kind: str, phone: str) -> int:
    return int.from_bytes(hashlib.sha256(f"sandbox:{kind}:{phone}".encode()).digest()[:8], "big")


def whatsapp_phone(phone: str) -> str:
    """The number as WhatsApp has it (Brazil's 9th digit settled; see the module docstring)."""
    if not phone.startswith("55") or len(phone) not in (12, 13):
        return phone
    area, local = int(phone[2:4]), phone[4:]
    if area < 11:
        return phone
    if len(local) == 9 and local[0] == "9":
        local = local[1:]
    elif not (len(local) == 8 and local[0] in "6789"):
        return phone
    return f"55{area}9{local}" if area in BR_NINTH_DIGIT_AREAS else f"55{area}{local}"


def exists(phone: str) -> bool:
    return on_whatsapp(whatsapp_phone(phone))


def lid_of(phone: str) -> str:
    """The number's LID: 15 digits, never starting with 0."""
    return f"{10**14 + _digest('lid', whatsapp_phone(phone)) % (9 * 10**14)}@lid"


def push_name_of(phone: str) -> str:
    """The push name the number's owner chose (until it changes it)."""
    n = _digest("name", whatsapp_phone(phone))
    return f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}"


def hides_profile(phone: str) -> bool:
    """Its privacy shows its picture and about to nobody."""
    return whatsapp_phone(phone).endswith(HIDDEN_PICTURE_SUFFIX)


def picture_url(key: str, version: int) -> str:
    """A picture's URL (``key``: a phone, a group JID, or ``me:<sha256>`` for the phone's own)."""
    digest = hashlib.sha256(f"sandbox:picture:{key}:{version}".encode()).hexdigest()
    return f"{PICTURE_BASE}{digest[:40]}.jpg?ccb=11-4&oh=01_{digest[40:56]}&oe={6800000000 + version:X}"


def check(phone: str) -> PhoneCheck:
    """What ``phone-exists`` answers for one number."""
    if not exists(phone):
        return PhoneCheck(input_phone=phone, exists=False)
    return PhoneCheck(input_phone=phone, exists=True, phone=whatsapp_phone(phone), lid=lid_of(phone))
