"""WhatsApp Business labels, chat notes and company profile end to end on the sandbox: the Z-API routes, the
worker, the simulated phone's business world in Postgres (and its account world for which chats carry a
label), the validation answers, and the state surviving a new engine."""

from __future__ import annotations

from typing import Any

from tests.support.client import Client
from tests.support.stack import Stack

US, ANA, NOT_ON_WA, SHOP = "5511999990000", "5511988881111", "5511988880404", "5511900000201"
ANA_JID = f"{ANA}@s.whatsapp.net"


async def test_labels_life_through_the_api(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    engine = stack.engine(inst)

    tags = await c.call("GET", "tags")
    assert [(t["id"], t["name"], t["color"]) for t in tags] == [
        ("1", "Novo cliente", 1), ("2", "Novo pedido", 2), ("3", "Pagamento pendente", 0), ("4", "Pago", 3),
        ("5", "Pedido finalizado", 5)]
    colors = await c.call("GET", "business/tags/colors")
    assert len(colors) == 20 and colors["0"] == "#FF9485" and colors["2"] == "#FFD429"

    assert await c.call("POST", "business/create-tag", {"name": "VIP", "color": 7}) == {"id": "6"}
    assert await c.call("POST", "business/create-tag", {"name": "Atacado"}) == {"id": "7"}
    tags = {t["id"]: t for t in await c.call("GET", "tags")}
    assert tags["6"] == {"id": "6", "name": "VIP", "color": 7}
    assert tags["7"]["color"] == 4  # the first color no label uses (1, 2, 0, 3, 5 and 7 are taken)

    # names are unique (any case); edits keep what they do not name
    r = await c.call("POST", "business/create-tag", {"name": "vip"}, status=409)
    assert "already exists" in r["message"]
    assert await c.call("POST", "business/edit-tag/6", {"color": 9}) == {"success": True}
    assert await c.call("POST", "business/edit-tag/6", {"name": "Cliente VIP"}) == {"success": True}
    tags = {t["id"]: t for t in await c.call("GET", "tags")}
    assert tags["6"] == {"id": "6", "name": "Cliente VIP", "color": 9}
    await c.call("POST", "business/edit-tag/7", {"name": "pago"}, status=409)

    # on a chat, then off; twice changes nothing; a deleted label leaves every chat
    assert await c.call("PUT", f"chats/{ANA}/tags/6/add") == {"value": True}
    await c.call("PUT", f"chats/{ANA}/tags/6/add")
    await c.call("PUT", f"chats/{ANA}/tags/2/add")
    assert engine.chat_tags(ANA_JID) == ["6", "2"]
    assert await c.call("PUT", f"chats/{ANA}/tags/2/remove") == {"value": True}
    await c.call("PUT", f"chats/{ANA}/tags/2/remove")
    assert engine.chat_tags(ANA_JID) == ["6"]
    assert await c.call("DELETE", "business/tag/6") == {"success": True}
    assert engine.chat_tags(ANA_JID) == []
    assert "6" not in {t["id"] for t in await c.call("GET", "tags")}

    # unknown labels are 404 in Z-API's shape; ids are not reused
    for method, action, body in (("POST", "business/edit-tag/6", {"name": "x"}), ("DELETE", "business/tag/99", None),
                                 ("PUT", f"chats/{ANA}/tags/42/add", None)):
        r = await c.call(method, action, body, status=404)
        assert r["error"] == "TAG_NOT_FOUND" and "label" in r["message"]
    assert await c.call("POST", "business/create-tag", {"name": "Novo"}) == {"id": "8"}


async def test_labels_refuse_bad_input_and_unknown_chats(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    for body, field in (({}, "name"), ({"name": "  "}, "name"), ({"name": "x" * 101}, "name"),
                        ({"name": "A", "color": 20}, "color"), ({"name": "A", "color": -1}, "color"),
                        ({"name": "A", "color": True}, "color"), ({"name": "A", "color": "azul"}, "color")):
        r = await c.call("POST", "business/create-tag", body, status=400)
        assert r["field"] == field, (body, r)
    assert (await c.call("POST", "business/edit-tag/1", {}, status=400))["field"] == "name"
    assert (await c.call("POST", "business/edit-tag/abc", {"name": "x"}, status=400))["field"] == "tagId"
    assert (await c.call("PUT", f"chats/{ANA}/tags/x1/add", status=400))["field"] == "tagId"
    assert (await c.call("PUT", "chats/not-a-phone/tags/1/add", status=400))["field"] == "phone"
    await c.call("PUT", f"chats/{NOT_ON_WA}/tags/1/add", status=404)
    assert (await c.call("PUT", "chats/120363019502650977-group/tags/1/add", status=404))["error"] == \
        "GROUP_NOT_FOUND"
    # WhatsApp Business keeps 20 labels
    for i in range(15):
        await c.call("POST", "business/create-tag", {"name": f"Etiqueta {i}"})
    r = await c.call("POST", "business/create-tag", {"name": "A mais"}, status=409)
    assert "at most 20" in r["message"]


async def test_a_chat_has_one_note(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    engine = stack.engine(inst)
    assert await c.call("POST", f"chats/{ANA}/notes", {"notes": "prefere falar à tarde"}) == {"success": True}
    first = engine.business.notes[ANA_JID]
    assert first.content == "prefere falar à tarde" and first.created_ms == first.updated_ms
    await c.call("POST", f"chats/{ANA}/notes", {"notes": "  cliente desde 2020  "})
    second = engine.business.notes[ANA_JID]
    assert (second.id, second.created_ms) == (first.id, first.created_ms)  # the same note, updated
    assert second.content == "cliente desde 2020" and second.updated_ms > first.updated_ms
    await c.call("POST", f"chats/{ANA}/notes", {"notes": ""})
    assert ANA_JID not in engine.business.notes

    assert (await c.call("POST", f"chats/{ANA}/notes", {}, status=400))["field"] == "notes"
    assert (await c.call("POST", f"chats/{ANA}/notes", {"notes": "x" * 1001}, status=400))["field"] == "notes"
    r = await c.call("POST", "chats/120363019502650977-group/notes", {"notes": "grupo"}, status=400)
    assert r["field"] == "phone"
    await c.call("POST", f"chats/{NOT_ON_WA}/notes", {"notes": "x"}, status=404)


async def test_the_company_profile(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    fresh = await c.call("GET", "business/profile")
    assert fresh == {"description": "", "address": "", "email": "", "websites": [], "businessHours": None,
                     "categories": [{"displayName": "Outras empresas", "label": "OTHER_COMPANIES",
                                     "id": "629412378414563"}], "hasCoverPhoto": False}
    for path, body in (("company-description", {"value": "Z API - Asas para sua imaginação"}),
                       ("company-email", {"value": "zapi@example.com"}),
                       ("company-address", {"value": "Maringá"}),
                       ("company-websites", {"websites": ["https://www.z-api.io", "example.org/loja"]}),
                       ("categories", {"categories": ["restaurant", "1223524174334504"]}),
                       ("hours", {"timezone": "America/Sao_Paulo", "mode": "specificHours", "days": [
                           {"dayOfWeek": "MONDAY", "openTime": "14:00", "closeTime": "18:00"},
                           {"dayOfWeek": "monday", "openTime": "08:00", "closeTime": "12:00"},
                           {"dayOfWeek": "SUNDAY", "openTime": "09:00", "closeTime": "24:00"}]})):
        assert await c.call("POST", f"business/{path}", body, status=201) == {"success": True}, path
    profile = await c.call("GET", f"business/profile?phone={US}")
    assert profile["description"] == "Z API - Asas para sua imaginação" and profile["address"] == "Maringá"
    assert profile["email"] == "zapi@example.com"
    assert profile["websites"] == ["https://www.z-api.io", "https://example.org/loja"]
    assert [x.get("label") for x in profile["categories"]] == ["RESTAURANT", None]
    assert profile["businessHours"] == {"timezone": "America/Sao_Paulo", "mode": "specificHours", "days": [
        {"dayOfWeek": "SUNDAY", "openTime": "09:00", "closeTime": "24:00"},
        {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"},
        {"dayOfWeek": "MONDAY", "openTime": "14:00", "closeTime": "18:00"}]}

    # empty values remove; open24h needs no times; no days: closed every day
    await c.call("POST", "business/company-email", {"value": ""}, status=201)
    await c.call("POST", "business/company-websites", {"websites": []}, status=201)
    await c.call("POST", "business/hours", {"timezone": "UTC", "mode": "open24h",
                                            "days": [{"dayOfWeek": "FRIDAY"}]}, status=201)
    profile = await c.call("GET", "business/profile")
    assert profile["email"] == "" and profile["websites"] == []
    assert profile["businessHours"] == {"timezone": "UTC", "mode": "open24h", "days": [{"dayOfWeek": "FRIDAY"}]}

    # another business (the sandbox's shops), a personal number, a number not on WhatsApp
    shop = await c.call("GET", f"business/profile?phone={SHOP}")
    assert shop["description"].startswith("Hortifruti Sandbox") and shop["businessHours"]["mode"] == "specificHours"
    assert len(shop["categories"]) == 1
    assert "not a WhatsApp Business account" in (await c.call("GET", f"business/profile?phone={ANA}",
                                                              status=404))["message"]
    await c.call("GET", f"business/profile?phone={NOT_ON_WA}", status=404)
    assert (await c.call("GET", "business/profile?phone=abc", status=400))["field"] == "phone"


async def test_company_profile_input_is_checked(stack: Stack) -> None:
    inst = await stack.paired(US)
    c = Client(stack, inst)
    day = {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "18:00"}
    refused: tuple[tuple[str, dict[str, Any], str], ...] = (
        ("company-description", {}, "value"), ("company-description", {"value": "x" * 257}, "value"),
        ("company-email", {"value": "not-an-email"}, "value"), ("company-email", {"value": 3}, "value"),
        ("company-address", {"value": "x" * 257}, "value"),
        ("company-websites", {}, "websites"), ("company-websites", {"websites": "https://a.io"}, "websites"),
        ("company-websites", {"websites": ["https://a.io", "https://b.io", "https://c.io"]}, "websites"),
        ("company-websites", {"websites": ["ftp://a.io"]}, "websites.0"),
        ("company-websites", {"websites": ["https://localhost"]}, "websites.0"),
        ("company-websites", {"websites": ["https://a.io", "https://exa mple.com"]}, "websites.1"),
        ("hours", {"days": [day]}, "timezone"), ("hours", {"timezone": "Mars/Olympus", "days": [day]}, "timezone"),
        ("hours", {"timezone": "UTC", "mode": "always"}, "mode"),
        ("hours", {"timezone": "UTC", "days": [{**day, "dayOfWeek": "FUNDAY"}]}, "days.0.dayOfWeek"),
        ("hours", {"timezone": "UTC", "days": [{**day, "openTime": "8h"}]}, "days.0.openTime"),
        ("hours", {"timezone": "UTC", "days": [{**day, "closeTime": "07:00"}]}, "days.0.closeTime"),
        ("hours", {"timezone": "UTC", "days": [{"dayOfWeek": "MONDAY"}]}, "days.0.openTime"),
        ("hours", {"timezone": "UTC", "days": [day, {**day, "openTime": "17:00", "closeTime": "19:00"}]}, "days.1"),
        ("hours", {"timezone": "UTC", "days": [day] * 15}, "days"),
        ("categories", {"categories": []}, "categories"),
        ("categories", {"categories": ["RESTAURANT", "FINANCE", "EDUCATION", "RETAIL"]}, "categories"),
        ("categories", {"categories": ["RESTAURANT", "NO_SUCH_THING"]}, "categories.1"),
    )
    for path, body, field in refused:
        r = await c.call("POST", f"business/{path}", body, status=400)
        assert r["field"] == field, (path, body, r)
    assert (await c.call("GET", "business/profile"))["businessHours"] is None  # nothing was changed

    found = await c.call("GET", "business/available-categories?query=educacao")
    assert found == [{"displayName": "Educação", "label": "EDUCATION", "id": found[0]["id"]}]
    everything = await c.call("GET", "business/available-categories")
    assert len(everything) >= 10 and {"displayName": "Serviço automotivo", "id": "1223524174334504"} in everything
    assert await c.call("GET", "business/available-categories?query=zzzz") == []


async def test_the_business_world_survives_a_new_engine(stack: Stack) -> None:
    """The state is in Postgres: another worker (here: a restarted engine) finds labels, notes and profile."""
    inst = await stack.paired(US)
    c = Client(stack, inst)
    await c.call("POST", "business/create-tag", {"name": "Persistente", "color": 11})
    await c.call("PUT", f"chats/{ANA}/tags/6/add")
    await c.call("POST", f"chats/{ANA}/notes", {"notes": "lembrar"})
    await c.call("POST", "business/company-description", {"value": "Loja persistente"}, status=201)
    rows = await stack.worker.store.db.pool.fetch(
        "SELECT part FROM sandbox_business WHERE instance_id = $1 ORDER BY part", inst["id"])
    assert [r["part"] for r in rows] == ["labels", f"note:{ANA_JID}", "profile"]
    await c.call("GET", "restart")
    await stack.receiver.wait_for(lambda: sum(x.path == "/connected" for x in stack.receiver.unique()) >= 2)
    connected = [x.json for x in stack.receiver.unique() if x.path == "/connected"]
    assert all(x["isBusiness"] is True for x in connected)
    assert {"id": "6", "name": "Persistente", "color": 11} in await c.call("GET", "tags")
    assert (await c.call("GET", "business/profile"))["description"] == "Loja persistente"
    engine = stack.engine(inst)
    assert engine.chat_tags(ANA_JID) == ["6"] and engine.business.notes[ANA_JID].content == "lembrar"
