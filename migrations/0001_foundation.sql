-- Partners and instances: the foundation schema.
CREATE TABLE partners (
    id                bigserial PRIMARY KEY,
    name              text        NOT NULL UNIQUE,
    token_hash        text        NOT NULL UNIQUE,
    client_token_hash text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE instances (
    id                                 text        PRIMARY KEY CHECK (id ~ '^[0-9A-F]{32}$'),
    partner_id                         bigint      NOT NULL REFERENCES partners (id),
    name                               text        NOT NULL DEFAULT '',
    engine                             text        NOT NULL CHECK (engine IN ('neonize', 'sandbox')),
    token_hash                         text        NOT NULL,
    token_version                      integer     NOT NULL DEFAULT 1,
    webhook_secret_version             integer     NOT NULL DEFAULT 1,
    delivery_callback_url              text,
    received_callback_url              text,
    received_and_delivery_callback_url text,
    message_status_callback_url        text,
    connected_callback_url             text,
    disconnected_callback_url          text,
    presence_chat_callback_url         text,
    notify_sent_by_me                  boolean     NOT NULL DEFAULT false,
    desired_state                      text        NOT NULL DEFAULT 'running'
                                                   CHECK (desired_state IN ('running', 'stopped')),
    created_at                         timestamptz NOT NULL DEFAULT now(),
    updated_at                         timestamptz NOT NULL DEFAULT now(),
    due_at                             timestamptz NOT NULL DEFAULT now() + interval '100 years',
    deleted_at                         timestamptz
);

CREATE INDEX instances_partner_created ON instances (partner_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX instances_live ON instances (id) WHERE deleted_at IS NULL AND desired_state = 'running';
