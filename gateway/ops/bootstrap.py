"""Bootstrap the partner from ZAPGATE_PARTNER_TOKEN / ZAPGATE_CLIENT_TOKEN (generated in dev)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from gateway.core.config import Environment, Settings
from gateway.core.ids import generate_token, hash_token
from gateway.infra.db.database import Database
from gateway.infra.db.instances import InstanceStore

DEFAULT_PARTNER = "default"


@dataclass(frozen=True, slots=True)
class PartnerTokens:
    partner_token: str
    client_token: str
    generated: bool


def dev_tokens_path(settings: Settings) -> Path:
    """Where generated dev tokens are kept (mode 600), under ``ZAPGATE_DATA_DIR``."""
    return Path(settings.data_dir) / "dev-tokens.json"


def resolve_tokens(settings: Settings) -> PartnerTokens:
    """Tokens from settings; in dev/test, missing ones are generated once and kept in the data dir."""
    partner = settings.partner_token.get_secret_value() if settings.partner_token else None
    client = settings.client_token.get_secret_value() if settings.client_token else None
    if partner and client:
        return PartnerTokens(partner, client, False)
    if settings.env is Environment.PRODUCTION:
        raise ValueError("ZAPGATE_PARTNER_TOKEN and ZAPGATE_CLIENT_TOKEN are required in production")
    path = dev_tokens_path(settings)
    saved: dict[str, str] = {}
    if path.exists():
        saved = json.loads(path.read_text())
    partner = partner or saved.get("partner_token") or generate_token()
    client = client or saved.get("client_token") or ("F" + generate_token(16).lower() + "S")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"partner_token": partner, "client_token": client}, fh)
    return PartnerTokens(partner, client, True)


async def bootstrap_partner(settings: Settings, tokens: PartnerTokens) -> None:
    db = await Database.connect(settings, max_size=2)
    try:
        await InstanceStore(db).upsert_partner(DEFAULT_PARTNER, hash_token(tokens.partner_token),
                                               hash_token(tokens.client_token))
    finally:
        await db.close()
