import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { MemoryUploadStorage, UploadResumeStore } from "../src/uploadResume.js";
import { SpeedMeter } from "../src/speed.js";
import { patternFile, scriptedUpload } from "./scriptedUpload.js";

/** True when the chunks are the file's bytes from `from` on, in order. */
function contiguous(chunks: Uint8Array[], from: number): boolean {
  let at = from;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++, at++) if (chunk[i] !== at % 251) return false;
  }
  return true;
}

test("a new upload hashes the file first and declares its SHA-256 and metadata in the handshake", async () => {
  const file = patternFile(10_000);
  const up = scriptedUpload(file);
  void up.client.start();
  await up.until("the handshake", () => up.sockets.length === 1 && up.last().handshake !== undefined);
  const want = createHash("sha256").update(new Uint8Array(await file.arrayBuffer())).digest("hex");
  assert.deepEqual(up.last().handshake, {
    token: "T", filename: "passport.png", filesize: 10_000, mimetype: "image/png",
    documentType: "passport", guestId: "g_1", propertyId: "p_1", sha256: want,
  });
  const states = [...new Set(up.states.map((s) => s.state))];
  assert.deepEqual(states, ["idle", "hashing", "uploading"], "hashing comes before any socket");
  assert.equal(up.sentBytes(), 0, "nothing sent before ready");
});

test("the window: at most `window` bytes unacknowledged, in chunks of `chunkSize`, released by progress", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  const done = up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.until("a full window", () => up.sentBytes() === 4096);
  await up.idle();
  assert.equal(up.sentBytes(), 4096, "stops at the window");
  assert.deepEqual(up.last().chunks.map((c) => c.length), [1024, 1024, 1024, 1024]);

  up.last().frame({ type: "progress", offset: 2048, percent: 20, bytesPerSec: 1 });
  await up.until("two more chunks", () => up.sentBytes() === 6144);
  await up.idle();
  assert.equal(up.sentBytes(), 6144, "2048 acknowledged: 4096 in flight again");
  assert.equal(up.status().acknowledged, 2048);
  assert.equal(up.status().percent, 20);

  for (let acked = 4096; up.sentBytes() < 10_240; acked += 2048) {
    up.last().frame({ type: "progress", offset: acked });
    await up.until(`window after ${acked}`, () => up.sentBytes() === Math.min(10_240, acked + 4096));
    assert.ok(up.sentBytes() - acked <= 4096, "never more than the window in flight");
  }
  assert.equal(up.status().state, "completing");
  assert.ok(contiguous(up.last().chunks, 0), "every byte once, in order");
  up.last().frame({ type: "progress", offset: 10_240 });
  up.last().frame({
    type: "complete", fileId: "up_1", sha256: "ab", size: 10_240, mimetype: "image/png",
    url: "/v2/documents/up_1", ocr: { status: "pending" },
  });
  up.last().serverClose(1000);
  const final = await done;
  assert.equal(final.state, "complete");
  assert.equal(final.result?.url, "/v2/documents/up_1");
  assert.equal(up.timers.length, 0, "no reconnect after completion");
  assert.equal(up.storage.length, 0, "a complete upload is no longer kept for a reload");
});

test("the client's own chunk size and window are upper bounds on the server's", async () => {
  const up = scriptedUpload(patternFile(10_000), { checksum: false, chunkSize: 512, window: 1500 });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.until("the window", () => up.sentBytes() === 1024);
  await up.idle();
  assert.deepEqual(up.last().chunks.map((c) => c.length), [512, 512], "a third chunk would pass 1500");
});

test("a retryable close reconnects with the upload id and sends from the server's offset", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.until("a full window", () => up.sentBytes() === 4096);
  up.last().frame({ type: "progress", offset: 2048 });
  up.last().frame({ type: "error", code: "STORAGE_UNAVAILABLE", message: "disk", offset: 3072 });
  up.last().serverClose(4700);
  assert.equal(up.status().state, "reconnecting");
  assert.equal(up.status().error?.code, "STORAGE_UNAVAILABLE");
  assert.equal(up.timers.length, 1, "one reconnect scheduled");

  up.timers.shift()!.fn();
  await up.until("a second socket", () => up.sockets.length === 2 && up.last().handshake !== undefined);
  assert.deepEqual(up.last().handshake, { token: "T", uploadId: "up_1" }, "a resume names only the id");
  up.ready(3072);
  await up.until("sending again", () => up.sentBytes() === 4096);
  assert.ok(contiguous(up.last().chunks, 3072), "resumes exactly at the durable offset");
  assert.equal(up.status().reconnects, 1);
  assert.equal(up.status().resumedFrom, 3072);
  assert.equal(up.status().state, "uploading");
  assert.equal(up.status().error, undefined, "ready clears the error");

  up.last().serverClose(1006); // the network drops: no error frame
  assert.equal(up.status().error?.code, "NETWORK");
  assert.equal(up.timers.length, 1, "an abnormal close is retried too");
});

