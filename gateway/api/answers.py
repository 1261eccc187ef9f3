"""Response bodies as the OpenAPI document shows them (schemas only: the routes build plain dicts).

``tests/fuzz`` checks every answer the API gives against these, so they stay true.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from gateway.api.bodies import Doc
from gateway.core.models import EngineKind


class ZapiError(Doc):
    """Z-API's error body: ``error`` always; ``message`` and the ``field`` at fault where useful."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str | None = None
    field: str | None = Field(None, description="the request field at fault (400)")


class Done(Doc):
    """Z-API's ``{"value": true}``."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{"value": True}]})
    value: bool


class TextValue(Doc):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{"value": "A1B2C3D4"}]})
    value: str


class Sent(Doc):
    """The send was committed to the instance's queue (``messageId`` and ``id`` are the zaapId)."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [
        {"zaapId": "3999984263738042930CD6ECDE9VDWSA", "messageId": "3999984263738042930CD6ECDE9VDWSA",
         "id": "3999984263738042930CD6ECDE9VDWSA"}]})
    zaapId: str
    messageId: str
    id: str


# --- operations ----------------------------------------------------------------------------------

class Health(Doc):
    status: Literal["ok"]


class Ready(Doc):
    status: Literal["ready"]
    checks: dict[str, str]


class NotReady(Doc):
    error: str
    message: str
    down: list[str]
    checks: dict[str, str]


# --- partner -------------------------------------------------------------------------------------

class CreatedInstance(Doc):
    id: str
    token: str
    due: int = Field(description="end of the current 30-day period, ms since the epoch")


class RotatedToken(Doc):
    id: str
    token: str


class InstanceView(Doc):
    id: str
    token: str
    name: str
    engine: EngineKind
    created: str
    due: int
    paymentStatus: str
    middleware: str
    phoneConnected: bool
    whatsappConnected: bool
    status: str
    receiveCallbackSentByMe: bool
    deliveryCallbackUrl: str
    receivedCallbackUrl: str
    receivedAndDeliveryCallbackUrl: str
    messageStatusCallbackUrl: str
    connectedCallbackUrl: str
    disconnectedCallbackUrl: str
    presenceChatCallbackUrl: str


class InstancePage(Doc):
    total: int
    totalPage: int
    pageSize: int
    page: int
    content: list[InstanceView]


class Delivery(Doc):
    id: int
    hook: str
    webhookId: str
    state: str
    attempts: int
    lastStatus: int | None
    lastError: str | None
    createdAt: str
    deliveredAt: str | None
    attemptsLog: list[dict[str, Any]]


class Deliveries(Doc):
    deliveries: list[Delivery]


class DeadLetter(Doc):
    id: int
    deliveryId: int
    hook: str
    reason: str
    webhookId: str
    attempts: int
    createdAt: str
    payload: dict[str, Any]


class DeadLetters(Doc):
    deadLetters: list[DeadLetter]


class Replayed(Doc):
    replayed: int


class WebhookSecret(Doc):
    secret: str
    version: int


# --- instance ------------------------------------------------------------------------------------

class ConnectionStatus(Doc):
    connected: bool
    error: str
    smartphoneConnected: bool


class QrCode(Doc):
    """The current QR code in ``value``; when already connected, ``connected``/``error`` and a null value."""

    value: str | None
    connected: bool | None = None
    error: str | None = None


class DeviceInfo(Doc):
    sessionName: str
    device_model: str


class Device(Doc):
    phone: str
    imgUrl: str | None
    about: str
    name: str
    device: DeviceInfo
    originalDevice: str
    sessionId: int
    isBusiness: bool
    connected: bool


class Me(InstanceView):
    connected: bool
    callRejectAuto: bool
    callRejectMessage: str
    autoReadMessage: bool
    autoReadStatus: bool
    initialDataCallbackUrl: str


class Scanned(Doc):
    value: bool
    phone: str
    deviceJid: str


class Inbound(Doc):
    messageId: str


# --- queue ---------------------------------------------------------------------------------------

class QueueItem(Doc):
    """Z-API's queue item (PascalCase, as Z-API answers)."""

    id_: str = Field(alias="_id")
    DelayMessage: int
    Message: str
    InstanceId: str
    Phone: str
    ZaapId: str
    DelayTyping: int
    MessageId: str
    Created: int
    CreatedAt: str
    Beta: bool
    IsTrial: bool
    Status: str


class QueuePage(Doc):
    messages: list[QueueItem]
    pagingState: str | None
    hasMore: bool


class QueueCount(Doc):
    count: int


class QueueCleared(Doc):
    value: bool
    deleted: int
