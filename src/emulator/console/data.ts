/**
 * The console's view of one version's data, and the three changes a developer may make from it. Each
 * change is the step the app's own workflows (or Bubble) make, on the same database: logout's "Make
 * changes to Session: revoked = yes", logout-everywhere's "Make changes to User: sessions_revoked_at", and
 * Bubble's "Delete thing"; so a client sees exactly what it would after the same change in Bubble.
 */
import type { AppDatabase, Stored, ThingRow } from "../database.js";
import type { SessionFacts, UserFacts } from "./sessions-view.js";

export interface ConsoleData {
  users(): UserFacts[];
  sessions(): SessionFacts[];
  session(sessionId: string): SessionFacts | undefined;
  user(userId: string): UserFacts | undefined;
  endSession(sessionId: string, at: number): void;
  logOutEverywhere(userId: string, at: number): void;
  deleteUser(userId: string): void;
}

/** How many users and sessions the console lists, newest first. */
const SHOWN = 1000;

export function consoleData(database: AppDatabase): ConsoleData {
  const sessionRow = (sessionId: string) =>
    sessionId === ""
      ? undefined
      : database.search("Session", [{ field: "session_id", op: "is", value: sessionId }], 1)[0];
  return {
    users: () => database.search("User", []).slice(-SHOWN).reverse().map(userFacts),
    sessions: () => database.search("Session", []).slice(-SHOWN).reverse().map(sessionFacts),
    session: (sessionId) => {
      const row = sessionRow(sessionId);
      return row && sessionFacts(row);
    },
    user: (userId) => {
      const row = userId === "" ? undefined : database.thing("User", userId);
      return row && userFacts(row);
    },
    endSession: (sessionId, at) => {
      const row = sessionRow(sessionId);
      if (row) database.change("Session", row.id, { revoked: 1 }, at);
    },
    logOutEverywhere: (userId, at) => void database.change("User", userId, { sessions_revoked_at: at }, at),
    deleteUser: (userId) => void database.delete("User", userId),
  };
}

const text = (value: Stored | undefined) => (typeof value === "string" ? value : "");
const millis = (value: Stored | undefined) => (typeof value === "number" ? value : 0);

function userFacts(row: ThingRow): UserFacts {
  const revokedAt = row.fields.sessions_revoked_at;
  return {
    id: row.id,
    email: text(row.fields.email),
    sessionsRevokedAt: typeof revokedAt === "number" ? revokedAt : null,
  };
}

function sessionFacts(row: ThingRow): SessionFacts {
  return {
    sessionId: text(row.fields.session_id),
    userId: text(row.fields.user),
    currentJti: text(row.fields.current_jti),
    rotatedAt: millis(row.fields.rotated_at),
    expiresAt: millis(row.fields.expires_at),
    revoked: row.fields.revoked === 1,
    createdAt: millis(row.fields["Created Date"]),
  };
}
