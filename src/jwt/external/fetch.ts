/**
 * Downloading one JWKS: a plain GET through the global `fetch` (Node 18 has it, and so does Bubble's
 * runtime) with a deadline and a size limit, and the freshness the response declares.
 */
import { isJsonObject } from "../values.js";

/** Why a download failed; the message is for the builder's log and never quotes the URL or the body. */
export class JwksFetchError extends Error {
  override readonly name = "JwksFetchError";
}

export interface DownloadLimits {
  /** The whole exchange, headers and body, must finish within this. */
  readonly timeoutMs: number;
  /** Larger bodies are refused, whether declared by Content-Length or only seen while streaming. */
  readonly maxBytes: number;
}

export interface Downloaded {
  /** The parsed body: a JSON object (its `keys` are checked by the caller). */
  readonly body: Record<string, unknown>;
  /** The response's Cache-Control `max-age` minus its `Age`, in seconds, when it declares one. */
  readonly maxAgeSeconds?: number | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * GETs `url` and parses it as a JSON object, or throws a JwksFetchError saying what went wrong; settles
 * within `timeoutMs` whatever the endpoint does. The deadline is a timer of our own raced against the
 * whole exchange, not only the fetch's AbortSignal: once the body streams, some undici versions (Node 20
 * and 22) stop honouring that signal, and a body dripping a byte at a time would hold the call forever.
 */
export async function downloadJson(url: URL, limits: DownloadLimits): Promise<Downloaded> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new JwksFetchError(`the keys URL did not answer within ${limits.timeoutMs / 1000} seconds`));
      // Frees the connection where undici still listens; the exchange's own reader is cancelled too.
      controller.abort();
    }, limits.timeoutMs);
  });
  // A pending timer must not keep a short-lived process (a test, a script) alive.
  timer?.unref?.();
  const exchange = fetchJson(url, limits, controller.signal);
  // Past the deadline nobody awaits the exchange: its late failure must not be an unhandled rejection.
  exchange.catch(() => undefined);
  try {
    return await Promise.race([exchange, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchJson(url: URL, limits: DownloadLimits, signal: AbortSignal): Promise<Downloaded> {
  let response: Response;
  try {
    // redirect "error": a redirect could lead from https to plain http, or to an address jwks_url refuses.
    response = await fetch(url, { signal, redirect: "error", headers: { accept: "application/json" } });
  } catch {
    throw new JwksFetchError("the keys URL could not be reached (or it redirected)");
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError(`the keys URL answered with HTTP status ${response.status}`);
  }
  const text = await readLimitedText(response, limits, signal);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new JwksFetchError("the keys URL did not answer with JSON");
  }
  if (!isJsonObject(body)) {
    throw new JwksFetchError("the keys URL did not answer with a JSON object");
  }
  return { body: body as Record<string, unknown>, maxAgeSeconds: maxAge(response.headers) };
}

async function readLimitedText(
  response: Response,
  limits: DownloadLimits,
  signal: AbortSignal,
): Promise<string> {
  const tooLarge = () => new JwksFetchError(`the keys URL answered with more than ${limits.maxBytes} bytes`);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return "";
  // Content-Length may be absent (chunked) or false: count what actually arrives.
  const reader = response.body.getReader();
  const cancel = () => reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JwksFetchError) throw error;
    throw new JwksFetchError("the keys URL's answer was cut off");
  } finally {
    signal.removeEventListener("abort", cancel);
  }
  try {
    return utf8.decode(Buffer.concat(chunks));
  } catch {
    throw new JwksFetchError("the keys URL did not answer with UTF-8 text");
  }
}

/** RFC 9111 §5.2.2.1 max-age, less the Age the response already spent in caches (§5.1). */
function maxAge(headers: Headers): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(headers.get("cache-control") ?? "");
  if (!match) return undefined;
  const age = Number(headers.get("age") ?? 0);
  return Number(match[1]) - (Number.isFinite(age) && age > 0 ? age : 0);
}
