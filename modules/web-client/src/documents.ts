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
  TOO_MANY_UPLOADS: "too many unfinished uploads under this sign-in; finish or cancel one first",
  DOCUMENT_NOT_FOUND: "no such document for this sign-in (deleted, or another org's or property's)",
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

/** 1.5 MB, 812 kB, 37 B (decimal units, as browsers show downloads). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

function formatEta(seconds: number): string {
  if (seconds < 1) return "under a second left";
  if (seconds < 90) return `${Math.round(seconds)} s left`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}

/** The progress of an upload in one line, for a status text next to its progress bar. */
export function describeProgress(s: {
  state: string;
  size: number;
  acknowledged: number;
  hashed?: number;
  bytesPerSec?: number;
  etaSeconds?: number;
  reconnects: number;
}): string {
  const of = `${formatBytes(s.acknowledged)} of ${formatBytes(s.size)}`;
  switch (s.state) {
    case "idle":
      return "No file chosen";
    case "hashing":
      return `Computing the checksum: ${formatBytes(s.hashed ?? 0)} of ${formatBytes(s.size)}`;
    case "uploading": {
      const speed = s.bytesPerSec === undefined ? [] : [`${formatBytes(Math.round(s.bytesPerSec))}/s`];
      const eta = s.etaSeconds === undefined ? [] : [formatEta(s.etaSeconds)];
      return [`Uploading ${of}`, ...speed, ...eta].join(" · ");
    }
    case "reconnecting":
      return `Connection lost at ${of}: reconnecting (attempt ${s.reconnects})`;
    case "paused":
      return `Paused at ${of}`;
    case "completing":
      return `Sent ${formatBytes(s.size)}: the server is checking the file`;
    case "complete":
      return `Uploaded ${formatBytes(s.size)}`;
    case "cancelled":
      return "Cancelled";
    default:
      return `Stopped at ${of}`;
  }
}

/** One field OCR read from a document. */
export interface OcrField {
  value: string;
  /** 0..1 */
  confidence: number;
  valid: boolean;
  needsReview: boolean;
}

/**
 * `status`: `pending` or `running` until OCR finished; then `done` (with the fields, name →
 * field), `failed` (with `error`) or `skipped` (no reader for the document type).
 */
export interface OcrResult {
  status: string;
  fields?: Record<string, OcrField>;
  /** The weakest field's confidence. */
  confidence?: number;
  needsReview?: boolean;
  /** Why it needs review, in words. */
  reviewReasons?: string[];
  error?: string;
}

/** Whether OCR has finished with this document (nothing more will come). */
export function ocrFinished(ocr: OcrResult | undefined): boolean {
  return ocr !== undefined && ocr.status !== "pending" && ocr.status !== "running";
}

/** One line on where OCR stands, e.g. "OCR done: 11 fields, 2 to review". */
export function describeOcr(ocr: OcrResult | undefined): string {
  if (!ocrFinished(ocr)) return "Reading the document…";
  const fields = Object.values(ocr!.fields ?? {});
  if (ocr!.status === "failed") return `OCR failed${ocr!.error ? `: ${ocr!.error}` : ""}`;
  if (ocr!.status === "skipped") return "OCR skipped: nothing is read from this document type";
  const review = fields.filter((f) => f.needsReview).length;
  return `OCR ${ocr!.status}: ${fields.length} field${fields.length === 1 ? "" : "s"}` +
    (review ? `, ${review} to review` : "") +
    (ocr!.reviewReasons?.length ? ` — ${ocr!.reviewReasons.join("; ")}` : "");
}

/** documentNumber or DOCUMENT_NUMBER → "Document number". */
export function fieldLabel(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The event that announces a document's OCR result (service `guest`). */
export const OCR_COMPLETED = "document.ocr.completed";

/** The OCR result from an event's payload, if the event is the OCR result for this file. */
export function ocrFromEvent(event: { type: string; payload: unknown }, fileId: string): OcrResult | undefined {
  const p = event.payload as (Partial<OcrResult> & { fileId?: string }) | null;
  if (event.type !== OCR_COMPLETED || !p || p.fileId !== fileId) return undefined;
  const { fileId: _fileId, ...ocr } = p;
  return { ...ocr, status: p.status ?? "done" };
}

/**
 * `GET /v2/documents/{fileId}` (the `url` of the upload's `complete`): the document's metadata and
 * its OCR result so far.
 */
export async function fetchDocumentOcr(
  baseUrl: string,
  url: string,
  token: string,
  fetchFn: (url: string, init?: RequestInit) => Promise<Response> = (u, i) => fetch(u, i),
): Promise<OcrResult | undefined> {
  const base = (baseUrl || (typeof location !== "undefined" ? location.origin : "")).replace(/\/$/, "");
  const res = await fetchFn(`${base}${url}`, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { ocr?: OcrResult };
  return body.ocr;
}
