-- The sandbox engine's simulated group world: one row per group an instance's phone knows (it created it,
-- was added, joined, asked to join or left it), its whole state as JSON. Survives a change of worker.
CREATE TABLE sandbox_groups (
    instance_id text        NOT NULL REFERENCES instances (id),
    jid         text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, jid)
);
