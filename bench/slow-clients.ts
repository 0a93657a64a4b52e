/**
 * Slow clients against the local backend, on loopback: connections that send their headers, or their body,
 * a byte at a time and never finish, connections that send nothing, plus idle connections beyond the
 * connection cap. Reports how long the
 * server holds each kind before it closes them, and whether ordinary requests are answered meanwhile.
 *
 * `node tools/run-ts.mjs bench/slow-clients.ts [idle connections] [--before]` measures a backend with its
 * default limits (or, with --before, the settings it had before them); the test
 * (test/backend/connection-limits.test.ts) runs the same measurement with small limits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { ConnectionLimits } from "../src/emulator/connection-limits.js";
import { type ServerOptions, startServer } from "../src/emulator/server.js";

export interface SlowClientOptions {
  /** Connections of each slow kind (default 10). */
  readonly slow?: number;
  /** Idle connections opened beyond the slow ones, to find the cap (default 0). */
  readonly idle?: number;
  /** Milliseconds between two bytes of a slow client (default 500). */
  readonly dripMs?: number;
  /** Give up on a connection the server still holds after this long (default 120 s): the run stays bounded. */
  readonly giveUpMs?: number;
  /** Milliseconds between two ordinary requests made meanwhile (default 250). */
  readonly probeEveryMs?: number;
  /** An idle connection closed this soon was refused by the cap (default 1 s; keep it below the headers timeout). */
  readonly refusedWithinMs?: number;
}

export interface SlowClientFigures {
  /** How long the server held each slow-headers connection, in ms (giveUpMs when it never closed it). */
  readonly slowHeadersHeldMs: readonly number[];
  /** The same for connections whose headers were complete and whose body dripped. */
  readonly slowBodyHeldMs: readonly number[];
  /** The same for connections that send nothing at all. */
  readonly silentHeldMs: readonly number[];
  /** Idle connections the server closed at once (within `refusedWithinMs`): those over the cap. */
  readonly idleRefused: number;
  /** Ordinary requests made while the slow clients were connected, and how many were answered. */
  readonly probes: number;
  readonly probesAnswered: number;
  /** The slowest ordinary answer, in ms. */
  readonly probeMaxMs: number;
}

/** Opens a connection; resolves with it once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Milliseconds from now until `socket` closes, or `giveUpMs` (then it is destroyed here). */
function heldFor(socket: Socket, giveUpMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stop = setTimeout(() => {
      socket.destroy();
      resolve(giveUpMs);
    }, giveUpMs);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(stop);
      resolve(Math.round(performance.now() - started));
    });
  });
}

/** Writes `bytes` one every `dripMs` while the socket is open; never the last one. */
function drip(socket: Socket, text: string, dripMs: number): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= text.length - 1) return clearInterval(timer);
    socket.write(text[next++] as string);
  }, dripMs);
  socket.on("close", () => clearInterval(timer));
}

/** One ordinary request: a signup with an invalid email, answered without a write or a password hash. */
async function probe(url: string): Promise<number | undefined> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/api/1.1/wf/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "not an email", password: "long enough password" }),
      signal: AbortSignal.timeout(5_000),
    });
    await response.text();
    return response.status === 200 ? Math.round(performance.now() - started) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the slow clients against the backend at `url` (loopback). */
