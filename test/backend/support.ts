/**
 * Helpers for the local backend's tests: a server on an ephemeral loopback port with a fresh data folder,
 * its own clock (a test moves it forward instead of waiting), its log lines and request records captured,
 * and small HTTP clients.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { FILES, type Version } from "../../src/emulator/local-data.js";
import type { RequestRecord } from "../../src/emulator/request-record.js";
import { type RunningServer, type ServerOptions, startServer } from "../../src/emulator/server.js";
import { signJws } from "../support/jws.js";

export const DEMO = { email: "demo@example.com", password: "demo-password" } as const;

export interface TestServer extends RunningServer {
  /** Every request log line so far. */
  readonly logs: string[];
  /** Every request record so far (the onRecord sink). */
  readonly records: RequestRecord[];
  /** The server's clock, in milliseconds since 1970. */
  now(): number;
  /** Moves the server's clock (and so the actions' Date) forward by `ms`. */
  advance(ms: number): void;
  /** POSTs to a workflow (`login`, ...) with a JSON body; `path` may start with /version-test. */
  post(workflow: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** The JWT Secret plugin key of a version (to craft tokens the way an attacker with it could). */
  secret(version?: Version): string;
  /** The demo user's unique id. */
  demoUserId(): Promise<string>;
  /** A one-token-flow token signed with the live secret: the demo user's claims, overridden by `claims`. */
  craft(claims?: Record<string, unknown>, secret?: string, typ?: string): Promise<string>;
  /** Logs the demo user in (session flow); the answer's response. */
  login(credentials?: { email: string; password: string }): Promise<Pair>;
  /** Closes the server and deletes its data folder (unless the caller gave the folder). */
  stop(): Promise<void>;
}

/** The response of login and refresh-token. */
export interface Pair {
  readonly user_id: string;
  readonly session_id: string;
  readonly token: string;
  readonly expires_at: number;
  readonly refresh_token: string;
  readonly refresh_expires_at: number;
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
  const records: RequestRecord[] = [];
  let clock = Date.now();
  const server = await startServer({
    port: 0,
    log: (line) => logs.push(line),
    onRecord: (record) => records.push(record),
    now: () => clock,
    ...options,
    dataDir,
  });
  const secret = (version: Version = "live") =>
    (version === "live" ? options.keyOverrides?.secret : undefined) ??
    (JSON.parse(readFileSync(path.join(dataDir, FILES[version].keys), "utf8"))["JWT Secret"] as string);
  const post: TestServer["post"] = async (workflow, body = {}, headers = {}) => {
    const url = workflow.startsWith("/")
      ? `${server.url}${workflow}`
      : `${server.url}/api/1.1/wf/${workflow}`;
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: await response.json() };
  };
  const login: TestServer["login"] = async (credentials = DEMO) => {
    const answer = await post("login", credentials);
    if (answer.status !== 200 || answer.json.response.error_code)
      throw new Error(`login failed: ${JSON.stringify(answer.json)}`);
    return answer.json.response;
  };
  const demoUserId = async () => (await login()).user_id as string;
  return {
    ...server,
    logs,
    records,
    now: () => clock,
    advance(ms) {
      clock += ms;
    },
    secret,
    demoUserId,
    post,
    login,
    async craft(claims = {}, key = secret(), typ = "JWT") {
      const iat = Math.floor(clock / 1000);
      const base = {
        sub: await demoUserId(),
        email: server.data.demo.email,
        iss: "local-bubble-app",
        aud: "mobile-app",
        iat,
        exp: iat + 600,
        auth_time: iat,
        jti: `crafted-${Math.random().toString(36).slice(2)}`,
      };
      return signJws({ alg: "HS256", typ }, { ...base, ...claims }, "HS256", key);
    },
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The claims of a JWT, read without checking it (the tests compare them). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8"));
}

/** The header of a JWT. */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] as string, "base64url").toString("utf8"));
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

/** `npm start`'s command as a child process (without npm in between, so signals reach it directly). */
export interface Backend {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the child printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** POSTs JSON to a workflow; the answer's JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are read field by field in assertions.
  post(workflow: string, body: unknown): Promise<any>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export async function spawnBackend(env: Record<string, string>): Promise<Backend> {
  const child = spawn(process.execPath, ["tools/run-ts.mjs", "src/emulator/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (data: Buffer) => {
    output += data.toString("utf8");
  });
  child.stderr?.on("data", (data: Buffer) => {
    output += data.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (let i = 0; i < 1200 && !done && !output.includes("Ctrl+C stops the server."); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const url = /Local Bubble backend on (http:\/\/127\.0\.0\.1:\d+):/.exec(output)?.[1];
  if (!url) {
    child.kill("SIGKILL");
    throw new Error(`the backend did not start:\n${output}`);
  }
  return {
    child,
    url,
    output: () => output,
    exited,
    async post(workflow, body) {
      const response = await fetch(`${url}/api/1.1/wf/${workflow}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return response.json();
    },
  };
}
