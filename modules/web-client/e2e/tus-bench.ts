/**
 * The tus benchmark: one file of random bytes with its SHA-256 declared, uploaded on loopback by
 * tus-js-client from Node (unchanged) to a Bellhop node's tus endpoint (which hashes while it
 * streams and fsyncs every window) and to @tus/server with its file store (the peer, tus-peer.ts,
 * which hashes the finished file), alternating targets, a few runs each, in one run of this
 * script. Time is from start() to onSuccess; MiB/s = file size / time. One warm-up upload per
 * target is not counted.
 *
 * With --heap-mib H, also one upload of --heap-file-mib (1024) in one PATCH to a second node whose
 * heap is capped at H MiB (-Xmx): it completes only if the body is streamed, not buffered.
 *
 * Usage (from modules/web-client, after an app build; infra/bench/uploads/tus.sh does all of it):
 *   node dist/e2e/tus-bench.js [--runs 3] [--size-mib 200] [--chunk-mib 0 (one PATCH)]
 *                              [--heap-mib 0 (off)] [--heap-file-mib 1024]
 * Prints a Markdown report and writes it to bench/results/tus-<timestamp>.md.
 */
import { ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as tus from "tus-js-client";
import { freePort, Stack, waitFor } from "./stack.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../../..");
const MiB = 1024 * 1024;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg("runs", 3);
const SIZE = arg("size-mib", 200) * MiB;
const CHUNK = arg("chunk-mib", 0) * MiB || Infinity;
const HEAP_MIB = arg("heap-mib", 0);
const HEAP_FILE = arg("heap-file-mib", 1024) * MiB;

type UploadSource = ConstructorParameters<typeof tus.Upload>[0];

interface Target {
  name: string;
  endpoint: string;
  headers: Record<string, string>;
}

/** One upload from start() to onSuccess, in seconds. */
function upload(target: Target, file: string, sha256: string, chunkSize = CHUNK): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const u = new tus.Upload(createReadStream(file) as unknown as UploadSource, {
      endpoint: target.endpoint,
      chunkSize,
      retryDelays: [],
      headers: target.headers,
      metadata: {
        filename: "bench.jpg",
        filetype: "image/jpeg",
        documentType: "photo",
        guestId: "g_bench",
        propertyId: "p_bench",
        sha256,
      },
      onSuccess: () => resolve(Number(process.hrtime.bigint() - started) / 1e9),
      onError: reject,
    });
    u.start();
  });
}

async function writeRandomFile(file: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const out = createWriteStream(file);
  for (let at = 0; at < size; at += 4 * MiB) {
    const block = randomBytes(Math.min(4 * MiB, size - at));
    if (at === 0) Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(block);
    hash.update(block);
    if (!out.write(block)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return hash.digest("hex");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const stack = await Stack.start();
  let peer: ChildProcess | undefined;
  try {
    const node = await stack.node({
      env: {
        BELLHOP_UPLOADS_MAX_SIZE: String(SIZE),
        BELLHOP_UPLOADS_STORAGE_DIRECTORY: path.join(stack.dir, "uploads"),
      },
    });
    const peerPort = await freePort();
    const peerDir = path.join(stack.dir, "peer");
    mkdirSync(peerDir, { recursive: true });
    peer = spawn(process.execPath, [path.join(HERE, "tus-peer.js"), String(peerPort), peerDir], { stdio: ["ignore", "pipe", "inherit"] });
    let peerOut = "";
    peer.stdout!.on("data", (d: Buffer) => (peerOut += d.toString()));
    await waitFor("the @tus/server peer", async () => peerOut.includes("listening") || undefined, 30_000);

    const token = await node.token("org-bench-tus", "org_admin", "bench-tus");
    const targets: Target[] = [
      { name: "Bellhop tus endpoint", endpoint: `${node.url}/v2/documents/tus/`, headers: { Authorization: `Bearer ${token}` } },
      { name: "@tus/server + file store (peer)", endpoint: `http://127.0.0.1:${peerPort}/files`, headers: {} },
    ];
    const file = path.join(stack.dir, "bench.bin");
    const sha256 = await writeRandomFile(file, SIZE);

    const seconds = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (const t of targets) await upload(t, file, sha256); // warm-up, not counted
    for (let run = 0; run < RUNS; run++) {
      for (const t of run % 2 ? [...targets].reverse() : targets) {
        const s = await upload(t, file, sha256);
        seconds.get(t.name)!.push(s);
        process.stderr.write(`${t.name}: ${(SIZE / MiB / s).toFixed(0)} MiB/s\n`);
      }
    }

    let heapLine = "";
    if (HEAP_MIB > 0) {
      const small = await stack.node({
        env: {
          JAVA_TOOL_OPTIONS: `-Xmx${HEAP_MIB}m`,
          BELLHOP_UPLOADS_MAX_SIZE: String(HEAP_FILE),
          BELLHOP_UPLOADS_STORAGE_DIRECTORY: path.join(stack.dir, "uploads-small-heap"),
        },
      });
      const big = path.join(stack.dir, "big.bin");
      const bigSha = await writeRandomFile(big, HEAP_FILE);
      const smallToken = await small.token("org-bench-tus", "org_admin", "bench-tus");
      const s = await upload(
        { name: "small heap", endpoint: `${small.url}/v2/documents/tus/`, headers: { Authorization: `Bearer ${smallToken}` } },
        big,
        bigSha,
        Infinity,
      );
      heapLine = `One ${HEAP_FILE / MiB} MiB upload in one PATCH to a node started with -Xmx${HEAP_MIB}m: completed, SHA-256 checked, ${(HEAP_FILE / MiB / s).toFixed(0)} MiB/s.\n`;
      process.stderr.write(heapLine);
    }

    const chunk = CHUNK === Infinity ? "one PATCH per file" : `${CHUNK / MiB} MiB PATCHes`;
    const lines = [
      `### tus: ${SIZE / MiB} MiB with SHA-256, tus-js-client 4.3.1 from Node, loopback, ${chunk}`,
      "",
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${RUNS} runs per target after one warm-up each, targets alternating.`,
      "",
      "| target | MiB/s, each run | median MiB/s |",
      "|---|---|---|",
      ...targets.map((t) => {
        const rates = seconds.get(t.name)!.map((s) => SIZE / MiB / s);
        return `| ${t.name} | ${rates.map((r) => r.toFixed(0)).join(", ")} | ${median(rates).toFixed(0)} |`;
      }),
      "",
      heapLine,
    ];
    const report = lines.join("\n");
    process.stdout.write(report + "\n");
    const results = path.join(REPO, "bench/results");
    mkdirSync(results, { recursive: true });
    const out = path.join(results, `tus-${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
    writeFileSync(out, report);
    process.stderr.write(`written to ${out}\n`);
  } finally {
    peer?.kill("SIGTERM");
    await stack.stop();
  }
}

await main();
