/**
 * The local backend: an HTTP server (node:http) that answers Bubble's backend workflow URLs
 * (`/api/1.1/wf/<name>` and `/version-test/api/1.1/wf/<name>`) by running the seed's workflows, whose
 * JWT steps evaluate the built `actions/<ID>/server.js` through the Bubble runtime stand-in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { repoRoot } from "../paths.js";
import { type LocalData, type LocalDataOptions, openLocalData } from "./local-data.js";
import { HttpError, readParameters } from "./request-body.js";
import { RevocationList } from "./revocations.js";
import { actionsDirOf, BubbleRuntime } from "./runtime.js";
import { type App, WORKFLOWS, type WorkflowAnswer } from "./workflows.js";

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";
/** One hour: the recipe's short lifetime, renewed through refresh-token. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Five minutes: a phone that wakes up just after its token expired can still refresh it. */
export const DEFAULT_REFRESH_GRACE_SECONDS = 300;

export interface ServerOptions extends Partial<Pick<LocalDataOptions, "keyOverrides" | "demo">> {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: the backend is for this machine only. */
  readonly host?: string;
  /** The folder of plugin keys and users (see local-data.ts), created on first start. */
  readonly dataDir: string;
  /** The built actions to run; default the repository's `actions/`. */
  readonly actionsDir?: string;
  readonly tokenTtlSeconds?: number;
  readonly refreshGraceSeconds?: number;
  /** Where request log lines go; default standard output. */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly tokenTtlSeconds: number;
  readonly refreshGraceSeconds: number;
  /** The data folder, the demo credentials and the files this start wrote (never the keys' values). */
  readonly data: Pick<LocalData, "dir" | "demo" | "written">;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

// The workflow name part of the URL; anything else is not logged, since a client may put a token in a path.
const ROUTE = /^(?:\/version-test)?\/api\/1\.1\/wf\/([A-Za-z0-9_-]{1,64})\/?$/;

const SERVED = Object.keys(WORKFLOWS)
  .map((workflow) => `POST /api/1.1/wf/${workflow}`)
  .join(", ");

/** An action stopped the workflow by throwing (Bubble shows the message in the app's server logs). */
class StepError extends Error {
  override readonly name = "StepError";
}

/**
 * Starts the local backend: opens (or creates) the data folder, loads the built actions and listens.
 *
 * @example
 * const server = await startServer({ port: 0, dataDir: "/tmp/backend" });
 * await fetch(`${server.url}/api/1.1/wf/login`, { method: "POST", body: JSON.stringify(credentials) });
 * await server.close();
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const data = await openLocalData({
    dir: options.dataDir,
    keyOverrides: options.keyOverrides,
    demo: options.demo,
  });
  const runtime = new BubbleRuntime(options.actionsDir ?? actionsDirOf(repoRoot()));
  const tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const refreshGraceSeconds = options.refreshGraceSeconds ?? DEFAULT_REFRESH_GRACE_SECONDS;
  const revocations = new RevocationList((tokenTtlSeconds + refreshGraceSeconds) * 1000);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));

  /** The app as one request's workflow sees it; the actions' log lines go to that request's log line. */
  const appFor = (trace: string[]): App => ({
    async step(action, fields) {
      try {
        const { values, logs } = await runtime.call(action, fields, data.keys);
        trace.push(...logs);
        return values;
      } catch (error) {
        throw new StepError(error instanceof Error ? error.message : String(error));
      }
    },
    users: data.users,
    revocations,
    tokenTtlSeconds,
    refreshGraceSeconds,
  });

  const server = createServer(
    {
      // A token may be 16,384 characters (the plugin's own limit): let it through in a header.
      maxHeaderSize: 32 * 1024,
      requestTimeout: 30_000,
      headersTimeout: 10_000,
    },
    (request, response) => {
      void handle(request, response);
    },
  );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const trace: string[] = [];
    const path = (request.url ?? "").split("?")[0] ?? "";
    const name = ROUTE.exec(path)?.[1];
    let answer: WorkflowAnswer & { headers?: Readonly<Record<string, string>> };
    try {
      answer = await route(request, name, trace);
    } catch (error) {
      answer = failure(error, trace);
    }
    send(response, answer);
    const ms = Math.round(performance.now() - started);
    const logged = [
      `${new Date().toISOString()} ${request.method} ${name ? path : "(other path)"}`,
      `${answer.status} ${ms}ms ${answer.outcome}`,
      ...trace.map((line) => `| ${line}`),
    ];
    log(logged.join(" "));
  }

  async function route(request: IncomingMessage, name: string | undefined, trace: string[]) {
    const workflow = name === undefined ? undefined : WORKFLOWS[name];
    if (!workflow) {
      request.resume();
      throw new HttpError(404, "not_found", `There is no such workflow; this backend serves ${SERVED}.`);
    }
    if (request.method !== "POST") {
      request.resume();
      throw new HttpError(405, "method_not_allowed", "Backend workflows answer POST requests only.", {
        Allow: "POST",
      });
    }
    const parameters = await readParameters(request);
    return workflow({ parameters, authorization: request.headers.authorization }, appFor(trace));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    tokenTtlSeconds,
    refreshGraceSeconds,
    data: { dir: data.dir, demo: data.demo, written: data.written },
    close(graceMs = 5_000) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** The answer to a request that did not reach, or did not finish, its workflow. */
function failure(error: unknown, trace: string[]): WorkflowAnswer & { headers?: Record<string, string> } {
  if (error instanceof HttpError) {
    const headers = { ...error.headers };
    // The rest of an oversized body is not worth reading on a kept-alive connection.
    if (error.status === 413) headers.Connection = "close";
    return {
      status: error.status,
      body: { status: "error", error_code: error.code, message: error.message },
      outcome: error.code,
      headers,
    };
  }
  // The plugin's messages name the key or field to fix and never a value; they belong in the server's
  // log, not in the answer to a client.
  trace.push(
    error instanceof StepError
      ? error.message
      : `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`,
  );
  return {
    status: 500,
    body: {
      status: "error",
      error_code: "server_error",
      message: "The workflow stopped on a server error; the backend's log says why.",
    },
    outcome: "server_error",
  };
}

function send(
  response: ServerResponse,
  answer: { status: number; body: unknown; headers?: Readonly<Record<string, string>> },
): void {
  const body = `${JSON.stringify(answer.body)}\n`;
  response.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    // Answers carry tokens: no cache may keep them.
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...answer.headers,
  });
  response.end(body);
}
