package io.bellhop.uploads.documents;

/**
 * A completed upload, as the session core hands it over to become a document with an OCR job.
 *
 * @param fileId the upload id
 * @param documentType the wire name, e.g. {@code passport}
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 */
public record NewDocument(
    String fileId,
    String orgId,
    String userId,
    String guestId,
    String propertyId,
    String documentType,
    String filename,
    String mimetype,
    long size,
    String sha256) {}
