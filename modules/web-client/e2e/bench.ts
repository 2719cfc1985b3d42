/**
 * Browser-side figures, measured in headless Chromium against a real Bellhop node, NATS and
 * PostgreSQL (stack.ts):
 *   - publish→render latency through each transport (WebSocket, SSE, long-poll);
 *   - leader hand-over time when the leader tab closes, and when it freezes;
 *   - bytes on the wire per event over the WebSocket, with and without permessage-deflate.
 * Usage (from modules/web-client, after ./build.sh and an app build):
 *   node dist/e2e/bench.js [--runs 3] [--events 300] [--rate 20]
 * Prints a Markdown report and writes it to bench/results/browser-<timestamp>.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { AppNode, Proxy, Stack, waitFor } from "./stack.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg("runs", 3);
const EVENTS = arg("events", 300);
const RATE = arg("rate", 20);
const HANDOVERS = arg("handovers", 5);

let org = 0;
const freshOrg = () => `org-bench-${process.pid}-${++org}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A hotel-ish payload that makes the envelope about 256 bytes on the wire. */
function event(i: number, service = "finance") {
  return {
    eventId: `b-${process.pid}-${Date.now()}-${i}`,
    service,
    type: "revenue.created",
    propertyId: "7",
    payload: { invoice: `INV-${100000 + i}`, amount: 120 + (i % 50), currency: "EUR", room: 200 + (i % 80) },
  };
}

async function openConsole(browser: Browser, base: string, orgId: string, transports?: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const t = transports ? `&transports=${transports}` : "";
  await page.goto(`${base}/?autostart=1&org=${orgId}&user=bench${t}`);
  await page.waitForSelector("[data-testid=signed-in]");
  return page;
}

async function waitLive(page: Page, transport?: string): Promise<void> {
  await waitFor(`live${transport ? ` over ${transport}` : ""}`, () =>
    page.evaluate((t) => {
      const h = (window as any).bellhopConsole.health();
      return h.state === "live" && (!t || h.transport === t) ? true : undefined;
    }, transport),
  );
}

async function renderedAt(page: Page): Promise<Map<string, number>> {
  const events: { eventId: string; renderedAt: number }[] = await page.evaluate(
    () => (window as any).bellhopConsole.events,
  );
  return new Map(events.map((e) => [e.eventId, e.renderedAt]));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)];
  return s.length > 1 ? `${fmt(med)} (${fmt(s[0])}–${fmt(s[s.length - 1])})` : fmt(med);
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** Publishes EVENTS events one per request at RATE/s; returns per-event publish→render ms. */
async function latencyRun(node: AppNode, browser: Browser, transport: string): Promise<{ p50: number; p99: number; lost: number }> {
  const orgId = freshOrg();
  const page = await openConsole(browser, node.url, orgId, transport);
  try {
    await waitLive(page, transport);
    const publishedAt = new Map<string, number>();
    const start = Date.now();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = start + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const e = event(i);
      publishedAt.set(e.eventId, Date.now());
      inFlight.push(node.publish(orgId, [e]));
    }
    await Promise.all(inFlight);
    const rendered = await waitFor("every event rendered", async () => {
      const r = await renderedAt(page);
      return [...publishedAt.keys()].every((id) => r.has(id)) ? r : undefined;
    }, 60_000).catch(() => renderedAt(page));
    const latencies = [...publishedAt]
      .filter(([id]) => rendered.has(id))
      .map(([id, at]) => rendered.get(id)! - at)
      .sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), lost: EVENTS - latencies.length };
  } finally {
    await page.context().close();
  }
}

/** Two tabs; the leader closes (or freezes); ms until the follower is the live leader. */
async function handover(node: AppNode, browser: Browser, how: "close" | "freeze"): Promise<number> {
  const orgId = freshOrg();
  const context = await browser.newContext();
  try {
    const open = async () => {
      const page = await context.newPage();
      await page.goto(`${node.url}/?autostart=1&org=${orgId}&user=bench`);
      await page.waitForSelector("[data-testid=signed-in]");
      return page;
    };
    const leader = await open();
    await waitLive(leader);
    const follower = await open();
    await waitFor("follower", () =>
      follower.evaluate(() => ((window as any).bellhopConsole.health().role === "follower" ? true : undefined)),
    );
    await follower.evaluate(() => {
      const c = (window as any).bellhopConsole.client;
      c.onHealth((h: any) => {
        if (h.role === "leader" && h.state === "live" && !(window as any).tookOverAt) {
          (window as any).tookOverAt = performance.timeOrigin + performance.now();
        }
      });
    });
    const t0 = Date.now();
    if (how === "close") {
      await leader.close();
    } else {
      const cdp = await context.newCDPSession(leader);
      await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
    }
    const at = await waitFor("take-over", () => follower.evaluate(() => (window as any).tookOverAt as number | undefined), 30_000);
    return at - t0;
  } finally {
    await context.close();
  }
}

