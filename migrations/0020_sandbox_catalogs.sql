-- The sandbox engine's simulated WhatsApp Business catalog: per instance, one row per item (product:<id>,
-- collection:<id>, config), its whole state as JSON. Survives a change of worker.
CREATE TABLE sandbox_catalogs (
    instance_id text        NOT NULL REFERENCES instances (id),
    item        text        NOT NULL,
    state       jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, item)
);
