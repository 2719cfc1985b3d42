import { test } from "node:test";
import assert from "node:assert/strict";
import { ChannelLike, LockManagerLike, TabGroup } from "../src/tabs.js";

/** One exclusive lock with a FIFO queue, abort signals and steal: the Web Locks semantics used. */
class FakeLocks implements LockManagerLike {
  private holder: { release: () => void; reject: (e: Error) => void } | undefined;
  private readonly waiting: { grant: () => void; signal?: AbortSignal }[] = [];

  request(_name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: (l: unknown) => Promise<void>) {
    return new Promise<unknown>((resolve, reject) => {
      const grant = () => {
        let settled = false;
        this.holder = {
          release: () => {},
          reject: (e) => {
            settled = true;
            reject(e);
          },
        };
        const mine = this.holder;
        callback({}).then(() => {
          if (this.holder === mine) this.next();
          if (!settled) resolve(undefined);
        });
      };
      if (options.steal) {
        this.holder?.reject(new Error("AbortError"));
        this.holder = undefined;
        grant();
      } else if (!this.holder) {
        grant();
      } else {
        const entry = { grant, signal: options.signal };
        this.waiting.push(entry);
        options.signal?.addEventListener("abort", () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new Error("AbortError"));
        });
      }
    });
  }

  private next() {
    this.holder = undefined;
    this.waiting.shift()?.grant();
  }
}

/** BroadcastChannel semantics: delivered asynchronously to every other member. */
class Bus {
  readonly members = new Set<ChannelLike>();
  frozen = new Set<ChannelLike>();
  channel(): ChannelLike {
    const bus = this;
    const ch: ChannelLike = {
      onmessage: null,
      postMessage(data) {
        if (bus.frozen.has(ch)) return;
        for (const m of bus.members) if (m !== ch && !bus.frozen.has(m)) setTimeout(() => m.onmessage?.({ data }), 0);
      },
      close() {
        bus.members.delete(ch);
      },
    };
    this.members.add(ch);
    return ch;
  }
}

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
