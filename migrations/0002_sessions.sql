-- Sessions: the paired device (restore without a new QR), instance options, status history.
ALTER TABLE instances
    ADD COLUMN device_jid          text,
    ADD COLUMN phone               text,
    ADD COLUMN auto_read_message   boolean NOT NULL DEFAULT false,
    ADD COLUMN call_reject_auto    boolean NOT NULL DEFAULT false,
    ADD COLUMN call_reject_message text;

CREATE TABLE instance_status_history (
    id          bigserial   PRIMARY KEY,
    instance_id text        NOT NULL REFERENCES instances (id),
    status      text        NOT NULL,
    phone       text,
    error       text,
    worker_id   text,
    fence       bigint,
    at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX instance_status_history_instance_at ON instance_status_history (instance_id, at);
