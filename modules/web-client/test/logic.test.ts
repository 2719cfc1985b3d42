import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Backoff } from "../src/backoff.js";
import { CLOSE_CODES, MODULE_CLOSE_CODES, isRetryable, retryHintMs } from "../src/closeCodes.js";
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

interface CodeTable {
  moduleSpace: [number, number][];
  closeRanges: { module: string; first: number; last: number }[];
  closeCodes: { code: number; name: string; module: string; retryable: boolean }[];
}

/** docs/codes.json: every module's close and error codes, written from the Java enums by WireCodesTest. */
const codeTable: CodeTable = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../../docs/codes.json", import.meta.url)), "utf8"),
);

test("close-code table holds every module's close codes, as the server declares them", () => {
  assert.ok(codeTable.closeCodes.length >= 10, "read the table");
  assert.deepEqual(
    Object.entries(CLOSE_CODES).map(([code, v]) => ({ name: v.name, code: Number(code), retryable: v.retryable })),
    codeTable.closeCodes
      .map(({ name, code, retryable }) => ({ name, code, retryable }))
      .sort((a, b) => a.code - b.code),
  );
  for (const { code, retryable } of codeTable.closeCodes) assert.equal(isRetryable(code), retryable, String(code));
  assert.equal(isRetryable(4001), false);
  assert.equal(isRetryable(4509), true);
  assert.equal(isRetryable(1006), true, "abnormal closes retry");
  assert.equal(retryHintMs('{"retryMs":2317}'), 2317);
  assert.equal(retryHintMs("bye"), undefined);
});

test("the kernel's table still parses from CloseCode.java", () => {
  // A second witness that needs no Maven run: the shared codes straight from the Java source.
  const java = readFileSync(
    fileURLToPath(new URL("../../../platform/src/main/java/io/bellhop/platform/CloseCode.java", import.meta.url)),
    "utf8",
  );
  const kernel = [...java.matchAll(/^\s+([A-Z_]+)\(\s*(\d+),\s*(true|false),/gm)].map((m) => ({
    code: Number(m[2]),
    name: m[1],
    module: "platform",
    retryable: m[3] === "true",
  }));
  assert.ok(kernel.length >= 10, "parsed the enum");
  assert.deepEqual(
    codeTable.closeCodes.filter((c) => c.module === "platform").map(({ code, name, module, retryable }) => ({ code, name, module, retryable })),
    kernel.sort((a, b) => a.code - b.code),
  );
});

test("a module's close code the client does not know yet is retried by its number", () => {
  assert.deepEqual(
    MODULE_CLOSE_CODES.map(([first, last]) => [first, last]),
    codeTable.moduleSpace,
    "the module blocks are the server's",
  );
  for (const range of codeTable.closeRanges) {
    for (let code = range.first; code <= Math.min(range.last, 4999); code++) {
      if (CLOSE_CODES[code] || code < 4000) continue;
      const inModuleBlock = codeTable.moduleSpace.some(([first, last]) => code >= first && code <= last);
      assert.equal(isRetryable(code), inModuleBlock ? code % 100 < 50 : true, String(code));
    }
  }
  assert.equal(isRetryable(4750), false, "xx50-xx99 of a module's block are terminal");
  assert.equal(isRetryable(4149), true);
  assert.equal(isRetryable(4400 + 99), true, "unknown kernel codes retry, as before");
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
