import { test } from "node:test";
import assert from "node:assert/strict";
import { Health } from "../src/client.js";
import { openPoll, openSse, ServerFrame, SocketLike } from "../src/transport.js";
import { scriptedClient } from "./scripted.js";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function sseResponse(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

test("SSE: frames split across chunks and CRLF line ends are parsed; the token travels in a header", async () => {
  const frames: ServerFrame[] = [];
  const closes: number[] = [];
  let seen: { url: string; auth: string } | undefined;
  openSse(
    { baseUrl: "http://h", token: "T", services: ["finance"], cursor: { seq: 4, epoch: "E" } },
    { frame: (f) => frames.push(f), closed: (c) => closes.push(c) },
    async (url, init) => {
      seen = { url, auth: (init?.headers as Record<string, string>).Authorization };
      return sseResponse([
        'id: E:4\r\ndata: {"type":"ack","seq":4,"epoch":"E","recovered":true}\r\n\r\nid: E:5\ndata: {"type":"ev',
        'ent","seq":5,"events":[]}\n\n:comment\n\n',
      ]);
    },
  );
  await tick(10);
  assert.equal(seen?.url, "http://h/v2/realtime/sse?services=finance&lastSeq=4&epoch=E");
  assert.equal(seen?.auth, "Bearer T");
  assert.deepEqual(frames.map((f) => [f.type, f.seq]), [["ack", 4], ["event", 5]]);
  assert.deepEqual(closes, [1006], "the end of the stream is a retryable close");
});

test("SSE and poll map HTTP refusals onto the socket's close codes", async () => {
  for (const [status, code] of [[401, 4001], [403, 4003], [400, 4400], [503, 1013]]) {
    const closes: number[] = [];
    const fetchFn = async () => new Response("{}", { status });
    openSse({ baseUrl: "http://h", token: "T" }, { frame: () => {}, closed: (c) => closes.push(c) }, fetchFn);
    openPoll({ baseUrl: "http://h", token: "T" }, { frame: () => {}, closed: (c) => closes.push(c) }, fetchFn);
    await tick(5);
    assert.deepEqual(closes, [code, code], `HTTP ${status}`);
  }
});

test("poll: the first answer is the ack, later ones events or pings, each request from the new cursor", async () => {
  const answers = [
    { seq: 10, epoch: "E", recovered: true, events: [] },
    { seq: 12, epoch: "E", recovered: true, events: [{ eventId: "a", seq: 12 }] },
    { seq: 12, epoch: "E", recovered: true, events: [] },
  ];
  const urls: string[] = [];
  const frames: ServerFrame[] = [];
  const t = openPoll(
    { baseUrl: "http://h", token: "T", cursor: { seq: 9, epoch: "E" } },
    { frame: (f) => frames.push(f), closed: () => {} },
    async (url) => {
      urls.push(url);
      const body = answers.shift();
      if (!body) return new Promise<Response>(() => {});
      return new Response(JSON.stringify({ type: "poll", ...body }), { status: 200 });
    },
    1000,
  );
  await tick(10);
  t.close();
  assert.deepEqual(
    frames.map((f) => [f.type, f.seq, f.events?.length ?? 0]),
    [["ack", 9, 0], ["ping", 10, 0], ["event", 12, 1], ["ping", 12, 0]],
  );
  assert.deepEqual(
    urls.map((u) => new URL(u).searchParams.get("lastSeq")),
    ["9", "10", "12", "12"],
  );
});

/** A client whose sockets never open (a proxy refusing upgrades) while HTTP works. */
function blockedSocketHarness(config: unknown) {
  const requests: string[] = [];
  const harness = scriptedClient(
    async (url) => {
      requests.push(new URL(url).pathname);
      if (url.includes("/config")) return new Response(JSON.stringify(config), { status: 200 });
      return new Promise<Response>(() => {});
    },
    {
      createSocket: () => {
        const s: SocketLike = { send() {}, close() {}, onopen: null, onmessage: null, onclose: null };
        harness.sockets.push(s);
        queueMicrotask(() => s.onclose?.({ code: 1006, reason: "" }));
        return s;
      },
    },
  );
  return { ...harness, requests };
}

test("falls back from a blocked socket to SSE after two failures before any ack", async () => {
  const { client, timers, requests, sockets } = blockedSocketHarness({
    streaming: true,
    transports: ["websocket", "sse", "poll"],
  });
  const health: Health[] = [];
  client.onHealth((h) => health.push(h));
  client.start();
  await tick(5);
  timers.shift()!();
  await tick(5);
  assert.equal(sockets.length, 2);
  timers.shift()!();
  await tick(5);
  assert.equal(sockets.length, 2, "no third socket");
  assert.equal(requests.at(-1), "/v2/realtime/sse");
  assert.equal(health.at(-1)?.transport, "sse");
  client.stop();
});

test("rollout off (streaming:false) keeps the client off the stream", async () => {
  const { client, requests, sockets } = blockedSocketHarness({ streaming: false, transports: [] });
  let last: Health | undefined;
  client.onHealth((h) => (last = h));
  client.start();
  await tick(5);
  assert.equal(last?.state, "disabled");
  assert.deepEqual(requests, ["/v2/realtime/config"]);
  assert.equal(sockets.length, 0);
});
