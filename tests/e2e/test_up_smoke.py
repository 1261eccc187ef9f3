"""`zapgate up` starts the stack on free ports, serves /ready, creates an instance, stops with no orphan."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx

from gateway.core.config import Settings
from tests.conftest import CLIENT_TOKEN, PARTNER_TOKEN
from tests.e2e.helpers import alive, descendants, free_port, settings_env, wait_until


def test_up_smoke(settings: Settings, tmp_path: object) -> None:
    port = free_port()
    env = settings_env(settings, ZAPGATE_HTTP_PORT=str(port), ZAPGATE_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "gateway", "up"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        def ready() -> bool:
            try:
                return httpx.get(f"{base}/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(ready, 90, "/ready")
        kids = descendants(proc.pid)
        assert len(kids) >= 4  # api, 2 workers, dispatch
        r = httpx.post(f"{base}/instances/integrator/on-demand", json={"name": "first", "engine": "sandbox"},
                       headers={"Authorization": f"Bearer {PARTNER_TOKEN}"}, timeout=10)
        assert r.status_code == 200, r.text
        inst = r.json()
        r = httpx.get(f"{base}/instances/{inst['id']}/token/{inst['token']}/status",
                      headers={"Client-Token": CLIENT_TOKEN}, timeout=10)
        assert r.status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert f"base URL      http://127.0.0.1:{port}" in out
    assert "curl -s -X POST" in out and PARTNER_TOKEN in out
    wait_until(lambda: not any(alive(p) for p in kids), 10, "children to exit")
