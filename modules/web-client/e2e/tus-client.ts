/**
 * tus-js-client from Node, unchanged, as its own process, so a test can SIGKILL it mid-upload and
 * start it again: the upload URL is kept in a file (the client's FileUrlStorage, keyed by the
 * file's fingerprint), and a restarted client resumes from the server's offset.
 *
 *   node dist/e2e/tus-client.js <json options>
 *
 * Options: endpoint, file, urlStorage (path), token, metadata, chunkSize (bytes, default
 * Infinity), patchDelayMs (a pause before each PATCH, so a test can act mid-upload),
 * retryDelays. Prints one JSON line per event on stdout: resuming, url, progress, success, error.
 */
import { createReadStream } from "node:fs";
import * as tus from "tus-js-client";

interface ClientOptions {
  endpoint: string;
  file: string;
  urlStorage: string;
  token: string;
  metadata: Record<string, string>;
  chunkSize?: number;
  patchDelayMs?: number;
  retryDelays?: number[];
}

type UploadOptions = ConstructorParameters<typeof tus.Upload>[1];
type UrlStorage = NonNullable<UploadOptions["urlStorage"]>;
type UploadSource = ConstructorParameters<typeof tus.Upload>[0];

/** FileUrlStorage is exported by the Node build but missing from the package's types. */
function fileUrlStorage(path: string): UrlStorage {
  const lib = tus as unknown as { FileUrlStorage?: new (p: string) => UrlStorage; default?: { FileUrlStorage: new (p: string) => UrlStorage } };
  const Storage = lib.FileUrlStorage ?? lib.default!.FileUrlStorage;
  return new Storage(path);
}

function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
}

const options = JSON.parse(process.argv[2]) as ClientOptions;
const upload: tus.Upload = new tus.Upload(createReadStream(options.file) as unknown as UploadSource, {
  endpoint: options.endpoint,
  chunkSize: options.chunkSize ?? Infinity,
  retryDelays: options.retryDelays ?? [0, 1000, 3000, 5000],
  urlStorage: fileUrlStorage(options.urlStorage),
  storeFingerprintForResuming: true,
  removeFingerprintOnSuccess: false,
  headers: { Authorization: `Bearer ${options.token}` },
  metadata: options.metadata,
  onBeforeRequest: async (request) => {
    if (request.getMethod() === "PATCH" && options.patchDelayMs) {
      await new Promise((r) => setTimeout(r, options.patchDelayMs));
    }
  },
  onUploadUrlAvailable: () => say("url", { url: upload.url }),
  onProgress: (sent, total) => say("progress", { sent, total }),
  onSuccess: () => {
    say("success", { url: upload.url });
    process.exit(0);
  },
  onError: (error) => {
    say("error", { message: String(error) });
    process.exit(1);
  },
});

const previous = await upload.findPreviousUploads();
if (previous.length > 0) {
  say("resuming", { url: previous[0].uploadUrl });
  upload.resumeFromPreviousUpload(previous[0]);
}
upload.start();
