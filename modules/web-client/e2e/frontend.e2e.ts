/**
 * A front-end team's path, end to end, the way they would walk it: `npm pack` the client, install
 * the tarball into a fresh copy of examples/react-vite next to React, TypeScript and Vite,
 * type-check and build it with Vite, serve the build from its own origin, and connect to a Bellhop
 * node on another origin over each transport. The same build served from an origin that is not on
 * the node's list is refused, and says so.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { AppNode, freePort, Stack, waitFor } from "./stack.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE = path.resolve(HERE, "../..");
const EXAMPLE = path.join(PACKAGE, "examples/react-vite");
const ARTIFACTS = path.join(PACKAGE, "e2e-artifacts");
const TIMEOUT = { timeout: 180_000 };

let stack: Stack;
let node: AppNode;
let packed: { filename: string; files: { path: string }[] };
let allowed: StaticSite;
let foreign: StaticSite;
let orgCounter = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const work = path.join((stack = await Stack.start()).dir, "frontend");
  mkdirSync(work, { recursive: true });
  packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: PACKAGE, encoding: "utf8" }),
  )[0];
  const app = path.join(work, "app");
  cpSync(EXAMPLE, app, { recursive: true, filter: (src) => !/node_modules|dist/.test(path.relative(EXAMPLE, src)) });
  const manifest = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8"));
  manifest.dependencies["@bellhop/web-client"] = `file:${path.join(work, packed.filename)}`;
  writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2));
  const run = (args: string[]) =>
    execFileSync("npm", args, { cwd: app, stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
  run(["install", "--no-audit", "--no-fund", "--loglevel=error"]);
  run(["run", "typecheck"]);
  run(["run", "build"]);

  const [appPort, foreignPort] = await Promise.all([freePort(), freePort()]);
  allowed = new StaticSite(path.join(app, "dist"), "127.0.0.1", appPort);
  foreign = new StaticSite(path.join(app, "dist"), "127.0.0.2", foreignPort);
  node = await stack.node({ env: { BELLHOP_ALLOWED_ORIGINS: allowed.origin } });
  allowed.tokenSource = foreign.tokenSource = node.url;
  await Promise.all([allowed.start(), foreign.start()]);
}, { timeout: 600_000 });

after(async () => {
  await allowed?.stop();
  await foreign?.stop();
  await stack?.stop();
});

test("the packed client holds its ES modules, their types and the README, and nothing else", () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const entry of ["index", "react"]) {
    assert.ok(files.includes(`dist/src/${entry}.js`), `${entry}.js`);
    assert.ok(files.includes(`dist/src/${entry}.d.ts`), `${entry}.d.ts`);
  }
  assert.ok(files.includes("README.md") && files.includes("package.json"));
  const strays = files.filter((f) => !/^(dist\/src\/[\w]+\.(js|d\.ts)|README\.md|package\.json)$/.test(f));
  assert.deepEqual(strays, [], "no tests, sources, examples or e2e code in the package");
});

for (const transport of ["websocket", "sse", "poll"] as const) {
  test(`a React app on its own origin receives every event over ${transport}, exactly once`, TIMEOUT, async () => {
    const context = await (await stack.chromium()).newContext();
    try {
      const org = `org-frontend-${process.pid}-${++orgCounter}`;
      const page = await context.newPage();
      await page.goto(`${allowed.origin}/?bellhop=${node.url}&org=${org}&transports=${transport}`);
      await waitFor(`live over ${transport}`, async () =>
        (await page.getAttribute("[data-testid=health]", "data-state")) === "live" &&
        (await page.getAttribute("[data-testid=health]", "data-transport")) === transport,
      );

      const seqs = await node.publish(org, [
        { service: "guest", type: "checkin.completed", payload: { room: "214" } },
        { service: "finance", type: "revenue.created", payload: { amount: 120 } },
        { service: "staff", type: "shift.started", payload: {} },
        { service: "guest", type: "checkout.completed", payload: { room: "108" } },
      ]);
      const wanted = [seqs[0], seqs[1], seqs[3]];
      const shown = await waitFor("three events rendered", async () => {
        const list = await renderedSeqs(page);
        return list.length >= wanted.length ? list : undefined;
      });
      assert.deepEqual(shown, wanted, "guest and finance events, in order, once; staff is not subscribed");
      if (transport === "websocket") {
        await page.setViewportSize({ width: 800, height: 400 });
        await page.screenshot({ path: path.join(ARTIFACTS, "frontend-cross-origin.png") });
      }
    } finally {
      await context.close();
    }
  });
}

test("the React app uploads a document with <DocumentUpload> to the node on the other origin", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${allowed.origin}/?bellhop=${node.url}&org=org-frontend-upload-${process.pid}`);
    const size = await page.evaluate(async () => {
      const canvas = document.createElement("canvas");
      canvas.width = 600;
      canvas.height = 200;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#fff";
      g.fillRect(0, 0, 600, 200);
      g.fillStyle = "#000";
      g.font = "32px monospace";
      g.fillText("PASSPORT", 40, 100);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), "image/png"));
      const file = new File([blob], "scan.png", { type: "image/png", lastModified: 1 });
      const input = document.querySelector<HTMLInputElement>(".bellhop-upload input[type=file]")!;
      const transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return file.size;
    });
    await page.locator(".bellhop-upload[data-state=complete]").waitFor({ timeout: 60_000 });
    assert.match(await page.innerText(".bellhop-upload-status"), /^Uploaded /);
    assert.equal(await page.getAttribute(".bellhop-upload progress", "value"), "100");
    assert.ok(size > 0);
    assert.equal(await page.getAttribute(".bellhop-upload input[type=file]", "accept"),
      "image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp,application/pdf,.pdf");
  } finally {
    await context.close();
  }
});

test("the same app on an origin that is not on the list is refused, and says it is CORS", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${foreign.origin}/?bellhop=${node.url}&org=org-frontend-foreign-${process.pid}`);
    await page.waitForSelector("[data-testid=failure]");

    assert.equal(await page.getAttribute("[data-testid=failure]", "data-cause"), "cors");
    assert.equal(await page.getAttribute("[data-testid=health]", "data-state"), "stopped");
    assert.match(await page.innerText("[data-testid=failure]"), /not to this page's origin \(http:\/\/127\.0\.0\.2:/);
    await page.screenshot({ path: path.join(ARTIFACTS, "frontend-foreign-origin.png") });
  } finally {
    await context.close();
  }
});

async function renderedSeqs(page: Page): Promise<number[]> {
  return page.$$eval("[data-testid=events] li", (items) => items.map((li) => Number(li.getAttribute("data-seq"))));
}

/**
 * The front end's own web server: the Vite build, plus `/api/token`, which stands in for the app's
 * backend and fetches a token from Bellhop's development helper server to server.
 */
class StaticSite {
  tokenSource = "";
  private readonly server: http.Server;

  constructor(
    private readonly root: string,
    private readonly host: string,
    private readonly port: number,
  ) {
    this.server = http.createServer((req, res) => void this.serve(req, res));
  }

  get origin(): string {
    return `http://${this.host}:${this.port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.port, this.host, resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    if (url.pathname === "/api/token") {
      const answer = await fetch(`${this.tokenSource}/dev/token${url.search}`);
      res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
      return;
    }
    const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1);
    const full = path.join(this.root, file);
    if (!full.startsWith(this.root + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer;
    try {
      body = readFileSync(full);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
    res.writeHead(200, { "content-type": type }).end(body);
  }
}
