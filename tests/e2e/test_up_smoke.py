"""`zapgate up` starts the stack on free ports, serves /ready, prints a first run that works as printed,
and stops with no orphan."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from gateway.core.config import Settings
from tests.support.api import CLIENT_TOKEN, PARTNER_TOKEN
from tests.support.processes import alive, descendants, free_port, settings_env, wait_until


def _curl_commands(banner: str) -> list[list[str]]:
    """The banner's curl commands (continuation lines joined), split as a shell would."""
    text = banner.replace("\\\n", " ")
    return [shlex.split(line.strip()) for line in text.splitlines() if line.strip().startswith("curl ")]


def _run_curl(argv: list[str], variables: dict[str, str]) -> tuple[int, Any]:
    """Run one printed curl command with httpx (curl may not be installed): -X, -H and -d, and the URL."""
    method, headers, body, url = "GET", {}, None, ""
    args = iter(argv[1:])
    for arg in args:
        if arg == "-s":
            continue
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _, value = next(args).partition(": ")
            headers[name] = value
        elif arg == "-d":
            body = next(args)
        else:
            url = arg
    for name, value in variables.items():
        url = url.replace(f"${name}", value)
    r = httpx.request(method, url, headers=headers, content=body, timeout=10)
    return r.status_code, r.json()


def _first_run_as_printed(banner: str) -> None:
    create, qr, scan, status, send = _curl_commands(banner)
    code, inst = _run_curl(create, {})
    assert code == 200 and {"id", "token", "due"} <= set(inst), inst
    found = {"ID": inst["id"], "TOKEN": inst["token"]}
    deadline = time.monotonic() + 30
    while (answer := _run_curl(qr, found))[0] != 200:  # the worker takes the instance within a second or two
        assert time.monotonic() < deadline, answer
        time.sleep(0.2)
    assert answer[1]["value"]
    code, scanned = _run_curl(scan, found)
    assert code == 200 and scanned["deviceJid"], scanned
    while not (answer := _run_curl(status, found))[1].get("connected"):
        assert time.monotonic() < deadline, answer
        time.sleep(0.2)
    code, sent = _run_curl(send, found)
    assert code == 200 and sent["messageId"], sent


def _dashboard_signs_in_with_the_printed_token(banner: str) -> None:
    url = re.search(r"dashboard +(\S+)", banner)
    token = re.search(r"^  partner token (\S+)$", banner, re.MULTILINE)  # the banner's line
    assert url and token, banner
    with httpx.Client(base_url=url.group(1).removesuffix("/dashboard"), timeout=10) as browser:
        form = browser.get("/dashboard/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert form.status_code == 200 and csrf
        signed = browser.post("/dashboard/login", data={"csrf": csrf.group(1), "token": token.group(1)})
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
        listing = browser.get("/dashboard/instances")
        assert listing.status_code == 200 and "connected" in listing.text  # the first run's instance


def test_up_smoke(settings: Settings, tmp_path: object) -> None:
    port = free_port()
    env = settings_env(settings, ZAPGATE_HTTP_PORT=str(port), ZAPGATE_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "gateway", "up"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
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
        _first_run_as_printed("".join(lines))
        _dashboard_signs_in_with_the_printed_token("".join(lines))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        reader.join(timeout=10)
    out = "".join(lines)
    assert proc.returncode == 0, out
    assert f"base URL      http://127.0.0.1:{port}" in out
    assert PARTNER_TOKEN in out and CLIENT_TOKEN in out and len(_curl_commands(out)) == 5
    wait_until(lambda: not any(alive(p) for p in kids), 10, "children to exit")
