"""Our events → Z-API webhook payloads. Pure: no I/O, no clock, no globals.

Payload shapes: Z-API's public docs (https://developer.z-api.io, "Webhooks").

A message we cannot show is never dropped: undecryptable (``waiting``) → Z-API's "waiting message" payload
(``waitingMessage: true``, no content object) with ``notification: "CIPHERTEXT"``; a type we do not parse
(``c.Unsupported(kind)``) → the message envelope with ``notification: null`` and ``unknownMessage:
{"type": kind, ...}`` (Z-API documents no shape for it: this one is ours)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dispatch import transform_commerce as tc
from dispatch import transform_interactive as ti
from gateway.core import content as c
from gateway.core import content_commerce as cc
from gateway.core import content_interactive as ci
from gateway.core.events import (
    Address,
    ChatNotified,
    ChatPresenceChanged,
    Connected,
    Disconnected,
    Envelope,
    GroupNotified,
    LoggedOut,
    MessageReceived,
    MessageSent,
    ReceiptReceived,
)


class Hook(StrEnum):
    """Which configured URL a payload goes to."""

    RECEIVED = "received"
    DELIVERY = "delivery"
    MESSAGE_STATUS = "messageStatus"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    PRESENCE_CHAT = "presenceChat"


@dataclass(frozen=True, slots=True)
class Context:
    instance_id: str
    connected_phone: str
    notify_sent_by_me: bool


def chat_id(a: Address) -> str:
    """Z-API's ``phone``: digits, ``<id>-group``, ``<id>@newsletter``, ``<id>-broadcast`` or ``<n>@lid``."""
    user, _, server = a.jid.partition("@")
    if server == "g.us":
        return f"{user}-group"
    if server == "newsletter":
        return a.jid
    if server == "broadcast":
        return a.jid if user == "status" else f"{user}-broadcast"  # statuses keep WhatsApp's status@broadcast
    if a.phone:
        return a.phone
    if server == "lid":
        return a.jid
    return user


def _media_fields(m: c.MediaRef) -> dict[str, Any]:
    fields: dict[str, Any] = {"mimeType": m.mime_type}
    if m.download_error:
        fields["downloadError"] = True
        if m.download_error_reason:  # refused for good (e.g. TOO_LARGE): no follow-up will bring the file
            fields["downloadErrorReason"] = m.download_error_reason
    return fields


