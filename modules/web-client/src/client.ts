import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from "./backoff.js";
import { isRetryable, retryHintMs } from "./closeCodes.js";
import { Cursor, CursorStore, MemoryCursorStore } from "./cursorStore.js";
import { EventIdDedup } from "./dedup.js";
import { describe, diagnoseUnreachable, Failure, failureFor } from "./failure.js";
import { ChannelLike, LockManagerLike, TabGroup, TabTiming } from "./tabs.js";
import {
  closeCodeForStatus,
  EventEnvelope,
  FetchLike,
  openPoll,
  openSse,
  openWebSocket,
  realtimeUrl,
  ServerFrame,
  SocketLike,
  Transport,
  TransportName,
  TransportRequest,
  TransportSink,
  Unreachable,
} from "./transport.js";

export type { EventEnvelope, SocketLike, TransportName };

/**
 * `disabled`: the server's rollout keeps this org on the legacy endpoints (GET /v2/realtime/config);
 * `stopped`: stop() was called, or the client gave up on a cause retrying cannot fix (see failure).
 */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "stopped" | "disabled";

/** `solo`: this tab runs its own connection (no Web Locks, or sharing turned off). */
export type TabRole = "leader" | "follower" | "solo";

export interface Health {
  state: ConnectionState;
  role: TabRole;
  /** The transport the connection runs on (the leader's, in a follower tab). */
  transport?: TransportName;
  /** False after a (re)connect that could not resume: refetch state over REST. */
  recovered?: boolean;
  cursor?: Cursor;
  reconnects: number;
  /** Close code and reason of the last disconnect, if any. */
  lastClose?: { code: number; reason: string };
  /**
   * Why the client is not live, while it is not: CORS, network, auth or a refusal, with a message
   * someone can act on. Cleared by the next ack; absent during a routine reconnect.
   */
  failure?: Failure;
  /** now − occurredAt of the latest event, in ms (includes clock skew between machines). */
  lagMs?: number;
}

export interface RealtimeClientOptions {
  /** Origin of the Bellhop server, e.g. https://realtime.example.com; "" or absent = this page. */
  baseUrl?: string;
  orgId: string;
  /** Returns a fresh token; called on every (re)connect and before the current one expires. */
  token: () => string | Promise<string>;
  services?: string[];
  propertyId?: string | number;
  cursorStore?: CursorStore;
  backoff?: BackoffOptions;
  /** Refresh this long before the token's exp. */
  refreshBeforeMs?: number;
  /**
   * Transports to use, best first. Default: what GET /v2/realtime/config offers. A transport that
   * fails `fallbackAfter` times in a row before its first ack, while the server answers HTTP, is
   * treated as blocked and the next one is used.
   */
  transports?: TransportName[];
  fallbackAfter?: number;
  /** Ask GET /v2/realtime/config before connecting (rollout flags, transports). Default true. */
  useConfig?: boolean;
  /** Long-poll wait per request. */
  pollWaitMs?: number;
  /** One connection per org for all tabs of this browser (Web Locks + BroadcastChannel). Default true. */
  shareAcrossTabs?: boolean;
  tabTiming?: TabTiming;
  /** Where DOM CustomEvents go (window in browsers); none when absent. */
  eventTarget?: { dispatchEvent(event: Event): boolean };
  createSocket?: (url: string) => SocketLike;
  fetch?: FetchLike;
  locks?: LockManagerLike;
  createChannel?: (name: string) => ChannelLike;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

type Handler = (event: EventEnvelope) => void;

/** What a leader tab relays to its followers. */
type Relay =
  | { kind: "events"; events: EventEnvelope[]; cursor: Cursor }
  | { kind: "health"; health: Health };

const ALL_TRANSPORTS: TransportName[] = ["websocket", "sse", "poll"];

/**
 * One resumable stream for one org: connects, resumes from its stored cursor, delivers each event
 * once, reconnects with backoff on retryable closes, stops on terminal ones, falls back from the
 * socket to SSE to long-poll when a network blocks one, and shares one connection between tabs.
 */
export class RealtimeClient {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly healthHandlers = new Set<(h: Health) => void>();
  private readonly dedup = new EventIdDedup();
  private readonly backoff: Backoff;
  private readonly store: CursorStore;
  private readonly tabs: TabGroup | undefined;
  private current: { transport?: Transport; name: TransportName; live: boolean } | undefined;
  private transports: TransportName[] | undefined;
  private transportIndex = 0;
  private failuresBeforeLive = 0;
  private cursor: Cursor | undefined;
  private state: Health;
  private running = false;
  private connecting = false;
  private timer: unknown;
  private refreshTimer: unknown;

