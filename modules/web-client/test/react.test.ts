import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement } from "react";
import TestRenderer, { act } from "react-test-renderer";
import { render } from "./render.js";
import { RealtimeClient, SocketLike, EventEnvelope, Health } from "../src/client.js";
import { RealtimeProvider, useRealtimeEvents, useRealtimeHealth } from "../src/react.js";

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

function fakeClient() {
  const sockets: SocketLike[] = [];
  const client = new RealtimeClient({
    orgId: "org-1",
    token: () => "T",
    useConfig: false,
    shareAcrossTabs: false,
    createSocket: () => {
      const s: SocketLike = { send() {}, close() {}, onopen: null, onmessage: null, onclose: null };
      sockets.push(s);
      return s;
    },
  });
  const server = (msg: unknown) => sockets.at(-1)!.onmessage!({ data: JSON.stringify(msg) });
  return { client, server, sockets };
}


const ev = (seq: number): EventEnvelope => ({
  eventId: "e" + seq, service: "guest", type: "checkin", orgId: "org-1", occurredAt: "", payload: {}, seq,
});

test("RealtimeProvider starts and stops the client; the hooks deliver events and health", async () => {
  const { client, server, sockets } = fakeClient();
  const got: number[] = [];
  let health: Health | undefined;
  function Panel() {
    useRealtimeEvents("guest", (e) => got.push(e.seq));
    health = useRealtimeHealth();
    return null;
  }
  let root: TestRenderer.ReactTestRenderer;
  await act(async () => {
    root = render(createElement(RealtimeProvider, { client }, createElement(Panel)));
  });
  assert.equal(sockets.length, 1, "mounting the provider connected");
  await act(async () => {
    server({ type: "ack", seq: 0, epoch: "E", recovered: true });
    server({ type: "event", service: "guest", events: [ev(1), ev(2)], seq: 2 });
  });
  assert.deepEqual(got, [1, 2]);
  assert.equal(health?.state, "live");
  await act(async () => root.unmount());
  assert.equal(client.health.state, "stopped", "unmounting stopped the client");
  server({ type: "event", service: "guest", events: [ev(3)], seq: 3 });
  assert.deepEqual(got, [1, 2], "no handler left after unmount");
});
