/**
 * Bellhop's staff chat in the browser (`WS /v2/collaboration/chat/stream`, docs/collaboration.md):
 * one socket per browser for every room, reconnected with backoff and resumed per room from the
 * last `seq` held, messages exactly once, pending messages re-sent with the same `clientMsgId`
 * until the server confirms them, typing throttled, presence from the page's visibility, read
 * marks while a room is looked at, unread counts live for every room of the user.
 *
 * Tabs share the socket like the event stream's (TabGroup), under their own lock
 * `bellhop-chat:<orgId>:<userId>`: the leader tab runs the socket and the state, relays every
 * changed room to the other tabs, and sends what they ask for (their messages, joins, typing).
 */
import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from "./backoff.js";
import { ChatRooms } from "./chatRooms.js";
import type { ChatError, ChatRoom, ChatServerFrame, PendingMessage, PresenceStatus } from "./chatTypes.js";
import { isRetryable, retryHintMs } from "./closeCodes.js";
import { tokenExpiry } from "./client.js";
import type { TabRole } from "./client.js";
import { describe, Failure, failureFor } from "./failure.js";
import { ChannelLike, LockManagerLike, TabGroup, TabTiming } from "./tabs.js";
import type { SocketLike } from "./transport.js";

export interface ChatHealth {
  state: "connecting" | "live" | "reconnecting" | "stopped";
  role: TabRole;
  /** The user the server knows this token as (from `ready`). */
  userId?: string;
  reconnects: number;
  lastClose?: { code: number; reason: string };
  /** Why the client is not live, while it is not (as for the event stream's health). */
  failure?: Failure;
}

/** The part of `document` used for presence: visible = online, hidden = away. */
export interface VisibilityLike {
  readonly visibilityState: string;
  addEventListener(type: "visibilitychange", listener: () => void): void;
  removeEventListener(type: "visibilitychange", listener: () => void): void;
}