  constructor(private readonly options: RealtimeClientOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.store = options.cursorStore ?? new MemoryCursorStore();
    this.cursor = this.store.load(options.orgId);
    this.tabs = this.tabGroup();
    this.state = { state: "stopped", role: this.tabs ? "follower" : "solo", reconnects: 0 };
  }

  /** Subscribes to one service's events; returns an unsubscribe function. */
  on(service: string, handler: Handler): () => void {
    const set = this.handlers.get(service) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(service, set);
    return () => set.delete(handler);
  }

  /** Calls the handler now and on every health change; returns an unsubscribe function. */
  onHealth(handler: (h: Health) => void): () => void {
    this.healthHandlers.add(handler);
    handler(this.state);
    return () => this.healthHandlers.delete(handler);
  }

  get health(): Health {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.tabs) {
      this.setHealth({ state: "connecting", role: "follower" });
      this.tabs.join();
    } else {
      this.lead();
    }
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.tabs?.leave();
    this.disconnect();
    this.setHealth({ state: "stopped" });
  }

  /** This tab runs the connection (always, without tab sharing). */
  private lead(): void {
    this.setHealth({ role: this.tabs ? "leader" : "solo" });
    void this.connect();
  }

  /** Another tab runs the connection: drop ours, relay theirs. */
  private follow(): void {
    this.disconnect();
    this.setHealth({ role: "follower" });
  }

  private disconnect(): void {
    this.clearTimers();
    const current = this.current;
    this.current = undefined;
    current?.transport?.close();
  }

  private async connect(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    try {
      await this.connectOnce();
    } finally {
      this.connecting = false;
    }
  }

  private async connectOnce(): Promise<void> {
    this.setHealth({ state: this.state.reconnects > 0 ? "reconnecting" : "connecting" });
    let token: string;
    try {
      token = await this.options.token();
    } catch (e) {
      if (this.leading()) {
        this.closed(undefined, 1006, describe(e), { cause: "auth", message: `token() failed: ${describe(e)}` });
      }
      return;
    }
    if (!this.leading()) return;
    if (this.options.useConfig === false) {
      this.chooseTransports(ALL_TRANSPORTS);
    } else {
      const url = realtimeUrl(this.options.baseUrl ?? "", "config");
      let config: Awaited<ReturnType<RealtimeClient["loadConfig"]>>;
      try {
        config = await this.loadConfig(url, token);
      } catch (error) {
        // No readable answer: CORS (stop) or network (a plain retry, not the transport's fault).
        const failure = await diagnoseUnreachable(this.fetchFn(), url, error);
        if (this.leading()) this.closed(undefined, 1006, describe(error), failure);
        return;
      }
      if (!this.leading()) return;
      if ("refused" in config) {
        this.closed(undefined, config.refused, config.reason);
        return;
      }
      if (!config.streaming) {
        this.disconnect();
        this.setHealth({ state: "disabled", failure: undefined });
        return;
      }
      this.chooseTransports(config.transports);
    }
    const name = this.transports![this.transportIndex];
    const current: { transport?: Transport; name: TransportName; live: boolean } = { name, live: false };
    this.current = current;
    this.setHealth({ transport: name });
    const sink: TransportSink = {
      frame: (f) => {
        if (this.current !== current) return;
        if (f.type === "ack") current.live = true;
        this.receive(f);
      },
      closed: (code, reason, unreachable) => void this.transportClosed(current, code, reason, unreachable),
    };
    const req: TransportRequest = {
      baseUrl: this.options.baseUrl ?? "",
      token,
      services: this.options.services,
      propertyId: this.options.propertyId,
      cursor: this.cursor,
    };
    const fetchFn = this.fetchFn();
    current.transport =
      name === "websocket"
        ? openWebSocket(req, sink, this.options.createSocket ?? defaultSocket)
        : name === "sse"
          ? openSse(req, sink, fetchFn)
          : openPoll(req, sink, fetchFn, this.options.pollWaitMs);
    this.scheduleRefresh(token);
  }

