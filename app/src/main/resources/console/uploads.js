// The console's upload panel: one document at a time through the browser client's UploadClient
// (WS /v2/documents/upload/stream), its progress, pause and resume, and the OCR fields once the
// event `guest`/`document.ocr.completed` for it arrives (or GET /v2/documents/{fileId} has them).
// End-to-end tests drive it through window.bellhopConsole.upload and its data-testid attributes.
import {
  UploadClient, UploadResumeStore, DOCUMENT_TYPES, acceptFor, describeOcr, describeProgress,
  describeUploadError, fetchDocumentOcr, fieldLabel, ocrFinished, ocrFromEvent,
} from "/console/client/index.js";

const DEFAULT_PROPERTY = "7";
const OCR_POLL_MS = 2000;
const OCR_POLLS = 90;
const FINAL = new Set(["complete", "failed", "cancelled"]);

/**
 * Wires the panel in `root` (the workspace) for a signed-in session. `token` gives the staff
 * token; `client` is the session's RealtimeClient. Returns the test hook.
 */
export function uploadPanel(root, { propertyId, token, client }) {
  const f = {};
  for (const el of root.querySelectorAll("[data-u]")) f[el.dataset.u] = el;
  const form = f.form;
  const hook = { client: undefined, states: [], ocr: undefined, status: () => hook.client?.state };
  let ocrWatch;

  f.type.replaceChildren(...Object.keys(DOCUMENT_TYPES).map((type) => {
    const option = Object.assign(document.createElement("option"), { value: type });
    option.textContent = type.replace(/_/g, " ");
    return option;
  }));
  // A token for one property can upload for that property only; an org-wide one for any.
  form.elements.propertyId.value = propertyId ?? DEFAULT_PROPERTY;
  form.elements.propertyId.readOnly = Boolean(propertyId);
  const setAccept = () => (f.file.accept = acceptFor(f.type.value));
  f.type.addEventListener("change", () => (setAccept(), showInterrupted()));
  form.elements.guestId.addEventListener("input", showInterrupted);
  setAccept();
  showInterrupted();

  f.file.addEventListener("change", () => {
    const file = f.file.files?.[0];
    if (file) start(file);
  });
  f.pause.addEventListener("click", () => {
    if (hook.client?.state.state === "paused") hook.client.resume();
    else hook.client?.pause();
  });
  f.cancel.addEventListener("click", () => void hook.client?.cancel());

  function start(file) {
    const guestId = form.elements.guestId.value.trim();
    const property = form.elements.propertyId.value.trim();
    if (!guestId || !property) {
      showError("Guest id and property are required.");
      f.file.value = "";
      return;
    }
    ocrWatch?.();
    hook.ocr = undefined;
    hook.states = [];
    f.ocr.hidden = true;
    f.fields.replaceChildren();
    const upload = new UploadClient({
      token, file, documentType: f.type.value, guestId, propertyId: property, storage: localStorage,
    });
    hook.client = upload;
    upload.onChange((s) => {
      if (hook.client !== upload) return;
      hook.states.push(s);
      render(s);
    });
    void upload.start().then((s) => {
      if (hook.client === upload && s.result) ocrWatch = watchOcr(s.result);
    });
  }

  function render(s) {
    const active = !FINAL.has(s.state);
    f.progress.hidden = false;
    f.bar.value = Math.floor(s.state === "hashing" ? (100 * (s.hashed ?? 0)) / Math.max(1, s.size) : s.percent);
    f.bar.setAttribute("aria-label", s.state === "hashing" ? "Checksum progress" : "Upload progress");
    f.status.textContent = describeProgress(s);
    f.status.dataset.state = s.state;
    f.pause.hidden = !["hashing", "uploading", "reconnecting", "paused"].includes(s.state);
    f.pause.textContent = s.state === "paused" ? "Resume" : "Pause";
    f.cancel.hidden = !active;
    for (const name of ["documentType", "guestId", "file"]) form.elements[name].disabled = active;
    if (s.error) showError(s.state === "failed" ? describeUploadError(s.error) : `Retrying after ${describeUploadError(s.error)}`);
    else showError(undefined);
    if (!active) {
      f.file.value = "";
      showInterrupted();
    }
  }

  function showError(text) {
    f.error.hidden = !text;
    f.error.textContent = text ?? "";
  }

  /** After a reload: which uploads of this guest and type can continue when their file is chosen. */
  function showInterrupted() {
    const guestId = form.elements.guestId.value.trim();
    const active = hook.client && !FINAL.has(hook.client.state.state);
    const pending = active ? [] : new UploadResumeStore(localStorage).pending()
      .filter((p) => p.documentType === f.type.value && p.guestId === guestId);
    f.interrupted.hidden = pending.length === 0;
    f.interrupted.textContent = pending.length === 0 ? "" :
      `The upload of ${pending.map((p) => p.name).join(", ")} was interrupted: choose the same file to continue where it stopped.`;
  }

  /** The OCR result: from the event stream, and asked for until it is no longer pending. */
  function watchOcr(result) {
    let done = false;
    let timer;
    let polls = 0;
    f.ocr.hidden = false;
    renderOcr({ status: "pending" });
    const take = (ocr) => {
      if (done || !ocr) return;
      renderOcr(ocr);
      if (ocrFinished(ocr)) {
        done = true;
        clearTimeout(timer);
      }
    };
    const off = client.on("guest", (event) => take(ocrFromEvent(event, result.fileId)));
    const ask = async () => {
      try {
        take(await fetchDocumentOcr("", result.url, await token()));
      } catch {
        // the next poll or the event brings it
      }
      // The stream may leave out `guest` (services chosen at sign-in): poll as well, slowly.
      if (!done && ++polls < OCR_POLLS) timer = setTimeout(ask, OCR_POLL_MS);
    };
    void ask();
    return () => {
      done = true;
      off();
      clearTimeout(timer);
    };
  }

  function renderOcr(ocr) {
    hook.ocr = ocr;
    const fields = Object.entries(ocr.fields ?? {});
    f.ocrStatus.textContent = describeOcr(ocr);
    f.ocrStatus.dataset.status = ocr.status;
    f.fields.replaceChildren(...fields.map(([name, field]) => fieldRow(name, field)));
  }

  return hook;
}

function fieldRow(name, field) {
  const tr = document.createElement("tr");
  tr.dataset.field = name;
  tr.dataset.review = String(Boolean(field.needsReview));
  const th = Object.assign(document.createElement("th"), { scope: "row" });
  th.textContent = fieldLabel(name);
  const cells = [
    [String(field.value ?? ""), "mono"],
    [typeof field.confidence === "number" ? `${Math.round(field.confidence * 100)} %` : "—"],
    [field.needsReview ? "needs review" : field.valid ? "valid" : "invalid", field.needsReview ? "warn" : ""],
  ].map(([text, cls]) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  });
  tr.append(th, ...cells);
  return tr;
}
