/**
 * The local backend: an HTTP server (node:http) that answers Bubble's backend workflow URLs
 * (`/api/1.1/wf/<name>` live, `/version-test/api/1.1/wf/<name>` development, each version with its own
 * plugin keys and database) by running the app's workflow definitions (app/) through the interpreter, whose
 * plugin steps evaluate the built `actions/<ID>/server.js` through the Bubble runtime stand-in. Answers are
 * shaped as Bubble's; every request leaves a RequestRecord (the log line prints it; `onRecord` receives it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { APP } from "../../app/app.js";
import type { AppDefinition } from "../../app/types.js";
import { repoRoot } from "../paths.js";
import {
  type ConnectionLimits,
  capConnections,
  DEFAULT_LIMITS,
  timeoutOptions,
} from "./connection-limits.js";
import { consoleData } from "./console/data.js";
import { type ConsoleHandler, createConsole } from "./console/handler.js";
import { RequestLog } from "./console/request-log.js";
import { type InterpreterOptions, type RunResult, runWorkflow, type Settings } from "./interpreter.js";
import { checkKeys } from "./key-check.js";
import { type LocalData, type LocalDataOptions, openLocalData, type Version } from "./local-data.js";
import { HttpError, readParameters } from "./request-body.js";
import { withRequest } from "./request-context.js";
import type { RequestRecord, StepRecord } from "./request-record.js";
import { actionsDirOf, BubbleRuntime } from "./runtime.js";

export type { Settings } from "./interpreter.js";

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = "127.0.0.1";

/** The workflows' settings when no variable sets them (env.ts); docs/sessions.md gives the reasons. */
export const DEFAULT_SETTINGS: Settings = {
  // 15 minutes: an access token that leaks is useless soon, and the session flow renews it unseen.
  accessTokenTtlSeconds: 900,
  // 30 days idle: a phone used once a month stays signed in.
  refreshTokenTtlSeconds: 2_592_000,
  // 30 seconds: a mobile client's retry fits, a stolen rotated-away refresh token does not.
  refreshRetryWindowSeconds: 30,
  // One-token flow: one hour, renewed through token-refresh.
  tokenTtlSeconds: 3600,
  // One-token flow: none, as the guide's token-refresh types it (server-to-server callers refresh in time);
  // REFRESH_GRACE_SECONDS gives clients that are often offline a grace period.
  refreshGraceSeconds: 0,
};

export interface ServerOptions extends Partial<Pick<LocalDataOptions, "keyOverrides" | "demo">> {
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: the backend is for this machine only. */
  readonly host?: string;
  /** The folder of plugin keys and databases (see local-data.ts), created on first start. */
  readonly dataDir: string;
  /** The built actions to run; default the repository's `actions/`. */
  readonly actionsDir?: string;
  /** Any of the workflows' settings; the others are DEFAULT_SETTINGS. */
  readonly settings?: Partial<Settings>;
  /** Where request log lines go; default standard output. */
  readonly log?: (line: string) => void;
  /** Receives every request's record (a console shows them); never a token, password or key in it. */
  readonly onRecord?: (record: RequestRecord) => void;
  /**
   * The clock, in milliseconds since 1970: the workflows' Current date/time, the rows' dates, and `Date`
   * inside the built actions (runtime.ts). Default the real one; a test moves it instead of waiting.
   */
  readonly now?: () => number;
  /** The app to run; default the recommended one (app/app.ts). The mistakes suite hands in changed copies. */
  readonly app?: AppDefinition;
  /** Bubble behaviour its manual leaves open (interpreter.ts); default the stricter assumption. */
  readonly interpreter?: InterpreterOptions;
  /** How many requests the console keeps (newest first); default 500. */
  readonly consoleCapacity?: number;
  /** Connection cap and slow-request timeouts; the others are DEFAULT_LIMITS. */
  readonly limits?: Partial<ConnectionLimits>;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly settings: Settings;
  /** The data folder, the demo user, what this start wrote or changed (never the keys' values). */
  readonly data: Pick<LocalData, "dir" | "demo" | "written" | "notes">;
  /** The latest requests, as the console shows them. */
  readonly requests: RequestLog;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), closes the databases. */
  close(graceMs?: number): Promise<void>;
}

/** One answer: HTTP status, JSON body, extra headers, and the log's outcome word. */
interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly outcome: string;
  readonly headers?: Readonly<Record<string, string>>;
}

