/**
 * A private Bellhop stack for the browser tests and benchmarks: nats-server (JetStream) and
 * PostgreSQL in temp dirs on random loopback ports, Bellhop nodes from the app jar, Debian's
 * Chromium through playwright-core, and a TCP proxy that can refuse WebSocket upgrades, strip
 * permessage-deflate and count the bytes it carries. Everything started here is stopped by
 * `stop()` (and on process exit).
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, chownSync, openSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, Browser } from "playwright-core";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && (value as unknown) !== false) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

function which(name: string, extra: string[]): string {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...extra]) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found (run infra/deps.sh)`);
}

/** A process with its own log file; killed on stop. */
class Managed {
  constructor(readonly child: ChildProcess, readonly log: string) {}
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (this.alive) this.child.kill("SIGKILL");
  }
}

function launch(cmd: string, args: string[], log: string, env: NodeJS.ProcessEnv = process.env): Managed {
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { stdio: ["ignore", fd, fd], env });
  return new Managed(child, log);
}

export interface AppOptions {
  env?: Record<string, string>;
}

/** One Bellhop node: the app jar with its own port, sharing the stack's NATS and PostgreSQL. */
export class AppNode {
  private process: Managed | undefined;
  private readonly tokens = new Map<string, string>();
  constructor(
    private readonly stack: Stack,
    readonly port: number,
    private readonly options: AppOptions,
    readonly log: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const env = {
      ...process.env,
      MICRONAUT_SERVER_PORT: String(this.port),
      MICRONAUT_SERVER_HOST: "127.0.0.1",
      NATS_ADDRESSES: this.stack.natsUrl,
      JDBC_URL: this.stack.jdbcUrl,
      JDBC_USER: "postgres",
      ...this.options.env,
    };
    this.process = launch("java", ["-XX:+UseSerialGC", "-Xss512k", "-jar", this.stack.appJar()], this.log, env);
    await waitFor(`Bellhop on ${this.url} (log ${this.log})`, async () => {
      if (!this.process?.alive) throw new Error(`exited, see ${this.log}`);
      const res = await fetch(`${this.url}/health`);
      return res.ok || undefined;
    }, 120_000);
  }

  /** SIGKILL: no drain, no close frames, the way a crashed node goes. */
  async kill(): Promise<void> {
    await this.process?.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.process?.kill("SIGTERM");
  }

  /** A dev token (valid for an hour), minted once per org, roles and user. */
  async token(orgId: string, roles: string, sub = "e2e-user"): Promise<string> {
    const key = `${orgId}|${roles}|${sub}`;
    let token = this.tokens.get(key);
    if (!token) {
      const res = await fetch(`${this.url}/dev/token?sub=${sub}&orgId=${orgId}&roles=${roles}`);
      if (!res.ok) throw new Error(`/dev/token: HTTP ${res.status}`);
      token = ((await res.json()) as { token: string }).token;
      this.tokens.set(key, token);
    }
    return token;
  }

  /** Publishes events through the HTTP API; resolves once they are durable. */
  async publish(orgId: string, events: Record<string, unknown>[]): Promise<number[]> {
    const token = await this.token(orgId, "publisher", "e2e-publisher");
    const res = await fetch(`${this.url}/v2/realtime/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(events.map((e) => ({ orgId, ...e }))),
    });
    if (!res.ok) throw new Error(`publish: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { seqs: number[] }).seqs;
  }

