"""Z-API profile and privacy routes: the connected phone's WhatsApp name, about text and picture, and its
privacy settings. Each runs on the worker that owns the instance; Z-API's names map to WhatsApp's
(``gateway.core.account``)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Query

from gateway.api import account_answers as a
from gateway.api import account_docs as d
from gateway.api.account import ACCOUNT_FAILS, Json, account_op, fields, instance_router
from gateway.api.answers import Done
from gateway.api.auth import InstanceDep, State
from gateway.api.bodies import Doc
from gateway.api.openapi import doc
from gateway.api.sendspec import Body as Fields
from gateway.api.state import AppState
from gateway.core.account import EXPIRATIONS, PRIVACY_VALUES, AccountOp, PrivacyName, PrivacyValue
from gateway.core.errors import InvalidInput
from gateway.core.phones import validate_phone
from gateway.media.input import parse_media

router = instance_router("profile")

_VISIBILITY = {"ALL": PrivacyValue.ALL, "NONE": PrivacyValue.NONE, "CONTACTS": PrivacyValue.CONTACTS,
               "CONTACT_BLACKLIST": PrivacyValue.CONTACT_BLACKLIST, "SAME_LAST_SEEN": PrivacyValue.MATCH_LAST_SEEN}
_LISTS = {"lastSeen": PrivacyName.LAST_SEEN, "photo": PrivacyName.PHOTO, "description": PrivacyName.DESCRIPTION,
          "groupAdd": PrivacyName.GROUP_ADD}
_DURATIONS = {"days90": EXPIRATIONS["90_DAYS"], "days7": EXPIRATIONS["7_DAYS"], "hours24": EXPIRATIONS["24_HOURS"],
              "disable": EXPIRATIONS["OFF"]}


def _text(body: Any, limit: int) -> str:
    return fields(body).str_("value", required=True, max_len=limit).strip()


@router.put("/profile-name", **doc(d.ProfileName, ok=Done, fails=ACCOUNT_FAILS))
async def profile_name(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """The connected phone's WhatsApp name (what contacts see; not the instance's name)."""
    await account_op(zg, instance.id, AccountOp.PROFILE_NAME, value=_text(body, d.MAX_PROFILE_NAME))
    return {"value": True}


@router.put("/profile-description", **doc(d.ProfileDescription, ok=Done, fails=ACCOUNT_FAILS))
async def profile_description(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """The connected phone's about text."""
    await account_op(zg, instance.id, AccountOp.PROFILE_ABOUT, value=_text(body, d.MAX_ABOUT))
    return {"value": True}


@router.put("/profile-picture", **doc(d.ProfilePicture, ok=Done, fails=ACCOUNT_FAILS))
async def set_profile_picture(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """The connected phone's picture: an image URL or data URI, made a square JPEG."""
    given = parse_media(fields(body).raw.get("value"), "value", "image", zg.settings.max_media_bytes)
    jpeg = await zg.media.picture(given, "value")
    await account_op(zg, instance.id, AccountOp.PROFILE_PHOTO, jpeg=base64.b64encode(jpeg).decode())
    return {"value": True}


@router.get("/privacy/disallowed-contacts", **doc(ok=a.DisallowedContacts, fails=ACCOUNT_FAILS))
async def disallowed_contacts(instance: InstanceDep, zg: State,
                              kind: Annotated[str, Query(alias="type", pattern=f"^({'|'.join(_LISTS)})$",
                                                         description="the setting whose excepted list to read")]
                              ) -> dict[str, Any]:
    reply = await account_op(zg, instance.id, AccountOp.DISALLOWED, setting=_LISTS[kind].value)
    return {"disallowedContacts": [str(p) for p in reply["phones"]]}


def _blacklist(given: Fields, value: PrivacyValue) -> tuple[list[str], list[str]]:
    if given.raw.get("contactsBlacklist") is None:
        return [], []
    changes = given.raw["contactsBlacklist"]
    if not isinstance(changes, list) or len(changes) > d.MAX_BLACKLIST:
        raise InvalidInput(f"must be a list of at most {d.MAX_BLACKLIST} changes", field="contactsBlacklist")
    if changes and value is not PrivacyValue.CONTACT_BLACKLIST:
        raise InvalidInput("only goes with CONTACT_BLACKLIST", field="contactsBlacklist")
    add: list[str] = []
    remove: list[str] = []
    for i, change in enumerate(changes):
        where = f"contactsBlacklist.{i}"
        if not isinstance(change, dict) or change.get("action") not in ("add", "remove"):
            raise InvalidInput('must be {"action": "add"|"remove", "phone"}', field=f"{where}.action")
        (add if change["action"] == "add" else remove).append(validate_phone(change.get("phone"), f"{where}.phone"))
    return add, remove


async def _privacy(zg: AppState, instance_id: str, setting: PrivacyName, body: Any, key: str) -> dict[str, Any]:
    given = fields(body)
    named = given.str_(key, required=True)
    value = _VISIBILITY.get(named)
    if value is None or value not in PRIVACY_VALUES[setting]:
        allowed = [k for k, v in _VISIBILITY.items() if v in PRIVACY_VALUES[setting]]
        raise InvalidInput(f"must be one of {', '.join(allowed)}", field=key)
    add, remove = _blacklist(given, value)
    await account_op(zg, instance_id, AccountOp.PRIVACY_SET, setting=setting.value, value=value.value, add=add,
                     remove=remove)
    return {"success": True}


def _visibility_route(path: str, setting: PrivacyName, model: type[Doc], key: str) -> None:
    async def change(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
        return await _privacy(zg, instance.id, setting, body, key)

    change.__name__ = "privacy_" + path.replace("-", "_")
    router.post(f"/privacy/{path}", **doc(model, ok=a.SuccessOnly, fails=ACCOUNT_FAILS))(change)


for _path, _setting, _model, _key in (
        ("last-seen", PrivacyName.LAST_SEEN, d.PrivacyVisibility, "visualizationType"),
        ("photo", PrivacyName.PHOTO, d.PrivacyVisibility, "visualizationType"),
        ("description", PrivacyName.DESCRIPTION, d.PrivacyVisibility, "visualizationType"),
        ("group-add", PrivacyName.GROUP_ADD, d.PrivacyGroupAdd, "type"),
        ("online", PrivacyName.ONLINE, d.PrivacyOnline, "visualizationType")):
    _visibility_route(_path, _setting, _model, _key)


@router.post("/privacy/read-receipts", **doc(ok=a.SuccessOnly, fails=ACCOUNT_FAILS))
async def privacy_read_receipts(instance: InstanceDep, zg: State,
                                value: Annotated[str, Query(pattern="^(enable|disable)$")]) -> dict[str, Any]:
    """Send read receipts (blue ticks), or not (then this phone sees no one's either)."""
    chosen = PrivacyValue.ALL if value == "enable" else PrivacyValue.NONE
    await account_op(zg, instance.id, AccountOp.PRIVACY_SET, setting=PrivacyName.READ_RECEIPTS.value,
                     value=chosen.value, add=[], remove=[])
    return {"success": True}


@router.post("/privacy/messages-duration", **doc(ok=a.SuccessOnly, fails=ACCOUNT_FAILS))
async def privacy_messages_duration(instance: InstanceDep, zg: State,
                                    value: Annotated[str, Query(pattern="^(days90|days7|hours24|disable)$")]
                                    ) -> dict[str, Any]:
    """The disappearing-message timer new chats start with."""
    await account_op(zg, instance.id, AccountOp.DEFAULT_EXPIRATION, seconds=_DURATIONS[value])
    return {"success": True}
