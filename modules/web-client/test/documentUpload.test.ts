import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement } from "react";
import TestRenderer, { act } from "react-test-renderer";
import { render } from "./render.js";
import { RealtimeClient, SocketLike } from "../src/client.js";
import { DocumentUpload, RealtimeProvider } from "../src/react.js";
import { fieldLabel } from "../src/documents.js";
import { MemoryUploadStorage, UploadResumeStore } from "../src/uploadResume.js";
import { UploadSocketLike } from "../src/upload.js";
import { patternFile } from "./scriptedUpload.js";

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;


/** Upload sockets whose server side the test plays. */
function uploadSockets() {
  const sockets: (UploadSocketLike & { sent: number; handshake?: any })[] = [];
  const createSocket = () => {
    const s = {
      sent: 0, handshake: undefined as any, onopen: null, onmessage: null, onclose: null,
      send(data: string | ArrayBuffer) {
        if (typeof data === "string") s.handshake = JSON.parse(data);
        else s.sent += data.byteLength;
      },
      close() {},
    } as UploadSocketLike & { sent: number; handshake?: any };
    sockets.push(s);
    queueMicrotask(() => s.onopen?.({}));
    return s;
  };
  const server = (msg: unknown) => sockets.at(-1)!.onmessage!({ data: JSON.stringify(msg) });
  return { sockets, createSocket, server };
}

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await act(async () => new Promise((r) => setImmediate(r)));
  if (!done()) throw new Error(`never happened: ${what}`);
}

const text = (root: TestRenderer.ReactTestRenderer, className: string) =>
  root.root.findAll((n) => n.props.className === className).map((n) => n.children.join("")).join("");

const PASSPORT_FIELDS = {
  documentNumber: { value: "L898902C3", confidence: 0.97, valid: true, needsReview: false },
  surname: { value: "ERIKSSON", confidence: 0.6, valid: true, needsReview: true },
};

