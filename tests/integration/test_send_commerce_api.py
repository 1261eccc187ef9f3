"""Commerce sends end to end on the sandbox (accepted, queued, sent, recorded by the simulated phone, echoed as
Z-API's ``reviewAndPay``/``reviewOrder``), their refusals and validation errors, inbound commerce messages as
webhooks, and the neonize engine's 501s answered before anything is queued."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.test_account_api import ANA, GONE, US, Client
from tests.integration.test_status_api import _delivered
from tests.support.api import Api
from tests.support.stack import Stack

ORDER: dict[str, Any] = {"currency": "BRL", "discount": 10, "tax": 10, "shipping": 5,
         "products": [{"productId": "23940797548900636", "name": "Camiseta", "value": 150, "quantity": 2},
                      {"name": "Embalagem", "value": 150.5, "quantity": 2}]}
PIX: dict[str, Any] = {"pix": {"key": "loja@example.com", "keyType": "email", "name": "Loja"},
                       "card": {"enabled": True}}


async def _client(stack: Stack) -> Client:
    c = Client(stack, await stack.paired(US))
    r = await c.api.client.put(c.api.path(c.inst, "update-notify-sent-by-me"), json={"notifySentByMe": True},
                               headers=c.api.client_headers)
    assert r.status_code == 200, r.text
    return c


async def _sent(stack: Stack, c: Client, action: str, body: dict[str, Any]) -> tuple[str, str]:
    """Send; wait for its DeliveryCallback: (zaapId, the WhatsApp id it got)."""
    answer = await c.call("POST", action, body)
    assert answer["messageId"] == answer["id"] == answer["zaapId"]
    delivery = await _delivered(stack, answer["zaapId"])
    assert "error" not in delivery and delivery["messageId"], (action, delivery)
    return answer["zaapId"], delivery["messageId"]


async def _echo(stack: Stack, message_id: str) -> dict[str, Any]:
    """The fromMe ReceivedCallback of a sent message."""
    def hit() -> dict[str, Any] | None:
        return next((x.json for x in stack.receiver.unique()
                     if x.path == "/received" and x.json.get("messageId") == message_id), None)

    await stack.receiver.wait_for(lambda: hit() is not None)
    found = hit()
    assert found is not None
    return found


def _commerce(stack: Stack, c: Client) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = stack.engine(c.inst).phone_records()["commerce"]
    return records


async def test_products_catalogs_and_orders_leave_the_phone(stack: Stack) -> None:
    c = await _client(stack)
    _, catalog = await _sent(stack, c, "send-catalog", {"phone": ANA, "catalogPhone": US, "translation": "EN"})
    text = (await _echo(stack, catalog))["text"]
    assert text["url"] == f"https://wa.me/c/{US}" and text["message"].endswith(f"\nhttps://wa.me/c/{US}")
    assert text["title"] == "Catalog on WhatsApp" and text["description"]
    _, product = await _sent(stack, c, "send-product", {"phone": ANA, "catalogPhone": US,
                                                        "productId": "7190654897637620"})
    assert (await _echo(stack, product))["product"]["productId"] == "7190654897637620"

    order_zaap, order = await _sent(stack, c, "send-order", {"phone": ANA, "order": ORDER, "paymentSettings": PIX})
    review = (await _echo(stack, order))["reviewAndPay"]
    custom = review["products"][1]["productId"]
    assert review["type"] == "physical-goods" and review["orderStatus"] == review["paymentStatus"] == "pending"
    assert (review["subTotal"], review["total"], review["discount"], review["tax"], review["shipping"]) == (
        601, 606, 10, 10, 5)
    assert custom.startswith("custom-item-") and review["products"][1]["isCustomItem"] is True
    assert review["products"][0] == {"name": "Camiseta", "quantity": 2, "isCustomItem": False,
                                     "productId": "23940797548900636", "value": 150}
    assert review["products"][1]["value"] == 150.5

    products = [{**p, "productId": r["productId"], "isCustomItem": r["isCustomItem"]}
                for p, r in zip(ORDER["products"], review["products"], strict=True)]
    update = {"phone": ANA, "referenceId": review["referenceId"], "orderRequestId": review["orderRequestId"],
              "paymentStatus": "pending", "order": {**ORDER, "products": products}}
    _, shipped = await _sent(stack, c, "order-status-update", {**update, "messageId": order_zaap,
                                                               "orderStatus": "shipped", "message": "Saiu!"})
    shipped_echo = (await _echo(stack, shipped))["reviewOrder"]
    assert shipped_echo["orderStatus"] == "shipped" and shipped_echo["message"] == "Saiu!"
    assert "type" not in shipped_echo and shipped_echo["referenceId"] == review["referenceId"]
    await _sent(stack, c, "order-payment-update", {**update, "messageId": order, "orderStatus": "shipped",
                                                   "paymentStatus": "paid"})

    records = _commerce(stack, c)
    assert [r["type"] for r in records] == ["catalog", "product", "order", "orderStatus", "orderPayment"]
    assert records[0]["catalogPhone"] == US and records[1]["productId"] == "7190654897637620"
    assert records[2]["productIds"] == ["23940797548900636", custom] and records[2]["total"] == 606
    assert [r["orderMessageId"] for r in records[3:]] == [order, order]  # the zaapId was resolved to the order
    assert (records[4]["orderStatus"], records[4]["paymentStatus"]) == ("shipped", "paid")


async def test_what_the_phone_refuses_fails_with_a_reason(stack: Stack) -> None:
    c = await _client(stack)
    answer = await c.call("POST", "send-product", {"phone": ANA, "catalogPhone": GONE, "productId": "123"})
    assert "is not on WhatsApp" in (await _delivered(stack, answer["zaapId"]))["error"]

    update = {"phone": ANA, "messageId": "3EB0NOSUCHORDER", "referenceId": "4N8FCTW1WM6",
              "orderRequestId": "4N8FCTW22W4", "orderStatus": "processing", "paymentStatus": "pending",
              "order": {"currency": "BRL", "products": [
                  {"productId": "custom-item-4N8FCTW23N7", "name": "x", "value": 1, "quantity": 1,
                   "isCustomItem": True}]}}
    answer = await c.call("POST", "order-status-update", update)
    assert "no order" in (await _delivered(stack, answer["zaapId"]))["error"]

    _, order = await _sent(stack, c, "send-order", {"phone": ANA, "order": ORDER})
    answer = await c.call("POST", "order-status-update", {**update, "messageId": order})
    assert "referenceId" in (await _delivered(stack, answer["zaapId"]))["error"]
    _, text = await _sent(stack, c, "send-text", {"phone": ANA, "message": "oi"})
    answer = await c.call("POST", "order-payment-update", {**update, "messageId": text})
    assert "no order" in (await _delivered(stack, answer["zaapId"]))["error"]
    assert [r["type"] for r in _commerce(stack, c)] == ["order"]


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("send-product", {"phone": ANA, "catalogPhone": US}, "productId"),
    ("send-product", {"phone": ANA, "catalogPhone": US, "productId": "abc"}, "productId"),
    ("send-product", {"phone": ANA, "catalogPhone": "55 11", "productId": "1"}, "catalogPhone"),
    ("send-product", {"phone": "x", "catalogPhone": US, "productId": "1"}, "phone"),
    ("send-catalog", {"phone": ANA}, "catalogPhone"),
    ("send-catalog", {"phone": ANA, "catalogPhone": US, "translation": "ES"}, "translation"),
    ("send-catalog", {"phone": ANA, "catalogPhone": US, "title": 3}, "title"),
    ("send-order", {"phone": ANA}, "order"),
    ("send-order", {"phone": "120363019502650977-group", "order": ORDER}, "phone"),
    ("send-order", {"phone": ANA, "order": {**ORDER, "currency": "real"}}, "order.currency"),
    ("send-order", {"phone": ANA, "order": {**ORDER, "products": []}}, "order.products"),
    ("send-order", {"phone": ANA, "order": {**ORDER, "discount": 10_000}}, "order.discount"),
    ("send-order", {"phone": ANA, "order": {"currency": "BRL", "products": [{"name": "a", "value": -1,
                                                                            "quantity": 1}]}},
     "order.products[0].value"),
    ("send-order", {"phone": ANA, "order": {"currency": "BRL", "products": [{"name": "a", "value": 1,
                                                                            "quantity": 1.5}]}},
     "order.products[0].quantity"),
    ("send-order", {"phone": ANA, "order": ORDER, "paymentSettings": {"pix": {"key": "k", "keyType": "iban",
                                                                              "name": "n"}}},
     "paymentSettings.pix.keyType"),
    ("order-status-update", {"phone": ANA, "messageId": "3EB0", "referenceId": "R", "orderRequestId": "Q",
                             "orderStatus": "lost", "paymentStatus": "paid", "order": ORDER}, "orderStatus"),
    ("order-payment-update", {"phone": ANA, "messageId": "3EB0", "referenceId": "R", "orderRequestId": "Q",
                              "orderStatus": "pending", "paymentStatus": "paid", "order": ORDER},
     "order.products[0].isCustomItem"),
    ("order-payment-update", {"phone": ANA, "referenceId": "R", "orderRequestId": "Q", "orderStatus": "pending",
                              "paymentStatus": "paid", "order": ORDER}, "messageId"),
]


@pytest.mark.parametrize(("action", "body", "field"), BAD, ids=[f"{a}:{f}" for a, _, f in BAD])
async def test_bad_bodies_are_zapi_400s(api: Api, action: str, body: dict[str, Any], field: str) -> None:
    inst = await api.create_instance()
    r = await api.client.post(api.path(inst, action), json=body, headers=api.client_headers)
    assert r.status_code == 400, r.text
    assert r.json()["field"] == field and r.json()["error"].startswith(f"{field}: "), r.text


UPDATE: dict[str, Any] = {
    "phone": ANA, "messageId": "3EB0", "referenceId": "R", "orderRequestId": "Q", "orderStatus": "shipped",
    "paymentStatus": "pending", "order": {**ORDER, "products": [
        {**ORDER["products"][0], "isCustomItem": False}, {**ORDER["products"][1], "productId": "custom-item-1",
                                                          "isCustomItem": True}]}}


async def test_neonize_refuses_products_and_order_updates_before_queueing(api: Api) -> None:
    inst = await api.create_instance(engine="neonize")
    for action, body in (("send-product", {"phone": ANA, "catalogPhone": US, "productId": "1"}),
                         ("order-status-update", UPDATE)):
        r = await api.client.post(api.path(inst, action), json=body, headers=api.client_headers)
        assert r.status_code == 501 and r.json()["error"] == "NOT_SUPPORTED", r.text
        assert "neonize 0.5.2" in r.json()["message"]
    for action, body in (("send-catalog", {"phone": ANA, "catalogPhone": US}),
                         ("send-order", {"phone": ANA, "order": ORDER})):
        r = await api.client.post(api.path(inst, action), json=body, headers=api.client_headers)
        assert r.status_code == 200 and r.json()["zaapId"], r.text
    r = await api.client.get(api.path(inst, "queue/count"), headers=api.client_headers)
    assert r.json() == {"count": 2}, r.text  # the catalog and the order were queued


async def test_inbound_commerce_messages_reach_the_webhook(stack: Stack) -> None:
    c = await _client(stack)
    injected: list[dict[str, Any]] = [
        {"type": "product", "productId": "99999999999999999999", "title": "Caneca", "price": 19.9,
         "productImage": "https://example.com/caneca.jpg"},
        {"type": "order", "orderTitle": "Pedido", "sellerJid": US, "products": [
            {"name": "Caneca", "quantity": 2, "price": 20, "productId": "5338924696127051", "retailerId": "1242"}]},
        {"type": "requestPayment", "value": 1, "expiration": 1632834482000},
        {"type": "sendPayment", "paymentInfo": {"receiverPhone": US, "value": 1, "currencyCode": "BRL"}},
    ]
    ids = [(await c.call("POST", "sandbox/inbound", {"from": ANA, **body}))["messageId"] for body in injected]
    product, order, request, payment = [await _echo(stack, i) for i in ids]
    assert product["product"] == {
        "productImage": "https://example.com/caneca.jpg", "businessOwnerJid": ANA, "currencyCode": "BRL",
        "productId": "99999999999999999999", "description": "", "productImageCount": 1, "price": 19.9, "url": "",
        "retailerId": "", "firstImageId": "", "title": "Caneca"}
    cart = order["order"]
    assert (cart["itemCount"], cart["sellerJid"], cart["total"], cart["subTotal"], cart["currency"]) == (
        1, US, 40, 40, "BRL")
    assert cart["products"] == [{"quantity": 2, "name": "Caneca", "productId": "5338924696127051",
                                 "retailerId": "1242", "price": 20, "currencyCode": "BRL"}]
    assert request["requestPayment"] == {
        "value": 1, "currencyCode": "BRL", "expiration": 1632834482000, "requestPhone": ANA,
        "paymentInfo": {"receiverPhone": ANA, "value": 1, "currencyCode": "BRL", "status": "WAITING",
                        "transactionStatus": "COLLECT_SUCCESS"}}
    assert payment["sendPayment"] == {"paymentInfo": {"receiverPhone": US, "value": 1, "currencyCode": "BRL",
                                                      "status": "COMPLETE", "transactionStatus": "SUCCESS"}}
    bad = await c.call("POST", "sandbox/inbound", {"from": ANA, "type": "order", "products": [{"name": "x"}]},
                       status=400)
    assert bad["field"] == "products[0].price"
