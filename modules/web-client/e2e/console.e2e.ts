/**
 * The browser client and the console in Debian's Chromium against real Bellhop nodes, NATS and
 * PostgreSQL (stack.ts). Screenshots land in e2e-artifacts/.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { AppNode, Stack, waitFor } from "./stack.js";

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../e2e-artifacts");
const TIMEOUT = { timeout: 180_000 };

let stack: Stack;
/** Serves the pages; killed and restarted by one test. */
let node: AppNode;
/** A second node on the same NATS with the rollout at 0 %; also publishes while `node` is down. */
let dark: AppNode;
let orgCounter = 0;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await Stack.start();
  [node, dark] = await Promise.all([stack.node(), stack.node({ env: { REALTIME_ROLLOUT_PERCENT: "0" } })]);
}, { timeout: 240_000 });

after(async () => {
  await stack?.stop();
});

/** A fresh org per test, so cursors and events never mix between tests. */
function freshOrg(): string {
  return `org-e2e-${process.pid}-${++orgCounter}`;
}

interface Rendered {
  eventId: string;
  service: string;
  seq: number;
  renderedAt: number;
}

async function openConsole(context: BrowserContext, base: string, org: string, extra = ""): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/?autostart=1&org=${org}&user=front-desk${extra}`);
  await page.waitForSelector("[data-testid=signed-in]");
  return page;
}

/** Two tabs of one org in one browser: the first leads, the second follows, both live. */
async function leaderAndFollower(context: BrowserContext, org: string): Promise<[Page, Page]> {
  const leader = await openConsole(context, node.url, org);
  await waitHealth(leader, "first tab leads", (h) => h.state === "live" && h.role === "leader");
  const follower = await openConsole(context, node.url, org);
  await waitHealth(follower, "second tab follows", (h) => h.state === "live" && h.role === "follower");
  return [leader, follower];
}

async function health(page: Page): Promise<{ state: string; role: string; transport?: string; reconnects: number }> {
  return page.evaluate(() => (window as any).bellhopConsole.health());
}

async function waitHealth(page: Page, what: string, ok: (h: Awaited<ReturnType<typeof health>>) => boolean, ms = 60_000) {
  return waitFor(what, async () => {
    const h = await health(page);
    return ok(h) ? h : undefined;
  }, ms);
}

async function rendered(page: Page): Promise<Rendered[]> {
  return page.evaluate(() => (window as any).bellhopConsole.events);
}

/** Waits until the page has rendered every id, then checks nothing arrived twice or out of order. */
async function expectExactlyOnce(page: Page, ids: string[], label: string): Promise<Rendered[]> {
  const want = new Set(ids);
  const got = await waitFor(`${label}: ${ids.length} events rendered`, async () => {
    const events = await rendered(page);
    return events.filter((e) => want.has(e.eventId)).length >= want.size ? events : undefined;
  });
  const mine = got.filter((e) => want.has(e.eventId));
  assert.equal(mine.length, want.size, `${label}: an event was rendered twice`);
  const all = got.map((e) => e.eventId);
  assert.equal(new Set(all).size, all.length, `${label}: duplicate delivery`);
  const seqs = mine.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${label}: out of order`);
  return mine;
}

let eventCounter = 0;
function sampleEvents(n: number, service = "finance"): Record<string, unknown>[] {
  return Array.from({ length: n }, () => ({
    eventId: `e2e-${process.pid}-${++eventCounter}`,
    service,
    type: service === "guest" ? "checkin.completed" : "revenue.created",
    payload: service === "guest" ? { room: String(100 + eventCounter) } : { amount: eventCounter, currency: "EUR" },
  }));
}

async function publish(via: AppNode, org: string, n: number, service = "finance"): Promise<string[]> {
  const events = sampleEvents(n, service);
  await via.publish(org, events);
  return events.map((e) => e.eventId as string);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // the feed's row counter refreshes every 100 ms
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

test("events published over HTTP render in the console over the WebSocket", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const page = await openConsole(context, node.url, org);
    await waitHealth(page, "live over websocket", (h) => h.state === "live" && h.transport === "websocket");
    const ids = [...(await publish(node, org, 5, "finance")), ...(await publish(node, org, 3, "guest"))];
    await expectExactlyOnce(page, ids, "first page");
    assert.ok((await page.locator("[data-testid=feed-row]").count()) >= 8, "rows in the feed");

    await page.click("[data-testid=publish]");
    const services = await waitFor("one sample event of every service", async () => {
      const seen = new Set((await rendered(page)).filter((e) => !ids.includes(e.eventId)).map((e) => e.service));
      return seen.size >= 9 ? seen : undefined;
    });
    assert.deepEqual([...services].sort(), [
      "analytics", "branding", "dashboard", "finance", "guest", "properties", "staff", "tasks", "users",
    ]);
    await screenshot(page, "console-live");
  } finally {
    await context.close();
  }
});

