package io.bellhop.uploads;

/**
 * A finished upload: every declared byte stored, the SHA-256 checked, the file exposed.
 *
 * @param fileId the stored file's id; the upload id (one upload makes one file)
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 * @param size bytes stored
 * @param mimetype the type sniffed from the bytes (which may differ from the declared one)
 */
public record CompletedUpload(String fileId, String sha256, long size, String mimetype) {}
