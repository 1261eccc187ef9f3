"""Prometheus metrics of the dispatch role."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PERSISTED = Counter("zapgate_events_persisted_total", "Events persisted (first time)", ["kind"])
DELIVERED = Counter("zapgate_webhooks_delivered_total", "Webhooks delivered", ["hook"])
RETRIED = Counter("zapgate_webhooks_retried_total", "Webhook attempts that will be retried", ["hook"])
DEAD_LETTERED = Counter("zapgate_webhooks_dead_lettered_total", "Webhooks dead-lettered", ["hook"])
DELIVERY_LATENCY = Histogram("zapgate_webhook_latency_seconds", "Webhook POST latency", ["hook"],
                             buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
CONSUMER_LAG = Gauge("zapgate_dispatch_consumer_lag", "Events in JetStream not yet acknowledged", ["partition"])
LANES = Gauge("zapgate_dispatch_lanes", "Instances with deliveries in progress")
PARTITIONS = Gauge("zapgate_dispatch_partitions", "Event partitions owned by this dispatcher")
RECORD_RETRIES = Counter("zapgate_dispatch_record_retries_total",
                         "Delivery outcomes whose write to Postgres failed and was retried (not re-POSTed)")
POISONED = Counter("zapgate_dispatch_poison_events_total",
                   "Events that could not be decoded or transformed, stored in poison_events instead")
