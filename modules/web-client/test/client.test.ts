import { test } from "node:test";
import assert from "node:assert/strict";
import { RealtimeClient, SocketLike, EventEnvelope, Health } from "../src/client.js";
import { MemoryCursorStore } from "../src/cursorStore.js";

/** A socket the test drives by hand, standing in for the server. */
class FakeSocket implements SocketLike {
  sent: any[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  server(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop(code: number, reason = "") {
    this.onclose?.({ code, reason });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const store = new MemoryCursorStore();
  const client = new RealtimeClient({
    baseUrl: "http://test",
    useConfig: false,
    shareAcrossTabs: false,
    orgId: "org-1",
    token: () => "t.e30.s",
    services: ["finance"],
    cursorStore: store,
    backoff: { baseMs: 100, maxMs: 1000, stableMs: 60_000, random: () => 0.5 },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    schedule: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    cancel: () => {},
  });
  return { client, sockets, timers, store };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const ev = (seq: number, id = "e" + seq): EventEnvelope => ({
  eventId: id, service: "finance", type: "t", orgId: "org-1", occurredAt: "", payload: { seq }, seq,
});

test("handshakes, delivers each event once, and resumes from its cursor after a retryable close", async () => {
  const { client, sockets, timers, store } = harness();
  const got: number[] = [];
  const health: Health[] = [];
  client.on("finance", (e) => got.push(e.seq));
  client.onHealth((h) => health.push(h));
  client.start();
  await tick();
  sockets[0].open();
  assert.deepEqual(sockets[0].sent[0], { token: "t.e30.s", version: 1, services: ["finance"] });
  sockets[0].server({ type: "ack", seq: 5, epoch: "E", recovered: false });
  sockets[0].server({ type: "event", service: "finance", events: [ev(6), ev(7)], seq: 7 });
  sockets[0].server({ type: "event", service: "finance", events: [ev(7)], seq: 7 });
  sockets[0].server({ type: "ping", seq: 9 });
  assert.deepEqual(got, [6, 7]);
  assert.deepEqual(store.load("org-1"), { seq: 9, epoch: "E" });
  assert.equal(health.at(-1)?.state, "live");

  sockets[0].drop(1012, '{"retryMs":700}');
  assert.equal(health.at(-1)?.state, "reconnecting");
  assert.equal(timers.at(-1)?.ms, 700, "the server's retry hint wins over a shorter backoff");
  timers.at(-1)!.fn();
  await tick();
  sockets[1].open();
  assert.equal(sockets[1].sent[0].lastSeq, 9);
  assert.equal(sockets[1].sent[0].epoch, "E");
});

test("stops without reconnecting on a terminal close code", async () => {
  const { client, sockets, timers } = harness();
  let last: Health | undefined;
  client.onHealth((h) => (last = h));
  client.start();
  await tick();
  sockets[0].open();
  const before = timers.length;
  sockets[0].drop(4001, "token expired");
  assert.equal(last?.state, "stopped");
  assert.deepEqual(last?.lastClose, { code: 4001, reason: "token expired" });
  assert.equal(timers.length, before, "no reconnect scheduled");
});

test("surfaces recovered:false so the app can refetch", async () => {
  const { client, sockets } = harness();
  let last: Health | undefined;
  client.onHealth((h) => (last = h));
  client.start();
  await tick();
  sockets[0].open();
  sockets[0].server({ type: "ack", seq: 100, epoch: "E2", recovered: false });
  assert.equal(last?.recovered, false);
});
