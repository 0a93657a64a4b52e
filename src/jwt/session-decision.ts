import type { Algorithm } from "./algorithms.js";
import { numericDate } from "./claims.js";
import { ConfigError, TokenError } from "./errors.js";
import { type IssuedToken, issue } from "./generate.js";
import { signingKey } from "./keys/keyring.js";
import type { KeyMaterial } from "./keys/names.js";
import {
  CLOCK_TOLERANCE,
  checkSeconds,
  LIFETIME,
  MAX_SESSION,
  MOMENT,
  REFRESH_LIFETIME,
  RETRY_WINDOW,
} from "./limits.js";
import { carriedClaims, newKid, oldKeyRanOut, reissueLimit, sessionExpired } from "./reissue.js";
import { ACCESS_TOKEN_TYPE, REFRESH_TOKEN_TYPE, successorJti, type TokenKind } from "./session.js";
import { newTokenId } from "./sign.js";
import type { JsonObject } from "./token.js";
import { isNonEmptyString } from "./values.js";
import { type VerifiedToken, verifyToken } from "./verify.js";

/**
 * The session decision: from the token a client presented and the stored values of its Session row (and
 * the row's user), every answer a session workflow gives, and which writes it makes. The workflow only
 * wires values in and branches on single yes/no values out, so no security decision rests on a condition,
 * a step order or a search a builder types. Pure apart from signing: the time is passed in.
 */

/** What a token is presented for; the Dropdown offers exactly these. */
export const SESSION_PURPOSES = ["access", "refresh", "logout", "logout_everywhere"] as const;
export type SessionPurpose = (typeof SESSION_PURPOSES)[number];

/** The kinds of token each purpose takes. A one-token-flow token never enters a session. */
const ACCEPTED_KINDS: Readonly<Record<SessionPurpose, readonly TokenKind[]>> = {
  access: ["paired-access"],
  refresh: ["refresh"],
  logout: ["paired-access", "refresh"],
  logout_everywhere: ["paired-access"],
};

/**
 * The Session row as the workflow found it, and its user's `sessions_revoked_at`. Times in seconds; any
 * value may be absent (an empty search hands every one of them empty).
 */
export interface SessionRow {
  readonly sessionId?: string | undefined;
  readonly userId?: string | undefined;
  readonly currentJti?: string | undefined;
  readonly rotatedAt?: number | undefined;
  readonly revoked: boolean;
  readonly createdAt?: number | undefined;
  readonly expiresAt?: number | undefined;
  readonly sessionsRevokedAt?: number | undefined;
}

export interface SessionDecisionOptions {
  readonly purpose: SessionPurpose;
  readonly row: SessionRow;
  readonly alg: Algorithm;
  readonly material: KeyMaterial;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly clockTolerance: number;
  /** Lifetime of a new access token (purpose refresh). */
  readonly expiresIn: number;
  /** Lifetime of a new refresh token (purpose refresh), never past `auth_time + maxSession`. */
  readonly refreshExpiresIn: number;
  /** The absolute age of a login, from its `auth_time`. */
  readonly maxSession: number;
  /** Seconds after a rotation in which the rotated-away refresh token is a retry, not reuse. */
  readonly retryWindow: number;
  /** The time of the decision, in seconds: every check and every new time is taken from it. */
  readonly now: number;
}

/** The writes a decision asks for. On every answer but a rotation, the `new*` values are the row's own. */
export interface SessionWrites {
  /** Write `newCurrentJti`, `newRotatedAt` and `newExpiresAt` to the Session. */
  readonly rotate: boolean;
  readonly newCurrentJti?: string | undefined;
  readonly newRotatedAt?: number | undefined;
  readonly newExpiresAt?: number | undefined;
  /** Set the Session's `revoked` (logout, or a reused refresh token). */
  readonly revoke: boolean;
  /**
   * The Session's next `revoked`: yes when this decision revokes it, the row's own otherwise, so a logout
   * that writes `revoked = new_revoked` changes nothing on a refusal even if its Only when is lost.
   */
  readonly newRevoked: boolean;
  /** Write `newSessionsRevokedAt` to the user: every session created until now is over. */
  readonly endAllSessions: boolean;
  readonly newSessionsRevokedAt?: number | undefined;
}