export interface ChatClientOptions {
  /** Origin of the Bellhop server; "" or absent = this page. */
  baseUrl?: string;
  orgId: string;
  /** The signed-in user: tabs share one socket per org and user, never across users. */
  userId: string;
  /** Returns a fresh token; called on every (re)connect and before the current one expires. */
  token: () => string | Promise<string>;
  backoff?: BackoffOptions;
  refreshBeforeMs?: number;
  /** One socket for all tabs of this browser (Web Locks + BroadcastChannel). Default true. */
  shareAcrossTabs?: boolean;
  tabTiming?: TabTiming;
  /** Presence follows it (visible: online, hidden: away); `document` by default, null: always online. */
  visibility?: VisibilityLike | null;
  /** `typing` is sent at most this often while the user types. Default 2000. */
  typingEveryMs?: number;
  /** A viewed room's read mark follows new messages after this delay (coalescing bursts). Default 250. */
  readDelayMs?: number;
  /** Messages held per room; older ones are dropped and can be paged in again. Default 1000. */
  maxMessagesPerRoom?: number;
  createSocket?: (url: string) => SocketLike;
  locks?: LockManagerLike;
  createChannel?: (name: string) => ChannelLike;
  newClientMsgId?: () => string;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

export interface SendOptions {
  replyTo?: string;
  fileId?: string;
}

/** What a tab asks the leader to do (its own actions go the same way). */
type Command =
  | { op: "join"; roomId: string }
  | { op: "leave"; roomId: string }
  | { op: "send"; pending: PendingMessage }
  | { op: "typing"; roomId: string; typing: boolean }
  | { op: "read"; roomId: string; seq: number }
  | { op: "older"; roomId: string; limit?: number }
  | { op: "edit"; roomId: string; messageId: string; text: string }
  | { op: "delete"; roomId: string; messageId: string }
  | { op: "visible"; tab: string; visible: boolean };

/** What the leader relays to the other tabs. */
type Relay =
  | { kind: "snapshot"; leader: string; rooms: ChatRoom[]; health: ChatHealth; userId?: string }
  | { kind: "rooms"; rooms: ChatRoom[]; userId?: string }
  | { kind: "health"; health: ChatHealth }
  | { kind: "error"; error: ChatError };

/** One socket's life: its frames count only while it is the current one. */
interface Connection {
  socket?: SocketLike;
  ready: boolean;
  /** Rooms whose join is not answered yet, and how it was asked. */
  joining: Map<string, "resume" | "fresh">;
  /** Rooms with an older page asked for. */
  older: Set<string>;
  /** clientMsgIds sent on this socket and not refused since. */
  sent: Set<string>;
  /** When `typing` was last sent per room, while the user types. */
  typingAt: Map<string, number>;
  status?: PresenceStatus;
}

const STREAM_PATH = "/v2/collaboration/chat/stream";

export class ChatClient {
  private readonly rooms: ChatRooms;
  private readonly backoff: Backoff;
  private readonly tabs: TabGroup | undefined;
  private readonly tabId: string;
  private readonly listeners = new Set<(roomIds: string[]) => void>();
  private readonly healthListeners = new Set<(h: ChatHealth) => void>();
  private readonly errorListeners = new Set<(e: ChatError) => void>();
  /** Leader: which tabs are visible (presence is `online` while one is). */
  private readonly visibleTabs = new Map<string, boolean>();
  /** Follower: this tab's messages and rooms until the leader's state shows them. */
  private readonly forwarded = new Map<string, PendingMessage>();
  private readonly wanted = new Set<string>();
  private leaderId: string | undefined;
  private current: Connection | undefined;
  private health_: ChatHealth;
  private running = false;
  private timer: unknown;
  private refreshTimer: unknown;
  private readonly retryTimers = new Set<unknown>();
  private viewing: string | undefined;
  private readTimer: unknown;
  private unreadCache: Record<string, number> | undefined;
  private listCache: ChatRoom[] | undefined;
  private readonly onVisibility = () => this.exec({ op: "visible", tab: this.tabId, visible: this.visible() });
  private readonly onPageHide = () => this.exec({ op: "visible", tab: this.tabId, visible: false });

  constructor(private readonly options: ChatClientOptions) {
    this.rooms = new ChatRooms(options.maxMessagesPerRoom);
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.tabs = this.tabGroup();
    this.tabId = this.tabs?.id ?? "solo";
    this.health_ = { state: "stopped", role: this.tabs ? "follower" : "solo", reconnects: 0 };
  }

  // ---- reading the state ----

  get health(): ChatHealth {
    return this.health_;
  }

  get userId(): string | undefined {
    return this.rooms.userId;
  }

