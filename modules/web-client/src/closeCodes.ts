/**
 * The server's close codes (io.bellhop.platform.CloseCode), and whether to reconnect after each.
 * A test checks this table against the Java enum, so the two cannot drift apart.
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
};

/** Whether a close with this code should be followed by a reconnect. Unknown codes (1006…) retry. */
export function isRetryable(code: number): boolean {
  return CLOSE_CODES[code]?.retryable ?? true;
}

/** The server's retry hint from a close reason like {"retryMs":2317}, if any. */
export function retryHintMs(reason: string): number | undefined {
  const match = /"retryMs"\s*:\s*(\d+)/.exec(reason);
  return match ? Number(match[1]) : undefined;
}
