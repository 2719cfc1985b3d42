package io.bellhop.uploads.documents;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code uploads.documents}: a completed upload and its OCR job. */
@MappedEntity(value = "documents", schema = "uploads")
record DocumentRow(
    @Id String fileId,
    String orgId,
    String userId,
    String guestId,
    String propertyId,
    String documentType,
    String filename,
    String mimetype,
    long size,
    String sha256,
    OcrStatus ocrStatus,
    int attempts,
    @Nullable String claimedBy,
    @Nullable Instant claimedUntil,
    @Nullable String ocrResult,
    @Nullable String ocrError,
    @Nullable Integer pages,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant ocrFinishedAt) {}
