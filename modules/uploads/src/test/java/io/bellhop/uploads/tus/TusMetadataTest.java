package io.bellhop.uploads.tus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.uploads.DeclaredUpload;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TusMetadataTest {
  private static final String REQUIRED =
      "filename "
          + b64("pässport 1.jpg")
          + ",filetype "
          + b64("image/jpeg")
          + ",documentType "
          + b64("passport")
          + ",guestId "
          + b64("g1")
          + ",propertyId "
          + b64("p1");

  @Test
  void theFiveRequiredKeysAndTheOptionalSha256BecomeTheDeclaration() throws Exception {
    String sha = "ab".repeat(32);
    DeclaredUpload declared =
        TusMetadata.declared(REQUIRED + ",sha256 " + b64(sha) + ",name " + b64("x"), 42);

    assertEquals(
        new DeclaredUpload("pässport 1.jpg", 42, "image/jpeg", "passport", "g1", "p1", sha),
        declared);
    assertNull(TusMetadata.declared(REQUIRED, 42).sha256());
  }

  @Test
  void theDeclarationEncodesBackToTheSameKeysOnly() throws Exception {
    DeclaredUpload declared = TusMetadata.declared(REQUIRED + ",relativePath", 42);

    assertEquals(declared, TusMetadata.declared(TusMetadata.encode(declared), 42));
    assertEquals(REQUIRED, TusMetadata.encode(declared));
  }

  @Test
  void aKeyWithoutAValueIsEmptyAndARequiredOneMissingOrEmptyIsRefusedByName() {
    var missing =
        assertThrows(
            TusMetadata.BadMetadata.class,
            () -> TusMetadata.declared(REQUIRED.replace(",guestId " + b64("g1"), ""), 1));
    assertTrue(missing.getMessage().contains("guestId"), missing.getMessage());
    var empty =
        assertThrows(
            TusMetadata.BadMetadata.class,
            () -> TusMetadata.declared(REQUIRED.replace("guestId " + b64("g1"), "guestId"), 1));
    assertTrue(empty.getMessage().contains("guestId"), empty.getMessage());
  }

  @Test
  void malformedHeadersAreRefusedWithoutEchoingValues() {
    for (String header :
        new String[] {
          REQUIRED + ",filename " + b64("again"),
          REQUIRED + ",bad key",
          "filename not-base64!",
          "filename " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}),
          "a b c",
          "x".repeat(9000),
        }) {
      var refused =
          assertThrows(TusMetadata.BadMetadata.class, () -> TusMetadata.parse(header), header);
      assertTrue(!refused.getMessage().contains("not-base64"), refused.getMessage());
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
