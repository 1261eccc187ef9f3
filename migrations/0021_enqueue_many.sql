-- The sends an api accepted at the same moment, committed in one statement (gateway/infra/db/outbox_batch.py).
-- The per-instance locks are taken first, in instance order, so two concurrent batches cannot deadlock; then
-- each row goes through zapgate_enqueue in the order given (the request order: seq, cap and Idempotency-Key
-- behave as if the rows came one by one). Answers one (ord, zaap_id, queued) per row, ord counting from 1.
CREATE FUNCTION zapgate_enqueue_many(p_zaap_ids text[], p_instance_ids text[], p_kinds text[], p_phones text[],
                                     p_payloads bytea[], p_delay_messages double precision[],
                                     p_delay_typings double precision[], p_keys text[], p_cap integer,
                                     p_key_ttl_s double precision)
RETURNS TABLE (ord integer, zaap_id text, queued boolean)
LANGUAGE plpgsql AS $$
DECLARE
    locked text;
BEGIN
    FOR locked IN SELECT DISTINCT i FROM unnest(p_instance_ids) AS i ORDER BY i LOOP
        PERFORM pg_advisory_xact_lock(hashtext('zapgate:outbox:' || locked));
    END LOOP;
    FOR n IN 1 .. coalesce(array_length(p_zaap_ids, 1), 0) LOOP
        RETURN QUERY SELECT n, e.zaap_id, e.queued
          FROM zapgate_enqueue(p_zaap_ids[n], p_instance_ids[n], p_kinds[n], p_phones[n], p_payloads[n], NULL,
                               p_delay_messages[n], p_delay_typings[n], p_cap, p_keys[n], p_key_ttl_s) AS e;
    END LOOP;
END;
$$;
