-- The sandbox engine's simulated channel (newsletter) world: one row per channel an instance's phone knows
-- (it created, follows or administers it, found it in the directory, or someone else made it), its whole
-- state as JSON. Survives a change of worker.
CREATE TABLE sandbox_newsletters (
    instance_id text        NOT NULL REFERENCES instances (id),
    jid         text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, jid)
);