def content_object(body: c.Content, view_once: bool, ctx_phone: str) -> tuple[str, Any] | None:
    """The one content key of a ReceivedCallback and its object (None: nothing Z-API would show)."""
    if isinstance(body, c.Text):
        text: dict[str, Any] = {"message": body.text}
        if body.url or body.title or body.description:
            text.update({"title": body.title, "description": body.description, "url": body.url})
        return "text", text
    if isinstance(body, c.Image):
        return "image", {"imageUrl": body.media.url, "thumbnailUrl": body.media.thumbnail_url, "caption": body.caption,
                         **_media_fields(body.media), "width": body.width, "height": body.height,
                         "viewOnce": view_once}
    if isinstance(body, c.Audio):
        return "audio", {"ptt": body.ptt, "seconds": body.seconds, "audioUrl": body.media.url,
                         **_media_fields(body.media), "viewOnce": view_once}
    if isinstance(body, c.Video):
        return "video", {"videoUrl": body.media.url, "caption": body.caption, **_media_fields(body.media),
                         "width": body.width, "height": body.height, "seconds": body.seconds,
                         "viewOnce": view_once, "isGif": body.is_gif}
    if isinstance(body, c.Ptv):
        return "ptv", {"ptvUrl": body.media.url, "caption": body.caption, **_media_fields(body.media),
                       "width": body.width, "height": body.height, "seconds": body.seconds}
    if isinstance(body, c.Document):
        return "document", {"documentUrl": body.media.url, **_media_fields(body.media), "title": body.title,
                            "pageCount": body.page_count, "fileName": body.file_name, "caption": body.caption,
                            "thumbnailUrl": body.media.thumbnail_url}
    if isinstance(body, c.Sticker):
        return "sticker", {"stickerUrl": body.media.url, **_media_fields(body.media), "width": body.width,
                           "height": body.height, "isAnimated": body.is_animated}
    if isinstance(body, c.Location):
        return "location", {"longitude": body.longitude, "latitude": body.latitude, "address": body.address,
                            "url": body.url, "name": body.name, "thumbnailUrl": None}
    if isinstance(body, c.LiveLocation):
        return "liveLocation", {"longitude": body.longitude, "latitude": body.latitude,
                                "sequence": body.sequence, "caption": body.caption}
    if isinstance(body, c.Contact):
        return "contact", {"displayName": body.display_name, "vCard": body.vcard, "phones": list(body.phones)}
    if isinstance(body, c.Contacts):
        first = body.contacts[0] if body.contacts else c.Contact(body.display_name)
        return "contact", {"displayName": first.display_name, "vCard": first.vcard, "phones": list(first.phones),
                           "contacts": [{"displayName": x.display_name, "vCard": x.vcard, "phones": list(x.phones)}
                                        for x in body.contacts]}
    if isinstance(body, c.Reaction):
        return "reaction", {"value": body.emoji, "time": body.time_ms, "reactionBy": ctx_phone,
                            "referencedMessage": {"messageId": body.message_id, "fromMe": body.from_me,
                                                  "phone": chat_id(Address(body.chat, body.chat.split("@")[0]))
                                                  if body.chat else None,
                                                  "participant": body.participant}}
    if isinstance(body, c.Poll):
        return "poll", {"question": body.question, "pollMaxOptions": body.max_options,
                        "options": [{"name": o} for o in body.options]}
    if isinstance(body, c.PollVote):
        return "pollVote", {"pollMessageId": body.poll_message_id, "options": [{"name": o} for o in body.options]}
    if isinstance(body, c.ButtonsResponse):
        return "buttonsResponseMessage", {"buttonId": body.button_id, "message": body.text}
    if isinstance(body, c.ListResponse):
        return "listResponseMessage", {"message": body.text, "title": body.title,
                                       "selectedRowId": body.selected_row_id}
    if isinstance(body, cc.Product):  # commerce: transform_commerce.py
        return "product", tc.product(body)
    if isinstance(body, cc.CatalogLink):
        return "text", tc.catalog_link(body)
    if isinstance(body, cc.Order):
        return "order", tc.order(body)
    if isinstance(body, cc.OrderRequest):
        return "reviewAndPay", tc.review(body.order, request=True)
    if isinstance(body, cc.OrderUpdate):
        return "reviewOrder", tc.order_update(body)
    if isinstance(body, cc.PaymentRequest):
        return "requestPayment", tc.payment_request(body)
    if isinstance(body, cc.PaymentSent):
        return "sendPayment", {"paymentInfo": tc.payment_info(body.info)}
    if isinstance(body, ci.Pin):  # pins, events, interactive: transform_interactive.py
        return "pinMessage", ti.pin_message(body)
    if isinstance(body, ci.Event | ci.EventEdit):
        return "event", ti.event(body)
    if isinstance(body, ci.EventResponse):
        return "eventResponse", ti.event_response(body, ctx_phone)
    if isinstance(body, ci.PixKey):
        return "pixKeyMessage", ti.pix_key(body)
    if isinstance(body, ci.Carousel):
        return "carouselMessage", ti.carousel(body)
    if isinstance(body, c.ButtonList):
        return "buttonsMessage", ti.buttons_message(body)
    if isinstance(body, ci.Template | ci.CopyCode):
        return "hydratedTemplate", ti.hydrated_template(body)
    if isinstance(body, ci.TextFromAd):
        return "text", ti.ad_text(body)
    if isinstance(body, ci.StatusReply):
        return "statusImage", ti.status_image(body)
    return None


CIPHERTEXT = "ciphertext"  # c.Unsupported kind of a message not decrypted (yet)


def _no_parameters() -> dict[str, Any]:
    """The notification fields of a message-borne notification (REVOKE, CIPHERTEXT), each time a new list."""
    return {"notificationParameters": [], "callId": None, "code": None, "expiresAt": None, "externalAdReply": None}


def received(ev: MessageReceived, ctx: Context, *, from_api: bool = False, status: str = "RECEIVED") -> dict[str, Any]:
    group = ev.is_group
    sender_id = ev.sender.phone or (ev.sender.lid or "")
    payload: dict[str, Any] = {
        "isStatusReply": ev.is_status_reply,
        "chatLid": None if group else ev.chat.lid,
        "connectedPhone": ctx.connected_phone,
        "waitingMessage": ev.waiting,
        "isEdit": ev.is_edit,
        "isGroup": group,
        "isNewsletter": ev.is_newsletter,
        "instanceId": ctx.instance_id,
        "messageId": ev.message_id,
        "phone": chat_id(ev.chat),
        "fromMe": ev.from_me,
        "momment": ev.timestamp_ms,
        "status": status,
        "chatName": ((ev.chat_name or None) if group or ev.is_newsletter  # a channel's post: its name
                     else (None if ev.from_me else (ev.push_name or None))),
        "senderPhoto": ev.sender_photo,
        "senderName": ev.push_name,
        "participantPhone": ev.sender.phone if group else None,
        "participantLid": ev.sender.lid,
        "photo": ev.chat_photo,
        "broadcast": ev.is_broadcast,
        "referenceMessageId": ev.quoted_id,
        "messageExpirationSeconds": ev.ephemeral_s,
        "forwarded": ev.forwarded,
        "type": "ReceivedCallback",
        "fromApi": from_api,
    }
    if ev.is_edit and ev.edited_id:
        payload["editMessageId"] = ev.edited_id
    body = ev.content
    if isinstance(body, c.Unsupported) and body.kind == "revoke":
        payload.update({"notification": "REVOKE", **_no_parameters()})
        return payload
    if ev.waiting or (isinstance(body, c.Unsupported) and body.kind == CIPHERTEXT):
        payload.update({"waitingMessage": True, "viewOnce": ev.view_once, "notification": "CIPHERTEXT",
                        **_no_parameters()})
        return payload
    if isinstance(body, c.Unsupported):
        payload["notification"] = None
        payload["unknownMessage"] = {**{k: v for k, v in body.extra.items() if k != "type"}, "type": body.kind}
        return payload
    obj = content_object(ev.content, ev.view_once, sender_id.split("@")[0] if "@lid" not in sender_id else sender_id)
    if obj is not None:
        payload[obj[0]] = obj[1]
        payload.update(ti.beside(body))  # a status reply's text, an ad's context
    return payload


