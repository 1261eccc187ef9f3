"""Every stream, subject and key name in one place, derived from the configured prefixes."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from gateway.core.config import Settings


@dataclass(frozen=True, slots=True)
class Names:
    redis_prefix: str
    nats_prefix: str
    partitions: int = 16

    @classmethod
    def from_settings(cls, settings: Settings) -> Names:
        return cls(settings.redis_prefix, settings.nats_prefix)

    # JetStream
    @property
    def events_stream(self) -> str:
        return f"{self.nats_prefix.upper()}_EVENTS"

    def partition_of(self, instance: str) -> int:
        return zlib.crc32(instance.encode()) % self.partitions

    def partition_subject(self, partition: int) -> str:
        return f"{self.nats_prefix}.evt.{partition}.>"

    def dispatch_durable(self, partition: int) -> str:
        return f"{self.nats_prefix}-dispatch-p{partition}"

    @property
    def replay_subject(self) -> str:
        """Core NATS broadcast: dead letters were re-opened (payload: partition number)."""
        return f"{self.nats_prefix}.replay"

    def event_subject(self, partition: int, instance: str) -> str:
        return f"{self.nats_prefix}.evt.{partition}.{instance}"

    @property
    def event_subjects(self) -> str:
        return f"{self.nats_prefix}.evt.>"

    def bell_subject(self, instance: str) -> str:
        """Core NATS (no stream): the api rings it after committing a send; the instance's sender wakes."""
        return f"{self.nats_prefix}.bell.{instance}"

    def control_subject(self, instance: str) -> str:
        return f"{self.nats_prefix}.ctl.{instance}"

    def worker_subject(self, worker: str) -> str:
        """Core NATS: a worker answers here while its connection is up; "no responders" means it is gone."""
        return f"{self.nats_prefix}.wrk.{worker}"

    @property
    def placement_subject(self) -> str:
        """Core NATS broadcast: instances were created, deleted or their desired state changed."""
        return f"{self.nats_prefix}.placement"

    @property
    def auth_forget_subject(self) -> str:
        """Core NATS broadcast: an instance was deleted or its token rotated (payload: its id); every api drops
        what it cached of it (``gateway/api/auth_cache.py``)."""
        return f"{self.nats_prefix}.auth.forget"

    # Redis
    def lease_key(self, instance: str) -> str:
        return f"{self.redis_prefix}:lease:{{{instance}}}"

    def fence_key(self, instance: str) -> str:
        return f"{self.redis_prefix}:fence:{{{instance}}}"

    def state_key(self, instance: str) -> str:
        return f"{self.redis_prefix}:state:{{{instance}}}"

    def members_key(self, group: str) -> str:
        """Heartbeat set of a role's live members (``workers``, ``dispatchers``)."""
        return f"{self.redis_prefix}:{group}"

    def worker_key(self, worker: str) -> str:
        return f"{self.redis_prefix}:worker:{worker}"

    def sandbox_sent_key(self, instance: str) -> str:
        """Sandbox engine: every send, in order (the simulated phone's record)."""
        return f"{self.redis_prefix}:sandbox:sent:{{{instance}}}"

    def rate_key(self, key: str) -> str:
        return f"{self.redis_prefix}:rate:{{{key}}}"

    def auth_failures_key(self, client: str) -> str:
        return f"{self.redis_prefix}:authfail:{{{client}}}"

    def auth_block_key(self, client: str) -> str:
        return f"{self.redis_prefix}:authblock:{{{client}}}"

    def dashboard_session_key(self, session_hash: str) -> str:
        """A dashboard sign-in, keyed by the hash of its cookie's id (Redis never holds the id itself)."""
        return f"{self.redis_prefix}:dash:{{{session_hash}}}"

    def sandbox_sent_index(self, instance: str) -> str:
        return f"{self.redis_prefix}:sandbox:sentidx:{{{instance}}}"

    @property
    def audit_key(self) -> str:
        return f"{self.redis_prefix}:audit"
