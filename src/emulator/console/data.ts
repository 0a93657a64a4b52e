/**
 * The console's view of one version's data, and the three changes a developer may make from it. Each
 * change is the write the app's own workflows make (logout's "Make changes to Session: revoked = yes",
 * logout-everywhere's "Make changes to User: sessions_revoked_at", Bubble's "Delete thing"), on the same
 * database, so a client sees exactly what it would after the same change in Bubble.
 */
import type { AppDatabase } from "../database.js";
import type { SessionFacts, UserFacts } from "./sessions-view.js";

export interface ConsoleData {
  users(): UserFacts[];
  sessions(): SessionFacts[];
  session(sessionId: string): SessionFacts | undefined;
  user(userId: string): UserFacts | undefined;
  endSession(sessionId: string): void;
  logOutEverywhere(userId: string, at: number): void;
  deleteUser(userId: string): void;
}

export function consoleData(database: AppDatabase): ConsoleData {
  const session = (row: ReturnType<AppDatabase["listSessions"]>[number]): SessionFacts => ({
    sessionId: row.session_id,
    userId: row.user_id,
    currentJti: row.current_jti,
    rotatedAt: row.rotated_at,
    expiresAt: row.expires_at,
    revoked: row.revoked,
    createdAt: row.created_at,
  });
  const user = (row: { id: string; email: string; sessions_revoked_at: number | null }): UserFacts => ({
    id: row.id,
    email: row.email,
    sessionsRevokedAt: row.sessions_revoked_at,
  });
  return {
    users: () => database.listUsers().map(user),
    sessions: () => database.listSessions().map(session),
    session: (sessionId) => {
      const row = database.sessionById(sessionId);
      return row ? session(row) : undefined;
    },
    user: (userId) => {
      const row = database.userById(userId);
      return row ? user(row) : undefined;
    },
    endSession: (sessionId) => void database.revokeSession(sessionId),
    logOutEverywhere: (userId, at) => database.setSessionsRevokedAt(userId, at),
    deleteUser: (userId) => database.deleteUser(userId),
  };
}
