/**
 * One file to Bellhop over `WS /v2/documents/upload/stream` (docs/uploads.md): hashes it, sends it
 * in binary frames read one chunk at a time, keeps at most a window of bytes unacknowledged,
 * pauses and resumes, reconnects after retryable closes and resumes from the server's durable
 * offset, and after a page reload resumes from the upload id kept in Web Storage.
 */
import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from "./backoff.js";
import { CLOSE_CODES, isRetryable, retryHintMs } from "./closeCodes.js";
import type { DocumentType } from "./documents.js";
import { describe } from "./failure.js";
import { BlobLike, sha256OfBlob } from "./sha256.js";
import { SpeedMeter } from "./speed.js";
import type { FetchLike } from "./transport.js";
import { PendingUpload, UploadFingerprint, UploadResumeStore, UploadStorage } from "./uploadResume.js";

/**
 * `hashing`: reading the file for its SHA-256 (before any byte is sent, so the server checks it);
 * `uploading`: connected or connecting, sending; `reconnecting`: waiting to reconnect after a
 * retryable close; `paused`: sending nothing, by request; `completing`: every byte sent, waiting
 * for the server's `complete`; `complete`, `failed` and `cancelled` are final.
 */
export type UploadState =
  | "idle"
  | "hashing"
  | "uploading"
  | "reconnecting"
  | "paused"
  | "completing"
  | "complete"
  | "failed"
  | "cancelled";

/** The file to upload: a browser File (or anything with its shape). */
export interface UploadFile extends BlobLike {
  readonly name: string;
  readonly type: string;
  readonly lastModified: number;
}

/** The server's `complete` frame. */
export interface UploadComplete {
  fileId: string;
  sha256: string;
  size: number;
  mimetype: string;
  url: string;
  ocr: { status: string };
}

export interface UploadError {
  /** The server's error code (UploadError and shared codes), or NETWORK / FILE_UNREADABLE. */
  code: string;
  message: string;
  closeCode?: number;
}

export interface UploadStatus {
  state: UploadState;
  uploadId?: string;
  size: number;
  /** Bytes the server has stored durably (its last `progress` or `ready` offset). */
  acknowledged: number;
  /** Bytes handed to the socket. */
  sent: number;
  /** Bytes hashed, while hashing. */
  hashed?: number;
  /** acknowledged / size, 0–100. */
  percent: number;
  /** Smoothed over the last seconds; absent until two acknowledgements were seen. */
  bytesPerSec?: number;
  etaSeconds?: number;
  sha256?: string;
  /** The offset of the last `ready`: above 0 when an upload resumed. */
  resumedFrom?: number;
  reconnects: number;
  error?: UploadError;
  result?: UploadComplete;
}

/** The part of the browser's WebSocket an upload uses; injectable for tests. */
export interface UploadSocketLike {
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
}

export interface UploadOptions {
  /** Origin of the Bellhop server; "" or absent = this page. */
  baseUrl?: string;
  /** A fresh token; called on every (re)connect. */
  token: () => string | Promise<string>;
  file: UploadFile;
  documentType: DocumentType;
  guestId: string;
  propertyId: string;
  /** Default: the file's type. */
  mimetype?: string;
  /** Upper bounds on what the server's `ready` allows: frame size and bytes unacknowledged. */
  chunkSize?: number;
  window?: number;
  /** Hash before sending, so the server refuses a file that differs from this one. Default true. */
  checksum?: boolean;
  /** Where unfinished uploads are kept for a reload (localStorage in browsers); null: nowhere. */
  storage?: UploadStorage | null;
  backoff?: BackoffOptions;
  createSocket?: (url: string) => UploadSocketLike;
  fetch?: FetchLike;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

type Frame =
  | { type: "ready"; uploadId: string; offset: number; size: number; chunkSize: number; window: number; expiresAt?: string }
  | { type: "progress"; offset: number }
  | ({ type: "complete" } & UploadComplete)
  | { type: "error"; code: string; message: string; offset?: number };

/** One socket's life: its frames count only while it is the current one. */
interface Connection {
  socket?: UploadSocketLike;
  ready: boolean;
  error?: { code: string; message: string };
}

const FINAL: ReadonlySet<UploadState> = new Set(["complete", "failed", "cancelled"]);
const DEFAULT_CHUNK = 64 * 1024;
const DEFAULT_WINDOW = 1024 * 1024;

export class UploadClient {
  private readonly listeners = new Set<(s: UploadStatus) => void>();
  private readonly backoff: Backoff;
  private readonly speed = new SpeedMeter();
  private readonly resumeStore: UploadResumeStore | undefined;
  private readonly fingerprint: UploadFingerprint;
  private current: Connection | undefined;
  private status: UploadStatus;
  private paused = false;
  private pumping = false;
  private chunkSize = DEFAULT_CHUNK;
  private window = DEFAULT_WINDOW;
  /** Set while a resume handshake names an id found in storage and no `ready` answered it yet. */
  private resumingStored = false;
  private timer: unknown;
  private settle!: (s: UploadStatus) => void;
  /** Resolves once the upload is complete, failed or cancelled; never rejects. */
  readonly done: Promise<UploadStatus>;

