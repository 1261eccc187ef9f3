"""WhatsApp Business labels, chat notes and company profile at the engine boundary: our own types and the
rules of their input (pure).

Engines translate their library's objects into these; the worker carries them to the api with the event
codec (``gateway.core.events.to_plain``/``from_plain``); the api shapes them as Z-API answers
(``api/business_views``). Labels ("tags" in Z-API) have WhatsApp's ids (digits, as strings) and a color,
the index of one of WhatsApp's 20 label colors (``LABEL_COLORS``). Only a WhatsApp Business account has
labels, notes and a company profile.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from gateway.core.errors import InvalidInput

# WhatsApp's label palette (index → hex), as WhatsApp Web draws it; Z-API's ``business/tags/colors``.
LABEL_COLORS = ("#FF9485", "#64C4FF", "#FFD429", "#DFAEF0", "#99B6C1", "#55CCB3", "#FF9DFF", "#D3A91D",
                "#6D7CCE", "#D7E752", "#00D0E2", "#FFC5C7", "#93CEAC", "#F74848", "#00A0F2", "#83E422",
                "#FFAF04", "#B5EBFF", "#9BA6FF", "#9368CF")
MAX_TAG_NAME = 100  # our bound for a label's name
MAX_TAGS = 20  # labels one account keeps (WhatsApp Business's limit)
MAX_NOTE = 1000  # our bound for a chat note
MAX_DESCRIPTION = 256  # the company description (WhatsApp Business app's limit)
MAX_ADDRESS = 256
MAX_EMAIL = 128
MAX_WEBSITES = 2  # WhatsApp keeps two websites per business
MAX_WEBSITE = 256
MIN_CATEGORIES, MAX_CATEGORIES = 1, 3  # WhatsApp wants one to three categories
MAX_CATEGORY_REF = 64
MAX_QUERY = 100
MAX_HOURS = 14  # opening intervals in one week (two a day)
DAYS = ("SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY")
HOURS_MODES = ("specificHours", "open24h", "appointmentOnly")

_TAG_ID = re.compile(r"\d{1,10}", re.ASCII)
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+", re.ASCII)
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00", re.ASCII)
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}", re.ASCII)
_ZONE = re.compile(r"UTC|[A-Za-z]+(?:/[A-Za-z0-9_+-]+){1,2}", re.ASCII)


class BusinessOp(StrEnum):
    """The business calls the api asks a worker to run on the instance's engine."""

    TAGS = "tags"
    CREATE_TAG = "create_tag"
    EDIT_TAG = "edit_tag"
    DELETE_TAG = "delete_tag"
    TAG_CHAT = "tag_chat"  # put a label on a chat, or take it off (``assigned``)
    NOTE = "note"
    PROFILE = "profile"  # the phone's own business profile, or another number's
    SET_PROFILE = "set_profile"
    CATEGORIES = "categories"  # WhatsApp's business categories matching a query


class ProfileField(StrEnum):
    """The part of the company profile a ``SET_PROFILE`` changes."""

    DESCRIPTION = "description"
    EMAIL = "email"
    ADDRESS = "address"
    WEBSITES = "websites"
    HOURS = "hours"
    CATEGORIES = "categories"


@dataclass(frozen=True, slots=True)
class Tag:
    """One label: WhatsApp's id (digits), its name and its color (an index of ``LABEL_COLORS``)."""

    id: str
    name: str
    color: int


@dataclass(frozen=True, slots=True)
class TagList:
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class ChatNote:
    """The note a business keeps on a chat (one per chat). Times in ms since the epoch."""

    id: str
    content: str
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class Category:
    """A business category: WhatsApp's id, a label when it has one (``RESTAURANT``), its display name."""

    id: str
    display_name: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryList:
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenHours:
    """One opening interval: a day of ``DAYS`` and ``HH:MM`` times (None: not given, outside specificHours)."""

    day: str
    open: str | None = None
    close: str | None = None


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """When the business opens: an IANA time zone, a mode of ``HOURS_MODES`` and the days it applies to (none:
    closed every day)."""

    timezone: str
    mode: str = "specificHours"
    days: tuple[OpenHours, ...] = ()


@dataclass(frozen=True, slots=True)
class BusinessProfile:
    """A WhatsApp Business account's company profile (``hours`` None: never set)."""

    description: str = ""
    address: str = ""
    email: str = ""
    websites: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    hours: BusinessHours | None = None
    has_cover_photo: bool = False


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """One change of the company profile: ``text`` for description, e-mail and address (empty: removed),
    ``websites``, ``hours``, or ``categories`` (ids or labels, resolved by the engine)."""

    field: ProfileField
    text: str = ""
    websites: tuple[str, ...] = ()
    hours: BusinessHours | None = None
    categories: tuple[str, ...] = ()


# --- input rules ---------------------------------------------------------------------------------------

def parse_tag_id(value: object, field: str = "tagId") -> str:
    """A label id: WhatsApp's are small numbers (a number is taken too)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if isinstance(value, str) and _TAG_ID.fullmatch(value.strip()):
        return str(int(value.strip()))
    raise InvalidInput("must be a label id (digits)", field=field)


def parse_color(value: object, field: str = "color") -> int:
    """An index of ``LABEL_COLORS`` (a number, or digits)."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(LABEL_COLORS):
        return value
    raise InvalidInput(f"must be a color index from 0 to {len(LABEL_COLORS) - 1} (see business/tags/colors)",
                       field=field)


