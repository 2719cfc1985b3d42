/**
 * The peer of the tus benchmark: @tus/server with @tus/file-store, as its own process (so it does
 * not share an event loop with the measuring client). Like Bellhop it checks the SHA-256 the client
 * declared (metadata `sha256`) before it answers the last PATCH: @tus/server has no streaming hook,
 * so it reads the finished file back (from the page cache) in `onUploadFinish`. Unlike Bellhop's
 * store, the file store does not fsync.
 *
 *   node dist/e2e/tus-peer.js <port> <directory>
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import http from "node:http";
import path from "node:path";
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";

const [port, directory] = [Number(process.argv[2]), process.argv[3]];

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const tus = new Server({
  path: "/files",
  datastore: new FileStore({ directory }),
  onUploadFinish: async (_req, upload) => {
    const declared = upload.metadata?.sha256;
    if (declared && declared !== (await sha256Of(path.join(directory, upload.id)))) {
      return { status_code: 460, body: "checksum mismatch\n" };
    }
    return {};
  },
});

http
  .createServer((req, res) => void tus.handle(req, res))
  .listen(port, "127.0.0.1", () => process.stdout.write(`listening ${port}\n`));
