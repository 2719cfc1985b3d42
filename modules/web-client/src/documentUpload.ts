/**
 * `<DocumentUpload>`: a file picker that uploads one document with UploadClient, shows progress,
 * speed and time left, pauses and resumes, says what went wrong in words, and once the file is
 * stored shows what OCR read from it. Unstyled: class names (`bellhop-upload…`) for the page's CSS.
 */
import { createElement as h, useContext, useEffect, useRef, useState } from "react";
import {
  acceptFor,
  describeOcr,
  describeProgress,
  describeUploadError,
  DocumentType,
  fieldLabel,
  fetchDocumentOcr,
  OcrField,
  OcrResult,
  ocrFinished,
  ocrFromEvent,
} from "./documents.js";
import { ClientContext } from "./reactContext.js";
import type { FetchLike } from "./transport.js";
import { UploadClient, UploadComplete, UploadFile, UploadOptions, UploadStatus } from "./upload.js";
import { PendingUpload, UploadResumeStore, UploadStorage } from "./uploadResume.js";

export interface DocumentUploadProps {
  token: () => string | Promise<string>;
  documentType: DocumentType;
  guestId: string;
  propertyId: string;
  /** Origin of the Bellhop server; "" or absent = this page. */
  baseUrl?: string;
  /** The picker's label. Default: "Document file". */
  label?: string;
  onComplete?: (result: UploadComplete) => void;
  onOcr?: (ocr: OcrResult) => void;
  /** Without a <RealtimeProvider> around it, how often to ask for the OCR result. Default 2 s. */
  ocrPollMs?: number;
  /** Passed to every UploadClient (sockets, storage, window…); tests inject here. */
  uploadOptions?: Partial<UploadOptions>;
  fetch?: FetchLike;
}

const OCR_POLLS = 90;

export function DocumentUpload(props: DocumentUploadProps) {
  const { documentType, guestId } = props;
  const [upload, setUpload] = useState<UploadClient | undefined>();
  const [status, setStatus] = useState<UploadStatus | undefined>();
  const [ocr, setOcr] = useState<OcrResult | undefined>();
  const latest = useRef(props);
  latest.current = props;
  const storage = props.uploadOptions?.storage === undefined ? browserStorage() : props.uploadOptions.storage;
  const interrupted = storage && !upload ? pendingFor(storage, documentType, guestId) : [];

  // Unmounting stops the display, not the upload: it finishes in the background (or a reload
  // resumes it), which is what someone who navigated away mid-upload expects.
  useEffect(() => {
    if (!upload) return;
    const off = upload.onChange(setStatus);
    void upload.start();
    return off;
  }, [upload]);

  const result = status?.result;
  useEffect(() => {
    if (result) latest.current.onComplete?.(result);
  }, [result]);
  useOcr(result, props, (found) => {
    setOcr(found);
    if (ocrFinished(found)) latest.current.onOcr?.(found);
  });

  const choose = (file: UploadFile | undefined) => {
    if (!file || (status && !isFinal(status.state))) return;
    setOcr(undefined);
    setStatus(undefined);
    setUpload(
      new UploadClient({
        baseUrl: props.baseUrl,
        token: props.token,
        file,
        documentType,
        guestId,
        propertyId: props.propertyId,
        ...props.uploadOptions,
      }),
    );
  };

  const active = status !== undefined && !isFinal(status.state);
  const canPause = status !== undefined && ["hashing", "uploading", "reconnecting"].includes(status.state);
  const paused = status?.state === "paused";
  return h(
    "section",
    { className: "bellhop-upload", "aria-label": `Upload a ${documentType.replace(/_/g, " ")}`, "data-state": status?.state ?? "idle" },
    h(
      "label",
      { className: "bellhop-upload-file" },
      props.label ?? "Document file",
      h("input", {
        type: "file",
        accept: acceptFor(documentType),
        disabled: active,
        onChange: (e: { target: { files: ArrayLike<UploadFile> | null } }) => choose(e.target.files?.[0]),
      }),
    ),
    interrupted.length > 0 &&
      h(
        "p",
        { className: "bellhop-upload-interrupted" },
        `An upload of ${interrupted.map((p) => p.name).join(", ")} was interrupted: choose the same file again to continue where it stopped.`,
      ),
    status &&
      h(
        "div",
        { className: "bellhop-upload-progress" },
        h("progress", {
          max: 100,
          value: Math.floor(status.state === "hashing" ? (100 * (status.hashed ?? 0)) / Math.max(1, status.size) : status.percent),
          "aria-label": status.state === "hashing" ? "Checksum progress" : "Upload progress",
        }),
        h("span", { className: "bellhop-upload-status", role: "status", "aria-live": "polite" }, describeProgress(status)),
        (canPause || paused) &&
          h(
            "button",
            { type: "button", onClick: () => (paused ? upload?.resume() : upload?.pause()) },
            paused ? "Resume" : "Pause",
          ),
        active && h("button", { type: "button", className: "secondary", onClick: () => void upload?.cancel() }, "Cancel"),
      ),
    status?.error &&
      h(
        "p",
        { className: "bellhop-upload-error", role: status.state === "failed" ? "alert" : undefined },
        status.state === "failed" ? describeUploadError(status.error) : `Retrying after ${describeUploadError(status.error)}`,
      ),
    result && h(OcrPanel, { ocr }),
  );
}

