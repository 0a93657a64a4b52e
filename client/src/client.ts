/**
 * The session client: signs in through the app's `login` workflow, keeps the token pair and the session's
 * `session_id` in a storage adapter, sends the access token as the `token` parameter and the `session_id`
 * with every call (the workflows find the Session by it, in one search), and rotates the pair through
 * `refresh-token` before the access token expires (or when a workflow refuses it as `expired`, ...).
 *
 * Refresh is single-flight: every call that needs a refresh while one is running waits for that one, so a
 * refresh token is presented once. Presenting a rotated-away refresh token again is what a thief does, and
 * the server then revokes the session (docs/sessions.md). The one exception is a refresh whose answer was
 * lost: it is sent again with the same refresh token, inside the server's retry window, where the server
 * answers the same new pair again.
 */
import { BubbleHttpError, NetworkError, SessionError, UsageError, WorkflowError } from "./errors.js";
import {
  deserialise,
  infoOf,
  type SessionInfo,
  type StoredSession,
  serialise,
  sessionFromAnswer,
} from "./session.js";
import { guardedStorage, memoryStorage, type SessionStorage } from "./storage.js";
import { createTransport, type FetchFunction, type Transport, type WorkflowResponse } from "./transport.js";

/**
 * The client's time: when a token is due for a refresh, the retry window of a lost refresh, and the pauses
 * between its resends. Tests pass one they move forward; a request's deadline (`requestTimeout`) is a real
 * timer, since it bounds the network, which no clock speeds up.
 */
