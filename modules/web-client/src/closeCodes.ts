/**
 * Every close code the server may send — the platform's shared ones and each module's own (upload
 * and chat sockets) — and whether to reconnect after each. A test checks this table against
 * docs/codes.json, which a Java test writes from every module's enum, so they cannot drift apart.
 */
export const CLOSE_CODES: Readonly<Record<number, { name: string; retryable: boolean }>> = {
  1000: { name: "NORMAL", retryable: true },
  1001: { name: "GOING_AWAY", retryable: true },
  1002: { name: "PROTOCOL_ERROR", retryable: false },
  1003: { name: "UNSUPPORTED_DATA", retryable: false },
  1007: { name: "INVALID_PAYLOAD", retryable: false },
  1009: { name: "MESSAGE_TOO_BIG", retryable: false },
  1011: { name: "INTERNAL_ERROR", retryable: true },
  1012: { name: "SERVER_RESTART", retryable: true },
  1013: { name: "TRY_AGAIN_LATER", retryable: true },
  4001: { name: "UNAUTHORIZED", retryable: false },
  4003: { name: "FORBIDDEN", retryable: false },
  4400: { name: "BAD_HANDSHAKE", retryable: false },
  4408: { name: "HANDSHAKE_TIMEOUT", retryable: true },
  4429: { name: "TOO_MANY_CONNECTIONS", retryable: true },
  4430: { name: "TOO_MANY_MESSAGES", retryable: true },
  4509: { name: "SLOW_CONSUMER", retryable: true },
  4700: { name: "UPLOAD_STORAGE_UNAVAILABLE", retryable: true },
  4701: { name: "UPLOAD_OUT_OF_ORDER", retryable: true },
  4750: { name: "UPLOAD_TAKEN_OVER", retryable: false },
  4751: { name: "UPLOAD_REJECTED", retryable: false },
  4752: { name: "UPLOAD_GONE", retryable: false },
  4800: { name: "CHAT_STORE_UNAVAILABLE", retryable: true },
};

/**
 * The close codes of modules, allocated in blocks of 100 (docs/protocol.md). In each block
 * xx00–xx49 retry and xx50–xx99 are terminal, so a code added after this build still decides right.
 */
export const MODULE_CLOSE_CODES: ReadonlyArray<readonly [first: number, last: number]> = [
  [4100, 4399],
  [4600, 4999],
];

/**
 * Whether a close with this code should be followed by a reconnect: as the table says; for a
 * module's code not in it, as its number says; other unknown codes (1006…) retry.
 */
export function isRetryable(code: number): boolean {
  const known = CLOSE_CODES[code];
  if (known) return known.retryable;
  if (MODULE_CLOSE_CODES.some(([first, last]) => code >= first && code <= last)) return code % 100 < 50;
  return true;
}

/** The server's retry hint from a close reason like {"retryMs":2317}, if any. */
export function retryHintMs(reason: string): number | undefined {
  const match = /"retryMs"\s*:\s*(\d+)/.exec(reason);
  return match ? Number(match[1]) : undefined;
}
