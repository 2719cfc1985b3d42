package io.bellhop.realtime;

/**
 * A place under the per-user and per-org connection caps, held from the moment a connection's token
 * is verified until it ends. {@link #release()} gives it back, once, however often it is called.
 */
public interface ConnectionSlot {
  void release();
}
