/**
 * The client's errors. Each has a `code`: a workflow's or the plugin's `error_code` as the server sent it
 * (`invalid_credentials`, `expired`, `refresh_token_reused`, ...), or one of the client's own codes for what
 * happened before a workflow could answer. No error ever holds a token: messages that come from the server
 * pass through `redact`, and `toJSON` lists exactly what is serialised.
 */

/**
 * Anything shaped like a JWT or a piece of one: a JSON object's base64url encoding (`eyJ` and at least 8 more
 * characters: a header, or a token cut short), and the parts that follow it after dots.
 */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g;
const HOLDS_JWT = new RegExp(JWT_LIKE.source);

/**
 * A run of text an encoded token can hide in: base64, base64url, percent escapes and dots, with line breaks
 * inside (base64 wrapped at 64 or 76 characters).
 */
const ENCODED_RUN = /[A-Za-z0-9+/=_.%-]+(?:\r?\n[A-Za-z0-9+/=_.%-]+)*/g;

/** How many encodings deep a token is looked for (base64 of a percent-encoded base64 text is 3). */
const DECODING_DEPTH = 3;

/** Longer messages are cut first: nobody reads them, and the search below stays cheap. */
const MAX_MESSAGE_LENGTH = 4096;

/**
 * Removes every JWT-shaped text from a message written by someone else (a workflow, Bubble, a fetch): as it
 * is, and inside base64, base64url, hex or percent-encoded text (a run that decodes to a token is removed
 * whole).
 */
export function redact(text: string): string {
  const cut = text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
  return cut
    .replace(JWT_LIKE, "[token]")
    .replace(ENCODED_RUN, (run) => (hidesToken(run, DECODING_DEPTH) ? "[token]" : run));
}

function hidesToken(run: string, depth: number): boolean {
  for (const decoded of decodings(run.replace(/\s+/g, ""))) {
    if (HOLDS_JWT.test(decoded)) return true;
    if (depth > 1 && (decoded.match(ENCODED_RUN) ?? []).some((inner) => hidesToken(inner, depth - 1))) {
      return true;
    }
  }
  return false;
}

/** The texts `run` may stand for: percent-decoded, hex-decoded, and base64-decoded from each of the 4 alignments. */
function decodings(run: string): string[] {
  const found: string[] = [];
  if (/%[0-9A-Fa-f]{2}/.test(run)) {
    found.push(run.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }
  // A token's shortest encoding is longer than this; shorter pieces are words, not blobs.
  for (const piece of run.split(/[.%=]+/).filter((p) => p.length >= 16)) {
    for (let skip = 0; skip < 4; skip++) found.push(base64Bytes(piece.slice(skip)));
    for (const hex of piece.match(/[0-9A-Fa-f]{16,}/g) ?? []) {
      for (let skip = 0; skip < 2; skip++) {
        found.push(hex.slice(skip).replace(/../g, (pair) => String.fromCharCode(parseInt(pair, 16))));
      }
    }
  }
  return found;
}

const BASE64_VALUES = new Map(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"].map((c, i) => [c, i] as const),
);

/**
 * Base64 or base64url text as a string of its bytes (one character per byte). By hand because neither
 * `atob` (missing from older React Native) nor Node's Buffer is everywhere the client runs.
 */
function base64Bytes(text: string): string {
  let bytes = "";
  let bits = 0;
  let bitCount = 0;
  for (const c of text) {
    const value = c === "+" || c === "-" ? 62 : c === "/" || c === "_" ? 63 : BASE64_VALUES.get(c);
    if (value === undefined) continue;
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes += String.fromCharCode((bits >> bitCount) & 0xff);
    }
  }
  return bytes;
}

/** The base class: `instanceof BubbleClientError` catches every error the client throws. */
export class BubbleClientError extends Error {
  override readonly name: string = "BubbleClientError";
  readonly code: string;

  constructor(code: string, message: string) {
    super(redact(message));
    // A code comes from the server too: a workflow could answer with a token in its error_code.
    this.code = redact(code);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** A workflow answered with an `error_code`: a refusal (wrong password, an expired token, ...). */
export class WorkflowError extends BubbleClientError {
  override readonly name = "WorkflowError";

  constructor(
    readonly workflow: string,
    code: string,
    message: string,
    /** The HTTP status: 200 on Bubble, where a refusal is a successful answer. */
    readonly status: number,
  ) {
    super(code, message || `The ${workflow} workflow answered ${code}.`);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), workflow: this.workflow, status: this.status };
  }
}

/**
 * Bubble (not the workflow) refused the request, or the answer was not a workflow's answer. Codes:
 * `missing_data` (a required parameter was not sent: Bubble's MISSING_DATA 400), `unauthorized` (Bubble's
 * 401: the workflow is not set to run without authentication), `not_found` (no such public workflow),
 * `server_error` (5xx), `http_error` (any other status), `redirect` (a 3xx, never followed), `bad_response`
 * (not Bubble's JSON envelope, or a login answer without its tokens or session_id).
 */
export class BubbleHttpError extends BubbleClientError {
  override readonly name = "BubbleHttpError";

  constructor(
    readonly workflow: string,
    code: string,
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), workflow: this.workflow, status: this.status };
  }
}

/** No answer: `network_error` (fetch failed: offline, DNS, TLS, refused) or `timeout`. */
export class NetworkError extends BubbleClientError {
  override readonly name = "NetworkError";

  constructor(
    readonly workflow: string,
    code: "network_error" | "timeout",
    message: string,
  ) {
    super(code, message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), workflow: this.workflow };
  }
}

/**
 * There is no session to call with: `not_signed_in`, or the session just ended while the client tried to
 * keep it (`code` is then the refresh workflow's answer, e.g. `refresh_token_reused`, and `reason` what
 * `onSessionEnd` listeners were told).
 */
export class SessionError extends BubbleClientError {
  override readonly name = "SessionError";

  constructor(
    code: string,
    message: string,
    readonly reason: string | null = null,
  ) {
    super(code, message);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** The storage adapter failed (`storage_failed`): a keychain locked, a quota reached. */
export class StorageError extends BubbleClientError {
  override readonly name = "StorageError";

  constructor(operation: "get" | "set" | "remove", cause: unknown) {
    super(
      "storage_failed",
      `The session storage's ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** The app used the client wrongly: options it cannot work with, a bad argument (`invalid_usage`). */
export class UsageError extends BubbleClientError {
  override readonly name = "UsageError";

  constructor(message: string) {
    super("invalid_usage", message);
  }
}