  private async loadConfig(
    url: string,
    token: string,
  ): Promise<{ streaming: boolean; transports: string[] } | { refused: number; reason: string }> {
    const res = await this.fetchFn()(url, {
      headers: { Authorization: `Bearer ${token}` },
      cache: "no-store",
    });
    if (res.status === 404) return { streaming: true, transports: ALL_TRANSPORTS }; // older server
    if (!res.ok) return { refused: closeCodeForStatus(res.status), reason: await res.text().catch(() => "") };
    return res.json();
  }

  /** Keeps the current position in the list unless the server's list changed. */
  private chooseTransports(offered: string[]): void {
    const wanted = this.options.transports ?? ALL_TRANSPORTS;
    const usable = wanted.filter((t) => offered.includes(t));
    const list = usable.length > 0 ? usable : wanted;
    if (this.transports?.join() !== list.join()) {
      this.transports = list;
      this.transportIndex = 0;
      this.failuresBeforeLive = 0;
    }
  }

  private receive(frame: ServerFrame): void {
    switch (frame.type) {
      case "ack":
        this.backoff.connected(this.now());
        this.failuresBeforeLive = 0;
        this.advance({ seq: frame.seq, epoch: frame.epoch ?? "" }, true);
        this.setHealth({ state: "live", recovered: frame.recovered, failure: undefined });
        break;
      case "event": {
        const fresh = (frame.events ?? []).filter((e) => this.dedup.firstTime(e.orgId, e.eventId));
        this.advance({ seq: frame.seq, epoch: this.cursor?.epoch ?? "" }, false);
        this.deliver(fresh);
        if (this.cursor) this.tabs?.relay({ kind: "events", events: fresh, cursor: this.cursor } satisfies Relay);
        break;
      }
      case "ping":
        this.advance({ seq: frame.seq, epoch: this.cursor?.epoch ?? "" }, false);
        break;
    }
  }

  /** Follower side: what the leader relayed. */
  private relayed(msg: Relay): void {
    if (msg.kind === "events") {
      // Taken even by a tab that still thinks it leads (it hung and its lock was stolen, and it has
      // not run far enough to learn it): de-duplication makes the overlap harmless.
      this.advance(msg.cursor, false);
      this.deliver(msg.events.filter((e) => this.dedup.firstTime(e.orgId, e.eventId)));
    } else if (!this.tabs?.isLeader) {
      if (msg.health.cursor) this.advance(msg.health.cursor, false);
      const { role: _leaderRole, cursor: _leaderCursor, ...rest } = msg.health;
      this.setHealth({ ...rest, role: "follower", state: this.running ? rest.state : "stopped" });
    }
  }

  private deliver(events: EventEnvelope[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      this.handlers.get(e.service)?.forEach((h) => h(e));
      this.options.eventTarget?.dispatchEvent(
        new CustomEvent(`${e.service}-stream-events`, { detail: { events: [e] } }),
      );
    }
    const occurred = Date.parse(events[events.length - 1].occurredAt);
    if (!Number.isNaN(occurred)) this.state = { ...this.state, lagMs: Math.max(0, this.now() - occurred) };
  }