export interface Clock {
  /** Milliseconds since 1970. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Why a session ended, as `onSessionEnd` listeners are told (once per session):
 * - `logged_out`: `logOut()` or `logOutEverywhere()` on this client (or a new `logIn` replaced it), or a
 *   logout or another login by a client on the same storage;
 * - `session_expired`: the refresh token expired (unused too long) or the login is older than the maximum;
 * - `refresh_token_reused`: the server saw an already rotated refresh token again and revoked the session;
 * - `revoked`: the server ended the session (logout on another device or everywhere, a deleted user);
 * - `invalid_session`: the server refuses the refresh token itself (another app's, or the secret changed).
 */
export type SessionEndReason =
  | "logged_out"
  | "session_expired"
  | "refresh_token_reused"
  | "revoked"
  | "invalid_session";

export type SessionEndListener = (reason: SessionEndReason, session: SessionInfo) => void;

/** The backend workflows the client calls; the defaults are the recommended workflows' names (docs/workflows.md). */
export interface WorkflowNames {
  readonly signup: string;
  readonly login: string;
  readonly refresh: string;
  readonly logout: string;
  readonly logoutEverywhere: string;
}

export const DEFAULT_WORKFLOWS: WorkflowNames = {
  signup: "signup",
  login: "login",
  refresh: "refresh-token",
  logout: "logout",
  logoutEverywhere: "logout-everywhere",
};

export interface ClientOptions {
  /** The app's address, e.g. `https://myapp.bubbleapps.io` or a custom domain; HTTPS unless loopback. */
  readonly appUrl: string;
  /** `test` calls the development version (`/version-test/`). Default `live`. */
  readonly version?: "live" | "test";
  /** Where the session is kept between starts; default memory only. */
  readonly storage?: SessionStorage;
  /** The storage key; default `bubble_jwt_session` (letters, digits, `.`, `-`, `_`, as SecureStore wants). */
  readonly storageKey?: string;
  /** Default the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Refresh when the access token expires within this many milliseconds; default 60,000. */
  readonly refreshMargin?: number;
  /** Milliseconds to wait for one answer; default 15,000. */
  readonly requestTimeout?: number;
  /** The server's retry window for a refresh, in milliseconds; default 30,000, as the server's. */
  readonly refreshRetryWindow?: number;
  /** Other names for the session workflows. */
  readonly workflows?: Partial<WorkflowNames>;
  /** Allow `http://` to a host other than localhost (a phone on the LAN, Android's emulator at 10.0.2.2). */
  readonly allowHttp?: boolean;
  /** Default the device's clock; tests pass one they move forward. */
  readonly clock?: Clock;
}

export interface BubbleClient {
  /** Runs `signup`, then `logIn`. */
  signUp(email: string, password: string): Promise<SessionInfo>;
  /** Runs `login` and keeps the session (a previous session on this client is logged out). */
  logIn(email: string, password: string): Promise<SessionInfo>;
  /**
   * Ends the session on the server (`logout`) and here. It always ends here; when the server could not be
   * reached it then throws that error, and the server's session lapses with its refresh token.
   */
  logOut(): Promise<void>;
  /** Ends every session of the user (`logout-everywhere`), then this one. Throws and keeps it on failure. */
  logOutEverywhere(): Promise<void>;
  /**
   * Posts `parameters` plus `token` and `session_id` to a workflow and resolves with its `response`. Refreshes
   * first when the token is about to expire, and once more when the workflow refuses the token (`expired`,
   * `revoked`, ...), then retries once.
   */
  call<T extends WorkflowResponse = WorkflowResponse>(
    workflow: string,
    parameters?: Record<string, unknown>,
  ): Promise<T>;
  /** The signed-in user and the session's dates, or null; no token. */
  session(): Promise<SessionInfo | null>;
  /**
   * Called once for each session that ends, with the reason (once in all, too, for the clients that share one
   * storage object). Returns a function that unsubscribes.
   */
  onSessionEnd(listener: SessionEndListener): () => void;
}

const DEFAULT_STORAGE_KEY = "bubble_jwt_session";
const DEFAULT_REFRESH_MARGIN_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
const DEFAULT_REFRESH_RETRY_WINDOW_MS = 30_000;
/** Retries of a lost refresh are sent only in this share of the window: the rest is the retry's travel. */
const RETRY_SEND_SHARE = 0.8;
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 4_000;
/** A bound on refresh attempts whatever the clock does. */
const MAX_REFRESH_ATTEMPTS = 8;

/**
 * A workflow's refusals of the access token that a refresh settles: it either brings a token the retry
 * succeeds with (`expired`) or finds the session over and ends it (`revoked`, `user_not_found`, a token of
 * another app or secret), which is what README section 2 tells a client to do for each.
 */
const RENEWABLE_CALL_CODES = new Set([
  "expired",
  "revoked",
  "session_expired",
  "user_not_found",
  "invalid_signature",
  "malformed",
  "issuer_mismatch",
  "audience_mismatch",
]);

/** Refresh refusals after which the session may still work (a clock or a key fetch), not an end. */
const TRANSIENT_REFRESH_CODES = new Set(["not_yet_valid", "jwks_unavailable", "unknown_key"]);

/**
 * The sessions whose end was told, per storage (the object the app passed) and storage key. Clients of one
 * app on one storage are views of one session (two screens that each made a client): its end is told once,
 * by the first client with listeners that sees it; each client still forgets it. Another tab, another
 * JavaScript realm, keeps its own.
 */
const toldEnds = new WeakMap<object, Set<string>>();

function endReasonOf(code: string): SessionEndReason | null {
  if (TRANSIENT_REFRESH_CODES.has(code)) return null;
  switch (code) {
    case "refresh_token_reused":
      return "refresh_token_reused";
    case "revoked":
      return "revoked";
    case "expired":
    case "session_expired":
    case "token_too_old":
      return "session_expired";
    default:
      return "invalid_session";
  }
}

function endedDuringRefresh(): SessionError {
  return new SessionError("not_signed_in", "The session ended during a refresh.");
}

/** Worth sending the same refresh again: the request may have reached the server, its answer did not. */
function isLostAnswer(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof BubbleHttpError && (error.status === 429 || error.status >= 500);
}

export function createClient(options: ClientOptions): BubbleClient {
  return new SessionClient(options);
}

class SessionClient implements BubbleClient {
  private readonly transport: Transport;
  private readonly storage: SessionStorage;
  /** The ends told through any client on this storage (see toldEnds). */
  private readonly told: Set<string>;
  private readonly storageKey: string;
  private readonly workflows: WorkflowNames;
  private readonly refreshMargin: number;
  private readonly requestTimeout: number;
  private readonly refreshRetryWindow: number;
  private readonly clock: Clock;
  private readonly listeners = new Set<SessionEndListener>();
  private current: StoredSession | null = null;
  private loading: Promise<void> | null = null;
  private refreshing: Promise<StoredSession> | null = null;

