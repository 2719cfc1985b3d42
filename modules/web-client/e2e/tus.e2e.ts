/**
 * The tus front end with the real, unchanged clients against real Bellhop nodes (stack.ts):
 * tus-js-client from Node, killed mid-upload and restarted (it resumes by fingerprint from the
 * server's offset), and across a server restart (SIGTERM, then a fresh node on the same PostgreSQL
 * and storage); Uppy (@uppy/core + @uppy/tus) in Chromium, from a page on another origin.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { AppNode, freePort, Stack, waitFor } from "./stack.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE = path.resolve(HERE, "../..");
const TIMEOUT = { timeout: 240_000 };
const MiB = 1024 * 1024;
const JPEG_HEADER = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

let stack: Stack;
let node: AppNode;
let page: PageSite;
let fileCounter = 0;

before(async () => {
  stack = await Stack.start();
  page = new PageSite(await freePort());
  node = await stack.node({ env: nodeEnv(page.origin) });
  await page.start();
}, { timeout: 300_000 });

after(async () => {
  await page?.stop();
  await stack?.stop();
});

/** Every node of this file stores uploads in the stack's directory, so a fresh node finds them. */
function nodeEnv(pageOrigin: string): Record<string, string> {
  return {
    BELLHOP_ALLOWED_ORIGINS: pageOrigin,
    BELLHOP_UPLOADS_STORAGE_DIRECTORY: path.join(stack.dir, "uploads"),
  };
}

test("tus-js-client killed mid-upload resumes by fingerprint from the server's offset", TIMEOUT, async () => {
  const file = jpegFile(16 * MiB);
  const token = await node.token(`org-tus-${process.pid}`, "org_admin", "tus-kill");
  const options = clientOptions(node, file, token, { chunkSize: MiB / 2, patchDelayMs: 40 });

  const first = new ClientRun(options);
  await first.until("a quarter is sent", (e) => e.event === "progress" && Number(e.sent) >= file.size / 4);
  await first.kill();
  const url = first.url();
  const durable = await offset(url, token);
  assert.ok(durable > 0 && durable < file.size, `durable offset ${durable}`);

  const second = new ClientRun({ ...options, patchDelayMs: 0 });
  const done = await second.until("the upload succeeds", (e) => e.event === "success" || e.event === "error");
  assert.equal(done.event, "success", JSON.stringify(done));
  assert.equal(second.events.find((e) => e.event === "resuming")?.url, url, "resumed the same upload");
  assert.deepEqual(new Set(second.urls()), new Set([url]), "no new upload was created");
  const resent = Math.min(...second.events.filter((e) => e.event === "progress").map((e) => Number(e.sent)));
  assert.ok(resent >= durable, `the restarted client went on from ${durable}, its first progress was ${resent}`);
  assert.equal(await offset(url, token), file.size);
  assert.equal(await expires(url, token), null, "complete: the declared SHA-256 matched");
});

test("tus-js-client resumes after the server restarts: SIGTERM, then a fresh node on the same PostgreSQL and storage", TIMEOUT, async () => {
  const restarting = await stack.node({ env: nodeEnv(page.origin) });
  const file = jpegFile(16 * MiB);
  const token = await restarting.token(`org-tus-${process.pid}`, "org_admin", "tus-restart");
  const client = new ClientRun(
    clientOptions(restarting, file, token, {
      chunkSize: MiB / 2,
      patchDelayMs: 40,
      retryDelays: [0, 500, ...Array(60).fill(1000)],
    }),
  );
  await client.until("a quarter is sent", (e) => e.event === "progress" && Number(e.sent) >= file.size / 4);
  await restarting.stop();
  await restarting.start();

  const done = await client.until("the upload succeeds", (e) => e.event === "success" || e.event === "error");
  assert.equal(done.event, "success", JSON.stringify(done));
  const url = client.url();
  assert.deepEqual(new Set(client.urls()), new Set([url]), "one upload, resumed");
  assert.equal(await offset(url, token), file.size);
  assert.equal(await expires(url, token), null, "complete: the declared SHA-256 matched");
});

