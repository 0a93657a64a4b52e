/**
 * The backend API workflows of the README and docs/sessions.md, written step by step as a builder clicks
 * them together in Bubble's workflow editor. Every JWT step runs the built plugin action through the
 * Bubble runtime stand-in (`app.step`), exactly as the app would; nothing here touches a token itself.
 * Each step that Bubble bills goes through `app.step`, `app.search` or `app.write`, which count it.
 */
import { LOCKOUT, logIn, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, signUp, type User } from "./accounts.js";
import type { AppDatabase, SessionRow } from "./database.js";
import { HttpError, type Parameters } from "./request-body.js";

/** The lifetimes and windows the workflows use (from environment variables, see env.ts). */
export interface Settings {
  /** Session flow: the access token's `expires_in`. */
  readonly accessTokenTtlSeconds: number;
  /** Session flow: the refresh token's `refresh_expires_in` (its idle limit). */
  readonly refreshTokenTtlSeconds: number;
  /** Session flow: how long after a rotation the same refresh token may be presented again (a retry). */
  readonly refreshRetryWindowSeconds: number;
  /** One-token flow: `expires_in` of token-login and token-refresh. */
  readonly tokenTtlSeconds: number;
  /** One-token flow: token-refresh's `grace_period`. */
  readonly refreshGraceSeconds: number;
}

