/**
 * The chat state of one browser: every room it knows, kept from the server's frames. Pure (no
 * socket, no timers), so the rules live in one place and are tested without a server:
 *
 * - **Exactly once, no gap papered over.** A room's messages are held by `seq`. A message with a
 *   `seq` at or below the last one held is a replay and is dropped; one past the next expected
 *   `seq` is a gap, reported to the caller (which reconnects and asks again from the last held)
 *   and never stored.
 * - **Unread counts stay live without joining**: `ready.rooms` sets them, `activity` (rooms not
 *   joined) and `chat` (rooms joined) count others' new messages, `unread` (the read mark moved,
 *   on any of the user's sockets) sets them again.
 * - **Pending messages** are part of the room, so a tab that takes over the connection re-sends
 *   them with the same `clientMsgId`.
 *
 * Every change replaces the room object, and the ids of changed rooms are collected until
 * `takeChanged()`.
 */
import type {
  ChatMessage,
  ChatRoom,
  ChatServerFrame,
  ChatUser,
  PendingMessage,
  PresentUser,
  RoomSummary,
} from "./chatTypes.js";

type Frame<T extends ChatServerFrame["type"]> = Extract<ChatServerFrame, { type: T }>;

/** What a history frame answers: a join with `after`, a join without it, or `loadOlder`. */
export type HistoryKind = "resume" | "fresh" | "older";

/** A new message, a replay (dropped), or a gap (dropped; the caller must ask again). */
export type Arrival = "new" | "replay" | "gap";

export const DEFAULT_MAX_MESSAGES = 1000;

export class ChatRooms {
  userId: string | undefined;
  private readonly rooms = new Map<string, ChatRoom>();
  private readonly changed = new Set<string>();

  /** At most this many messages per room are held; older ones are dropped and can be paged in. */
  constructor(private readonly maxMessages = DEFAULT_MAX_MESSAGES) {}

  get(roomId: string): ChatRoom | undefined {
    return this.rooms.get(roomId);
  }

  all(): ChatRoom[] {
    return [...this.rooms.values()];
  }

  /** The ids of rooms changed since the last call. */
  takeChanged(): string[] {
    const ids = [...this.changed];
    this.changed.clear();
    return ids;
  }

  /** A room exactly as another tab holds it (relayed state). */
  replace(room: ChatRoom): void {
    this.rooms.set(room.roomId, room);
    this.changed.add(room.roomId);
  }

  update(roomId: string, change: Partial<ChatRoom> | ((room: ChatRoom) => Partial<ChatRoom>)): ChatRoom {
    const room = this.rooms.get(roomId) ?? emptyRoom(roomId);
    const next = { ...room, ...(typeof change === "function" ? change(room) : change) };
    this.rooms.set(roomId, next);
    this.changed.add(roomId);
    return next;
  }

  /** The socket closed: nothing is live, and who is typing or present is no longer known. */
  disconnected(): void {
    for (const room of this.rooms.values()) {
      if (room.live || room.typing.length || room.presence.length || room.loadingOlder) {
        this.update(room.roomId, { live: false, typing: [], presence: [], loadingOlder: false });
      }
    }
  }

  /**
   * `ready`: the user's room list with unread counts. Returns the rooms whose read mark this
   * browser moved further than the server knows (a `read` lost with a socket), to send again.
   */
  ready(frame: Frame<"ready">): { roomId: string; seq: number }[] {
    this.userId = frame.userId;
    const behind: { roomId: string; seq: number }[] = [];
    for (const summary of frame.rooms ?? []) {
      const local = this.rooms.get(summary.roomId);
      this.summary(summary);
      if (local && summary.readSeq !== undefined && local.readSeq > summary.readSeq) {
        behind.push({ roomId: summary.roomId, seq: local.readSeq });
      }
    }
    return behind;
  }

  /** A room list entry (ready, or GET /v2/collaboration/rooms): the server's counts win. */
  summary(s: RoomSummary): void {
    this.update(s.roomId, (room) => ({
      kind: s.kind ?? room.kind,
      latestSeq: Math.max(room.latestSeq, s.lastSeq ?? 0),
      readSeq: s.readSeq ?? room.readSeq,
      unread: s.unread ?? room.unread,
      lastMessage: newer(room.lastMessage, s.lastMessage),
    }));
  }