  constructor(private readonly options: UploadOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    const storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.resumeStore = storage ? new UploadResumeStore(storage, options.now) : undefined;
    const { file } = options;
    this.fingerprint = {
      name: file.name,
      size: file.size,
      lastModified: file.lastModified,
      documentType: options.documentType,
      guestId: options.guestId,
    };
    this.status = { state: "idle", size: file.size, acknowledged: 0, sent: 0, percent: 0, reconnects: 0 };
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get state(): UploadStatus {
    return this.status;
  }

  /** Calls the handler now and on every change; returns an unsubscribe function. */
  onChange(handler: (s: UploadStatus) => void): () => void {
    this.listeners.add(handler);
    handler(this.status);
    return () => this.listeners.delete(handler);
  }

  /** Starts, or resumes an upload of the same file that a reload interrupted. */
  start(): Promise<UploadStatus> {
    if (this.status.state !== "idle") return this.done;
    const stored = this.resumeStore?.find(this.fingerprint);
    if (stored) {
      this.resumingStored = true;
      this.update({ uploadId: stored.uploadId });
      this.connect();
    } else {
      void this.hashThenConnect();
    }
    return this.done;
  }

  /**
   * Stops sending. The socket stays open, so resuming costs nothing; if it closes meanwhile, the
   * next resume() reconnects. Bytes already sent are still acknowledged.
   */
  pause(): void {
    if (FINAL.has(this.status.state) || this.paused || this.status.state === "completing") return;
    this.paused = true;
    this.clearTimer();
    if (this.status.state !== "hashing") this.update({ state: "paused", bytesPerSec: undefined, etaSeconds: undefined });
  }

  resume(): void {
    if (FINAL.has(this.status.state) || !this.paused) return;
    this.paused = false;
    this.speed.restart();
    if (this.status.state === "hashing") return;
    if (this.current?.ready) {
      this.update({ state: this.sendingState() });
      void this.pump(this.current);
    } else if (!this.current) {
      this.connect();
    } else {
      this.update({ state: "uploading" });
    }
  }

  /** Gives up: closes the socket and deletes the session and its bytes on the server. */
  async cancel(): Promise<void> {
    if (FINAL.has(this.status.state)) return;
    const uploadId = this.status.uploadId;
    this.finish({ state: "cancelled" });
    this.resumeStore?.forget(this.fingerprint);
    if (!uploadId) return;
    const token = await this.options.token();
    const fetchFn = this.options.fetch ?? ((url, init) => fetch(url, init));
    await fetchFn(`${this.httpBase()}/v2/documents/upload/${encodeURIComponent(uploadId)}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => undefined); // the sweeper removes it at expiry anyway
  }

  private async hashThenConnect(): Promise<void> {
    if (this.options.checksum === false) return this.connect();
    this.update({ state: "hashing", hashed: 0 });
    let sha256: string | undefined;
    try {
      sha256 = await sha256OfBlob(this.options.file, {
        progress: (hashed) => this.update({ hashed }),
        cancelled: () => FINAL.has(this.status.state),
      });
    } catch (e) {
      return this.fail({ code: "FILE_UNREADABLE", message: describe(e) });
    }
    if (sha256 === undefined) return;
    this.update({ sha256, hashed: undefined });
    this.connect();
  }

  private connect(): void {
    this.clearTimer();
    const connection: Connection = { ready: false };
    this.current = connection;
    this.update({ state: this.paused ? "paused" : "uploading" });
    void this.open(connection);
  }

  private async open(connection: Connection): Promise<void> {
    let token: string;
    try {
      token = await this.options.token();
    } catch (e) {
      if (this.current === connection) this.closed(connection, 1006, "", { code: "UNAUTHORIZED", message: `token() failed: ${describe(e)}` });
      return;
    }
    if (this.current !== connection) return;
    const url = `${this.httpBase().replace(/^http/, "ws")}/v2/documents/upload/stream`;
    const socket = (this.options.createSocket ?? defaultSocket)(url);
    connection.socket = socket;
    socket.onopen = () => {
      if (this.current === connection) socket.send(JSON.stringify(this.handshake(token)));
    };
    socket.onmessage = (ev) => {
      if (this.current !== connection || typeof ev.data !== "string") return;
      const frame = parse(ev.data);
      if (frame) this.receive(connection, frame);
    };
    socket.onclose = (ev) => {
      if (this.current === connection) this.closed(connection, ev.code, ev.reason);
    };
  }

  private handshake(token: string): Record<string, unknown> {
    const uploadId = this.status.uploadId;
    if (uploadId) return { token, uploadId };
    const { file, documentType, guestId, propertyId } = this.options;
    const h: Record<string, unknown> = {
      token,
      filename: file.name,
      filesize: file.size,
      mimetype: this.options.mimetype ?? file.type,
      documentType,
      guestId,
      propertyId,
    };
    if (this.status.sha256) h.sha256 = this.status.sha256;
    return h;
  }

  private receive(connection: Connection, frame: Frame): void {
    switch (frame.type) {
      case "ready": {
        connection.ready = true;
        this.resumingStored = false;
        this.backoff.connected(this.now());
        this.chunkSize = Math.max(1, Math.min(frame.chunkSize || DEFAULT_CHUNK, this.options.chunkSize ?? Infinity));
        this.window = Math.max(1, Math.min(frame.window || DEFAULT_WINDOW, this.options.window ?? Infinity));
        const pending: PendingUpload = { ...this.fingerprint, uploadId: frame.uploadId, expiresAt: frame.expiresAt };
        this.resumeStore?.remember(pending);
        this.speed.restart();
        this.speed.sample(this.now(), frame.offset);
        this.update({
          uploadId: frame.uploadId,
          acknowledged: frame.offset,
          sent: frame.offset,
          percent: this.percent(frame.offset),
          resumedFrom: frame.offset,
          error: undefined,
          state: this.paused ? "paused" : this.sendingState(frame.offset),
        });
        void this.pump(connection);
        break;
      }
      case "progress":
        this.acknowledge(frame.offset);
        void this.pump(connection);
        break;
      case "complete":
        this.resumeStore?.forget(this.fingerprint);
        this.finish({
          state: "complete",
          result: stripType(frame),
          acknowledged: this.status.size,
          percent: 100,
          etaSeconds: 0,
          sha256: frame.sha256,
        });
        break;
      case "error":
        connection.error = { code: frame.code, message: frame.message };
        if (typeof frame.offset === "number") this.acknowledge(frame.offset, true);
        break;
    }
  }

  private acknowledge(offset: number, fromError = false): void {
    if (!fromError && offset <= this.status.acknowledged) return;
    this.speed.sample(this.now(), offset);
    const remaining = this.status.size - offset;
    this.update({
      acknowledged: offset,
      sent: Math.max(this.status.sent, offset),
      percent: this.percent(offset),
      bytesPerSec: this.paused ? undefined : this.speed.bytesPerSec,
      etaSeconds: this.paused ? undefined : this.speed.etaSeconds(remaining),
    });
  }

  /**
   * Sends chunks while the window allows. One pump runs at a time; it re-checks after every read
   * (a file read is asynchronous) that its connection is still the current one and not paused.
   */
  private async pump(connection: Connection): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.current === connection && connection.ready && !this.paused && !FINAL.has(this.status.state)) {
        const { sent, acknowledged, size } = this.status;
        if (sent >= size) break;
        const end = Math.min(size, sent + this.chunkSize);
        if (sent > acknowledged && end - acknowledged > this.window) break;
        let bytes: ArrayBuffer;
        try {
          bytes = await this.options.file.slice(sent, end).arrayBuffer();
        } catch (e) {
          this.fail({ code: "FILE_UNREADABLE", message: describe(e) });
          return;
        }
        if (this.current !== connection || this.paused || this.status.sent !== sent) continue;
        connection.socket!.send(bytes);
        this.update({ sent: end, state: this.sendingState(end) });
      }
    } finally {
      this.pumping = false;
    }
    // A progress frame that arrived during the last read may have opened the window again.
    if (this.current === connection && this.canSend()) void this.pump(connection);
  }

  private canSend(): boolean {
    const { sent, acknowledged, size } = this.status;
    return !this.paused && this.current?.ready === true && sent < size &&
      (sent === acknowledged || Math.min(size, sent + this.chunkSize) - acknowledged <= this.window);
  }

  private closed(connection: Connection, code: number, reason: string, error?: UploadError): void {
    if (FINAL.has(this.status.state)) return;
    this.current = undefined;
    this.backoff.disconnected(this.now());
    const said = error ?? (connection.error ? { ...connection.error, closeCode: code } : undefined);
    const named = CLOSE_CODES[code]?.name;
    const failure: UploadError = said ?? {
      code: code === 1006 ? "NETWORK" : (named ?? String(code)),
      message: reason || (code === 1006 ? "the connection dropped" : `closed with ${code}`),
      closeCode: code,
    };
    if (!isRetryable(code)) {
      if (code === 4752 && this.resumingStored) {
        // The stored id outlived its session (expired, deleted): this file starts over.
        this.resumingStored = false;
        this.resumeStore?.forget(this.fingerprint);
        this.update({ uploadId: undefined, acknowledged: 0, sent: 0, percent: 0 });
        void this.hashThenConnect();
        return;
      }
      if (code === 4751 || code === 4752) this.resumeStore?.forget(this.fingerprint);
      this.fail({ ...failure, closeCode: code });
      return;
    }
    this.speed.restart();
    // The server stored up to `acknowledged`; the next `ready` says so again.
    this.update({ sent: this.status.acknowledged, reconnects: this.status.reconnects + 1, error: failure });
    if (this.paused) {
      this.update({ state: "paused" });
      return;
    }
    const delay = Math.max(this.backoff.next(), retryHintMs(reason) ?? 0);
    this.update({ state: "reconnecting" });
    this.timer = (this.options.schedule ?? setTimeout)(() => {
      this.timer = undefined;
      if (!this.paused && !FINAL.has(this.status.state)) this.connect();
    }, delay);
  }

  private fail(error: UploadError): void {
    this.finish({ state: "failed", error, bytesPerSec: undefined, etaSeconds: undefined });
  }

  private finish(change: Partial<UploadStatus>): void {
    this.clearTimer();
    const connection = this.current;
    this.current = undefined;
    this.update(change);
    if (connection?.socket && change.state !== "complete") connection.socket.close(1000, "upload ended");
    this.settle(this.status);
  }

  private sendingState(sent = this.status.sent): UploadState {
    return sent >= this.status.size ? "completing" : "uploading";
  }

  private percent(offset: number): number {
    return this.status.size === 0 ? 100 : (offset * 100) / this.status.size;
  }

  private update(change: Partial<UploadStatus>): void {
    this.status = { ...this.status, ...change };
    this.listeners.forEach((l) => l(this.status));
  }

  private httpBase(): string {
    const base = this.options.baseUrl || (typeof location !== "undefined" ? location.origin : "");
    return base.replace(/\/$/, "");
  }

  private clearTimer(): void {
    if (this.timer !== undefined) (this.options.cancel ?? clearTimeout)(this.timer as any);
    this.timer = undefined;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function parse(text: string): Frame | undefined {
  try {
    const frame = JSON.parse(text);
    return frame && typeof frame.type === "string" ? (frame as Frame) : undefined;
  } catch {
    return undefined;
  }
}

function stripType(frame: { type: "complete" } & UploadComplete): UploadComplete {
  const { type: _type, ...result } = frame;
  return result;
}

function defaultStorage(): UploadStorage | null {
  try {
    return typeof localStorage !== "undefined" ? localStorage : null;
  } catch {
    return null; // storage blocked (privacy settings): uploads work, reloads start over
  }
}

function defaultSocket(url: string): UploadSocketLike {
  const socket = new WebSocket(url);
  socket.binaryType = "arraybuffer";
  return socket as unknown as UploadSocketLike;
}
