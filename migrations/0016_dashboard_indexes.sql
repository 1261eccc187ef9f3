-- The dashboard's minute charts read the last hour of deliveries and attempts. BRIN indexes follow the
-- insertion order these append-only tables already have, cost a few pages, and add next to nothing to the
-- inbound path's inserts (a B-tree on a timestamp would).
CREATE INDEX deliveries_created_brin ON deliveries USING brin (created_at);
CREATE INDEX delivery_attempts_at_brin ON delivery_attempts USING brin (at);
