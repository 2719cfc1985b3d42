import { Health, RealtimeClient, RealtimeClientOptions } from "../src/client.js";
import { SocketLike } from "../src/transport.js";

/**
 * A client against a scripted server. `answer` plays the server for each fetch: a CORS failure and
 * a network failure both reach the script as a TypeError, but only the network one also fails the
 * opaque `no-cors` probe, as in a browser.
 */
export function scriptedClient(
  answer: (url: string, init: RequestInit | undefined) => Promise<Response>,
  options: Partial<RealtimeClientOptions> = {},
) {
  const timers: (() => void)[] = [];
  const sockets: SocketLike[] = [];
  const health: Health[] = [];
  const client = new RealtimeClient({
    baseUrl: "http://bellhop.test",
    orgId: "org-1",
    token: () => "T",
    shareAcrossTabs: false,
    backoff: { baseMs: 10, maxMs: 10, stableMs: 1000, random: () => 0 },
    createSocket: () => {
      const s: SocketLike = { send() {}, close() {}, onopen: null, onmessage: null, onclose: null };
      sockets.push(s);
      return s;
    },
    fetch: (url, init) => answer(url, init),
    schedule: (fn) => {
      timers.push(fn);
      return timers.length;
    },
    cancel: () => {},
    ...options,
  });
  client.onHealth((h) => health.push(h));
  return { client, timers, sockets, health, last: () => health.at(-1)! };
}

