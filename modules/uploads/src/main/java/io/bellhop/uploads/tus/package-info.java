/**
 * The tus 1.0 front end at {@code /v2/documents/tus/}: core, creation, creation-with-upload,
 * expiration, checksum ({@code sha256}) and termination over the upload-session core ({@link
 * io.bellhop.uploads.Uploads}), so off-the-shelf clients (tus-js-client, Uppy) upload documents. A
 * PATCH body streams to the session's writer in batches of at most {@code
 * bellhop.uploads.commit-bytes}, each one durable step; see docs/uploads.md, "The tus front end".
 */
package io.bellhop.uploads.tus;