  constructor(options: ClientOptions) {
    if (typeof options !== "object" || options === null) throw new UsageError("createClient needs options.");
    const version = options.version ?? "live";
    if (version !== "live" && version !== "test") {
      throw new UsageError('version is "live" or "test"; put any other version into appUrl.');
    }
    this.refreshMargin = milliseconds("refreshMargin", options.refreshMargin, DEFAULT_REFRESH_MARGIN_MS);
    this.requestTimeout = milliseconds("requestTimeout", options.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
    this.refreshRetryWindow = milliseconds(
      "refreshRetryWindow",
      options.refreshRetryWindow,
      DEFAULT_REFRESH_RETRY_WINDOW_MS,
    );
    this.clock = checkedClock(options.clock);
    this.workflows = { ...DEFAULT_WORKFLOWS, ...options.workflows };
    for (const [role, name] of Object.entries(this.workflows)) checkWorkflowName(name, `workflows.${role}`);
    const storage = options.storage ?? memoryStorage();
    this.storage = guardedStorage(storage);
    this.storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
    this.told = toldEnds.get(storage) ?? new Set();
    toldEnds.set(storage, this.told);
    const fetchFunction =
      options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    this.transport = createTransport({
      baseUrl: `${appBase(options.appUrl, options.allowHttp === true)}${version === "test" ? "/version-test" : ""}/api/1.1/wf/`,
      fetch: fetchFunction,
      timeoutMs: this.requestTimeout,
    });
  }

  async signUp(email: string, password: string): Promise<SessionInfo> {
    checkCredentials(email, password);
    await this.transport.post(this.workflows.signup, { email, password });
    return this.logIn(email, password);
  }

  async logIn(email: string, password: string): Promise<SessionInfo> {
    checkCredentials(email, password);
    await this.load();
    const answer = await this.transport.post(this.workflows.login, { email, password });
    const next = sessionFromAnswer(this.workflows.login, answer, this.clock.now());
    const previous = this.current;
    if (previous) this.end(previous, "logged_out");
    // Best effort, beside keeping the new one: the new session is what the user asked for; the old one
    // lapses with its refresh token if this fails.
    const previousLoggedOut = previous ? this.logOutOnServer(previous).catch(() => {}) : null;
    await this.keep(next);
    await previousLoggedOut;
    return infoOf(next);
  }

  async logOut(): Promise<void> {
    await this.load();
    const session = this.current;
    if (!session) return;
    // Ended here first, before anything is awaited: a refresh in flight then finds its session over and
    // keeps nothing, and the logout below revokes the session on the server whichever pair it carries.
    this.end(session, "logged_out");
    const forgotten = this.forget().then(
      () => null,
      (error: unknown) => error,
    );
    let unreached: unknown = null;
    try {
      await this.logOutOnServer(session);
    } catch (error) {
      // A refusal (revoked, expired, ...) says the server holds the session over already.
      if (!(error instanceof WorkflowError)) unreached = error;
    }
    const storageFailure = await forgotten;
    if (unreached) throw unreached;
    if (storageFailure) throw storageFailure;
  }

  async logOutEverywhere(): Promise<void> {
    const session = await this.signedIn();
    await this.withToken(this.workflows.logoutEverywhere, {});
    await this.endAndForget(this.current ?? session, "logged_out");
  }

  async call<T extends WorkflowResponse = WorkflowResponse>(
    workflow: string,
    parameters: Record<string, unknown> = {},
  ): Promise<T> {
    checkWorkflowName(workflow, "workflow");
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
      throw new UsageError("call() takes the workflow's parameters as one object.");
    }
    for (const own of ["token", "session_id"]) {
      if (own in parameters) throw new UsageError(`call() sends the ${own} parameter itself; leave it out.`);
    }
    return (await this.withToken(workflow, parameters)) as T;
  }

