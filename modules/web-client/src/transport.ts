import type { Cursor } from "./cursorStore.js";
import { describe } from "./failure.js";

/** One event as Bellhop delivers it. */
export interface EventEnvelope {
  eventId: string;
  service: string;
  type: string;
  orgId: string;
  propertyId?: string;
  occurredAt: string;
  payload: unknown;
  seq: number;
}

export type TransportName = "websocket" | "sse" | "poll";

/** What every transport hands the client: the socket's frames (docs/protocol.md). */
export interface ServerFrame {
  type: "ack" | "event" | "ping";
  seq: number;
  epoch?: string;
  recovered?: boolean;
  events?: EventEnvelope[];
}

export interface TransportRequest {
  /** Origin of the Bellhop server, e.g. https://realtime.example.com ("" = this page's origin). */
  baseUrl: string;
  token: string;
  services?: string[];
  propertyId?: string | number;
  cursor?: Cursor;
}

export interface TransportSink {
  frame(frame: ServerFrame): void;
  /**
   * Called once, when the transport ends for any reason other than close(). `unreachable` is set
   * when an HTTP request got no readable answer at all (fetch threw), so the client can tell a
   * network failure from a CORS refusal.
   */
  closed(code: number, reason: string, unreachable?: Unreachable): void;
}

/** An HTTP request that got no readable answer: the URL asked, and what fetch threw. */
export interface Unreachable {
  url: string;
  error: unknown;
}

export interface Transport {
  close(): void;
  /** A fresh token for the running connection (socket) or the next request (HTTP). */
  refresh(token: string): void;
}

/** The part of the browser's WebSocket the client uses; injectable for tests and other runtimes. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
}

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Close code for an HTTP refusal, so the HTTP transports share the socket's close-code table. */
export function closeCodeForStatus(status: number): number {
  switch (status) {
    case 400:
      return 4400;
    case 401:
      return 4001;
    case 403:
      return 4003;
    case 429:
      return 4429;
    case 503:
      return 1013;
    default:
      return 1011;
  }
}

/** The socket: `{token, services, filters, lastSeq, epoch}` handshake, then the server's frames. */
export function openWebSocket(
  req: TransportRequest,
  sink: TransportSink,
  createSocket: (url: string) => SocketLike,
): Transport {
  const socket = createSocket(realtimeUrl(req.baseUrl, "stream").replace(/^http/, "ws"));
  let done = false;
  socket.onopen = () => socket.send(JSON.stringify(handshake(req)));
  socket.onmessage = (ev) => {
    const frame = parse(String(ev.data));
    if (frame && !done) sink.frame(frame);
  };
  socket.onclose = (ev) => {
    if (done) return;
    done = true;
    sink.closed(ev.code, ev.reason);
  };
  return {
    close() {
      done = true;
      socket.close(1000, "client stopped");
    },
    refresh(token) {
      socket.send(JSON.stringify({ type: "refresh", token }));
    },
  };
}

function handshake(req: TransportRequest): Record<string, unknown> {
  const h: Record<string, unknown> = { token: req.token, version: 1 };
  if (req.services) h.services = req.services;
  if (req.propertyId !== undefined) h.filters = { propertyId: req.propertyId };
  if (req.cursor) {
    h.lastSeq = req.cursor.seq;
    h.epoch = req.cursor.epoch;
  }
  return h;
}

/**
 * Server-Sent Events read with fetch rather than EventSource: fetch can send the token in a
 * header and sees the HTTP status, so a refusal maps to the same terminal close codes as the socket.
 * Reconnects are the client's (with its backoff and cursor), not the browser's.
 */
export function openSse(req: TransportRequest, sink: TransportSink, fetchFn: FetchLike): Transport {
  const run = new HttpRun(sink, fetchFn);
  (async () => {
    const res = await run.request(realtimeUrl(req.baseUrl, "sse", query(req)), {
      headers: { Authorization: `Bearer ${req.token}`, Accept: "text/event-stream" },
    });
    if (!res) return;
    if (!res.ok || !res.body) {
      run.refused(res);
      return;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value.replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
          .join("\n");
        const frame = data ? parse(data) : undefined;
        if (frame && !run.done) sink.frame(frame);
      }
    }
    run.finish(1006, "event stream ended");
  })().catch((e) => run.finish(1006, String(e)));
  return {
    close: () => run.close(),
    refresh() {
      // The running response stays authorised; the next connect asks for a fresh token.
    },
  };
}