  /** Cursors move forward within an epoch; an ack may start a new epoch. */
  private advance(cursor: Cursor, isAck: boolean): void {
    const current = this.cursor;
    if (!isAck && current && current.epoch === cursor.epoch && current.seq >= cursor.seq) return;
    this.cursor = cursor;
    this.store.save(this.options.orgId, cursor);
    this.state = { ...this.state, cursor };
  }

  /**
   * Without the config request, an HTTP transport's own request is the first to reach the server:
   * a fetch that threw is diagnosed like the config's would be.
   */
  private async transportClosed(
    current: { name: TransportName; live: boolean },
    code: number,
    reason: string,
    unreachable: Unreachable | undefined,
  ): Promise<void> {
    if (unreachable && !current.live && this.options.useConfig === false) {
      const failure = await diagnoseUnreachable(this.fetchFn(), unreachable.url, unreachable.error);
      this.closed(current, code, reason, failure);
    } else {
      this.closed(current, code, reason);
    }
  }

  private closed(
    current: { name: TransportName; live: boolean } | undefined,
    code: number,
    reason: string,
    diagnosed?: Failure,
  ): void {
    if (current !== undefined && current !== this.current) return;
    this.current = undefined;
    this.backoff.disconnected(this.now());
    this.clearTimers();
    const lastClose = { code, reason };
    const failure = diagnosed ?? failureFor(code, reason, current?.live ?? false);
    if (!this.leading() || !isRetryable(code) || failure?.cause === "cors") {
      if (this.running) this.tabs?.leave();
      this.running = false;
      this.setHealth({ state: "stopped", lastClose, failure });
      return;
    }
    let delay = Math.max(this.backoff.next(), retryHintMs(reason) ?? 0);
    if (current && !current.live && ++this.failuresBeforeLive >= (this.options.fallbackAfter ?? 2)) {
      const list = this.transports ?? [];
      if (this.transportIndex < list.length - 1) {
        this.transportIndex++;
        this.failuresBeforeLive = 0;
        delay = 0;
      }
    }
    this.setHealth({ state: "reconnecting", lastClose, failure, reconnects: this.state.reconnects + 1 });
    this.timer = this.schedule(() => void this.connect(), delay);
  }

  private scheduleRefresh(token: string): void {
    const exp = tokenExpiry(token);
    if (exp === undefined) return;
    const at = exp - (this.options.refreshBeforeMs ?? 60_000) - this.now();
    this.refreshTimer = this.schedule(async () => {
      const fresh = await this.options.token();
      this.current?.transport?.refresh(fresh);
      this.scheduleRefresh(fresh);
    }, Math.max(0, at));
  }

  private setHealth(change: Partial<Health>): void {
    this.state = { ...this.state, ...change };
    this.healthHandlers.forEach((h) => h(this.state));
    for (const service of this.options.services ?? []) {
      this.options.eventTarget?.dispatchEvent(
        new CustomEvent(`${service}-stream-health`, { detail: this.state }),
      );
    }
    if (this.tabs?.isLeader) this.tabs.relay({ kind: "health", health: this.state } satisfies Relay);
  }

  private leading(): boolean {
    return this.running && (this.tabs === undefined || this.tabs.isLeader);
  }

  private tabGroup(): TabGroup | undefined {
    if (this.options.shareAcrossTabs === false) return undefined;
    const locks = this.options.locks ?? (globalThis.navigator as any)?.locks;
    const createChannel =
      this.options.createChannel ??
      (typeof BroadcastChannel === "function" ? (n: string) => new BroadcastChannel(n) : undefined);
    if (!locks || !createChannel) return undefined;
    const name = `bellhop:${this.options.orgId}`;
    return new TabGroup(
      name,
      locks,
      createChannel(name) as ChannelLike,
      {
        lead: () => this.lead(),
        follow: () => this.follow(),
        message: (data) => this.relayed(data as Relay),
        snapshot: () => ({ kind: "health", health: this.state }) satisfies Relay,
      },
      this.options.tabTiming,
      this.options.now,
    );
  }

  private fetchFn(): FetchLike {
    return this.options.fetch ?? ((url, init) => fetch(url, init));
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
