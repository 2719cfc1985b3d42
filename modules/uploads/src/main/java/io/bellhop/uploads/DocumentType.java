package io.bellhop.uploads;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The kinds of document guests upload, each with the content types it accepts. */
public enum DocumentType {
  PASSPORT(Kind.ID_DOCUMENT),
  VISA(Kind.ID_DOCUMENT),
  AADHAAR(Kind.ID_DOCUMENT),
  PAN(Kind.ID_DOCUMENT),
  DRIVING_LICENCE(Kind.ID_DOCUMENT),
  VOTER_ID(Kind.ID_DOCUMENT),
  PHOTO(Kind.IMAGE),
  STATEMENT(Kind.SPREADSHEET);

  private enum Kind {
    ID_DOCUMENT(Set.of("image/jpeg", "image/png", "image/webp", "application/pdf")),
    IMAGE(Set.of("image/jpeg", "image/png", "image/webp")),
    SPREADSHEET(
        Set.of(
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-excel"));

    @SuppressWarnings("ImmutableEnumChecker") // every value is a Set.of(...), which is immutable
    private final Set<String> mimetypes;

    Kind(Set<String> mimetypes) {
      this.mimetypes = mimetypes;
    }
  }

  private final Kind kind;

  DocumentType(Kind kind) {
    this.kind = kind;
  }

  /** The name on the wire, e.g. {@code driving_licence}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Passports and visas carry a machine-readable zone (ICAO 9303). */
  public boolean hasMrz() {
    return this == PASSPORT || this == VISA;
  }

  /** The content types this document type accepts (lower case, no parameters). */
  public Set<String> mimetypes() {
    return kind.mimetypes;
  }

  /** Whether {@code mimetype} (parameters such as {@code ;charset=} ignored) is accepted. */
  public boolean accepts(String mimetype) {
    if (mimetype == null) {
      return false;
    }
    int semicolon = mimetype.indexOf(';');
    String bare = semicolon < 0 ? mimetype : mimetype.substring(0, semicolon);
    return kind.mimetypes.contains(bare.trim().toLowerCase(Locale.ROOT));
  }

  /** The type named {@code wireName} exactly, if there is one. */
  public static Optional<DocumentType> fromWire(String wireName) {
    for (DocumentType t : values()) {
      if (t.wireName().equals(wireName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
