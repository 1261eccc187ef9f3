"""Calls and contact events that reach the sandbox phone (``sandbox/call``, ``sandbox/contact-event``).

``POST .../sandbox/call`` ``{"from": "<phone>", "video"?: false, "outcome"?: "missed"|"rejected"|"answered"}``:
the number calls the phone. Told: ``CALL_VOICE`` (``CALL_VIDEO``) with a new ``callId``, then, when the call is
``missed`` (the default: nobody answers a gateway), ``CALL_MISSED_VOICE`` (``_VIDEO``). ``rejected`` (on the
handset) and ``answered`` tell nothing more. Answer: ``{"callId", "notifications": [ids]}``. The instance's
``callRejectAuto`` rejects it through ``reject_call`` (recorded in ``rejectedCalls``; rejecting a call the
phone never got is refused). Calls are recorded in ``calls``. A number not on WhatsApp, blocked, or the
phone's own: 400 naming ``from``.

``POST .../sandbox/contact-event`` ``{"type", "from": "<phone>", ...}``, told as a notification in its chat:

- ``profile_name`` with ``name`` (1-25 characters): ``PROFILE_NAME_UPDATED`` (``profileName``); the contact's
  push name from now on;
- ``profile_picture`` with ``removed``? (bool): ``PROFILE_PICTURE_UPDATED`` (``updatedPhoto``: the new URL,
  null when removed or hidden by its privacy);
- ``label`` with ``label`` (the label id, 1-32 characters) and ``assigned``? (default true): the phone's
  user labels (or unlabels) the chat on the handset: ``CHAT_LABEL_ASSOCIATION``.
Answer: ``{"notificationId"}``.
"""

from __future__ import annotations

import random
from typing import Any

from gateway.core.errors import EngineError, InvalidInput
from gateway.core.events import ChatNotified, LabelChange
from gateway.core.groups import notification_id
from gateway.core.phones import phone_address, validate_phone
from gateway.worker.engines.sandbox import numbers
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import BOOK, MAX_PROFILE_NAME, chat_part

OUTCOMES = ("missed", "rejected", "answered")
CONTACT_EVENTS = ("profile_name", "profile_picture", "label")
MAX_LABEL = 32


def caller_of(world: AccountWorld, spec: dict[str, Any], *, refuse_blocked: bool = True,
              may_be_me: bool = False) -> str:
    """The number in ``from``: on WhatsApp, not blocked (WhatsApp drops what they send), not the phone's own
    unless ``may_be_me`` (a message or presence in the "message yourself" chat)."""
    phone = numbers.whatsapp_phone(validate_phone(spec.get("from"), "from"))
    if not numbers.exists(phone):
        raise InvalidInput(f"{phone} is not on WhatsApp (sandbox rule: numbers ending in 404)", field="from")
    if phone == world.phone() and not may_be_me:
        raise InvalidInput("must be another number than the instance's own", field="from")
    if refuse_blocked and world.is_blocked(phone):
        raise InvalidInput(f"{phone} is blocked by the instance's phone: WhatsApp does not deliver what it sends",
                           field="from")
    return phone


def _flag(spec: dict[str, Any], key: str, default: bool) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput("must be true or false", field=key)
    return value


async def _tell(world: AccountWorld, phone: str, kind: str, *values: str, from_me: bool = False,
                **extra: Any) -> str:
    at = world.now_ms()
    chat = phone_address(phone)
    nid = notification_id(chat.jid, kind, at, *values)
    sender = phone_address(world.phone()) if from_me else chat
    await world.emit(ChatNotified(chat=chat, kind=kind, timestamp_ms=at, notification_id=nid, sender=sender,
                                  sender_name="" if from_me else world.book.push_name(phone), from_me=from_me,
                                  **extra))
    return nid


async def inject_call(world: AccountWorld, rng: random.Random, spec: dict[str, Any]) -> dict[str, Any]:
    phone = caller_of(world, spec)
    video = _flag(spec, "video", False)
    outcome = spec.get("outcome", "missed")
    if outcome not in OUTCOMES:
        raise InvalidInput(f"must be one of {', '.join(OUTCOMES)}", field="outcome")
    call_id = "".join(rng.choice("0123456789ABCDEF") for _ in range(32))
    world.record("calls", callId=call_id, **{"from": phone}, video=video, outcome=outcome)
    await world.commit()
    media = "VIDEO" if video else "VOICE"
    told = [await _tell(world, phone, f"CALL_{media}", call_id, call_id=call_id)]
    if outcome == "missed":
        told.append(await _tell(world, phone, f"CALL_MISSED_{media}", call_id, call_id=call_id))
    return {"callId": call_id, "notifications": told}


async def reject_call(world: AccountWorld, caller: str, call_id: str) -> None:
    call = next((x for x in world.records["calls"] if x.get("callId") == call_id), None)
    if call is None:
        raise EngineError(f"the phone got no call {call_id}", transient=False)
    phone = world.phone_of(caller, "caller", must_exist=False)
    if call["from"] != phone:
        raise EngineError(f"the call {call_id} is not from {caller}", transient=False)
    if any(x.get("callId") == call_id for x in world.records["rejectedCalls"]):
        return  # rejected already (the offer was seen twice)
    world.record("rejectedCalls", callId=call_id, caller=phone)
    await world.commit()


async def inject_contact_event(world: AccountWorld, spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("type")
    if kind not in CONTACT_EVENTS:
        raise InvalidInput(f"must be one of {', '.join(CONTACT_EVENTS)}", field="type")
    phone = caller_of(world, spec, refuse_blocked=False)
    if kind == "profile_name":
        name = spec.get("name")
        if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_PROFILE_NAME:
            raise InvalidInput(f"must be 1 to {MAX_PROFILE_NAME} characters", field="name")
        world.book.notify[phone] = name.strip()
        world.touch(BOOK)
        await world.commit()
        nid = await _tell(world, phone, "PROFILE_NAME_UPDATED", name.strip(), profile_name=name.strip())
    elif kind == "profile_picture":
        removed = _flag(spec, "removed", False)
        world.book.pictures[phone] = -1 if removed else max(world.book.pictures.get(phone, 0), 0) + 1
        world.pictures_seen.add(phone)  # the notice tells the session the new picture
        world.touch(BOOK)
        await world.commit()
        url = world.book.picture(phone)
        nid = await _tell(world, phone, "PROFILE_PICTURE_UPDATED", url or "", updated_photo=url)
    else:
        label = spec.get("label")
        if not isinstance(label, str) or not 0 < len(label) <= MAX_LABEL:
            raise InvalidInput(f"must be a label id of 1 to {MAX_LABEL} characters", field="label")
        assigned = _flag(spec, "assigned", True)
        chat = world.chat(f"{phone}@s.whatsapp.net")
        chat.labels = [x for x in chat.labels if x != label] + ([label] if assigned else [])
        world.touch(chat_part(chat.jid))
        await world.commit()
        change = LabelChange(chat=phone_address(phone), label=label, assigned=assigned)
        nid = await _tell(world, phone, "CHAT_LABEL_ASSOCIATION", label, str(assigned), from_me=True,
                          labels=(change,))
    return {"notificationId": nid}