export interface SessionAccepted extends SessionWrites {
  readonly ok: true;
  readonly userId: string;
  readonly sessionId: string;
  readonly claims: JsonObject;
  readonly authTime: number;
  /** The new pair (purpose refresh). */
  readonly access?: IssuedToken | undefined;
  readonly refresh?: IssuedToken | undefined;
}

/** A refusal carries no identity value and no token: nothing a workflow searches with can select a row. */
export interface SessionRefused extends SessionWrites {
  readonly ok: false;
  readonly error: TokenError;
}

export type SessionDecision = SessionAccepted | SessionRefused;

/**
 * Decides one session answer (see the rules in the comments below, in order). A refused token is a
 * SessionRefused, never thrown; a plugin key or a row value that cannot be right (a wiring mistake the
 * builder must fix) throws a ConfigError, which stops the workflow.
 */
export async function decideSession(
  input: unknown,
  options: SessionDecisionOptions,
): Promise<SessionDecision> {
  const { row, purpose } = options;
  const now = checkNumbers(options);
  // 1. Keys first: the signing key only where tokens are signed, so a verify-only key pair serves access.
  const key = purpose === "refresh" ? await signingKey(options.material, options.alg) : undefined;
  let verified: VerifiedToken;
  let login: Login;
  try {
    verified = await verifyToken(input, {
      alg: options.alg,
      material: options.material,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockTolerance,
      acceptedKinds: ACCEPTED_KINDS[purpose],
      now,
    });
    login = readLogin(verified.claims, purpose, options);
    // 2. The row must be this token's session: an empty or wrongly wired search can never pass.
    matchRow(login, row);
  } catch (error) {
    if (error instanceof TokenError) return refused(error, row);
    throw error;
  }
  // 3. Row values that cannot be right are the builder's wiring mistake: loud, not a refusal.
  checkWiring(row, purpose, now + options.clockTolerance);
  // 4. A session that is over answers the same for every purpose.
  const over = sessionOver(row, login, options);
  if (over) return refused(over, row);
  // 5. What the token was presented for.
  const accepted: Accepted = {
    ok: true,
    userId: login.sub,
    sessionId: login.sid,
    claims: verified.claims,
    authTime: login.authTime,
  };
  const unchanged = handedBack(row);
  switch (purpose) {
    case "access":
      return { ...accepted, ...unchanged };
    case "logout":
      return { ...accepted, ...unchanged, revoke: true, newRevoked: true };
    case "logout_everywhere":
      return { ...accepted, ...unchanged, endAllSessions: true, newSessionsRevokedAt: now };
    case "refresh":
      return rotation(verified, login, key as SigningKey, options, accepted);
  }
}

type SigningKey = Awaited<ReturnType<typeof signingKey>>;

/** What every accepted answer carries about the token's login. */
type Accepted = Pick<SessionAccepted, "ok" | "userId" | "sessionId" | "claims" | "authTime">;

/** The claims a session decision relies on, read once after the signature and claims held. */
interface Login {
  readonly sub: string;
  readonly sid: string;
  readonly authTime: number;
  /** The token's `jti` (required for a refresh token, which is rotated by it). */
  readonly jti?: string | undefined;
}

/** Rule 1's claims: `sub`, `sid`, `auth_time`, and for purpose refresh `jti`; else `missing_claim`. */
function readLogin(claims: JsonObject, purpose: SessionPurpose, options: SessionDecisionOptions): Login {
  const { sub, sid, jti } = claims;
  if (!isNonEmptyString(sub)) throw missingClaim("sub", "user");
  if (!isNonEmptyString(sid)) throw missingClaim("sid", "session");
  const authTime = numericDate(claims, "auth_time");
  if (authTime === undefined) throw missingClaim("auth_time", "login time");
  // A login cannot start later than now: a future auth_time would stretch the session past max_session.
  if (authTime > options.now + options.clockTolerance) {
    throw new TokenError("not_yet_valid", 'The token claims a login in the future (its "auth_time").');
  }
  if (purpose === "refresh" && !isNonEmptyString(jti)) throw missingClaim("jti", "refresh token id");
  return { sub, sid, authTime, jti: isNonEmptyString(jti) ? jti : undefined };
}

