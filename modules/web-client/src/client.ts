import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from "./backoff.js";
import { isRetryable, retryHintMs } from "./closeCodes.js";
import { Cursor, CursorStore, MemoryCursorStore } from "./cursorStore.js";
import { EventIdDedup } from "./dedup.js";

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

export type ConnectionState = "connecting" | "live" | "reconnecting" | "stopped";

export interface Health {
  state: ConnectionState;
  /** False after a (re)connect that could not resume: refetch state over REST. */
  recovered?: boolean;
  cursor?: Cursor;
  reconnects: number;
  /** Close code and reason of the last disconnect, if any. */
  lastClose?: { code: number; reason: string };
}

/** The part of the browser's WebSocket the client uses; injectable for tests and other runtimes. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
}

export interface RealtimeClientOptions {
  /** e.g. wss://realtime.example.com/v2/realtime/stream */
  url: string;
  orgId: string;
  /** Returns a fresh token; called on every (re)connect and before the current one expires. */
  token: () => string | Promise<string>;
  services?: string[];
  propertyId?: string | number;
  cursorStore?: CursorStore;
  backoff?: BackoffOptions;
  /** Refresh this long before the token's exp. */
  refreshBeforeMs?: number;
  createSocket?: (url: string) => SocketLike;
  /** Where DOM CustomEvents go (window in browsers); none when absent. */
  eventTarget?: { dispatchEvent(event: Event): boolean };
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

type Handler = (event: EventEnvelope) => void;

/**
 * One resumable stream for one org: connects, resumes from its stored cursor, delivers each event
 * once, reconnects with backoff on retryable closes and stops on terminal ones.
 */
export class RealtimeClient {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly healthHandlers = new Set<(h: Health) => void>();
  private readonly dedup = new EventIdDedup();
  private readonly backoff: Backoff;
  private readonly store: CursorStore;
  private socket: SocketLike | undefined;
  private health: Health = { state: "stopped", reconnects: 0 };
  private stopped = true;
  private timer: unknown;
  private refreshTimer: unknown;

  constructor(private readonly options: RealtimeClientOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.store = options.cursorStore ?? new MemoryCursorStore();
  }

  /** Subscribes to one service's events; returns an unsubscribe function. */
  on(service: string, handler: Handler): () => void {
    const set = this.handlers.get(service) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(service, set);
    return () => set.delete(handler);
  }

  onHealth(handler: (h: Health) => void): () => void {
    this.healthHandlers.add(handler);
    handler(this.health);
    return () => this.healthHandlers.delete(handler);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000, "client stopped");
    this.socket = undefined;
    this.setHealth({ state: "stopped" });
  }

  private async connect(): Promise<void> {
    this.setHealth({ state: this.health.reconnects > 0 ? "reconnecting" : "connecting" });
    const token = await this.options.token();
    if (this.stopped) return;
    const socket = (this.options.createSocket ?? defaultSocket)(this.options.url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify(this.handshake(token)));
    socket.onmessage = (ev) => this.receive(String(ev.data));
    socket.onclose = (ev) => this.closed(socket, ev.code, ev.reason);
    this.scheduleRefresh(token);
  }

  private handshake(token: string): Record<string, unknown> {
    const h: Record<string, unknown> = { token, version: 1 };
    if (this.options.services) h.services = this.options.services;
    if (this.options.propertyId !== undefined) h.filters = { propertyId: this.options.propertyId };
    const cursor = this.store.load(this.options.orgId);
    if (cursor) {
      h.lastSeq = cursor.seq;
      h.epoch = cursor.epoch;
    }
    return h;
  }

  private receive(text: string): void {
    let msg: any;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    switch (msg.type) {
      case "ack":
        this.backoff.connected(this.now());
        this.advance({ seq: msg.seq, epoch: msg.epoch });
        this.setHealth({ state: "live", recovered: msg.recovered });
        break;
      case "event":
        for (const e of msg.events as EventEnvelope[]) {
          if (this.dedup.firstTime(e.orgId, e.eventId)) this.dispatch(e);
        }
        this.advance({ seq: msg.seq, epoch: this.health.cursor?.epoch ?? "" });
        break;
      case "ping":
        this.advance({ seq: msg.seq, epoch: this.health.cursor?.epoch ?? "" });
        break;
    }
  }

  private dispatch(e: EventEnvelope): void {
    this.handlers.get(e.service)?.forEach((h) => h(e));
    this.options.eventTarget?.dispatchEvent(
      new CustomEvent(`${e.service}-stream-events`, { detail: { events: [e] } }),
    );
  }

  private advance(cursor: Cursor): void {
    const current = this.health.cursor;
    if (current && current.epoch === cursor.epoch && current.seq >= cursor.seq) return;
    this.store.save(this.options.orgId, cursor);
    this.health = { ...this.health, cursor };
  }

  private closed(socket: SocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.backoff.disconnected(this.now());
    this.clearTimers();
    const lastClose = { code, reason };
    if (this.stopped || !isRetryable(code)) {
      this.stopped = true;
      this.setHealth({ state: "stopped", lastClose });
      return;
    }
    const delay = Math.max(this.backoff.next(), retryHintMs(reason) ?? 0);
    this.setHealth({ state: "reconnecting", lastClose, reconnects: this.health.reconnects + 1 });
    this.timer = this.schedule(() => void this.connect(), delay);
  }

  private scheduleRefresh(token: string): void {
    const exp = tokenExpiry(token);
    if (exp === undefined) return;
    const at = exp - (this.options.refreshBeforeMs ?? 60_000) - this.now();
    this.refreshTimer = this.schedule(async () => {
      const fresh = await this.options.token();
      this.socket?.send(JSON.stringify({ type: "refresh", token: fresh }));
      this.scheduleRefresh(fresh);
    }, Math.max(0, at));
  }

  private setHealth(change: Partial<Health>): void {
    this.health = { ...this.health, ...change };
    this.healthHandlers.forEach((h) => h(this.health));
    for (const service of this.options.services ?? []) {
      this.options.eventTarget?.dispatchEvent(
        new CustomEvent(`${service}-stream-health`, { detail: this.health }),
      );
    }
  }

  private clearTimers(): void {
    if (this.timer !== undefined) (this.options.cancel ?? clearTimeout)(this.timer as any);
    if (this.refreshTimer !== undefined) (this.options.cancel ?? clearTimeout)(this.refreshTimer as any);
    this.timer = this.refreshTimer = undefined;
  }

  private schedule(fn: () => void, ms: number): unknown {
    return (this.options.schedule ?? setTimeout)(fn, ms);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The token's exp in epoch milliseconds, if it is a JWT with one. */
export function tokenExpiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const json = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof json.exp === "number" ? json.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function defaultSocket(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike;
}
