import { isRetryable } from "./closeCodes.js";
import type { FetchLike } from "./transport.js";

/**
 * Why the client is not live, in terms someone can act on:
 * - `cors`: the server answers, but not to this page's origin (BELLHOP_ALLOWED_ORIGINS). Retrying
 *   cannot help, so the client stops.
 * - `network`: no answer at all (server down, DNS, offline, a proxy dropping the connection). The
 *   client keeps retrying with backoff.
 * - `auth`: the server refused the token (the client stops), or `token()` itself failed (it retries).
 * - `refused`: the server refused for another reason: a forbidden org, a bad request (the client
 *   stops), or too many connections, overload (it retries after the server's hint).
 */
export type FailureCause = "cors" | "network" | "auth" | "refused";

export interface Failure {
  cause: FailureCause;
  message: string;
}

/** What a close means for the person looking at the health; undefined for a routine reconnect. */
export function failureFor(code: number, reason: string, wasLive: boolean): Failure | undefined {
  const said = serverMessage(reason);
  const detail = said ? `: ${said}` : "";
  if (code === 4001) return { cause: "auth", message: `the server refused the token (${code})${detail}` };
  if (!isRetryable(code)) return { cause: "refused", message: `the server refused the connection (${code})${detail}` };
  if (wasLive) return undefined;
  if (code === 1006) return { cause: "network", message: `cannot reach the server${detail}` };
  return { cause: "refused", message: `the server turned the connection away for now (${code})${detail}` };
}

/**
 * A fetch that threw got no readable answer: either nothing answered (network), or the browser
 * withheld the answer because the server does not allow this page's origin (CORS). Scripts see the
 * same TypeError for both; an opaque `no-cors` request to the same URL tells them apart, because
 * the browser completes it whenever the server answers at all. When it answers, the URL is asked
 * once more as the page asks (CORS mode): a network that came back between the failure and the
 * probe reads fine then, and must not be taken for CORS, which stops the client for good.
 */
export async function diagnoseUnreachable(fetchFn: FetchLike, url: string, error: unknown): Promise<Failure> {
  const network: Failure = { cause: "network", message: `cannot reach ${origin(url)}: ${describe(error)}` };
  try {
    await fetchFn(url, { mode: "no-cors", cache: "no-store" });
  } catch {
    return network;
  }
  try {
    await fetchFn(url, { cache: "no-store" });
    return network;
  } catch {
    // Still withheld while the server answers: the origin is not allowed.
  }
  return {
    cause: "cors",
    message:
      `${origin(url)} answers, but not to this page's origin${pageOrigin()}; ` +
      "an operator can add it to the server's BELLHOP_ALLOWED_ORIGINS",
  };
}

/** The `message` of an error body ({"code":…,"message":…}), else the reason as it is. */
function serverMessage(reason: string): string {
  try {
    const body = JSON.parse(reason);
    if (body && typeof body.message === "string") return body.message;
  } catch {
    // not JSON: a close reason or plain text
  }
  return reason;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function pageOrigin(): string {
  return typeof location !== "undefined" ? ` (${location.origin})` : "";
}
