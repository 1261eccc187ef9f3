"""Every content the api can queue → the ``waE2E.Message`` the neonize engine sends (real neonize protobufs,
no FFI): the fields WhatsApp needs for each, read back from the built message."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.commands import Outgoing
from gateway.core.errors import EngineError
from gateway.core.phones import STATUS_BROADCAST
from gateway.worker.engines.neonize.outgoing import (
    STATUS_BACKGROUND_ARGB,
    Extras,
    LinkThumbnail,
    build_message,
)
from tests.support.neonize import ALICE, CAROL, GROUP, ME

A = f"{ALICE}@s.whatsapp.net"
G = f"{GROUP}@g.us"
CAROL_J = f"{CAROL}@s.whatsapp.net"
ME_J = f"{ME}@s.whatsapp.net"
OWN = frozenset({ME, "11111111111111"})
UPLOAD = N.UploadResponse(url="https://mmg.whatsapp.net/x", DirectPath="/v/t62/x", Handle="", MediaKey=b"k" * 32,
                          FileEncSHA256=b"e" * 32, FileSHA256=b"s" * 32, FileLength=1234)


def build(to: str, body: c.Content, **kw: Any) -> Any:
    extras = kw.pop("extras", Extras(own_users=OWN))
    msg = build_message(Outgoing(to, body, **kw), extras=extras)
    msg.SerializeToString()  # a real waE2E message: it serialises
    return msg


def test_text_plain_reply_mentions_and_group_quote() -> None:
    assert build(A, c.Text("hi")).conversation == "hi"
    reply = build(G, c.Text("re"), quoted_id="3EB0Q", quoted_participant=f"{CAROL}:3@s.whatsapp.net",
                  mentions=(A,)).extendedTextMessage
    ctx = reply.contextInfo
    assert (reply.text, ctx.stanzaID, ctx.participant, list(ctx.mentionedJID)) == ("re", "3EB0Q", CAROL_J, [A])
    assert not ctx.HasField("remoteJID")  # the quoted message is in the destination chat
    one_to_one = build(A, c.Text("re"), quoted_id="3EB0Q").extendedTextMessage.contextInfo
    assert one_to_one.stanzaID == "3EB0Q" and not one_to_one.HasField("participant")


def test_status_text_image_and_status_reply() -> None:
    status = build(STATUS_BROADCAST, c.Text("bom dia")).extendedTextMessage
    assert status.text == "bom dia" and status.backgroundArgb == STATUS_BACKGROUND_ARGB
    assert status.textArgb == 0xFFFFFFFF and status.HasField("font")
    image = build_message(Outgoing(STATUS_BROADCAST, c.Image(c.MediaRef(mime_type="image/jpeg"), caption="sol")),
                          UPLOAD)
    assert image.imageMessage.caption == "sol" and image.imageMessage.directPath == "/v/t62/x"
    reply = build(A, c.Text("lindo!"), quoted_id="3EB0STATUS", quoted_chat=STATUS_BROADCAST,
                  quoted_participant=A).extendedTextMessage.contextInfo
    assert (reply.stanzaID, reply.participant, reply.remoteJID) == ("3EB0STATUS", A, STATUS_BROADCAST)


def test_edit_is_a_message_edit_protocol_message() -> None:
    edit = build(A, c.Text("corrigido"), edit_id="3EB0ORIG")
    assert not edit.HasField("conversation") and edit.HasField("editedMessage")
    proto = edit.editedMessage.message.protocolMessage
    assert proto.type == E.ProtocolMessage.MESSAGE_EDIT
    assert (proto.key.remoteJID, proto.key.fromMe, proto.key.ID) == (A, True, "3EB0ORIG")
    assert proto.editedMessage.conversation == "corrigido" and proto.timestampMS > 0
    with pytest.raises(EngineError) as err:
        build(A, c.Location(1.0, 2.0), edit_id="3EB0ORIG")
    assert err.value.transient is False


def test_revoke_keys_own_admin_and_refused() -> None:
    own = build(A, c.Revoke("3EB0MINE")).protocolMessage
    assert own.type == E.ProtocolMessage.REVOKE
    assert (own.key.remoteJID, own.key.fromMe, own.key.ID, own.key.HasField("participant")) == (
        A, True, "3EB0MINE", False)
    admin = build(G, c.Revoke("3EB0HERS", from_me=False, sender=f"{CAROL}:2@s.whatsapp.net")).protocolMessage.key
    assert (admin.remoteJID, admin.fromMe, admin.ID, admin.participant) == (G, False, "3EB0HERS", CAROL_J)
    mine_named = build(G, c.Revoke("3EB0X", from_me=False, sender=ME_J)).protocolMessage.key
    assert mine_named.fromMe and not mine_named.HasField("participant")
    for to, body in ((A, c.Revoke("3EB0Y", from_me=False)), (G, c.Revoke("3EB0Y", from_me=False)),
                     (A, c.Revoke("3EB0Y", from_me=False, sender=A))):
        with pytest.raises(EngineError) as err:
            build(to, body)
        assert err.value.transient is False


def test_reaction_keys() -> None:
    theirs = build(G, c.Reaction("👍", "3EB0T", from_me=True, chat=G), quoted_participant=CAROL_J).reactionMessage
    assert (theirs.text, theirs.key.ID, theirs.key.fromMe, theirs.key.participant) == ("👍", "3EB0T", False, CAROL_J)
    assert theirs.key.remoteJID == G and theirs.senderTimestampMS > 0
    ours = build(G, c.Reaction("❤️", "3EB0M", participant=ME_J)).reactionMessage.key
    assert ours.fromMe and not ours.HasField("participant")
    private = build(A, c.Reaction("", "3EB0P", from_me=True, chat=A), quoted_participant=A).reactionMessage
    assert private.text == "" and not private.key.fromMe and not private.key.HasField("participant")
    plain = build(A, c.Reaction("👍", "3EB0Q", from_me=True, chat=A)).reactionMessage.key
    assert plain.fromMe and plain.remoteJID == A


def test_location_contact_and_contacts() -> None:
    loc = build(A, c.Location(-23.5, -46.6, name="Office", address="Av. Paulista")).locationMessage
    assert (loc.degreesLatitude, loc.degreesLongitude, loc.name, loc.address) == (-23.5, -46.6, "Office",
                                                                                 "Av. Paulista")
    vcard = "BEGIN:VCARD\nFN:Bob\nTEL;waid=5511977776666:+5511977776666\nEND:VCARD"
    one = build(A, c.Contact("Bob", vcard)).contactMessage
    assert (one.displayName, one.vcard) == ("Bob", vcard)
    many = build(A, c.Contacts("2 contacts", (c.Contact("Bob", vcard), c.Contact("Ana", "BEGIN:VCARD")))
                 ).contactsArrayMessage
    assert many.displayName == "2 contacts"
    assert [(x.displayName, x.vcard) for x in many.contacts] == [("Bob", vcard), ("Ana", "BEGIN:VCARD")]


def test_poll_options_count_and_secret() -> None:
    single = build(G, c.Poll("Almoço?", ("Sim", "Não", "Talvez"), max_options=1))
    poll = single.pollCreationMessage
    assert poll.name == "Almoço?" and [o.optionName for o in poll.options] == ["Sim", "Não", "Talvez"]
    assert poll.selectableOptionsCount == 1
    secret = single.messageContextInfo.messageSecret
    assert len(secret) == 32
    multi = build(G, c.Poll("Q", ("a", "b")))
    assert multi.pollCreationMessage.selectableOptionsCount == 0  # any number
    assert multi.messageContextInfo.messageSecret != secret  # a fresh secret per poll
    assert build(G, c.Poll("Q", ("a", "b"), max_options=5)).pollCreationMessage.selectableOptionsCount == 0
    quoted = build(G, c.Poll("Q", ("a", "b")), quoted_id="3EB0Q").pollCreationMessage.contextInfo
    assert quoted.stanzaID == "3EB0Q"


def test_poll_vote_is_what_whatsmeow_encrypted() -> None:
    vote = E.Message(pollUpdateMessage=E.PollUpdateMessage(vote=E.PollEncValue(encPayload=b"x", encIV=b"i" * 12)))
    assert build(A, c.PollVote("3EB0POLL", ("Sim",)), extras=Extras(poll_vote=vote)) is vote
    with pytest.raises(EngineError):
        build(A, c.PollVote("3EB0POLL", ("Sim",)))


def test_link_preview_fields_and_thumbnail() -> None:
    link = c.Link(text="veja https://x.io", url="https://x.io", title="X", description="desc",
                  image=c.MediaRef(mime_type="image/png", key="k"))
    thumb = LinkThumbnail(jpeg=b"\xff\xd8jpeg", width=96, height=50)
    ext = build(A, link, extras=Extras(thumbnail=thumb)).extendedTextMessage
    assert (ext.text, ext.matchedText, ext.title, ext.description) == ("veja https://x.io", "https://x.io", "X",
                                                                       "desc")
    assert ext.previewType == E.ExtendedTextMessage.PreviewType.NONE
    assert ext.JPEGThumbnail == b"\xff\xd8jpeg" and (ext.thumbnailWidth, ext.thumbnailHeight) == (96, 50)
    assert not ext.HasField("thumbnailDirectPath")
    large = build(A, link, extras=Extras(thumbnail=LinkThumbnail(b"\xff\xd8", 96, 50, upload=UPLOAD,
                                                                 upload_width=720, upload_height=378)))
    big = large.extendedTextMessage
    assert big.thumbnailDirectPath == "/v/t62/x" and big.mediaKey == b"k" * 32 and big.thumbnailSHA256 == b"s" * 32
    assert (big.thumbnailWidth, big.thumbnailHeight) == (720, 378) and big.mediaKeyTimestamp > 0
    bare = build(A, link).extendedTextMessage
    assert bare.matchedText == "https://x.io" and not bare.HasField("JPEGThumbnail")


def test_option_list_structure() -> None:
    body = c.OptionList(text="Escolha:", title="Planos", button_label="Abrir",
                        options=(c.ListOption("p1", "Ouro", "o melhor"), c.ListOption("p2", "Prata")))
    msg = build(A, body, quoted_id="3EB0Q")
    listing = msg.viewOnceMessage.message.listMessage
    assert listing.listType == E.ListMessage.ListType.SINGLE_SELECT
    assert (listing.title, listing.description, listing.buttonText) == ("Planos", "Escolha:", "Abrir")
    assert len(listing.sections) == 1 and listing.sections[0].title == "Planos"
    assert [(r.rowID, r.title, r.description) for r in listing.sections[0].rows] == [
        ("p1", "Ouro", "o melhor"), ("p2", "Prata", "")]
    assert listing.contextInfo.stanzaID == "3EB0Q"


def test_button_list_and_button_actions() -> None:
    B = E.ButtonsMessage.Button
    replies = c.ButtonList(text="Gostou?", buttons=(c.Button("1", "Sim"), c.Button("2", "Não")))
    msg = build(A, replies).viewOnceMessage.message.buttonsMessage
    assert msg.contentText == "Gostou?" and msg.headerType == E.ButtonsMessage.HeaderType.EMPTY
    assert [(b.buttonID, b.buttonText.displayText, b.type) for b in msg.buttons] == [
        ("1", "Sim", B.Type.RESPONSE), ("2", "Não", B.Type.RESPONSE)]
    actions = c.ButtonList(text="Fale conosco", title="Loja", footer="rodapé", buttons=(
        c.Button("a", "Site", type="URL", url="https://x.io"), c.Button("b", "Ligar", type="CALL", phone=CAROL),
        c.Button("c", "Ok")))
    act = build(A, actions).viewOnceMessage.message.buttonsMessage
    assert (act.headerType, act.text, act.footerText) == (E.ButtonsMessage.HeaderType.TEXT, "Loja", "rodapé")
    url, call, ok = act.buttons
    assert url.type == B.Type.NATIVE_FLOW and url.nativeFlowInfo.name == "cta_url"
    assert json.loads(url.nativeFlowInfo.paramsJSON)["url"] == "https://x.io"
    assert call.nativeFlowInfo.name == "cta_call"
    assert json.loads(call.nativeFlowInfo.paramsJSON)["phone_number"] == f"+{CAROL}"
    assert ok.type == B.Type.RESPONSE and ok.buttonID == "c"
    with_image = c.ButtonList(text="Veja", buttons=(c.Button("1", "Sim"),),
                              image=c.MediaRef(mime_type="image/jpeg", key="k"))
    header = build_message(Outgoing(A, with_image), UPLOAD).viewOnceMessage.message.buttonsMessage
    assert header.headerType == E.ButtonsMessage.HeaderType.IMAGE
    assert header.imageMessage.directPath == "/v/t62/x" and header.imageMessage.mimetype == "image/jpeg"


INBOUND_IMAGE = c.Image(c.MediaRef(mime_type="image/jpeg", file_length=4321, sha256_hex="01" * 32,
                                   direct_path="/v/t62.7118-24/abc", media_key_b64=base64.b64encode(b"m" * 32).decode(),
                                   enc_sha256_hex="02" * 32, thumbnail_b64=base64.b64encode(b"\xff\xd8t").decode(),
                                   url="https://our.store/x.jpg"), caption="foto", width=600, height=400)


def test_forward_reuses_whatsapp_media_and_marks_forwarded() -> None:
    fwd = build(A, c.Forward("3EB0ORIG", G, INBOUND_IMAGE)).imageMessage
    assert fwd.directPath == "/v/t62.7118-24/abc" and fwd.mediaKey == b"m" * 32
    assert fwd.fileSHA256 == b"\x01" * 32 and fwd.fileEncSHA256 == b"\x02" * 32 and fwd.fileLength == 4321
    assert fwd.JPEGThumbnail == b"\xff\xd8t" and fwd.caption == "foto" and (fwd.width, fwd.height) == (600, 400)
    assert not fwd.HasField("URL")  # never our own store's URL
    assert fwd.contextInfo.isForwarded and fwd.contextInfo.forwardingScore == 1
    text = build(A, c.Forward("3EB0T", A, c.Text("oi")), quoted_id="3EB0Q").extendedTextMessage
    assert text.text == "oi" and text.contextInfo.isForwarded and not text.contextInfo.HasField("stanzaID")
    link = build(A, c.Forward("3EB0L", A, c.Text("x https://a.b", title="A", url="https://a.b"))).extendedTextMessage
    assert (link.matchedText, link.title) == ("https://a.b", "A")
    ours = c.Image(c.MediaRef(mime_type="image/jpeg", key="I/out/a.jpg"))
    reuploaded = build_message(Outgoing(A, c.Forward("3EB0O", A, ours)), UPLOAD).imageMessage
    assert reuploaded.directPath == "/v/t62/x" and reuploaded.contextInfo.isForwarded
    with pytest.raises(EngineError, match="not uploaded"):
        build(A, c.Forward("3EB0O", A, ours))
    for original in (None, c.Reaction("👍", "3EB0X"), c.Revoke("3EB0X"), c.Unsupported("call")):
        with pytest.raises(EngineError) as err:
            build(A, c.Forward("3EB0X", A, original))
        assert err.value.transient is False


def test_every_queueable_content_builds() -> None:
    """No content the api queues reaches a "not supported" refusal (the ones needing the FFI get their extras)."""
    ref = c.MediaRef(mime_type="image/jpeg", key="k")
    vote = E.Message(pollUpdateMessage=E.PollUpdateMessage())
    queueable: list[c.Content] = [
        c.Text("t"), c.Image(ref), c.Audio(ref, ptt=True), c.Video(ref), c.Video(ref, is_gif=True), c.Ptv(ref),
        c.Document(ref, file_name="a.pdf"), c.Sticker(ref), c.Location(1, 2, name="n", address="a"),
        c.Contact("B", "v"), c.Contacts("1", (c.Contact("B", "v"),)), c.Reaction("👍", "X", from_me=True, chat=A),
        c.Poll("q", ("a", "b")), c.PollVote("P", ("a",)), c.Link("u https://u", "https://u", "t", "d", ref),
        c.OptionList("t", "T", "b", (c.ListOption("1", "o"),)), c.ButtonList("t", (c.Button("1", "b"),)),
        c.Forward("X", A, c.Text("t")), c.Revoke("X"),
    ]
    for body in queueable:
        msg = build_message(Outgoing(A, body), UPLOAD, extras=Extras(poll_vote=vote, own_users=OWN))
        assert msg.ListFields(), body