def message_status(ev: ReceiptReceived, ctx: Context) -> dict[str, Any]:
    payload: dict[str, Any] = {"instanceId": ctx.instance_id, "status": ev.status.value,
                               "ids": list(ev.message_ids), "momment": ev.timestamp_ms,
                               "phone": chat_id(ev.chat), "type": "MessageStatusCallback", "isGroup": ev.is_group}
    if ev.is_group and ev.participant is not None:
        payload["participant"] = chat_id(ev.participant)
        payload["participantDevice"] = ev.device
    else:
        payload["phoneDevice"] = ev.device
    return payload


def delivery(ev: MessageSent, ctx: Context) -> dict[str, Any]:
    payload: dict[str, Any] = {"phone": chat_id(ev.chat), "zaapId": ev.zaap_id, "messageId": ev.message_id or None,
                               "type": "DeliveryCallback", "instanceId": ctx.instance_id}
    if ev.error:
        payload["error"] = ev.error
    return payload


def group_notification(ev: GroupNotified, ctx: Context) -> dict[str, Any]:
    """A change in a group, as Z-API sends it: a ``ReceivedCallback`` with ``notification`` and no content.

    ``participantPhone`` is who made the change (LID digits when only the LID is known);
    ``notificationParameters`` the members it is about (``chat_id`` form) or its values."""
    actor = ev.actor
    params = [chat_id(p) for p in ev.participants] if ev.participants else list(ev.parameters)
    payload: dict[str, Any] = {
        "isStatusReply": False, "chatLid": None, "connectedPhone": ctx.connected_phone, "waitingMessage": False,
        "isEdit": False, "isGroup": True, "isNewsletter": False, "instanceId": ctx.instance_id,
        "messageId": ev.notification_id, "phone": chat_id(ev.group), "fromMe": ev.from_me,
        "momment": ev.timestamp_ms, "expiresAt": None, "status": "RECEIVED", "chatName": ev.subject or None,
        "senderPhoto": None, "senderName": ev.actor_name, "photo": None, "broadcast": False,
        "participantPhone": (actor.phone or (actor.lid or actor.jid).split("@")[0]) if actor else None,
        "participantLid": actor.lid if actor else None, "referenceMessageId": None, "externalAdReply": None,
        "forwarded": False, "type": "ReceivedCallback", "notification": ev.kind,
        "notificationParameters": params, "callId": None, "code": None, "fromApi": False,
    }
    if ev.request_method is not None:
        payload["requestMethod"] = ev.request_method
    if ev.link_mode is not None:
        payload["linkMode"] = ev.link_mode
    return payload


def _phone_of(a: Address) -> str:
    """A member as ``participantPhone`` shows it: the phone, else the LID's digits."""
    return a.phone or (a.lid or a.jid).split("@")[0]


def newsletter_notification(ev: ChatNotified, ctx: Context) -> dict[str, Any]:
    """``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE``, as Z-API's page shows it: ``phone`` the channel, ``chatName``
    its name (``sender_name``), ``participantPhone`` the member whose role changed (``sender``),
    ``notificationParameters`` ``[phone, "ADMIN"|"SUBSCRIBER"]``, and ``isNewsletter: false`` (sic)."""
    who = ev.sender
    return {
        "isStatusReply": False, "chatLid": None, "connectedPhone": ctx.connected_phone, "waitingMessage": False,
        "isEdit": False, "isGroup": False, "isNewsletter": False, "instanceId": ctx.instance_id,
        "messageId": ev.notification_id, "phone": chat_id(ev.chat), "fromMe": ev.from_me,
        "momment": ev.timestamp_ms, "expiresAt": None, "status": "RECEIVED", "chatName": ev.sender_name or None,
        "senderPhoto": None, "senderName": "", "photo": None, "broadcast": False,
        "participantPhone": _phone_of(who) if who else None, "participantLid": who.lid if who else None,
        "referenceMessageId": None, "externalAdReply": None, "forwarded": False, "type": "ReceivedCallback",
        "notification": ev.kind, "notificationParameters": list(ev.parameters), "callId": None, "code": None,
        "fromApi": False,
    }


