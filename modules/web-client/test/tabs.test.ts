import { test } from "node:test";
import assert from "node:assert/strict";
import { TabGroup } from "../src/tabs.js";
import { Bus, FakeLocks } from "./fakeTabs.js";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Waits for a condition (at most 5 s), then asserts it. */
async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok() && Date.now() < deadline) await tick(5);
  assert.ok(ok(), what);
}

function tab(locks: FakeLocks, bus: Bus, log: string[], name: string, timing = { silenceMs: 60, probeMs: 40 }) {
  const channel = bus.channel();
  const group = new TabGroup("bellhop:org-1", locks, channel, {
    lead: () => log.push(`${name} leads`),
    follow: () => log.push(`${name} follows`),
    message: (d) => log.push(`${name} got ${d}`),
    snapshot: () => "snapshot",
  }, timing);
  return { group, channel };
}

test("one tab leads, followers get its relays, and closing the leader hands over to the next", async () => {
  const locks = new FakeLocks();
  const bus = new Bus();
  const log: string[] = [];
  // No probing here: a loaded machine must not make B steal the lock from a leader that answers.
  const calm = { silenceMs: 60_000, probeMs: 60_000 };
  const a = tab(locks, bus, log, "A", calm);
  const b = tab(locks, bus, log, "B", calm);
  try {
    a.group.join();
    await until("A leads", () => a.group.isLeader);
    b.group.join();
    await until("a newcomer gets the leader's snapshot", () => log.includes("B got snapshot"));
    assert.ok(a.group.isLeader && !b.group.isLeader);
    a.group.relay("batch-1");
    await until("B got the relay", () => log.includes("B got batch-1"));
    a.group.close();
    await until("the follower took over", () => b.group.isLeader);
  } finally {
    a.group.close();
    b.group.close();
  }
});

test("a frozen leader is probed, then its lock is stolen; when it wakes it yields", async () => {
  const locks = new FakeLocks();
  const bus = new Bus();
  const log: string[] = [];
  const a = tab(locks, bus, log, "A");
  const b = tab(locks, bus, log, "B");
  try {
    a.group.join();
    await tick();
    b.group.join();
    await tick(150);
    assert.ok(a.group.isLeader && !b.group.isLeader, "an answering leader keeps the lock");
    bus.frozen.add(a.channel);
    await tick(250);
    assert.ok(b.group.isLeader, "B stole the lock from the silent leader");
    assert.ok(!a.group.isLeader, "A learnt its lock was stolen");
    assert.ok(log.includes("A follows"));
    bus.frozen.delete(a.channel);
    b.group.relay("after");
    await tick(5);
    assert.ok(log.includes("A got after"), "A now follows B");
  } finally {
    a.group.close();
    b.group.close();
  }
});
