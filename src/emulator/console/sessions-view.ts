/**
 * What the console shows of one version's users and sessions: each session's state, and its timeline
 * drawn from the requests that concerned it. The Session rows say whether a session is over; only the
 * requests say why (a logout and a detected reuse both set `revoked`).
 */
import type { RequestRecord } from "../request-record.js";
import type { RequestLog } from "./request-log.js";

export type SessionState =
  | "active"
  | "in retry window"
  | "logged out"
  | "ended by logout-everywhere"
  | "ended by reuse"
  | "ended from the console"
  | "user deleted"
  | "expired";

export type TimelineKind =
  | "login"
  | "rotation"
  | "retry"
  | "reuse"
  | "refused"
  | "call"
  | "logout"
  | "logout-everywhere"
  | "console";

export interface TimelineEvent {
  readonly at: number;
  readonly kind: TimelineKind;
  /** The request behind the event, to open it in the request list. */
  readonly requestId: number;
  readonly outcome: string;
}

/** A Session row as the console reads it (dates in ms); never a token. */
export interface SessionFacts {
  readonly sessionId: string;
  readonly userId: string;
  readonly currentJti: string;
  readonly rotatedAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
  readonly createdAt: number;
}

export interface UserFacts {
  readonly id: string;
  readonly email: string;
  readonly sessionsRevokedAt: number | null;
}

export interface SessionView {
  readonly sessionId: string;
  readonly state: SessionState;
  readonly createdAt: number;
  readonly rotatedAt: number;
  readonly expiresAt: number;
  /** The first characters of current_jti: enough to tell rotations apart, nothing to present. */
  readonly currentJtiPrefix: string;
  readonly timeline: readonly TimelineEvent[];
}

export interface UserView {
  readonly id: string;
  readonly email: string;
  readonly sessions: readonly SessionView[];
}

/** What a console action wrote, as the request log's workflow name, so timelines can show it. */
export const CONSOLE_WORKFLOWS = {
  endSession: "console: end session",
  logOutEverywhere: "console: log out everywhere",
  deleteUser: "console: delete user",
} as const;

const USER_WIDE: ReadonlySet<string> = new Set(["logout-everywhere", CONSOLE_WORKFLOWS.logOutEverywhere]);

/** The event a request adds to its session's timeline; undefined for requests that do not belong there. */
export function timelineEvent(record: RequestRecord): TimelineEvent | undefined {
  const base = { at: record.at, requestId: record.id, outcome: record.outcome };
  const ok = record.outcome === "ok";
  switch (record.workflow) {
    case "login":
      return ok ? { ...base, kind: "login" } : undefined;
    case "refresh-token":
      if (ok) return { ...base, kind: record.cost.writes > 0 ? "rotation" : "retry" };
      return { ...base, kind: record.outcome === "refresh_token_reused" ? "reuse" : "refused" };
    case "logout":
      return { ...base, kind: ok ? "logout" : "refused" };
    case "logout-everywhere":
      return { ...base, kind: ok ? "logout-everywhere" : "refused" };
    default:
      if (record.workflow.startsWith("console: ")) return { ...base, kind: "console" };
      return { ...base, kind: ok ? "call" : "refused" };
  }
}

/**
 * A session's state now. Order matters: a session that is over says first why, then whether it merely
 * lapsed; an open one is "in retry window" while its last rotation is recent enough to be retried.
 */
export function sessionState(
  session: SessionFacts,
  user: UserFacts | undefined,
  events: readonly TimelineEvent[],
  now: number,
  retryWindowMs: number,
): SessionState {
  if (!user) return "user deleted";
  if (session.revoked) {
    const last = [...events].reverse().find((event) => ["reuse", "logout", "console"].includes(event.kind));
    if (last?.kind === "reuse") return "ended by reuse";
    if (last?.kind === "console") return "ended from the console";
    return "logged out";
  }
  if (user.sessionsRevokedAt !== null && session.createdAt <= user.sessionsRevokedAt)
    return "ended by logout-everywhere";
  if (session.expiresAt <= now) return "expired";
  const rotated = events.some((event) => event.kind === "rotation");
  if (rotated && now - session.rotatedAt <= retryWindowMs) return "in retry window";
  return "active";
}

/** Every user of a version with their sessions, newest session first. */
export function usersView(
  users: readonly UserFacts[],
  sessions: readonly SessionFacts[],
  log: RequestLog,
  version: RequestRecord["version"],
  now: number,
  retryWindowMs: number,
): UserView[] {
  const byUser = new Map<string, SessionFacts[]>();
  for (const session of sessions) {
    const list = byUser.get(session.userId) ?? [];
    list.push(session);
    byUser.set(session.userId, list);
  }
  const known = new Map(users.map((user) => [user.id, user]));
  const view = (session: SessionFacts): SessionView => {
    // A logout-everywhere ends every session of the user, not only the one whose token asked for it.
    const userWide = log
      .ofUser(version, session.userId)
      .filter((record) => USER_WIDE.has(record.workflow) && record.outcome === "ok")
      .filter((record) => record.sessionId !== session.sessionId && record.at >= session.createdAt);
    const timeline = [...log.ofSession(version, session.sessionId), ...userWide]
      .sort((a, b) => a.id - b.id)
      .map(timelineEvent)
      .filter((event): event is TimelineEvent => event !== undefined);
    return {
      sessionId: session.sessionId,
      state: sessionState(session, known.get(session.userId), timeline, now, retryWindowMs),
      createdAt: session.createdAt,
      rotatedAt: session.rotatedAt,
      expiresAt: session.expiresAt,
      currentJtiPrefix: session.currentJti.slice(0, 6),
      timeline,
    };
  };
  const result: UserView[] = users.map((user) => ({
    id: user.id,
    email: user.email,
    sessions: (byUser.get(user.id) ?? []).sort((a, b) => b.createdAt - a.createdAt).map(view),
  }));
  // Sessions whose user was deleted stay visible: a client may still hold their tokens.
  for (const [userId, list] of byUser) {
    if (!known.has(userId)) result.push({ id: userId, email: "(deleted user)", sessions: list.map(view) });
  }
  return result;
}
