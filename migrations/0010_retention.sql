-- Retention: every table that grows with traffic is pruned by age in batches (dispatch's retention job).
-- Indexes so each batch finds its rows without scanning the table.
CREATE INDEX events_created ON events (created_at);
CREATE INDEX deliveries_event_row ON deliveries (event_row);
CREATE INDEX deliveries_closed_created ON deliveries (created_at) WHERE state <> 'pending';
CREATE INDEX messages_updated ON messages (updated_at);
CREATE INDEX message_status_history_at ON message_status_history (at);
CREATE INDEX instance_status_history_at ON instance_status_history (at);
CREATE INDEX outbox_done_created ON outbox (created_at) WHERE status IN ('SENT', 'FAILED', 'DELETED');
CREATE INDEX poison_events_created ON poison_events (created_at);