test("Uppy in Chromium uploads to the tus endpoint from a page on another origin", TIMEOUT, async () => {
  const token = await node.token(`org-tus-${process.pid}`, "org_admin", "tus-uppy");
  const context = await (await stack.chromium()).newContext();
  try {
    const browserPage = await context.newPage();
    const query = new URLSearchParams({
      endpoint: `${node.url}/v2/documents/tus/`,
      token,
      size: String(3 * MiB + 17),
      chunkSize: String(256 * 1024),
    });
    await browserPage.goto(`${page.origin}/?${query}`);
    const handle = await browserPage.waitForFunction(() => window.uppyResult, null, { timeout: 120_000 });
    const result = (await handle.jsonValue())!;
    assert.deepEqual(result.failed, []);
    assert.equal(result.successful.length, 1);
    const url = result.successful[0].uploadURL!;
    assert.ok(url.startsWith(`${node.url}/v2/documents/tus/up_`), `Location resolved against the endpoint: ${url}`);
    assert.equal(await offset(url, token), 3 * MiB + 17);
    assert.equal(await expires(url, token), null, "complete: the declared SHA-256 matched");
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ helpers

interface JpegFile {
  path: string;
  size: number;
  sha256: string;
}

/** Random bytes behind a JPEG header, written to the stack's directory. */
function jpegFile(size: number): JpegFile {
  const bytes = randomBytes(size);
  JPEG_HEADER.copy(bytes);
  const file = path.join(stack.dir, `upload-${++fileCounter}.jpg`);
  writeFileSync(file, bytes);
  return { path: file, size, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function clientOptions(target: AppNode, file: JpegFile, token: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    endpoint: `${target.url}/v2/documents/tus/`,
    file: file.path,
    urlStorage: `${file.path}.tus-urls.json`,
    token,
    metadata: {
      filename: path.basename(file.path),
      filetype: "image/jpeg",
      documentType: "photo",
      guestId: "g_e2e",
      propertyId: "p_e2e",
      sha256: file.sha256,
    },
    ...extra,
  };
}

type ClientEvent = Record<string, unknown> & { event: string };

/** One run of e2e/tus-client.js in its own process; its JSON lines are collected. */
class ClientRun {
  readonly events: ClientEvent[] = [];
  private readonly child: ChildProcess;
  private exited = false;

  constructor(options: Record<string, unknown>) {
    this.child = spawn(process.execPath, [path.join(HERE, "tus-client.js"), JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.child.once("exit", () => (this.exited = true));
    let pending = "";
    this.child.stdout!.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        this.events.push(JSON.parse(pending.slice(0, nl)) as ClientEvent);
        pending = pending.slice(nl + 1);
      }
    });
  }

  until(what: string, match: (e: ClientEvent) => boolean): Promise<ClientEvent> {
    return waitFor(what, async () => {
      const hit = this.events.find(match);
      if (!hit && this.exited) throw new Error(`the client exited: ${JSON.stringify(this.events.slice(-3))}`);
      return hit;
    }, 180_000);
  }

  urls(): string[] {
    return this.events.filter((e) => e.event === "url" || e.event === "resuming").map((e) => String(e.url));
  }

  url(): string {
    const url = this.urls()[0];
    assert.ok(url, "the client had an upload URL");
    return url;
  }

  /** SIGKILL: the way a crashed or closed client goes, mid-PATCH. */
  async kill(): Promise<void> {
    if (this.exited) throw new Error("the client finished before it could be killed");
    const gone = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGKILL");
    await gone;
  }
}

async function head(url: string, token: string): Promise<Response> {
  const res = await fetch(url, { method: "HEAD", headers: { Authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" } });
  assert.equal(res.status, 200, `HEAD ${url}`);
  return res;
}

async function offset(url: string, token: string): Promise<number> {
  return Number((await head(url, token)).headers.get("upload-offset"));
}

async function expires(url: string, token: string): Promise<string | null> {
  return (await head(url, token)).headers.get("upload-expires");
}

/** The Uppy page, bundled by esbuild, served from its own origin (127.0.0.1 on another port). */
class PageSite {
  private server: http.Server | undefined;
  private script = "";
  readonly origin: string;

  constructor(private readonly port: number) {
    this.origin = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const outfile = path.join(stack.dir, "uppy-tus.js");
    await build({
      entryPoints: [path.join(PACKAGE, "e2e/pages/uppy-tus.ts")],
      bundle: true,
      format: "iife",
      platform: "browser",
      target: "es2022",
      outfile,
      logLevel: "error",
    });
    this.script = readFileSync(outfile, "utf8");
    this.server = http.createServer((req, res) => {
      if (req.url?.startsWith("/uppy-tus.js")) {
        res.writeHead(200, { "Content-Type": "text/javascript" }).end(this.script);
      } else {
        res
          .writeHead(200, { "Content-Type": "text/html" })
          .end('<!doctype html><meta charset="utf-8"><title>Uppy → Bellhop</title><script src="/uppy-tus.js"></script>');
      }
    });
    await new Promise<void>((r) => this.server!.listen(this.port, "127.0.0.1", r));
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }
}
