/**
 * How fast the client's TypeScript SHA-256 hashes (the `hashing` phase before an upload), next to
 * Node's native one: 64 MiB of random bytes in 1 MiB updates, as UploadClient reads a file.
 * `node dist/e2e/hashbench.js`; figures in docs/uploads.md ("## Browser").
 */
import { createHash, randomBytes } from "node:crypto";
import { Sha256 } from "../src/sha256.js";

const MIB = 1 << 20;
const data = randomBytes(64 * MIB);
for (let round = 1; round <= 5; round++) {
  const start = performance.now();
  const hash = new Sha256();
  for (let at = 0; at < data.length; at += MIB) hash.update(data.subarray(at, at + MIB));
  const hex = hash.hex();
  const ours = performance.now() - start;
  const nativeStart = performance.now();
  const native = createHash("sha256").update(data).digest("hex");
  const theirs = performance.now() - nativeStart;
  const rate = (ms: number) => `${Math.round(64 / (ms / 1000))} MiB/s`;
  if (hex !== native) throw new Error("digests differ");
  console.log(`round ${round}: TypeScript ${rate(ours)}, node:crypto ${rate(theirs)}`);
}