/** Bytes the browser received on its socket per event, through a proxy that counts them. */
async function bytesPerEvent(stack: Stack, node: AppNode, browser: Browser, deflate: boolean, burst: boolean): Promise<number> {
  const proxy: Proxy = await stack.proxy(node, { stripDeflate: !deflate });
  const orgId = freshOrg();
  const page = await openConsole(browser, proxy.url, orgId, "websocket");
  try {
    await waitLive(page, "websocket");
    const before = proxy.webSocketBytesDown;
    const events = Array.from({ length: EVENTS }, (_, i) => event(i));
    if (burst) {
      for (let i = 0; i < events.length; i += 100) await node.publish(orgId, events.slice(i, i + 100));
    } else {
      for (const e of events) await node.publish(orgId, [e]);
    }
    await waitFor("all rendered", async () => {
      const r = await renderedAt(page);
      return events.every((e) => r.has(e.eventId)) || undefined;
    });
    await sleep(200);
    return (proxy.webSocketBytesDown - before) / events.length;
  } finally {
    await page.context().close();
    await proxy.stop();
  }
}

async function main(): Promise<void> {
  const stack = await Stack.start();
  try {
    const node = await stack.node();
    const browser = await stack.chromium();
    const lines: string[] = [];
    const out = (s = "") => {
      lines.push(s);
      console.log(s);
    };
    out(`# Browser figures (${new Date().toISOString()})`);
    out();
    out(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ` +
      `Chromium headless, one Bellhop node, nats-server and PostgreSQL on the same box. ${RUNS} runs; median (min–max).`);
    out();
    // Warm the JVM: the first run on a cold node measures JIT, not Bellhop.
    await latencyRun(node, browser, "websocket");
    out(`## Publish→render latency, ${EVENTS} events at ${RATE}/s, one per HTTP publish`);
    out();
    out("| transport | p50 ms | p99 ms | lost |");
    out("|---|---|---|---|");
    for (const transport of ["websocket", "sse", "poll"]) {
      const runs = [];
      for (let r = 0; r < RUNS; r++) runs.push(await latencyRun(node, browser, transport));
      out(`| ${transport} | ${summary(runs.map((x) => x.p50))} | ${summary(runs.map((x) => x.p99))} | ${runs.reduce((a, x) => a + x.lost, 0)} |`);
    }
    out();
    out(`## Leader hand-over, ${HANDOVERS} times each`);
    out();
    out("| leader tab | follower live as leader after, ms |");
    out("|---|---|");
    for (const how of ["close", "freeze"] as const) {
      const times = [];
      for (let i = 0; i < HANDOVERS; i++) times.push(await handover(node, browser, how));
      out(`| ${how === "close" ? "closes" : "freezes (CDP Page.setWebLifecycleState)"} | ${summary(times)} |`);
    }
    out();
    out(`## Bytes on the wire per event (WebSocket, server→browser, ${EVENTS} events of ~256 B)`);
    out();
    out("| publishing | without permessage-deflate | with permessage-deflate |");
    out("|---|---|---|");
    for (const burst of [false, true]) {
      const plain = [];
      const deflated = [];
      for (let r = 0; r < RUNS; r++) {
        plain.push(await bytesPerEvent(stack, node, browser, false, burst));
        deflated.push(await bytesPerEvent(stack, node, browser, true, burst));
      }
      out(`| ${burst ? "bursts of 100 (batched frames)" : "one event per frame"} | ${summary(plain)} | ${summary(deflated)} |`);
    }
    const dir = path.join(REPO, "bench/results");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `browser-${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
    writeFileSync(file, lines.join("\n") + "\n");
    console.log(`\nwritten to ${path.relative(REPO, file)}`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
