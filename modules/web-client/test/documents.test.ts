/** The client's copies of the upload module's facts match the server's. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DOCUMENT_TYPES, UPLOAD_ERRORS, acceptFor, describeUploadError } from "../src/documents.js";
import { serverDocumentTypes } from "./sources.js";

test("the document types and the content types each accepts are DocumentType.java's", () => {
  const server = serverDocumentTypes();
  assert.equal(Object.keys(server).length, 8, "read DocumentType.java");
  const sorted = (r: Record<string, readonly string[]>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(sorted(DOCUMENT_TYPES), sorted(server));
  assert.equal(acceptFor("photo"), "image/jpeg,.jpg,.jpeg,image/png,.png,image/webp,.webp");
});

test("every upload error code the server declares has a meaning in words", () => {
  const codes: { errorCodes: { name: string; module: string }[] } = JSON.parse(
    readFileSync(fileURLToPath(new URL("../../../../docs/codes.json", import.meta.url)), "utf8"),
  );
  const uploads = codes.errorCodes.filter((c) => c.module === "uploads").map((c) => c.name);
  assert.ok(uploads.includes("CHECKSUM_MISMATCH"), "read codes.json");
  for (const code of uploads) assert.ok(UPLOAD_ERRORS[code], code);
  assert.equal(describeUploadError({ code: "UPLOAD_EXPIRED" }), "UPLOAD_EXPIRED: the upload expired before it was finished; start again");
  assert.equal(describeUploadError({ code: "NEW_CODE", message: "said the server" }), "NEW_CODE: said the server");
});
