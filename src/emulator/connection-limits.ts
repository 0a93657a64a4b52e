/**
 * How much of the local backend a slow or greedy client can hold: simultaneous connections, and how long
 * a request may take to send its headers and its whole body. Sized for a laptop: a phone or emulator on
 * the same machine or network sends a login in milliseconds; the longest body the backend reads is 64 KB.
 * Node's own defaults (a request timeout of 5 minutes, timeouts checked every 30 s, no connection cap)
 * let a few dozen slow clients hold the server for a minute each.
 */
import type { Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** Connections open at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** Time for a request's headers to arrive, from the connection (or the previous answer). */
  readonly headersTimeoutMs: number;
  /** Time for the whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** How often the server looks for requests past those times: a request is held at most this much longer. */
  readonly checkEveryMs: number;
  /** How long an idle kept-alive connection stays open after an answer. */
  readonly keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  // Above the 100 simultaneous clients the concurrency tests and benchmarks open, far below a file limit.
  maxConnections: 256,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  checkEveryMs: 1_000,
  keepAliveTimeoutMs: 5_000,
};

/** The createServer options for these limits. */
export function timeoutOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.checkEveryMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
  };
}

/**
 * Caps the server's simultaneous connections, and closes a connection that sends nothing within the
 * headers timeout: Node's timeouts start with a request's first byte, so a silent connection would
 * otherwise hold one of the capped places for ever.
 */
export function capConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.on("connection", (socket: Socket) => {
    const silent = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    silent.unref();
    socket.once("data", () => clearTimeout(silent));
    socket.once("close", () => clearTimeout(silent));
  });
}
