"""``inject_newsletter_event``: what someone else does with a channel, seen by the sandbox phone.

Body (``POST .../sandbox/newsletter-event``)::

    {"type": "<type>", "newsletter": "<digits>@newsletter", "by": "<phone>", ...}

- ``by``: who acts, digits with country code, never the instance's own phone (not used by ``post``).
- ``newsletter``: a channel the phone knows (created by it or by a ``create`` event, or in the sandbox's
  directory); 404 ``NEWSLETTER_NOT_FOUND`` otherwise.

Types:

- ``create`` with ``name`` (1-100 chars), ``description``? and ``country``? (two letters, default ``BR``):
  ``by`` creates a channel; ``search-newsletter`` finds it. Nothing is told.
- ``post`` with ``content`` (the fields of ``sandbox/inbound``: ``{"type": "text", "message": "..."}``, an
  image...): the channel posts; the phone must follow or administer it (400 otherwise). A ``ReceivedCallback``
  with ``isNewsletter: true``, ``phone: "<id>@newsletter"`` and the channel's name as ``chatName``.
- ``adminInvite``: the owner ``by`` invites the phone to administer its channel (then ``accept-admin-invite``).
- ``promote`` / ``demote``: the owner ``by`` makes the phone an admin / takes it back:
  ``NEWSLETTER_ADMIN_PROMOTE`` [phone, "ADMIN"] / ``NEWSLETTER_ADMIN_DEMOTE`` [phone, "SUBSCRIBER"].
- ``follow`` / ``unfollow``: ``by`` follows or leaves the channel (its ``subscribersCount`` changes).
- ``acceptInvite``: ``by`` accepts the admin invite the phone sent it (``send-newsletter-admin-invite``).

Answer: ``{"newsletterId", "notifications": [ids]}``, plus ``messageId`` for ``post`` and
``inviteExpiration`` (unix s) for ``adminInvite``. Every invalid field is a 400 naming it.
"""

from __future__ import annotations

import re
from typing import Any

from gateway.core.errors import InvalidInput

TYPES = ("create", "post", "adminInvite", "promote", "demote", "follow", "unfollow", "acceptInvite")
_COUNTRY = re.compile(r"[A-Z]{2}", re.ASCII)
_NOT_IN_A_POST = ("from", "group", "status", "fromMe", "fromLid", "isStatusReply")


def country_of(spec: dict[str, Any]) -> str:
    country = spec.get("country", "BR")
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise InvalidInput("must be a two-letter country code (ISO 3166, upper case)", field="country")
    return country


def content_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A post's content, as ``sandbox/inbound`` takes it (without who sent it, or where)."""
    content = spec.get("content")
    if not isinstance(content, dict):
        raise InvalidInput("must be an object with the fields of sandbox/inbound (type, message...)",
                           field="content")
    for key in _NOT_IN_A_POST:
        if key in content:
            raise InvalidInput("a channel's post comes from the channel: leave it out", field=f"content.{key}")
    return dict(content)
