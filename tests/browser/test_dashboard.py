"""A new user's tour of the dashboard in Chromium: sign in, create a sandbox instance, watch the QR code,
play the scan, see it connected, send a test message and see it delivered, break the webhook and see the
failure and the dead letter, replay it, sign out. Screenshots of each page along the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from tests.browser.conftest import Served
from tests.support.api import PARTNER_TOKEN

SANDBOX_PHONE = "5511999990000"
CONTACT = "5511988887777"


async def _sign_in(page: Page, served: Served) -> None:
    await page.goto(f"{served.base_url}/dashboard")
    await expect(page).to_have_url(f"{served.base_url}/dashboard/login")
    await page.fill("#token", PARTNER_TOKEN)
    await page.click("#sign-in")
    await expect(page).to_have_url(f"{served.base_url}/dashboard")


async def _create(page: Page, served: Served, name: str, webhook: str) -> str:
    await page.goto(f"{served.base_url}/dashboard/instances")
    form = page.locator("#create-instance")
    await form.locator("input[name=name]").fill(name)
    await form.locator("select[name=engine]").select_option("sandbox")
    await form.locator("input[name=webhook]").fill(webhook)
    await form.locator("button").click()
    await expect(page.locator("h1")).to_contain_text(name)
    return page.url.rsplit("/", 1)[-1]


def _kinds(served: Served) -> list[Any]:
    return [hit.json.get("type") for hit in served.receiver.hits]


async def test_pair_send_break_replay_and_sign_out(served: Served, page: Page, shots: Path) -> None:
    await page.goto(f"{served.base_url}/dashboard")
    await page.screenshot(path=shots / "signin.png")
    await _sign_in(page, served)
    await page.screenshot(path=shots / "overview.png", full_page=True)

    instance_id = await _create(page, served, "Loja Centro", f"{served.receiver.url}/hooks")
    qr = page.locator("#qr")
    await expect(qr).to_be_visible()  # the live QR code, drawn from the engine's current code
    assert (await qr.get_attribute("src") or "").startswith("data:image/png;base64,")
    await expect(page.locator("#status")).to_have_text("QR pending")
    await page.screenshot(path=shots / "pairing.png", full_page=True)

    await page.click("#sandbox-scan")  # the simulated phone scans the code
    await expect(page.locator("#status")).to_have_text("connected")
    await expect(page.locator("#phone")).to_have_text(SANDBOX_PHONE)
    await expect(page.locator("#pairing")).to_be_hidden()
    await expect(page.locator("#panel-history")).to_contain_text("CONNECTED")

    send = page.locator("form[action$='/send-test']")
    await send.locator("input[name=phone]").fill(CONTACT)
    await send.locator("input[name=message]").fill("Pedido 42 confirmado")
    await send.locator("button").click()
    await expect(page.locator(".notice")).to_contain_text("Queued as")
    await expect(page.locator("#traffic")).to_contain_text("Pedido 42 confirmado")
    await expect(page.locator("#deliveries")).to_contain_text("delivery")
    await expect(page.locator("#deliveries tr.delivered").first).to_be_visible()
    await served.receiver.wait_for(lambda: "DeliveryCallback" in _kinds(served))
    await page.screenshot(path=shots / "instance.png", full_page=True)

    # break the webhook: every hook now answers 500
    served.receiver.decide = lambda path, _json, _n: 500 if path.startswith("/broken") else 200
    hooks = page.locator("#webhooks")
    for field in await hooks.locator("input[type=url]").all():
        await field.fill(f"{served.receiver.url}/broken")
    await page.click("#save-webhooks")
    await expect(page.locator(".notice")).to_have_text("Webhook URLs saved.")
    delivered_before = len(served.receiver.hits)
    await send.locator("input[name=phone]").fill(CONTACT)
    await send.locator("input[name=message]").fill("Esta vai falhar")
    await send.locator("button").click()
    await expect(page.locator("#deliveries")).to_contain_text("500")
    await expect(page.locator("#dead")).to_contain_text("delivery")
    await page.screenshot(path=shots / "dead-letters.png", full_page=True)
    assert len(served.receiver.hits) == delivered_before  # nothing got through the broken URL

    # mend the webhook and replay the dead letters
    for field in await hooks.locator("input[type=url]").all():
        await field.fill(f"{served.receiver.url}/hooks")
    await page.click("#save-webhooks")
    await page.click("#replay-all")
    await expect(page.locator(".notice")).to_contain_text("Replayed")
    await expect(page.locator("#dead")).to_contain_text("No dead letter.")
    await served.receiver.wait_for(lambda: any(h.path == "/hooks" and h.json.get("type") == "DeliveryCallback"
                                               and h.json.get("phone") == CONTACT
                                               for h in served.receiver.hits[delivered_before:]))

    await page.goto(f"{served.base_url}/dashboard/instances")
    row = page.locator(f"tr[data-instance='{instance_id}']")
    await expect(row).to_contain_text("connected")
    await expect(row).to_contain_text(SANDBOX_PHONE)
    await expect(row).to_contain_text("w-browser")
    await page.screenshot(path=shots / "instances.png", full_page=True)

    await page.goto(f"{served.base_url}/dashboard")
    await expect(page.locator("[data-status=connected]")).to_have_text("1")
    await expect(page.locator("svg[data-series=delivered] rect").first).to_be_attached()
    await page.screenshot(path=shots / "overview.png", full_page=True)

    await page.click("#sign-out")
    await expect(page).to_have_url(f"{served.base_url}/dashboard/login")
    await page.goto(f"{served.base_url}/dashboard/instances/{instance_id}")
    await expect(page).to_have_url(f"{served.base_url}/dashboard/login")  # the session is gone


async def test_reveal_rotate_cancel_and_delete(served: Served, page: Page, shots: Path) -> None:
    await _sign_in(page, served)
    instance_id = await _create(page, served, "Filial Norte", f"{served.receiver.url}/hooks")
    await page.click("#reveal-token")
    token = (await page.locator("#revealed-value").inner_text()).strip()
    assert len(token) == 24
    await page.goto(page.url.replace("/reveal-token", ""))
    assert token not in await page.content()  # shown on that one answer only

    await page.click("#reveal-secret")
    first = (await page.locator("#revealed-value").inner_text()).strip()
    await page.click("#rotate-secret")
    rotated = (await page.locator("#revealed-value").inner_text()).strip()
    assert first.startswith("whsec_") and rotated.startswith("whsec_") and rotated != first

    # the phone-number pairing flow answers an 8-character code
    pair = page.locator("form[action$='/pair-code']")
    await pair.locator("input[name=phone]").fill(SANDBOX_PHONE)
    await pair.locator("button").click()
    await expect(page.locator(".notice")).to_contain_text("Pairing code: ")
    code = (await page.locator(".notice").inner_text()).split("Pairing code: ")[1][:8]
    assert len(code) == 8 and code.isalnum()

    # a webhook URL the API refuses (credentials in it) is refused here too, with its reason; nothing is stored
    await page.locator("#webhooks input[name=deliveryCallbackUrl]").fill("http://user:pass@example.com/hook")
    await page.click("#save-webhooks")
    await expect(page.locator(".notice.error")).to_contain_text("deliveryCallbackUrl")
    await expect(page.locator("#webhooks input[name=deliveryCallbackUrl]")).to_have_value(
        f"{served.receiver.url}/hooks")

    # not paired: a test message waits in the queue, where it can be cancelled
    await page.goto(f"{served.base_url}/dashboard/instances/{instance_id}")
    send = page.locator("form[action$='/send-test']")
    await send.locator("input[name=phone]").fill(CONTACT)
    await send.locator("button").click()
    queue = page.locator("#queue")
    await expect(queue).to_contain_text("QUEUED")
    await queue.locator("button", has_text="Cancel").click()
    await expect(page.locator(".notice")).to_have_text("Removed from the queue.")
    await expect(page.locator("#queue")).to_contain_text("The queue is empty.")

    await page.goto(f"{served.base_url}/dashboard/instances/{instance_id}/delete")
    await page.screenshot(path=shots / "delete.png")
    await page.fill("#confirm", "not-the-id")
    await page.click("#confirm-delete")  # the wrong id: refused by the server
    await expect(page.locator(".notice")).to_contain_text("Type the instance id")
    await page.fill("#confirm", instance_id)
    await page.click("#confirm-delete")
    await expect(page).to_have_url(f"{served.base_url}/dashboard/instances")
    await expect(page.locator(f"tr[data-instance='{instance_id}']")).to_have_count(0)