function missingClaim(name: string, what: string): TokenError {
  return new TokenError("missing_claim", `The token has no ${what} ("${name}" claim) as text.`);
}

// One code and one message for "no row" and "another row", so nobody can probe which sessions exist.
const SESSION_ENDED = "The session has ended; sign in again.";

/** Rule 2: a row that is missing, or belongs to another session or user, is `revoked` (no write). */
function matchRow(login: Login, row: SessionRow): void {
  if (!row.sessionId || !row.userId) {
    throw new TokenError("revoked", SESSION_ENDED, "session not found: the Session handed in is empty");
  }
  if (login.sid !== row.sessionId || login.sub !== row.userId) {
    throw new TokenError(
      "revoked",
      SESSION_ENDED,
      "session mismatch: the token's sid or sub is not the Session's handed in",
    );
  }
}

/** Rule 3: values no real row holds mean the fields are wired to the wrong thing. */
function checkWiring(row: SessionRow, purpose: SessionPurpose, latest: number): void {
  const wrong = (field: string, why: string) =>
    new ConfigError("invalid_field", `The ${field} field ${why}; set it to ${WIRING[field]}.`);
  // A time that is no number would make every comparison below false: the checks would pass it.
  for (const [field, value] of Object.entries(ROW_TIMES(row))) {
    if (value !== undefined && !(Number.isFinite(value) && Math.abs(value) <= MOMENT.max))
      throw wrong(field, "is not a date");
  }
  if (row.createdAt === undefined) throw wrong("created_at", "is empty for a found Session");
  if (row.createdAt > latest) throw wrong("created_at", "is in the future");
  if (row.rotatedAt !== undefined && row.rotatedAt > latest) throw wrong("rotated_at", "is in the future");
  if (purpose === "refresh") {
    if (row.currentJti === undefined || row.currentJti === "")
      throw wrong("current_jti", "is empty for a refresh");
    if (row.rotatedAt === undefined) throw wrong("rotated_at", "is empty for a refresh");
  }
}

/** What each row field is wired to, for the wiring mistake's message (never its value). */
const WIRING: Readonly<Record<string, string>> = {
  created_at: "the Session's Created Date",
  rotated_at: "the Session's rotated_at",
  current_jti: "the Session's current_jti",
  expires_at: "the Session's expires_at",
  sessions_revoked_at: "the Session's user's sessions_revoked_at",
};

/** The row's times by their field names. */
const ROW_TIMES = (row: SessionRow) => ({
  created_at: row.createdAt,
  rotated_at: row.rotatedAt,
  expires_at: row.expiresAt,
  sessions_revoked_at: row.sessionsRevokedAt,
});

/**
 * Every number of seconds of the options, checked finite and in range where it enters (a NaN max_session or
 * retry window would otherwise never end a session or never end a retry); the decision's time.
 */
function checkNumbers(options: SessionDecisionOptions): number {
  checkSeconds("clockTolerance", options.clockTolerance, CLOCK_TOLERANCE);
  checkSeconds("expiresIn", options.expiresIn, LIFETIME);
  checkSeconds("refreshExpiresIn", options.refreshExpiresIn, REFRESH_LIFETIME);
  checkSeconds("maxSession", options.maxSession, MAX_SESSION);
  checkSeconds("retryWindow", options.retryWindow, RETRY_WINDOW);
  return checkSeconds("now", options.now, MOMENT);
}

