package io.bellhop.uploads;

import io.micronaut.core.annotation.Nullable;

/**
 * What the client says it will upload. Only checked, stored and echoed: the filename never becomes
 * part of a path, and the declared mimetype is a first filter (the bytes are sniffed later).
 *
 * @param filename the client's name for the file, at most 255 characters, no control characters
 * @param size the exact number of bytes that will follow
 * @param mimetype the declared content type, e.g. {@code image/jpeg}
 * @param documentType a {@link DocumentType} wire name, e.g. {@code passport}
 * @param guestId the guest the document belongs to (id grammar)
 * @param propertyId the property the guest checks in at (id grammar); the token must allow it
 * @param sha256 the client's SHA-256 of the whole file (64 hex digits), checked at completion
 */
public record DeclaredUpload(
    String filename,
    long size,
    String mimetype,
    String documentType,
    String guestId,
    String propertyId,
    @Nullable String sha256) {}
