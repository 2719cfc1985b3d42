/**
 * Resumable document uploads: the public API the upload front ends (WebSocket, tus) and other
 * modules use. {@link io.bellhop.uploads.Uploads} opens, resumes, inspects and deletes upload
 * sessions; each open or resume hands out the one {@link io.bellhop.uploads.UploadWriter} allowed
 * to add bytes, and a newer one fences the older. Failures are {@link
 * io.bellhop.uploads.UploadException}s carrying a wire code ({@link io.bellhop.uploads.UploadError}
 * or the platform's shared {@code ErrorCode}).
 *
 * <p>The sessions (PostgreSQL) live in {@code io.bellhop.uploads.session}, the bytes (filesystem or
 * NATS JetStream) in {@code io.bellhop.uploads.store}; both are internal. See docs/uploads.md.
 */
package io.bellhop.uploads;
