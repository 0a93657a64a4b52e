/**
 * The local backend: an HTTP server (node:http) that answers Bubble's backend workflow URLs
 * (`/api/1.1/wf/<name>` live, `/version-test/api/1.1/wf/<name>` development, each version with its own
 * plugin keys and database) by running the workflows of workflows.ts, whose JWT steps evaluate the built
 * `actions/<ID>/server.js` through the Bubble runtime stand-in. Answers are shaped as Bubble's.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { repoRoot } from "../paths.js";
import {
  type ConnectionLimits,
  capConnections,
  DEFAULT_LIMITS,
  timeoutOptions,
} from "./connection-limits.js";
import { checkKeys } from "./key-check.js";
import { type LocalData, type LocalDataOptions, openLocalData, type Version } from "./local-data.js";
import { HttpError, readParameters } from "./request-body.js";
import { withRequest } from "./request-context.js";
import { actionsDirOf, BubbleRuntime } from "./runtime.js";
import { type App, type Settings, WORKFLOWS } from "./workflows.js";

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
  // One-token flow: a phone that wakes up just after its token expired can still refresh it.
  refreshGraceSeconds: 300,
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
  /** Connection cap and slow-request timeouts; the others are DEFAULT_LIMITS. */
  readonly limits?: Partial<ConnectionLimits>;
  /** The clock of Bubble's own bookkeeping (the login lockout); default Date.now. Tests move it. */
  readonly clock?: () => number;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly settings: Settings;
  /** The data folder, the demo user, what this start wrote or changed (never the keys' values). */
  readonly data: Pick<LocalData, "dir" | "demo" | "written" | "notes">;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), closes the databases. */
  close(graceMs?: number): Promise<void>;
}

/** What the request log counts per answer: Bubble bills each plugin action, search and write. */
interface Costs {
  actions: number;
  searches: number;
  writes: number;
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

const SERVED = [...WORKFLOWS.keys()].join(", ");

/**
 * Bubble's answer to an `Authorization: Bearer` header or `api_token` query parameter that is not one of its
 * own API or user tokens.
 */
export const BEARER_REFUSAL = { error_class: "Unauthorized", message: "Invalid or expired token" } as const;

/** An action stopped the workflow by throwing (Bubble shows the message in the app's server logs). */
class StepError extends Error {
  override readonly name = "StepError";
}

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
  try {
    checkKeys(data);
  } catch (error) {
    data.close();
    throw error;
  }
  const runtime = new BubbleRuntime(options.actionsDir ?? actionsDirOf(repoRoot()));
  const settings: Settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));

  /** The app of one version as one request's workflow sees it, counting what Bubble bills. */
  const appFor = (version: Version, trace: string[], costs: Costs): App => {
    const { keys, database } = data.versions[version];
    return {
      async step(action, fields) {
        costs.actions++;
        try {
          const { values, logs } = await runtime.call(action, fields, keys);
          trace.push(...logs);
          return values;
        } catch (error) {
          throw new StepError(error instanceof Error ? error.message : String(error));
        }
      },
      search(find) {
        costs.searches++;
        return find(database);
      },
      write(change) {
        costs.writes++;
        return change(database);
      },
      wrote() {
        costs.writes++;
      },
      db: database,
      settings,
    };
  };

  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const clock = options.clock ?? Date.now;
  const server = createServer(
    {
      // A token may be 16,384 characters (the plugin's own limit): let it through in a header.
      maxHeaderSize: 32 * 1024,
      ...timeoutOptions(limits),
    },
    (request, response) => {
      const context = { clientAddress: request.socket.remoteAddress ?? "unknown", now: clock };
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
    const started = performance.now();
    const trace: string[] = [];
    const costs: Costs = { actions: 0, searches: 0, writes: 0 };
    const [path = "", query = ""] = (request.url ?? "").split("?", 2);
    const route = ROUTE.exec(path);
    let answer: Answer;
    try {
      answer = await respond(request, route, query, trace, costs);
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
    const ms = Math.round(performance.now() - started);
    const logged = [
      `${new Date().toISOString()} ${request.method} ${route ? path : "(other path)"}`,
      `${answer.status} ${ms}ms ${answer.outcome}`,
      `actions=${costs.actions} searches=${costs.searches} writes=${costs.writes}`,
      ...trace.map((line) => `| ${line}`),
    ];
    log(logged.join(" "));
  }

  async function respond(
    request: IncomingMessage,
    route: RegExpExecArray | null,
    query: string,
    trace: string[],
    costs: Costs,
  ): Promise<Answer> {
    // Bubble reads these before anything else, as its own admin API token or user token.
    const bearer = /^\s*bearer(\s|$)/i.test(request.headers.authorization ?? "");
    if (bearer || new URLSearchParams(query).has("api_token")) {
      request.resume();
      const where = bearer ? "an Authorization: Bearer header" : "the api_token query parameter";
      trace.push(`hint: Bubble reads ${where} as its own token; send the JWT as the token parameter`);
      return { status: 401, body: BEARER_REFUSAL, outcome: "bearer_refused" };
    }
    const name = route?.[2];
    const workflow = name === undefined ? undefined : WORKFLOWS.get(name);
    if (!workflow || name === undefined) {
      request.resume();
      throw new HttpError(
        404,
        "NOT_FOUND",
        name === undefined
          ? `Not a workflow URL; this backend serves POST /api/1.1/wf/<name> (and under /version-test/) for ${SERVED}.`
          : `Workflow not found: ${name}; this backend serves ${SERVED}.`,
      );
    }
    if (request.method !== "POST") {
      request.resume();
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "Backend workflows answer POST requests here.", {
        Allow: "POST",
      });
    }
    const parameters = await readParameters(request);
    const version: Version = route?.[1] ? "version-test" : "live";
    const answer = await workflow({ name, parameters }, appFor(version, trace, costs));
    return { status: 200, body: { status: "success", response: answer.response }, outcome: answer.outcome };
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
    close(graceMs = 5_000) {
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

/** The answer to a request that did not reach, or did not finish, its workflow: Bubble's error envelope. */
function failure(error: unknown, trace: string[]): Answer {
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
      statusCode: 500,
      body: {
        status: "SERVER_ERROR",
        message: "The workflow stopped on a server error; the backend's log says why.",
      },
    },
    outcome: "server_error",
  };
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
