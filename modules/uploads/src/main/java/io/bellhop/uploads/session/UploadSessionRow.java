package io.bellhop.uploads.session;

import io.bellhop.uploads.UploadState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code uploads.upload_sessions}.
 *
 * @param contentType the type sniffed from the bytes, once validation has seen them
 */
@MappedEntity(value = "upload_sessions", schema = "uploads")
record UploadSessionRow(
    @Id String id,
    String orgId,
    String userId,
    String guestId,
    String propertyId,
    String documentType,
    String filename,
    long declaredSize,
    String mimetype,
    @Nullable String declaredSha256,
    long committed,
    long writerGeneration,
    @Nullable String sha256,
    UploadState state,
    Instant expiresAt,
    Instant createdAt,
    Instant updatedAt,
    @Nullable String contentType) {

  boolean ownedBy(String orgId, String userId) {
    return this.orgId.equals(orgId) && this.userId.equals(userId);
  }
}