  room(roomId: string): ChatRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Every room known (the user's room list, and the rooms joined) by id; the same array until one changes. */
  roomList(): ChatRoom[] {
    this.listCache ??= this.rooms.all().sort((a, b) => a.roomId.localeCompare(b.roomId));
    return this.listCache;
  }

  /** Unread messages per room; the same object until a count changes. */
  unreadCounts(): Record<string, number> {
    if (!this.unreadCache) {
      this.unreadCache = Object.fromEntries(this.rooms.all().map((r) => [r.roomId, r.unread]));
    }
    return this.unreadCache;
  }

  /** Calls the listener with the ids of the rooms that changed; returns an unsubscribe function. */
  onChange(listener: (roomIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls the handler now and on every health change. */
  onHealth(handler: (h: ChatHealth) => void): () => void {
    this.healthListeners.add(handler);
    handler(this.health_);
    return () => this.healthListeners.delete(handler);
  }

  /** Refusals (error frames): a message too long, a room not allowed, a rate limit… */
  onError(handler: (e: ChatError) => void): () => void {
    this.errorListeners.add(handler);
    return () => this.errorListeners.delete(handler);
  }

  // ---- lifecycle ----

  start(): void {
    if (this.running) return;
    this.running = true;
    this.visibilitySource()?.addEventListener("visibilitychange", this.onVisibility);
    if (typeof addEventListener === "function" && this.tabs) addEventListener("pagehide", this.onPageHide);
    if (this.tabs) {
      this.setHealth({ state: "connecting", role: "follower" });
      this.tabs.join();
    } else {
      this.lead();
    }
  }

  stop(): void {
    if (!this.running) return;
    this.onPageHide();
    this.running = false;
    this.visibilitySource()?.removeEventListener("visibilitychange", this.onVisibility);
    if (typeof removeEventListener === "function" && this.tabs) removeEventListener("pagehide", this.onPageHide);
    this.tabs?.leave();
    this.disconnect();
    this.cancel(this.readTimer);
    this.readTimer = undefined;
    this.setHealth({ state: "stopped" });
  }

  // ---- actions ----

  /** Joins a room: its messages, typing and presence follow, and it is rejoined after reconnects. */
  join(roomId: string): void {
    this.wanted.add(roomId);
    this.exec({ op: "join", roomId });
  }

  leave(roomId: string): void {
    this.wanted.delete(roomId);
    this.exec({ op: "leave", roomId });
  }

  /**
   * Posts a message: shown at once as pending, sent now or once connected, and re-sent with the
   * same `clientMsgId` until the server confirms it, so it is posted exactly once. Returns the id.
   */
  send(roomId: string, text: string, options: SendOptions = {}): string {
    const clientMsgId = this.options.newClientMsgId?.() ?? newClientMsgId();
    const pending: PendingMessage = {
      clientMsgId,
      roomId,
      text,
      ...options,
      createdAt: new Date(this.now()).toISOString(),
      status: "queued",
    };
    if (!this.leading()) {
      this.forwarded.set(clientMsgId, pending);
      this.rooms.addPending(pending);
      this.publish();
    }
    this.exec({ op: "send", pending });
    return clientMsgId;
  }

  /** Call on every keystroke: `typing` goes out at most every `typingEveryMs`. */
  typing(roomId: string): void {
    this.exec({ op: "typing", roomId, typing: true });
  }

  /** The user stopped (the field lost focus, or was emptied); sending a message stops it too. */
  stopTyping(roomId: string): void {
    this.exec({ op: "typing", roomId, typing: false });
  }

  /** Moves the read mark to `seq` (default: the newest message held). Never moves it back. */
  markRead(roomId: string, seq?: number): void {
    const to = seq ?? this.rooms.get(roomId)?.messages.at(-1)?.seq;
    if (to !== undefined && to > (this.rooms.get(roomId)?.readSeq ?? 0)) this.exec({ op: "read", roomId, seq: to });
  }

  /**
   * The room this tab shows (undefined: none). While the page is visible, its read mark follows
   * the newest message.
   */
  view(roomId: string | undefined): void {
    this.viewing = roomId;
    this.readViewed();
  }

  /** Asks for the page of messages before the first one held (`history {before}`). */
  loadOlder(roomId: string, limit?: number): void {
    this.exec({ op: "older", roomId, limit });
  }

  edit(roomId: string, messageId: string, text: string): void {
    this.exec({ op: "edit", roomId, messageId, text });
  }

  delete(roomId: string, messageId: string): void {
    this.exec({ op: "delete", roomId, messageId });
  }

  /** Forgets a message the server refused for good. */
  discard(roomId: string, clientMsgId: string): void {
    this.forwarded.delete(clientMsgId);
    this.rooms.dropPending(roomId, clientMsgId);
    this.publish();
  }

  // ---- commands: run by the leader, forwarded to it by the other tabs ----

  private exec(cmd: Command): void {
    if (!this.running) {
      if (cmd.op === "join" || cmd.op === "leave" || cmd.op === "send") this.apply(cmd);
      return;
    }
    if (this.leading()) this.apply(cmd);
    else this.tabs?.request(cmd);
  }

  private apply(cmd: Command): void {
    const conn = this.current?.ready ? this.current : undefined;
    switch (cmd.op) {
      case "join": {
        const room = this.rooms.update(cmd.roomId, { joined: true, error: undefined });
        if (conn && !room.live && !conn.joining.has(cmd.roomId)) this.sendJoin(conn, room);
        break;
      }
      case "leave":
        this.rooms.update(cmd.roomId, { joined: false, live: false, typing: [], presence: [], loadingOlder: false });
        if (conn) {
          conn.joining.delete(cmd.roomId);
          this.write(conn, { type: "leave", roomId: cmd.roomId });
        }
        break;
      case "send":
        this.rooms.addPending(cmd.pending);
        if (conn) this.stopTypingOn(conn, cmd.pending.roomId);
        this.flush(cmd.pending.roomId);
        break;
      case "typing":
        if (conn && this.rooms.get(cmd.roomId)?.live) {
          if (!cmd.typing) this.stopTypingOn(conn, cmd.roomId);
          else if (this.now() - (conn.typingAt.get(cmd.roomId) ?? -Infinity) >= (this.options.typingEveryMs ?? 2000)) {
            conn.typingAt.set(cmd.roomId, this.now());
            this.write(conn, { type: "typing", roomId: cmd.roomId, typing: true });
          }
        }
        break;
      case "read":
        // Sent now, or after the next `ready` (which shows the server behind this mark).
        if (this.rooms.read(cmd.roomId, cmd.seq) && conn) {
          this.write(conn, { type: "read", roomId: cmd.roomId, seq: cmd.seq });
        }
        break;
      case "older": {
        const room = this.rooms.get(cmd.roomId);
        if (!conn || !room?.live || room.loadingOlder || !room.hasMore) break;
        const before = room.messages[0]?.seq ?? (room.lastSeq ?? 0) + 1;
        conn.older.add(cmd.roomId);
        this.rooms.update(cmd.roomId, { loadingOlder: true });
        const frame: Record<string, unknown> = { type: "history", roomId: cmd.roomId, before };
        if (cmd.limit) frame.limit = cmd.limit;
        this.write(conn, frame);
        break;
      }
      case "edit":
      case "delete":
        if (conn) {
          const { op, ...rest } = cmd;
          this.write(conn, { type: op, ...rest });
        } else {
          this.emitError({ code: "OFFLINE", message: `cannot ${cmd.op} while offline: try again once connected`, roomId: cmd.roomId });
        }
        break;
      case "visible":
        this.visibleTabs.set(cmd.tab, cmd.visible);
        if (conn) this.sendPresence(conn);
        break;
    }
    this.publish();
  }

  // ---- the connection (leader) ----

  private lead(): void {
    this.leaderId = this.tabId;
    // What this tab forwarded is in its state now, and is sent from here.
    this.forwarded.clear();
    for (const roomId of this.wanted) this.rooms.update(roomId, { joined: true });
    this.visibleTabs.clear();
    this.visibleTabs.set(this.tabId, this.visible());
    this.rooms.disconnected();
    this.setHealth({ role: this.tabs ? "leader" : "solo" });
    this.tabs?.relay(this.snapshot());
    this.publish();
    void this.connect();
  }

  private follow(): void {
    this.disconnect();
    this.setHealth({ role: "follower" });
  }

  private disconnect(): void {
    this.clearTimers();
    const conn = this.current;
    this.current = undefined;
    if (conn?.socket) conn.socket.close(1000, "client stopped");
    if (conn) {
      this.rooms.disconnected();
      this.publish();
    }
  }

  private async connect(): Promise<void> {
    const conn: Connection = { ready: false, joining: new Map(), older: new Set(), sent: new Set(), typingAt: new Map() };
    this.current = conn;
    this.setHealth({ state: this.health_.reconnects > 0 ? "reconnecting" : "connecting" });
    let token: string;
    try {
      token = await this.options.token();
    } catch (e) {
      if (this.current === conn) this.closed(conn, 1006, describe(e), { cause: "auth", message: `token() failed: ${describe(e)}` });
      return;
    }
    if (this.current !== conn || !this.leading()) return;
    const base = (this.options.baseUrl || (typeof location !== "undefined" ? location.origin : "")).replace(/\/$/, "");
    const socket = (this.options.createSocket ?? defaultSocket)(`${base.replace(/^http/, "ws")}${STREAM_PATH}`);
    conn.socket = socket;
    // Rooms are joined with `join` frames after `ready`, not in the handshake: a room the token
    // no longer allows then costs an error frame for that room, not a 4003 close of the socket.
    socket.onopen = () => {
      if (this.current === conn) socket.send(JSON.stringify({ token }));
    };
    socket.onmessage = (ev) => {
      if (this.current !== conn) return;
      const frame = parse(String(ev.data));
      if (frame) this.receive(conn, frame);
    };
    socket.onclose = (ev) => {
      if (this.current === conn) this.closed(conn, ev.code, ev.reason);
    };
    this.scheduleRefresh(conn, token);
  }

  private receive(conn: Connection, frame: ChatServerFrame): void {
    switch (frame.type) {
      case "ready": {
        conn.ready = true;
        this.backoff.connected(this.now());
        const behind = this.rooms.ready(frame);
        this.setHealth({ state: "live", userId: frame.userId, failure: undefined });
        for (const { roomId, seq } of behind) this.write(conn, { type: "read", roomId, seq });
        this.sendPresence(conn);
        for (const room of this.rooms.all()) if (room.joined) this.sendJoin(conn, room);
        break;
      }
      case "history": {
        // Three answers share the frame: a join's (without a cursor: the newest page; with one:
        // the messages after it, the last frame `caughtUp:true`), `loadOlder`'s, and a catch-up
        // after a gap on the server's side. Messages past the last seq held are added by seq,
        // whichever it is.
        const joining = conn.joining.get(frame.roomId);
        const lastSeq = this.rooms.get(frame.roomId)?.lastSeq;
        const first = frame.messages?.[0]?.seq;
        if (joining === "fresh") {
          this.rooms.history(frame, "fresh");
          this.joined(conn, frame.roomId);
        } else if (
          conn.older.has(frame.roomId) &&
          frame.caughtUp === undefined &&
          (first === undefined || lastSeq === undefined || first <= lastSeq)
        ) {
          conn.older.delete(frame.roomId);
          this.rooms.history(frame, "older");
        } else {
          if (this.rooms.history(frame, "resume") === "gap") return this.resync(conn, frame.roomId);
          if (joining === "resume" && frame.caughtUp === true) this.joined(conn, frame.roomId);
        }
        break;
      }
      case "chat": {
        const { type: _type, ...message } = frame;
        if (this.rooms.chat(message) === "gap") return this.resync(conn, frame.roomId);
        break;
      }
      case "sent":
        this.rooms.sent(frame);
        break;
      case "typing":
        this.rooms.typing(frame);
        break;
      case "presence":
        this.rooms.presence(frame);
        break;
      case "receipt":
        this.rooms.receipt(frame);
        break;
      case "edited":
        this.rooms.edited(frame);
        break;
      case "deleted":
        this.rooms.deleted(frame);
        break;
      case "activity":
        this.rooms.activity(frame);
        break;
      case "unread":
        this.rooms.unread(frame);
        break;
      case "error":
        this.refused(conn, frame);
        break;
    }
    this.publish();
  }

  private joined(conn: Connection, roomId: string): void {
    conn.joining.delete(roomId);
    this.rooms.update(roomId, { live: true });
    this.flush(roomId);
  }

  private refused(conn: Connection, error: ChatError & { type?: string }): void {
    const { type: _type, ...e } = error;
    const pending = e.clientMsgId && e.roomId
      ? this.rooms.get(e.roomId)?.pending.find((p) => p.clientMsgId === e.clientMsgId)
      : undefined;
    if (pending) {
      conn.sent.delete(pending.clientMsgId);
      if (e.code === "RATE_LIMITED" || e.code === "CHAT_UNAVAILABLE") {
        // Not posted: the same clientMsgId goes again after the server's hint.
        const wait = e.retryAfterMs ?? 1000;
        this.rooms.pendingChange(pending.roomId, pending.clientMsgId, { status: "retrying", retryAt: this.now() + wait, error: e });
        const handle = this.schedule(() => {
          this.retryTimers.delete(handle);
          if (this.leading()) {
            this.flush(pending.roomId);
            this.publish();
          }
        }, wait);
        this.retryTimers.add(handle);
      } else {
        this.rooms.pendingChange(pending.roomId, pending.clientMsgId, { status: "failed", error: e });
      }
    } else if (e.roomId && conn.joining.delete(e.roomId)) {
      this.rooms.update(e.roomId, { joined: false, live: false, error: e });
    } else if (e.roomId && conn.older.delete(e.roomId)) {
      this.rooms.update(e.roomId, { loadingOlder: false });
    }
    this.emitError(e);
  }

  /** Sends what is due of a room's pending messages, if its join is answered on a live socket. */
  private flush(roomId: string): void {
    const conn = this.current;
    const room = this.rooms.get(roomId);
    if (!conn?.ready || !room?.live) return;
    for (const p of room.pending) {
      if (p.status === "failed" || p.status === "sent" || conn.sent.has(p.clientMsgId)) continue;
      if (p.status === "retrying" && (p.retryAt ?? 0) > this.now()) continue;
      conn.sent.add(p.clientMsgId);
      const frame: Record<string, unknown> = { type: "chat", roomId, clientMsgId: p.clientMsgId, text: p.text };
      if (p.replyTo) frame.replyTo = p.replyTo;
      if (p.fileId) frame.fileId = p.fileId;
      this.write(conn, frame);
      this.rooms.pendingChange(roomId, p.clientMsgId, { status: "sending" });
    }
  }

  private sendJoin(conn: Connection, room: ChatRoom): void {
    const resume = room.lastSeq !== undefined;
    conn.joining.set(room.roomId, resume ? "resume" : "fresh");
    this.write(conn, resume ? { type: "join", roomId: room.roomId, after: room.lastSeq } : { type: "join", roomId: room.roomId });
  }

  private sendPresence(conn: Connection): void {
    const status: PresenceStatus = [...this.visibleTabs.values()].some(Boolean) ? "online" : "away";
    if (conn.status === status) return;
    conn.status = status;
    this.write(conn, { type: "presence", status });
  }

  private stopTypingOn(conn: Connection, roomId: string): void {
    if (conn.typingAt.delete(roomId)) this.write(conn, { type: "typing", roomId, typing: false });
  }

  /**
   * A message past the next `seq` expected: some were not delivered. Rather than show a hole,
   * reconnect and ask again from the last `seq` held.
   */
  private resync(conn: Connection, roomId: string): void {
    conn.socket?.close(1000, "gap");
    this.closed(conn, 1000, `messages of ${roomId} arrived with a gap: resuming from the last one held`);
  }

  private closed(conn: Connection, code: number, reason: string, diagnosed?: Failure): void {
    if (conn !== this.current) return;
    this.current = undefined;
    this.backoff.disconnected(this.now());
    this.clearTimers();
    this.rooms.disconnected();
    this.publish();
    const lastClose = { code, reason };
    const failure = diagnosed ?? failureFor(code, reason, conn.ready);
    if (!this.leading() || !isRetryable(code)) {
      if (this.running) this.tabs?.leave();
      this.running = false;
      this.setHealth({ state: "stopped", lastClose, failure });
      return;
    }
    const delay = Math.max(this.backoff.next(), retryHintMs(reason) ?? 0);
    this.setHealth({ state: "reconnecting", lastClose, failure, reconnects: this.health_.reconnects + 1 });
    this.timer = this.schedule(() => {
      this.timer = undefined;
      if (this.leading()) void this.connect();
    }, delay);
  }

  private scheduleRefresh(conn: Connection, token: string): void {
    const exp = tokenExpiry(token);
    if (exp === undefined) return;
    const at = exp - (this.options.refreshBeforeMs ?? 60_000) - this.now();
    this.refreshTimer = this.schedule(async () => {
      let fresh: string;
      try {
        fresh = await this.options.token();
      } catch {
        return; // the server closes with 4001 at expiry, and the reconnect asks again
      }
      if (this.current !== conn) return;
      this.write(conn, { type: "refresh", token: fresh });
      this.scheduleRefresh(conn, fresh);
    }, Math.max(0, at));
  }

  private write(conn: Connection, frame: Record<string, unknown>): void {
    conn.socket?.send(JSON.stringify(frame));
  }

  // ---- sharing with the other tabs ----

  private tabGroup(): TabGroup | undefined {
    if (this.options.shareAcrossTabs === false) return undefined;
    const locks = this.options.locks ?? (globalThis.navigator as any)?.locks;
    const createChannel =
      this.options.createChannel ??
      (typeof BroadcastChannel === "function" ? (n: string) => new BroadcastChannel(n) : undefined);
    if (!locks || !createChannel) return undefined;
    // Not the event stream's `bellhop:<orgId>`: the two sockets have their own leaders.
    const name = `bellhop-chat:${this.options.orgId}:${this.options.userId}`;
    return new TabGroup(
      name,
      locks,
      createChannel(name) as ChannelLike,
      {
        lead: () => this.lead(),
        follow: () => this.follow(),
        message: (data) => this.relayed(data as Relay),
        snapshot: () => this.snapshot(),
        request: (data) => this.apply(data as Command),
      },
      this.options.tabTiming,
      this.options.now,
    );
  }

  private snapshot(): Relay {
    return { kind: "snapshot", leader: this.tabId, rooms: this.rooms.all(), health: this.health_, userId: this.rooms.userId };
  }

  /** Follower side: the leader's state. */
  private relayed(msg: Relay): void {
    if (this.tabs?.isLeader) return;
    switch (msg.kind) {
      case "snapshot":
        this.rooms.userId = msg.userId;
        for (const room of msg.rooms) this.rooms.replace(this.withForwarded(room));
        this.followHealth(msg.health);
        if (msg.leader !== this.leaderId) {
          this.leaderId = msg.leader;
          this.forwardAgain();
        }
        break;
      case "rooms":
        if (msg.userId) this.rooms.userId = msg.userId;
        for (const room of msg.rooms) this.rooms.replace(this.withForwarded(room));
        break;
      case "health":
        this.followHealth(msg.health);
        break;
      case "error":
        this.emitError(msg.error);
        break;
    }
    this.publish(false);
  }

  /** A relayed room, with this tab's messages the leader has not taken yet still shown. */
  private withForwarded(room: ChatRoom): ChatRoom {
    let pending = room.pending;
    for (const [id, p] of this.forwarded) {
      if (p.roomId !== room.roomId) continue;
      const arrived = room.messages.some((m) => m.clientMsgId === id && m.sender?.id === this.rooms.userId);
      if (arrived || pending.some((q) => q.clientMsgId === id)) this.forwarded.delete(id);
      else pending = [...pending, p];
    }
    return pending === room.pending ? room : { ...room, pending };
  }

  /** A new leader: what this tab asked of the old one may be lost, so it asks again. */
  private forwardAgain(): void {
    for (const roomId of this.wanted) this.tabs?.request({ op: "join", roomId } satisfies Command);
    for (const pending of this.forwarded.values()) this.tabs?.request({ op: "send", pending } satisfies Command);
    this.tabs?.request({ op: "visible", tab: this.tabId, visible: this.visible() } satisfies Command);
  }

  private followHealth(h: ChatHealth): void {
    this.setHealth({ ...h, role: "follower", state: this.running ? h.state : "stopped" });
  }

  // ---- notifications ----

  /** Tells listeners (and, from the leader, the other tabs) which rooms changed. */
  private publish(relay = true): void {
    const changed = this.rooms.takeChanged();
    if (changed.length === 0) return;
    this.listCache = undefined;
    const counts = this.unreadCache;
    if (counts && changed.some((id) => counts[id] !== this.rooms.get(id)?.unread)) this.unreadCache = undefined;
    if (relay && this.tabs?.isLeader) {
      this.tabs.relay({ kind: "rooms", rooms: changed.map((id) => this.rooms.get(id)!), userId: this.rooms.userId } satisfies Relay);
    }
    this.listeners.forEach((l) => l(changed));
    if (this.viewing && changed.includes(this.viewing)) this.readViewed();
  }

  private readViewed(): void {
    if (!this.viewing || !this.visible() || this.readTimer !== undefined) return;
    const room = this.rooms.get(this.viewing);
    const newest = room?.messages.at(-1)?.seq;
    if (!room || newest === undefined || newest <= room.readSeq) return;
    this.readTimer = this.schedule(() => {
      this.readTimer = undefined;
      if (this.viewing && this.visible()) this.markRead(this.viewing);
    }, this.options.readDelayMs ?? 250);
  }

  private setHealth(change: Partial<ChatHealth>): void {
    this.health_ = { ...this.health_, ...change };
    this.healthListeners.forEach((h) => h(this.health_));
    if (this.tabs?.isLeader) this.tabs.relay({ kind: "health", health: this.health_ } satisfies Relay);
  }

  private emitError(e: ChatError): void {
    this.errorListeners.forEach((l) => l(e));
    if (this.tabs?.isLeader) this.tabs.relay({ kind: "error", error: e } satisfies Relay);
  }

  // ---- small things ----

  private leading(): boolean {
    return this.running && (this.tabs === undefined || this.tabs.isLeader);
  }

  private visibilitySource(): VisibilityLike | undefined {
    if (this.options.visibility !== undefined) return this.options.visibility ?? undefined;
    return typeof document !== "undefined" ? (document as unknown as VisibilityLike) : undefined;
  }

  private visible(): boolean {
    const source = this.visibilitySource();
    return !source || source.visibilityState !== "hidden";
  }

  private clearTimers(): void {
    this.cancel(this.timer);
    this.cancel(this.refreshTimer);
    for (const t of this.retryTimers) this.cancel(t);
    this.retryTimers.clear();
    this.timer = this.refreshTimer = undefined;
  }

  private schedule(fn: () => void, ms: number): unknown {
    return (this.options.schedule ?? setTimeout)(fn, ms);
  }

  private cancel(handle: unknown): void {
    if (handle !== undefined) (this.options.cancel ?? clearTimeout)(handle as any);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** 1–64 characters of the id grammar, unique enough per user: time plus randomness. */
function newClientMsgId(): string {
  const random = globalThis.crypto?.randomUUID?.().replace(/-/g, "").slice(0, 16) ??
    Math.random().toString(36).slice(2, 14);
  return `c-${Date.now().toString(36)}-${random}`;
}

function parse(text: string): ChatServerFrame | undefined {
  try {
    const frame = JSON.parse(text);
    return frame && typeof frame.type === "string" ? (frame as ChatServerFrame) : undefined;
  } catch {
    return undefined;
  }
}

function defaultSocket(url: string): SocketLike {
  return new WebSocket(url) as unknown as SocketLike;
}
