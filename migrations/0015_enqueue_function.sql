-- One round trip per accepted send: the per-instance lock, the Idempotency-Key lookup, the exact cap check
-- and the insert run inside the server, in the statement's own transaction (the advisory lock is released
-- when it ends). Answers (zaap_id, queued): queued false = a key seen within key_ttl_s, with its first
-- zaapId; NULL zaap_id = the queue is full (nothing written).
CREATE FUNCTION zapgate_enqueue(p_zaap_id text, p_instance_id text, p_kind text, p_phone text, p_payload bytea,
                                p_media bytea, p_delay_message double precision, p_delay_typing double precision,
                                p_cap integer, p_key text, p_key_ttl_s double precision)
RETURNS TABLE (zaap_id text, queued boolean)
LANGUAGE plpgsql AS $$
DECLARE
    first_id text;
    depth bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('zapgate:outbox:' || p_instance_id));
    IF p_key IS NOT NULL THEN
        SELECT k.zaap_id INTO first_id FROM outbox_keys k
         WHERE k.instance_id = p_instance_id AND k.key = p_key
           AND k.created_at > now() - make_interval(secs => p_key_ttl_s);
        IF first_id IS NOT NULL THEN
            RETURN QUERY SELECT first_id, false;
            RETURN;
        END IF;
    END IF;
    SELECT count(*) INTO depth FROM outbox o
     WHERE o.instance_id = p_instance_id AND o.status IN ('QUEUED', 'SENDING');
    IF depth >= p_cap THEN
        RETURN QUERY SELECT NULL::text, false;
        RETURN;
    END IF;
    INSERT INTO outbox (zaap_id, instance_id, kind, phone, payload, media, delay_message, delay_typing)
    VALUES (p_zaap_id, p_instance_id, p_kind, p_phone, p_payload, p_media, p_delay_message, p_delay_typing);
    IF p_key IS NOT NULL THEN
        INSERT INTO outbox_keys (instance_id, key, zaap_id) VALUES (p_instance_id, p_key, p_zaap_id)
        ON CONFLICT (instance_id, key) DO UPDATE SET zaap_id = EXCLUDED.zaap_id, created_at = now();
    END IF;
    RETURN QUERY SELECT p_zaap_id, true;
END;
$$;
