package io.bellhop.events.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bellhop.events.Service;
import io.bellhop.platform.CloseCode;
import io.bellhop.realtime.Refusal;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handshake carries the credential: anything not of the documented shape is refused. */
class HandshakeTest {

  private static void refused(String frame) {
    Refusal r = assertThrows(Refusal.class, () -> Handshake.parse(frame), frame);
    assertEquals(CloseCode.BAD_HANDSHAKE, r.close(), frame);
  }

  @Test
  void aWellFormedHandshakeIsReadWhole() {
    Handshake h =
        Handshake.parse(
            "{\"token\":\"t\",\"services\":[\"finance\",\"guest\"],\"version\":1,"
                + "\"filters\":{\"propertyId\":123},\"lastSeq\":42,\"epoch\":\"e1\",\"later\":{\"x\":[1]}}");
    assertEquals("t", h.token());
    assertEquals(Set.of(Service.FINANCE, Service.GUEST), h.services());
    assertEquals("123", h.propertyId());
    assertEquals(42, h.lastSeq());
    assertEquals("e1", h.epoch());
  }

  @Test
  void absentOrNullFieldsMeanTheDefaults() {
    for (String frame :
        new String[] {
          "{}",
          "{\"token\":null,\"services\":null,\"version\":null,\"filters\":null,"
              + "\"lastSeq\":null,\"epoch\":null}"
        }) {
      Handshake h = Handshake.parse(frame);
      assertNull(h.token());
      assertEquals(EnumSet.allOf(Service.class), h.services());
      assertNull(h.propertyId());
      assertFalse(h.resumes());
      assertNull(h.epoch());
    }
  }

  @Test
  void aTokenHiddenInsideAnotherFieldIsRefusedNotFound() {
    refused("{\"epoch\":{\"token\":\"jwt\"}}");
    refused("{\"filters\":{\"propertyId\":{\"token\":\"jwt\"}}}");
    refused("{\"services\":[{\"token\":\"jwt\"}]}");
  }

  @Test
  void theTokenAndEpochMustBeStrings() {
    refused("{\"token\":{\"value\":\"jwt\"}}");
    refused("{\"token\":[\"jwt\"]}");
    refused("{\"token\":42}");
    refused("{\"epoch\":7}");
    refused("{\"epoch\":true}");
  }

  @Test
  void theVersionMustBeTheInteger1() {
    assertEquals(1, Handshake.parse("{\"version\":1}").version());
    refused("{\"version\":\"abc\"}");
    refused("{\"version\":\"1\"}");
    refused("{\"version\":1.9}");
    refused("{\"version\":1.0}");
    refused("{\"version\":2}");
    refused("{\"version\":4294967297}");
    refused("{\"version\":[1]}");
  }

  @Test
  void theCursorMustBeANonNegativeInteger() {
    assertEquals(0, Handshake.parse("{\"lastSeq\":0}").lastSeq());
    assertEquals(Long.MAX_VALUE, Handshake.parse("{\"lastSeq\":" + Long.MAX_VALUE + "}").lastSeq());
    refused("{\"lastSeq\":-5}");
    refused("{\"lastSeq\":-1}");
    refused("{\"lastSeq\":4.5}");
    refused("{\"lastSeq\":\"42\"}");
    refused("{\"lastSeq\":99999999999999999999999}");
    refused("{\"lastSeq\":{\"n\":1}}");
  }

  @Test
  void servicesMustBeAnArrayOfNames() {
    refused("{\"services\":\"finance\"}");
    refused("{\"services\":[1]}");
    refused("{\"services\":[null]}");
    refused("{\"services\":[]}");
    Refusal unknown =
        assertThrows(Refusal.class, () -> Handshake.parse("{\"services\":[\"spa\"]}"));
    assertEquals("UNKNOWN_SERVICE", unknown.error().name());
  }

  @Test
  void thePropertyFilterIsAStringOrAnInteger() {
    assertEquals("7", Handshake.parse("{\"filters\":{\"propertyId\":\"7\"}}").propertyId());
    assertEquals("7", Handshake.parse("{\"filters\":{\"propertyId\":7}}").propertyId());
    refused("{\"filters\":{\"propertyId\":true}}");
    refused("{\"filters\":{\"propertyId\":7.5}}");
    refused("{\"filters\":{\"propertyId\":18446744073709551617}}");
    refused("{\"filters\":[]}");
    refused("{\"filters\":\"propertyId=7\"}");
  }

  @Test
  void nothingMayFollowTheObjectAndNoFieldMayRepeat() {
    refused("{\"token\":\"a\"} {\"token\":\"b\"}");
    refused("{\"token\":\"a\"}x");
    refused("{\"token\":\"a\"}[]");
    refused("{\"token\":\"a\",\"token\":\"b\"}");
    refused("{\"token\":\"a\"");
    refused("[{\"token\":\"a\"}]");
    refused("");
  }
}
