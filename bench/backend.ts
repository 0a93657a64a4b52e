/**
 * The local backend as Bubble would bill it and as a client feels it:
 * 1. the plugin actions, searches and writes each workflow's answer costs (from the request log line,
 *    counted where each workflow step runs), with 1,000 and with 100,000 users and sessions in the
 *    database: a recommended workflow's cost must not grow with the app;
 * 2. throughput and latency of protected-action and refresh-token at 50 connections, loaded by autocannon
 *    in a separate process, so the client does not share the server's event loop.
 * `node tools/run-ts.mjs bench/backend.ts [--quick]`; `npm run bench` runs it too. With `--client
 * <config.json>` this file is that load-generating process.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AppDatabase } from "../src/emulator/database.js";
import { openLocalData } from "../src/emulator/local-data.js";
import { actionsDirOf, BubbleRuntime } from "../src/emulator/runtime.js";
import { type RunningServer, startServer } from "../src/emulator/server.js";
import { bubbleUniqueId, hashPassword } from "../src/emulator/users.js";
import { repoRoot } from "../src/paths.js";

/** What the load-generating process is told: where to send, and one JSON body per request (cycled). */
interface ClientConfig {
  readonly url: string;
  readonly bodies: readonly string[];
  readonly connections: number;
  /** Requests to send in all; each body is sent once when this is bodies.length. */
  readonly amount: number;
}

/** What it reports back. */
interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requests: number;
}

const CONNECTIONS = 50;

/** The user the load runs as, in live (the demo user is the development version's only). */
const BENCH_USER = { email: "bench@bench.example", password: "bench password" } as const;

/** The heading that starts the backend's part of docs/performance.md (the test of the report finds it). */
export const BACKEND_COSTS_HEADING = "### Local backend: what each answer costs in Bubble";

/** The report: a cost table per database size, then the two load figures. */
export async function benchBackend(options: { quick: boolean }): Promise<string> {
  const sizes = options.quick ? [1_000, 10_000] : [1_000, 100_000];
  const costs: Record<number, Map<string, Cost>> = {};
  for (const size of sizes) costs[size] = await measureCosts(size);
  const names = [...(costs[sizes[0] as number] as Map<string, Cost>).keys()];
  // Only the counts: a request's workload units also bill its plugin milliseconds, which vary run to run.
  const grows = names.filter((name) =>
    sizes.some((size) => costs[size]?.get(name)?.counts !== costs[sizes[0] as number]?.get(name)?.counts),
  );
  const cell = (cost: Cost | undefined) => (cost ? `${cost.counts} (${cost.wu} WU)` : "?");
  const lines = [
    `${BACKEND_COSTS_HEADING}, with ${sizes.map((n) => n.toLocaleString("en")).join(" and ")} users and sessions`,
    "",
    "Plugin actions / searches / writes, counted where each workflow step runs, and the workload units Bubble",
    "would bill that request (docs/workflows.md, Workload units).",
    "",
    `| workflow | ${sizes.map((n) => `${n.toLocaleString("en")} users`).join(" | ")} |`,
    `| --- | ${sizes.map(() => "---").join(" | ")} |`,
    ...names.map((name) => `| ${name} | ${sizes.map((size) => cell(costs[size]?.get(name))).join(" | ")} |`),
    "",
    grows.length === 0
      ? "No workflow's cost grows with the database."
      : `Costs that grow: ${grows.join(", ")}.`,
  ];
  if (grows.length > 0) process.exitCode = 1;

  const load = await measureLoad(options.quick ? 2_000 : 10_000);
  lines.push(
    "",
    "### Local backend under load (autocannon)",
    "",
    `autocannon in its own process, ${CONNECTIONS} connections, each answer checked.`,
    "",
    "| workflow | requests | requests/s | p50 ms | p99 ms | errors |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(load).map(
      ([name, figure]) =>
        `| ${name} | ${figure.requests} | ${Math.round(figure.requestsPerSecond)} | ${figure.p50Ms} | ${figure.p99Ms} | ${figure.errors} |`,
    ),
  );
  if (Object.values(load).some((figure) => figure.errors > 0)) process.exitCode = 1;
  return lines.join("\n");
}

/** A data folder whose live database holds `size` users, each with one session, plus BENCH_USER. */
async function populatedFolder(size: number): Promise<{ dir: string; benchUserId: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "jwt-bench-backend-"));
  const data = await openLocalData({ dir });
  const db = data.versions.live.database;
  // One hash for all: scrypt per user would make the set-up, not the workflows, the bench.
  const password_hash = await hashPassword(BENCH_USER.password);
  const now = Date.now();
  const benchUserId = bubbleUniqueId();
  db.insertUser({ id: benchUserId, email: BENCH_USER.email, password_hash }, now);
  db.transaction(() => {
    for (let i = 0; i < size; i++) {
      const id = bubbleUniqueId();
      db.insertUser({ id, email: `user${i}@bench.example`, password_hash }, now);
      db.insertSession({
        session_id: `bench-session-${i}`,
        user_id: id,
        current_jti: `bench-jti-${i}`,
        rotated_at: now,
        expires_at: now + 86_400_000,
        created_at: now,
      });
    }
  });
  data.close();
  return { dir, benchUserId };
}

/** One answer's bill: "actions / searches / writes", and its workload units. */
interface Cost {
  readonly counts: string;
  readonly wu: string;
}

