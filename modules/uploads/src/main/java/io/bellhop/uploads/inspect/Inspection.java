package io.bellhop.uploads.inspect;

import io.micronaut.core.annotation.Nullable;

/**
 * What a complete upload was found to be.
 *
 * @param mimetype the sniffed content type, which replaces the declared one
 * @param statement a CSV statement's summary; null for every other file
 */
public record Inspection(String mimetype, @Nullable StatementSummary statement) {}
