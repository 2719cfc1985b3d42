/**
 * Where upload bytes live: {@link io.bellhop.uploads.store.UploadStore} and its two backends,
 * {@code FileUploadStore} (a directory on one node) and {@code JetStreamUploadStore} (a JetStream
 * stream of chunks that every node shares), chosen by {@code bellhop.uploads.storage.backend}. Both
 * pass {@code UploadStoreContract}. Internal to the uploads module.
 */
package io.bellhop.uploads.store;
