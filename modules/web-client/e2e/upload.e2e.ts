/**
 * Document uploads in Debian's Chromium through the console's upload panel, against a real
 * Bellhop node, NATS and PostgreSQL (stack.ts): a passport specimen rendered in the page's canvas
 * (the ICAO TD3 specimen of the Java OCR tests, so nothing binary is committed), paused and
 * resumed, interrupted by a reload and finished from the upload id the page kept, then read by OCR.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { td3Specimen } from "../test/sources.js";
import { AppNode, Stack, waitFor } from "./stack.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, "../../e2e-artifacts");
const TIMEOUT = { timeout: 240_000 };
/**
 * Padding in private ancillary PNG chunks (which decoders skip), so the upload spans several
 * windows (1 MiB each by default) and can be paused and reloaded in the middle.
 */
const PADDING = 6 * 1024 * 1024;
const LAST_MODIFIED = Date.parse("2026-11-30T08:00:00Z");

let stack: Stack;
let node: AppNode;
let counter = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await Stack.start();
  node = await stack.node();
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

interface Status {
  state: string;
  uploadId?: string;
  size: number;
  acknowledged: number;
  sent: number;
  sha256?: string;
  resumedFrom?: number;
  error?: { code: string; message: string };
  result?: { fileId: string; sha256: string; size: number; url: string };
}

