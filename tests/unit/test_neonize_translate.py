"""neonize protobufs built by hand → our events, for every content type and lifecycle event."""

from __future__ import annotations

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c
from gateway.core.events import PresenceState, ReceiptStatus
from gateway.worker.engines.neonize import translate
from tests.support.neonize import ALICE, CONTENT, EMPTY, GROUP, ME, jid, message_ev, src


def _content(kind: str) -> c.Content:
    ev = translate.message(message_ev(CONTENT[kind]))
    assert ev is not None
    return ev.content


def test_envelope_fields() -> None:
    ev = translate.message(message_ev(CONTENT["extended_text"], msg_id="3EB0X1"))
    assert ev is not None
    assert ev.message_id == "3EB0X1" and ev.timestamp_ms == 1700000000000
    assert ev.chat.phone == ALICE and ev.sender.phone == ALICE and ev.push_name == "Alice"
    assert (ev.quoted_id, ev.forwarded, ev.ephemeral_s, ev.is_group) == ("3EB0QUOTED", True, 604800, False)
    seconds = translate.message(message_ev(CONTENT["text"], ts=1700000000))
    assert seconds is not None and seconds.timestamp_ms == 1700000000000


def test_every_content_type() -> None:
    assert _content("text") == c.Text("hello")
    ext = _content("extended_text")
    assert isinstance(ext, c.Text) and (ext.text, ext.title, ext.description, ext.url) == (
        "see https://x.io", "X", "desc", "https://x.io")
    img = _content("image")
    assert isinstance(img, c.Image) and (img.caption, img.width, img.height) == ("pic", 600, 315)
    assert img.media.mime_type == "image/jpeg" and img.media.sha256_hex == "01" * 32
    assert img.media.file_length == 1234 and img.media.thumbnail_b64 == "/9g="
    aud = _content("audio")
    assert isinstance(aud, c.Audio) and aud.ptt and aud.seconds == 10
    vid = _content("video")
    assert isinstance(vid, c.Video) and vid.is_gif and (vid.seconds, vid.caption) == (7, "vid")
    ptv = _content("ptv")
    assert isinstance(ptv, c.Ptv) and ptv.seconds == 4
    doc = _content("document")
    assert isinstance(doc, c.Document) and (doc.file_name, doc.title, doc.page_count, doc.caption) == (
        "r.pdf", "Report", 3, "cap")
    st = _content("sticker")
    assert isinstance(st, c.Sticker) and st.is_animated and st.media.mime_type == "image/webp"
    assert _content("location") == c.Location(-23.5, -46.6, name="Office", address="Av. Paulista", url="https://m")
    assert _content("live_location") == c.LiveLocation(-23.5, -46.6, caption="here", sequence=3)
    contact = _content("contact")
    assert isinstance(contact, c.Contact) and contact.phones == ("5511977776666",)
    many = _content("contacts")
    assert isinstance(many, c.Contacts) and [x.phones for x in many.contacts] == [("5511977776666",),
                                                                                  ("5511966665555",)]
    reaction = _content("reaction")
    assert reaction == c.Reaction("👍", "3EB0MINE", from_me=True, chat=f"{ALICE}@s.whatsapp.net",
                                  time_ms=1700000000123)
    assert _content("poll") == c.Poll("Lunch?", ("Yes", "No"), max_options=1)
    assert _content("poll_vote") == c.PollVote("3EB0POLL")
    assert _content("buttons_response") == c.ButtonsResponse("b1", "Great")
    assert _content("list_response") == c.ListResponse("row-1", "Plans", "Gold")


