/**
 * Reads a backend workflow's parameters from a request body, as Bubble accepts them: a JSON object, or a
 * form-encoded body (what `curl -d` sends). Bad bodies become HttpErrors whose messages never quote the body.
 */
import type { IncomingMessage } from "node:http";

/** Largest body read; a workflow's parameters are a few hundred bytes, a token at most 16 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An answer the server gives instead of running a workflow: status, stable code, one plain sentence. */
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
    "body_too_large",
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
      "unsupported_media_type",
      "The request body must be JSON (Content-Type: application/json) or form-encoded (application/x-www-form-urlencoded).",
    );
  }
  const text = (await readBody(request)).toString("utf8");
  if (form) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the body, which may hold a password.
    throw new HttpError(
      400,
      "invalid_json",
      'The request body is not valid JSON; send one object such as {"email": "...", "password": "..."}.',
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(
      400,
      "invalid_json",
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
    let refused = false;
    request.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    // The client went away mid-body: nobody reads this answer, but the log says what happened.
    request.on("error", () =>
      reject(new HttpError(400, "incomplete_body", "The request body did not arrive complete.")),
    );
  });
}