def parse_tag_name(value: object, field: str = "name") -> str:
    if value is None:
        raise InvalidInput("is required", field=field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("must be a non-empty string", field=field)
    name = value.strip()
    if len(name) > MAX_TAG_NAME:
        raise InvalidInput(f"must be at most {MAX_TAG_NAME} characters", field=field)
    return name


def parse_email(value: str, field: str = "value") -> str:
    """An e-mail address, or empty (remove it)."""
    email = value.strip()
    if email and (len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email)):
        raise InvalidInput(f"must be an e-mail address of at most {MAX_EMAIL} characters (or empty to remove it)",
                           field=field)
    return email


def parse_website(value: object, field: str) -> str:
    """An ``http(s)://`` URL with a host name; without a scheme, ``https://`` is assumed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("must be a URL", field=field)
    url = value.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urllib.parse.urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a bad port or bracketed host
        scheme, host, port_ok = "", "", False
    if (len(url) > MAX_WEBSITE or scheme not in ("http", "https") or not _HOST.fullmatch(host) or not port_ok
            or any(ch.isspace() for ch in url)):
        raise InvalidInput(f"must be an http(s) URL with a host name, at most {MAX_WEBSITE} characters", field=field)
    return url


def parse_websites(value: object, field: str = "websites") -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InvalidInput("must be a list of URLs (empty to remove them)", field=field)
    if len(value) > MAX_WEBSITES:
        raise InvalidInput(f"WhatsApp keeps at most {MAX_WEBSITES} websites", field=field)
    return tuple(dict.fromkeys(parse_website(v, f"{field}.{i}") for i, v in enumerate(value)))


def parse_timezone(value: object, field: str = "timezone") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("is required: an IANA time zone such as America/Sao_Paulo", field=field)
    zone = value.strip()
    known = _zones()
    if len(zone) > 64 or not _ZONE.fullmatch(zone) or (known and zone not in known):
        raise InvalidInput("must be an IANA time zone such as America/Sao_Paulo", field=field)
    return zone


@functools.cache
def _zones() -> frozenset[str]:
    """The time zones this system knows (empty without a time zone database: the pattern decides)."""
    return frozenset(zoneinfo.available_timezones())


def _minutes(value: str) -> int:
    hours, _, minutes = value.partition(":")
    return int(hours) * 60 + int(minutes)


def _time(raw: dict[str, object], key: str, field: str, required: bool) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise InvalidInput("is required (HH:MM)", field=field)
        return None
    latest = "24:00" if key == "closeTime" else "23:59"
    if not isinstance(value, str) or not _TIME.fullmatch(value.strip()) or value.strip() > latest:
        raise InvalidInput(f"must be a time HH:MM (00:00 to {latest})", field=field)
    return value.strip()


def parse_day(value: object, field: str, mode: str) -> OpenHours:
    if not isinstance(value, dict):
        raise InvalidInput("must be an object {dayOfWeek, openTime, closeTime}", field=field)
    day = value.get("dayOfWeek")
    if not isinstance(day, str) or day.strip().upper() not in DAYS:
        raise InvalidInput(f"must be one of {', '.join(DAYS)}", field=f"{field}.dayOfWeek")
    timed = mode == "specificHours"
    opens = _time(value, "openTime", f"{field}.openTime", timed)
    closes = _time(value, "closeTime", f"{field}.closeTime", timed)
    if (opens is None) != (closes is None):
        raise InvalidInput("openTime and closeTime go together", field=f"{field}.closeTime")
    if opens is not None and closes is not None and _minutes(opens) >= _minutes(closes):
        raise InvalidInput("must be later than openTime", field=f"{field}.closeTime")
    return OpenHours(day=day.strip().upper(), open=opens, close=closes)


def parse_hours(timezone: object, mode: object, days: object) -> BusinessHours:
    """Z-API's ``business/hours`` body: intervals of one day must not overlap; no days: closed every day."""
    zone = parse_timezone(timezone)
    chosen = "specificHours" if mode is None else mode
    if chosen not in HOURS_MODES:
        raise InvalidInput(f"must be one of {', '.join(HOURS_MODES)}", field="mode")
    assert isinstance(chosen, str)
    if days is None:
        days = []
    if not isinstance(days, list):
        raise InvalidInput("must be a list of {dayOfWeek, openTime, closeTime} (empty: closed every day)",
                           field="days")
    if len(days) > MAX_HOURS:
        raise InvalidInput(f"must have at most {MAX_HOURS} items (two intervals a day)", field="days")
    parsed = [parse_day(d, f"days.{i}", chosen) for i, d in enumerate(days)]
    for i, one in enumerate(parsed):
        for other in parsed[:i]:
            if one.day == other.day and _overlap(one, other):
                raise InvalidInput(f"overlaps another interval of {one.day}", field=f"days.{i}")
    order = {d: n for n, d in enumerate(DAYS)}
    parsed.sort(key=lambda h: (order[h.day], h.open or ""))
    return BusinessHours(timezone=zone, mode=chosen, days=tuple(parsed))


def _overlap(a: OpenHours, b: OpenHours) -> bool:
    if a.open is None or a.close is None or b.open is None or b.close is None:
        return True  # a day named twice without times
    return _minutes(a.open) < _minutes(b.close) and _minutes(b.open) < _minutes(a.close)


def parse_category_refs(value: object, field: str = "categories") -> tuple[str, ...]:
    """One to three category ids or labels, as ``business/available-categories`` answers them."""
    if not isinstance(value, list) or not MIN_CATEGORIES <= len(value) <= MAX_CATEGORIES:
        raise InvalidInput(f"must be a list of {MIN_CATEGORIES} to {MAX_CATEGORIES} category ids or labels",
                           field=field)
    refs = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > MAX_CATEGORY_REF:
            raise InvalidInput("must be a category id or label (see business/available-categories)",
                               field=f"{field}.{i}")
        refs.append(item.strip())
    return tuple(dict.fromkeys(refs))
