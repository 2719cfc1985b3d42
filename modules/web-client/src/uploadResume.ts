/**
 * Where an unfinished upload's id waits for the page to come back. A browser cannot reopen a file
 * after a reload, so the person picks it again; the same file for the same guest and document type
 * (its fingerprint) finds the id and the upload resumes where the server stopped storing.
 */
import type { DocumentType } from "./documents.js";

/** The part of Web Storage used here (localStorage in browsers: it outlives the tab). */
export type UploadStorage = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/** What identifies "the same upload" across a reload. */
export interface UploadFingerprint {
  name: string;
  size: number;
  lastModified: number;
  documentType: DocumentType;
  guestId: string;
}

/** One unfinished upload as stored. */
export interface PendingUpload extends UploadFingerprint {
  uploadId: string;
  /** When the server forgets it (ISO 8601, from `ready.expiresAt`). */
  expiresAt?: string;
}

const PREFIX = "bellhop.upload.";

function key(f: UploadFingerprint): string {
  return PREFIX + JSON.stringify([f.name, f.size, f.lastModified, f.documentType, f.guestId]);
}

function expired(p: PendingUpload, now: number): boolean {
  return p.expiresAt !== undefined && Date.parse(p.expiresAt) <= now;
}

export class UploadResumeStore {
  constructor(
    private readonly storage: UploadStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored upload of this fingerprint, unless it has expired (then it is forgotten). */
  find(f: UploadFingerprint): PendingUpload | undefined {
    const p = this.read(key(f));
    if (p && expired(p, this.now())) {
      this.forget(f);
      return undefined;
    }
    return p;
  }

  remember(p: PendingUpload): void {
    try {
      this.storage.setItem(key(p), JSON.stringify(p));
    } catch {
      // Storage full or disabled: the upload works, only a reload cannot resume it.
    }
  }

  forget(f: UploadFingerprint): void {
    this.storage.removeItem(key(f));
  }

  /** Every unexpired unfinished upload, e.g. to offer "pick passport.png again to resume". */
  pending(): PendingUpload[] {
    const all: PendingUpload[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      const p = k?.startsWith(PREFIX) ? this.read(k) : undefined;
      if (p && !expired(p, this.now())) all.push(p);
    }
    return all;
  }

  private read(k: string): PendingUpload | undefined {
    const raw = this.storage.getItem(k);
    if (!raw) return undefined;
    try {
      const p = JSON.parse(raw) as PendingUpload;
      return typeof p.uploadId === "string" ? p : undefined;
    } catch {
      return undefined;
    }
  }
}

/** A Web Storage stand-in for tests and runtimes without one. */
export class MemoryUploadStorage implements UploadStorage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, value: string): void {
    this.items.set(k, value);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}
