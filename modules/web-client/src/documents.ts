/**
 * What the browser needs to know of Bellhop's document uploads: the document types with the
 * content types each accepts, and what every upload error means in words. Copies of the server's
 * io.bellhop.uploads.DocumentType and UploadError; a test reads both Java files and compares.
 */
export type DocumentType =
  | "passport"
  | "visa"
  | "aadhaar"
  | "pan"
  | "driving_licence"
  | "voter_id"
  | "photo"
  | "statement";

const ID_DOCUMENT = ["image/jpeg", "image/png", "image/webp", "application/pdf"];
const IMAGE = ["image/jpeg", "image/png", "image/webp"];
const SPREADSHEET = [
  "text/csv",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-excel",
];

/** Every document type with the content types the server accepts for it. */
export const DOCUMENT_TYPES: Readonly<Record<DocumentType, readonly string[]>> = {
  passport: ID_DOCUMENT,
  visa: ID_DOCUMENT,
  aadhaar: ID_DOCUMENT,
  pan: ID_DOCUMENT,
  driving_licence: ID_DOCUMENT,
  voter_id: ID_DOCUMENT,
  photo: IMAGE,
  statement: SPREADSHEET,
};

/** A file input's `accept` for the type; `.csv` etc. too, since browsers guess types by extension. */
export function acceptFor(type: DocumentType): string {
  const extensions: Record<string, string> = {
    "image/jpeg": ".jpg,.jpeg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
  };
  return DOCUMENT_TYPES[type].flatMap((m) => [m, extensions[m]]).join(",");
}

/**
 * The codes an upload can fail with, in words for the person uploading: the upload module's own
 * (UploadError) and the shared ones its socket sends.
 */
export const UPLOAD_ERRORS: Readonly<Record<string, string>> = {
  SIZE_EXCEEDED: "the file is larger than the server accepts",
  UNSUPPORTED_TYPE: "this kind of file is not accepted for this document type",
  CHECKSUM_MISMATCH: "the stored file differs from the one chosen (it changed while uploading?); it was discarded",
  OUT_OF_ORDER: "bytes arrived out of order; the upload resumes from the stored offset",
  UPLOAD_EXPIRED: "the upload expired before it was finished; start again",
  UPLOAD_NOT_FOUND: "the server has no such upload (deleted, expired or someone else's); start again",
  UPLOAD_TAKEN_OVER: "another tab or device resumed this upload and continues it",
  UPLOAD_CLOSED: "this upload is already complete or failed",
  UPLOAD_INCOMPLETE: "the server has not received the whole file yet",
  STORAGE_UNAVAILABLE: "the server could not store the file just now; it retries",
  UNAUTHORIZED: "the server did not accept the sign-in token",
  FORBIDDEN: "this property is outside what the token allows",
  BAD_REQUEST: "the server refused the upload's request",
  BAD_HANDSHAKE: "the server refused the upload's request",
  INTERNAL: "the server failed; try again",
  UPLOAD_REJECTED: "the server refused the file",
  UPLOAD_GONE: "the server no longer has this upload; start again",
  NETWORK: "the server cannot be reached",
  FILE_UNREADABLE: "the browser could not read the file (moved or deleted?)",
};

/** "CODE: what it means", or the server's message when the code is not known here. */
export function describeUploadError(error: { code: string; message?: string }): string {
  const meaning = UPLOAD_ERRORS[error.code] ?? error.message;
  return meaning ? `${error.code}: ${meaning}` : error.code;
}
