"""Channels (newsletters) end to end on the sandbox: the Z-API routes, the worker, the simulated phone's channel
world in Postgres, and the webhooks a real receiver gets (posts with ``isNewsletter``, admin notifications,
the DeliveryCallback of a post)."""

from __future__ import annotations

import base64
import io

from PIL import Image

from tests.support.client import Client
from tests.support.stack import Stack

US, ANA, BIA = "5511999990000", "5511988881111", "5511988882222"


def _jpeg() -> str:
    out = io.BytesIO()
    Image.new("RGB", (640, 640), (20, 90, 200)).save(out, "JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()


async def test_a_channel_life_through_the_api(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)

    created = await c.call("POST", "create-newsletter", {"name": "Minha Loja", "description": "Novidades"},
                           status=201)
    channel = created["id"]
    assert channel.endswith("@newsletter") and channel[:-11].isdigit()

    listed = await c.call("GET", "newsletter")
    assert [n["id"] for n in listed] == [channel]
    meta = listed[0]
    assert meta["name"] == "Minha Loja" and meta["description"] == "Novidades" and meta["state"] == "ACTIVE"
    assert meta["viewMetadata"] == {"mute": "OFF", "role": "OWNER"} and meta["subscribersCount"] == "0"
    assert meta["inviteLink"].startswith("https://whatsapp.com/channel/") and meta["creationTime"].isdigit()

    assert await c.call("POST", "update-newsletter-name", {"id": channel, "name": "Loja Oficial"},
                        status=201) == {"value": True}
    await c.call("POST", "update-newsletter-description", {"id": channel, "description": "Promoções"}, status=201)
    await c.call("POST", "update-newsletter-picture", {"id": channel, "pictureUrl": _jpeg()}, status=201)
    await c.call("POST", f"newsletter/settings/{channel}", {"reactionCodes": "basic"})
    meta = await c.call("GET", f"newsletter/metadata/{channel}")
    assert meta["name"] == "Loja Oficial" and meta["description"] == "Promoções"
    assert meta["picture"].startswith("https://") and meta["reactionCodes"] == "basic"

    # a post to our own channel leaves like any send: queued, then the DeliveryCallback names the channel
    sent = await c.call("POST", "send-text", {"phone": channel, "message": "Promoção de hoje!"})
    await stack.receiver.wait_for(lambda: any(x.path == "/delivery" and x.json["zaapId"] == sent["zaapId"]
                                              for x in stack.receiver.unique()))
    delivery = next(x.json for x in stack.receiver.unique() if x.path == "/delivery")
    assert delivery["phone"] == channel and delivery["messageId"] and "error" not in delivery

    # followers come and go; the owner cannot unfollow
    r = await c.call("POST", "sandbox/newsletter-event", {"type": "follow", "newsletter": channel, "by": ANA})
    assert r == {"newsletterId": channel, "notifications": []}
    assert (await c.call("GET", f"newsletter/metadata/{channel}"))["subscribersCount"] == "1"
    refused = await c.call("PUT", "unfollow-newsletter", {"id": channel}, status=409)
    assert refused["error"] == "ENGINE_ERROR" and "owner" in refused["message"]

    # admins: invite Ana, she accepts, ownership moves to her, we stay a follower
    invite = await c.call("POST", "send-newsletter-admin-invite", {
        "phone": ANA, "adminInviteMessage": {"newsletterId": channel, "caption": "Seja admin"}})
    assert invite["messageId"] == invite["id"] and invite["zaapId"]
    await c.call("POST", f"newsletter/revoke-admin-invite/{channel}", {"phone": ANA}, status=201)
    await c.call("POST", f"newsletter/revoke-admin-invite/{channel}", {"phone": ANA}, status=409)
    await c.call("POST", "send-newsletter-admin-invite",
                 {"phone": ANA, "adminInviteMessage": {"newsletterId": channel}})
    await c.call("POST", "sandbox/newsletter-event", {"type": "acceptInvite", "newsletter": channel, "by": ANA})
    await c.call("POST", f"newsletter/transfer-ownership/{channel}", {"phone": BIA}, status=409)  # not an admin
    await c.call("POST", f"newsletter/transfer-ownership/{channel}", {"phone": ANA, "quitAdmin": True})
    meta = await c.call("GET", f"newsletter/metadata/{channel}")
    assert meta["viewMetadata"]["role"] == "SUBSCRIBER"

    # now only a follower: no settings, no posts (the send ends FAILED with a DeliveryCallback saying why)
    refused = await c.call("POST", "update-newsletter-name", {"id": channel, "name": "x"}, status=403)
    assert refused["error"] == "NOT_NEWSLETTER_ADMIN"
    await c.call("POST", f"newsletter/settings/{channel}", {"reactionCodes": "all"}, status=403)
    await c.call("DELETE", "delete-newsletter", {"id": channel}, status=403)
    failed = await c.call("POST", "send-text", {"phone": channel, "message": "ainda posso?"})
    await stack.receiver.wait_for(lambda: any(x.path == "/delivery" and x.json["zaapId"] == failed["zaapId"]
                                              for x in stack.receiver.unique()))
    bounced = next(x.json for x in stack.receiver.unique() if x.path == "/delivery"
                   and x.json["zaapId"] == failed["zaapId"])
    assert "admins" in bounced["error"]

    await c.call("PUT", "mute-newsletter", {"id": channel})
    assert (await c.call("GET", "newsletter"))[0]["viewMetadata"] == {"mute": "ON", "role": "SUBSCRIBER"}
    await c.call("PUT", "unmute-newsletter", {"id": channel})
    await c.call("PUT", "unfollow-newsletter", {"id": channel})
    assert await c.call("GET", "newsletter") == []
    assert (await c.call("GET", f"newsletter/metadata/{channel}"))["viewMetadata"]["role"] == "GUEST"


async def test_delete_and_not_found(stack: Stack) -> None:
    c = Client(stack, await stack.paired(US))
    channel = (await c.call("POST", "create-newsletter", {"name": "Efêmero"}, status=201))["id"]
    assert await c.call("DELETE", "delete-newsletter", {"id": channel}) == {"value": True}
    gone = await c.call("GET", f"newsletter/metadata/{channel}", status=404)
    assert gone["error"] == "NEWSLETTER_NOT_FOUND"
    assert await c.call("GET", "newsletter") == []
    await c.call("PUT", "follow-newsletter", {"id": "120363000000000001@newsletter"}, status=404)
    bad = await c.call("POST", "update-newsletter-name", {"id": "not-a-channel", "name": "x"}, status=400)
    assert bad["field"] == "id"
    bad = await c.call("POST", "create-newsletter", {"name": "n" * 101}, status=400)
    assert bad["field"] == "name"
    bad = await c.call("POST", f"newsletter/settings/{channel}", {"reactionCodes": "some"}, status=400)
    assert bad["field"] == "reactionCodes"


async def test_search_follow_and_posts_reach_the_webhook(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    found = await c.call("POST", "search-newsletter", {"limit": 10, "view": "TRENDING",
                                                       "filters": {"countryCodes": ["BR"]}, "searchText": "sandbox"})
    assert found["cursor"] is None and [n["name"] for n in found["data"]] == ["Sandbox Notícias",
                                                                                "Receitas do Sandbox"]
    news = found["data"][0]["id"]
    assert int(found["data"][0]["subscribersCount"]) > int(found["data"][1]["subscribersCount"])

    # someone else's new channel is found too
    made = await c.call("POST", "sandbox/newsletter-event", {"type": "create", "by": ANA, "name": "Clube do Livro",
                                                            "country": "PT"})
    found = await c.call("POST", "search-newsletter", {"limit": 5, "filters": {"countryCodes": ["PT"]}})
    assert [n["id"] for n in found["data"]] == [made["newsletterId"]]

    # a post of a channel we do not follow does not reach us; once we follow, it does
    post = {"type": "post", "newsletter": news, "content": {"type": "text", "message": "Bom dia!"}}
    await c.call("POST", "sandbox/newsletter-event", post, status=400)
    await c.call("PUT", "follow-newsletter", {"id": news})
    assert [(n["id"], n["viewMetadata"]["role"]) for n in await c.call("GET", "newsletter")] == [(news, "SUBSCRIBER")]
    said = await c.call("POST", "sandbox/newsletter-event", post)
    await stack.receiver.wait_for(lambda: any(x.json.get("messageId") == said["messageId"]
                                              for x in stack.receiver.unique()))
    hook = next(x for x in stack.receiver.unique() if x.json.get("messageId") == said["messageId"])
    message = hook.json
    assert hook.path == "/received" and message["type"] == "ReceivedCallback"
    assert message["isNewsletter"] is True and message["isGroup"] is False and message["phone"] == news
    assert message["chatName"] == "Sandbox Notícias" and message["senderName"] == ""
    assert message["participantPhone"] is None and message["fromMe"] is False
    assert message["text"] == {"message": "Bom dia!"}

    # we cannot post in it (not an admin); the owner can make us one, and we are told
    await c.call("POST", f"newsletter/settings/{news}", {"reactionCodes": "basic"}, status=403)
    owner = "5511900000101"
    r = await c.call("POST", "sandbox/newsletter-event", {"type": "promote", "newsletter": news, "by": owner})
    (promoted,) = r["notifications"]
    r = await c.call("POST", "sandbox/newsletter-event", {"type": "demote", "newsletter": news, "by": owner})
    (demoted,) = r["notifications"]
    await stack.receiver.wait_for(lambda: {promoted, demoted} <= {x.json.get("messageId")
                                                                  for x in stack.receiver.unique()})
    by_id = {x.json["messageId"]: x.json for x in stack.receiver.unique() if x.json.get("messageId")}
    up, down = by_id[promoted], by_id[demoted]
    assert up["notification"] == "NEWSLETTER_ADMIN_PROMOTE" and up["notificationParameters"] == [US, "ADMIN"]
    assert down["notification"] == "NEWSLETTER_ADMIN_DEMOTE" and down["notificationParameters"] == [US, "SUBSCRIBER"]
    assert up["phone"] == news and up["chatName"] == "Sandbox Notícias" and up["participantPhone"] == US

    # an admin invite from the owner, accepted through the API
    await c.call("POST", f"newsletter/accept-admin-invite/{news}", status=409)  # none pending
    r = await c.call("POST", "sandbox/newsletter-event", {"type": "adminInvite", "newsletter": news, "by": owner})
    assert r["inviteExpiration"] > 0
    await c.call("POST", f"newsletter/accept-admin-invite/{news}", status=201)
    meta = await c.call("GET", f"newsletter/metadata/{news}")
    assert meta["viewMetadata"]["role"] == "ADMIN"
    await c.call("POST", f"newsletter/settings/{news}", {"reactionCodes": "basic"})


async def test_the_channel_world_survives_a_new_engine(stack: Stack) -> None:
    """The state is in Postgres: another worker (here: a restarted engine) finds the channels as they were."""
    inst = await stack.paired(US)
    c = Client(stack, inst)
    channel = (await c.call("POST", "create-newsletter", {"name": "Persistente"}, status=201))["id"]
    await c.call("POST", "sandbox/newsletter-event", {"type": "follow", "newsletter": channel, "by": BIA})
    rows = await stack.worker.store.db.pool.fetch(
        "SELECT jid FROM sandbox_newsletters WHERE instance_id = $1", inst["id"])
    assert channel in {r["jid"] for r in rows}
    await c.call("GET", "restart")
    await stack.receiver.wait_for(lambda: sum(x.path == "/connected" for x in stack.receiver.unique()) >= 2)
    meta = await c.call("GET", f"newsletter/metadata/{channel}")
    assert meta["name"] == "Persistente" and meta["subscribersCount"] == "1"
