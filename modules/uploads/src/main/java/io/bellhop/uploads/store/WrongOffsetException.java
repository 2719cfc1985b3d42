package io.bellhop.uploads.store;

import java.io.IOException;

/** An append or completion at an offset other than the stored length; nothing was changed. */
public final class WrongOffsetException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long stored;

  WrongOffsetException(String uploadId, long offset, long stored) {
    super("upload " + uploadId + ": offset " + offset + " but " + stored + " bytes stored");
    this.stored = stored;
  }

  /** The stored length when the store refused (another writer may have moved it since). */
  public long stored() {
    return stored;
  }
}
