-- Events dispatch cannot decode, transform or store: kept with the reason, so the partition moves on
-- and nothing leaves the pipeline silently. Idempotent on the body's hash (a redelivered batch).
CREATE TABLE poison_events (
    id          bigserial PRIMARY KEY,
    body_sha256 text        NOT NULL UNIQUE,
    partition   int         NOT NULL,
    stream_seq  bigint      NOT NULL,
    instance_id text,
    event_id    text,
    reason      text        NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX poison_events_instance ON poison_events (instance_id, id);

-- The newest lease fence dispatch has seen per instance (state events under an older fence are dropped).
CREATE INDEX events_instance_fence ON events (instance_id, fence);
