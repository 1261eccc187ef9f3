"""Z-API WhatsApp Business routes: labels ("tags"), chat notes and the company profile. Validated here, run by
the worker that owns the instance, answered in Z-API's shapes.

A label the account does not have answers 404 ``TAG_NOT_FOUND``; a number without a business profile 404;
what WhatsApp refuses (a 21st label, a name taken) 409; what the engine's library cannot do 501
``NOT_SUPPORTED`` (the neonize engine: see docs/business.md). Statuses follow Z-API's pages: 201 for the
company profile's writes, 200 for the others. ``business/tags/colors`` is WhatsApp's fixed palette, answered
here for any instance.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel

from gateway.api import business_docs as d
from gateway.api.account import Json, instance_router
from gateway.api.account import fields as json_fields
from gateway.api.answers import Done
from gateway.api.auth import InstanceDep, State
from gateway.api.business_views import category_view, profile_view, tag_view
from gateway.api.instance import control
from gateway.api.newsletter_docs import inline_doc
from gateway.api.openapi import CONTROL_FAILS
from gateway.api.state import AppState
from gateway.core.business import (
    LABEL_COLORS,
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_QUERY,
    BusinessOp,
    BusinessProfile,
    CategoryList,
    ProfileChange,
    ProfileField,
    Tag,
    TagList,
    parse_category_refs,
    parse_color,
    parse_email,
    parse_hours,
    parse_tag_id,
    parse_tag_name,
    parse_websites,
)
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain, to_plain
from gateway.core.phones import phone_to_jid, validate_phone

router = instance_router("business")
TagPath = Annotated[str, Path(max_length=16, description="the label id (digits)")]
ChatPath = Annotated[str, Path(max_length=64, description="a phone, `<id>-group` or `<n>@lid`")]
FAILS = (*CONTROL_FAILS, 501)
SUCCESS = {"success": True}


async def business_op(zg: AppState, instance_id: str, op: BusinessOp, **args: Any) -> dict[str, Any]:
    return await control(zg).call(instance_id, Action.BUSINESS, op=op.value, **args)


def _chat(phone: str, *, groups: bool = True) -> str:
    jid = phone_to_jid(phone, "phone")
    if jid.endswith("@newsletter") or (not groups and jid.endswith("@g.us")):
        raise InvalidInput("must be a contact's phone or <n>@lid" if not groups else
                           "must be a contact's phone, <id>-group or <n>@lid", field="phone")
    return jid


# --- labels ----------------------------------------------------------------------------------------------

@router.get("/tags", **inline_doc(ok=list[d.TagView], fails=FAILS))
async def list_tags(instance: InstanceDep, zg: State) -> list[dict[str, Any]]:
    found = from_plain(TagList, (await business_op(zg, instance.id, BusinessOp.TAGS))["tags"])
    return [tag_view(t) for t in found.tags]


@router.get("/business/tags/colors", **inline_doc(ok=dict[str, str]))
async def tag_colors(instance: InstanceDep) -> dict[str, str]:
    """WhatsApp's label palette: color index → hex (the same for every instance)."""
    return {str(i): color for i, color in enumerate(LABEL_COLORS)}


