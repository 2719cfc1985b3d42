/**
 * The page of the Uppy test: @uppy/core with @uppy/tus, unchanged, bundled by esbuild and served
 * from its own origin. It makes a JPEG-headed file of `size` random bytes, declares its SHA-256 in
 * the metadata, uploads it to `endpoint` (a Bellhop node on another origin) in `chunkSize` PATCHes
 * and leaves the outcome in `window.uppyResult`.
 */
import Uppy from "@uppy/core";
import Tus from "@uppy/tus";

declare global {
  interface Window {
    uppyResult?: { successful: { uploadURL?: string; size: number | null }[]; failed: string[]; sha256: string };
  }
}

const JPEG_HEADER = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00];

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const bytes = new Uint8Array(Number(params.get("size")));
  for (let at = 0; at < bytes.length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(at + 65536, bytes.length)));
  }
  bytes.set(JPEG_HEADER);
  const sha256 = hex(await crypto.subtle.digest("SHA-256", bytes));

  const uppy = new Uppy({ autoProceed: false }).use(Tus, {
    endpoint: params.get("endpoint")!,
    headers: { Authorization: `Bearer ${params.get("token")}` },
    chunkSize: Number(params.get("chunkSize")),
    retryDelays: [0, 1000, 3000],
  });
  uppy.addFile({
    name: "guest-photo.jpg",
    type: "image/jpeg",
    data: new Blob([bytes], { type: "image/jpeg" }),
    meta: { documentType: "photo", guestId: "g_e2e", propertyId: "p_e2e", sha256 },
  });
  const result = await uppy.upload();
  window.uppyResult = {
    successful: (result?.successful ?? []).map((f) => ({ uploadURL: f.uploadURL, size: f.size })),
    failed: (result?.failed ?? []).map((f) => String(f.error)),
    sha256,
  };
}

main().catch((e) => {
  window.uppyResult = { successful: [], failed: [String(e)], sha256: "" };
});
