/**
 * Browser-side figures, measured in headless Chromium against a real Bellhop node, NATS and
 * PostgreSQL (stack.ts):
 *   - publish→render latency through each transport (WebSocket, SSE, long-poll);
 *   - leader hand-over time when the leader tab closes, and when it hangs;
 *   - bytes on the wire per event over the WebSocket, with and without permessage-deflate.
 * Usage (from modules/web-client, after ./build.sh and an app build):
 *   node dist/e2e/bench.js [--runs 3] [--events 300] [--rate 20] [--sections latency,handover,bytes]
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

function listArg(name: string, fallback: string[]): string[] {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1].split(",") : fallback;
}

const RUNS = arg("runs", 3);
const EVENTS = arg("events", 300);
const RATE = arg("rate", 20);
const HANDOVERS = arg("handovers", 5);
const SECTIONS = listArg("sections", ["latency", "handover", "bytes"]);

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
interface LatencyRun {
  p50: number;
  p99: number;
  lost: number;
  /** The publisher's own request → durable acknowledgement: the floor under every transport. */
  ackP50: number;
  ackP99: number;
}

async function latencyRun(node: AppNode, browser: Browser, transport: string): Promise<LatencyRun> {
  const orgId = freshOrg();
  const page = await openConsole(browser, node.url, orgId, transport);
  try {
    await waitLive(page, transport);
    await node.token(orgId, "publisher", "e2e-publisher"); // minted before the clock starts
    const publishedAt = new Map<string, number>();
    const start = Date.now();
    const inFlight: Promise<unknown>[] = [];
    const acks: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = start + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const e = event(i);
      const sentAt = Date.now();
      publishedAt.set(e.eventId, sentAt);
      inFlight.push(node.publish(orgId, [e]).then(() => acks.push(Date.now() - sentAt)));
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
    acks.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      lost: EVENTS - latencies.length,
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
    };
  } finally {
    await page.context().close();
  }
}

/** Two tabs; the leader closes (or hangs in a long task); ms until the follower is the live leader. */
async function handover(node: AppNode, browser: Browser, how: "close" | "hang"): Promise<number> {
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
      void leader
        .evaluate(() => {
          const end = Date.now() + 6000;
          while (Date.now() < end);
        })
        .catch(() => {});
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

type Out = (line?: string) => void;

async function latencySection(node: AppNode, browser: Browser, out: Out): Promise<void> {
  out(`## Publish→render latency, ${EVENTS} events at ${RATE}/s, one per HTTP publish`);
  out();
  out("| transport | p50 ms | p99 ms | lost | baseline: publish ack p50 / p99 ms |");
  out("|---|---|---|---|---|");
  for (const transport of ["websocket", "sse", "poll"]) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await latencyRun(node, browser, transport));
    const lost = runs.reduce((a, x) => a + x.lost, 0);
    const ack = `${summary(runs.map((x) => x.ackP50))} / ${summary(runs.map((x) => x.ackP99))}`;
    out(`| ${transport} | ${summary(runs.map((x) => x.p50))} | ${summary(runs.map((x) => x.p99))} | ${lost} | ${ack} |`);
  }
  out();
}

async function handoverSection(node: AppNode, browser: Browser, out: Out): Promise<void> {
  out(`## Leader hand-over, ${HANDOVERS} times each`);
  out();
  out("| leader tab | follower live as leader after, ms |");
  out("|---|---|");
  for (const how of ["close", "hang"] as const) {
    const times = [];
    for (let i = 0; i < HANDOVERS; i++) times.push(await handover(node, browser, how));
    out(`| ${how === "close" ? "closes" : "hangs (a 6 s long task)"} | ${summary(times)} |`);
  }
  out();
}

async function bytesSection(stack: Stack, node: AppNode, browser: Browser, out: Out): Promise<void> {
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
    const how = burst ? "bursts of 100 (batched frames)" : "one event per frame";
    out(`| ${how} | ${summary(plain)} | ${summary(deflated)} |`);
  }
  out();
}

async function main(): Promise<void> {
  const stack = await Stack.start();
  try {
    const node = await stack.node();
    const browser = await stack.chromium();
    const lines: string[] = [];
    const out: Out = (line = "") => {
      lines.push(line);
      console.log(line);
    };
    const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
    out(`# Browser figures (${new Date().toISOString()})`);
    out();
    out(`Machine: ${cpu}; Chromium headless, one Bellhop node, nats-server and PostgreSQL on the same box. ` +
      `${RUNS} runs; median (min–max).`);
    out();
    // Warm the JVM: the first run on a cold node measures JIT, not Bellhop.
    await latencyRun(node, browser, "websocket");
    if (SECTIONS.includes("latency")) await latencySection(node, browser, out);
    if (SECTIONS.includes("handover")) await handoverSection(node, browser, out);
    if (SECTIONS.includes("bytes")) await bytesSection(stack, node, browser, out);
    const dir = path.join(REPO, "bench/results");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `browser-${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
    writeFileSync(file, lines.join("\n") + "\n");
    console.log(`written to ${path.relative(REPO, file)}`);
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