/** The OCR result of a stored file: from the event stream when there is one, else by asking. */
function useOcr(result: UploadComplete | undefined, props: DocumentUploadProps, found: (ocr: OcrResult) => void): void {
  const client = useContext(ClientContext);
  const report = useRef(found);
  report.current = found;
  useEffect(() => {
    if (!result) return;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const take = (ocr: OcrResult | undefined) => {
      if (done || !ocr) return;
      report.current(ocr);
      if (ocrFinished(ocr)) {
        done = true;
        clearTimeout(timer);
      }
    };
    const off = client?.on("guest", (event) => take(ocrFromEvent(event, result.fileId)));
    let polls = 0;
    const ask = async () => {
      try {
        take(await fetchDocumentOcr(props.baseUrl ?? "", result.url, await props.token(), props.fetch));
      } catch {
        // asked again below, or the event brings it
      }
      if (!done && !client && ++polls < OCR_POLLS) timer = setTimeout(ask, props.ocrPollMs ?? 2000);
    };
    void ask(); // also covers an event that came before this subscription
    return () => {
      done = true;
      off?.();
      clearTimeout(timer);
    };
  }, [result, client]);
}

function OcrPanel(props: { ocr: OcrResult | undefined }) {
  const { ocr } = props;
  const fields = Object.entries(ocr?.fields ?? {});
  const pending = !ocrFinished(ocr);
  return h(
    "section",
    { className: "bellhop-upload-ocr", "aria-label": "What OCR read", "aria-busy": pending },
    h("p", { className: "bellhop-upload-ocr-status", role: "status" }, describeOcr(ocr)),
    fields.length > 0 &&
      h(
        "table",
        null,
        h("caption", null, "Fields read from the document"),
        h("thead", null, h("tr", null, ...["Field", "Value", "Confidence", "Check"].map((t) => h("th", { key: t, scope: "col" }, t)))),
        h("tbody", null, ...fields.map(([name, field]) => h(FieldRow, { key: name, name, field }))),
      ),
  );
}

function FieldRow(props: { name: string; field: OcrField }) {
  const { name, field } = props;
  const check = field.needsReview ? "needs review" : field.valid ? "valid" : "invalid";
  return h(
    "tr",
    { "data-field": name, "data-review": field.needsReview ? "true" : "false" },
    h("th", { scope: "row" }, fieldLabel(name)),
    h("td", { className: "mono" }, field.value),
    h("td", null, `${Math.round(field.confidence * 100)} %`),
    h("td", null, check),
  );
}

function isFinal(state: string): boolean {
  return state === "complete" || state === "failed" || state === "cancelled";
}

function pendingFor(storage: UploadStorage, type: DocumentType, guestId: string): PendingUpload[] {
  return new UploadResumeStore(storage).pending().filter((p) => p.documentType === type && p.guestId === guestId);
}

function browserStorage(): UploadStorage | null {
  try {
    return typeof localStorage !== "undefined" ? localStorage : null;
  } catch {
    return null;
  }
}
