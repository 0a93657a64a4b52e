/**
 * The local console: pages and a small JSON API, served by the local backend beside its workflow URLs.
 * It shows users, sessions and the latest requests step by step, inspects a pasted token, and makes the
 * three changes a developer needs while testing. Safe by construction:
 * - only loopback peers, and only a Host naming loopback (a web page cannot reach it through DNS
 *   rebinding);
 * - changes only by POST with a JSON body from the console's own origin (a form or a page on another
 *   site cannot send one without a CORS preflight, which is never answered);
 * - no key, secret, password hash or token in any answer, and a pasted token is neither stored nor logged;
 * - the page loads nothing from outside (its Content-Security-Policy allows only itself).
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { repoRoot } from "../../paths.js";
import type { RequestRecord } from "../request-record.js";
import type { ConsoleData } from "./data.js";
import { inspectToken, type TokenInspector } from "./inspector.js";
import type { RequestFilter, RequestLog } from "./request-log.js";
import { CONSOLE_WORKFLOWS, usersView } from "./sessions-view.js";

export type ConsoleVersion = RequestRecord["version"];

export interface ConsoleOptions {
  readonly log: RequestLog;
  readonly data: Readonly<Record<ConsoleVersion, ConsoleData>>;
  readonly inspector: TokenInspector;
  /** How long after a rotation the parent refresh token is still a retry (for the "in retry window" state). */
  readonly retryWindowMs: number;
  readonly now?: () => number;
}

export interface ConsoleHandler {
  /** Answers a console request and returns true; false when the path is not the console's. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Ends the live streams, so the server can close. */
  close(): void;
}

// Scripts run bundled elsewhere (tools/run-ts.mjs), so the page is found from the repository root.
const PAGE_DIR = path.join(repoRoot(), "src", "emulator", "console", "page");
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/console/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
} as const;

/** Largest console request body: a token is at most 16,384 characters. */
const MAX_BODY_BYTES = 32 * 1024;

export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const now = options.now ?? Date.now;
  const assets = new Map(
    Object.entries(ASSETS).map(([route, asset]) => [
      route,
      { body: readFileSync(path.join(PAGE_DIR, asset.file)), type: asset.type },
    ]),
  );
  const streams = new Set<ServerResponse>();

  // The page is GET / only: any other request to / is a Bubble URL like the rest, answered as Bubble does.
  const isConsolePath = (pathname: string, method = "GET") =>
    (pathname === "/" && method === "GET") || pathname.startsWith("/console/");

  function handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = new URL(request.url ?? "/", "http://console.invalid");
    if (!isConsolePath(url.pathname, request.method)) return false;
    const refusal = refuseForeign(request);
    if (refusal) {
      request.resume();
      json(response, 403, { error: refusal });
      return true;
    }
    const asset = assets.get(url.pathname);
    if (asset && request.method === "GET") {
      response.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": asset.type });
      response.end(asset.body);
      return true;
    }
    route(request, response, url).catch(() => {
      if (!response.headersSent) json(response, 500, { error: "The console could not answer; see the log." });
      else response.end();
    });
    return true;
  }

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const version = readVersion(url.searchParams.get("version"));
    const key = `${request.method} ${url.pathname}`;
    switch (key) {
      case "GET /console/api/requests": {
        const filter: RequestFilter = {
          version,
          userId: url.searchParams.get("user") || undefined,
          sessionId: url.searchParams.get("session") || undefined,
          outcome: url.searchParams.get("outcome") || undefined,
        };
        return json(response, 200, { requests: options.log.list(filter, 200) });
      }
      case "GET /console/api/sessions": {
        const data = options.data[version];
        const users = usersView(
          data.users(),
          data.sessions(),
          options.log,
          version,
          now(),
          options.retryWindowMs,
        );
        return json(response, 200, { users, now: now() });
      }
      case "GET /console/api/stream":
        return stream(request, response);
      case "POST /console/api/inspect": {
        const body = await readJson(request);
        const token = typeof body.token === "string" ? body.token : "";
        return json(response, 200, await inspectToken(options.inspector, version, token));
      }
      case "POST /console/api/end-session":
      case "POST /console/api/log-out-everywhere":
      case "POST /console/api/delete-user":
        return json(response, 200, change(version, url.pathname, await readJson(request)));
      default:
        request.resume();
        return json(response, 404, { error: "Not a console page or API." });
    }
  }

  /** One of the developer's changes, recorded in the request log so timelines show it. */
  function change(version: ConsoleVersion, pathname: string, body: Record<string, unknown>) {
    const data = options.data[version];
    const id = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
    const at = now();
    let workflow: string;
    let userId: string | undefined;
    let sessionId: string | undefined;
    if (pathname.endsWith("/end-session")) {
      const session = data.session(id("session_id"));
      if (!session) return { ok: false, error: "No such session." };
      data.endSession(session.sessionId, at);
      workflow = CONSOLE_WORKFLOWS.endSession;
      userId = session.userId;
      sessionId = session.sessionId;
    } else {
      const user = data.user(id("user_id"));
      if (!user) return { ok: false, error: "No such user." };
      userId = user.id;
      if (pathname.endsWith("/log-out-everywhere")) {
        data.logOutEverywhere(user.id, at);
        workflow = CONSOLE_WORKFLOWS.logOutEverywhere;
      } else {
        data.deleteUser(user.id);
        workflow = CONSOLE_WORKFLOWS.deleteUser;
      }
    }
    options.log.add({
      at,
      version,
      workflow,
      httpStatus: 200,
      outcome: "ok",
      ms: 0,
      cost: { actions: 0, searches: 0, writes: 1, wu: 0 },
      userId,
      sessionId,
      steps: [{ index: "1", label: workflow.replace("console: ", "Console: "), status: "ran" }],
    });
    return { ok: true };
  }

  function stream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      Connection: "keep-alive",
    });
    response.write(": connected\n\n");
    streams.add(response);
    const stop = options.log.subscribe((record) => {
      response.write(`data: ${JSON.stringify(record)}\n\n`);
    });
    const end = () => {
      stop();
      streams.delete(response);
    };
    request.on("close", end);
    response.on("error", end);
  }

  return {
    handle,
    close() {
      for (const response of streams) response.end();
      streams.clear();
    },
  };
}

function readVersion(value: string | null): ConsoleVersion {
  return value === "test" ? "test" : "live";
}

/** Why a request may not use the console, or undefined when it may. */
export function refuseForeign(request: IncomingMessage): string | undefined {
  if (!isLoopback(request.socket.remoteAddress ?? "")) return "The console answers this machine only.";
  const host = request.headers.host ?? "";
  const hostName = host.replace(/:\d+$/, "");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(hostName.toLowerCase()))
    return "The console answers only at 127.0.0.1, localhost or [::1].";
  if (request.method === "GET") return undefined;
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") return "Console changes are JSON requests from the console page.";
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return "Console changes come from the console page only.";
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    return "Console changes come from the console page only.";
  return undefined;
}

function isLoopback(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return {};
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}