@router.post("/business/create-tag", **inline_doc(d.CreateTag, ok=d.CreatedTag, fails=FAILS))
async def create_tag(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    raw = json_fields(body).raw
    name = parse_tag_name(raw.get("name"))
    color = None if raw.get("color") is None else parse_color(raw["color"])
    reply = await business_op(zg, instance.id, BusinessOp.CREATE_TAG, name=name, color=color)
    return {"id": from_plain(Tag, reply["tag"]).id}


@router.post("/business/edit-tag/{tag_id}", **inline_doc(d.EditTag, ok=d.Succeeded, fails=FAILS))
async def edit_tag(instance: InstanceDep, zg: State, tag_id: TagPath, body: Json) -> dict[str, Any]:
    raw = json_fields(body).raw
    name = None if raw.get("name") is None else parse_tag_name(raw["name"])
    color = None if raw.get("color") is None else parse_color(raw["color"])
    if name is None and color is None:
        raise InvalidInput("is required (a new name, a new color, or both)", field="name")
    await business_op(zg, instance.id, BusinessOp.EDIT_TAG, tag=parse_tag_id(tag_id), name=name, color=color)
    return SUCCESS


@router.delete("/business/tag/{tag_id}", **inline_doc(ok=d.Succeeded, fails=FAILS))
async def delete_tag(instance: InstanceDep, zg: State, tag_id: TagPath) -> dict[str, Any]:
    await business_op(zg, instance.id, BusinessOp.DELETE_TAG, tag=parse_tag_id(tag_id))
    return SUCCESS


def _tag_route(verb: str, assigned: bool) -> None:
    async def change(instance: InstanceDep, zg: State, phone: ChatPath, tag_id: TagPath) -> dict[str, Any]:
        chat, tag = _chat(phone), parse_tag_id(tag_id)
        await business_op(zg, instance.id, BusinessOp.TAG_CHAT, chat=chat, tag=tag, assigned=assigned)
        return {"value": True}

    change.__name__ = f"{verb}_chat_tag"
    change.__doc__ = f"{'Put' if assigned else 'Take'} a label {'on' if assigned else 'off'} a chat (a contact or a " \
                     "group); doing it twice changes nothing."
    router.put(f"/chats/{{phone}}/tags/{{tag_id}}/{verb}", **inline_doc(ok=Done, fails=FAILS))(change)


_tag_route("add", True)
_tag_route("remove", False)


# --- chat notes ----------------------------------------------------------------------------------------

@router.post("/chats/{phone}/notes", **inline_doc(d.ChatNotes, ok=d.Succeeded, fails=FAILS))
async def save_chat_notes(instance: InstanceDep, zg: State, phone: ChatPath, body: Json) -> dict[str, Any]:
    """The chat's one note (a contact's chat): written again, it is updated; empty, it is removed."""
    content = json_fields(body).str_("notes", required=True, max_len=MAX_NOTE, allow_empty=True).strip()
    await business_op(zg, instance.id, BusinessOp.NOTE, chat=_chat(phone, groups=False), content=content)
    return SUCCESS


# --- company profile -----------------------------------------------------------------------------------

async def _set_profile(zg: AppState, instance_id: str, change: ProfileChange) -> dict[str, Any]:
    await business_op(zg, instance_id, BusinessOp.SET_PROFILE, change=to_plain(change))
    return SUCCESS


def _text_route(path: str, part: ProfileField, body_doc: type[BaseModel], limit: int) -> None:
    async def change(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
        value = json_fields(body).str_("value", required=True, max_len=limit, allow_empty=True).strip()
        if part is ProfileField.EMAIL:
            value = parse_email(value)
        return await _set_profile(zg, instance.id, ProfileChange(field=part, text=value))

    change.__name__ = f"set_{path.replace('-', '_')}"
    change.__doc__ = f"The company {part.value}; an empty value removes it."
    router.post(f"/business/{path}", **inline_doc(body_doc, ok=d.Succeeded, status=201, fails=FAILS))(change)


_text_route("company-description", ProfileField.DESCRIPTION, d.CompanyDescription, MAX_DESCRIPTION)
_text_route("company-email", ProfileField.EMAIL, d.CompanyEmail, 4096)
_text_route("company-address", ProfileField.ADDRESS, d.CompanyAddress, MAX_ADDRESS)


@router.post("/business/company-websites", **inline_doc(d.CompanyWebsites, ok=d.Succeeded, status=201,
                                                         fails=FAILS))
async def set_company_websites(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    raw = json_fields(body).raw
    if "websites" not in raw:
        raise InvalidInput("is required (an empty list removes the websites)", field="websites")
    websites = parse_websites(raw["websites"])
    return await _set_profile(zg, instance.id, ProfileChange(field=ProfileField.WEBSITES, websites=websites))


@router.post("/business/hours", **inline_doc(d.BusinessHoursBody, ok=d.Succeeded, status=201, fails=FAILS))
async def set_business_hours(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    raw = json_fields(body).raw
    hours = parse_hours(raw.get("timezone"), raw.get("mode"), raw.get("days"))
    return await _set_profile(zg, instance.id, ProfileChange(field=ProfileField.HOURS, hours=hours))


@router.post("/business/categories", **inline_doc(d.CompanyCategories, ok=d.Succeeded, status=201, fails=FAILS))
async def set_company_categories(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    refs = parse_category_refs(json_fields(body).raw.get("categories"))
    return await _set_profile(zg, instance.id, ProfileChange(field=ProfileField.CATEGORIES, categories=refs))


@router.get("/business/available-categories", **inline_doc(ok=list[d.CategoryView], fails=FAILS))
async def available_categories(instance: InstanceDep, zg: State,
                               query: Annotated[str, Query(max_length=MAX_QUERY)] = "") -> list[dict[str, Any]]:
    """The categories WhatsApp offers whose name matches ``query`` (accents and case ignored)."""
    reply = await business_op(zg, instance.id, BusinessOp.CATEGORIES, query=query.strip())
    return [category_view(c) for c in from_plain(CategoryList, reply["categories"]).categories]


@router.get("/business/profile", **inline_doc(ok=d.ProfileView, fails=FAILS))
async def business_profile(instance: InstanceDep, zg: State,
                           phone: Annotated[str | None, Query(max_length=32)] = None) -> dict[str, Any]:
    """A business's profile: ``phone``'s, or the instance's own without one."""
    number = None if phone is None or not phone.strip() else validate_phone(phone.strip(), "phone")
    reply = await business_op(zg, instance.id, BusinessOp.PROFILE, phone=number)
    return profile_view(from_plain(BusinessProfile, reply["profile"]))
