/**
 * Downloading one JWKS: a plain GET through the global `fetch` (Node 18 has it, and so does Bubble's
 * runtime) with a deadline and a size limit, and the freshness the response declares.
 */

/** Why a download failed; the message is for the builder and never quotes the URL or the body. */
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

/** GETs `url` and parses it as a JSON object, or throws a JwksFetchError saying what went wrong. */
export async function downloadJson(url: URL, limits: DownloadLimits): Promise<Downloaded> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  // A pending timer must not keep a short-lived process (a test, a script) alive.
  timer.unref?.();
  try {
    let response: Response;
    try {
      // redirect "error": a redirect could lead from https to plain http, past the jwks_url rule.
      response = await fetch(url, {
        signal: controller.signal,
        redirect: "error",
        headers: { accept: "application/json" },
      });
    } catch {
      throw new JwksFetchError(
        controller.signal.aborted
          ? `the keys URL did not answer within ${limits.timeoutMs / 1000} seconds`
          : "the keys URL could not be reached (or it redirected)",
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksFetchError(`the keys URL answered with HTTP status ${response.status}`);
    }
    const text = await readLimitedText(response, limits, controller.signal);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new JwksFetchError("the keys URL did not answer with JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new JwksFetchError("the keys URL did not answer with a JSON object");
    }
    return { body: body as Record<string, unknown>, maxAgeSeconds: maxAge(response.headers) };
  } finally {
    clearTimeout(timer);
  }
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
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JwksFetchError) throw error;
    throw new JwksFetchError(
      signal.aborted
        ? `the keys URL did not answer within ${limits.timeoutMs / 1000} seconds`
        : "the keys URL's answer was cut off",
    );
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
