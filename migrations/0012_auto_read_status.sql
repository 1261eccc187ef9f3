-- Z-API's update-auto-read-status: mark the statuses (stories) contacts post as seen.
ALTER TABLE instances ADD COLUMN auto_read_status boolean NOT NULL DEFAULT false;

-- forward-message finds the content of a message this gateway sent by its WhatsApp id
CREATE INDEX outbox_message_id ON outbox (instance_id, message_id) WHERE message_id IS NOT NULL;
