"""The neonize engine's contact, chat, profile and privacy methods: bounded FFI calls (shared FFI lock), errors
mapped to ours, like ``GroupCalls``; a method that makes several calls bounds them all together.

What neonize 0.5.2 cannot do raises ``Unsupported`` before anything is sent:
- chat changes (archive, pin, mute, read, unread, clear, delete) and address-book edits: these are app-state
  patches, and neonize's ``send_app_state`` cannot send one. Its Go ``DecodePatchInfo`` picks the patch's
  collection by comparing enum *pointers* (never equal; checked in the 0.5.2 binary's machine code) and knows
  no regular_low/regular_high, so every patch would go out with an empty collection name; it also dereferences
  an unset timestamp (a Go panic aborts the process). neonize has no other call for them (its
  ``chat_settings.put_*`` only write the local store);
- reporting a contact (no call), the excepted contacts of a privacy setting (``set_privacy_setting`` sends a
  value only; nothing reads the lists).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from gateway.core.account import ChatAction, ContactInfo, NewContact, PhoneCheck, PrivacyName, PrivacySettings
from gateway.core.engine_gaps import NeonizeGap, gap_error
from gateway.core.errors import EngineError, NotConnected, NotFound, ZapgateError
from gateway.core.events import ChatChanged, EngineEvent
from gateway.worker.engines.neonize.group_calls import user_jid
from gateway.worker.engines.neonize.pictures import Pictures
from gateway.worker.engines.neonize.runtime import NeonizeRuntime
from gateway.worker.engines.neonize.translate import LID_SERVER, PHONE_SERVER, address, device_jid_proto, jid_string

log = logging.getLogger(__name__)

PHONES_PER_QUERY = 50  # numbers per is_on_whatsapp call
_NOT_CONNECTED = ("websocket not connected", "websocket disconnected before", "the store doesn't contain",
                  "client is nil", "not logged in")
_TRANSIENT = ("status 429", "rate-overlimit", "timed out", "status 500", "status 503", "internal-server-error",
              "service-unavailable", "function returned nothing")
_NO_PICTURE = ("no profile picture", "hidden their profile picture", "item-not-found", "status 404",
               "not-authorized", "status 401")
_PRIVACY_VALUES = {1: "", 2: "all", 3: "contacts", 4: "contact_blacklist", 5: "match_last_seen", 6: "known",
                   7: "none"}  # Neonize_pb2.PrivacySettings.PrivacySetting → WhatsApp's value ("": undefined)


def account_error(what: str, exc: BaseException) -> ZapgateError:
    """A neonize exception (its text is whatsmeow's error) → our error, by the message."""
    text = str(exc.args[0]) if exc.args else str(exc)
    low = text.lower()
    if any(s in low for s in _NOT_CONNECTED):
        return NotConnected(f"{what}: the instance is not connected ({text})")
    return EngineError(f"{what} failed: {text}", transient=any(s in low for s in _TRANSIENT))


def digits(phone: str) -> str:
    return "".join(ch for ch in phone.partition("@")[0] if ch.isdigit())


def brazil_other_form(phone: str) -> str | None:
    """A Brazilian mobile number with the 9th digit → without it, and back; None for anything else."""
    if not phone.startswith("55"):
        return None
    if len(phone) == 13 and phone[4] == "9" and phone[5] in "6789":
        return phone[:4] + phone[5:]
    if len(phone) == 12 and phone[4] in "6789":
        return phone[:4] + "9" + phone[4:]
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class _Wire:
    """A value the way neonize's ``set_privacy_setting`` reads it (``.value``): its ``PrivacySetting`` enum spells
    ``contact_blacklist`` as ``contacts_blacklist``, which WhatsApp does not know."""

    value: str


class AccountCalls:
    """What the engine does for contacts, chats, profile and privacy; the engine's methods delegate here."""

    def __init__(self, client: Any, runtime: NeonizeRuntime, *, connected: Callable[[], bool],
                 emit: Callable[[EngineEvent], object], timeout_s: float, pictures: Pictures | None = None) -> None:
        self.client = client
        self.pictures = pictures if pictures is not None else Pictures()
        self.runtime = runtime
        self.connected = connected
        self.emit = emit
        self.timeout_s = timeout_s
        self.default_expiration_s = 0  # as last set here: neonize reads no default disappearing timer

    def __repr__(self) -> str:
        return f"<AccountCalls timeout_s={self.timeout_s}>"

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + self.timeout_s

    async def _call(self, what: str, fn: Callable[..., Any], *args: Any, deadline: float | None = None,
                    **kwargs: Any) -> Any:
        if not self.connected():
            raise NotConnected("the instance is not connected")
        limit = self.timeout_s if deadline is None else deadline - asyncio.get_running_loop().time()
        if limit <= 0:  # checked here: a call started with no time left would still reach WhatsApp
            raise EngineError(f"{what}: not sent, WhatsApp did not answer within {self.timeout_s:g}s")
        call = functools.partial(fn, **kwargs)

        def locked(*a: Any) -> Any:  # checked again under the FFI lock: no stop() can run now, so
            if not self.connected():  # the Go client is still there (several calls crash on a stopped one)
                raise NotConnected("the instance is not connected")
            return call(*a)

        try:
            return await asyncio.wait_for(self.runtime.call(locked, *args), limit)
        except TimeoutError:
            raise EngineError(f"{what}: WhatsApp did not answer within {self.timeout_s:g}s") from None
        except ZapgateError:
            raise
        except Exception as exc:
            raise account_error(what, exc) from exc

    def _changed(self, event: ChatChanged) -> None:
        try:
            self.emit(event)
        except Exception as exc:  # the change was made: only dispatch's view of it is late
            log.warning("chat change of %s not captured: %s", event.chat.jid, exc)

    # contacts -----------------------------------------------------------------------------------------
    async def check_phones(self, phones: list[str]) -> list[PhoneCheck]:
        """Each number as given, then (Brazilian mobiles not found) the other form; ``phone`` as WhatsApp has it."""
        deadline = self._deadline()
        wanted = [digits(p) for p in phones]
        found = await self._on_whatsapp([w for w in wanted if w], deadline)
        others = {w: alt for w in wanted if w and w not in found and (alt := brazil_other_form(w))}
        second = await self._on_whatsapp(list(others.values()), deadline) if others else {}
        found.update({w: second[alt] for w, alt in others.items() if alt in second})
        lids = await self._lids(set(found.values()), deadline)
        return [PhoneCheck(input_phone=p, exists=w in found, phone=found.get(w), lid=lids.get(found.get(w, "")))
                for p, w in zip(phones, wanted, strict=True)]

    async def _on_whatsapp(self, numbers: list[str], deadline: float) -> dict[str, str]:
        """Asked number (digits) → the phone WhatsApp has for it, for those on WhatsApp."""
        unique = list(dict.fromkeys(numbers))
        found: dict[str, str] = {}
        for start in range(0, len(unique), PHONES_PER_QUERY):
            chunk = [f"+{n}" for n in unique[start:start + PHONES_PER_QUERY]]
            for answer in await self._call("phone check", self.client.is_on_whatsapp, *chunk, deadline=deadline):
                if answer.IsIn and answer.JID.User:
                    found[digits(answer.Query)] = answer.JID.User
        return found

    async def _lids(self, phones: set[str], deadline: float) -> dict[str, str]:
        """The LIDs whatsmeow's store knows for these phones (a local lookup; best effort)."""
        out: dict[str, str] = {}
        for phone in sorted(phones):
            try:
                jid = await self._call("lid lookup", self.client.get_lid_from_pn, user_jid(phone), deadline=deadline)
            except ZapgateError as err:
                log.debug("no lid for %s: %s", phone, err)
                continue
            if jid.User and jid.Server == LID_SERVER:
                out[phone] = f"{jid.User}@{LID_SERVER}"
        return out

    async def list_contacts(self) -> list[ContactInfo]:
        """The contact store whatsmeow keeps from the phone's app state (only while connected: it was paired)."""
        contacts = await self._call("list contacts", self.client.contact.get_all_contacts)
        return [ContactInfo(address=address(x.JID), name=x.Info.FullName, short=x.Info.FirstName,
                            notify=x.Info.PushName, vname=x.Info.BusinessName) for x in contacts if x.JID.User]

    async def contact_info(self, jid: str) -> ContactInfo:
        """Existence (phones), about text, picture URL and the names the contact store has; one deadline."""
        deadline, target = self._deadline(), device_jid_proto(jid)
        if target.Server == PHONE_SERVER:
            known = await self._on_whatsapp([target.User], deadline)
            if target.User not in known:
                raise NotFound(f"{target.User} is not on WhatsApp")
            target = user_jid(known[target.User])
        infos = await self._call("contact info", self.client.get_user_info, target, deadline=deadline)
        info = next((i.UserInfo for i in infos if i.JID.User == target.User), None)
        if info is None:
            raise NotFound(f"{jid} is not on WhatsApp")
        url = await self._picture(target, deadline)
        try:
            stored = await self._call("contact names", self.client.contact.get_contact, target, deadline=deadline)
        except ZapgateError as err:
            log.info("no stored names for %s: %s", jid, err)
            stored = None
        vname = info.VerifiedName.Details.verifiedName if info.HasField("VerifiedName") else ""
        return ContactInfo(address=address(target), name=stored.FullName if stored else "",
                           short=stored.FirstName if stored else "", notify=stored.PushName if stored else "",
                           vname=(stored.BusinessName if stored else "") or vname, about=info.Status,
                           picture_url=url)

    async def profile_picture(self, jid: str) -> str | None:
        return await self._picture(device_jid_proto(jid), self._deadline(), quiet=False)

    async def _picture(self, target: Any, deadline: float, *, quiet: bool = True) -> str | None:
        from neonize.proto.Neonize_pb2 import GetProfilePictureParams

        params = GetProfilePictureParams(Preview=False, ExistingID="", IsCommunity=False)
        try:
            picture = await self._call("profile picture", self.client.get_profile_picture, target, params,
                                       deadline=deadline)
        except NotConnected:
            raise
        except ZapgateError as err:
            hidden = any(s in str(err.message).lower() for s in _NO_PICTURE)
            if hidden:
                self.pictures.learn(jid_string(target), None)
            if quiet or hidden:
                return None  # none, or hidden from us
            raise
        url = str(picture.URL) or None
        self.pictures.learn(jid_string(target), url)
        return url

    async def add_contacts(self, contacts: list[NewContact]) -> list[str]:
        raise gap_error(NeonizeGap.ADDRESS_BOOK, "contacts cannot be saved")

    async def remove_contacts(self, phones: list[str]) -> list[str]:
        raise gap_error(NeonizeGap.ADDRESS_BOOK, "contacts cannot be removed")

    async def set_blocked(self, jid: str, blocked: bool) -> None:
        from neonize.utils.enum import BlocklistAction

        action = BlocklistAction.BLOCK if blocked else BlocklistAction.UNBLOCK
        await self._call("block" if blocked else "unblock", self.client.update_blocklist, user_jid(jid), action)

    async def blocked_contacts(self) -> list[str]:
        blocklist = await self._call("blocked contacts", self.client.get_blocklist)
        return [j.User if j.Server == PHONE_SERVER else f"{j.User}@{j.Server}" for j in blocklist.JIDs if j.User]

    async def report_contact(self, jid: str) -> None:
        raise gap_error(NeonizeGap.REPORT_CONTACT)

    # chats --------------------------------------------------------------------------------------------
    async def modify_chat(self, jid: str, change: ChatAction) -> None:
        raise gap_error(NeonizeGap.CHAT_CHANGES, change.value)

    async def set_chat_expiration(self, jid: str, seconds: int) -> None:
        target = device_jid_proto(jid)
        await self._call("chat expiration", self.client.set_disappearing_timer, target, seconds * 1_000_000_000,
                         _setting_time())
        self._changed(ChatChanged(chat=address(target), timestamp_ms=int(time.time() * 1000), expiration_s=seconds))

    # profile and privacy ------------------------------------------------------------------------------
    async def set_profile_name(self, name: str) -> None:
        await self._call("profile name", self.client.set_profile_name, name)  # the push-name app-state setting

    async def set_profile_about(self, text: str) -> None:
        await self._call("profile description", self.client.set_status_message, text)

    async def set_profile_photo(self, jpeg: bytes) -> None:
        await self._call("profile photo", self.client.set_profile_photo, bytes(jpeg))

    async def privacy_settings(self) -> PrivacySettings:
        got = await self._call("privacy settings", self.client.get_privacy_settings)
        values = {name: _PRIVACY_VALUES.get(getattr(got, name), "") for name in
                  ("LastSeen", "Profile", "Status", "GroupAdd", "Online", "ReadReceipts")}
        if not any(values.values()):  # whatsmeow logs the failure and answers an empty set
            raise EngineError("privacy settings: WhatsApp did not answer them")
        default = PrivacySettings()
        return PrivacySettings(last_seen=values["LastSeen"] or default.last_seen,
                               photo=values["Profile"] or default.photo,
                               description=values["Status"] or default.description,
                               group_add=values["GroupAdd"] or default.group_add,
                               online=values["Online"] or default.online,
                               read_receipts=values["ReadReceipts"] or default.read_receipts,
                               messages_duration_s=self.default_expiration_s)

    async def set_privacy(self, setting: PrivacyName, value: str, add: list[str], remove: list[str]) -> None:
        from neonize.exc import SetPrivacySettingError
        from neonize.utils.enum import PrivacySettingType

        if add or remove:
            raise gap_error(NeonizeGap.PRIVACY_EXCEPTIONS_WRITE)

        def guarded() -> None:
            try:
                self.client.set_privacy_setting(PrivacySettingType(setting.value), _Wire(value))
            except (SetPrivacySettingError, UnicodeDecodeError) as exc:
                _privacy_answer(exc)

        await self._call(f"privacy {setting.value}", guarded)

    async def disallowed_contacts(self, setting: PrivacyName) -> list[str]:
        raise gap_error(NeonizeGap.PRIVACY_EXCEPTIONS_READ)

    async def set_default_expiration(self, seconds: int) -> None:
        await self._call("default expiration", self.client.set_default_disappearing_timer, seconds * 1_000_000_000)
        self.default_expiration_s = seconds

    # calls --------------------------------------------------------------------------------------------
    async def reject_call(self, caller: str, call_id: str) -> None:
        await self._call("reject call", self.client.reject_call, user_jid(caller), call_id)


def _setting_time() -> timedelta:
    """For ``set_disappearing_timer``'s ``setting_ts``: neonize sends ``int(time.time() + ts.total_seconds() * 1000)``
    as whatsmeow's setting time in ms (seconds plus milliseconds); this offset makes that the current time in ms,
    so phones do not take the change for an older one (a 0 would be 1970)."""
    now = time.time()
    return timedelta(seconds=(now * 1000 - now) / 1000)


def _privacy_answer(exc: BaseException) -> None:
    """neonize's ``set_privacy_setting`` reads the answer's bytes as an error text, so it raises on success too:
    parse those bytes (the exception's text, or the undecodable bytes) and raise only what WhatsApp refused."""
    from neonize.proto.Neonize_pb2 import SetPrivacySettingReturnFunction

    raw = exc.object if isinstance(exc, UnicodeDecodeError) else str(exc.args[0] if exc.args else "").encode()
    try:
        answer = SetPrivacySettingReturnFunction.FromString(bytes(raw))
    except Exception:
        raise exc from None
    if answer.Error:
        raise RuntimeError(answer.Error)