test("pause sends nothing more while acknowledgements still count; resume continues", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.until("a full window", () => up.sentBytes() === 4096);
  up.client.pause();
  assert.equal(up.status().state, "paused");
  up.last().frame({ type: "progress", offset: 4096 });
  await up.idle();
  assert.equal(up.sentBytes(), 4096, "paused: nothing sent although the window is open");
  assert.equal(up.status().acknowledged, 4096, "in-flight bytes are still acknowledged");
  assert.equal(up.last().closedByClient, undefined, "the socket stays open while paused");

  up.client.resume();
  await up.until("the next window", () => up.sentBytes() === 8192);
  assert.equal(up.status().state, "uploading");
  assert.equal(up.sockets.length, 1, "resume on the same socket");
});

test("a socket that closes while paused is reopened by resume, not by a timer", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.until("a full window", () => up.sentBytes() === 4096);
  up.last().frame({ type: "progress", offset: 1024 });
  up.client.pause();
  up.last().serverClose(1001);
  assert.equal(up.status().state, "paused");
  assert.equal(up.timers.length, 0, "no reconnect while paused");
  up.client.resume();
  await up.until("a second socket", () => up.sockets.length === 2 && up.last().handshake !== undefined);
  assert.deepEqual(up.last().handshake, { token: "T", uploadId: "up_1" });
  up.ready(1024);
  await up.until("sending", () => up.sentBytes() === 4096);
  assert.ok(contiguous(up.last().chunks, 1024));
});

test("taken over (4750): the upload stops for good and leaves the id to the tab that took it", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  const done = up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  up.last().frame({ type: "error", code: "UPLOAD_TAKEN_OVER", message: "a newer connection resumed" });
  up.last().serverClose(4750);
  const final = await done;
  assert.equal(final.state, "failed");
  assert.deepEqual(final.error, { code: "UPLOAD_TAKEN_OVER", message: "a newer connection resumed", closeCode: 4750 });
  assert.equal(up.timers.length, 0, "no reconnect: it would take the upload back");
  assert.equal(up.storage.length, 1, "the id stays for whoever continues");
  up.client.resume();
  assert.equal(up.sockets.length, 1, "a failed upload does not come back");
});

test("rejected (4751): stops with the error frame's code and forgets the upload", async () => {
  const up = scriptedUpload(patternFile(10_240), { checksum: false });
  const done = up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  up.last().frame({ type: "error", code: "CHECKSUM_MISMATCH", message: "sha256 differs" });
  up.last().serverClose(4751);
  const final = await done;
  assert.equal(final.state, "failed");
  assert.equal(final.error?.code, "CHECKSUM_MISMATCH");
  assert.equal(final.error?.closeCode, 4751);
  assert.equal(up.timers.length, 0);
  assert.equal(up.storage.length, 0);
});

test("a terminal close without an error frame is named by the close-code table", async () => {
  const up = scriptedUpload(patternFile(100), { checksum: false });
  const done = up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.last().serverClose(4003, "property 9 is not in the token");
  const final = await done;
  assert.deepEqual(final.error, { code: "FORBIDDEN", message: "property 9 is not in the token", closeCode: 4003 });
});

