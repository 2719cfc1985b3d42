import { test } from "node:test";
import assert from "node:assert/strict";
import { scriptedClient as harness } from "./scripted.js";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

const corsBlocked = async (_url: string, init: RequestInit | undefined) => {
  if (init?.mode === "no-cors") return new Response(null, { status: 200 });
  throw new TypeError("Failed to fetch");
};
const offline = async () => {
  throw new TypeError("Failed to fetch");
};
const config = () =>
  new Response(JSON.stringify({ streaming: true, transports: ["websocket", "sse", "poll"] }), { status: 200 });

test("a server that answers but not to this origin is reported as CORS, and the client stops", async () => {
  const { client, timers, sockets, last } = harness(corsBlocked);
  client.start();
  await tick();

  assert.equal(last().state, "stopped");
  assert.equal(last().failure?.cause, "cors");
  assert.match(last().failure!.message, /http:\/\/bellhop\.test answers, but not to this page's origin/);
  assert.match(last().failure!.message, /BELLHOP_ALLOWED_ORIGINS/);
  assert.equal(timers.length, 0, "no retry: retrying cannot fix CORS");
  assert.equal(sockets.length, 0);
});

test("a network that comes back between the failure and the probe is not taken for CORS", async () => {
  let failedOnce = false;
  const { client, timers, last } = harness(async (_url: string, init: RequestInit | undefined) => {
    if (!failedOnce) {
      failedOnce = true;
      throw new TypeError("Failed to fetch");
    }
    return init?.mode === "no-cors" ? new Response(null, { status: 200 }) : config();
  });
  client.start();
  await tick();

  assert.equal(last().failure?.cause, "network");
  assert.notEqual(last().state, "stopped", "a transient failure never stops the client");
  assert.equal(timers.length, 1, "a retry is scheduled");
});

test("a server that does not answer at all is a network failure, retried until it answers", async () => {
  let up = false;
  const { client, timers, sockets, last } = harness(async () => (up ? config() : offline()));
  client.start();
  await tick();

  assert.equal(last().state, "reconnecting");
  assert.equal(last().failure?.cause, "network");
  assert.match(last().failure!.message, /cannot reach http:\/\/bellhop\.test: Failed to fetch/);
  assert.equal(timers.length, 1, "a retry is scheduled");

  up = true;
  timers.shift()!();
  await tick();
  sockets[0].onopen?.({});
  sockets[0].onmessage?.({ data: JSON.stringify({ type: "ack", seq: 0, epoch: "E", recovered: false }) });
  assert.equal(last().state, "live");
  assert.equal(last().failure, undefined, "cleared by the ack");
});

test("a refused token is an auth failure, with the server's message, and the client stops", async () => {
  const { client, timers, last } = harness(async () =>
    new Response(JSON.stringify({ code: "UNAUTHORIZED", message: "a valid bearer token is required" }), {
      status: 401,
    }),
  );
  client.start();
  await tick();

  assert.equal(last().state, "stopped");
  assert.deepEqual(last().failure, {
    cause: "auth",
    message: "the server refused the token (4001): a valid bearer token is required",
  });
  assert.equal(timers.length, 0);
});

test("a token provider that throws is an auth failure that is retried", async () => {
  const { client, timers, last } = harness(async () => config(), {
    token: () => {
      throw new Error("login expired");
    },
  });
  client.start();
  await tick();

  assert.equal(last().failure?.cause, "auth");
  assert.equal(last().failure?.message, "token() failed: login expired");
  assert.equal(timers.length, 1);
});

test("a forbidden org is refused for good; an overloaded server is refused for now", async () => {
  const forbidden = harness(async () =>
    new Response(JSON.stringify({ code: "FORBIDDEN", message: "not your org" }), { status: 403 }),
  );
  forbidden.client.start();
  await tick();
  assert.equal(forbidden.last().state, "stopped");
  assert.equal(forbidden.last().failure?.cause, "refused");
  assert.match(forbidden.last().failure!.message, /\(4003\): not your org/);

  const busy = harness(async () => config());
  busy.client.start();
  await tick();
  busy.sockets[0].onclose?.({ code: 4429, reason: '{"retryMs":2000}' });
  assert.equal(busy.last().state, "reconnecting");
  assert.equal(busy.last().failure?.cause, "refused");
  busy.client.stop();
});

test("a routine reconnect after being live is not a failure", async () => {
  const { client, sockets, last } = harness(async () => config());
  client.start();
  await tick();
  sockets[0].onopen?.({});
  sockets[0].onmessage?.({ data: JSON.stringify({ type: "ack", seq: 0, epoch: "E", recovered: false }) });
  sockets[0].onclose?.({ code: 1012, reason: "" });

  assert.equal(last().state, "reconnecting");
  assert.equal(last().failure, undefined);
  client.stop();
});

test("without the config request, an HTTP transport's own refused fetch is diagnosed", async () => {
  const { client, last } = harness(corsBlocked, { useConfig: false, transports: ["sse"] });
  client.start();
  await tick();

  assert.equal(last().state, "stopped");
  assert.equal(last().failure?.cause, "cors");
});
