import { UploadClient, UploadOptions, UploadSocketLike, UploadStatus } from "../src/upload.js";
import { MemoryUploadStorage } from "../src/uploadResume.js";

/** One socket the client opened, with what it sent: the handshake, then binary chunks. */
export interface ScriptedSocket extends UploadSocketLike {
  handshake?: Record<string, unknown>;
  chunks: Uint8Array[];
  closedByClient?: { code?: number; reason?: string };
  /** Plays the server: a frame to the client. */
  frame(msg: Record<string, unknown>): void;
  /** Plays the server: closes the socket. */
  serverClose(code: number, reason?: string): void;
}

/** A file of `size` bytes whose byte i is i mod 251, so any chunk shows where it came from. */
export function patternFile(size: number, name = "passport.png", lastModified = 1_700_000_000_000): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return new File([bytes], name, { type: "image/png", lastModified });
}

/** An upload client against scripted sockets, timers held for the test to run. */
export function scriptedUpload(file: File, options: Partial<UploadOptions> = {}) {
  const sockets: ScriptedSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const states: UploadStatus[] = [];
  const storage = (options.storage as MemoryUploadStorage | undefined) ?? new MemoryUploadStorage();
  const client = new UploadClient({
    baseUrl: "http://bellhop.test",
    token: () => "T",
    file,
    documentType: "passport",
    guestId: "g_1",
    propertyId: "p_1",
    backoff: { baseMs: 10, maxMs: 10, stableMs: 1000, random: () => 0 },
    storage,
    createSocket: () => {
      const s: ScriptedSocket = {
        chunks: [],
        onopen: null,
        onmessage: null,
        onclose: null,
        send(data) {
          if (typeof data === "string") s.handshake = JSON.parse(data);
          else s.chunks.push(new Uint8Array(data));
        },
        close(code, reason) {
          s.closedByClient = { code, reason };
        },
        frame(msg) {
          s.onmessage?.({ data: JSON.stringify(msg) });
        },
        serverClose(code, reason = "") {
          s.onclose?.({ code, reason });
        },
      };
      sockets.push(s);
      queueMicrotask(() => s.onopen?.({}));
      return s;
    },
    schedule: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    cancel: () => {},
    ...options,
  });
  client.onChange((s) => states.push(s));
  /** Lets file reads and socket opens run until `done` holds. */
  const until = async (what: string, done: () => boolean) => {
    for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setImmediate(r));
    if (!done()) throw new Error(`never happened: ${what}`);
  };
  const last = () => sockets.at(-1)!;
  const sentBytes = (s = last()) => s.chunks.reduce((n, c) => n + c.length, 0);
  /** Lets the client run until it has nothing more to do. */
  const idle = async () => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  };
  const ready = (offset: number, extra: Record<string, unknown> = {}) =>
    last().frame({
      type: "ready", uploadId: "up_1", offset, size: file.size, chunkSize: 1024, window: 4096,
      expiresAt: "2999-01-01T00:00:00Z", ...extra,
    });
  return { client, sockets, timers, states, storage, until, last, sentBytes, idle, ready, status: () => client.state };
}
