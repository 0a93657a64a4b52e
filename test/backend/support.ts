/**
 * Helpers for the local backend's tests: a server on an ephemeral loopback port with a fresh data folder
 * and its log lines captured, and small HTTP clients.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { KEYS_FILE, USERS_FILE } from "../../src/emulator/local-data.js";
import { type RunningServer, type ServerOptions, startServer } from "../../src/emulator/server.js";
import { now, signJws } from "../support/jws.js";

export interface TestServer extends RunningServer {
  /** Every request log line so far. */
  readonly logs: string[];
  /** POSTs to a workflow (`login`, ...) with a JSON body; `path` may start with /version-test. */
  post(workflow: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** The JWT Secret plugin key in the data folder (to craft tokens the way an attacker with it could). */
  secret(): string;
  /** The demo user's unique id, from users.json. */
  demoUserId(): string;
  /** A token signed with the server's secret: the demo user's claims, overridden by `claims`. */
  craft(claims?: Record<string, unknown>, secret?: string): string;
  /** Closes the server and deletes its data folder. */
  stop(): Promise<void>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions.
  readonly json: any;
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "jwt-backend-"));
  const logs: string[] = [];
  const server = await startServer({ port: 0, log: (line) => logs.push(line), ...options, dataDir });
  const readJsonFile = (name: string) => JSON.parse(readFileSync(path.join(dataDir, name), "utf8"));
  const secret = () => options.keyOverrides?.secret ?? (readJsonFile(KEYS_FILE)["JWT Secret"] as string);
  const demoUserId = () => readJsonFile(USERS_FILE).users[0].id as string;
  return {
    ...server,
    logs,
    secret,
    demoUserId,
    async post(workflow, body = {}, headers = {}) {
      const url = workflow.startsWith("/")
        ? `${server.url}${workflow}`
        : `${server.url}/api/1.1/wf/${workflow}`;
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, headers: response.headers, json: await response.json() };
    },
    craft(claims = {}, key = secret()) {
      const iat = now();
      const base = {
        sub: demoUserId(),
        email: server.data.demo.email,
        iss: "local-bubble-app",
        aud: "mobile-app",
        iat,
        exp: iat + 600,
        auth_time: iat,
        jti: `crafted-${Math.random().toString(36).slice(2)}`,
      };
      return signJws({ alg: "HS256", typ: "JWT" }, { ...base, ...claims }, "HS256", key);
    },
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw request with node:http, for what fetch will not send (chunked bodies, odd methods, bad types). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: readonly (string | Buffer)[] },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "POST", headers: options.headers });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    request.on("error", reject);
    for (const chunk of options.chunks ?? []) request.write(chunk);
    request.end();
  });
}

/** Waits until the wall clock has passed `iso` (an expires_at) by a few milliseconds. */
export async function waitUntilPast(iso: string): Promise<void> {
  const wait = Date.parse(iso) - Date.now() + 20;
  if (wait > 2_000) throw new Error(`refusing to sleep ${wait} ms in a test`);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
