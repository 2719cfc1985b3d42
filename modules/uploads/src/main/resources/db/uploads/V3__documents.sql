-- One row per completed upload: the document and its OCR job. The row is inserted in the
-- transaction that completes the upload session, so a crash never loses a job. OCR workers on any
-- node claim due rows with SELECT ... FOR UPDATE SKIP LOCKED and a lease (claimed_until); a row
-- whose lease ran out (its node died) is due again. Every claim increments attempts, and a result
-- is only stored by the claim whose attempt number is still current (the fence). See
-- io.bellhop.uploads.documents.DocumentJobs.
CREATE TABLE documents (
    file_id          text        PRIMARY KEY,
    org_id           text        NOT NULL,
    user_id          text        NOT NULL,
    guest_id         text        NOT NULL,
    property_id      text        NOT NULL,
    document_type    text        NOT NULL,
    filename         text        NOT NULL,
    mimetype         text        NOT NULL,
    size             bigint      NOT NULL CHECK (size >= 0),
    sha256           text        NOT NULL,
    ocr_status       text        NOT NULL
        CHECK (ocr_status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'SKIPPED')),
    attempts         integer     NOT NULL CHECK (attempts >= 0),
    claimed_by       text,
    claimed_until    timestamptz,
    -- {"fields": {name: {value, confidence, valid, checksum, needsReview}}, "confidence",
    --  "needsReview", "reviewReasons"}: parsed fields only, never OCR text of an ID document.
    ocr_result       jsonb,
    ocr_error        text,
    pages            integer,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    ocr_finished_at  timestamptz
);

CREATE INDEX documents_ocr_due ON documents (created_at) WHERE ocr_status IN ('PENDING', 'RUNNING');
