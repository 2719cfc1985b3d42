package io.bellhop.uploads;

/** The life of an upload session: only {@link #OPEN} takes bytes; the others are final. */
public enum UploadState {
  OPEN,
  COMPLETE,
  /** Completion refused (checksum mismatch); the bytes are deleted. */
  FAILED,
  /** Not completed before its expiry; the bytes are deleted. */
  EXPIRED,
  /** Deleted by its owner; the row disappears once the bytes are gone. */
  DELETED
}