/** What one request's workflow can use: the plugin's actions, the app's data, the settings. */
export interface App {
  /** Runs one plugin action ("JWT - Verify token", ...) with these fields; its return values. */
  step(action: string, fields: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * A "Search for ..." step (README section 2 searches once per request, in the find-session and find-user
   * custom events): runs `find` and counts one search.
   */
  search<T>(find: (db: AppDatabase) => T): T;
  /** A step that creates or changes one thing: runs `change` and counts one write. */
  write<T>(change: (db: AppDatabase) => T): T;
  /** Counts one write made by one of Bubble's own actions (Sign the user up creates a User). */
  wrote(): void;
  /** The database read without a billed step: Bubble's own lookups, a thing's fields. */
  readonly db: AppDatabase;
  readonly settings: Settings;
}

export interface WorkflowRequest {
  /** The workflow's name, as in its URL (Bubble names it in its MISSING_DATA message). */
  readonly name: string;
  /** The workflow's parameters, from the JSON or form-encoded body. */
  readonly parameters: Parameters;
}

/** "Return data from API": the response fields, and a short outcome for the request log. */
export interface WorkflowAnswer {
  readonly response: Record<string, unknown>;
  readonly outcome: string;
}

export type Workflow = (request: WorkflowRequest, app: App) => Promise<WorkflowAnswer>;

/**
 * `max_session` of the session flow's refreshes (README section 2): 30 days after the login the user signs
 * in again, however active. The refresh token's own lifetime is the idle limit.
 */
const SESSION_MAX_SECONDS = 2_592_000;

const userGone = () => refusedAnswer("user_not_found", "The token's user no longer exists; sign in again.");
const sessionOver = () => refusedAnswer("revoked", "The session has ended; sign in again.");

/** `signup` with `email`, `password`: Bubble's "Sign the user up". */
const signup: Workflow = async (request, app) => {
  const email = requiredText(request, "email");
  const password = requiredText(request, "password");
  // Step 1: Sign the user up (creates the User).
  const signed = await signUp(app.db, email, password);
  if (!signed.ok) return refusedAnswer(signed.code, SIGNUP_MESSAGES[signed.code]);
  app.wrote();
  return succeed({ user_id: signed.user.id });
};

const SIGNUP_MESSAGES = {
  invalid_email: "The email is not a valid address.",
  weak_password: `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`,
  email_taken: "An account with this email already exists; log in instead.",
} as const;

/** `login` with `email`, `password`: a new Session and its token pair. */
const login: Workflow = async (request, app) => {
  const email = requiredText(request, "email");
  const password = requiredText(request, "password");

  // Step 1: Log the user in. An unknown email and a wrong password fail alike.
  const loggedIn = await logIn(app.db, email, password);
  if (!loggedIn.ok) return refusedAnswer(loggedIn.code, LOGIN_MESSAGES[loggedIn.code]);
  const user = loggedIn.user;

  // Step 2: JWT - Generate token, Issue a refresh token = yes.
  const generated = await app.step("JWT - Generate token", {
    subject: user.id,
    email: user.email,
    expires_in: app.settings.accessTokenTtlSeconds,
    issue_refresh_token: true,
    refresh_expires_in: app.settings.refreshTokenTtlSeconds,
  });

  // Step 3: Create a new Session (session_id, user, current_jti = refresh_jti, rotated_at, expires_at).
  const now = Date.now();
  const sessionId = text(generated.session_id);
  app.write((db) =>
    db.insertSession({
      session_id: sessionId,
      user_id: user.id,
      current_jti: text(generated.refresh_jti),
      rotated_at: now,
      expires_at: millis(generated.refresh_expires_at),
      created_at: now,
    }),
  );
  return succeed(pair(user.id, sessionId, generated));
};

const LOGIN_MESSAGES = {
  invalid_credentials: "The email or password is not correct.",
  too_many_attempts: `Too many failed logins for this email; wait ${LOCKOUT.lockMs / 60_000} minutes and try again.`,
} as const;

/** `refresh-token` with `refresh_token`: the successor rule of docs/sessions.md. */
const refreshToken: Workflow = async (request, app) => {
  const presented = requiredText(request, "refresh_token");

  // Step 1: JWT - Refresh token; step 2 refuses with its error_code when ok is no.
  const refreshed = await app.step("JWT - Refresh token", {
    token: presented,
    expires_in: app.settings.accessTokenTtlSeconds,
    refresh_expires_in: app.settings.refreshTokenTtlSeconds,
    max_session: SESSION_MAX_SECONDS,
  });
  if (refreshed.ok !== true) return stepRefusal(refreshed);

  // Step 3: find-session (Search for Sessions (session_id = Result of step 1's session_id):first item).
  const sessionId = text(refreshed.session_id);
  const session = app.search((db) => (sessionId === "" ? undefined : db.sessionById(sessionId)));
  // Step 4: refuse with revoked when the session is over; step 5: session_expired after its expires_at.
  const user = session && liveSessionUser(app.db, session);
  if (!session || !user) return sessionOver();
  if (session.expires_at < Date.now())
    return refusedAnswer("session_expired", "The session expired; sign in again.");

  const previous = text(refreshed.previous_jti);
  const next = text(refreshed.refresh_jti);
  const windowMs = app.settings.refreshRetryWindowSeconds * 1000;
  const answer = () => succeed(pair(user.id, sessionId, refreshed));

  // Step 8, only when the Session's current_jti is Result of step 1's previous_jti: a normal rotation.
  // The write is a compare-and-set, so of simultaneous rotations one writes and the others see a retry.
  if (session.current_jti === previous) {
    const rotation = app.write((db) =>
      db.rotateSession(sessionId, previous, next, millis(refreshed.refresh_expires_at), windowMs),
    );
    return rotation === "reused" ? reused() : rotation === "over" ? sessionOver() : answer();
  }
  // A retry, or the loser of a race: the same token was rotated moments ago; no write.
  if (session.current_jti === next && Date.now() - session.rotated_at <= windowMs) return answer();
  // Steps 6 and 7: anything else is reuse of a refresh token that was rotated away: revoke the Session.
  app.write((db) => db.revokeSession(sessionId));
  return reused();
};

const reused = () =>
  refusedAnswer(
    "refresh_token_reused",
    "This refresh token was already used; the session is ended, sign in again.",
  );

/** `protected-action` with `token` and your own parameters: the user by the token's subject. */
const protectedAction: Workflow = async (request, app) => {
  const token = requiredText(request, "token");
  // Step 1: JWT - Verify token. Every later step: Only when Result of step 1's valid is yes.
  const verified = await app.step("JWT - Verify token", { token });
  if (verified.valid !== true) return stepRefusal(verified);
  // Step 2: Search for Users (unique id = Result of step 1's subject):first item.
  const user = app.search((db) => db.userById(text(verified.subject)));
  if (!user) return userGone();
  return succeed(work(user, request.parameters));
};

/** `protected-action-strict`: as protected-action, but the Session decides (instant logout). */
const protectedActionStrict: Workflow = async (request, app) => {
  const token = requiredText(request, "token");
  // Step 1: JWT - Verify token.
  const verified = await app.step("JWT - Verify token", { token });
  if (verified.valid !== true) return stepRefusal(verified);
  // Step 2: Search for Sessions (session_id = Result of step 1's session_id):first item; its user.
  const sessionId = text(verified.session_id);
  const session = app.search((db) => (sessionId === "" ? undefined : db.sessionById(sessionId)));
  const user = session && liveSessionUser(app.db, session);
  if (!session || !user || session.expires_at < Date.now()) return sessionOver();
  return succeed(work(user, request.parameters));
};

/** `logout` with `refresh_token` (or `token`): sets the Session's revoked. */
const logout: Workflow = async (request, app) => {
  const refreshTokenParameter = optionalText(request, "refresh_token");
  const accessToken = optionalText(request, "token");
  // Step 1: JWT - Refresh token only to check the refresh token (its new pair is not used), or, with
  // only an access token, JWT - Verify token. With neither, Refresh answers missing_token.
  const checked =
    refreshTokenParameter || !accessToken
      ? await app.step("JWT - Refresh token", {
          token: refreshTokenParameter ?? "",
          expires_in: app.settings.accessTokenTtlSeconds,
          refresh_expires_in: app.settings.refreshTokenTtlSeconds,
          max_session: SESSION_MAX_SECONDS,
        })
      : await app.step("JWT - Verify token", { token: accessToken });
  if (checked.ok !== true && checked.valid !== true) return stepRefusal(checked);
  // Step 2: Search for Sessions (session_id = Result of step 1's session_id):first item.
  const sessionId = text(checked.session_id);
  const session = app.search((db) => (sessionId === "" ? undefined : db.sessionById(sessionId)));
  if (!session || session.revoked) return sessionOver();
  // Step 3: Make changes to the Session: revoked = yes.
  app.write((db) => db.revokeSession(sessionId));
  return succeed({ session_id: sessionId });
};

/** `logout-everywhere` with `token`: every session of the user ends, in one write. */
const logoutEverywhere: Workflow = async (request, app) => {
  const token = requiredText(request, "token");
  // Step 1: JWT - Verify token.
  const verified = await app.step("JWT - Verify token", { token });
  if (verified.valid !== true) return stepRefusal(verified);
  // Step 2: Search for Users (unique id = Result of step 1's subject):first item.
  const user = app.search((db) => db.userById(text(verified.subject)));
  if (!user) return userGone();
  // Step 3: Make changes to the User: sessions_revoked_at = Current date/time.
  app.write((db) => db.setSessionsRevokedAt(user.id, Date.now()));
  return succeed({ user_id: user.id });
};

/** `token-login` (one-token flow) with `email`, `password`. */
const tokenLogin: Workflow = async (request, app) => {
  const email = requiredText(request, "email");
  const password = requiredText(request, "password");
  // Step 1: Log the user in.
  const loggedIn = await logIn(app.db, email, password);
  if (!loggedIn.ok) return refusedAnswer(loggedIn.code, LOGIN_MESSAGES[loggedIn.code]);
  // Step 2: JWT - Generate token. Subject = Current User's unique id.
  const generated = await app.step("JWT - Generate token", {
    subject: loggedIn.user.id,
    expires_in: app.settings.tokenTtlSeconds,
  });
  return succeed({ token: generated.token, expires_at: millis(generated.expires_at) });
};

/** `token-refresh` (one-token flow) with `token`: a new token, and the old one on the revoked list. */
const tokenRefresh: Workflow = async (request, app) => {
  const token = requiredText(request, "token");
  // Step 1: JWT - Refresh token. Revoked IDs = Search for Revoked tokens' jti.
  const revokedIds = app.search((db) => db.revokedIds());
  const refreshed = await app.step("JWT - Refresh token", {
    token,
    expires_in: app.settings.tokenTtlSeconds,
    grace_period: app.settings.refreshGraceSeconds,
    revoked_ids: revokedIds,
  });
  if (refreshed.ok !== true) return stepRefusal(refreshed);
  // Step 2: Create a new Revoked token (jti = previous_jti, expires_at = Result of step 1's expires_at).
  // Only when it is not there yet: of two simultaneous refreshes of one token, only the first counts. (Bubble
  // would create two rows and answer both; a client coded against this stricter answer works there too.)
  const previous = text(refreshed.previous_jti);
  if (previous !== "") {
    const added = app.write((db) => db.revokeToken(previous, millis(refreshed.expires_at)));
    if (!added) return refusedAnswer("revoked", "The token has been revoked.");
  }
  return succeed({ token: refreshed.token, expires_at: millis(refreshed.expires_at) });
};

/** `token-protected-action` (one-token flow) with `token`: Verify against the revoked list. */
const tokenProtectedAction: Workflow = async (request, app) => {
  const token = requiredText(request, "token");
  // Step 1: JWT - Verify token. Revoked IDs = Search for Revoked tokens' jti.
  const revokedIds = app.search((db) => db.revokedIds());
  const verified = await app.step("JWT - Verify token", { token, revoked_ids: revokedIds });
  if (verified.valid !== true) return stepRefusal(verified);
  // Step 2: Search for Users (unique id = Result of step 1's subject):first item.
  const user = app.search((db) => db.userById(text(verified.subject)));
  if (!user) return userGone();
  return succeed(work(user, request.parameters));
};

/** The workflows by the name in their URL; a Map, so no name reaches Object.prototype. */
export const WORKFLOWS: ReadonlyMap<string, Workflow> = new Map([
  ["signup", signup],
  ["login", login],
  ["refresh-token", refreshToken],
  ["protected-action", protectedAction],
  ["protected-action-strict", protectedActionStrict],
  ["logout", logout],
  ["logout-everywhere", logoutEverywhere],
  ["token-login", tokenLogin],
  ["token-refresh", tokenRefresh],
  ["token-protected-action", tokenProtectedAction],
]);

/** The Session's user when the session is not over (revoked, user gone, or ended by logout-everywhere). */
function liveSessionUser(db: AppDatabase, session: SessionRow): User | undefined {
  if (session.revoked) return undefined;
  const user = db.userById(session.user_id);
  if (!user) return undefined;
  if (user.sessions_revoked_at !== null && session.created_at <= user.sessions_revoked_at) return undefined;
  return user;
}

/** Your work: here it echoes the other parameters, to show what the workflow received. */
function work(user: User, parameters: Parameters): Record<string, unknown> {
  // fromEntries defines each name as an own property: a "__proto__" parameter stays a parameter.
  const others = Object.fromEntries(Object.entries(parameters).filter(([name]) => name !== "token"));
  return { user_id: user.id, email: user.email, parameters: others };
}

/** The answer of login and refresh-token. */
function pair(userId: string, sessionId: string, values: Record<string, unknown>): Record<string, unknown> {
  return {
    user_id: userId,
    session_id: sessionId,
    token: values.token,
    expires_at: millis(values.expires_at),
    refresh_token: values.refresh_token,
    refresh_expires_at: millis(values.refresh_expires_at),
  };
}

function succeed(response: Record<string, unknown>): WorkflowAnswer {
  return { response, outcome: "ok" };
}

/** A refusal: still Bubble's 200 success envelope, with only error_code and error_message. */
function refusedAnswer(errorCode: string, message: string): WorkflowAnswer {
  return { response: { error_code: errorCode, error_message: message }, outcome: errorCode };
}

/** A plugin step's refusal passed on as the workflow's answer: its error_code and error_message. */
function stepRefusal(values: Record<string, unknown>): WorkflowAnswer {
  return refusedAnswer(text(values.error_code), text(values.error_message));
}

/** A date return value as the answer carries it: milliseconds since 1970 (docs/sessions.md). */
function millis(value: unknown): number {
  if (!(value instanceof Date)) throw new Error("an action returned no date where the workflow needs one");
  return value.getTime();
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function ownValue(parameters: Parameters, name: string): unknown {
  return Object.hasOwn(parameters, name) ? parameters[name] : undefined;
}

/** An optional text parameter; undefined when absent or empty. */
function optionalText({ name: workflow, parameters }: WorkflowRequest, name: string): string | undefined {
  const value = ownValue(parameters, name);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string")
    throw new HttpError(
      400,
      "INVALID_DATA",
      `Invalid data for workflow ${workflow}: parameter ${name} must be text`,
    );
  return value;
}

/** A required text parameter: absent or empty is Bubble's 400 MISSING_DATA, naming workflow and parameter. */
function requiredText(request: WorkflowRequest, name: string): string {
  const value = optionalText(request, name);
  if (value === undefined)
    throw new HttpError(
      400,
      "MISSING_DATA",
      `Missing parameter for workflow ${request.name}: parameter ${name}`,
    );
  return value;
}
