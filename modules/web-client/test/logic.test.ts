import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Backoff } from "../src/backoff.js";
import { CLOSE_CODES, isRetryable, retryHintMs } from "../src/closeCodes.js";
import { EventIdDedup } from "../src/dedup.js";
import { MemoryCursorStore, StorageCursorStore } from "../src/cursorStore.js";

test("backoff grows exponentially with full jitter, capped, and resets after a stable connection", () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, stableMs: 5000, random: () => 0.999 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [99, 199, 399, 799, 999]);
  const low = new Backoff({ baseMs: 100, maxMs: 1000, stableMs: 5000, random: () => 0 });
  assert.equal(low.next(), 0, "full jitter may retry at once");
  b.connected(0);
  b.disconnected(1000);
  assert.equal(b.attempts, 5, "a short connection keeps the count");
  b.connected(10_000);
  b.disconnected(20_000);
  assert.equal(b.attempts, 0, "a stable connection resets it");
});

test("close-code table matches the server's CloseCode enum", () => {
  const java = readFileSync(
    fileURLToPath(new URL("../../../platform/src/main/java/io/bellhop/platform/CloseCode.java", import.meta.url)),
    "utf8",
  );
  const server = [...java.matchAll(/^\s+([A-Z_]+)\((\d+), (true|false),/gm)].map((m) => ({
    name: m[1],
    code: Number(m[2]),
    retryable: m[3] === "true",
  }));
  assert.ok(server.length >= 10, "parsed the enum");
  assert.deepEqual(
    Object.entries(CLOSE_CODES).map(([code, v]) => ({ name: v.name, code: Number(code), retryable: v.retryable })),
    server.sort((a, b) => a.code - b.code),
  );
  assert.equal(isRetryable(4001), false);
  assert.equal(isRetryable(4509), true);
  assert.equal(isRetryable(1006), true, "abnormal closes retry");
  assert.equal(retryHintMs('{"retryMs":2317}'), 2317);
  assert.equal(retryHintMs("bye"), undefined);
});

test("dedup drops repeats per org and stays bounded (3 orgs x 1000 ids)", () => {
  const d = new EventIdDedup(3, 1000);
  assert.equal(d.firstTime("a", "e1"), true);
  assert.equal(d.firstTime("a", "e1"), false);
  assert.equal(d.firstTime("b", "e1"), true, "ids are per org");
  for (let i = 0; i < 1001; i++) d.firstTime("a", "x" + i);
  assert.equal(d.firstTime("a", "e1"), true, "the oldest id of an org is forgotten past 1000");
  d.firstTime("c", "1");
  d.firstTime("d", "1");
  assert.equal(d.firstTime("b", "e1"), true, "the least recently used org is forgotten past 3");
});

test("cursor stores only move forward within an epoch and survive bad data", () => {
  const items = new Map<string, string>();
  const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
  for (const store of [new StorageCursorStore(storage), new MemoryCursorStore()]) {
    store.save("org", { seq: 10, epoch: "e1" });
    store.save("org", { seq: 7, epoch: "e1" });
    assert.deepEqual(store.load("org"), { seq: 10, epoch: "e1" });
    store.save("org", { seq: 3, epoch: "e2" });
    assert.deepEqual(store.load("org"), { seq: 3, epoch: "e2" }, "a new epoch replaces the cursor");
    assert.equal(store.load("other"), undefined);
  }
  items.set("bellhop.cursor.broken", "{nope");
  assert.equal(new StorageCursorStore(storage).load("broken"), undefined);
});