def chat_notification(ev: ChatNotified, ctx: Context) -> dict[str, Any]:
    """A call, a profile change or a label, as Z-API sends it: a ``ReceivedCallback`` with ``notification``.

    ``CHAT_LABEL_ASSOCIATION`` lists ``{phone, label, assigned}`` objects; ``PROFILE_NAME_UPDATED`` adds
    ``profileName``, ``PROFILE_PICTURE_UPDATED`` ``updatedPhoto`` (also the sender's and, in a 1:1 chat, the
    chat's photo: the only picture URL an event carries)."""
    who, group = ev.sender, ev.is_group
    params: list[Any] = ([{"phone": chat_id(x.chat), "label": x.label, "assigned": x.assigned} for x in ev.labels]
                         if ev.kind == "CHAT_LABEL_ASSOCIATION" else list(ev.parameters))
    photo = ev.updated_photo if ev.kind == "PROFILE_PICTURE_UPDATED" else None
    payload: dict[str, Any] = {
        "isStatusReply": False, "chatLid": None if group else ev.chat.lid, "connectedPhone": ctx.connected_phone,
        "waitingMessage": False, "isEdit": False, "isGroup": group, "isNewsletter": False,
        "instanceId": ctx.instance_id, "messageId": ev.notification_id, "phone": chat_id(ev.chat),
        "fromMe": ev.from_me, "momment": ev.timestamp_ms, "expiresAt": None, "status": "RECEIVED",
        "chatName": None if group or ev.from_me else (ev.sender_name or None), "senderPhoto": photo,
        "senderName": ev.sender_name, "photo": None if group else photo, "broadcast": False,
        "participantPhone": _phone_of(who) if group and who else None, "participantLid": who.lid if who else None,
        "referenceMessageId": None, "externalAdReply": None, "forwarded": False, "type": "ReceivedCallback",
        "notification": ev.kind, "notificationParameters": params, "callId": ev.call_id, "code": None,
        "fromApi": False,
    }
    if ev.kind == "PROFILE_NAME_UPDATED":
        payload["profileName"] = ev.profile_name
    elif ev.kind == "PROFILE_PICTURE_UPDATED":
        payload["updatedPhoto"] = ev.updated_photo
    return payload


def transform(env: Envelope, ctx: Context) -> list[tuple[Hook, dict[str, Any]]]:
    """Every webhook payload one event produces, with the URL kind each goes to."""
    ev = env.event
    if isinstance(ev, MessageReceived):
        if ev.from_me and not ctx.notify_sent_by_me:
            return []
        return [(Hook.RECEIVED, received(ev, ctx))]
    if isinstance(ev, MessageSent):
        out = [(Hook.DELIVERY, delivery(ev, ctx))]
        if ev.message is not None and not ev.error and ctx.notify_sent_by_me:
            out.append((Hook.RECEIVED, received(ev.message, ctx, from_api=True, status="SENT")))
        return out
    if isinstance(ev, ReceiptReceived):
        return [(Hook.MESSAGE_STATUS, message_status(ev, ctx))]
    if isinstance(ev, GroupNotified):
        return [(Hook.RECEIVED, group_notification(ev, ctx))]
    if isinstance(ev, ChatNotified):
        made = newsletter_notification if ev.kind.startswith("NEWSLETTER_") else chat_notification
        return [(Hook.RECEIVED, made(ev, ctx))]
    if isinstance(ev, ChatPresenceChanged):
        return [(Hook.PRESENCE_CHAT, {"type": "PresenceChatCallback", "phone": chat_id(ev.chat),
                                      "status": ev.state.value, "lastSeen": ev.last_seen_ms,
                                      "instanceId": ctx.instance_id})]
    if isinstance(ev, Connected):
        return [(Hook.CONNECTED, {"type": "ConnectedCallback", "connected": True, "momment": env.at_ms,
                                  "instanceId": ctx.instance_id, "phone": ev.phone, "isBusiness": ev.is_business})]
    if isinstance(ev, Disconnected | LoggedOut):
        error = "Device has been disconnected" if isinstance(ev, LoggedOut) else ev.reason
        return [(Hook.DISCONNECTED, {"momment": env.at_ms, "error": error, "disconnected": True,
                                     "type": "DisconnectedCallback", "instanceId": ctx.instance_id})]
    return []
