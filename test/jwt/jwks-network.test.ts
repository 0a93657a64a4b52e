/**
 * Where a JWKS download may connect (src/jwt/external/fetch.ts), on its own: every address a host name
 * resolves to is checked against the block list before connecting, and the socket connects to a
 * checked address; plain http only through the local runtime's seam, and then only to this machine.
 * Names resolve through an injected resolver; a JWKS server on 127.0.0.1 counts the connections it
 * accepts, so a refusal is seen to happen before any connection. The deadline runs on a hand-moved clock.
 */
import type { LookupAddress } from "node:dns";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { type AddressInfo, getDefaultAutoSelectFamily, setDefaultAutoSelectFamily } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import {
  downloadJson,
  JwksFetchError,
  type NetworkAccess,
  REAL_TIMERS,
} from "../../src/jwt/external/fetch.js";
import { JwksCache } from "../../src/jwt/external/jwks-cache.js";
import { isBlockedAddress, isLoopbackAddress } from "../../src/jwt/external/url.js";
import { JwksTestServer, jwksOf, testKey } from "../support/jwks-server.js";
import { ManualTimers } from "../support/manual-timers.js";
import { rejectionOf } from "../support/thrown.js";

const LIMITS = { timeoutMs: 5_000, maxBytes: 1024 * 1024 };
const BLOCKED = /^the keys URL's host resolves to a loopback, private, link-local or metadata address/;

let server: JwksTestServer;
const key = testKey("ES256", "ec-1");

beforeAll(async () => {
  server = await new JwksTestServer().start();
  server.set("/jwks.json", { json: jwksOf(key) });
});
afterAll(() => server.close());

/** A resolver answering `addresses` for every name, and counting the names it was asked. */
function resolverOf(...addresses: string[]) {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, asked };
}

/** What downloading `url` ends with ("ok" or the reason), and how many connections the server accepted meanwhile. */
async function attempt(
  url: string,
  network: NetworkAccess,
): Promise<{ outcome: string; connections: number }> {
  const before = server.connections;
  const outcome = await downloadJson(new URL(url), LIMITS, network).then(
    () => "ok",
    (error: unknown) => (error instanceof JwksFetchError ? error.message : `unexpected: ${String(error)}`),
  );
  // A connection the client opened is accepted within a tick or two; give it time to be counted.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { outcome, connections: server.connections - before };
}

const port = () => server.listeningPort;