  async session(): Promise<SessionInfo | null> {
    await this.load();
    return this.current ? infoOf(this.current) : null;
  }

  onSessionEnd(listener: SessionEndListener): () => void {
    if (typeof listener !== "function") throw new UsageError("onSessionEnd takes a function.");
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async withToken(workflow: string, parameters: Record<string, unknown>): Promise<WorkflowResponse> {
    let session = await this.signedIn();
    if (this.expiresSoon(session)) session = await this.refreshFrom(session);
    const send = (from: StoredSession) =>
      this.transport.post(workflow, { ...parameters, token: from.token, session_id: from.sessionId });
    try {
      return await send(session);
    } catch (error) {
      if (!(error instanceof WorkflowError) || !RENEWABLE_CALL_CODES.has(error.code)) throw error;
      session = await this.refreshFrom(session);
      return send(session);
    }
  }

  /** The `logout` workflow for `session`: its refresh token (valid longer than the access token). */
  private logOutOnServer(session: StoredSession): Promise<WorkflowResponse> {
    return this.transport.post(this.workflows.logout, {
      refresh_token: session.refreshToken,
      session_id: session.sessionId,
    });
  }

  private async signedIn(): Promise<StoredSession> {
    await this.load();
    if (!this.current) throw new SessionError("not_signed_in", "Nobody is signed in: call logIn first.");
    return this.current;
  }

  private expiresSoon(session: StoredSession): boolean {
    // A margin as long as the token's life would refresh before every call: at most half of it.
    const margin = Math.min(this.refreshMargin, Math.max(0, session.expiresAt - session.receivedAt) / 2);
    return this.clock.now() >= session.expiresAt - margin;
  }

  /**
   * A session newer than `stale`: the one a running refresh brings, the one that already replaced `stale`,
   * or a new refresh of `stale`. Synchronous up to the shared promise, so concurrent callers share it.
   */
  private refreshFrom(stale: StoredSession): Promise<StoredSession> {
    if (this.refreshing) return this.refreshing;
    if (this.current !== stale) {
      return this.current
        ? Promise.resolve(this.current)
        : Promise.reject(new SessionError("not_signed_in", "The session ended while this call waited."));
    }
    const refreshing = this.rotate(stale).finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async rotate(stale: StoredSession): Promise<StoredSession> {
    const from = await this.adoptShared(stale);
    if (from !== stale && !this.expiresSoon(from)) return from;
    const workflow = this.workflows.refresh;
    const sendRetriesUntil = this.clock.now() + this.refreshRetryWindow * RETRY_SEND_SHARE;
    for (let attempt = 1; ; attempt++) {
      let answer: WorkflowResponse;
      try {
        answer = await this.transport.post(workflow, {
          refresh_token: from.refreshToken,
          session_id: from.sessionId,
        });
      } catch (error) {
        if (error instanceof WorkflowError) throw await this.refused(from, error);
        const delay = Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
        const retry =
          isLostAnswer(error) &&
          attempt < MAX_REFRESH_ATTEMPTS &&
          this.clock.now() + delay < sendRetriesUntil;
        if (!retry) throw error;
        await this.clock.sleep(delay);
        if (this.current !== from) throw endedDuringRefresh();
        continue;
      }
      const next = sessionFromAnswer(workflow, answer, this.clock.now(), from.sessionId);
      if (this.current !== from) throw endedDuringRefresh();
      await this.keep(next);
      return next;
    }
  }

  /**
   * Another client on the same storage (a second tab, a second instance) may have rotated the pair since
   * this one read it: presenting the old refresh token after the retry window would look like theft. So the
   * stored pair is read again first and, when newer, taken over. An emptied storage is a logout there, and
   * another session in it a login there: this session is over, and this client never turns into another's.
   */
  private async adoptShared(stale: StoredSession): Promise<StoredSession> {
    const stored = deserialise(await this.storage.get(this.storageKey));
    if (this.current !== stale) throw endedDuringRefresh();
    if (!stored || stored.userId !== stale.userId || stored.sessionId !== stale.sessionId) {
      this.end(stale, "logged_out");
      throw new SessionError(
        "not_signed_in",
        "Another client on the same storage logged out or signed in anew.",
        "logged_out",
      );
    }
    if (stored.refreshToken === stale.refreshToken) return stale;
    this.current = stored;
    return stored;
  }

  /** The error a refused refresh stands for; ends the session when the refusal is final. */
  private async refused(stale: StoredSession, error: WorkflowError): Promise<Error> {
    const reason = endReasonOf(error.code);
    if (!reason) return error;
    // Ended meanwhile (a logOut): its listeners were told why already.
    if (this.current !== stale) return endedDuringRefresh();
    await this.endAndForget(stale, reason);
    return new SessionError(error.code, `The session ended (${reason}): ${error.message}`, reason);
  }

  private load(): Promise<void> {
    if (!this.loading) {
      this.loading = this.storage.get(this.storageKey).then(
        (text) => {
          this.current = deserialise(text);
        },
        (error: unknown) => {
          this.loading = null;
          throw error;
        },
      );
    }
    return this.loading;
  }

  private async keep(session: StoredSession): Promise<void> {
    this.current = session;
    await this.storage.set(this.storageKey, serialise(session));
  }

  private forget(): Promise<void> {
    return this.storage.remove(this.storageKey);
  }

  private async endAndForget(session: StoredSession, reason: SessionEndReason): Promise<void> {
    if (this.end(session, reason)) await this.forget();
  }

  /**
   * Ends `session` when it is still the current one, and tells the listeners unless a client on the same
   * storage told this session's end to its own already; false when it was not current.
   */
  private end(session: StoredSession, reason: SessionEndReason): boolean {
    if (this.current !== session) return false;
    this.current = null;
    const told = `${this.storageKey}\n${session.sessionId}`;
    if (this.told.has(told) || this.listeners.size === 0) return true;
    this.told.add(told);
    const info = infoOf(session);
    for (const listener of [...this.listeners]) {
      try {
        listener(reason, info);
      } catch (error) {
        // A listener's bug must not stop the client; it still surfaces as an uncaught error.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
    return true;
  }
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${name} is a number of milliseconds, 0 or more.`);
  }
  return value;
}

function checkedClock(clock: Clock | undefined): Clock {
  if (clock === undefined) return SYSTEM_CLOCK;
  if (typeof clock?.now !== "function" || typeof clock.sleep !== "function") {
    throw new UsageError("clock has now() and sleep(ms).");
  }
  return clock;
}

function checkWorkflowName(name: unknown, what: string): void {
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(name)) {
    throw new UsageError(`${what} is a workflow name: letters, digits, - and _.`);
  }
}

function checkCredentials(email: unknown, password: unknown): void {
  if (typeof email !== "string" || typeof password !== "string") {
    throw new UsageError("email and password are texts.");
  }
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * `appUrl` without its trailing slash, checked by hand: React Native's URL lacks most of its getters.
 * HTTPS only, except to this machine (the local backend) or when `allowHttp` says so.
 */
function appBase(appUrl: unknown, allowHttp: boolean): string {
  const match = typeof appUrl === "string" ? /^(https?):\/\/([^/?#@\s]+)(\/[^?#\s]*)?$/i.exec(appUrl) : null;
  if (!match) {
    throw new UsageError("appUrl is the app's address, like https://myapp.bubbleapps.io (no query, no #).");
  }
  const scheme = (match[1] as string).toLowerCase();
  const host = (match[2] as string).toLowerCase().replace(/:\d+$/, "");
  if (scheme === "http" && !allowHttp && !LOOPBACK_HOSTS.has(host)) {
    throw new UsageError(
      "appUrl must be https:// (tokens would travel in clear); allowHttp: true for a LAN test.",
    );
  }
  return (appUrl as string).replace(/\/+$/, "");
}
