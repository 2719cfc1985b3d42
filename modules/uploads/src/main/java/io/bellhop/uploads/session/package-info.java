/**
 * Upload sessions in PostgreSQL (schema {@code uploads}) and the fenced writers that move them
 * forward: {@code UploadSessions} implements {@link io.bellhop.uploads.Uploads}; {@code
 * UploadSweeper} removes expired sessions and their bytes. Internal to the uploads module.
 */
package io.bellhop.uploads.session;