/** Rule 4: logged out or revoked, ended by logout-everywhere, or older than max_session. */
function sessionOver(row: SessionRow, login: Login, options: SessionDecisionOptions): TokenError | undefined {
  if (row.revoked) return new TokenError("revoked", SESSION_ENDED, "the Session is revoked");
  const endedAt = row.sessionsRevokedAt;
  // The created-at check passed rule 3, so createdAt is known here.
  if (endedAt !== undefined && (row.createdAt as number) <= endedAt) {
    return new TokenError("revoked", SESSION_ENDED, "the user ended every session (sessions_revoked_at)");
  }
  if (login.authTime + options.maxSession <= options.now) return sessionExpired();
  return undefined;
}

/** Rule 5, purpose refresh: rotate, retry, or reuse (see the successor rule in session.ts). */
async function rotation(
  verified: VerifiedToken,
  login: Login,
  key: SigningKey,
  options: SessionDecisionOptions,
  accepted: Accepted,
): Promise<SessionDecision> {
  const { row, now } = options;
  const presented = login.jti as string;
  const successor = successorJti(presented);
  const rotate = row.currentJti === presented;
  const retry =
    !rotate && row.currentJti === successor && now - (row.rotatedAt as number) <= options.retryWindow;
  if (!rotate && !retry) {
    const reused = new TokenError(
      "refresh_token_reused",
      "This refresh token was already used, so the session has been ended; sign in again.",
      "a rotated-away refresh token was presented after the retry window",
    );
    return { ...refused(reused, row), revoke: true, newRevoked: true };
  }
  const pair = await issuePair(verified, login, key, options, successor);
  if (!pair.ok) return refused(pair.error, row);
  const { access, refresh } = pair;
  const base = { ...accepted, access, refresh };
  if (retry) return { ...base, ...handedBack(row) };
  return {
    ...base,
    ...handedBack(row),
    rotate: true,
    newCurrentJti: successor,
    newRotatedAt: now,
    newExpiresAt: refresh.expiresAt,
  };
}

/**
 * The new pair: an access token (at+jwt, random jti) and a refresh token (refresh+jwt, jti the successor),
 * neither past the login's end nor, when an older key verified the presented token, past its own exp.
 */
async function issuePair(
  verified: VerifiedToken,
  login: Login,
  key: SigningKey,
  options: SessionDecisionOptions,
  successor: string,
): Promise<{ ok: true; access: IssuedToken; refresh: IssuedToken } | { ok: false; error: TokenError }> {
  const iat = Math.floor(options.now);
  const sessionEnd = Math.floor(login.authTime + options.maxSession);
  const limit = reissueLimit(verified, key, sessionEnd);
  const accessExp = Math.min(iat + options.expiresIn, limit);
  if (accessExp <= iat) return { ok: false, error: limit < sessionEnd ? oldKeyRanOut() : sessionExpired() };
  const refreshExp = Math.min(iat + options.refreshExpiresIn, limit);
  const carried = carriedClaims(verified.claims, login.authTime);
  const kid = newKid(verified, key);
  const [access, refresh] = await Promise.all([
    issue({ ...carried, iat, exp: accessExp, jti: newTokenId() }, options.alg, key, {
      kid,
      typ: ACCESS_TOKEN_TYPE,
    }),
    issue({ ...carried, iat, exp: refreshExp, jti: successor }, options.alg, key, {
      kid,
      typ: REFRESH_TOKEN_TYPE,
    }),
  ]);
  return { ok: true, access, refresh };
}

/** The row's own values as the `new*` ones, so a write made by mistake changes nothing. */
function handedBack(row: SessionRow): SessionWrites {
  return {
    rotate: false,
    newCurrentJti: row.currentJti,
    newRotatedAt: row.rotatedAt,
    newExpiresAt: row.expiresAt,
    revoke: false,
    newRevoked: row.revoked,
    endAllSessions: false,
    newSessionsRevokedAt: row.sessionsRevokedAt,
  };
}

/** Rule 6: a refusal hands the row's values back, asks for no write, and carries no identity value. */
function refused(error: TokenError, row: SessionRow): SessionRefused {
  return { ok: false, error, ...handedBack(row) };
}