describe("a host name's addresses are checked before connecting", () => {
  it.each([
    ["127.0.0.1 (loopback)", ["127.0.0.1"]],
    ["127.8.9.10 (loopback)", ["127.8.9.10"]],
    ["10.0.0.7 (private)", ["10.0.0.7"]],
    ["192.168.1.1 (private)", ["192.168.1.1"]],
    ["100.100.100.200 (shared, Alibaba metadata)", ["100.100.100.200"]],
    ["169.254.169.254 (cloud metadata)", ["169.254.169.254"]],
    ["0.0.0.0 (this network)", ["0.0.0.0"]],
    ["224.0.0.1 (multicast)", ["224.0.0.1"]],
    ["255.255.255.255 (broadcast)", ["255.255.255.255"]],
    ["::1 (IPv6 loopback)", ["::1"]],
    ["::ffff:127.0.0.1 (IPv4-mapped, as resolvers write it)", ["::ffff:127.0.0.1"]],
    ["64:ff9b::a9fe:a9fe (NAT64 of the metadata address)", ["64:ff9b::a9fe:a9fe"]],
    ["2002:a00:1:: (6to4 of 10.0.0.1)", ["2002:a00:1::"]],
    ["fd00:ec2::254 (AWS metadata, unique local)", ["fd00:ec2::254"]],
    ["fe80::1%eth0 (link-local with a zone)", ["fe80::1%eth0"]],
    ["a public address and 127.0.0.1 (any blocked answer refuses)", ["93.184.216.34", "127.0.0.1"]],
    ["no address at all", []],
  ])("https to a name resolving to %s is refused, with no connection", async (_what, addresses) => {
    const { resolve, asked } = resolverOf(...addresses);
    const result = await attempt(`https://keys.example.test:${port()}/jwks.json`, { resolve });
    expect(result.outcome).toMatch(BLOCKED);
    expect(result.connections).toBe(0);
    expect(asked).toEqual(["keys.example.test"]);
  });

  it("the seam lets plain http reach a loopback server: the control that the counting works", async () => {
    const { resolve } = resolverOf("127.0.0.1");
    const result = await attempt(`http://loopback.example.test:${port()}/jwks.json`, {
      resolve,
      loopbackHttp: true,
    });
    expect(result).toEqual({ outcome: "ok", connections: 1 });
  });

  it("connects to the address the one lookup answered, never resolving the name again", async () => {
    // The server listens on 127.0.0.1 only: a connection to 127.0.0.2, the answer, is refused.
    const { resolve, asked } = resolverOf("127.0.0.2");
    const result = await attempt(`http://localhost:${port()}/jwks.json`, { resolve, loopbackHttp: true });
    expect(result).toEqual({
      outcome: "the keys URL could not be reached, or its answer was cut off",
      connections: 0,
    });
    expect(asked).toEqual(["localhost"]);
  });

  it("the seam never opens plain http to another address, nor https to a loopback one", async () => {
    const privateName = await attempt(`http://localhost:${port()}/jwks.json`, {
      resolve: resolverOf("10.0.0.7").resolve,
      loopbackHttp: true,
    });
    const httpsLoopback = await attempt(`https://localhost:${port()}/jwks.json`, {
      resolve: resolverOf("127.0.0.1").resolve,
      loopbackHttp: true,
    });
    expect([privateName, httpsLoopback]).toEqual([
      { outcome: expect.stringMatching(BLOCKED), connections: 0 },
      { outcome: expect.stringMatching(BLOCKED), connections: 0 },
    ]);
  });

  it("plain http without the seam is refused before any lookup or connection", async () => {
    const { resolve, asked } = resolverOf("127.0.0.1");
    for (const host of ["127.0.0.1", "localhost", "[::1]"]) {
      const result = await attempt(`http://${host}:${port()}/jwks.json`, { resolve });
      expect(result).toEqual({ outcome: "the keys URL is not https", connections: 0 });
    }
    expect(asked).toEqual([]);
  });

  it("an address written in the URL is checked too (no lookup happens for it)", async () => {
    const result = await attempt(`https://127.0.0.1:${port()}/jwks.json`, {});
    expect(result).toEqual({ outcome: expect.stringMatching(BLOCKED), connections: 0 });
  });

  it("through the cache it is jwks_unavailable with the one message, the reason for the log only", async () => {
    const cache = new JwksCache();
    const error = await rejectionOf(
      cache.keysFor(new URL(`https://keys.example.test:${port()}/jwks.json`), "ec-1", "ES256", {
        resolve: resolverOf("169.254.169.254").resolve,
      }),
    );
    expect(error).toBeInstanceOf(TokenError);
    expect([(error as TokenError).code, (error as TokenError).message]).toEqual([
      "jwks_unavailable",
      "The provider's keys (JWKS) could not be fetched or read.",
    ]);
    expect((error as TokenError).logReason).toMatch(BLOCKED);
  });
});

describe("what the answer may be", () => {
  it("a compressed answer, which the request asked not to get, is refused rather than inflated", async () => {
    server.set("/gzip/jwks.json", { json: jwksOf(key), headers: { "content-encoding": "gzip" } });
    server.set("/identity/jwks.json", { json: jwksOf(key), headers: { "content-encoding": "identity" } });
    const network = { loopbackHttp: true };
    expect((await attempt(`http://127.0.0.1:${port()}/gzip/jwks.json`, network)).outcome).toBe(
      "the keys URL answered compressed although asked not to",
    );
    expect((await attempt(`http://127.0.0.1:${port()}/identity/jwks.json`, network)).outcome).toBe("ok");
  });
});

