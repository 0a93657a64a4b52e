/**
 * The client's errors. Each has a `code`: a workflow's or the plugin's `error_code` as the server sent it
 * (`invalid_credentials`, `expired`, `refresh_token_reused`, ...), or one of the client's own codes for what
 * happened before a workflow could answer. No error ever holds a token: messages that come from the server
 * pass through `redact`, and `toJSON` lists exactly what is serialised.
 */

/** Anything shaped like a JWT (three base64url parts, the first a JSON object's encoding). */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;

/** Removes every JWT-shaped text from a message written by someone else (a workflow, Bubble, a fetch). */
export function redact(text: string): string {
  return text.replace(JWT_LIKE, "[token]");
}

/** The base class: `instanceof BubbleClientError` catches every error the client throws. */
export class BubbleClientError extends Error {
  override readonly name: string = "BubbleClientError";
  readonly code: string;

  constructor(code: string, message: string) {
    super(redact(message));
    this.code = code;
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