export async function measureSlowClients(
  url: string,
  options: SlowClientOptions = {},
): Promise<SlowClientFigures> {
  const { slow = 10, idle = 0, dripMs = 500, giveUpMs = 120_000, probeEveryMs = 250 } = options;
  const refusedWithinMs = options.refusedWithinMs ?? 1_000;
  const port = Number(new URL(url).port);
  const body = JSON.stringify({ email: "slow@example.com", password: "a slow password" });
  const headers = "POST /api/1.1/wf/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";

  const headerSockets = await Promise.all(Array.from({ length: slow }, () => open(port)));
  const bodySockets = await Promise.all(Array.from({ length: slow }, () => open(port)));
  const silentSockets = await Promise.all(Array.from({ length: slow }, () => open(port)));
  const held = {
    headers: headerSockets.map((socket) => heldFor(socket, giveUpMs)),
    body: bodySockets.map((socket) => heldFor(socket, giveUpMs)),
    silent: silentSockets.map((socket) => heldFor(socket, giveUpMs)),
  };
  for (const socket of headerSockets) drip(socket, `${headers}X-Slow: ${"a".repeat(10_000)}\r\n\r\n`, dripMs);
  for (const socket of bodySockets) {
    socket.write(`${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    drip(socket, body, dripMs);
  }

  // Idle connections beyond the slow ones: those over the cap are closed before they send anything.
  const idleSockets = await Promise.all(
    Array.from({ length: idle }, () => open(port).catch(() => undefined)),
  );
  const idleHeld = idleSockets.map((socket) =>
    socket ? heldFor(socket, refusedWithinMs) : Promise.resolve(0),
  );

  // Ordinary requests while the slow ones are held, until every slow connection has ended.
  let probing = true;
  const all = Promise.all([...held.headers, ...held.body, ...held.silent]).finally(() => {
    probing = false;
  });
  const answered: number[] = [];
  let probes = 0;
  const idleDone = Promise.all(idleHeld);
  // The idle connections go first, so the probes do not race them for the cap.
  const idleTimes = await idleDone;
  for (const socket of idleSockets) socket?.destroy();
  // The server counts a connection until it has seen it close.
  await new Promise((resolve) => setTimeout(resolve, 200));
  while (probing) {
    probes++;
    const ms = await probe(url);
    if (ms !== undefined) answered.push(ms);
    await new Promise((resolve) => setTimeout(resolve, probeEveryMs));
  }
  await all;
  return {
    slowHeadersHeldMs: await Promise.all(held.headers),
    slowBodyHeldMs: await Promise.all(held.body),
    silentHeldMs: await Promise.all(held.silent),
    idleRefused: idleTimes.filter((ms) => ms < refusedWithinMs).length,
    probes,
    probesAnswered: answered.length,
    probeMaxMs: Math.max(0, ...answered),
  };
}

/** Starts a backend on a free port with a temporary data folder, measures it, stops it. */
export async function measureBackend(
  options: Partial<ServerOptions> = {},
  clients: SlowClientOptions = {},
): Promise<SlowClientFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "jwt-slow-"));
  const server = await startServer({ port: 0, log: () => {}, ...options, dataDir });
  try {
    return await measureSlowClients(server.url, clients);
  } finally {
    await server.close(1_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function range(values: readonly number[]): string {
  return `${(Math.min(...values) / 1000).toFixed(1)}–${(Math.max(...values) / 1000).toFixed(1)} s`;
}

/**
 * The settings before the limits existed: a 10 s headers and 30 s request timeout, Node's 30 s check
 * interval, no connection cap. `--before` measures them, for comparison.
 */
const BEFORE: ConnectionLimits = {
  maxConnections: Number.POSITIVE_INFINITY,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  checkEveryMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

if (process.argv[1] && /slow-clients(-[0-9a-f]+)?\.(mjs|ts)$/.test(path.basename(process.argv[1]))) {
  const args = process.argv.slice(2);
  const idle = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 0);
  const figures = await measureBackend(args.includes("--before") ? { limits: BEFORE } : {}, { idle });
  console.log(
    [
      `slow headers held ${range(figures.slowHeadersHeldMs)} (${figures.slowHeadersHeldMs.length} connections)`,
      `slow bodies held ${range(figures.slowBodyHeldMs)} (${figures.slowBodyHeldMs.length} connections)`,
      `silent connections held ${range(figures.silentHeldMs)} (${figures.silentHeldMs.length} connections)`,
      `idle connections over the cap closed at once: ${figures.idleRefused} of ${idle}`,
      `ordinary requests meanwhile: ${figures.probesAnswered} of ${figures.probes} answered, slowest ${figures.probeMaxMs} ms`,
    ].join("\n"),
  );
}
