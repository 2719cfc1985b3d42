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
import type { BackoffOptions } from "./backoff.js";
import { ChatLeader, Command } from "./chatLeader.js";
import { ChatRooms } from "./chatRooms.js";
import type { ChatError, ChatRoom, PendingMessage } from "./chatTypes.js";
import type { TabRole } from "./client.js";
import type { Failure } from "./failure.js";
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

/** What the leader relays to the other tabs. */
type Relay =
  | { kind: "snapshot"; leader: string; rooms: ChatRoom[]; health: ChatHealth; userId?: string }
  | { kind: "rooms"; rooms: ChatRoom[]; userId?: string }
  | { kind: "health"; health: ChatHealth }
  | { kind: "error"; error: ChatError };

/**
 * The chat for one user in one browser: the state every tab reads, the actions every tab takes,
 * and who leads. The tab that leads runs `ChatLeader` (the socket); the others follow its relays.
 */
export class ChatClient {
  private readonly rooms: ChatRooms;
  private readonly leader: ChatLeader;
  private readonly tabs: TabGroup | undefined;
  private readonly tabId: string;
  private readonly listeners = new Set<(roomIds: string[]) => void>();
  private readonly healthListeners = new Set<(h: ChatHealth) => void>();
  private readonly errorListeners = new Set<(e: ChatError) => void>();
  /** Follower: this tab's messages and rooms until the leader's state shows them. */
  private readonly forwarded = new Map<string, PendingMessage>();
  private readonly wanted = new Set<string>();
  private leaderId: string | undefined;
  private health_: ChatHealth;
  private running = false;
  private viewing: string | undefined;
  private readTimer: unknown;
  private unreadCache: Record<string, number> | undefined;
  private listCache: ChatRoom[] | undefined;
  private readonly onVisibility = () => this.exec({ op: "visible", tab: this.tabId, visible: this.visible() });
  private readonly onPageHide = () => this.exec({ op: "visible", tab: this.tabId, visible: false });

  constructor(private readonly options: ChatClientOptions) {
    this.rooms = new ChatRooms(options.maxMessagesPerRoom);
    this.leader = new ChatLeader(
      {
        rooms: this.rooms,
        leading: () => this.leading(),
        health: () => this.health_,
        setHealth: (change) => this.setHealth(change),
        emitError: (e) => this.emitError(e),
        publish: () => this.publish(),
        stopRunning: () => {
          if (this.running) this.tabs?.leave();
          this.running = false;
        },
      },
      options,
    );
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
    this.leader.stop();
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
      if (cmd.op === "join" || cmd.op === "leave" || cmd.op === "send") this.leader.apply(cmd);
      return;
    }
    if (this.leading()) this.leader.apply(cmd);
    else this.tabs?.request(cmd);
  }

  // ---- leading and following ----


  private lead(): void {
    this.leaderId = this.tabId;
    // What this tab forwarded is in its state now, and is sent from here.
    this.forwarded.clear();
    for (const roomId of this.wanted) this.rooms.update(roomId, { joined: true });
    this.rooms.disconnected();
    this.setHealth({ role: this.tabs ? "leader" : "solo" });
    this.tabs?.relay(this.snapshot());
    this.publish();
    this.leader.start(this.tabId, this.visible());
  }

  private follow(): void {
    this.leader.stop();
    this.setHealth({ role: "follower" });
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
        request: (data) => this.leader.apply(data as Command),
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
