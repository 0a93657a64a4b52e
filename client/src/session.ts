/**
 * The session as the client keeps it: the token pair and the `session_id` a `login` or `refresh-token`
 * answer carries, read strictly (a login answer without its tokens or its session_id is an error, not a
 * session), and its stored form. The session_id is sent back with every request: the workflows find the
 * Session by it.
 */
import { BubbleHttpError } from "./errors.js";
import type { WorkflowResponse } from "./transport.js";

export interface StoredSession {
  readonly userId: string;
  readonly sessionId: string;
  readonly token: string;
  /** Milliseconds since 1970, as the server's clock says. */
  readonly expiresAt: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: number | null;
  /** When this device received the pair (its own clock): the start of the token's life as seen here. */
  readonly receivedAt: number;
}

/** What `session()` tells the app; never a token. */
export interface SessionInfo {
  readonly userId: string;
  /** The session (one login on one device), as the server names it. */
  readonly sessionId: string;
  /** When the access token expires (the client refreshes it by itself). */
  readonly expiresAt: Date;
  /** When the session ends unless it is used: the refresh token's expiry. */
  readonly refreshExpiresAt: Date | null;
}

/**
 * A date in an answer: milliseconds since 1970 (a number, or digits in a text) or an ISO 8601 text. Bubble's
 * manual does not say which "Return data from API" writes, so both are read.
 */
export function parseDate(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : null;
  if (typeof value !== "string") return null;
  if (/^\d+$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Reads the pair out of a `login` or `refresh-token` answer; a refresh's answer names the session it
 * refreshed (`sessionId`), or it is not this session's.
 */
export function sessionFromAnswer(
  workflow: string,
  answer: WorkflowResponse,
  receivedAt: number,
  sessionId?: string,
): StoredSession {
  const token = answer.token;
  const refreshToken = answer.refresh_token;
  const userId = answer.user_id;
  const answeredSessionId = answer.session_id;
  const expiresAt = parseDate(answer.expires_at);
  const missing = [
    typeof token === "string" && token !== "" ? null : "token",
    typeof refreshToken === "string" && refreshToken !== "" ? null : "refresh_token",
    typeof userId === "string" && userId !== "" ? null : "user_id",
    typeof answeredSessionId === "string" && answeredSessionId !== "" ? null : "session_id",
    expiresAt === null ? "expires_at (milliseconds or an ISO 8601 date)" : null,
  ].filter((name) => name !== null);
  if (missing.length > 0) {
    throw new BubbleHttpError(
      workflow,
      "bad_response",
      `The ${workflow} workflow's answer lacks ${missing.join(", ")}: return them with "Return data from API".`,
      200,
    );
  }
  if (sessionId !== undefined && answeredSessionId !== sessionId) {
    throw new BubbleHttpError(
      workflow,
      "bad_response",
      `The ${workflow} workflow answered another session_id than the one sent: return the session's own.`,
      200,
    );
  }
  return {
    userId: userId as string,
    sessionId: answeredSessionId as string,
    token: token as string,
    expiresAt: expiresAt as number,
    refreshToken: refreshToken as string,
    refreshExpiresAt: parseDate(answer.refresh_expires_at),
    receivedAt,
  };
}

export function serialise(session: StoredSession): string {
  return JSON.stringify({ version: 1, ...session });
}

/** The stored text back into a session; anything else (another version, a damaged value) is no session. */
export function deserialise(text: string | null | undefined): StoredSession | null {
  if (typeof text !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    v.version === 1 &&
    typeof v.userId === "string" &&
    // A session stored without its session_id (before the workflows needed it) cannot be refreshed: none.
    typeof v.sessionId === "string" &&
    v.sessionId !== "" &&
    typeof v.token === "string" &&
    typeof v.expiresAt === "number" &&
    typeof v.refreshToken === "string" &&
    (typeof v.refreshExpiresAt === "number" || v.refreshExpiresAt === null) &&
    typeof v.receivedAt === "number";
  if (!ok) return null;
  return {
    userId: v.userId as string,
    sessionId: v.sessionId as string,
    token: v.token as string,
    expiresAt: v.expiresAt as number,
    refreshToken: v.refreshToken as string,
    refreshExpiresAt: v.refreshExpiresAt as number | null,
    receivedAt: v.receivedAt as number,
  };
}

export function infoOf(session: StoredSession): SessionInfo {
  return {
    userId: session.userId,
    sessionId: session.sessionId,
    expiresAt: new Date(session.expiresAt),
    refreshExpiresAt: session.refreshExpiresAt === null ? null : new Date(session.refreshExpiresAt),
  };
}
