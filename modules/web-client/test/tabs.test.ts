import { test } from "node:test";
import assert from "node:assert/strict";
import { TabGroup } from "../src/tabs.js";
import { Bus, FakeLocks } from "./fakeTabs.js";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function tab(locks: FakeLocks, bus: Bus, log: string[], name: string) {
  const channel = bus.channel();
  const group = new TabGroup("bellhop:org-1", locks, channel, {
    lead: () => log.push(`${name} leads`),
    follow: () => log.push(`${name} follows`),
    message: (d) => log.push(`${name} got ${d}`),
    snapshot: () => "snapshot",
  }, { silenceMs: 60, probeMs: 40 });
  return { group, channel };
}

test("one tab leads, followers get its relays, and closing the leader hands over to the next", async () => {
  const locks = new FakeLocks();
  const bus = new Bus();
  const log: string[] = [];
  const a = tab(locks, bus, log, "A");
  const b = tab(locks, bus, log, "B");
  a.group.join();
  await tick();
  b.group.join();
  await tick(5);
  assert.ok(a.group.isLeader && !b.group.isLeader);
  assert.ok(log.includes("B got snapshot"), "a newcomer gets the leader's snapshot");
  a.group.relay("batch-1");
  await tick(5);
  assert.ok(log.includes("B got batch-1"));
  a.group.close();
  await tick(5);
  assert.ok(b.group.isLeader, "the follower took over");
  b.group.close();
});

test("a frozen leader is probed, then its lock is stolen; when it wakes it yields", async () => {
  const locks = new FakeLocks();
  const bus = new Bus();
  const log: string[] = [];
  const a = tab(locks, bus, log, "A");
  const b = tab(locks, bus, log, "B");
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
  a.group.close();
  b.group.close();
});
