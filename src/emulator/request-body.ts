/**
 * Reads a backend workflow's parameters from a request body, as Bubble accepts them: a JSON object, or a
 * form-encoded body (what `curl -d` sends). Bad bodies become HttpErrors whose messages never quote the body.
 * Nesting is bounded before the body is parsed, so no parameter can be deep enough to exhaust a stack in
 * any later step (a workflow, an action, the answer's JSON).
 */
import type { IncomingMessage } from "node:http";
import { isJsonObject, jsonDepthExceeds } from "../common/json.js";

/** Largest body read; a workflow's parameters are a few hundred bytes, a token at most 16 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Deepest nesting of objects and lists a body may have; the body's own object is level 1. */
export const MAX_DEPTH = 16;

/**
 * An answer Bubble gives instead of running a workflow: HTTP status, Bubble's upper-case status word
 * (MISSING_DATA, ...) and one plain sentence, sent as `{"statusCode", "body": {"status", "message"}}`.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export type Parameters = Record<string, unknown>;

const tooLarge = () =>
  new HttpError(
    413,
    "BODY_TOO_LARGE",
    `The request body is larger than ${MAX_BODY_BYTES / 1024} KB; send only the workflow's parameters.`,
  );

/**
 * The parameters of a request. Rejects with an HttpError for a body over MAX_BODY_BYTES (413), a media
 * type other than JSON or form encoding (415), or a body that is not one JSON object (400). Once it has
 * rejected, the rest of the body is read and dropped, so the client still gets the answer.
 */
export async function readParameters(request: IncomingMessage): Promise<Parameters> {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const json = mediaType === "" || mediaType === "application/json" || mediaType.endsWith("+json");
  const form = mediaType === "application/x-www-form-urlencoded";
  if (!json && !form) {
    request.resume();
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "The request body must be JSON (Content-Type: application/json) or form-encoded (application/x-www-form-urlencoded).",
    );
  }
  const text = (await readBody(request)).toString("utf8");
  if (form) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === "") return {};
  if (jsonDepthExceeds(text, MAX_DEPTH))
    throw new HttpError(
      400,
      "INVALID_DATA",
      `The request body nests objects or lists more than ${MAX_DEPTH} levels deep; send flat parameters.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the body, which may hold a password.
    throw new HttpError(
      400,
      "INVALID_JSON",
      'The request body is not valid JSON; send one object such as {"email": "...", "password": "..."}.',
    );
  }
  if (!isJsonObject(parsed)) {
    throw new HttpError(
      400,
      "INVALID_JSON",
      'The request body must be one JSON object of parameters, such as {"token": "..."}.',
    );
  }
  return parsed as Parameters;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) {
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overLimit = false;
    request.on("data", (chunk: Buffer) => {
      if (overLimit) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        overLimit = true;
        chunks.length = 0;
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (!overLimit) resolve(Buffer.concat(chunks));
    });
    // The client went away mid-body: nobody reads this answer, but the log says what happened.
    request.on("error", () =>
      reject(new HttpError(400, "INCOMPLETE_BODY", "The request body did not arrive complete.")),
    );
  });
}
