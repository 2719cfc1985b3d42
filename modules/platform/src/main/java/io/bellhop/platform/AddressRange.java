package io.bellhop.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block in CIDR notation, e.g. {@code 10.0.0.0/8}, {@code fd00::/8} or one address. A
 * class, not a record: a record's equals would compare the address array by identity.
 */
final class AddressRange {
  private final byte[] network;
  private final int prefixBits;

  private AddressRange(byte[] network, int prefixBits) {
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /** Parses {@code a.b.c.d/n}, {@code ipv6/n} or a bare address (all its bits). */
  static AddressRange parse(String cidr) {
    String text = cidr.trim();
    int slash = text.indexOf('/');
    String host = slash < 0 ? text : text.substring(0, slash);
    if (host.isEmpty()
        || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
      throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
    }
    byte[] network;
    try {
      network = InetAddress.getByName(host).getAddress(); // a literal: never a DNS lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr, e);
    }
    int bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
    if (bits < 0 || bits > network.length * 8) {
      throw new IllegalArgumentException("prefix length out of range: " + cidr);
    }
    return new AddressRange(network, bits);
  }

  boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (network[full] & mask);
  }
}
