-- The sandbox engine's simulated WhatsApp Business account: per instance, named JSON parts (labels, profile,
-- note:<chat jid>): its labels, its company profile and its chat notes. Survives a change of worker.
CREATE TABLE sandbox_business (
    instance_id text        NOT NULL REFERENCES instances (id),
    part        text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, part)
);
