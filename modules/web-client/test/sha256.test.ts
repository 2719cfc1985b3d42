import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Sha256, sha256OfBlob } from "../src/sha256.js";

const text = (s: string) => new TextEncoder().encode(s);

test("SHA-256 gives the FIPS 180-4 / NIST test vectors", () => {
  const vectors: [Uint8Array, string][] = [
    [text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    [text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    [
      text("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    ],
    [new Uint8Array(1_000_000).fill(0x61), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
  ];
  for (const [input, want] of vectors) assert.equal(new Sha256().update(input).hex(), want, `${input.length} bytes`);
});

test("SHA-256 over random data in random pieces equals Node's crypto", () => {
  // Lengths around the 55/56/64-byte padding edges, then larger ones.
  const lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_536, 300_001];
  for (const length of lengths) {
    const data = randomBytes(length);
    const hash = new Sha256();
    for (let at = 0; at < length; ) {
      const piece = Math.min(length - at, 1 + Math.floor(Math.random() * 200));
      // Views into a larger buffer, as a slice of a file read would be.
      hash.update(new Uint8Array(data.buffer, data.byteOffset + at, piece));
      at += piece;
    }
    assert.equal(hash.hex(), createHash("sha256").update(data).digest("hex"), `${length} bytes`);
  }
});

test("a Blob is hashed a piece at a time, with progress, and can be stopped", async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const blob = new Blob([data]);
  const seen: number[] = [];
  const hex = await sha256OfBlob(blob, { pieceBytes: 1 << 20, progress: (n) => seen.push(n) });
  assert.equal(hex, createHash("sha256").update(data).digest("hex"));
  assert.deepEqual(seen, [1 << 20, 2 << 20, 3 << 20, data.length]);
  let pieces = 0;
  const stopped = await sha256OfBlob(blob, { pieceBytes: 1 << 20, progress: () => pieces++, cancelled: () => pieces >= 2 });
  assert.equal(stopped, undefined);
  assert.equal(pieces, 2);
});

test("update after digest is refused rather than giving a wrong hash", () => {
  const hash = new Sha256().update(text("abc"));
  hash.hex();
  assert.throws(() => hash.update(text("d")), /update after digest/);
});
