-- The outbox is read from Postgres by the sender (NATS only rings a bell), so its hot queries need:
-- the oldest live row of an instance, and the exact count under the cap (QUEUED or SENDING).
CREATE INDEX outbox_live ON outbox (instance_id, seq) WHERE status IN ('QUEUED', 'SENDING');
DROP INDEX IF EXISTS outbox_queued;

-- Idempotency-Key: a retried send with the same key answers with the first one's zaapId.
CREATE TABLE outbox_keys (
    instance_id text        NOT NULL REFERENCES instances (id),
    key         text        NOT NULL,
    zaap_id     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, key)
);
CREATE INDEX outbox_keys_created ON outbox_keys (created_at);