  /**
   * A history frame. `resume` frames continue from the last seq held; a `fresh` page replaces
   * what was held (the newest messages); an `older` page goes before the first one held.
   */
  history(frame: Frame<"history">, kind: HistoryKind): Arrival {
    const messages = [...(frame.messages ?? [])].sort((a, b) => a.seq - b.seq);
    if (kind === "older") {
      this.update(frame.roomId, (room) => {
        const first = room.messages[0]?.seq ?? (room.lastSeq ?? Infinity) + 1;
        const older = messages.filter((m) => m.seq < first);
        return { messages: [...older, ...room.messages], hasMore: frame.hasMore ?? false, loadingOlder: false };
      });
      return "new";
    }
    if (kind === "fresh") {
      this.update(frame.roomId, (room) => {
        const last = messages.at(-1)?.seq ?? room.latestSeq;
        // A live message that came before the page (it should not) stays after it.
        const later = room.messages.filter((m) => m.seq > last);
        return {
          messages: [...messages, ...later],
          lastSeq: later.at(-1)?.seq ?? last,
          latestSeq: Math.max(room.latestSeq, last),
          hasMore: frame.hasMore ?? (messages[0]?.seq ?? 1) > 1,
          pending: this.withoutArrived(room.pending, messages, last),
          lastMessage: newer(room.lastMessage, messages.at(-1)),
        };
      });
      return "new";
    }
    let result: Arrival = "replay";
    for (const m of messages) {
      const arrival = this.append(m, false);
      if (arrival === "gap") return "gap";
      if (arrival === "new") result = "new";
    }
    return result;
  }

  /** A live `chat` frame. */
  chat(message: ChatMessage): Arrival {
    return this.append(message, true);
  }

  private append(m: ChatMessage, live: boolean): Arrival {
    const room = this.rooms.get(m.roomId) ?? emptyRoom(m.roomId);
    if (room.lastSeq === undefined) {
      // Nothing held yet (a chat before the join's first page): this message starts the room.
      if (!live) return "gap";
    } else if (m.seq <= room.lastSeq) {
      return "replay";
    } else if (m.seq !== room.lastSeq + 1) {
      return "gap";
    }
    const mine = m.sender?.id === this.userId;
    let messages = [...room.messages, m];
    let hasMore = room.hasMore;
    if (messages.length > this.maxMessages) {
      messages = messages.slice(messages.length - this.maxMessages);
      hasMore = true;
    }
    const counts = !mine && m.seq > room.readSeq && m.seq > room.latestSeq;
    this.update(m.roomId, {
      messages,
      hasMore,
      lastSeq: m.seq,
      latestSeq: Math.max(room.latestSeq, m.seq),
      unread: room.unread + (counts ? 1 : 0),
      pending: this.withoutArrived(room.pending, [m], m.seq),
      lastMessage: newer(room.lastMessage, m),
    });
    return "new";
  }

  /** `sent`: the message is durable; its `chat` frame may still come, or may have come. */
  sent(frame: Frame<"sent">): void {
    this.update(frame.roomId, (room) => ({
      pending: room.pending
        .filter((p) => !(p.clientMsgId === frame.clientMsgId && room.lastSeq !== undefined && frame.seq <= room.lastSeq))
        .map((p) =>
          p.clientMsgId === frame.clientMsgId
            ? { ...p, status: "sent" as const, messageId: frame.messageId, seq: frame.seq, error: undefined }
            : p,
        ),
    }));
  }

  typing(frame: Frame<"typing">): void {
    this.update(frame.roomId, { typing: (frame.users ?? []).filter((u) => u.id !== this.userId) });
  }

