"""Records the store hands out: our own frozen types, never driver rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gateway.core.ids import InstanceId, PartnerId
from gateway.core.proxy import ProxyConfig


class EngineKind(StrEnum):
    NEONIZE = "neonize"
    SANDBOX = "sandbox"


class CallbackKind(StrEnum):
    """The seven Z-API callback URLs an instance can have (API field = value + 'CallbackUrl')."""

    DELIVERY = "delivery"
    RECEIVED = "received"
    RECEIVED_AND_DELIVERY = "receivedAndDelivery"
    MESSAGE_STATUS = "messageStatus"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    PRESENCE_CHAT = "presenceChat"

    @property
    def api_field(self) -> str:
        return f"{self.value}CallbackUrl"

    @property
    def column(self) -> str:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in self.value)
        return f"{snake}_callback_url"


@dataclass(frozen=True, slots=True)
class Partner:
    id: PartnerId
    name: str
    client_token_hash: str


@dataclass(frozen=True, slots=True)
class Instance:
    id: InstanceId
    partner_id: PartnerId
    name: str
    engine: EngineKind
    token_hash: str
    token_version: int
    webhook_secret_version: int
    callbacks: dict[CallbackKind, str | None]
    notify_sent_by_me: bool
    desired_state: str
    created_at: datetime
    updated_at: datetime
    device_jid: str | None = None
    phone: str | None = None
    auto_read_message: bool = False
    auto_read_status: bool = False
    call_reject_auto: bool = False
    call_reject_message: str | None = None
    proxy: ProxyConfig | None = None  # applied on the next connect (update-proxy)
