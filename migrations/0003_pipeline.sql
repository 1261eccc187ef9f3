-- Inbound pipeline: events (idempotent on event id), webhook deliveries with every attempt,
-- dead letters, messages and their status history, per-instance webhook secrets.
CREATE TABLE events (
    id          bigserial   PRIMARY KEY,
    event_id    text        NOT NULL UNIQUE,
    instance_id text        NOT NULL,
    kind        text        NOT NULL,
    seq         bigint      NOT NULL,
    fence       bigint      NOT NULL,
    at          timestamptz NOT NULL,
    body        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_instance ON events (instance_id, id);

CREATE TABLE deliveries (
    id              bigserial   PRIMARY KEY,
    event_row       bigint      NOT NULL REFERENCES events (id),
    instance_id     text        NOT NULL,
    partition       integer     NOT NULL,
    hook            text        NOT NULL,
    webhook_id      text        NOT NULL UNIQUE,
    payload         bytea       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_status     integer,
    last_error      text,
    first_try_at    timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_pending ON deliveries (partition, instance_id, id) WHERE state = 'pending';
CREATE INDEX deliveries_instance ON deliveries (instance_id, id);

CREATE TABLE delivery_attempts (
    id          bigserial   PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES deliveries (id),
    at          timestamptz NOT NULL DEFAULT now(),
    url         text        NOT NULL,
    status      integer,
    latency_ms  integer     NOT NULL,
    error       text
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id);

CREATE TABLE dead_letters (
    id          bigserial   PRIMARY KEY,
    delivery_id bigint      NOT NULL UNIQUE REFERENCES deliveries (id),
    instance_id text        NOT NULL,
    hook        text        NOT NULL,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz
);
CREATE INDEX dead_letters_instance ON dead_letters (instance_id, id) WHERE replayed_at IS NULL;

CREATE TABLE messages (
    instance_id text        NOT NULL,
    message_id  text        NOT NULL,
    chat        text        NOT NULL,
    from_me     boolean     NOT NULL,
    kind        text        NOT NULL,
    status      text        NOT NULL,
    at          timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, message_id)
);

CREATE TABLE message_status_history (
    id          bigserial   PRIMARY KEY,
    instance_id text        NOT NULL,
    message_id  text        NOT NULL,
    status      text        NOT NULL,
    at          timestamptz NOT NULL,
    UNIQUE (instance_id, message_id, status)
);
