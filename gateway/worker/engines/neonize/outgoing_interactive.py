"""Option lists and button messages → ``waE2E.Message`` (pure protobuf building).

What is sent, wrapped the way whatsmeow-based gateways send them today (asternic/wuzapi ``/chat/send/list``
and ``/chat/send/buttons``): the message inside ``viewOnceMessage`` (a ``FutureProofMessage``). whatsmeow adds
the ``<biz>`` stanza node these types need by itself, also through the ``viewOnceMessage`` wrapper
(``send.go``: ``getButtonTypeFromMessage`` → ``<biz><list v="2" type="single_select"/></biz>`` and
``<biz><buttons/></biz>``).

- OptionList → ``listMessage`` SINGLE_SELECT, one section (the list's title), one row per option
  (``rowID`` = the option id, which comes back in the ``listResponseMessage``).
- ButtonList (``send-button-list``, ``send-button-actions``) → ``buttonsMessage``: header EMPTY, TEXT (title),
  IMAGE or VIDEO (the uploaded file), ``contentText``, ``footerText``; REPLY buttons are RESPONSE buttons
  (``buttonID`` comes back in the ``buttonsResponseMessage``); URL and CALL buttons are NATIVE_FLOW buttons
  (``cta_url`` with ``url``/``merchant_url``, ``cta_call`` with ``phone_number``).

Not chosen: ``templateMessage`` hydrated buttons (whatsmeow adds no ``<biz>`` node for them; wuzapi keeps its
template endpoint commented out) and ``interactiveMessage``/``nativeFlowMessage`` (it needs a
``<biz><interactive type="native_flow">`` node that whatsmeow does not add and neonize 0.5.2 cannot pass:
``send_message`` exposes no additional nodes; tulir/whatsmeow#992 reports such messages never arrive).

Whether WhatsApp still renders them, as far as public sources say (UNVERIFIED here, no live account):
buttons and lists sent by non-official clients have been filtered server-side since 2022-2023 and shown only on
some clients (WhatsApp Web, sometimes iOS) or not at all (WhiskeySockets/Baileys#56, Auties00/Cobalt#278,
tulir/whatsmeow#238 and #305, raweee/node-red-contrib-whatsapp-link#28); later reports are mixed: lists and
buttons seen again on iOS and lists working for some gateways (WhiskeySockets/Baileys#443, Dec 2023), then
interactive buttons "patched" again (WhiskeySockets/Baileys#1173, Dec 2024). The messages are accepted by the
server and get an id either way, so the send succeeds; the partner should expect a recipient's phone to show
nothing or "this message is not supported".
"""

from __future__ import annotations

import json
from typing import Any

from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from gateway.core import content as c


def view_once(message: Any) -> Any:
    return E.Message(viewOnceMessage=E.FutureProofMessage(message=message))


def build_option_list(body: c.OptionList, context: Any) -> Any:
    rows = [E.ListMessage.Row(rowID=o.id, title=o.title, description=o.description) for o in body.options]
    listing = E.ListMessage(title=body.title, description=body.text, buttonText=body.button_label,
                            listType=E.ListMessage.ListType.SINGLE_SELECT,
                            sections=[E.ListMessage.Section(title=body.title, rows=rows)], contextInfo=context)
    return view_once(E.Message(listMessage=listing))


def _button(button: c.Button) -> Any:
    B = E.ButtonsMessage.Button
    text = B.ButtonText(displayText=button.label)
    if button.type == "URL":
        params = {"display_text": button.label, "url": button.url, "merchant_url": button.url}
        flow = B.NativeFlowInfo(name="cta_url", paramsJSON=json.dumps(params))
        return B(buttonID=button.id, buttonText=text, type=B.Type.NATIVE_FLOW, nativeFlowInfo=flow)
    if button.type == "CALL":
        params = {"display_text": button.label, "phone_number": f"+{button.phone}", "id": button.id}
        flow = B.NativeFlowInfo(name="cta_call", paramsJSON=json.dumps(params))
        return B(buttonID=button.id, buttonText=text, type=B.Type.NATIVE_FLOW, nativeFlowInfo=flow)
    return B(buttonID=button.id, buttonText=text, type=B.Type.RESPONSE)


def build_button_list(body: c.ButtonList, context: Any, upload: Any = None) -> Any:
    """``upload``: the header image or video, uploaded (None: a text or empty header)."""
    H = E.ButtonsMessage.HeaderType
    header: dict[str, Any] = {"headerType": H.TEXT, "text": body.title} if body.title else {"headerType": H.EMPTY}
    media = body.image or body.video
    if media is not None and upload is not None:
        fields = {"URL": upload.url, "directPath": upload.DirectPath, "mediaKey": upload.MediaKey,
                  "fileEncSHA256": upload.FileEncSHA256, "fileSHA256": upload.FileSHA256,
                  "fileLength": upload.FileLength, "mimetype": media.mime_type}
        if body.image is not None:
            header = {"headerType": H.IMAGE, "imageMessage": E.ImageMessage(**fields)}
        else:
            header = {"headerType": H.VIDEO, "videoMessage": E.VideoMessage(**fields)}
    buttons = E.ButtonsMessage(contentText=body.text, footerText=body.footer, contextInfo=context,
                               buttons=[_button(b) for b in body.buttons], **header)
    return view_once(E.Message(buttonsMessage=buttons))