  async metrics(): Promise<{ activeConnections: number; [k: string]: unknown }> {
    const token = await this.token("org-ops", "ops", "e2e-ops");
    const res = await fetch(`${this.url}/v2/realtime/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`metrics: HTTP ${res.status}`);
    return (await res.json()) as { activeConnections: number };
  }
}

function builtJar(): string {
  if (process.env.BELLHOP_APP_JAR) return process.env.BELLHOP_APP_JAR;
  const dir = path.join(REPO, "app/target");
  const jar = existsSync(dir) ? readdirSync(dir).find((f) => /^bellhop-app-.*\.jar$/.test(f)) : undefined;
  if (!jar) throw new Error("no app/target/bellhop-app-*.jar: build first (./mvnw -B package)");
  return path.join(dir, jar);
}

export interface ProxyOptions {
  refuseWebSocket?: boolean;
  stripDeflate?: boolean;
}

/**
 * A TCP proxy in front of a node. Sees each connection's first request head: refuses WebSocket
 * upgrades (as some corporate proxies do) or removes the permessage-deflate offer; counts the
 * bytes sent to the browser on WebSocket connections.
 */
export class Proxy {
  webSocketBytesDown = 0;
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  port = 0;

  constructor(private readonly targetPort: number, private readonly options: ProxyOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private offline = false;

  /** Cuts every open connection, like a network blip. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Offline: every open connection is cut and new ones are reset until it is switched back. */
  setOffline(offline: boolean): void {
    this.offline = offline;
    if (offline) this.dropAll();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server?.close(r));
  }

  private accept(client: net.Socket): void {
    if (this.offline) {
      client.resetAndDestroy();
      return;
    }
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      this.forward(client, head);
    };
    client.on("data", onData);
  }

  private forward(client: net.Socket, head: Buffer): void {
    const end = head.indexOf("\r\n\r\n");
    let text = head.subarray(0, end).toString("latin1");
    const isWebSocket = /^upgrade:\s*websocket/im.test(text);
    if (isWebSocket && this.options.refuseWebSocket) {
      client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    if (isWebSocket && this.options.stripDeflate) {
      text = text
        .split("\r\n")
        .filter((line) => !/^sec-websocket-extensions:/i.test(line))
        .join("\r\n");
    }
    const upstream = net.connect(this.targetPort, "127.0.0.1");
    this.sockets.add(upstream);
    upstream.on("close", () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    upstream.write(Buffer.concat([Buffer.from(text, "latin1"), head.subarray(end)]));
    upstream.on("data", (d: Buffer) => {
      if (isWebSocket) this.webSocketBytesDown += d.length;
      client.write(d);
    });
    client.on("data", (d: Buffer) => upstream.write(d));
  }
}

/** NATS + PostgreSQL + the nodes and browser of one test run. */
export class Stack {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "bellhop-e2e-"));
  natsUrl = "";
  jdbcUrl = "";
  private readonly processes: Managed[] = [];
  private readonly nodes: AppNode[] = [];
  private readonly proxies: Proxy[] = [];
  private pgData = "";
  private pgBin = "";
  private browser: Browser | undefined;

  private jar = "";

  /**
   * The app jar, copied into this stack's directory on first use: a build that rewrites
   * app/target meanwhile must not pull classes out from under running nodes (as for infra/run).
   */
  appJar(): string {
    if (!this.jar) {
      this.jar = path.join(this.dir, "bellhop-app.jar");
      copyFileSync(builtJar(), this.jar);
    }
    return this.jar;
  }

  static async start(): Promise<Stack> {
    const stack = new Stack();
    process.once("exit", () => stack.killAll());
    await Promise.all([stack.startNats(), stack.startPostgres()]);
    return stack;
  }

  async node(options: AppOptions = {}): Promise<AppNode> {
    const node = new AppNode(this, await freePort(), options, path.join(this.dir, `app-${this.nodes.length + 1}.log`));
    this.nodes.push(node);
    await node.start();
    return node;
  }

  async proxy(target: AppNode, options: ProxyOptions): Promise<Proxy> {
    const proxy = new Proxy(target.port, options);
    await proxy.start();
    this.proxies.push(proxy);
    return proxy;
  }

  async chromium(): Promise<Browser> {
    this.browser ??= await chromium.launch({
      executablePath: process.env.BELLHOP_CHROMIUM ?? which("chromium", ["/usr/bin"]),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    return this.browser;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => {});
    for (const p of this.proxies) await p.stop();
    for (const n of this.nodes) await n.stop();
    this.stopPostgres();
    for (const p of this.processes) await p.kill();
    if (!process.env.BELLHOP_KEEP_E2E_DIR) rmSync(this.dir, { recursive: true, force: true });
  }

  private killAll(): void {
    for (const p of this.processes) if (p.alive) p.child.kill("SIGKILL");
    this.stopPostgres();
  }

  private async startNats(): Promise<void> {
    const port = await freePort();
    const nats = which("nats-server", ["/usr/sbin", "/usr/bin"]);
    const store = path.join(this.dir, "nats");
    this.processes.push(
      launch(nats, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store], path.join(this.dir, "nats.log")),
    );
    this.natsUrl = `nats://127.0.0.1:${port}`;
    await waitFor("nats-server", () => canConnect(port), 30_000);
  }

  /** PostgreSQL refuses to run as root: then the cluster belongs to `postgres` (runuser). */
  private async startPostgres(): Promise<void> {
    this.pgBin = pgBinDir();
    const port = await freePort();
    const pgDir = path.join(this.dir, "pg");
    this.pgData = path.join(pgDir, "data");
    execFileSync("mkdir", ["-p", pgDir]);
    if (isRoot()) {
      const uid = Number(execFileSync("id", ["-u", "postgres"]));
      const gid = Number(execFileSync("id", ["-g", "postgres"]));
      chownSync(this.dir, uid, gid);
      chownSync(pgDir, uid, gid);
    }
    this.asPostgres(path.join(this.pgBin, "initdb"), ["-D", this.pgData, "-A", "trust", "-U", "postgres", "-E", "UTF8"]);
    this.asPostgres(path.join(this.pgBin, "pg_ctl"), [
      "-D", this.pgData, "-l", path.join(pgDir, "postgres.log"), "-w", "-t", "30",
      "-o", `-p ${port} -h 127.0.0.1 -k ${pgDir} -c fsync=off`, "start",
    ]);
    this.asPostgres(path.join(this.pgBin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "bellhop"]);
    this.jdbcUrl = `jdbc:postgresql://127.0.0.1:${port}/bellhop`;
  }

  private stopPostgres(): void {
    if (!this.pgData) return;
    const data = this.pgData;
    this.pgData = "";
    try {
      this.asPostgres(path.join(this.pgBin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already gone
    }
  }

  private asPostgres(cmd: string, args: string[]): void {
    const [bin, all] = isRoot() ? [which("runuser", ["/usr/sbin", "/sbin"]), ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
    execFileSync(bin, all, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function pgBinDir(): string {
  if (process.env.BELLHOP_PG_BIN) return process.env.BELLHOP_PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const bin = path.join(root, v, "bin");
    if (existsSync(path.join(bin, "pg_ctl"))) return bin;
  }
  return path.dirname(which("pg_ctl", []));
}

function canConnect(port: number): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(undefined));
  });
}