describe("resolved addresses read as the URL rule reads literals", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "::10.0.0.1",
    "64:ff9b::169.254.169.254",
    "fec0::1",
    "fe80::1%eth0",
    "not an address",
  ])("%s is blocked", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])("%s is not", (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it("loopback means 127.0.0.0/8 and ::1 only", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1"].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(["10.0.0.1", "::ffff:10.0.0.1", "::2", "localhost"].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("the deadline, on a hand-moved clock", () => {
  it.each([
    ["a silent endpoint", { json: jwksOf(key), delayMs: 60_000 }],
    ["a dripping body", { stream: { chunk: "x", intervalMs: 20 } }],
  ])("%s ends at exactly 5 seconds, and its connection is closed", async (_what, route) => {
    const path = `/deadline/${_what.replace(/ /g, "-")}`;
    server.set(path, route);
    for (let i = 0; i < 100 && server.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 5));
    const timers = new ManualTimers();
    let outcome: string | undefined;
    const download = downloadJson(new URL(`http://127.0.0.1:${port()}${path}`), LIMITS, {
      loopbackHttp: true,
      timers,
    }).then(
      () => "ok",
      (error: Error) => error.message,
    );
    void download.then((value) => {
      outcome = value;
    });
    // Let the exchange reach the endpoint (and a few drips arrive) in real time, then move the clock.
    for (let i = 0; i < 100 && server.hits(path) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 60));
    timers.advance(4_999);
    await new Promise((r) => setTimeout(r, 10));
    expect(outcome).toBeUndefined();
    expect(server.openConnections).toBe(1);
    timers.advance(1);
    expect(await download).toBe("the keys URL did not answer within 5 seconds");
    expect(timers.waiting).toBe(0);
    for (let i = 0; i < 100 && server.openConnections > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(server.openConnections).toBe(0);
  });

  it("a download that ends in time clears its deadline", async () => {
    const timers = new ManualTimers();
    await downloadJson(new URL(`http://127.0.0.1:${port()}/jwks.json`), LIMITS, {
      loopbackHttp: true,
      timers,
    });
    expect(timers.waiting).toBe(0);
  });
});

/**
 * A loopback server answering each path with exactly the bytes, status and headers a test gives (the
 * shared JWKS server sends text only), and remembering each request's method and headers.
 */
interface RawAnswer {
  readonly status?: number;
  readonly body: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send without Content-Length, so only the bytes counted while streaming reveal the size. */
  readonly chunked?: boolean;
}

const rawAnswers = new Map<string, RawAnswer>();
const rawRequests: { method: string | undefined; headers: IncomingHttpHeaders }[] = [];
const rawServer = createServer((request, response) => {
  rawRequests.push({ method: request.method, headers: request.headers });
  const answer = rawAnswers.get(request.url ?? "") ?? { status: 404, body: "{}" };
  const body = Buffer.from(answer.body);
  response.statusCode = answer.status ?? 200;
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
  if (answer.chunked) {
    response.write(body.subarray(0, 1));
    response.end(body.subarray(1));
  } else {
    response.setHeader("content-length", body.byteLength);
    response.end(body);
  }
});
let rawPort = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => rawServer.listen(0, "127.0.0.1", resolve));
  rawPort = (rawServer.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => rawServer.close(() => resolve())));

/** What downloading `answer` from the raw server ends with: the download, or the reason it failed. */
async function rawDownload(
  answer: RawAnswer,
  limits = LIMITS,
): Promise<{ body: unknown; maxAgeSeconds: number | undefined } | string> {
  const path = `/raw/${rawAnswers.size}`;
  rawAnswers.set(path, answer);
  return downloadJson(new URL(`http://127.0.0.1:${rawPort}${path}`), limits, { loopbackHttp: true }).then(
    (downloaded) => ({ body: downloaded.body, maxAgeSeconds: downloaded.maxAgeSeconds }),
    (error: Error) => error.message,
  );
}

describe("the status decides before the body", () => {
  it.each([300, 302, 399])(
    "HTTP %i is a redirect, refused as one (it could lead anywhere)",
    async (status) => {
      expect(await rawDownload({ status, body: "{}" })).toBe(
        `the keys URL redirected (HTTP status ${status})`,
      );
    },
  );

  it.each([400, 404, 500])("HTTP %i is refused with its status", async (status) => {
    expect(await rawDownload({ status, body: "{}" })).toBe(
      `the keys URL answered with HTTP status ${status}`,
    );
  });

  it.each([200, 203, 299])("HTTP %i is a success", async (status) => {
    expect(await rawDownload({ status, body: '{"keys":[]}' })).toEqual({
      body: { keys: [] },
      maxAgeSeconds: undefined,
    });
  });
});

describe("the size limit admits exactly maxBytes", () => {
  const body = '{"keys":[]}';
  const size = Buffer.byteLength(body);
  it.each([
    ["declared by Content-Length", false],
    ["counted while streaming", true],
  ])("%s: maxBytes bytes pass, one more is refused", async (_how, chunked) => {
    expect(await rawDownload({ body, chunked }, { timeoutMs: 5_000, maxBytes: size })).toEqual({
      body: { keys: [] },
      maxAgeSeconds: undefined,
    });
    expect(await rawDownload({ body, chunked }, { timeoutMs: 5_000, maxBytes: size - 1 })).toBe(
      `the keys URL answered with more than ${size - 1} bytes`,
    );
  });
});