async function openConsole(context: BrowserContext, org: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${node.url}/?autostart=1&org=${org}&user=front-desk`);
  await page.waitForSelector("[data-testid=signed-in]");
  await page.click("[data-testid=uploads-toggle]");
  return page;
}

/**
 * Renders the specimen in the page's canvas, pads it, and chooses it in the panel's file input as
 * `passport.png`. With `pauseAfterFirstAck`, pauses the upload from inside the page the moment the
 * server first acknowledges bytes (a test in Node would see it too late). Returns the file's bytes.
 */
async function chooseSpecimen(page: Page, guestId: string, pauseAfterFirstAck: boolean): Promise<Buffer> {
  await page.fill("input[name=guestId]", guestId);
  await page.selectOption("[data-testid=upload-type]", "passport");
  const base64 = await page.evaluate(
    async ({ lines, padding, lastModified, pause }) => {
      const lineHeight = 60;
      const canvas = document.createElement("canvas");
      canvas.width = 1400;
      canvas.height = lineHeight * lines.length + 120;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#fff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.fillStyle = "#000";
      g.font = '40px "DejaVu Sans Mono", "Liberation Mono", monospace';
      lines.forEach((line, i) => g.fillText(line, 60, 80 + i * lineHeight));
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), "image/png"));
      const png: Uint8Array<ArrayBuffer> = new Uint8Array(await blob.arrayBuffer());

      const table = Array.from({ length: 256 }, (_, n) => {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        return c >>> 0;
      });
      const crc = (bytes: Uint8Array) => {
        let c = 0xffffffff;
        for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
      };
      // "bhPd": ancillary (b), private (h), reserved bit clear (P), safe to copy (d).
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let seed = 7;
      for (let left = padding; left > 0; ) {
        const n = Math.min(65_536, left);
        const chunk = new Uint8Array(12 + n);
        const view = new DataView(chunk.buffer);
        view.setUint32(0, n);
        chunk.set([0x62, 0x68, 0x50, 0x64], 4);
        for (let i = 0; i < n; i++) chunk[8 + i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
        view.setUint32(8 + n, crc(chunk.subarray(4, 8 + n)));
        chunks.push(chunk);
        left -= n;
      }
      const iend = png.length - 12; // IEND is the last chunk: 12 bytes
      const file = new File([png.subarray(0, iend), ...chunks, png.subarray(iend)], "passport.png", {
        type: "image/png",
        lastModified,
      });

      const input = document.querySelector<HTMLInputElement>("[data-testid=upload-file]")!;
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      if (pause) {
        const upload = (window as any).bellhopConsole.upload.client;
        const off = upload.onChange((s: { acknowledged: number; state: string }) => {
          if (s.acknowledged > 0 && s.state === "uploading") {
            off();
            upload.pause();
          }
        });
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    },
    { lines: ["PASSPORT", "Surname ERIKSSON", "", ...td3Specimen().lines], padding: PADDING, lastModified: LAST_MODIFIED, pause: pauseAfterFirstAck },
  );
  return Buffer.from(base64, "base64");
}

async function status(page: Page): Promise<Status> {
  return page.evaluate(() => (window as any).bellhopConsole.upload.status());
}

async function states(page: Page): Promise<Status[]> {
  return page.evaluate(() => (window as any).bellhopConsole.upload.states);
}

async function waitState(page: Page, want: string, ms = 60_000): Promise<Status> {
  return waitFor(`upload ${want}`, async () => {
    const s = await status(page);
    if (s?.state === "failed") throw new Error(`upload failed: ${JSON.stringify(s.error)}`);
    return s?.state === want ? s : undefined;
  }, ms);
}

/** Paused, with everything sent acknowledged: the server holds exactly `acknowledged` bytes. */
async function pausedAndSettled(page: Page, org: string, size: number): Promise<Status> {
  const paused = await waitFor("the upload paused with every sent byte acknowledged", async () => {
    const s = await status(page);
    return s?.state === "paused" && s.acknowledged === s.sent ? s : undefined;
  }, 60_000);
  assert.ok(paused.acknowledged > 0 && paused.acknowledged < size, `paused in the middle (${paused.acknowledged} of ${size})`);
  const server = await serverProgress(org, paused.uploadId!);
  assert.equal(server.offset, paused.acknowledged, "the server's durable offset is what the page saw acknowledged");
  assert.equal(server.state, "open");
  assert.equal((await status(page)).sent, paused.sent, "nothing sent while paused");
  return paused;
}

async function serverProgress(org: string, uploadId: string): Promise<{ offset: number; size: number; state: string }> {
  const token = await node.token(org, "staff,org_admin", "front-desk");
  const res = await fetch(`${node.url}/v2/documents/upload/${uploadId}/progress`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { offset: number; size: number; state: string };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

test("a passport image uploads from the console, pauses in the middle and resumes to the end", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = `org-upload-${process.pid}-${++counter}`;
    const page = await openConsole(context, org);
    const bytes = await chooseSpecimen(page, "guest-pause", true);
    await pausedAndSettled(page, org, bytes.length);
    await page.locator("[data-testid=upload-status]", { hasText: "Paused at" }).waitFor();
    assert.equal(await page.textContent("[data-testid=upload-pause]"), "Resume");
    await page.screenshot({ path: path.join(ARTIFACTS, "console-upload-paused.png") });

    await page.click("[data-testid=upload-pause]");
    const done = await waitState(page, "complete");
    assert.equal(done.result!.size, bytes.length);
    assert.equal(done.result!.sha256, sha256(bytes), "the server stored exactly the file");
    assert.equal(done.sha256, sha256(bytes), "the page's own SHA-256 agrees with Node's");
    assert.equal(done.resumedFrom, 0, "resumed on the same socket");
    assert.equal((await serverProgress(org, done.uploadId!)).state, "complete");
    assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing left to resume");
    await page.locator("[data-testid=upload-status]", { hasText: "Uploaded" }).waitFor();
  } finally {
    await context.close();
  }
});

test("a reload mid-upload finishes from the kept upload id, and the OCR fields appear", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = `org-upload-${process.pid}-${++counter}`;
    const page = await openConsole(context, org);
    const bytes = await chooseSpecimen(page, "guest-reload", true);
    const before = await pausedAndSettled(page, org, bytes.length);

    await page.reload();
    await page.waitForSelector("[data-testid=signed-in]");
    await page.click("[data-testid=uploads-toggle]");
    await page.fill("input[name=guestId]", "guest-reload");
    await page.dispatchEvent("input[name=guestId]", "input");
    const notice = await page.textContent("[data-testid=upload-interrupted]");
    assert.match(notice ?? "", /The upload of passport\.png was interrupted: choose the same file/);

    const again = await chooseSpecimen(page, "guest-reload", false);
    assert.ok(again.equals(bytes), "the canvas renders the same file again");
    const done = await waitState(page, "complete");
    assert.equal(done.uploadId, before.uploadId, "the same upload continued");
    assert.equal(done.result!.sha256, sha256(bytes));
    const seen = await states(page);
    assert.ok(!seen.some((s) => s.state === "hashing"), "a resume does not hash again: the server holds the digest");
    assert.equal(seen.find((s) => s.resumedFrom !== undefined)?.resumedFrom, before.acknowledged, "resumed at the durable offset");

    // OCR runs after the upload; its result arrives as guest/document.ocr.completed.
    const ocr = await waitFor("the OCR result", async () => {
      const o = await page.evaluate(() => (window as any).bellhopConsole.upload.ocr);
      return o && !["pending", "running"].includes(o.status) ? o : undefined;
    }, 150_000);
    assert.equal(ocr.status, "done", JSON.stringify(ocr));
    const values: Record<string, string> = {};
    for (const [name, field] of Object.entries(ocr.fields ?? {}) as [string, { value: string }][]) {
      values[name.replace(/_/g, "").toLowerCase()] = field.value;
    }
    for (const [name, want] of Object.entries(td3Specimen().fields)) {
      const key = name.replace(/_/g, "").toLowerCase();
      if (key === "mrzformat") continue; // not every result names the layout
      assert.equal(values[key], want, `${name} in ${JSON.stringify(ocr)}`);
    }
    const rows = await page.locator("[data-testid=ocr-fields] tbody tr").count();
    assert.ok(rows >= 8, `the fields are shown (${rows} rows)`);
    await page.screenshot({ path: path.join(ARTIFACTS, "console-upload-ocr.png") });
  } finally {
    await context.close();
  }
});

test("a second tab that continues the upload takes it over, and the first tab stops and says so", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = `org-upload-${process.pid}-${++counter}`;
    const first = await openConsole(context, org);
    const bytes = await chooseSpecimen(first, "guest-takeover", true);
    const paused = await pausedAndSettled(first, org, bytes.length);

    // Same browser, same localStorage: the second tab finds the upload id and resumes it.
    const second = await openConsole(context, org);
    await chooseSpecimen(second, "guest-takeover", false);
    const done = await waitState(second, "complete");
    assert.equal(done.uploadId, paused.uploadId);
    assert.equal(done.result!.sha256, sha256(bytes));

    const stopped = await waitFor("the first tab to stop", async () => {
      const s = await status(first);
      return s.state === "failed" ? s : undefined;
    }, 30_000);
    assert.equal(stopped.error!.code, "UPLOAD_TAKEN_OVER");
    assert.match(
      (await first.textContent("[data-testid=upload-error]")) ?? "",
      /^UPLOAD_TAKEN_OVER: another tab or device resumed this upload and continues it/,
    );
    assert.equal(await first.getAttribute("[data-testid=upload-error]", "role"), "alert");
  } finally {
    await context.close();
  }
});
