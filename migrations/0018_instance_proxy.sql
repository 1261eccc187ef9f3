-- A per-instance outbound proxy (update-proxy), applied on the instance's next connect. The password has a
-- column of its own so that no query, answer or log line that shows the proxy has to carry it.
ALTER TABLE instances
    ADD COLUMN proxy_scheme text,
    ADD COLUMN proxy_host text,
    ADD COLUMN proxy_port integer,
    ADD COLUMN proxy_username text NOT NULL DEFAULT '',
    ADD COLUMN proxy_password text NOT NULL DEFAULT '',
    ADD CONSTRAINT instances_proxy_whole CHECK (
        (proxy_scheme IS NULL AND proxy_host IS NULL AND proxy_port IS NULL)
        OR (proxy_scheme IN ('http', 'https', 'socks5') AND proxy_host IS NOT NULL
            AND proxy_port BETWEEN 1 AND 65535));
