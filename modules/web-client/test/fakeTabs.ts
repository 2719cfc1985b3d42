import { ChannelLike, LockManagerLike } from "../src/tabs.js";

/** One exclusive lock with a FIFO queue, abort signals and steal: the Web Locks semantics used. */
export class FakeLocks implements LockManagerLike {
  private holder: { release: () => void; reject: (e: Error) => void } | undefined;
  private readonly waiting: { grant: () => void; signal?: AbortSignal }[] = [];

  request(_name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: (l: unknown) => Promise<void>) {
    return new Promise<unknown>((resolve, reject) => {
      const grant = () => {
        let settled = false;
        this.holder = {
          release: () => {},
          reject: (e) => {
            settled = true;
            reject(e);
          },
        };
        const mine = this.holder;
        callback({}).then(() => {
          if (this.holder === mine) this.next();
          if (!settled) resolve(undefined);
        });
      };
      if (options.steal) {
        this.holder?.reject(new Error("AbortError"));
        this.holder = undefined;
        grant();
      } else if (!this.holder) {
        grant();
      } else {
        const entry = { grant, signal: options.signal };
        this.waiting.push(entry);
        options.signal?.addEventListener("abort", () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new Error("AbortError"));
        });
      }
    });
  }

  private next() {
    this.holder = undefined;
    this.waiting.shift()?.grant();
  }
}

/** BroadcastChannel semantics: delivered asynchronously to every other member. */
export class Bus {
  readonly members = new Set<ChannelLike>();
  frozen = new Set<ChannelLike>();
  channel(): ChannelLike {
    const bus = this;
    const ch: ChannelLike = {
      onmessage: null,
      postMessage(data) {
        if (bus.frozen.has(ch)) return;
        for (const m of bus.members) if (m !== ch && !bus.frozen.has(m)) setTimeout(() => m.onmessage?.({ data }), 0);
      },
      close() {
        bus.members.delete(ch);
      },
    };
    this.members.add(ch);
    return ch;
  }
}

