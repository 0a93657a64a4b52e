/**
 * Downloading one JWKS: a plain GET over node:https with a deadline and a size limit, connected only to
 * an address checked against the block list, and the freshness the response declares.
 *
 * Not the global `fetch`: in Bubble it is node-fetch v2, in Node Node's own, and neither lets the
 * caller check the address it connects to. Here the host name is resolved once, every address it
 * resolves to is checked, and the socket connects to one of those checked addresses (node's `lookup`
 * hook), so a name that resolves to a private address, or a second answer given between a check and
 * the connection (DNS rebinding), never reaches anything inside the network Bubble runs in.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isJsonObject } from "../values.js";
import { isBlockedAddress, isLoopbackAddress } from "./url.js";

/** Why a download failed; the message is for the builder's log and never quotes the URL or the body. */
export class JwksFetchError extends Error {
  override readonly name = "JwksFetchError";
}

/** The timer functions the deadline uses; tests give a clock they move by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending deadline must not keep a short-lived process (a test, a script) alive.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Every address a host name resolves to (tests answer with addresses of their choosing). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

export interface DownloadLimits {
  /** The whole exchange, headers and body, must finish within this. */
  readonly timeoutMs: number;
  /** Larger bodies are refused, whether declared by Content-Length or only seen while streaming. */
  readonly maxBytes: number;
}

/** How a download may reach the network; Bubble's runtime always gets the defaults. */
export interface NetworkAccess {
  /**
   * Plain http to a loopback host, connected to a loopback address only: the local backend's and the
   * tests' JWKS servers on 127.0.0.1. Never set in Bubble (see LOCAL_RUNTIME in src/bubble/local-runtime.ts).
   */
  readonly loopbackHttp?: boolean | undefined;
  readonly timers?: Timers | undefined;
  readonly resolve?: Resolver | undefined;
}

export interface Downloaded {
  /** The parsed body: a JSON object (its `keys` are checked by the caller). */
  readonly body: Record<string, unknown>;
  /** The response's Cache-Control `max-age` minus its `Age`, in seconds, when it declares one. */
  readonly maxAgeSeconds?: number | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

const BLOCKED =
  "the keys URL's host resolves to a loopback, private, link-local or metadata address, or to none";

/**
 * GETs `url` and parses it as a JSON object, or throws a JwksFetchError saying what went wrong; settles
 * within `timeoutMs` whatever the endpoint does (silent, slow headers, a dripping or endless body): the
 * deadline is a timer of our own that ends the exchange and destroys its socket.
 */
export function downloadJson(
  url: URL,
  limits: DownloadLimits,
  network: NetworkAccess = {},
): Promise<Downloaded> {
  const timers = network.timers ?? REAL_TIMERS;
  return new Promise<Downloaded>((resolve, reject) => {
    let request: ClientRequest | undefined;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(deadline);
      request?.destroy();
      outcome();
    };
    const fail = (reason: string) => finish(() => reject(new JwksFetchError(reason)));
    const deadline = timers.setTimeout(
      () => fail(`the keys URL did not answer within ${limits.timeoutMs / 1000} seconds`),
      limits.timeoutMs,
    );
    try {
      request = send(url, network, fail, (response) =>
        readResponse(response, limits, fail, (downloaded) => finish(() => resolve(downloaded))),
      );
    } catch (error) {
      fail(error instanceof JwksFetchError ? error.message : "the keys URL could not be reached");
    }
  });
}

/** Starts the GET, on a connection of its own (never a pooled socket another caller's lookup made). */
function send(
  url: URL,
  network: NetworkAccess,
  fail: (reason: string) => void,
  onResponse: (response: IncomingMessage) => void,
): ClientRequest {
  const http = url.protocol === "http:";
  if (url.protocol !== "https:" && !(http && network.loopbackHttp)) {
    throw new JwksFetchError("the keys URL is not https");
  }
  // Plain http only ever reaches this machine; https never reaches anything the block list names.
  const allowed = (address: string) => (http ? isLoopbackAddress(address) : !isBlockedAddress(address));
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // An address in the URL itself is connected to without a lookup: it is checked here instead.
  if (isIP(hostname) !== 0 && !allowed(hostname)) throw new JwksFetchError(BLOCKED);
  let refusedAddress = false;
  const resolveAll = network.resolve ?? systemResolver;
  const lookup: LookupFunction = (name, options, callback) => {
    resolveAll(name).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((entry) => allowed(entry.address))) {
          refusedAddress = true;
          callback(new JwksFetchError(BLOCKED), "");
          return;
        }
        const first = addresses[0] as LookupAddress;
        if (options.all) callback(null, [...addresses]);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ""),
    );
  };
  const request = (http ? httpRequest : httpsRequest)(url, {
    method: "GET",
    agent: false,
    lookup,
    // Asked for as is: a compressed answer is refused below rather than inflated past the size limit.
    headers: { accept: "application/json", "accept-encoding": "identity" },
  });
  request.on("error", () =>
    fail(refusedAddress ? BLOCKED : "the keys URL could not be reached, or its answer was cut off"),
  );
  request.on("response", onResponse);
  request.end();
  return request;
}

function readResponse(
  response: IncomingMessage,
  limits: DownloadLimits,
  fail: (reason: string) => void,
  done: (downloaded: Downloaded) => void,
): void {
  const refusal = headerRefusal(response, limits);
  if (refusal) {
    fail(refusal);
    return;
  }
  // Content-Length may be absent (chunked) or false: count what actually arrives.
  const chunks: Buffer[] = [];
  let total = 0;
  let ended = false;
  response.on("data", (chunk: Buffer) => {
    total += chunk.byteLength;
    if (total > limits.maxBytes) fail(tooLarge(limits));
    else chunks.push(chunk);
  });
  response.on("end", () => {
    ended = true;
    const parsed = parseBody(Buffer.concat(chunks));
    if (typeof parsed === "string") fail(parsed);
    else
      done({ body: parsed, maxAgeSeconds: maxAge(response.headers["cache-control"], response.headers.age) });
  });
  response.on("close", () => {
    if (!ended) fail("the keys URL's answer was cut off");
  });
  response.on("error", () => fail("the keys URL's answer was cut off"));
}

/** Why the status or headers alone refuse the answer, before any of its body is read. */
function headerRefusal(response: IncomingMessage, limits: DownloadLimits): string | undefined {
  const status = response.statusCode ?? 0;
  // A redirect could lead from https to plain http, or to an address the block list names.
  if (status >= 300 && status < 400) return `the keys URL redirected (HTTP status ${status})`;
  if (status < 200 || status >= 300) return `the keys URL answered with HTTP status ${status}`;
  const encoding = response.headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
    return "the keys URL answered compressed although asked not to";
  }
  const declared = Number(response.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) return tooLarge(limits);
  return undefined;
}

function tooLarge(limits: DownloadLimits): string {
  return `the keys URL answered with more than ${limits.maxBytes} bytes`;
}

/** The body as a JSON object, or why it is not one. */
function parseBody(bytes: Buffer): Record<string, unknown> | string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return "the keys URL did not answer with UTF-8 text";
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "the keys URL did not answer with JSON";
  }
  return isJsonObject(body)
    ? (body as Record<string, unknown>)
    : "the keys URL did not answer with a JSON object";
}

/** RFC 9111 §5.2.2.1 max-age, less the Age the response already spent in caches (§5.1). */
function maxAge(cacheControl: string | undefined, ageHeader: string | undefined): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl ?? "");
  if (!match) return undefined;
  const age = Number(ageHeader ?? 0);
  return Number(match[1]) - (Number.isFinite(age) && age > 0 ? age : 0);
}
