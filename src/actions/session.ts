import { defineAction } from "../bubble/action.js";
import { PLUGIN_KEYS, readKeyMaterial, withKeyDefault } from "../bubble/keys.js";
import {
  readAlgorithm,
  readCheckbox,
  readChoice,
  readDate,
  readText,
  readWholeNumber,
} from "../bubble/properties.js";
import { claimText, toDate } from "../bubble/results.js";
import {
  CLOCK_TOLERANCE_RULE,
  LIFETIME_RULE,
  MAX_SESSION_RULE,
  REFRESH_LIFETIME_RULE,
  RETRY_WINDOW_RULE,
} from "../bubble/rules.js";
import type { BubbleProperties, ReturnValues } from "../bubble/types.js";
import { nowSeconds } from "../jwt/clock.js";
import {
  decideSession,
  SESSION_PURPOSES,
  type SessionRow,
  type SessionWrites,
} from "../jwt/session-decision.js";

/**
 * `JWT - Session`: every answer of a session workflow (access, refresh, logout, logout everywhere) from the
 * presented token and the found Session's stored values; the workflow wires values and branches on `ok`,
 * `rotate`, `revoke` and `end_all_sessions`. The decision itself is src/jwt/session-decision.ts.
 */
export const run = defineAction({
  name: "session",
  async compute(properties, context) {
    const decision = await decideSession(properties.token, {
      purpose: readChoice(properties, "purpose", SESSION_PURPOSES),
      row: readRow(properties),
      alg: readAlgorithm(properties),
      material: readKeyMaterial(context),
      issuer: withKeyDefault(readText(properties, "issuer"), context, PLUGIN_KEYS.issuer),
      audience: withKeyDefault(readText(properties, "audience"), context, PLUGIN_KEYS.audience),
      clockTolerance: readWholeNumber(properties, "clock_tolerance", CLOCK_TOLERANCE_RULE),
      expiresIn: readWholeNumber(properties, "expires_in", LIFETIME_RULE),
      refreshExpiresIn: readWholeNumber(properties, "refresh_expires_in", REFRESH_LIFETIME_RULE),
      maxSession: readWholeNumber(properties, "max_session", MAX_SESSION_RULE),
      retryWindow: readWholeNumber(properties, "retry_window", RETRY_WINDOW_RULE),
      now: nowSeconds(),
    });
    const writes = writeValues(decision);
    if (!decision.ok) {
      const { error } = decision;
      return {
        // Every identity value and token empty: nothing a later step searches with can select a row.
        values: {
          ok: false,
          error_code: error.code,
          error_message: error.message,
          ...IDENTITY_EMPTY,
          ...writes,
        },
        outcome: error.code,
        log: { reason: error.logReason },
      };
    }
    const { claims, access, refresh } = decision;
    return {
      values: {
        ok: true,
        error_code: "",
        error_message: "",
        user_id: decision.userId,
        session_id: decision.sessionId,
        subject: decision.userId,
        email: claimText(claims.email),
        claims_json: JSON.stringify(claims),
        auth_time: toDate(decision.authTime),
        token: access?.token ?? "",
        expires_at: toDate(access?.expiresAt),
        refresh_token: refresh?.token ?? "",
        refresh_expires_at: toDate(refresh?.expiresAt),
        ...writes,
      },
      log: { sub: decision.userId, jti: access?.jti ?? claims.jti, kid: access?.kid },
    };
  },
});

const IDENTITY_EMPTY: ReturnValues = {
  user_id: "",
  session_id: "",
  subject: "",
  email: "",
  claims_json: "",
  auth_time: null,
  token: "",
  expires_at: null,
  refresh_token: "",
  refresh_expires_at: null,
};

/** The Session row's values as the workflow handed them (each may be empty: a search that found nothing). */
function readRow(properties: BubbleProperties): SessionRow {
  return {
    sessionId: readText(properties, "session_id"),
    userId: readText(properties, "session_user_id"),
    currentJti: readText(properties, "current_jti"),
    rotatedAt: readDate(properties, "rotated_at", "the Session's rotated_at"),
    revoked: readCheckbox(properties, "revoked"),
    createdAt: readDate(properties, "created_at", "the Session's Created Date"),
    expiresAt: readDate(properties, "expires_at", "the Session's expires_at"),
    sessionsRevokedAt: readDate(
      properties,
      "sessions_revoked_at",
      "the Session's user's sessions_revoked_at",
    ),
  };
}

/** The write flags and the values to write, as return values. */
function writeValues(writes: SessionWrites): ReturnValues {
  return {
    rotate: writes.rotate,
    new_current_jti: writes.newCurrentJti ?? "",
    new_rotated_at: toDate(writes.newRotatedAt),
    new_expires_at: toDate(writes.newExpiresAt),
    revoke: writes.revoke,
    new_revoked: writes.newRevoked,
    end_all_sessions: writes.endAllSessions,
    new_sessions_revoked_at: toDate(writes.newSessionsRevokedAt),
  };
}