test("DocumentUpload uploads the chosen file, shows progress, and the OCR fields from the event stream", async () => {
  const { sockets, createSocket, server } = uploadSockets();
  const events: SocketLike[] = [];
  const realtime = new RealtimeClient({
    orgId: "org-1", token: () => "T", useConfig: false, shareAcrossTabs: false,
    createSocket: () => {
      const s: SocketLike = { send() {}, close() {}, onopen: null, onmessage: null, onclose: null };
      events.push(s);
      return s;
    },
  });
  const asked: string[] = [];
  const completed: string[] = [];
  const file = patternFile(200_000);
  let root!: TestRenderer.ReactTestRenderer;
  await act(async () => {
    root = render(
      createElement(RealtimeProvider, { client: realtime },
        createElement(DocumentUpload, {
          token: () => "T", documentType: "passport", guestId: "g_1", propertyId: "p_1",
          baseUrl: "http://bellhop.test",
          onComplete: (r) => completed.push(r.fileId),
          uploadOptions: { createSocket, storage: new MemoryUploadStorage() },
          fetch: async (url) => {
            asked.push(url);
            return Response.json({ fileId: "up_1", ocr: { status: "pending" } });
          },
        })),
    );
  });
  const input = root.root.findByType("input");
  assert.equal(input.props.accept, "image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp,application/pdf,.pdf");
  await act(async () => input.props.onChange({ target: { files: [file] } }));
  await until("the handshake", () => sockets[0]?.handshake !== undefined);
  assert.equal(root.root.findByType("input").props.disabled, true, "one upload at a time");

  await act(async () => server({ type: "ready", uploadId: "up_1", offset: 0, size: 200_000, chunkSize: 65_536, window: 131_072 }));
  await until("a window sent", () => sockets[0].sent === 131_072);
  await act(async () => server({ type: "progress", offset: 65_536 }));
  assert.match(text(root, "bellhop-upload-status"), /^Uploading 66 kB of 200 kB/);
  assert.equal(root.root.findByType("progress").props.value, 32);

  const pause = () => root.root.findAll((n) => n.type === "button" && ["Pause", "Resume"].includes(n.children[0] as string))[0];
  await act(async () => pause().props.onClick());
  assert.equal(pause().children[0], "Resume");
  assert.match(text(root, "bellhop-upload-status"), /^Paused at 66 kB of 200 kB$/);
  await act(async () => pause().props.onClick());

  while (sockets[0].sent < 200_000) {
    const sent = sockets[0].sent;
    await act(async () => server({ type: "progress", offset: sent }));
    await until("more sent", () => sockets[0].sent > sent);
  }
  await act(async () => server({ type: "progress", offset: 200_000 }));
  await act(async () =>
    server({ type: "complete", fileId: "up_1", sha256: "x", size: 200_000, mimetype: "image/png", url: "/v2/documents/up_1", ocr: { status: "pending" } }),
  );
  await until("the document asked for", () => asked.length === 1);
  assert.deepEqual(asked, ["http://bellhop.test/v2/documents/up_1"]);
  assert.deepEqual(completed, ["up_1"]);
  assert.equal(text(root, "bellhop-upload-ocr-status"), "Reading the document…");

  await act(async () => {
    events[0].onmessage!({ data: JSON.stringify({ type: "ack", seq: 0, epoch: "E", recovered: true }) });
    const payload = { fileId: "up_1", uploadId: "up_1", status: "done", fields: PASSPORT_FIELDS, reviewReasons: ["the surname was corrected"] };
    const event = { eventId: "e1", service: "guest", type: "document.ocr.completed", orgId: "org-1", occurredAt: "", payload, seq: 1 };
    events[0].onmessage!({ data: JSON.stringify({ type: "event", service: "guest", events: [event], seq: 1 }) });
  });
  assert.equal(text(root, "bellhop-upload-ocr-status"), "OCR done: 2 fields, 1 to review — the surname was corrected");
  const rows = root.root.findAll((n) => n.type === "tr" && n.props["data-field"] !== undefined);
  assert.deepEqual(rows.map((r) => r.props["data-field"]), ["documentNumber", "surname"]);
  assert.equal(rows[1].props["data-review"], "true");
  assert.equal(asked.length, 1, "with the event stream, no polling");
  await act(async () => root.unmount());
});

test("DocumentUpload says what a refusal means, and offers to continue an interrupted upload", async () => {
  const { sockets, createSocket, server } = uploadSockets();
  const storage = new MemoryUploadStorage();
  new UploadResumeStore(storage).remember({
    name: "old.png", size: 5, lastModified: 1, documentType: "passport", guestId: "g_1", uploadId: "up_old",
  });
  let root!: TestRenderer.ReactTestRenderer;
  await act(async () => {
    root = render(createElement(DocumentUpload, {
      token: () => "T", documentType: "passport", guestId: "g_1", propertyId: "p_1",
      uploadOptions: { createSocket, storage, checksum: false },
    }));
  });
  assert.match(text(root, "bellhop-upload-interrupted"), /An upload of old\.png was interrupted: choose the same file again/);
  await act(async () => root.root.findByType("input").props.onChange({ target: { files: [patternFile(1000, "scan.gif")] } }));
  await until("the handshake", () => sockets[0]?.handshake !== undefined);
  await act(async () => {
    server({ type: "error", code: "UNSUPPORTED_TYPE", message: "image/gif is not accepted" });
    sockets[0].onclose!({ code: 4751, reason: "" });
  });
  const error = root.root.find((n) => n.props.className === "bellhop-upload-error");
  assert.equal(error.props.role, "alert");
  assert.equal(error.children.join(""), "UNSUPPORTED_TYPE: this kind of file is not accepted for this document type");
  assert.equal(root.root.findByType("input").props.disabled, false, "another file may be chosen");
  await act(async () => root.unmount());
});

test("field names read as words", () => {
  assert.equal(fieldLabel("documentNumber"), "Document number");
  assert.equal(fieldLabel("BIRTH_DATE"), "Birth date");
});
