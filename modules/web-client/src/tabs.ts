/**
 * Leader election between the tabs of one browser, per org: the tab holding the Web Lock
 * `bellhop:<orgId>` runs the connection and relays what it receives over a BroadcastChannel of the
 * same name. A closed tab releases its lock at once, so the next tab in the lock's queue leads. A
 * hung leader (a long task, a paused debugger, a frozen page) keeps its lock but stops answering:
 * a follower that hears nothing for `silenceMs` probes, and when the probe goes unanswered for
 * `probeMs` it steals the lock. The old leader learns it lost the lock from its rejected lock
 * request as soon as it runs again, and only then; a message from the new leader that it handles
 * first is not taken as proof, so a waking tab never knocks out the tab that replaced it.
 */

/** The parts of navigator.locks this uses; injectable for tests. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((ev: { data: any }) => void) | null;
  close(): void;
}

export interface TabTiming {
  /** Leader silence after which a follower probes it. */
  silenceMs: number;
  /** How long an unanswered probe waits before the follower steals the lock. */
  probeMs: number;
}

export const DEFAULT_TAB_TIMING: TabTiming = { silenceMs: 2000, probeMs: 1000 };

export interface TabHooks {
  /** This tab now holds the lock and should connect. */
  lead(): void;
  /** This tab lost the lock (stolen, or stopping) and must drop its connection. */
  follow(): void;
  /** A message the leader relayed. */
  message(data: any): void;
  /** The leader's answer to a newcomer's hello: what it knows now. */
  snapshot(): any;
  /** Leader only: a follower's request (see `request`). */
  request?(data: any): void;
}

type Wire =
  | { kind: "hello"; from: string }
  | { kind: "probe"; from: string }
  | { kind: "alive"; from: string }
  | { kind: "relay"; from: string; data: any }
  | { kind: "request"; from: string; data: any };

export class TabGroup {
  readonly id = Math.random().toString(36).slice(2, 10);
  /** The granted request while this tab leads. */
  private held: AbortController | undefined;
  private joined = false;
  private queued: AbortController | undefined;
  private release: (() => void) | undefined;
  private lastHeard = 0;
  private probedAt: number | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly name: string,
    private readonly locks: LockManagerLike,
    private readonly channel: ChannelLike,
    private readonly hooks: TabHooks,
    private readonly timing: TabTiming = DEFAULT_TAB_TIMING,
    private readonly now: () => number = Date.now,
  ) {
    channel.onmessage = (ev) => this.receive(ev.data as Wire);
  }

  get isLeader(): boolean {
    return this.held !== undefined;
  }

  join(): void {
    if (this.joined) return;
    this.joined = true;
    this.lastHeard = this.now();
    this.queue(false);
    this.post({ kind: "hello", from: this.id });
    this.watchdog = setInterval(() => this.check(), Math.max(100, this.timing.probeMs / 2));
  }

  leave(): void {
    if (!this.joined) return;
    this.joined = false;
    clearInterval(this.watchdog);
    this.queued?.abort();
    this.stepDown();
  }

  /** Leader only: sends data to every follower. */
  relay(data: any): void {
    if (this.held) this.post({ kind: "relay", from: this.id, data });
  }

  /**
   * Follower only: sends data to the leader (e.g. a frame to send on its connection). Lost when
   * no tab leads at that moment: a caller that must not lose it sends it again to the next leader.
   */
  request(data: any): void {
    if (this.joined && !this.held) this.post({ kind: "request", from: this.id, data });
  }

  close(): void {
    this.leave();
    this.channel.close();
  }

  private queue(steal: boolean): void {
    this.queued?.abort();
    const request = new AbortController();
    this.queued = request;
    // A steal cannot carry an abort signal (Web Locks spec); it is granted at once anyway.
    const options = steal ? { steal: true } : { signal: request.signal };
    this.locks
      .request(this.name, options, () => {
        if (!this.joined || request.signal.aborted) return Promise.resolve();
        this.queued = undefined;
        this.held = request;
        this.probedAt = undefined;
        this.hooks.lead();
        return new Promise<void>((resolve) => (this.release = resolve));
      })
      .catch(() => {
        // Aborted while queued, or stolen by a tab that found this one unresponsive.
      })
      .finally(() => {
        if (this.queued === request) this.queued = undefined;
        if (this.held === request) this.stepDown();
        if (this.joined && !this.queued && !this.held) this.queue(false);
      });
  }

  private stepDown(): void {
    if (!this.held) return;
    this.held = undefined;
    const release = this.release;
    this.release = undefined;
    this.hooks.follow();
    release?.();
    this.lastHeard = this.now();
  }

  private receive(msg: Wire): void {
    if (!msg || msg.from === this.id) return;
    switch (msg.kind) {
      case "hello":
        if (this.held) this.relay(this.hooks.snapshot());
        break;
      case "probe":
        if (this.held) this.post({ kind: "alive", from: this.id });
        break;
      case "request":
        if (this.held) this.hooks.request?.(msg.data);
        break;
      case "alive":
      case "relay":
        this.lastHeard = this.now();
        this.probedAt = undefined;
        if (msg.kind === "relay") this.hooks.message(msg.data);
        break;
    }
  }

  private check(): void {
    if (!this.joined || this.held) return;
    const now = this.now();
    if (this.probedAt !== undefined) {
      if (now - this.probedAt >= this.timing.probeMs) {
        this.probedAt = undefined;
        this.queue(true);
      }
    } else if (now - this.lastHeard >= this.timing.silenceMs) {
      this.probedAt = now;
      this.post({ kind: "probe", from: this.id });
    }
  }

  private post(msg: Wire): void {
    this.channel.postMessage(msg);
  }
}
