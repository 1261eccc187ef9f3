"""Instance auth: every failure mode, and no secret echoed back."""

from __future__ import annotations

from tests.support.api import CLIENT_TOKEN, Api


async def test_instance_auth_failure_modes(api: Api) -> None:
    inst = await api.create_instance()
    path = api.path(inst, "status")
    ok = await api.client.get(path, headers=api.client_headers)
    assert ok.status_code == 200
    assert ok.json() == {"connected": False, "error": "You are not connected.", "smartphoneConnected": False}

    missing = await api.client.get(path)
    assert missing.status_code == 400
    assert missing.json() == {"error": "your client-token is not configured"}

    wrong = await api.client.get(path, headers={"Client-Token": "Fwrongwrongwrong0123S"})
    assert wrong.status_code == 403
    error = wrong.json()["error"]
    assert error.startswith("Client-Token ") and error.endswith(" not allowed")
    assert "wrongwrongwrong" not in wrong.text

    lower = await api.client.get(path, headers={"client-token": CLIENT_TOKEN})
    assert lower.status_code == 200

    bad_token = f"/instances/{inst['id']}/token/{'0' * 24}/status"
    r = await api.client.get(bad_token, headers=api.client_headers)
    assert r.status_code == 404 and r.json() == {"error": "Instance not found"}

    bad_id = f"/instances/{'F' * 32}/token/{inst['token']}/status"
    r = await api.client.get(bad_id, headers=api.client_headers)
    assert r.status_code == 404 and r.json() == {"error": "Instance not found"}

    malformed = f"/instances/not-an-id/token/{inst['token']}/status"
    r = await api.client.get(malformed, headers=api.client_headers)
    assert r.status_code == 404 and r.json() == {"error": "Instance not found"}

    other = await api.create_instance()
    swapped = f"/instances/{inst['id']}/token/{other['token']}/status"
    r = await api.client.get(swapped, headers=api.client_headers)
    assert r.status_code == 404


async def test_client_token_of_another_partner_is_refused(api: Api) -> None:
    from gateway.core.ids import hash_token
    from gateway.infra.db.database import Database
    from gateway.infra.db.instances import InstanceStore

    db = await Database.connect(api.settings, max_size=1)
    try:
        await InstanceStore(db).upsert_partner("other", hash_token("other-partner"),
                                               hash_token("Fother-client"))
    finally:
        await db.close()
    inst = await api.create_instance()
    r = await api.client.get(api.path(inst, "status"), headers={"Client-Token": "Fother-client"})
    assert r.status_code == 403
    assert "other-client" not in r.text
    r = await api.client.get("/instances", headers={"Authorization": "Bearer other-partner"})
    assert r.json()["total"] == 0
    r = await api.client.get(f"/instances/{inst['id']}", headers={"Authorization": "Bearer other-partner"})
    assert r.status_code == 404
