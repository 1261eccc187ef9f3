"""Prometheus metrics of the gateway roles (one registry per process, the default one)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from prometheus_client import Counter, Gauge, Histogram, start_http_server

HTTP_REQUESTS = Counter("zapgate_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "zapgate_http_request_seconds", "HTTP request latency", ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
INSTANCES_RUNNING = Gauge("zapgate_worker_instances_running", "Engines running in this worker")
INSTANCES_BY_STATUS = Gauge("zapgate_worker_instances_by_status",
                            "Engines running in this worker by instance status (counted every lease renewal)",
                            ["status"])
LEASE_ACQUIRED = Counter("zapgate_lease_acquired_total", "Instance leases acquired")
LEASE_LOST = Counter("zapgate_lease_lost_total", "Instance leases lost while running")
LEASE_RENEWALS = Counter("zapgate_lease_renewals_total", "Lease renewals")
ENGINE_EVENTS = Counter("zapgate_engine_events_total", "Events emitted by engines", ["kind"])
CONTROL_REQUESTS = Counter("zapgate_control_requests_total", "Control requests answered", ["action", "ok"])
EVENTS_CAPTURED = Counter("zapgate_events_captured_total", "Engine events accepted into capture", ["kind"])
EVENTS_PUBLISHED = Counter("zapgate_events_published_total", "Events published to JetStream")
FAST_SENDS = Counter("zapgate_api_fast_sends_total", "Send requests served by the api's fast path (send_fast.py)")
OUTBOX_QUEUED = Counter("zapgate_outbox_queued_total", "Messages accepted into the send queue")
OUTBOX_SENT = Counter("zapgate_outbox_sent_total", "Queued messages sent")
OUTBOX_FAILED = Counter("zapgate_outbox_failed_total", "Queued messages that failed for good")
QUEUE_DEPTH = Gauge("zapgate_outbox_depth", "Messages waiting in the queue", ["instance"])
SEND_LATENCY = Histogram("zapgate_outbox_enqueue_to_sent_seconds", "Enqueue → sent latency",
                         buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600))
CAPTURE_BUFFERED = Gauge("zapgate_capture_buffered", "Events captured and not yet published")

EVENTS_STREAM_BYTES = Gauge("zapgate_events_stream_bytes", "Undelivered events held in JetStream, in bytes")
EVENTS_STREAM_FULL = Gauge("zapgate_events_stream_full",
                           "1 when the events stream is at its byte cap (capture is refused and waits)")


@contextlib.contextmanager
def metrics_server(port: int, host: str) -> Iterator[None]:
    """Serve ``/metrics`` on ``port`` (0: not at all) for the life of the block."""
    if not port:
        yield
        return
    server, thread = start_http_server(port, addr=host)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