test("after a reload the same file resumes from its stored id without hashing again", async () => {
  const storage = new MemoryUploadStorage();
  const first = scriptedUpload(patternFile(10_240), { storage });
  void first.client.start();
  await first.until("a socket", () => first.last()?.handshake !== undefined);
  first.ready(0, { uploadId: "up_7" });
  await first.until("a window", () => first.sentBytes() === 4096);
  first.last().frame({ type: "progress", offset: 4096 });
  // The page goes away here: no close, no cleanup.

  const second = scriptedUpload(patternFile(10_240), { storage });
  void second.client.start();
  await second.until("a socket", () => second.last()?.handshake !== undefined);
  assert.deepEqual(second.last().handshake, { token: "T", uploadId: "up_7" });
  assert.ok(!second.states.some((s) => s.state === "hashing"), "the server holds the declared digest already");
  second.ready(4096, { uploadId: "up_7" });
  await second.until("the rest of the window", () => second.sentBytes() === 4096);
  assert.ok(contiguous(second.last().chunks, 4096));

  const other = scriptedUpload(patternFile(10_240, "passport.png", 1), { storage });
  void other.client.start();
  await other.until("a socket", () => other.last()?.handshake !== undefined);
  assert.equal(other.last().handshake?.uploadId, undefined, "another lastModified is another file");
});

test("a stored id the server no longer knows (4752 before ready) starts the file over", async () => {
  const storage = new MemoryUploadStorage();
  const file = patternFile(3000);
  new UploadResumeStore(storage).remember({
    name: file.name, size: file.size, lastModified: file.lastModified, documentType: "passport", guestId: "g_1",
    uploadId: "up_gone",
  });
  const up = scriptedUpload(file, { storage });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  assert.equal(up.last().handshake?.uploadId, "up_gone");
  up.last().frame({ type: "error", code: "UPLOAD_EXPIRED", message: "expired" });
  up.last().serverClose(4752);
  await up.until("a fresh handshake", () => up.sockets.length === 2 && up.last().handshake !== undefined);
  assert.equal(up.last().handshake?.filename, "passport.png");
  assert.equal(up.last().handshake?.uploadId, undefined);
  assert.equal(typeof up.last().handshake?.sha256, "string");
  assert.equal(up.storage.length, 0, "the dead id is forgotten");
});

test("cancel closes the socket, forgets the id and deletes the session on the server", async () => {
  const requests: { url: string; method?: string; auth?: string }[] = [];
  const up = scriptedUpload(patternFile(10_240), {
    checksum: false,
    fetch: async (url, init) => {
      requests.push({ url, method: init?.method, auth: (init?.headers as Record<string, string>).Authorization });
      return new Response(null, { status: 204 });
    },
  });
  void up.client.start();
  await up.until("a socket", () => up.last()?.handshake !== undefined);
  up.ready(0);
  await up.client.cancel();
  assert.equal(up.status().state, "cancelled");
  assert.equal(up.last().closedByClient?.code, 1000);
  assert.deepEqual(requests, [{ url: "http://bellhop.test/v2/documents/upload/up_1", method: "DELETE", auth: "Bearer T" }]);
  assert.equal(up.storage.length, 0);
});

test("stored uploads expire with their session and are listed while pending", () => {
  let now = Date.parse("2026-11-30T10:00:00Z");
  const store = new UploadResumeStore(new MemoryUploadStorage(), () => now);
  const f = { name: "a.png", size: 1, lastModified: 2, documentType: "passport" as const, guestId: "g" };
  store.remember({ ...f, uploadId: "up_a", expiresAt: "2026-12-01T10:00:00Z" });
  assert.deepEqual(store.pending().map((p) => p.uploadId), ["up_a"]);
  assert.equal(store.find(f)?.uploadId, "up_a");
  now = Date.parse("2026-12-01T10:00:01Z");
  assert.equal(store.find(f), undefined);
  assert.deepEqual(store.pending(), []);
});

test("speed is smoothed over time and gives an ETA", () => {
  const meter = new SpeedMeter(1000);
  meter.sample(0, 0);
  assert.equal(meter.bytesPerSec, undefined);
  for (let t = 100; t <= 3000; t += 100) meter.sample(t, t * 1000); // 1 MB/s
  assert.ok(Math.abs(meter.bytesPerSec! - 1_000_000) < 1, String(meter.bytesPerSec));
  assert.equal(meter.etaSeconds(2_000_000), 2);
  meter.sample(3001, 3_000_000 + 100_000); // one ack 1 ms later: 100 MB/s for a moment
  assert.ok(meter.bytesPerSec! < 1_100_000, "a burst barely moves it");
  meter.sample(4001, 3_100_000); // a second without progress
  assert.ok(meter.bytesPerSec! < 600_000, "a stall pulls it down");
});
