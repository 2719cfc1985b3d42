/**
 * Facts read straight from the repository's sources, for tests that check a copy against its
 * original: the server's services and id grammar, and what the console declares of them.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function read(pathFromRepo: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../${pathFromRepo}`, import.meta.url)), "utf8");
}

function match(text: string, pattern: RegExp, what: string): RegExpMatchArray {
  const m = text.match(pattern);
  if (!m) throw new Error(`cannot read ${what}: did its declaration change shape?`);
  return m;
}

/** The wire names of io.bellhop.events.Service, in declaration order. */
export function serverServices(): string[] {
  const java = read("modules/events/src/main/java/io/bellhop/events/Service.java");
  const body = match(java, /public enum Service \{([^;]*);/, "Service.java's constants")[1];
  return body.split(",").map((name) => name.trim().toLowerCase());
}

/** Ids.GRAMMAR of the platform, with MAX_LENGTH put in. */
export function serverIdGrammar(): string {
  const java = read("modules/platform/src/main/java/io/bellhop/platform/Ids.java");
  const max = match(java, /MAX_LENGTH = (\d+);/, "Ids.MAX_LENGTH")[1];
  const [, before, after] = match(java, /GRAMMAR = "([^"]*)" \+ MAX_LENGTH \+ "([^"]*)";/, "Ids.GRAMMAR");
  return `${before}${max}${after}`;
}

const CONSOLE = "app/src/main/resources/console/console.js";

/** The services the console offers and publishes samples of: the keys of its SAMPLES. */
export function consoleServices(): string[] {
  const samples = match(read(CONSOLE), /\nconst SAMPLES = \{\n([\s\S]*?)\n\};/, "the console's SAMPLES")[1];
  return [...samples.matchAll(/^ {2}([a-z]+): \[/gm)].map((m) => m[1]);
}

/** The id grammar the console's sign-in form checks. */
export function consoleIdGrammar(): string {
  return match(read(CONSOLE), /\nconst ID_GRAMMAR = "([^"]*)";/, "the console's ID_GRAMMAR")[1];
}

/** io.bellhop.uploads.DocumentType: each wire name with the content types its kind accepts. */
export function serverDocumentTypes(): Record<string, string[]> {
  const java = read("modules/uploads/src/main/java/io/bellhop/uploads/DocumentType.java");
  const kinds = new Map<string, string[]>();
  const kindBody = match(java, /enum Kind \{([\s\S]*?);\n/, "DocumentType.Kind's constants")[1];
  for (const m of kindBody.matchAll(/([A-Z_]+)\(\s*Set\.of\(([^)]*)\)\)/g)) {
    kinds.set(m[1], [...m[2].matchAll(/"([^"]+)"/g)].map((s) => s[1]));
  }
  const types = match(java, /public enum DocumentType \{([\s\S]*?);/, "DocumentType's constants")[1];
  const out: Record<string, string[]> = {};
  for (const m of types.matchAll(/([A-Z_]+)\(Kind\.([A-Z_]+)\)/g)) out[m[1].toLowerCase()] = kinds.get(m[2]) ?? [];
  return out;
}

/**
 * The ICAO 9303 TD3 specimen the OCR tests use (MrzReaderTest.java): its two MRZ lines and the
 * fields a reader must return, keyed by FieldName (e.g. DOCUMENT_NUMBER).
 */
export function td3Specimen(): { lines: [string, string]; fields: Record<string, string> } {
  const java = read("modules/uploads/src/test/java/io/bellhop/uploads/ocr/MrzReaderTest.java");
  const line = (name: string) => match(java, new RegExp(`${name} = "([^"]+)";`), `MrzReaderTest.${name}`)[1];
  const block = match(java, /TD3_FIELDS =[\s\S]*?Map\.ofEntries\(([\s\S]*?)\);/, "MrzReaderTest.TD3_FIELDS")[1];
  const fields: Record<string, string> = {};
  for (const m of block.matchAll(/FieldName\.([A-Z_]+), "([^"]*)"/g)) fields[m[1]] = m[2];
  return { lines: [line("TD3_1"), line("TD3_2")], fields };
}
