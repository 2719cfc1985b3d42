/** The shapes of Bellhop's chat (docs/collaboration.md), as the browser client keeps them. */

export interface ChatUser {
  id: string;
  name: string;
}

export type PresenceStatus = "online" | "away";

export interface PresentUser extends ChatUser {
  status: PresenceStatus;
}

/** A message the server stored: it has a `seq`, gap-free per room. */
export interface ChatMessage {
  messageId: string;
  seq: number;
  roomId: string;
  sender: ChatUser;
  /** Plain text: render it as text (textContent), never as HTML. */
  text: string;
  clientMsgId?: string;
  createdAt: string;
  replyTo?: string;
  fileId?: string;
  editedAt?: string;
  deleted?: boolean;
}

/**
 * A message of this user not yet in the room's history: shown at once (local echo) and sent, and
 * re-sent with the same `clientMsgId` after a reconnect, until its `chat` frame arrives.
 * `queued`: waiting for a socket; `sending`: sent, no answer yet; `sent`: durable (the server's
 * `sent` came), its `chat` frame not yet; `retrying`: refused for now (rate limit, store down),
 * re-sent after `retryAt`; `failed`: refused for good (`error` says why), never re-sent.
 */
export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  text: string;
  replyTo?: string;
  fileId?: string;
  createdAt: string;
  status: "queued" | "sending" | "sent" | "retrying" | "failed";
  messageId?: string;
  seq?: number;
  retryAt?: number;
  error?: ChatError;
}

export interface ChatError {
  code: string;
  message: string;
  roomId?: string;
  clientMsgId?: string;
  retryAfterMs?: number;
}

/** One room as this browser knows it. A new object on every change (safe for React state). */
export interface ChatRoom {
  roomId: string;
  /** `org`, `property` or `direct`, once the server's room list named it. */
  kind?: string;
  /** This browser asked to join it (and will rejoin it after every reconnect). */
  joined: boolean;
  /** The join was answered on the current socket: messages are live. */
  live: boolean;
  /** Messages held, oldest first, by `seq`. Older ones come with `loadOlder`. */
  messages: ChatMessage[];
  /** This user's messages not yet in `messages`, in the order they were written. */
  pending: PendingMessage[];
  /** The last `seq` held at the live end: a reconnect asks for what follows it. */
  lastSeq?: number;
  /** The newest `seq` known to exist in the room (from the room list, `activity` or `chat`). */
  latestSeq: number;
  /** This user's read mark (only moves forward) and the messages after it not sent by them. */
  readSeq: number;
  unread: number;
  /** Older messages exist before the first one held. */
  hasMore: boolean;
  loadingOlder: boolean;
  /** Other users typing now. */
  typing: ChatUser[];
  /** Members online or away. */
  presence: PresentUser[];
  /** Members' read marks: userId → seq. */
  receipts: Record<string, number>;
  lastMessage?: ChatMessage;
  /** Why the room could not be joined, if it could not. */
  error?: ChatError;
}

/** What the server sends on the chat socket. */
export type ChatServerFrame =
  | { type: "ready"; userId: string; rooms?: RoomSummary[] }
  | { type: "history"; roomId: string; messages: ChatMessage[]; hasMore?: boolean; caughtUp?: boolean }
  | ({ type: "chat" } & ChatMessage)
  | { type: "sent"; roomId: string; clientMsgId: string; messageId: string; seq: number }
  | { type: "typing"; roomId: string; users: ChatUser[] }
  | { type: "presence"; roomId: string; users: (ChatUser & { status: string })[]; full?: boolean }
  | { type: "receipt"; roomId: string; userId: string; seq: number; messageId?: string }
  | { type: "edited"; roomId: string; messageId: string; seq: number; text: string; editedAt: string }
  | { type: "deleted"; roomId: string; messageId: string; seq: number }
  | { type: "activity"; roomId: string; seq: number; messageId: string; senderId: string; createdAt: string }
  | { type: "unread"; roomId: string; readSeq: number; unread: number }
  | ({ type: "error" } & ChatError);

/** One entry of `ready.rooms` and of GET /v2/collaboration/rooms. */
export interface RoomSummary {
  roomId: string;
  kind?: string;
  lastSeq?: number;
  readSeq?: number;
  unread?: number;
  lastMessage?: ChatMessage;
}