// The version and workflow name parts of the URL; anything else is not logged, since a client may put a
// token in a path.
const ROUTE = /^(\/version-test)?\/api\/1\.1\/wf\/([A-Za-z0-9_-]{1,64})\/?$/;

/**
 * Bubble's answer to an `Authorization: Bearer` header or `api_token` query parameter that is not one of its
 * own API or user tokens.
 */
export const BEARER_REFUSAL = { error_class: "Unauthorized", message: "Invalid or expired token" } as const;

/**
 * Starts the local backend: opens (or creates) the data folder, checks the keys, loads the built actions
 * and listens. Rejects with a one-line message when a key is missing or weak.
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
  const now = options.now ?? Date.now;
  // Local development points Verify external at JWKS servers on this machine (e.g. `supabase start`).
  const runtime = new BubbleRuntime(options.actionsDir ?? actionsDirOf(repoRoot()), {
    now,
    localRuntime: { loopbackHttp: true },
  });
  try {
    await checkKeys(data, runtime);
  } catch (error) {
    data.close();
    throw error;
  }
  const settings: Settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const app = options.app ?? APP;
  const served = app.workflows.map((workflow) => workflow.name).join(", ");
  const requests = new RequestLog(options.consoleCapacity);
  const consoleVersions = { live: "live", test: "version-test" } as const;
  const consolePages: ConsoleHandler = createConsole({
    log: requests,
    data: {
      live: consoleData(data.versions.live.database),
      test: consoleData(data.versions["version-test"].database),
    },
    inspector: {
      call: async (version, action, inputs) =>
        (await runtime.call(action, inputs, data.versions[consoleVersions[version]].keys, [])).values,
      session: (version, sessionId) =>
        consoleData(data.versions[consoleVersions[version]].database).session(sessionId),
      user: (version, userId) => consoleData(data.versions[consoleVersions[version]].database).user(userId),
    },
    retryWindowMs: settings.refreshRetryWindowSeconds * 1000,
    now,
  });

  /** Runs one workflow of one version: its definition through the interpreter, the actions in the runtime. */
  const run = (version: Version, name: string, parameters: Record<string, unknown>): Promise<RunResult> => {
    const { keys, database } = data.versions[version];
    return runWorkflow(
      {
        app,
        database,
        now,
        settings,
        options: options.interpreter,
        plugin: (action, inputs) => runtime.call(action, inputs, keys, []),
      },
      name,
      parameters,
    );
  };

  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = createServer(
    {
      // A token may be 16,384 characters (the plugin's own limit): let it through in a header.
      maxHeaderSize: 32 * 1024,
      ...timeoutOptions(limits),
    },
    (request, response) => {
      const context = { clientAddress: request.socket.remoteAddress ?? "unknown", now };
      withRequest(context, () => handle(request, response)).catch((error: unknown) => {
        // Only reached when logging itself failed: nothing is left to answer, and the server goes on.
        process.stderr.write(
          `request handling failed: ${error instanceof Error ? error.name : typeof error}\n`,
        );
      });
    },
  );

  capConnections(server, limits);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (consolePages.handle(request, response)) return;
    const started = performance.now();
    const at = now();
    const trace: string[] = [];
    const [path = "", query = ""] = (request.url ?? "").split("?", 2);
    const route = ROUTE.exec(path);
    let answer: Answer;
    let result: RunResult | undefined;
    try {
      result = await respond(request, route, query, trace);
      answer = answerOf(result);
    } catch (error) {
      answer = failure(error, trace);
    }
    // A client that hung up makes writing fail; the answer is lost either way, the log still says it.
    response.on("error", () => trace.push("the client went away before the answer was sent"));
    try {
      send(response, answer);
    } catch {
      trace.push("the answer could not be sent");
    }
    // The console's log numbers the records, so ids follow arrival order across both versions.
    const record = requests.add({
      at,
      version: route?.[1] ? "test" : "live",
      workflow: route?.[2] ?? "(other path)",
      httpStatus: answer.status,
      outcome: answer.outcome,
      ms: Math.round(performance.now() - started),
      cost: result?.cost ?? { actions: 0, searches: 0, writes: 0, wu: 0 },
      ...(result?.userId ? { userId: result.userId } : {}),
      ...(result?.sessionId ? { sessionId: result.sessionId } : {}),
      steps: result?.steps ?? [],
    });
    log(logLine(record, request.method, route ? path : "(other path)", trace));
    options.onRecord?.(record);
  }

  async function respond(
    request: IncomingMessage,
    route: RegExpExecArray | null,
    query: string,
    trace: string[],
  ): Promise<RunResult> {
    // Bubble reads these before anything else, as its own admin API token or user token.
    const bearer = /^\s*bearer(\s|$)/i.test(request.headers.authorization ?? "");
    if (bearer || new URLSearchParams(query).has("api_token")) {
      request.resume();
      const where = bearer ? "an Authorization: Bearer header" : "the api_token query parameter";
      trace.push(`hint: Bubble reads ${where} as its own token; send the JWT as the token parameter`);
      throw new BearerRefusal();
    }
    const name = route?.[2];
    if (name === undefined || !app.workflows.some((workflow) => workflow.name === name)) {
      request.resume();
      throw new HttpError(
        404,
        "NOT_FOUND",
        name === undefined
          ? `Not a workflow URL; this backend serves POST /api/1.1/wf/<name> (and under /version-test/) for ${served}.`
          : `Workflow not found: ${name}; this backend serves ${served}.`,
      );
    }
    if (request.method !== "POST") {
      request.resume();
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "Backend workflows answer POST requests here.", {
        Allow: "POST",
      });
    }
    const parameters = await readParameters(request);
    const result = await run(route?.[1] ? "version-test" : "live", name, parameters);
    trace.push(...result.logs);
    // The plugin's messages name the key or field to fix and never a value; they belong in the server's
    // log, not in the answer to a client.
    if (result.failure !== undefined) trace.push(result.failure);
    return result;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    data.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    settings,
    data: { dir: data.dir, demo: data.demo, written: data.written, notes: data.notes },
    requests,
    close(graceMs = 5_000) {
      consolePages.close();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          data.close();
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Bubble answered the request itself: a Bearer header or api_token that is not one of its own tokens. */
class BearerRefusal extends Error {}

/** The answer of a workflow that ran: Return data's response, or Bubble's error when a step failed. */
function answerOf(result: RunResult): Answer {
  if (result.response === undefined) return SERVER_ERROR;
  return { status: 200, body: { status: "success", response: result.response }, outcome: result.outcome };
}

const SERVER_ERROR: Answer = {
  status: 500,
  body: {
    statusCode: 500,
    body: {
      status: "SERVER_ERROR",
      message: "The workflow stopped on a server error; the backend's log says why.",
    },
  },
  outcome: "server_error",
};

/**
 * The request log line: when, what, the answer, what Bubble bills (plugin actions, searches, writes,
 * workload units), each step as it ran, then the actions' own log lines. Never a token, password or key.
 */
export function logLine(
  record: RequestRecord,
  method: string | undefined,
  path: string,
  trace: readonly string[],
): string {
  const { actions, searches, writes, wu } = record.cost;
  const steps = record.steps.length > 0 ? [`steps: ${record.steps.map(stepText).join("; ")}`] : [];
  return [
    `${new Date(record.at).toISOString()} ${method} ${path}`,
    `${record.httpStatus} ${record.ms}ms ${record.outcome}`,
    `actions=${actions} searches=${searches} writes=${writes} wu=${wu}`,
    ...steps,
    ...trace.map((line) => `| ${line}`),
  ].join(" ");
}

function stepText(step: StepRecord): string {
  return `${step.index} ${step.label} ${step.status}${step.note === undefined ? "" : ` (${step.note})`}`;
}

/** The answer to a request that did not reach, or did not finish, its workflow: Bubble's error envelope. */
function failure(error: unknown, trace: string[]): Answer {
  if (error instanceof BearerRefusal) return { status: 401, body: BEARER_REFUSAL, outcome: "bearer_refused" };
  if (error instanceof HttpError) {
    const headers = { ...error.headers };
    // The rest of an oversized body is not worth reading on a kept-alive connection.
    if (error.status === 413) headers.Connection = "close";
    return {
      status: error.status,
      body: { statusCode: error.status, body: { status: error.code, message: error.message } },
      outcome: error.code,
      headers,
    };
  }
  trace.push(`unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`);
  return SERVER_ERROR;
}

function send(response: ServerResponse, answer: Answer): void {
  if (response.headersSent || response.destroyed) return;
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
