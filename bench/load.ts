/**
 * The local backend under load: requests per second and latency of `protected-action` (one JWT - Session action
 * through the Bubble runtime stand-in, plus HTTP and JSON) at a fixed number of keep-alive connections.
 * Client and server share this process, so the figure is a floor for the server alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startServer } from "../src/emulator/server.js";

export interface LoadOptions {
  /** Measured requests. */
  readonly requests: number;
  /** Connections kept busy at once (default 50). */
  readonly concurrency?: number;
  /** Requests before measuring, to warm the JIT and the plugin's key cache (default 1,000 or 10%, the more). */
  readonly warmup?: number;
}

export interface LoadFigure {
  readonly requests: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 200, or failed requests; a sound figure has none. */
  readonly errors: number;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

function post(agent: Agent, url: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: "POST",
      agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
    });
    outgoing.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** Runs `count` requests over `concurrency` workers; the latency of each in milliseconds, and the errors. */
async function run(agent: Agent, url: string, body: string, count: number, concurrency: number) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const started = performance.now();
      try {
        const answer = await post(agent, url, body);
        if (answer.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, errors };
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/**
 * Starts a local backend on a free loopback port with a temporary data folder, logs the demo user in once,
 * and sends `protected-action` with that token `requests` times over `concurrency` keep-alive connections.
 */
export async function measureProtectedAction(options: LoadOptions): Promise<LoadFigure> {
  const concurrency = options.concurrency ?? 50;
  const dataDir = mkdtempSync(path.join(tmpdir(), "jwt-bench-"));
  const server = await startServer({ port: 0, dataDir, log: () => {} });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const login = await post(agent, `${server.url}/api/1.1/wf/login`, JSON.stringify(server.data.demo));
    const { token, session_id } = JSON.parse(login.body).response ?? {};
    if (login.status !== 200 || typeof token !== "string") throw new Error(`login answered ${login.status}`);
    const url = `${server.url}/api/1.1/wf/protected-action`;
    const body = JSON.stringify({ token, session_id, note: "bench" });

    await run(
      agent,
      url,
      body,
      options.warmup ?? Math.max(1_000, Math.ceil(options.requests / 10)),
      concurrency,
    );
    const started = performance.now();
    const { latencies, errors } = await run(agent, url, body, options.requests, concurrency);
    const seconds = (performance.now() - started) / 1000;
    const sorted = latencies.sort((a, b) => a - b);
    return {
      requests: options.requests,
      concurrency,
      seconds,
      requestsPerSecond: options.requests / seconds,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      errors,
    };
  } finally {
    agent.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
