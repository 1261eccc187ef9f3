"""What the sandbox phone does with a send: WhatsApp's refusals, the records of what left, the receipts.

Refused (``EngineError``, not transient: the message ends ``FAILED`` with a ``DeliveryCallback`` saying why):

- a send to a blocked number (WhatsApp's app asks to unblock first);
- an edit (``editMessageId``) of a message the phone did not send in that chat, of one that is neither a text
  nor a caption, older than 15 minutes (WhatsApp's window), or whose new content is not a text;
- a forward of a message the gateway never saw (``Forward.original`` None);
- deleting someone else's message (``owner=false``) outside a group (in a group the phone must be an admin:
  403 ``NOT_GROUP_ADMIN``);
- a status that is not a text, an image or a video.
Deleting one of the phone's own messages is accepted whatever the id (WhatsApp's server does not check it).

Every send gets a new WhatsApp id, an edit too (WhatsApp sends an edit as a new message naming the old one).
Records (``sandbox/phone``): ``edits`` (``id``, ``chat``, ``editedId``, ``text``, ``previous``), ``deletes``
(``id``, ``chat``, ``messageId``, ``fromMe``, ``sender``), ``statuses`` (``id``, ``type``, ``text``),
``statusReplies`` (``id``, ``to``, ``statusId``, ``author``, ``type``), ``forwards`` (``id``, ``to``,
``messageId``, ``sourceChat``, ``type``).
Receipts: ``SENT`` → ``RECEIVED`` → ``READ``; only ``SENT`` for a delete, a status, a channel, or a number
not on WhatsApp; no ``READ`` in a chat (not a group) while the phone's ``readreceipts`` privacy is ``none``
(WhatsApp's receipts go both ways).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError, NotGroupAdmin
from gateway.core.events import ReceiptStatus
from gateway.core.phones import STATUS_BROADCAST
from gateway.worker.engines.sandbox import commerce, interactive, numbers
from gateway.worker.engines.sandbox.account import AccountWorld
from gateway.worker.engines.sandbox.account_state import EDIT_WINDOW_MS, SentMessage, chat_part

FULL = (ReceiptStatus.SENT, ReceiptStatus.RECEIVED, ReceiptStatus.READ)
STATUS_TYPES = (c.Text, c.Image, c.Video)
EDITABLE = ("Text", "Image", "Video", "Document", "Link")


@dataclass(frozen=True, slots=True)
class SendPlan:
    receipts: tuple[ReceiptStatus, ...]


def _refuse(message: str) -> EngineError:
    return EngineError(message, transient=False)


def _text_of(body: c.Content) -> str:
    if isinstance(body, c.Text | c.Link):
        return body.text
    return str(getattr(body, "caption", "") or "")


def check(world: AccountWorld, out: Outgoing, *, group_admin: bool) -> SendPlan:
    """What WhatsApp would refuse of this send (raises), else the receipts it will get."""
    body, to = out.content, out.to
    if to == STATUS_BROADCAST:
        if not isinstance(body, STATUS_TYPES) or out.edit_id:
            raise _refuse("a status is a text, an image or a video")
        return SendPlan((ReceiptStatus.SENT,))
    user, _, server = to.partition("@")
    is_group = server == "g.us"
    if server == "s.whatsapp.net" and world.is_blocked(user):
        raise _refuse(f"{numbers.whatsapp_phone(user)} is blocked: unblock it to send it messages")
    if isinstance(body, c.Forward) and body.original is None:
        raise _refuse("the message to forward is unknown to the gateway (it never saw it), so it cannot be sent")
    if isinstance(body, c.Revoke):
        if not body.from_me and not is_group:
            raise _refuse("only a group admin can delete someone else's message, in a group")
        if not body.from_me and not group_admin:
            raise NotGroupAdmin("only group admins can delete other members' messages")
        return SendPlan((ReceiptStatus.SENT,))
    if out.edit_id is not None:
        _check_edit(world, out)
    commerce.check(world, out)  # products, catalogs, orders (``commerce.py``)
    interactive.check(world, out)  # pins, events (``interactive.py``)
    if server == "newsletter":  # a channel has no per-reader receipts
        return SendPlan((ReceiptStatus.SENT,))
    if server == "s.whatsapp.net" and not numbers.exists(user):
        return SendPlan((ReceiptStatus.SENT,))
    if not is_group and not world.profile.sends_read_receipts():
        return SendPlan((ReceiptStatus.SENT, ReceiptStatus.RECEIVED))
    return SendPlan(FULL)


def _check_edit(world: AccountWorld, out: Outgoing) -> None:
    chat = world.chats.get(out.to)
    sent = chat.sent_message(out.edit_id or "") if chat is not None else None
    if sent is None:
        raise _refuse("the phone sent no message with this id in this chat: only its own messages can be edited")
    if sent.kind not in EDITABLE:
        raise _refuse(f"a {sent.kind} cannot be edited: only texts and captions can")
    if not isinstance(out.content, c.Text):
        raise _refuse("an edit is a new text for the message")
    if world.now_ms() - sent.at_ms > EDIT_WINDOW_MS:
        raise _refuse("WhatsApp lets a message be edited for 15 minutes only")


def note(world: AccountWorld, out: Outgoing, message_id: str) -> None:
    """Keep what left (the caller commits): the chat's sent messages and the records."""
    body, to, now = out.content, out.to, world.now_ms()
    kind = type(body).__name__
    if to == STATUS_BROADCAST:
        world.record("statuses", id=message_id, type=kind, text=_text_of(body), at=now)
        return
    chat = world.chat(to)
    if isinstance(body, c.Revoke):
        world.record("deletes", id=message_id, chat=to, messageId=body.message_id, fromMe=body.from_me,
                     sender=body.sender or None, at=now)
    elif out.edit_id is not None:
        sent = chat.sent_message(out.edit_id)
        assert sent is not None, "checked before sending"
        world.record("edits", id=message_id, chat=to, editedId=out.edit_id, text=_text_of(body),
                     previous=sent.text, at=now)
        sent.text = _text_of(body)
    else:
        if isinstance(body, c.Forward):
            world.record("forwards", id=message_id, to=to, messageId=body.message_id, sourceChat=body.source_chat,
                         type=type(body.original).__name__, at=now)
        elif out.quoted_chat == STATUS_BROADCAST:
            world.record("statusReplies", id=message_id, to=to, statusId=out.quoted_id,
                         author=out.quoted_participant, type=kind, at=now)
        commerce.note(world, out, message_id)
        interactive.note(world, out, message_id)
        shown = body.original if isinstance(body, c.Forward) and body.original is not None else body
        chat.remember(SentMessage(message_id, type(shown).__name__, now, _text_of(shown)))
    world.touch(chat_part(to))
