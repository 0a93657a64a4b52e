/**
 * One POST to a Bubble backend workflow, and the reading of Bubble's answer: the envelope
 * `{"status":"success","response":{...}}`, a refusal inside it (`error_code`), Bubble's own errors
 * (MISSING_DATA 400, the 401 it answers for an `Authorization` header it does not know) and the local
 * backend's. The token travels in the JSON body only: never in a header, never in the URL. Redirects are
 * never followed: a 307 or 308 would carry the body (a password, the tokens) to wherever it points.
 */
import { BubbleHttpError, NetworkError, WorkflowError } from "./errors.js";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** What a workflow answered: the `response` object of Bubble's envelope. */
export type WorkflowResponse = Record<string, unknown>;

export interface Transport {
  /** Posts `parameters` as JSON to `workflow`; resolves with its `response` or throws a client error. */
  post(workflow: string, parameters: Record<string, unknown>, timeoutMs?: number): Promise<WorkflowResponse>;
}

export interface TransportOptions {
  /** e.g. `https://myapp.bubbleapps.io/version-test/api/1.1/wf/`, ending with a slash. */
  readonly baseUrl: string;
  readonly fetch: FetchFunction;
  readonly timeoutMs: number;
}

export function createTransport(options: TransportOptions): Transport {
  return {
    async post(workflow, parameters, timeoutMs = options.timeoutMs) {
      const { status, text } = await exchange(options, workflow, parameters, timeoutMs);
      return readAnswer(workflow, status, text);
    },
  };
}

/**
 * The request and the reading of its answer, within `timeoutMs`. The abort stops the request; the race
 * stops the wait even for a `fetch` that ignores the abort signal.
 */
async function exchange(
  options: TransportOptions,
  workflow: string,
  parameters: Record<string, unknown>,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  // AbortController and setTimeout, not AbortSignal.timeout: React Native does not have the latter.
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new NetworkError(workflow, "timeout", `No answer from the ${workflow} workflow in ${timeoutMs} ms.`),
      );
    }, timeoutMs);
  });
  const url = `${options.baseUrl}${encodeURIComponent(workflow)}`;
  const request = (async () => {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(parameters),
        // The redirect comes back as an answer (a browser's "opaqueredirect"), read as an error below.
        redirect: "manual",
        signal: controller.signal,
      });
    } catch (error) {
      throw new NetworkError(
        workflow,
        "network_error",
        `The ${workflow} workflow could not be reached: ${describe(error)}`,
      );
    }
    if (isRedirect(response, url)) {
      // Nothing more is read or sent: the app's address is appUrl, not where a redirect points. The body is
      // let go, so the connection is freed.
      response.body?.cancel().catch(() => {});
      throw new BubbleHttpError(
        workflow,
        "redirect",
        `The ${workflow} workflow answered with a redirect (HTTP ${response.status}), which the client never follows: set appUrl to the app's address as it answers.`,
        response.status,
      );
    }
    try {
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw new NetworkError(
        workflow,
        "network_error",
        `The ${workflow} workflow's answer was cut off: ${describe(error)}`,
      );
    }
  })();
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
    // The loser of the race may still reject (an aborted fetch); that is expected, not unhandled.
    request.catch(() => {});
  }
}

/**
 * A redirect, however `fetch` shows it: a 3xx status (Node, and `redirect: "manual"`), a browser's opaque
 * redirect (status 0), or an answer from another address (a `fetch` that ignores `redirect` and followed it;
 * the request is then gone already, but its answer is still refused).
 */
function isRedirect(response: Response, url: string): boolean {
  if (response.type === "opaqueredirect" || response.redirected === true) return true;
  if (response.status >= 300 && response.status < 400) return true;
  return (
    typeof response.url === "string" && response.url !== "" && addressOf(response.url) !== addressOf(url)
  );
}

/** A URL as two spellings of one address agree on: scheme and host in lower case, no default port. */
function addressOf(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)/i, (origin) =>
    origin.toLowerCase().replace(/^(https:\/\/[^/]*):443$|^(http:\/\/[^/]*):80$/, "$1$2"),
  );
}

/** Reads an answer's body: a workflow's `response`, or the error it stands for. */
export function readAnswer(workflow: string, status: number, text: string): WorkflowResponse {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    if (!isObject(body) || body.status !== "success" || !isObject(body.response ?? {})) {
      throw new BubbleHttpError(
        workflow,
        "bad_response",
        `The ${workflow} workflow's answer is not Bubble's {"status":"success","response":{...}}.`,
        status,
      );
    }
    const answer = (body.response ?? {}) as WorkflowResponse;
    const refusal = refusalOf(answer);
    if (refusal) throw new WorkflowError(workflow, refusal.code, refusal.message, status);
    return answer;
  }
  // The local backend answers a refusal with a 4xx status and the code at the top level.
  const refusal = isObject(body) ? refusalOf(body) : null;
  if (refusal) throw new WorkflowError(workflow, refusal.code, refusal.message, status);
  throw bubbleError(workflow, status, body);
}

function bubbleError(workflow: string, status: number, body: unknown): BubbleHttpError {
  // Bubble's own errors: {"statusCode":400,"body":{"status":"MISSING_DATA","message":"..."}}.
  const inner = isObject(body) && isObject(body.body) ? body.body : {};
  const detail = typeof inner.message === "string" ? ` ${inner.message}` : "";
  if (inner.status === "MISSING_DATA") {
    return new BubbleHttpError(workflow, "missing_data", `Bubble refused the request:${detail}`, status);
  }
  if (status === 401) {
    return new BubbleHttpError(
      workflow,
      "unauthorized",
      `Bubble answered 401 for the ${workflow} workflow: tick "This workflow can be run without authentication" in its settings.`,
      status,
    );
  }
  if (status === 404) {
    return new BubbleHttpError(
      workflow,
      "not_found",
      `No public API workflow named ${workflow} (check its name, "Expose as a public API workflow", and live or test).`,
      status,
    );
  }
  const code = status >= 500 ? "server_error" : "http_error";
  return new BubbleHttpError(
    workflow,
    code,
    `The ${workflow} workflow answered HTTP ${status}.${detail}`,
    status,
  );
}

function refusalOf(answer: Record<string, unknown>): { code: string; message: string } | null {
  const code = answer.error_code;
  if (typeof code !== "string" || code === "") return null;
  const message = answer.error_message ?? answer.message;
  return { code, message: typeof message === "string" ? message : "" };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
