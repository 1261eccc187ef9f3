-- Media objects in the store (local directory or S3), so a retention job can delete expired ones.
CREATE TABLE media_objects (
    key          text        PRIMARY KEY,
    instance_id  text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    sha256       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX media_objects_expiry ON media_objects (expires_at);
