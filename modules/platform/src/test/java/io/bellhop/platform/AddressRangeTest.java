package io.bellhop.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {
  private static boolean contains(String range, String address) throws Exception {
    return AddressRange.parse(range).contains(InetAddress.getByName(address));
  }

  @Test
  void aBlockContainsExactlyTheAddressesUnderItsPrefix() throws Exception {
    assertTrue(contains("10.0.0.0/8", "10.200.3.4"));
    assertFalse(contains("10.0.0.0/8", "11.0.0.1"));
    assertTrue(contains("192.168.4.0/22", "192.168.7.255"));
    assertFalse(contains("192.168.4.0/22", "192.168.8.0"));
    assertTrue(contains("127.0.0.20", "127.0.0.20"));
    assertFalse(contains("127.0.0.20", "127.0.0.21"));
    assertTrue(contains("fd00::/8", "fd12:3456::1"));
    assertFalse(contains("fd00::/8", "10.0.0.1"));
    assertTrue(contains("0.0.0.0/0", "8.8.8.8"));
  }

  @Test
  void hostNamesAndBadPrefixesAreRefusedNotLookedUp() {
    assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("lb.example.com"));
    assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(""));
  }
}