def test_group_lid_from_me_edit_view_once() -> None:
    group = translate.message(message_ev(CONTENT["text"], chat=jid(GROUP, "g.us"), sender=jid("81896604192873", "lid"),
                                         sender_alt=jid(ALICE)))
    assert group is not None and group.is_group and group.chat.jid == f"{GROUP}@g.us"
    assert group.sender.lid == "81896604192873@lid" and group.sender.phone == ALICE
    mine = translate.message(message_ev(CONTENT["text"], chat=jid(ALICE), sender=jid(ME), from_me=True))
    assert mine is not None and mine.from_me and mine.chat.phone == ALICE
    edit = E.Message(protocolMessage=E.ProtocolMessage(
        type=E.ProtocolMessage.MESSAGE_EDIT, key=__import__("neonize.proto.waCommon.WACommon_pb2",
                                                              fromlist=["MessageKey"]).MessageKey(ID="3EB0ORIG"),
        editedMessage=E.Message(conversation="fixed")))
    edited = translate.message(message_ev(edit))
    assert edited is not None and edited.is_edit and edited.edited_id == "3EB0ORIG"
    assert edited.content == c.Text("fixed")
    once = translate.message(message_ev(CONTENT["image"], IsViewOnce=True))
    assert once is not None and once.view_once
    noise = E.Message(senderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g"))
    assert translate.message(message_ev(noise)) is None
    both = E.Message(senderKeyDistributionMessage=E.SenderKeyDistributionMessage(groupID="g"),
                     imageMessage=E.ImageMessage(caption="real"))
    picked = translate.message(message_ev(both))
    assert picked is not None and isinstance(picked.content, c.Image)


def test_receipts_presence_and_lifecycle() -> None:
    a = jid(ALICE)
    read = translate.receipt(N.Receipt(MessageSource=src(a, a), MessageIDs=["3EB0MINE"], Timestamp=1700000000,
                                       Type=N.Receipt.READ))
    assert read is not None and read.status is ReceiptStatus.READ and read.message_ids == ("3EB0MINE",)
    assert read.timestamp_ms == 1700000000000 and read.chat.phone == ALICE
    delivered = translate.receipt(N.Receipt(MessageSource=src(jid(GROUP, "g.us"), jid(ALICE, device=3)),
                                            MessageIDs=["a", "b"], Timestamp=1, Type=N.Receipt.DELIVERED))
    assert delivered is not None and delivered.status is ReceiptStatus.RECEIVED and delivered.is_group
    assert delivered.participant is not None and delivered.participant.phone == ALICE and delivered.device == 3
    assert translate.receipt(N.Receipt(MessageSource=src(a, a), MessageIDs=["x"], Timestamp=1,
                                       Type=N.Receipt.PLAYED)).status is ReceiptStatus.PLAYED  # type: ignore[union-attr]
    assert translate.receipt(N.Receipt(MessageSource=src(a, a), MessageIDs=["x"], Timestamp=1,
                                       Type=N.Receipt.READ_SELF)).status is ReceiptStatus.READ_BY_ME  # type: ignore[union-attr]
    assert translate.receipt(N.Receipt(MessageSource=src(a, a), MessageIDs=["x"], Timestamp=1,
                                       Type=N.Receipt.RETRY)) is None
    typing_ = translate.chat_presence(N.ChatPresence(MessageSource=src(a, a), State=N.ChatPresence.COMPOSING,
                                                     Media=N.ChatPresence.TEXT))
    assert typing_.state is PresenceState.COMPOSING and typing_.chat.phone == ALICE
    recording = translate.chat_presence(N.ChatPresence(MessageSource=src(a, a), State=N.ChatPresence.COMPOSING,
                                                       Media=N.ChatPresence.AUDIO))
    assert recording.state is PresenceState.RECORDING
    assert translate.presence(N.Presence(From=a, Unavailable=True, LastSeen=0)).state is PresenceState.UNAVAILABLE
    paired = translate.pair_status(N.PairStatus(ID=jid(ME, device=7), BusinessName="Shop", Platform="android",
                                                Status=N.PairStatus.SUCCESS, Error=""))
    assert paired is not None and paired.device_jid == f"{ME}:7@s.whatsapp.net" and paired.phone == ME
    assert translate.pair_status(N.PairStatus(ID=EMPTY, Status=N.PairStatus.ERROR)) is None
    out = translate.logged_out(N.LoggedOut(OnConnect=True, Reason=N.ConnectFailureReason.Value("LOGGED_OUT")))
    assert out.reason.startswith("LOGGED_OUT")
    ban = translate.temporary_ban(N.TemporaryBan(Code=N.TemporaryBan.TempBanReason.Value("SEND_TO_TOO_MANY_PEOPLE"),
                                                 Expire=3600))
    assert ban.code == "SEND_TO_TOO_MANY_PEOPLE" and ban.expires_s == 3600
    restored = translate.device_jid_proto(f"{ME}:7@s.whatsapp.net")
    assert (restored.User, restored.Device, restored.Server) == (ME, 7, "s.whatsapp.net")


def test_outgoing_messages_built_for_neonize() -> None:
    import pytest

    from gateway.core.commands import Outgoing
    from gateway.core.errors import EngineError
    from gateway.worker.engines.neonize.outgoing import build_message

    to = f"{ALICE}@s.whatsapp.net"
    plain = build_message(Outgoing(to, c.Text("hi")))
    assert plain.conversation == "hi"
    reply = build_message(Outgoing(to, c.Text("re"), quoted_id="3EB0Q", mentions=(f"{ME}@s.whatsapp.net",)))
    assert reply.extendedTextMessage.text == "re" and reply.extendedTextMessage.contextInfo.stanzaID == "3EB0Q"
    assert list(reply.extendedTextMessage.contextInfo.mentionedJID) == [f"{ME}@s.whatsapp.net"]
    loc = build_message(Outgoing(to, c.Location(-23.5, -46.6, name="Office")))
    assert loc.locationMessage.degreesLatitude == -23.5 and loc.locationMessage.name == "Office"
    react = build_message(Outgoing(to, c.Reaction("👍", "3EB0X")))
    assert react.reactionMessage.text == "👍" and react.reactionMessage.key.ID == "3EB0X"
    poll = build_message(Outgoing(to, c.Poll("q", ("a", "b"))))  # every send type builds (test_neonize_outgoing)
    assert [o.optionName for o in poll.pollCreationMessage.options] == ["a", "b"]
    with pytest.raises(EngineError) as err:
        build_message(Outgoing(to, c.Forward("3EB0X", to, None)))  # what cannot be sent says why, for good
    assert err.value.transient is False


def test_media_messages_built_from_an_upload() -> None:
    from neonize.proto import Neonize_pb2 as N

    from gateway.core.commands import Outgoing
    from gateway.worker.engines.neonize.outgoing import build_message

    upload = N.UploadResponse(url="https://mmg/x", DirectPath="/v/t62/x", Handle="", MediaKey=b"k" * 32,
                              FileEncSHA256=b"e" * 32, FileSHA256=b"s" * 32, FileLength=1234)
    to = f"{ALICE}@s.whatsapp.net"
    ref = c.MediaRef(mime_type="image/jpeg", key="I/out/a.jpg")
    img = build_message(Outgoing(to, c.Image(ref, caption="pic"), quoted_id="3EB0Q"), upload)
    assert img.imageMessage.caption == "pic" and img.imageMessage.directPath == "/v/t62/x"
    assert img.imageMessage.mediaKey == b"k" * 32 and img.imageMessage.fileLength == 1234
    assert img.imageMessage.contextInfo.stanzaID == "3EB0Q"
    ptt = build_message(Outgoing(to, c.Audio(c.MediaRef(mime_type="audio/ogg"), ptt=True)), upload)
    assert ptt.audioMessage.PTT and ptt.audioMessage.mimetype == "audio/ogg; codecs=opus"
    gif = build_message(Outgoing(to, c.Video(c.MediaRef(mime_type="video/mp4"), is_gif=True)), upload)
    assert gif.videoMessage.gifPlayback
    note = build_message(Outgoing(to, c.Ptv(c.MediaRef(mime_type="video/mp4"))), upload)
    assert note.HasField("ptvMessage")
    doc = build_message(Outgoing(to, c.Document(c.MediaRef(mime_type="application/pdf"), file_name="r.pdf")), upload)
    assert doc.documentMessage.fileName == "r.pdf" and doc.documentMessage.mimetype == "application/pdf"
    sticker = build_message(Outgoing(to, c.Sticker(c.MediaRef(mime_type="image/webp"))), upload)
    assert sticker.stickerMessage.mimetype == "image/webp"
