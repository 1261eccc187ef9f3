-- The sandbox engine's simulated account: per instance, named JSON parts (profile, book, chat:<jid>,
-- records:<kind>): its profile and privacy, address book, chats and the records of what left the phone.
-- Survives a change of worker.
CREATE TABLE sandbox_account (
    instance_id text        NOT NULL REFERENCES instances (id),
    part        text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, part)
);
