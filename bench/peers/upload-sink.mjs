// The upload peer: a bare Node `ws` server (bufferutil installed, so masking runs native) that
// takes one file per socket in Bellhop's upload protocol — handshake, `ready`, binary frames,
// `progress` after every commit unit, `complete` — writing it to disk with a running SHA-256.
// What it does not do that Bellhop does: keep a session in PostgreSQL, resume, sniff the type; and
// unless --fsync-each, fsync each unit before acknowledging it (by default it fsyncs once, at the
// end, so an acknowledged byte may be lost to a crash).
//   node upload-sink.mjs --port 18092 --dir /tmp/sink [--window 4194304] [--commit 1048576] [--fsync-each]
import { WebSocketServer } from "ws";
import { createHash, randomUUID } from "node:crypto";
import { openSync, writeSync, fsyncSync, closeSync, unlinkSync } from "node:fs";
import { join } from "node:path";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const port = Number(args.port ?? 18092);
const dir = args.dir ?? "/tmp";
const window = Number(args.window ?? 4 * 1024 * 1024);
const commit = Number(args.commit ?? 1024 * 1024);
const chunkSize = 64 * 1024;
const fsyncEach = process.argv.includes("--fsync-each");

const wss = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
wss.on("connection", (ws) => {
  let upload = null;
  ws.on("message", (data, isBinary) => {
    if (!upload) {
      const h = JSON.parse(data.toString());
      const id = "peer_" + randomUUID();
      const path = join(dir, id);
      upload = { id, path, fd: openSync(path, "w"), size: h.filesize, offset: 0, sinceAck: 0, hash: createHash("sha256"), started: process.hrtime.bigint() };
      ws.send(JSON.stringify({ type: "ready", uploadId: id, offset: 0, size: h.filesize, chunkSize, window }));
      return;
    }
    if (!isBinary) return;
    writeSync(upload.fd, data);
    upload.hash.update(data);
    upload.offset += data.length;
    upload.sinceAck += data.length;
    if (upload.offset === upload.size) {
      fsyncSync(upload.fd);
      closeSync(upload.fd);
      const sha256 = upload.hash.digest("hex");
      ws.send(JSON.stringify({ type: "progress", offset: upload.offset }));
      ws.send(JSON.stringify({ type: "complete", fileId: upload.id, sha256, size: upload.size }));
      unlinkSync(upload.path);
      ws.close(1000, "complete");
    } else if (upload.sinceAck >= commit) {
      upload.sinceAck = 0;
      if (fsyncEach) fsyncSync(upload.fd);
      ws.send(JSON.stringify({ type: "progress", offset: upload.offset }));
    }
  });
  ws.on("error", () => {});
});
wss.on("listening", () => console.log(`upload sink listening on 127.0.0.1:${port}`));
