-- Events a stopping worker could not publish (JetStream away): the next owner publishes them first.
CREATE TABLE capture_spill (
    id          bigserial   PRIMARY KEY,
    event_id    text        NOT NULL UNIQUE,
    instance_id text        NOT NULL,
    seq         bigint      NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX capture_spill_instance ON capture_spill (instance_id, id);
