export { RealtimeClient, tokenExpiry } from "./client.js";
export type { Health, ConnectionState, TabRole, RealtimeClientOptions } from "./client.js";
export type { Failure, FailureCause } from "./failure.js";
export type { EventEnvelope, SocketLike, TransportName, FetchLike } from "./transport.js";
export { Backoff, DEFAULT_BACKOFF } from "./backoff.js";
export type { BackoffOptions } from "./backoff.js";
export { CLOSE_CODES, isRetryable, retryHintMs } from "./closeCodes.js";
export { EventIdDedup } from "./dedup.js";
export { StorageCursorStore, MemoryCursorStore } from "./cursorStore.js";
export type { Cursor, CursorStore } from "./cursorStore.js";
export { DEFAULT_TAB_TIMING } from "./tabs.js";
export type { TabTiming, LockManagerLike, ChannelLike } from "./tabs.js";
export { UploadClient } from "./upload.js";
export type {
  UploadComplete,
  UploadError,
  UploadFile,
  UploadOptions,
  UploadSocketLike,
  UploadState,
  UploadStatus,
} from "./upload.js";
export { UploadResumeStore, MemoryUploadStorage } from "./uploadResume.js";
export type { PendingUpload, UploadFingerprint, UploadStorage } from "./uploadResume.js";
export {
  DOCUMENT_TYPES,
  OCR_COMPLETED,
  UPLOAD_ERRORS,
  acceptFor,
  describeOcr,
  describeProgress,
  describeUploadError,
  fetchDocumentOcr,
  fieldLabel,
  formatBytes,
  ocrFinished,
  ocrFromEvent,
} from "./documents.js";
export type { DocumentType, OcrField, OcrResult } from "./documents.js";
export { Sha256, sha256OfBlob } from "./sha256.js";
export { SpeedMeter } from "./speed.js";
export { ChatClient } from "./chat.js";
export type { ChatClientOptions, ChatHealth, SendOptions, VisibilityLike } from "./chat.js";
export type {
  ChatError,
  ChatMessage,
  ChatRoom,
  ChatServerFrame,
  ChatUser,
  PendingMessage,
  PresenceStatus,
  PresentUser,
  RoomSummary,
} from "./chatTypes.js";