/** Runs every workflow once on a backend with `size` users and sessions; its log line's costs by name. */
async function measureCosts(size: number): Promise<Map<string, Cost>> {
  const { dir } = await populatedFolder(size);
  const logs: string[] = [];
  const server = await startServer({ port: 0, dataDir: dir, log: (line) => logs.push(line) });
  const costs = new Map<string, Cost>();
  const call = async (label: string, workflow: string, body: unknown) => {
    const answer = await post(server, workflow, body);
    const line = logs.at(-1) ?? "";
    const counted = / actions=(\d+) searches=(\d+) writes=(\d+) wu=([\d.]+)/.exec(line);
    if (counted)
      costs.set(label, { counts: `${counted[1]} / ${counted[2]} / ${counted[3]}`, wu: counted[4] as string });
    return answer.response ?? {};
  };
  try {
    const credentials = { email: "bench-new@example.com", password: "a bench password" };
    await call("signup", "signup", credentials);
    const pair = await call("login", "login", credentials);
    const session = { session_id: pair.session_id };
    await call("protected-action", "protected-action", { ...session, token: pair.token });
    const next = await call("refresh-token (rotation)", "refresh-token", {
      ...session,
      refresh_token: pair.refresh_token,
    });
    await call("refresh-token (retry)", "refresh-token", { ...session, refresh_token: pair.refresh_token });
    await call("logout", "logout", { ...session, refresh_token: next.refresh_token });
    const other = (await post(server, "login", credentials)).response;
    await call("logout-everywhere", "logout-everywhere", {
      session_id: other.session_id,
      token: other.token,
    });
    const one = await call("token-login", "token-login", credentials);
    await call("token-protected-action", "token-protected-action", { token: one.token });
    await call("token-refresh", "token-refresh", { token: one.token });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return costs;
}

/**
 * protected-action with one access token, and refresh-token with a fresh refresh token per request (each a
 * real rotation: a search and a write), at CONNECTIONS connections from a separate autocannon process.
 */
async function measureLoad(requests: number): Promise<Record<string, LoadResult>> {
  const { dir, benchUserId } = await populatedFolder(1_000);
  // Refresh tokens minted by the built Generate action, each with its Session, as `login` would leave them
  // (without a login's scrypt per token, which would make the set-up take minutes).
  const data = await openLocalData({ dir });
  const runtime = new BubbleRuntime(actionsDirOf(repoRoot()));
  const refreshBodies: string[] = [];
  for (let i = 0; i < requests; i++)
    refreshBodies.push(await mintSession(runtime, data.versions.live, benchUserId));
  data.close();

  const server = await startServer({ port: 0, dataDir: dir, log: () => {} });
  try {
    const pair = (await post(server, "login", BENCH_USER)).response;
    const protectedBody = JSON.stringify({ token: pair.token, session_id: pair.session_id, note: "bench" });
    return {
      "protected-action": await runAutocannon({
        url: `${server.url}/api/1.1/wf/protected-action`,
        bodies: [protectedBody],
        connections: CONNECTIONS,
        amount: requests,
      }),
      "refresh-token (rotations)": await runAutocannon({
        url: `${server.url}/api/1.1/wf/refresh-token`,
        bodies: refreshBodies,
        connections: CONNECTIONS,
        amount: refreshBodies.length,
      }),
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mintSession(
  runtime: BubbleRuntime,
  live: { keys: Readonly<Record<string, string>>; database: AppDatabase },
  userId: string,
): Promise<string> {
  const { values } = await runtime.call(
    "JWT - Generate token",
    { subject: userId, issue_refresh_token: true, expires_in: 900 },
    live.keys,
  );
  const now = Date.now();
  live.database.insertSession({
    session_id: values.session_id as string,
    user_id: userId,
    current_jti: values.refresh_jti as string,
    rotated_at: now,
    expires_at: (values.refresh_expires_at as Date).getTime(),
    created_at: now,
  });
  return JSON.stringify({ refresh_token: values.refresh_token, session_id: values.session_id });
}

/** Starts this file as the load client in its own process and reads its one line of JSON. */
async function runAutocannon(config: ClientConfig): Promise<LoadResult> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "jwt-bench-client-")), "config.json");
  writeFileSync(file, JSON.stringify(config));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["tools/run-ts.mjs", "bench/backend.ts", "--client", file], {
        cwd: repoRoot(),
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve(text) : reject(new Error(`load client exited ${code}`)),
      );
    });
    return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as LoadResult;
  } finally {
    rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The load client: autocannon with one body per request; an answer without a response field is an error. */
async function runClient(configFile: string): Promise<void> {
  const { default: autocannon } = await import("autocannon");
  const config = JSON.parse(readFileSync(configFile, "utf8")) as ClientConfig;
  let next = 0;
  let refused = 0;
  // Timed here: autocannon's own duration ticks in steps too coarse for a run of a few seconds.
  const started = performance.now();
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    amount: config.amount,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: config.bodies[next++ % config.bodies.length] }),
        onResponse: (status, body) => {
          const answer = status === 200 ? JSON.parse(body) : undefined;
          if (!answer?.response || answer.response.error_code) refused++;
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const figure: LoadResult = {
    requestsPerSecond: result.requests.total / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + refused,
    seconds,
    requests: result.requests.total,
  };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

async function post(
  server: RunningServer,
  workflow: string,
  body: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field.
): Promise<any> {
  const response = await fetch(`${server.url}/api/1.1/wf/${workflow}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

// Last, so that every declaration above is initialised when the script runs as a command.
if (process.argv.includes("--client")) {
  await runClient(process.argv[process.argv.indexOf("--client") + 1] as string);
} else if (process.argv[1] && /backend(-[0-9a-f]+)?\.(mjs|ts)$/.test(path.basename(process.argv[1]))) {
  // Run directly (tools/run-ts.mjs bundles the script, so import.meta names the bundle of whoever imports it).
  console.log(await benchBackend({ quick: process.argv.includes("--quick") }));
}