  presence(frame: Frame<"presence">): void {
    this.update(frame.roomId, (room) => {
      const byId = new Map<string, PresentUser>(frame.full ? [] : room.presence.map((u) => [u.id, u]));
      for (const u of frame.users ?? []) {
        if (u.status === "online" || u.status === "away") byId.set(u.id, { id: u.id, name: u.name, status: u.status });
        else byId.delete(u.id);
      }
      return { presence: [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)) };
    });
  }

  receipt(frame: Frame<"receipt">): void {
    this.update(frame.roomId, (room) =>
      (room.receipts[frame.userId] ?? 0) >= frame.seq ? {} : { receipts: { ...room.receipts, [frame.userId]: frame.seq } },
    );
  }

  edited(frame: Frame<"edited">): void {
    this.change(frame.roomId, frame.messageId, { text: frame.text, editedAt: frame.editedAt });
  }

  deleted(frame: Frame<"deleted">): void {
    this.change(frame.roomId, frame.messageId, { text: "", deleted: true });
  }

  private change(roomId: string, messageId: string, change: Partial<ChatMessage>): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    const edit = (m: ChatMessage) => (m.messageId === messageId ? { ...m, ...change } : m);
    this.update(roomId, {
      messages: room.messages.map(edit),
      lastMessage: room.lastMessage && edit(room.lastMessage),
    });
  }

  /** A new message in a room this socket has not joined. */
  activity(frame: Frame<"activity">): void {
    this.update(frame.roomId, (room) => {
      if (frame.seq <= room.latestSeq) return {};
      const counts = frame.senderId !== this.userId && frame.seq > room.readSeq;
      return { latestSeq: frame.seq, unread: room.unread + (counts ? 1 : 0) };
    });
  }

  /** The user's own read mark moved, on some socket of theirs: the server's count. */
  unread(frame: Frame<"unread">): void {
    this.update(frame.roomId, (room) => ({ readSeq: Math.max(room.readSeq, frame.readSeq), unread: frame.unread }));
  }

  /**
   * This browser read up to `seq`. The count drops at once when every later message is held;
   * otherwise the server's `unread` frame brings it.
   */
  read(roomId: string, seq: number): boolean {
    const room = this.rooms.get(roomId);
    if (!room || seq <= room.readSeq) return false;
    const heldToEnd = room.lastSeq !== undefined && room.lastSeq >= room.latestSeq;
    const unread = heldToEnd
      ? room.messages.filter((m) => m.seq > seq && m.sender?.id !== this.userId).length
      : room.unread;
    this.update(roomId, { readSeq: seq, unread });
    return true;
  }

  /** Pending messages whose `chat` has not arrived: not among `arrived`, not at or below `lastSeq`. */
  private withoutArrived(pending: PendingMessage[], arrived: ChatMessage[], lastSeq: number): PendingMessage[] {
    if (pending.length === 0) return pending;
    // clientMsgId is unique per sender only: another user's "c-1" is not ours.
    const ids = new Set(arrived.filter((m) => m.sender?.id === this.userId).map((m) => m.clientMsgId));
    return pending.filter((p) => !ids.has(p.clientMsgId) && !(p.seq !== undefined && p.seq <= lastSeq));
  }

  addPending(p: PendingMessage): void {
    // A message already stored (a tab asking a new leader again) is not pending any more.
    this.update(p.roomId, (room) =>
      room.pending.some((q) => q.clientMsgId === p.clientMsgId) ||
      room.messages.some((m) => m.clientMsgId === p.clientMsgId && m.sender?.id === this.userId)
        ? {}
        : { pending: [...room.pending, p] },
    );
  }

  pendingChange(roomId: string, clientMsgId: string, change: Partial<PendingMessage>): void {
    this.update(roomId, (room) => ({
      pending: room.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, ...change } : p)),
    }));
  }

  dropPending(roomId: string, clientMsgId: string): void {
    this.update(roomId, (room) => ({ pending: room.pending.filter((p) => p.clientMsgId !== clientMsgId) }));
  }
}

export function emptyRoom(roomId: string): ChatRoom {
  return {
    roomId,
    joined: false,
    live: false,
    messages: [],
    pending: [],
    latestSeq: 0,
    readSeq: 0,
    unread: 0,
    hasMore: false,
    loadingOlder: false,
    typing: [],
    presence: [],
    receipts: {},
  };
}


function newer(a: ChatMessage | undefined, b: ChatMessage | undefined): ChatMessage | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.seq >= a.seq ? b : a;
}

export type { ChatUser };
