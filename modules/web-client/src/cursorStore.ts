/** A resume position: the last seq handled plus the epoch of the log it belongs to. */
export interface Cursor {
  seq: number;
  epoch: string;
}

/** Where the client keeps its cursor per org, so a reload or another tab resumes from it. */
export interface CursorStore {
  load(orgId: string): Cursor | undefined;
  save(orgId: string, cursor: Cursor): void;
}

/** Keeps cursors in a Web Storage area (sessionStorage by default in browsers). */
export class StorageCursorStore implements CursorStore {
  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem">,
    private readonly prefix = "bellhop.cursor.",
  ) {}

  load(orgId: string): Cursor | undefined {
    const raw = this.storage.getItem(this.prefix + orgId);
    if (!raw) return undefined;
    try {
      const c = JSON.parse(raw) as Cursor;
      return typeof c.seq === "number" && typeof c.epoch === "string" ? c : undefined;
    } catch {
      return undefined;
    }
  }

  save(orgId: string, cursor: Cursor): void {
    const current = this.load(orgId);
    // Cursors only move forward within an epoch.
    if (current && current.epoch === cursor.epoch && current.seq >= cursor.seq) return;
    this.storage.setItem(this.prefix + orgId, JSON.stringify(cursor));
  }
}

/** For tests and non-browser use. */
export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, Cursor>();

  load(orgId: string): Cursor | undefined {
    return this.cursors.get(orgId);
  }

  save(orgId: string, cursor: Cursor): void {
    const current = this.cursors.get(orgId);
    if (current && current.epoch === cursor.epoch && current.seq >= cursor.seq) return;
    this.cursors.set(orgId, cursor);
  }
}
