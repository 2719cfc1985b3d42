/**
 * The browser client and the console in Debian's Chromium against real Bellhop nodes, NATS and
 * PostgreSQL (stack.ts). Screenshots land in e2e-artifacts/; with BELLHOP_README_SCREENSHOT=1 the
 * console at 1280 px also replaces the README's docs/images/console.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { serverServices } from "../test/sources.js";
import { AppNode, Stack, waitFor } from "./stack.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = path.resolve(HERE, "../../e2e-artifacts");
const README_SCREENSHOT = path.resolve(HERE, "../../../../docs/images/console.png");
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

async function screenshot(page: Page, name: string): Promise<string> {
  await page.waitForTimeout(300); // the feed's row counter refreshes every 100 ms
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function text(page: Page, testId: string): Promise<string> {
  return (await page.locator(`[data-testid=${testId}]`).textContent()) ?? "";
}

/** Waits until the element's text contains `part`; returns the text. */
async function waitText(page: Page, testId: string, part: string, ms = 20_000): Promise<string> {
  return waitFor(`"${part}" in ${testId}`, async () => {
    const t = await text(page, testId);
    return t.includes(part) ? t : undefined;
  }, ms);
}

interface Metrics {
  activeConnections: number;
  activeByTransport: Record<"websocket" | "sse" | "poll", number>;
}

/** Waits until the node counts exactly `want` open connections of this transport. */
async function waitOpen(via: AppNode, transport: keyof Metrics["activeByTransport"], want: number): Promise<void> {
  await waitFor(`${want} open ${transport} connection(s) on the node`, async () => {
    const m = (await via.metrics()) as unknown as Metrics;
    return m.activeByTransport[transport] === want || undefined;
  }, 30_000);
}

/**
 * What is wrong with the layout at the current width; empty when nothing is. Every label, value,
 * control and feed cell must lie inside the viewport and inside each box that clips it (a box
 * that scrolls does not count: what it hides can be scrolled to); the labels and values of the
 * health panel must not overlap; and the page must not scroll sideways.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const name = (el: Element) => {
      const classes = Array.from(el.classList).map((c) => `.${c}`).join("");
      return `${el.tagName.toLowerCase()}${classes} "${(el.textContent ?? "").trim().slice(0, 24)}"`;
    };
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) problems.push(`the page scrolls sideways: ${scrollWidth} > ${width} px`);

    const parts = [
      ".topbar .brand", "#session-info", "#publish-status", ".topbar button",
      "form label", "form input", "form select", "form button", ".error", ".uploads summary",
      ".health dt", ".health dd", ".notice", ".failure", ".metrics",
      ".service-item", ".toolbar > *", ".row.head > *", ".feed .row > *",
    ];
    for (const el of Array.from(document.querySelectorAll(parts.join(","))).filter(shown)) {
      const r = el.getBoundingClientRect();
      if (r.left < -0.5 || r.right > width + 0.5) {
        problems.push(`${name(el)} lies outside the viewport (${Math.round(r.left)}–${Math.round(r.right)} px)`);
      }
      for (let box = el.parentElement; box; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow !== "hidden" && overflow !== "clip") continue;
        const b = box.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5) problems.push(`${name(el)} is cut off by ${name(box)}`);
      }
    }

    // The text's own extent, which spills out of a box too narrow for it.
    const textBox = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return range.getBoundingClientRect();
    };
    const health = Array.from(document.querySelectorAll(".health dt, .health dd")).filter(shown);
    for (let i = 0; i < health.length; i++) {
      for (let j = i + 1; j < health.length; j++) {
        const a = textBox(health[i]);
        const b = textBox(health[j]);
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        if (a.width > 0 && b.width > 0 && !apart) problems.push(`${name(health[i])} overlaps ${name(health[j])}`);
      }
    }
    return problems;
  });
}

const WIDTHS = [
  { width: 1280, height: 800 }, // laptop
  { width: 768, height: 1024 }, // tablet
  { width: 390, height: 844 }, // phone
];

/** At each width: screenshot `${name}-${width}`, then fail on any layout problem. */
async function checkLayout(page: Page, name: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await screenshot(page, `${name}-${size.width}`);
    assert.deepEqual(await layoutProblems(page), [], `${name} at ${size.width} px`);
  }
  await page.setViewportSize(WIDTHS[0]);
}

