"""The one instance status enum, shared by the api (status answers) and the worker (live state)."""

from __future__ import annotations

from enum import StrEnum


class InstanceStatus(StrEnum):
    STARTING = "STARTING"
    QR_PENDING = "QR_PENDING"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"
    LOGGED_OUT = "LOGGED_OUT"
    BANNED = "BANNED"
    ERROR = "ERROR"
    STOPPED = "STOPPED"
