package io.bellhop.uploads.ocr;

/** The fields a document can yield; {@link #jsonName()} is the name in events and the API. */
public enum FieldName {
  /** MRZ layout: {@code TD1}, {@code TD2}, {@code TD3}, {@code MRV-A} or {@code MRV-B}. */
  MRZ_FORMAT("mrzFormat"),
  /** MRZ document code, e.g. {@code P}, {@code V}, {@code I}, {@code ID}. */
  DOCUMENT_CODE("documentCode"),
  ISSUING_COUNTRY("issuingCountry"),
  SURNAME("surname"),
  GIVEN_NAMES("givenNames"),
  /** For Aadhaar the masked form {@code XXXX XXXX 1234}, never the full number. */
  DOCUMENT_NUMBER("documentNumber"),
  NATIONALITY("nationality"),
  /** ISO date, {@code 1974-08-12}. */
  BIRTH_DATE("birthDate"),
  /** {@code M}, {@code F} or {@code X} (unspecified). */
  SEX("sex"),
  /** ISO date; for a driving licence, the end of its validity. */
  EXPIRY_DATE("expiryDate"),
  /** ISO date a driving licence was issued. */
  ISSUE_DATE("issueDate"),
  /** MRZ optional data (a personal number on TD3 passports), fillers removed. */
  OPTIONAL_DATA("optionalData"),
  /** TD1's second optional data element (line 2). */
  OPTIONAL_DATA_2("optionalData2"),
  /** PAN holder type from its fourth letter, e.g. {@code PERSON}, {@code COMPANY}. */
  HOLDER_TYPE("holderType"),
  /** Name printed on an Indian document, when found. */
  NAME("name"),
  /** Indian state or union territory code of a driving licence, e.g. {@code MH}. */
  STATE_CODE("stateCode"),
  /** All the text of a document without a known layout. */
  TEXT("text");

  private final String jsonName;

  FieldName(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }
}
