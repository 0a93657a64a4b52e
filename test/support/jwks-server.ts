/**
 * A JWKS endpoint on 127.0.0.1 for tests: each path serves what a test sets (keys, a status, a slow,
 * oversized or broken answer) and counts the requests it received, so tests can assert how often the
 * plugin fetched. Node built-ins only: it runs inside Node 18 scenario processes too.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Route {
  /** The JSON body (an object is serialised); ignored when `raw` is set. */
  readonly json?: unknown;
  /** A body sent as is. */
  readonly raw?: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer after this many milliseconds (the timer is cleared when the client gives up). */
  readonly delayMs?: number;
  /** Send the body in chunks without Content-Length, so only counting the bytes can catch its size. */
  readonly chunked?: boolean;
  /** Drop the connection without answering, as an endpoint that is down. */
  readonly drop?: boolean;
  /**
   * Send the headers, then `chunk` every `intervalMs` without ever ending the body (a dripping or an
   * endless answer); it stops when the client goes away, or after `forMs` (60 s unless given) at most.
   */
  readonly stream?: { readonly chunk: string; readonly intervalMs: number; readonly forMs?: number };
  /** Send the headers and part of the body, then reset the connection. */
  readonly resetAfterHeaders?: boolean;
}

export class JwksTestServer {
  private readonly routes = new Map<string, Route>();
  private readonly counts = new Map<string, number>();
  private readonly dripped = new Map<string, number>();
  private readonly server: Server;
  private port = 0;
  private accepted = 0;
  private open = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.accepted++;
      this.open++;
      socket.on("close", () => this.open--);
    });
  }

  /** How many of those connections are still open. */
  get openConnections(): number {
    return this.open;
  }

  /** How many TCP connections the server accepted, whether or not a request followed. */
  get connections(): number {
    return this.accepted;
  }

  /** The port it listens on. */
  get listeningPort(): number {
    return this.port;
  }

  /** Listens on 127.0.0.1 (or `host`), on a free port (or `port`); rejects when it cannot. */
  async start(host = "127.0.0.1", port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Serves `route` at `path` from now on. */
  set(path: string, route: Route): void {
    this.routes.set(path, route);
  }

  /** The URL of `path` on this server, with `host` (127.0.0.1 or localhost). */
  url(path: string, host = "127.0.0.1"): string {
    return `http://${host}:${this.port}${path}`;
  }

  /** How many chunks a streaming route at `path` has written, over all its requests. */
  drips(path: string): number {
    return this.dripped.get(path) ?? 0;
  }

  /** How many requests reached `path`. */
  hits(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0] as string;
    this.counts.set(path, this.hits(path) + 1);
    const route = this.routes.get(path) ?? { status: 404, raw: "not found" };
    if (route.drop) {
      req.socket.destroy();
      return;
    }
    if (route.stream) {
      streamForever(res, route.stream, () => this.dripped.set(path, this.drips(path) + 1));
      return;
    }
    if (route.resetAfterHeaders) {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"keys": [');
      setTimeout(() => req.socket.destroy(), 50);
      return;
    }
    const send = () => {
      const body = route.raw ?? JSON.stringify(route.json ?? {});
      res.statusCode = route.status ?? 200;
      res.setHeader("content-type", "application/json");
      for (const [name, value] of Object.entries(route.headers ?? {})) res.setHeader(name, value);
      if (!route.chunked) {
        res.end(body);
        return;
      }
      const size = 64 * 1024;
      for (let offset = 0; offset < body.length; offset += size) res.write(body.slice(offset, offset + size));
      res.end();
    };
    if (!route.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(send, route.delayMs);
    res.on("close", () => clearTimeout(timer));
  }
}

/** Writes `chunk` every `intervalMs` until the client closes the connection or `forMs` has passed. */
function streamForever(res: ServerResponse, stream: NonNullable<Route["stream"]>, onChunk: () => void): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.write('{"keys": [], "padding": "');
  const stopAt = Date.now() + (stream.forMs ?? 60_000);
  const timer = setInterval(() => {
    if (Date.now() >= stopAt || res.destroyed) {
      clearInterval(timer);
      res.destroy();
      return;
    }
    res.write(stream.chunk);
    onChunk();
  }, stream.intervalMs);
  res.on("close", () => clearInterval(timer));
}

/** A signing key pair for tests and its public JWK (what a provider publishes). */
export interface TestKey {
  readonly privateKey: KeyObject;
  readonly kid: string;
  readonly jwk: Record<string, unknown>;
}

/** A fresh key for `alg` ("RS256", "ES256" or "EdDSA"), published under `kid`. */
export function testKey(alg: "RS256" | "ES256" | "EdDSA", kid: string): TestKey {
  const pair =
    alg === "RS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : alg === "ES256"
        ? generateKeyPairSync("ec", { namedCurve: "P-256" })
        : generateKeyPairSync("ed25519");
  const jwk = pair.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  return { privateKey: pair.privateKey, kid, jwk: { ...jwk, kid, alg, use: "sig" } };
}

/** A JWKS body publishing these keys. */
export function jwksOf(...keys: TestKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((key) => key.jwk) };
}
