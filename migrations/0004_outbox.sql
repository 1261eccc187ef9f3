-- Outbound queue: one row per queued message (the truth), JetStream ZG_OUTBOX carries the order.
CREATE TABLE outbox (
    zaap_id        text        PRIMARY KEY,
    instance_id    text        NOT NULL REFERENCES instances (id),
    seq            bigserial   NOT NULL,
    kind           text        NOT NULL,
    phone          text        NOT NULL,
    payload        bytea       NOT NULL,
    media          bytea,
    delay_message  real,
    delay_typing   real        NOT NULL DEFAULT 0,
    status         text        NOT NULL DEFAULT 'QUEUED'
                               CHECK (status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED', 'DELETED')),
    message_id     text,
    attempts       integer     NOT NULL DEFAULT 0,
    error          text,
    fence          bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);
CREATE INDEX outbox_queued ON outbox (instance_id, seq) WHERE status = 'QUEUED';
CREATE INDEX outbox_message ON outbox (instance_id, message_id) WHERE message_id IS NOT NULL;
