"""Z-API channel (newsletter) routes: validated here, run by the worker that owns the instance, answered in
Z-API's shapes.

A channel the engine cannot find answers 404 ``NEWSLETTER_NOT_FOUND``; what only its owner or admins may do
403 ``NOT_NEWSLETTER_ADMIN``; what WhatsApp refuses 409; what the engine's library cannot do 501
``NOT_SUPPORTED`` (the neonize engine: see docs/newsletters.md). Statuses follow Z-API's pages: 201 for
creating and for the name, description, picture and admin calls, 200 for the others.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Path

from gateway.api import newsletter_docs as d
from gateway.api.account import Json, instance_router
from gateway.api.account import fields as json_fields
from gateway.api.answers import Done, Sent
from gateway.api.auth import InstanceDep, State
from gateway.api.instance import control
from gateway.api.newsletter_views import metadata, search_item
from gateway.api.openapi import CONTROL_FAILS
from gateway.api.sendspec import Body as Fields
from gateway.api.state import AppState
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain
from gateway.core.ids import new_zaap_id
from gateway.core.newsletters import (
    MAX_DESCRIPTION,
    MAX_NAME,
    REACTION_CODES,
    AdminInviteSent,
    NewsletterInfo,
    NewsletterList,
    NewsletterOp,
    parse_newsletter_id,
)
from gateway.core.phones import validate_phone
from gateway.media.input import parse_media

router = instance_router("newsletters")
ChannelPath = Annotated[str, Path(max_length=64, description="`<digits>@newsletter`")]
FAILS = (*CONTROL_FAILS, 403, 501)
DONE = {"value": True}


async def newsletter_op(zg: AppState, instance_id: str, op: NewsletterOp, **args: Any) -> dict[str, Any]:
    return await control(zg).call(instance_id, Action.NEWSLETTER, op=op.value, **args)


def _id(body: Fields, key: str = "id") -> str:
    if body.raw.get(key) is None:
        raise InvalidInput("is required", field=key)
    return parse_newsletter_id(body.raw[key], key)


def _name(body: Fields) -> str:
    return body.str_("name", required=True, max_len=MAX_NAME).strip()


@router.post("/create-newsletter", **d.inline_doc(d.CreateNewsletter, ok=d.CreatedNewsletter, status=201,
                                                   fails=FAILS))
async def create_newsletter(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    name, description = _name(fields), fields.str_("description", max_len=MAX_DESCRIPTION).strip()
    reply = await newsletter_op(zg, instance.id, NewsletterOp.CREATE, name=name, description=description)
    return {"id": from_plain(NewsletterInfo, reply["newsletter"]).jid}


@router.post("/update-newsletter-name", **d.inline_doc(d.NewsletterName, ok=Done, status=201, fails=FAILS))
async def update_newsletter_name(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    await newsletter_op(zg, instance.id, NewsletterOp.NAME, id=_id(fields), name=_name(fields))
    return DONE


@router.post("/update-newsletter-description", **d.inline_doc(d.NewsletterDescription, ok=Done, status=201,
                                                               fails=FAILS))
async def update_newsletter_description(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    text = fields.str_("description", required=True, max_len=MAX_DESCRIPTION, allow_empty=True).strip()
    await newsletter_op(zg, instance.id, NewsletterOp.DESCRIPTION, id=_id(fields), description=text)
    return DONE


@router.post("/update-newsletter-picture", **d.inline_doc(d.NewsletterPicture, ok=Done, status=201,
                                                           fails=(*FAILS, 413)))
async def update_newsletter_picture(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    channel = _id(fields)
    given = parse_media(fields.raw.get("pictureUrl"), "pictureUrl", "image", zg.settings.max_media_bytes)
    jpeg = await zg.media.picture(given, "pictureUrl")
    await newsletter_op(zg, instance.id, NewsletterOp.PICTURE, id=channel, jpeg=base64.b64encode(jpeg).decode())
    return DONE


def _put_route(path: str, op: NewsletterOp) -> None:
    async def change(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
        await newsletter_op(zg, instance.id, op, id=_id(json_fields(body)))
        return DONE

    change.__name__ = path.replace("-", "_")
    router.put(f"/{path}", **d.inline_doc(d.NewsletterRef, ok=Done, fails=FAILS))(change)


for _path, _op in (("follow-newsletter", NewsletterOp.FOLLOW), ("unfollow-newsletter", NewsletterOp.UNFOLLOW),
                   ("mute-newsletter", NewsletterOp.MUTE), ("unmute-newsletter", NewsletterOp.UNMUTE)):
    _put_route(_path, _op)


@router.delete("/delete-newsletter", **d.inline_doc(d.NewsletterRef, ok=Done, fails=FAILS))
async def delete_newsletter(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    await newsletter_op(zg, instance.id, NewsletterOp.DELETE, id=_id(json_fields(body)))
    return DONE


@router.get("/newsletter", **d.inline_doc(ok=list[d.NewsletterView], fails=FAILS))
async def list_newsletters(instance: InstanceDep, zg: State) -> list[dict[str, Any]]:
    found = from_plain(NewsletterList, (await newsletter_op(zg, instance.id, NewsletterOp.LIST))["newsletters"])
    return [metadata(n) for n in found.newsletters]


@router.get("/newsletter/metadata/{newsletter_id}", **d.inline_doc(ok=d.NewsletterView, fails=FAILS))
async def newsletter_metadata(instance: InstanceDep, zg: State, newsletter_id: ChannelPath) -> dict[str, Any]:
    reply = await newsletter_op(zg, instance.id, NewsletterOp.INFO, id=parse_newsletter_id(newsletter_id))
    return metadata(from_plain(NewsletterInfo, reply["newsletter"]))


@router.post("/search-newsletter", **d.inline_doc(d.SearchNewsletter, ok=d.SearchAnswer, fails=FAILS))
async def search_newsletter(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    limit = int(fields.num("limit", required=True, low=1, high=100) or 1)
    countries = [_country(c, i) for i, c in enumerate(fields.obj("filters").list_("countryCodes", max_items=250))]
    view = fields.str_("view", max_len=16) or None
    if view is not None and view not in ("RECOMMENDED", "TRENDING", "POPULAR", "NEW"):
        raise InvalidInput("must be one of RECOMMENDED, TRENDING, POPULAR, NEW", field="view")
    reply = await newsletter_op(zg, instance.id, NewsletterOp.SEARCH, limit=limit, countries=countries, view=view,
                                text=fields.str_("searchText", max_len=100).strip())
    found = from_plain(NewsletterList, reply["newsletters"])
    return {"cursor": None, "data": [search_item(n) for n in found.newsletters]}


def _country(value: object, i: int) -> str:
    if not isinstance(value, str) or len(value) != 2 or not value.isascii() or not value.isalpha():
        raise InvalidInput("must be a two-letter country code", field=f"filters.countryCodes.{i}")
    return value.upper()


@router.post("/newsletter/settings/{newsletter_id}", **d.inline_doc(d.NewsletterSettings, ok=Done, fails=FAILS))
async def newsletter_settings(instance: InstanceDep, zg: State, newsletter_id: ChannelPath,
                              body: Json) -> dict[str, Any]:
    codes = json_fields(body).str_("reactionCodes", required=True, max_len=8)
    if codes not in REACTION_CODES:
        raise InvalidInput(f"must be one of {', '.join(REACTION_CODES)}", field="reactionCodes")
    await newsletter_op(zg, instance.id, NewsletterOp.SETTINGS, id=parse_newsletter_id(newsletter_id),
                        reactionCodes=codes)
    return DONE


@router.post("/newsletter/accept-admin-invite/{newsletter_id}", **d.inline_doc(ok=Done, status=201, fails=FAILS))
async def accept_admin_invite(instance: InstanceDep, zg: State, newsletter_id: ChannelPath) -> dict[str, Any]:
    await newsletter_op(zg, instance.id, NewsletterOp.ACCEPT_ADMIN, id=parse_newsletter_id(newsletter_id))
    return DONE


def _phone_route(path: str, op: NewsletterOp) -> None:
    async def change(instance: InstanceDep, zg: State, newsletter_id: ChannelPath, body: Json) -> dict[str, Any]:
        phone = validate_phone(json_fields(body).raw.get("phone"), "phone")
        await newsletter_op(zg, instance.id, op, id=parse_newsletter_id(newsletter_id), phone=phone)
        return DONE

    change.__name__ = path.replace("-", "_")
    router.post(f"/newsletter/{path}/{{newsletter_id}}", **d.inline_doc(d.NewsletterPhone, ok=Done, status=201,
                                                                        fails=FAILS))(change)


_phone_route("remove-admin", NewsletterOp.REMOVE_ADMIN)
_phone_route("revoke-admin-invite", NewsletterOp.REVOKE_ADMIN_INVITE)


@router.post("/newsletter/transfer-ownership/{newsletter_id}", **d.inline_doc(d.TransferOwnership, ok=Done,
                                                                              fails=FAILS))
async def transfer_ownership(instance: InstanceDep, zg: State, newsletter_id: ChannelPath,
                             body: Json) -> dict[str, Any]:
    fields = json_fields(body)
    phone, quit_admin = validate_phone(fields.raw.get("phone"), "phone"), fields.bool_("quitAdmin")
    await newsletter_op(zg, instance.id, NewsletterOp.TRANSFER_OWNERSHIP, id=parse_newsletter_id(newsletter_id),
                        phone=phone, quitAdmin=quit_admin)
    return DONE


@router.post("/send-newsletter-admin-invite", **d.inline_doc(d.SendAdminInvite, ok=Sent, fails=FAILS))
async def send_newsletter_admin_invite(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """Sent at once on the control path (not through the queue): the answer carries WhatsApp's message id."""
    fields = json_fields(body)
    phone = validate_phone(fields.raw.get("phone"), "phone")
    invite = fields.obj("adminInviteMessage")
    channel, caption = _id(invite, "newsletterId"), invite.str_("caption", max_len=1024)
    reply = await newsletter_op(zg, instance.id, NewsletterOp.ADMIN_INVITE, id=channel, phone=phone, caption=caption)
    sent = from_plain(AdminInviteSent, reply["sent"])
    return {"zaapId": new_zaap_id(), "messageId": sent.message_id, "id": sent.message_id}
