import { describe, expect, it } from "vitest";
import { RequestLog } from "../../src/emulator/console/request-log.js";
import {
  type SessionFacts,
  sessionState,
  type TimelineEvent,
  timelineEvent,
  type UserFacts,
  usersView,
} from "../../src/emulator/console/sessions-view.js";
import type { RequestRecord } from "../../src/emulator/request-record.js";

const NOW = 1_800_000_000_000;
const WINDOW = 30_000;
const user: UserFacts = { id: "u1", email: "a@example.com", sessionsRevokedAt: null };
const session: SessionFacts = {
  sessionId: "s1",
  userId: "u1",
  currentJti: "jti-abcdefgh",
  rotatedAt: NOW - 60_000,
  expiresAt: NOW + 60_000,
  revoked: false,
  createdAt: NOW - 120_000,
};
const event = (kind: TimelineEvent["kind"], at = NOW - 10_000): TimelineEvent => ({
  at,
  kind,
  requestId: 1,
  outcome: "ok",
});

function record(workflow: string, outcome: string, writes = 0, extra: Partial<RequestRecord> = {}) {
  return {
    at: NOW,
    version: "live" as const,
    workflow,
    httpStatus: 200,
    outcome,
    ms: 1,
    cost: { actions: 1, searches: 1, writes, wu: 0 },
    sessionId: "s1",
    userId: "u1",
    steps: [],
    ...extra,
  };
}

describe("console: session state", () => {
  it("is active for an open session whose last rotation is older than the retry window", () => {
    expect(sessionState(session, user, [event("login"), event("rotation")], NOW, WINDOW)).toBe("active");
  });

  it("is in its retry window right after a rotation, and active once the window has passed", () => {
    const rotated = { ...session, rotatedAt: NOW - 5_000 };
    expect(sessionState(rotated, user, [event("rotation")], NOW, WINDOW)).toBe("in retry window");
    expect(sessionState(rotated, user, [event("rotation")], NOW + WINDOW + 1, WINDOW)).toBe("active");
  });

  it("is not in a retry window before its first rotation (the login's rotated_at is not a rotation)", () => {
    const fresh = { ...session, rotatedAt: NOW - 1_000 };
    expect(sessionState(fresh, user, [event("login")], NOW, WINDOW)).toBe("active");
  });

  it("says why a revoked session ended: reuse, a logout, or the console", () => {
    const revoked = { ...session, revoked: true };
    expect(sessionState(revoked, user, [event("login"), event("reuse")], NOW, WINDOW)).toBe("ended by reuse");
    expect(sessionState(revoked, user, [event("login"), event("logout")], NOW, WINDOW)).toBe("logged out");
    expect(sessionState(revoked, user, [event("reuse"), event("console")], NOW, WINDOW)).toBe(
      "ended from the console",
    );
    // Refused requests after the end do not change why it ended.
    expect(sessionState(revoked, user, [event("reuse"), event("refused")], NOW, WINDOW)).toBe(
      "ended by reuse",
    );
  });

  it("is ended by logout-everywhere when created at or before the user's sessions_revoked_at", () => {
    const at = { ...user, sessionsRevokedAt: session.createdAt };
    expect(sessionState(session, at, [], NOW, WINDOW)).toBe("ended by logout-everywhere");
    const before = { ...user, sessionsRevokedAt: session.createdAt - 1 };
    expect(sessionState(session, before, [], NOW, WINDOW)).toBe("active");
  });

  it("is expired once its expires_at has passed, and user deleted when its user is gone", () => {
    expect(sessionState({ ...session, expiresAt: NOW }, user, [], NOW, WINDOW)).toBe("expired");
    expect(sessionState(session, undefined, [], NOW, WINDOW)).toBe("user deleted");
  });
});

describe("console: timelines", () => {
  it("reads a refresh with a write as a rotation, without one as a retry, and reuse by its code", () => {
    const log = new RequestLog();
    expect(timelineEvent(log.add(record("refresh-token", "ok", 1)))?.kind).toBe("rotation");
    expect(timelineEvent(log.add(record("refresh-token", "ok", 0)))?.kind).toBe("retry");
    expect(timelineEvent(log.add(record("refresh-token", "refresh_token_reused", 1)))?.kind).toBe("reuse");
    expect(timelineEvent(log.add(record("refresh-token", "expired")))?.kind).toBe("refused");
    expect(timelineEvent(log.add(record("login", "invalid_credentials")))).toBeUndefined();
  });

  it("puts a logout-everywhere on every session of the user it ended, and only those", () => {
    const log = new RequestLog();
    log.add(record("login", "ok", 1, { at: NOW - 100_000 }));
    log.add(record("login", "ok", 1, { at: NOW - 50_000, sessionId: "s2" }));
    log.add(record("logout-everywhere", "ok", 1, { at: NOW - 10_000, sessionId: "s2" }));
    log.add(record("login", "ok", 1, { at: NOW - 5_000, sessionId: "s3" }));
    const users = usersView(
      [{ ...user, sessionsRevokedAt: NOW - 10_000 }],
      [
        { ...session, createdAt: NOW - 100_000 },
        { ...session, sessionId: "s2", createdAt: NOW - 50_000 },
        { ...session, sessionId: "s3", createdAt: NOW - 5_000 },
      ],
      log,
      "live",
      NOW,
      WINDOW,
    );
    const kinds = (id: string) =>
      users[0]?.sessions.find((s) => s.sessionId === id)?.timeline.map((e) => e.kind);
    expect(kinds("s1")).toEqual(["login", "logout-everywhere"]);
    expect(kinds("s2")).toEqual(["login", "logout-everywhere"]);
    expect(kinds("s3")).toEqual(["login"]);
    expect(users[0]?.sessions.map((s) => s.state)).toEqual([
      "active",
      "ended by logout-everywhere",
      "ended by logout-everywhere",
    ]);
  });

  it("keeps sessions of a deleted user visible, and shows only a prefix of current_jti", () => {
    const view = usersView([], [session], new RequestLog(), "live", NOW, WINDOW);
    expect(view).toHaveLength(1);
    expect(view[0]?.email).toBe("(deleted user)");
    expect(view[0]?.sessions[0]?.state).toBe("user deleted");
    expect(view[0]?.sessions[0]?.currentJtiPrefix).toBe("jti-ab");
  });
});

describe("console: request log", () => {
  it("keeps the newest records up to its capacity, newest first, and filters them", () => {
    const log = new RequestLog(3);
    for (const outcome of ["ok", "expired", "ok", "revoked"]) log.add(record("protected-action", outcome));
    expect(log.list().map((r) => r.id)).toEqual([4, 3, 2]);
    expect(log.list({ outcome: "refused" }).map((r) => r.outcome)).toEqual(["revoked", "expired"]);
    expect(log.list({ outcome: "ok" }).map((r) => r.id)).toEqual([3]);
    expect(log.list({ sessionId: "other" })).toEqual([]);
    expect(log.list({ version: "test" })).toEqual([]);
  });

  it("tells listeners of each new record until they stop, and one failing listener loses nothing", () => {
    const log = new RequestLog();
    const seen: number[] = [];
    log.subscribe(() => {
      throw new Error("closed stream");
    });
    const stop = log.subscribe((r) => seen.push(r.id));
    log.add(record("login", "ok"));
    stop();
    log.add(record("login", "ok"));
    expect(seen).toEqual([1]);
    expect(log.list()).toHaveLength(2);
  });
});
