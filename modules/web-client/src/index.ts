export { RealtimeClient, tokenExpiry } from "./client.js";
export type { EventEnvelope, Health, ConnectionState, RealtimeClientOptions, SocketLike } from "./client.js";
export { Backoff, DEFAULT_BACKOFF } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export { CLOSE_CODES, isRetryable, retryHintMs } from "./closeCodes.js";
export { EventIdDedup } from "./dedup.js";
export { StorageCursorStore, MemoryCursorStore } from "./cursorStore.js";
export type { Cursor, CursorStore } from "./cursorStore.js";