/**
 * Long-poll: `GET /poll?lastSeq&epoch&waitMs` in a loop. The first answer becomes an `ack`, each
 * later one an `event` frame (or a `ping` when it carried no events), so the client sees the
 * same frames as on the socket.
 */
export function openPoll(
  req: TransportRequest,
  sink: TransportSink,
  fetchFn: FetchLike,
  waitMs = 25_000,
): Transport {
  const run = new HttpRun(sink, fetchFn);
  let token = req.token;
  let cursor = req.cursor;
  (async () => {
    let acked = false;
    while (!run.done) {
      const params = query({ ...req, cursor });
      params.set("waitMs", String(waitMs));
      const res = await run.request(realtimeUrl(req.baseUrl, "poll", params), {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!res) return;
      if (!res.ok) {
        run.refused(res);
        return;
      }
      const body = (await res.json()) as {
        seq: number;
        epoch: string;
        recovered: boolean;
        events: EventEnvelope[];
      };
      if (run.done) return;
      if (!acked || !body.recovered) {
        const from = body.recovered && cursor ? cursor.seq : body.seq;
        sink.frame({ type: "ack", seq: from, epoch: body.epoch, recovered: body.recovered });
        acked = true;
      }
      if (body.events.length > 0) {
        sink.frame({ type: "event", seq: body.seq, events: body.events });
      } else {
        sink.frame({ type: "ping", seq: body.seq });
      }
      cursor = { seq: body.seq, epoch: body.epoch };
    }
  })().catch((e) => run.finish(1006, String(e)));
  return {
    close: () => run.close(),
    refresh(fresh) {
      token = fresh;
    },
  };
}

/** The life of an HTTP transport: its requests' abort signal, and an end reported at most once. */
class HttpRun {
  private readonly abort = new AbortController();
  done = false;

  constructor(
    private readonly sink: TransportSink,
    private readonly fetchFn: FetchLike,
  ) {}

  /** One request of this run; undefined (and the run ended as unreachable) when fetch throws. */
  async request(url: string, init: RequestInit): Promise<Response | undefined> {
    try {
      return await this.fetchFn(url, { ...init, cache: "no-store", signal: this.abort.signal });
    } catch (error) {
      this.finish(1006, describe(error), { url, error });
      return undefined;
    }
  }

  /** Ends the run and tells the client, unless close() came first. */
  finish(code: number, reason: string, unreachable?: Unreachable): void {
    if (this.done) return;
    this.done = true;
    this.abort.abort();
    this.sink.closed(code, reason, unreachable);
  }

  /** An HTTP refusal, as the socket close code with the same meaning. */
  refused(res: Response): void {
    void res.text().then(
      (body) => this.finish(closeCodeForStatus(res.status), body),
      () => this.finish(closeCodeForStatus(res.status), ""),
    );
  }

  close(): void {
    this.done = true;
    this.abort.abort();
  }
}

function query(req: TransportRequest): URLSearchParams {
  const params = new URLSearchParams();
  if (req.services) params.set("services", req.services.join(","));
  if (req.propertyId !== undefined) params.set("propertyId", String(req.propertyId));
  if (req.cursor) {
    params.set("lastSeq", String(req.cursor.seq));
    params.set("epoch", req.cursor.epoch);
  }
  return params;
}

/** `${baseUrl}/v2/realtime/${path}`, with query parameters when given. */
export function realtimeUrl(baseUrl: string, path: string, params?: URLSearchParams): string {
  const base = baseUrl || (typeof location !== "undefined" ? location.origin : "");
  const qs = params?.toString() ? `?${params}` : "";
  return `${base.replace(/\/$/, "")}/v2/realtime/${path}${qs}`;
}

function parse(text: string): ServerFrame | undefined {
  try {
    const frame = JSON.parse(text);
    return frame && typeof frame.type === "string" ? (frame as ServerFrame) : undefined;
  } catch {
    return undefined;
  }
}
