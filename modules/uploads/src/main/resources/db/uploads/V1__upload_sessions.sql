-- One row per upload session. The committed offset only moves when the bytes before it are
-- durable in the upload store, and only by the writer whose generation is current (see
-- UploadSessions). Ended rows (failed, expired, deleted) are purged by the sweeper.
CREATE TABLE upload_sessions (
    id                 text        PRIMARY KEY,
    org_id             text        NOT NULL,
    user_id            text        NOT NULL,
    guest_id           text        NOT NULL,
    property_id        text        NOT NULL,
    document_type      text        NOT NULL,
    filename           text        NOT NULL,
    declared_size      bigint      NOT NULL CHECK (declared_size >= 0),
    mimetype           text        NOT NULL,
    declared_sha256    text,
    committed          bigint      NOT NULL CHECK (committed >= 0 AND committed <= declared_size),
    writer_generation  bigint      NOT NULL,
    sha256             text,
    state              text        NOT NULL
        CHECK (state IN ('OPEN', 'COMPLETE', 'FAILED', 'EXPIRED', 'DELETED')),
    expires_at         timestamptz NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);

CREATE INDEX upload_sessions_open_by_expiry ON upload_sessions (expires_at) WHERE state = 'OPEN';
CREATE INDEX upload_sessions_ended ON upload_sessions (updated_at)
    WHERE state IN ('FAILED', 'EXPIRED', 'DELETED');
