-- The transactional outbox: modules insert here in their own transactions (Outbox.add); the
-- relay publishes rows in id order and marks them. Names are unqualified: Flyway runs this with
-- the schema "outbox" first on the search path.
CREATE TABLE events (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id          text        NOT NULL,
    service           text        NOT NULL,
    type              text        NOT NULL,
    org_id            text        NOT NULL,
    property_id       text,
    occurred_at       text        NOT NULL,
    payload           text        NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- Set by the relay before its first publish of the row: when, and a log seq that any append
    -- of the row must exceed. A row still unmarked long after its first attempt may be in the
    -- log already, past the log's de-duplication window: the relay looks for it there first.
    first_attempt_at  timestamptz,
    attempt_after_seq bigint,
    -- Set once the log has the event (seq) or the relay gave up on it (rejected: why).
    published_at      timestamptz,
    seq               bigint,
    rejected          text,
    CONSTRAINT events_event_id_unique UNIQUE (event_id)
);

-- What the relay reads: pending rows in id order.
CREATE INDEX events_pending ON events (id) WHERE published_at IS NULL;

-- Retention deletes old published rows; rows arrive in created_at order, so a BRIN index finds
-- them at a fraction of a B-tree's size and insert cost.
CREATE INDEX events_created_at ON events USING brin (created_at);

-- Wakes the relay (LISTEN bellhop_outbox) at commit, on whichever node leads it. PostgreSQL
-- folds the notifications of one transaction into one.
CREATE FUNCTION notify_relay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('bellhop_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify_relay AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_relay();
