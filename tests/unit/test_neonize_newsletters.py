"""Channels (newsletters) on the neonize engine: ``NewsletterMetadata`` protobufs built by hand, the exact neonize
calls each wired method makes (client methods replaced by recorders), the 501s for what neonize 0.5.2 lacks
(nothing reaches the client), a channel's post translated and shaped as Z-API's webhook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError, NewsletterNotFound, NotConnected, Unsupported
from gateway.core.events import Envelope
from gateway.core.newsletters import NewsletterRole, NewsletterSearch
from gateway.worker.engines.neonize import translate
from gateway.worker.engines.neonize.engine import NeonizeEngine
from gateway.worker.engines.neonize.newsletters import newsletter_info
from tests.support.neonize import ME, jid, message_ev
from tests.support.neonize_engine import offline_engine

CHANNEL = "120363166555745933"
CJID = f"{CHANNEL}@newsletter"


def metadata(name: str = "Minha Loja", role: int = 4, mute: int = 2, viewer: bool = True) -> Any:
    thread = N.NewsletterThreadMetadata(
        CreationTime=1695643504, InviteCode="0029Va5Xk71a", Name=N.NewsletterText(Text=name, ID="1", UpdateTime=1),
        Description=N.NewsletterText(Text="Novidades", ID="2", UpdateTime=1), SubscriberCount=123,
        VerificationState=N.NewsletterThreadMetadata.VERIFIED,
        Picture=N.ProfilePictureInfo(URL="https://mmg.whatsapp.net/pic.jpg", ID="9", Type="image", DirectPath="/p"),
        Settings=N.NewsletterSetting(ReactionCodes=N.NewsletterReactionSettings(
            Value=N.NewsletterReactionSettings.BASIC)))
    meta = N.NewsletterMetadata(ID=jid(CHANNEL, "newsletter"), State=N.WrappedNewsletterState(
        Type=N.WrappedNewsletterState.ACTIVE), ThreadMeta=thread)
    if viewer:
        meta.ViewerMeta.CopyFrom(N.NewsletterViewerMetadata(Mute=mute, Role=role))
    return meta


def test_metadata_becomes_our_channel() -> None:
    info = newsletter_info(metadata())
    assert info.jid == CJID and info.name == "Minha Loja" and info.description == "Novidades"
    assert info.created_s == 1695643504 and info.subscribers == 123 and info.verified
    assert info.invite_link == "https://whatsapp.com/channel/0029Va5Xk71a" and info.reaction_codes == "basic"
    assert info.picture_url == info.preview_url == "https://mmg.whatsapp.net/pic.jpg"
    assert info.role is NewsletterRole.OWNER and not info.muted
    followed = newsletter_info(metadata(role=1, mute=1))
    assert followed.role is NewsletterRole.SUBSCRIBER and followed.muted
    assert newsletter_info(metadata(viewer=False)).role is NewsletterRole.GUEST


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    yield offline_engine("NZNL")


Calls = list[tuple[str, tuple[Any, ...]]]


def record(engine: NeonizeEngine, calls: Calls, **results: Any) -> Calls:
    for method, result in results.items():
        def fake(*args: Any, _m: str = method, _r: Any = result) -> Any:
            calls.append((_m, args))
            if isinstance(_r, BaseException):
                raise _r
            return _r

        setattr(engine.client, method, fake)
    return calls


async def test_the_wired_calls_reach_neonize(engine: NeonizeEngine) -> None:
    calls = record(engine, [], get_subscribed_newletters=[metadata(role=1)], get_newsletter_info=metadata(),
                   create_newsletter=metadata(name="Nova"), follow_newsletter=None, unfollow_newsletter=None,
                   newsletter_toggle_mute=None)
    assert [n.role for n in await engine.list_newsletters()] == [NewsletterRole.SUBSCRIBER]
    assert (await engine.newsletter_info(CJID)).name == "Minha Loja"
    assert (await engine.create_newsletter("Nova", "sobre")).name == "Nova"
    await engine.follow_newsletter(CJID, True)
    await engine.follow_newsletter(CJID, False)
    await engine.mute_newsletter(CJID, True)
    names = [(m, args[0].User if args and hasattr(args[0], "User") else args) for m, args in calls]
    assert names == [("get_subscribed_newletters", ()), ("get_newsletter_info", CHANNEL),
                     ("create_newsletter", ("Nova", "sobre", b"")), ("follow_newsletter", CHANNEL),
                     ("unfollow_newsletter", CHANNEL), ("newsletter_toggle_mute", CHANNEL)]
    assert calls[-1][1][1] is True and calls[1][1][0].Server == "newsletter"


async def test_whatsmeow_errors_are_ours(engine: NeonizeEngine) -> None:
    record(engine, [], get_newsletter_info=RuntimeError("failed to get newsletter info: item-not-found"),
           follow_newsletter=RuntimeError("unexpected status 500"))
    with pytest.raises(NewsletterNotFound):
        await engine.newsletter_info(CJID)
    with pytest.raises(EngineError) as refused:
        await engine.follow_newsletter(CJID, True)
    assert refused.value.http_status() == 409
    engine.connected = False
    with pytest.raises(NotConnected):
        await engine.list_newsletters()


async def test_what_neonize_lacks_is_a_501_and_nothing_is_called(engine: NeonizeEngine) -> None:
    calls = record(engine, [], send_message=None)
    lacking = [engine.set_newsletter_name(CJID, "x"), engine.set_newsletter_description(CJID, "x"),
               engine.set_newsletter_picture(CJID, b"\xff\xd8\xff"), engine.delete_newsletter(CJID),
               engine.search_newsletters(NewsletterSearch(limit=5)), engine.set_newsletter_reactions(CJID, "all"),
               engine.send_newsletter_admin_invite(CJID, "5511988881111", ""),
               engine.accept_newsletter_admin_invite(CJID),
               engine.revoke_newsletter_admin_invite(CJID, "5511988881111"),
               engine.remove_newsletter_admin(CJID, "5511988881111"),
               engine.transfer_newsletter_ownership(CJID, "5511988881111", False)]
    for call in lacking:
        with pytest.raises(Unsupported) as gap:
            await call
        assert gap.value.http_status() == 501 and "neonize 0.5.2" in gap.value.message
    image = c.Image(media=c.MediaRef(mime_type="image/jpeg", key="k"))
    with pytest.raises(Unsupported, match="channel"):
        await engine.send(Outgoing(to=CJID, content=image, zaap_id="Z1"))
    assert calls == []


def test_a_post_is_a_newsletter_message_with_the_channel_name() -> None:
    channel = jid(CHANNEL, "newsletter")
    ev = message_ev(E.Message(conversation="Bom dia!"), chat=channel, sender=channel, msg_id="3EB0CHAN01")
    ev.Info.Pushname = ""
    message = translate.message(ev)
    assert message is not None and message.is_newsletter and message.chat.jid == CJID and not message.is_group
    env = Envelope(instance_id="I1", seq=1, event_id="e1", at_ms=1, event=message)
    ((hook, payload),) = transform(env, Context("I1", ME, notify_sent_by_me=False))
    assert hook is Hook.RECEIVED and payload["isNewsletter"] is True and payload["phone"] == CJID
    assert payload["chatName"] is None and payload["senderName"] == "" and payload["participantPhone"] is None


async def test_a_post_carries_the_name_the_session_read(engine: NeonizeEngine) -> None:
    record(engine, [], get_newsletter_info=metadata(name="Canal X"))
    await engine.newsletter_info(CJID)
    channel = jid(CHANNEL, "newsletter")
    event = engine._on_message(message_ev(E.Message(conversation="oi"), chat=channel, sender=channel))
    assert event is not None and getattr(event, "chat_name", None) == "Canal X"
