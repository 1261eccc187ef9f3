-- Chats as the gateway has seen them (dispatch keeps them in the transaction that stores the events):
-- messages, read receipts of our own, and the phone's app state (archived, pinned, muted...). The api's
-- GET chats reads them. last_message_ms = 0: no message seen yet; muted_until_ms 0 = not muted, -1 = forever.
-- jid: the phone JID of a 1:1 chat whenever the phone is known, else its LID JID; lid: its LID, once seen.
CREATE TABLE chats (
    instance_id     text        NOT NULL,
    jid             text        NOT NULL,
    lid             text,
    name            text,
    is_group        boolean     NOT NULL DEFAULT false,
    unread          integer     NOT NULL DEFAULT 0,
    last_message_ms bigint      NOT NULL DEFAULT 0,
    archived        boolean     NOT NULL DEFAULT false,
    pinned          boolean     NOT NULL DEFAULT false,
    muted_until_ms  bigint      NOT NULL DEFAULT 0,
    marked_unread   boolean     NOT NULL DEFAULT false,
    expiration_s    integer     NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, jid)
);
CREATE INDEX chats_listing ON chats (instance_id, pinned DESC, last_message_ms DESC, jid);
CREATE INDEX chats_lid ON chats (instance_id, lid) WHERE lid IS NOT NULL;

-- Who wrote a message (its author's JID): a read receipt in a group and an admin's delete need it.
ALTER TABLE messages ADD COLUMN sender text;

-- A poll's options, to name the votes WhatsApp sends as hashes (sha256 of each chosen option's name).
CREATE TABLE polls (
    instance_id text        NOT NULL,
    message_id  text        NOT NULL,
    options     text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance_id, message_id)
);
CREATE INDEX polls_created ON polls (created_at);
