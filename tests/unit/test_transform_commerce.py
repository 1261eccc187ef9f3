"""Commerce messages: neonize protobufs built by hand → our content → Z-API webhook objects (``product``,
``order``, ``requestPayment``, ``sendPayment``), our sent orders as ``reviewAndPay``/``reviewOrder``, the codec
round trip of a queued order, and what the neonize engine builds (or refuses) to send them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E

from dispatch.transform import Context, Hook, transform
from gateway.core import content as c
from gateway.core import content_commerce as cc
from gateway.core.commands import Outgoing
from gateway.core.errors import Unsupported
from gateway.core.events import Address, Envelope, MessageReceived, dumps, loads
from gateway.worker.engines.neonize import translate
from gateway.worker.engines.neonize.outgoing import build_message
from tests.support.neonize import ALICE, message_ev

IID = "A20DA9C0183A2D35A260F53F5D2B9244"
CTX = Context(instance_id=IID, connected_phone="5521900000000", notify_sent_by_me=True)
SHOP = "5544999999999"
SUMMARY = cc.OrderSummary(reference_id="4N9AVI38VOB", order_request_id="4N9AVI38VYZ", currency="BRL", items=(
    cc.OrderItem("order 1", 2, 150_000, "custom-item-4N9AVI38WI1", custom=True),
    cc.OrderItem("order 2", 2, 150_000, "23940797548900636", retailer_id="23940797548900636")),
    discount1000=10_000, tax1000=10_000, shipping1000=5_000)


def _webhook(content: Any) -> dict[str, Any]:
    ev = MessageReceived(message_id="3EB0XX01", chat=Address(f"{ALICE}@s.whatsapp.net", ALICE),
                         sender=Address(f"{ALICE}@s.whatsapp.net", ALICE), from_me=False, is_group=False,
                         timestamp_ms=1757390000001, content=content, push_name="Alice")
    ((hook, payload),) = transform(Envelope(instance_id=IID, seq=1, event_id="e1", at_ms=1, event=ev), CTX)
    assert hook is Hook.RECEIVED and payload["type"] == "ReceivedCallback"
    return payload


def _translated(message: Any) -> Any:
    ev = translate.message(message_ev(message))
    assert ev is not None
    return ev.content


def test_a_product_from_a_phone() -> None:
    snapshot = E.ProductMessage.ProductSnapshot(
        productID="99999999999999999999", title="name", description="", currencyCode="BRL", priceAmount1000=1000,
        retailerID="R1", URL="https://shop/x", productImageCount=1, firstImageID="img1",
        productImage=E.ImageMessage(mimetype="image/jpeg", directPath="/v/t62/x"))
    content = _translated(E.Message(productMessage=E.ProductMessage(
        product=snapshot, businessOwnerJID=f"{SHOP}@s.whatsapp.net")))
    assert isinstance(content, cc.Product)
    assert _webhook(content)["product"] == {
        "productImage": None, "businessOwnerJid": SHOP, "currencyCode": "BRL", "productId": "99999999999999999999",
        "description": "", "productImageCount": 1, "price": 1, "url": "https://shop/x", "retailerId": "R1",
        "firstImageId": "img1", "title": "name"}


def test_a_cart_carries_what_its_message_holds() -> None:
    content = _translated(E.Message(orderMessage=E.OrderMessage(
        orderID="422508169684569", itemCount=1, message="", orderTitle="name", sellerJID=f"{SHOP}@s.whatsapp.net",
        token="AR5d4yUr+DmSzeCR2kUtPEeMfS+eG0O+S/T/17B+oY1mfA==", totalAmount1000=2_000_000,
        totalCurrencyCode="BRL", thumbnail=b"\xff\xd8")))
    assert _webhook(content)["order"] == {
        "itemCount": 1, "orderId": "422508169684569", "message": "", "orderTitle": "name", "sellerJid": SHOP,
        "thumbnailUrl": None, "token": "AR5d4yUr+DmSzeCR2kUtPEeMfS+eG0O+S/T/17B+oY1mfA==", "currency": "BRL",
        "total": 2000, "subTotal": None, "products": []}


def test_payment_requests_and_payments() -> None:
    request = _translated(E.Message(requestPaymentMessage=E.RequestPaymentMessage(
        currencyCodeIso4217="BRL", amount1000=1000, requestFrom=f"{ALICE}@s.whatsapp.net",
        expiryTimestamp=1632834482)))
    assert _webhook(request)["requestPayment"] == {
        "value": 1, "currencyCode": "BRL", "expiration": 1632834482000, "requestPhone": ALICE,
        "paymentInfo": {"receiverPhone": ALICE, "value": 1, "currencyCode": "BRL", "status": "WAITING",
                        "transactionStatus": "COLLECT_SUCCESS"}}
    money = _translated(E.Message(requestPaymentMessage=E.RequestPaymentMessage(
        requestFrom=f"{ALICE}@s.whatsapp.net", amount=E.Money(value=1250, offset=100, currencyCode="USD"))))
    assert isinstance(money, cc.PaymentRequest) and (money.value1000, money.currency) == (12_500, "USD")
    assert _webhook(money)["requestPayment"]["value"] == 12.5
    paid = _translated(E.Message(sendPaymentMessage=E.SendPaymentMessage(transactionData="t")))
    assert _webhook(paid)["sendPayment"] == {"paymentInfo": {
        "receiverPhone": None, "value": None, "currencyCode": None, "status": "COMPLETE",
        "transactionStatus": "SUCCESS"}}


def test_orders_we_sent_show_what_an_update_needs() -> None:
    review = _webhook(cc.OrderRequest(SUMMARY))["reviewAndPay"]
    assert review == {
        "type": "physical-goods", "currency": "BRL", "referenceId": "4N9AVI38VOB", "orderRequestId": "4N9AVI38VYZ",
        "orderStatus": "pending", "paymentStatus": "pending", "total": 605, "subTotal": 600, "discount": 10,
        "shipping": 5, "tax": 10, "products": [
            {"name": "order 1", "quantity": 2, "isCustomItem": True, "productId": "custom-item-4N9AVI38WI1",
             "value": 150},
            {"name": "order 2", "quantity": 2, "isCustomItem": False, "productId": "23940797548900636",
             "value": 150}]}
    update = cc.OrderUpdate("3EB0F91BBA791BB0A787FC", cc.OrderSummary(**{
        **{f: getattr(SUMMARY, f) for f in ("reference_id", "order_request_id", "currency", "items")},
        "order_status": "processing"}))
    shown = _webhook(update)
    assert "reviewAndPay" not in shown and shown["reviewOrder"]["orderStatus"] == "processing"
    assert "type" not in shown["reviewOrder"] and "message" not in shown["reviewOrder"]
    link = cc.CatalogLink(SHOP, f"Veja:\n{cc.catalog_url(SHOP)}", "Catálogo", "Produtos", cc.catalog_url(SHOP))
    assert _webhook(link)["text"] == {"message": f"Veja:\nhttps://wa.me/c/{SHOP}", "title": "Catálogo",
                                      "description": "Produtos", "url": f"https://wa.me/c/{SHOP}"}


def test_a_queued_order_survives_the_codec() -> None:
    out = Outgoing(to=f"{ALICE}@s.whatsapp.net", zaap_id="Z1",
                   content=cc.OrderRequest(SUMMARY, pix=cc.PixPayment("k@x.io", "email", "Loja"), card=True))
    assert loads(Outgoing, dumps(out)) == out
    update = Outgoing(to=f"{ALICE}@s.whatsapp.net", content=cc.OrderUpdate("Z1", SUMMARY, "Saiu", payment=True))
    assert loads(Outgoing, dumps(update)) == update


def test_neonize_sends_a_catalog_link_as_whatsapp_shares_one() -> None:
    link = cc.CatalogLink(SHOP, f"Veja:\n{cc.catalog_url(SHOP)}", "Catálogo", "Produtos", cc.catalog_url(SHOP))
    message = build_message(Outgoing(to=f"{ALICE}@s.whatsapp.net", content=link))
    assert isinstance(message, E.Message) and message.ListFields()[0][0].name == "extendedTextMessage"
    ext = message.extendedTextMessage
    assert (ext.text, ext.matchedText, ext.title, ext.description) == (
        f"Veja:\nhttps://wa.me/c/{SHOP}", f"https://wa.me/c/{SHOP}", "Catálogo", "Produtos")
    assert ext.previewType == E.ExtendedTextMessage.PreviewType.NONE and not ext.HasField("contextInfo")
    assert E.Message.FromString(message.SerializeToString()) == message  # a valid protobuf for send_message
    read_back = translate.content_of(message)[0]  # a phone receiving it: a text with the link and its card
    assert read_back == c.Text(link.text, title="Catálogo", description="Produtos", url=link.url)


def test_neonize_sends_an_order_to_pay_as_a_review_and_pay_native_flow() -> None:
    request = cc.OrderRequest(SUMMARY, pix=cc.PixPayment("k@x.io", "email", "Loja"))
    message = build_message(Outgoing(to=f"{ALICE}@s.whatsapp.net", content=request))
    assert isinstance(message, E.Message) and message.ListFields()[0][0].name == "interactiveMessage"
    (button,) = message.interactiveMessage.nativeFlowMessage.buttons
    assert button.name == "review_and_pay"  # neonize adds <biz native_flow_name="order_details"> for this name
    params = json.loads(button.buttonParamsJSON)
    assert (params["reference_id"], params["currency"], params["type"]) == ("4N9AVI38VOB", "BRL", "physical-goods")
    cents = {"value": 0, "offset": 100}
    assert params["order"]["items"] == [
        {"retailer_id": "custom-item-4N9AVI38WI1", "name": "order 1", "amount": {**cents, "value": 15_000},
         "quantity": 2},
        {"retailer_id": "23940797548900636", "product_id": "23940797548900636", "name": "order 2",
         "amount": {**cents, "value": 15_000}, "quantity": 2}]
    order = params["order"]
    assert (order["subtotal"]["value"], order["discount"]["value"], order["tax"]["value"], order["shipping"]["value"],
            params["total_amount"]["value"]) == (60_000, 1_000, 1_000, 500, 60_500)  # 600 - 10 + 10 + 5 BRL
    assert params["payment_settings"] == [{"type": "pix_static_code", "pix_static_code": {
        "merchant_name": "Loja", "key": "k@x.io", "key_type": "email"}}]
    assert E.Message.FromString(message.SerializeToString()) == message
    no_pix = json.loads(build_message(Outgoing(to=f"{ALICE}@s.whatsapp.net", content=cc.OrderRequest(SUMMARY)))
                        .interactiveMessage.nativeFlowMessage.buttons[0].buttonParamsJSON)
    assert "payment_settings" not in no_pix


@pytest.mark.parametrize("content", [cc.Product("7190654897637620", SHOP), cc.OrderUpdate("3EB0", SUMMARY)])
def test_neonize_refuses_products_and_order_updates_with_its_gap(content: Any) -> None:
    with pytest.raises(Unsupported) as refused:
        build_message(Outgoing(to=f"{ALICE}@s.whatsapp.net", content=content))
    assert "neonize 0.5.2" in refused.value.message and "nothing was sent" in refused.value.message
