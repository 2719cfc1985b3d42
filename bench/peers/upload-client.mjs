// Uploads one file N times over Bellhop's upload socket protocol (or the peer's, which speaks it),
// C uploads at a time, each keeping at most `window` bytes unacknowledged as `ready` says, 64 KiB
// binary frames read from disk as they go (never the whole file in memory). Prints one JSON line:
// per-upload milliseconds, aggregate MiB/s, and whether every `complete` carried the file's SHA-256.
//   node upload-client.mjs --url ws://127.0.0.1:8080/v2/documents/upload/stream --file F
//        --sha256 HEX --token JWT [--count 1] [--concurrency 1] [--timeout-s 600]
import WebSocket from "ws";
import { openSync, readSync, closeSync, statSync } from "node:fs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const url = args.url;
const file = args.file;
const sha256 = args.sha256;
const token = args.token ?? "";
const count = Number(args.count ?? 1);
const concurrency = Number(args.concurrency ?? 1);
const timeoutMs = Number(args["timeout-s"] ?? 600) * 1000;
const size = statSync(file).size;
const CHUNK = 64 * 1024;

function uploadOnce(n) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const fd = openSync(file, "r");
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 20 });
    let sent = 0;
    let acked = 0;
    let window = 0;
    let done = false;
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      closeSync(fd);
      ws.terminate();
      resolve({ n, ms: Number(process.hrtime.bigint() - started) / 1e6, ...result });
    };
    const timer = setTimeout(() => finish({ ok: false, error: "timeout" }), timeoutMs);
    const pump = () => {
      while (sent < size && sent - acked < window) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - sent));
        readSync(fd, buf, 0, buf.length, sent);
        ws.send(buf, { binary: true });
        sent += buf.length;
      }
    };
    ws.on("open", () =>
      ws.send(
        JSON.stringify({
          token,
          filename: "bench.png",
          filesize: size,
          mimetype: "image/png",
          documentType: "photo",
          guestId: "g_bench",
          propertyId: "p_1",
          sha256,
        }),
      ),
    );
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === "ready") {
        window = m.window;
        sent = acked = m.offset;
        pump();
      } else if (m.type === "progress") {
        acked = m.offset;
        pump();
      } else if (m.type === "complete") {
        finish({ ok: m.sha256 === sha256, sha256: m.sha256 });
      } else if (m.type === "error") {
        finish({ ok: false, error: m.code + ": " + m.message });
      }
    });
    ws.on("close", (code) => finish({ ok: false, error: "closed " + code }));
    ws.on("error", (e) => finish({ ok: false, error: String(e) }));
  });
}

const started = process.hrtime.bigint();
const results = [];
let next = 0;
async function lane() {
  while (next < count) {
    results.push(await uploadOnce(next++));
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const times = results.map((r) => r.ms).sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
const ok = results.filter((r) => r.ok).length;
console.log(
  JSON.stringify({
    uploads: count,
    concurrency,
    bytesEach: size,
    ok,
    corrupt: results.filter((r) => !r.ok && r.sha256).length,
    failed: results.filter((r) => !r.ok).map((r) => r.error).slice(0, 5),
    seconds: +seconds.toFixed(3),
    aggregateMiBps: +((ok * size) / 1048576 / seconds).toFixed(1),
    p50ms: +pct(50).toFixed(1),
    p99ms: +pct(99).toFixed(1),
  }),
);
