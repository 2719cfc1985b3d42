package io.bellhop.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** Guards that the harness only ever talks to 127.0.0.0/8 and builds the source address list. */
final class Loopback {
  private Loopback() {}

  /** Resolves the URI's host and port, refusing anything outside the loopback range. */
  static InetSocketAddress require(URI uri) {
    try {
      InetAddress addr = InetAddress.getByName(uri.getHost());
      if (!addr.isLoopbackAddress()) {
        throw new IllegalArgumentException("refusing non-loopback target " + uri);
      }
      int port = uri.getPort();
      if (port < 0) {
        port = uri.getScheme().endsWith("s") ? 443 : 80;
      }
      return new InetSocketAddress(addr, port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve " + uri, e);
    }
  }

  /**
   * Source addresses 127.0.0.1 .. 127.0.0.k: each holds ~28k ephemeral ports, so spreading client
   * sockets over several of them lifts the per-address port limit.
   */
  static InetAddress[] sources(int k) {
    InetAddress[] out = new InetAddress[Math.max(1, k)];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i)});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
