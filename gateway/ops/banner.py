"""What ``zapgate up`` prints once the stack is starting: the tokens and a whole first run, step by step."""

from __future__ import annotations

import shlex


def first_run(base: str, partner_token: str, client_token: str) -> str:
    """Create a sandbox instance, read its QR, scan it with the simulated phone, check, send a text."""
    prefix = f"{base}/instances/$ID/token/$TOKEN"
    client = f"-H 'Client-Token: {client_token}'"
    json = "-H 'Content-Type: application/json'"
    create = shlex.quote('{"name": "first", "engine": "sandbox"}')
    scan = shlex.quote('{"phone": "5511999990000"}')
    text = shlex.quote('{"phone": "5511988887777", "message": "hello from zapgate"}')
    return f"""
zapgate is starting:
  base URL      {base}
  dashboard     {base}/dashboard   (sign in with the partner token; pair a sandbox phone with a click)
  partner token {partner_token}
  client token  {client_token}

A first run with the sandbox engine (a simulated phone; use "engine": "neonize" for a real one):
  1. create an instance (answers {{"id", "token", "due"}}):
     curl -s -X POST {base}/instances/integrator/on-demand \\
       -H 'Authorization: Bearer {partner_token}' {json} -d {create}
     ID=<id>; TOKEN=<token>
  2. the QR code a phone would scan (as an image: .../qr-code/image):
     curl -s {prefix}/qr-code {client}
  3. the simulated phone scans it:
     curl -s -X POST {prefix}/sandbox/scan {client} {json} -d {scan}
  4. connected?
     curl -s {prefix}/status {client}
  5. send a text (queued, sent in order; the answer carries its messageId):
     curl -s -X POST {prefix}/send-text {client} {json} -d {text}
  Webhooks: PUT {prefix}/update-every-webhooks with {{"value": "<your https URL>"}} (docs/webhooks.md).
"""