test("events published over HTTP render in the console over the WebSocket", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const org = freshOrg();
    const page = await openConsole(context, node.url, org);
    await waitHealth(page, "live over websocket", (h) => h.state === "live" && h.transport === "websocket");
    assert.equal(await text(page, "health-recovered"), "fresh start", "a first connect has nothing to resume");
    assert.equal(await page.locator("[data-testid=health-notice]").isVisible(), false, "no warning");
    const ids = [...(await publish(node, org, 5, "finance")), ...(await publish(node, org, 3, "guest"))];
    await expectExactlyOnce(page, ids, "first page");
    assert.ok((await page.locator("[data-testid=feed-row]").count()) >= 8, "rows in the feed");

    await page.click("[data-testid=publish]");
    const services = await waitFor("one sample event of every service", async () => {
      const seen = new Set((await rendered(page)).filter((e) => !ids.includes(e.eventId)).map((e) => e.service));
      return seen.size >= serverServices().length ? seen : undefined;
    });
    assert.deepEqual([...services].sort(), serverServices().sort());
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
    assert.equal(await text(page, "health-recovered"), "resumed", "the gap was replayed");
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
    // The console's counts include clients that are not on a socket, as the server's do.
    await waitOpen(node, "sse", 1);
    await waitText(page, "metrics", "1 connection (0 WebSocket, 1 SSE, 0 long-poll)");

    await page.route("**/v2/realtime/sse**", (route) => route.abort());
    proxy.dropAll();
    const inTransit = await publish(node, org, 10);
    await waitHealth(page, "on long-poll", (h) => h.state === "live" && h.transport === "poll");
    const overPoll = await publish(node, org, 10);
    await expectExactlyOnce(page, [...overSse, ...inTransit, ...overPoll], "SSE then long-poll");
    await waitOpen(node, "poll", 1);
    await waitText(page, "metrics", "1 connection (0 WebSocket, 0 SSE, 1 long-poll)");
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

test("the console fits 1280, 768 and 390 px wide, signed out and signed in", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const page = await context.newPage();
    await page.setViewportSize(WIDTHS[0]);
    await page.goto(`${node.url}/`);
    await checkLayout(page, "console-signin");

    // The org a hotel group would have, so the 1280 px screenshot can serve as the README's.
    await page.fill("input[name=org]", "grand-hotel-lisbon");
    await page.fill("input[name=user]", "front-desk");
    await page.click("[data-testid=signin]");
    await page.waitForSelector("[data-testid=signed-in]");
    await waitHealth(page, "live", (h) => h.state === "live");
    for (let batch = 1; batch <= 3; batch++) {
      await page.click("[data-testid=publish]");
      const want = batch * serverServices().length;
      await waitFor(`${want} sample events rendered`, async () => (await rendered(page)).length >= want || undefined);
    }
    await waitText(page, "metrics", "delivered");
    await checkLayout(page, "console");
    await page.click("[data-testid=uploads-toggle]");
    await checkLayout(page, "console-uploads");
    await page.click("[data-testid=uploads-toggle]");
    if (process.env.BELLHOP_README_SCREENSHOT === "1") {
      copyFileSync(path.join(ARTIFACTS, "console-1280.png"), README_SCREENSHOT);
    }
  } finally {
    await context.close();
  }
});

test("the sign-in form refuses an id the server would refuse, before asking for a token", TIMEOUT, async () => {
  const context = await (await stack.chromium()).newContext();
  try {
    const page = await context.newPage();
    const tokenRequests: string[] = [];
    page.on("request", (r) => r.url().includes("/dev/token") && tokenRequests.push(r.url()));
    await page.goto(`${node.url}/`);
    await page.fill("input[name=org]", "grand hotel lisbon");
    await page.click("[data-testid=signin]");
    assert.match(await waitText(page, "signin-error", "Org id"), /only contain letters, digits, "_" and "-"/);
    assert.equal(await page.getAttribute("input[name=org]", "aria-invalid"), "true");
    await page.fill("input[name=org]", "grand-hotel-lisbon");
    await page.fill("input[name=property]", "lisbon/baixa");
    await page.click("[data-testid=signin]");
    await waitText(page, "signin-error", "Property id may only contain");
    assert.deepEqual(tokenRequests, [], "no token was asked for");

    await page.fill("input[name=property]", "");
    await page.click("[data-testid=signin]");
    await page.waitForSelector("[data-testid=signed-in]");
    assert.equal(tokenRequests.length > 0, true, "valid ids sign in");
  } finally {
    await context.close();
  }
});

test("the health panel says why the client cannot connect, as a problem, until it is live", TIMEOUT, async () => {
  const proxy = await stack.proxy(node, {});
  const context = await (await stack.chromium()).newContext();
  try {
    const page = await openConsole(context, proxy.url, freshOrg());
    await waitHealth(page, "live", (h) => h.state === "live");
    const failure = page.locator("[data-testid=health-failure]");
    assert.equal(await failure.isVisible(), false, "nothing to report while live");

    // The network goes: the socket drops, and the reconnect's first request gets no answer.
    await page.route("**/v2/realtime/config**", (route) => route.abort("connectionrefused"));
    proxy.dropAll();
    await failure.waitFor({ state: "visible" });
    assert.match(
      (await failure.textContent()) ?? "",
      /^Cannot connect: the server cannot be reached \(network\) — cannot reach http:\/\/127\.0\.0\.1:\d+: /,
    );
    assert.equal(await failure.getAttribute("role"), "alert");
    await screenshot(page, "console-failure");

    await page.unroute("**/v2/realtime/config**");
    await waitHealth(page, "live again", (h) => h.state === "live");
    await failure.waitFor({ state: "hidden" });
  } finally {
    await context.close();
    await proxy.stop();
  }
});