test("two tabs share one socket, both render every event, and closing the leader hands over", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const before = (await node.metrics()).activeConnections;
    const [first, second] = await leaderAndFollower(context, org);
    assert.equal((await node.metrics()).activeConnections - before, 1, "one socket for two tabs");

    const ids = await publish(node, org, 10);
    await expectExactlyOnce(first, ids, "leader tab");
    await expectExactlyOnce(second, ids, "follower tab");
    await screenshot(second, "console-follower");

    // Publish continuously while the leader tab closes: the follower must end with every event once.
    const during: string[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 30; i++) {
        during.push(...(await publish(node, org, 1)));
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    await first.close();
    await waitHealth(second, "the follower takes over", (h) => h.state === "live" && h.role === "leader", 10_000);
    await publishing;
    await expectExactlyOnce(second, [...ids, ...during], "after hand-over");
    await waitFor("the old socket to go", async () =>
      (await node.metrics()).activeConnections - before === 1 || undefined, 15_000);
  } finally {
    await context.close();
  }
});

test("a hung leader tab is replaced within seconds and yields its socket when it wakes", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const before = (await node.metrics()).activeConnections;
    const [leader, follower] = await leaderAndFollower(context, org);
    const first = await publish(node, org, 5);
    await expectExactlyOnce(follower, first, "before the hang");

    // A long task blocks the leader's main thread: no timers, no messages, no socket reads.
    // (Chromium's CDP lifecycle freeze keeps those task queues running, so it cannot stand in.)
    const hung = leader.evaluate(() => {
      const end = Date.now() + 12_000;
      while (Date.now() < end);
    });
    await waitHealth(follower, "the follower steals the lock", (h) => h.state === "live" && h.role === "leader", 10_000);
    const duringHang = await publish(node, org, 5);
    await expectExactlyOnce(follower, [...first, ...duringHang], "during the hang");

    await hung;
    await waitHealth(leader, "the woken tab follows", (h) => h.role === "follower", 15_000);
    await waitFor("the woken tab's socket to close", async () =>
      (await node.metrics()).activeConnections - before === 1 || undefined, 15_000);
    const afterWake = await publish(node, org, 5);
    await expectExactlyOnce(follower, [...first, ...duringHang, ...afterWake], "after the wake");
    await expectExactlyOnce(leader, [...first, ...duringHang, ...afterWake], "the woken tab");
    assert.equal((await health(follower)).role, "leader", "the tab that took over keeps the lead");
  } finally {
    await context.close();
  }
});

test("a tab catches up on what was published while its server was killed and restarted", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const page = await openConsole(context, node.url, org);
    await waitHealth(page, "live", (h) => h.state === "live");
    const beforeKill = await publish(node, org, 5);
    await expectExactlyOnce(page, beforeKill, "before the kill");

    await node.kill();
    await waitHealth(page, "the tab notices", (h) => h.state !== "live", 20_000);
    const whileDown = await publish(dark, org, 7); // the other node shares the log
    await node.start();
    await waitHealth(page, "live again", (h) => h.state === "live", 90_000);
    const afterRestart = await publish(node, org, 3);
    await expectExactlyOnce(page, [...beforeKill, ...whileDown, ...afterRestart], "after the restart");
    assert.ok((await health(page)).reconnects >= 1);
  } finally {
    await context.close();
  }
});

test("WebSocket refused by a proxy: SSE; then SSE blocked too: long-poll; nothing lost", TIMEOUT, async () => {
  const proxy = await stack.proxy(node, { refuseWebSocket: true });
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const page = await openConsole(context, proxy.url, org);
    await waitHealth(page, "on SSE", (h) => h.state === "live" && h.transport === "sse");
    const overSse = await publish(node, org, 10);
    await expectExactlyOnce(page, overSse, "over SSE");

    await page.route("**/v2/realtime/sse**", (route) => route.abort());
    proxy.dropAll();
    const inTransit = await publish(node, org, 10);
    await waitHealth(page, "on long-poll", (h) => h.state === "live" && h.transport === "poll");
    const overPoll = await publish(node, org, 10);
    await expectExactlyOnce(page, [...overSse, ...inTransit, ...overPoll], "SSE then long-poll");
    await screenshot(page, "console-long-poll");
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test("rollout at 0 % keeps the client off the stream", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const page = await openConsole(context, dark.url, org);
    const h = await waitHealth(page, "disabled", (h) => h.state === "disabled", 20_000);
    assert.equal(h.transport, undefined, "no transport was opened");
    assert.equal((await dark.metrics()).activeConnections, 0);
    await screenshot(page, "console-rollout-off");
  } finally {
    await context.close();
  }
});
