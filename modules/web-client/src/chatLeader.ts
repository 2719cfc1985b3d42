/**
 * What the tab that leads runs for the whole browser: the chat socket and the protocol over it —
 * handshake, joins with cursors, frames into the state (`ChatRooms`), pending messages sent and
 * re-sent, typing throttle, presence, reconnects with backoff, token refresh — and the actions
 * every tab asks of it (`Command`). `ChatClient` decides when this tab leads.
 */
import { Backoff, DEFAULT_BACKOFF } from "./backoff.js";
import type { ChatClientOptions, ChatHealth } from "./chat.js";
import type { ChatRooms } from "./chatRooms.js";
import type { ChatError, ChatRoom, ChatServerFrame, PendingMessage, PresenceStatus } from "./chatTypes.js";
import { isRetryable, retryHintMs } from "./closeCodes.js";
import { tokenExpiry } from "./client.js";
import { describe, Failure, failureFor } from "./failure.js";
import type { SocketLike } from "./transport.js";

/** What a tab asks the leader to do (its own actions go the same way). */
export type Command =
  | { op: "join"; roomId: string }
  | { op: "leave"; roomId: string }
  | { op: "send"; pending: PendingMessage }
  | { op: "typing"; roomId: string; typing: boolean }
  | { op: "read"; roomId: string; seq: number }
  | { op: "older"; roomId: string; limit?: number }
  | { op: "edit"; roomId: string; messageId: string; text: string }
  | { op: "delete"; roomId: string; messageId: string }
  | { op: "visible"; tab: string; visible: boolean };

/** What the leader needs of the client around it. */
export interface LeaderHost {
  readonly rooms: ChatRooms;
  /** This tab leads and the client runs. */
  leading(): boolean;
  health(): ChatHealth;
  setHealth(change: Partial<ChatHealth>): void;
  emitError(e: ChatError): void;
  /** Tells listeners and the other tabs what changed. */
  publish(): void;
  /** A terminal close: the client stops (and lets another tab try). */
  stopRunning(): void;
}

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

export class ChatLeader {
  private readonly backoff: Backoff;
  private readonly rooms: ChatRooms;
  /** Which tabs are visible (presence is `online` while one is). */
  private readonly visibleTabs = new Map<string, boolean>();
  private current: Connection | undefined;
  private timer: unknown;
  private refreshTimer: unknown;
  private readonly retryTimers = new Set<unknown>();

  constructor(
    private readonly host: LeaderHost,
    private readonly options: ChatClientOptions,
  ) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.rooms = host.rooms;
  }

  /** This tab starts leading: connect, with this tab's visibility as the only one known so far. */
  start(tabId: string, visible: boolean): void {
    this.visibleTabs.clear();
    this.visibleTabs.set(tabId, visible);
    void this.connect();
  }

  /** This tab stops leading (or the client stops): close the socket. */
  stop(): void {
    this.disconnect();
  }

  /** Runs one action, from this tab or another. */
  apply(cmd: Command): void {
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
          this.host.emitError({ code: "OFFLINE", message: `cannot ${cmd.op} while offline: try again once connected`, roomId: cmd.roomId });
        }
        break;
      case "visible":
        this.visibleTabs.set(cmd.tab, cmd.visible);
        if (conn) this.sendPresence(conn);
        break;
    }
    this.host.publish();
  }


  private disconnect(): void {
    this.clearTimers();
    const conn = this.current;
    this.current = undefined;
    if (conn?.socket) conn.socket.close(1000, "client stopped");
    if (conn) {
      this.rooms.disconnected();
      this.host.publish();
    }
  }


  private async connect(): Promise<void> {
    const conn: Connection = { ready: false, joining: new Map(), older: new Set(), sent: new Set(), typingAt: new Map() };
    this.current = conn;
    this.host.setHealth({ state: this.host.health().reconnects > 0 ? "reconnecting" : "connecting" });
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
        this.host.setHealth({ state: "live", userId: frame.userId, failure: undefined });
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
    this.host.publish();
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
            this.host.publish();
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
    this.host.emitError(e);
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
    this.host.publish();
    const lastClose = { code, reason };
    const failure = diagnosed ?? failureFor(code, reason, conn.ready);
    if (!this.leading() || !isRetryable(code)) {
      this.host.stopRunning();
      this.host.setHealth({ state: "stopped", lastClose, failure });
      return;
    }
    const delay = Math.max(this.backoff.next(), retryHintMs(reason) ?? 0);
    this.host.setHealth({ state: "reconnecting", lastClose, failure, reconnects: this.host.health().reconnects + 1 });
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

  private leading(): boolean {
    return this.host.leading();
  }
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