describe("the body must be a JSON object in UTF-8", () => {
  it("bytes that are not UTF-8 are refused, not read with replacement characters", async () => {
    const body = Buffer.concat([Buffer.from('{"keys":[],"x":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(await rawDownload({ body })).toBe("the keys URL did not answer with UTF-8 text");
  });

  it("text that is not JSON is refused as such", async () => {
    expect(await rawDownload({ body: "<html>keys</html>" })).toBe("the keys URL did not answer with JSON");
  });

  it("JSON that is not an object is refused as such", async () => {
    expect(await rawDownload({ body: "[1,2]" })).toBe("the keys URL did not answer with a JSON object");
  });
});

describe("freshness: Cache-Control max-age less Age", () => {
  const maxAgeOf = async (headers: Record<string, string>) => {
    const result = await rawDownload({ body: '{"keys":[]}', headers });
    return typeof result === "string" ? result : result.maxAgeSeconds;
  };

  it.each([
    ["public, max-age=60", undefined, 60],
    ['max-age="60"', undefined, 60],
    ["max-age = 60 , must-revalidate", "10", 50],
    ["max-age=60", "0", 60],
    ["max-age=60", "-5", 60],
    ["max-age=60", "soon", 60],
    ["max-age=60", "Infinity", 60],
    ["max-age-extension=60", undefined, undefined],
    ["max-age=60abc", undefined, undefined],
    ["no-store", undefined, undefined],
  ])("Cache-Control %j with Age %j gives %j seconds", async (cacheControl, age, expected) => {
    expect(await maxAgeOf({ "cache-control": cacheControl, ...(age === undefined ? {} : { age }) })).toBe(
      expected,
    );
  });
});

describe("how the request is made and the name resolved", () => {
  it("asks for JSON, uncompressed, with GET", async () => {
    rawRequests.length = 0;
    await rawDownload({ body: "{}" });
    expect(
      rawRequests.map((request) => [
        request.method,
        request.headers.accept,
        request.headers["accept-encoding"],
      ]),
    ).toEqual([["GET", "application/json", "identity"]]);
  });

  it("an IPv6 literal in the URL is checked without its brackets, and never looked up", async () => {
    const { resolve, asked } = resolverOf("93.184.216.34");
    const result = await attempt(`https://[::1]:${port()}/jwks.json`, { resolve });
    expect(result).toEqual({ outcome: expect.stringMatching(BLOCKED), connections: 0 });
    expect(asked).toEqual([]);
  });

  it("a resolver that fails makes the download fail, rather than hang", async () => {
    const resolve = async (): Promise<LookupAddress[]> => {
      throw new Error("no such host");
    };
    expect(await attempt(`https://keys.example.test:${port()}/jwks.json`, { resolve })).toEqual({
      outcome: "the keys URL could not be reached, or its answer was cut off",
      connections: 0,
    });
  });

  it("the system resolver answers every address of a name (localhost, loopback only)", async () => {
    const result = await attempt(`http://localhost:${port()}/jwks.json`, { loopbackHttp: true });
    expect(result).toEqual({ outcome: "ok", connections: 1 });
  });

  it("a connection that asks for one address (no happy eyeballs) gets the first checked one", async () => {
    const before = getDefaultAutoSelectFamily();
    setDefaultAutoSelectFamily(false);
    try {
      const result = await attempt(`http://loopback.example.test:${port()}/jwks.json`, {
        resolve: resolverOf("127.0.0.1", "127.0.0.2").resolve,
        loopbackHttp: true,
      });
      expect(result).toEqual({ outcome: "ok", connections: 1 });
    } finally {
      setDefaultAutoSelectFamily(before);
    }
  });

  it("a failure is a JwksFetchError by name", async () => {
    const error = await rejectionOf(downloadJson(new URL("ftp://keys.example.com/"), LIMITS));
    expect([(error as Error).name, (error as Error).message]).toEqual([
      "JwksFetchError",
      "the keys URL is not https",
    ]);
  });
});

describe("the real timers", () => {
  it("a cleared deadline never fires; an uncleared one does", async () => {
    let cleared = 0;
    let kept = 0;
    // A referenced timer keeps the process alive while the deadline timers (which may be unreferenced) run.
    const alive = setTimeout(() => {}, 1_000);
    REAL_TIMERS.clearTimeout(REAL_TIMERS.setTimeout(() => cleared++, 1));
    await new Promise<void>((resolve) =>
      REAL_TIMERS.setTimeout(() => {
        kept++;
        resolve();
      }, 20),
    );
    clearTimeout(alive);
    expect([cleared, kept]).toEqual([0, 1]);
  });
});
