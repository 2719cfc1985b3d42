-- What validation found in a complete upload (io.bellhop.uploads.inspect): the content type sniffed
-- from its bytes, which replaces the declared one, and for a CSV statement its summary (rows, a
-- header preview, the cells that start like a formula). Null until the upload completes.
ALTER TABLE upload_sessions
    ADD COLUMN content_type      text,
    ADD COLUMN statement_summary jsonb;
