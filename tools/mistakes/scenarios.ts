/**
 * What a builder's mistake is tried against: the normal flows a builder (or the client) runs in a first
 * test, and the attacks. A flow answers undefined when it works, or what went wrong; an attack answers
 * undefined when it was stopped, or what it achieved. Attacks are judged only by observable effect:
 * protected work done or another user's data for a refused token, a new token pair or protected work for
 * an ended session, a reuse that leaves the session alive, a victim's rows changed by an attacker.
 */
import { type Answer, type Row, refused, text, type World } from "./world.js";

export interface Scenario {
  readonly name: string;
  /** What it does and expects, in a builder's words (the guide lists the flows as first tests). */
  readonly summary: string;
  readonly kind: "flow" | "attack";
  run(world: World): Promise<string | undefined>;
}

/** What login and refresh-token answer. */
interface Pair {
  readonly user_id: string;
  readonly session_id: string;
  readonly token: string;
  readonly refresh_token: string;
}

const PAIR_FIELDS = ["user_id", "session_id", "token", "expires_at", "refresh_token", "refresh_expires_at"];
const PASSWORD = "correct horse battery";
/** Past the retry window (30 s) and short of the access token's lifetime (900 s). */
const AFTER_WINDOW = 60;
/** Past the access token's lifetime. */
const AFTER_ACCESS_EXPIRY = 1000;
/** token-login's and token-refresh's expires_in; token-refresh's grace_period is 300 s past it. */
const ONE_TOKEN_TTL = 3600;

/** Thrown inside a scenario when a step it needs fails: for a flow that is the finding, for an attack a setup failure. */
class Broken extends Error {}

function expectOk(answer: Answer, workflow: string, fields: readonly string[]): Record<string, unknown> {
  if (refused(answer)) {
    const why = text(answer.response.error_code) || `HTTP ${answer.httpStatus}`;
    throw new Broken(`${workflow} refused (${why})`);
  }
  const missing = fields.filter((field) => text(answer.response[field]) === "");
  if (missing.length > 0) throw new Broken(`${workflow} answered without ${missing.join(", ")}`);
  return answer.response;
}

async function signup(world: World, email: string): Promise<string> {
  const answer = await world.call("signup", { email, password: PASSWORD });
  return text(expectOk(answer, "signup", ["user_id"]).user_id);
}

async function login(world: World, email: string): Promise<Pair> {
  const answer = await world.call("login", { email, password: PASSWORD });
  const response = expectOk(answer, "login", PAIR_FIELDS);
  return {
    user_id: text(response.user_id),
    session_id: text(response.session_id),
    token: text(response.token),
    refresh_token: text(response.refresh_token),
  };
}

/** A signed-up user with one session (Bubble's Sign the user up, without the cost of a real password hash). */
async function member(world: World, name: string): Promise<{ id: string; email: string; session: Pair }> {
  const email = `${name}@example.com`;
  const id = await world.addUser(email, PASSWORD);
  const session = await login(world, email);
  if (session.user_id !== id) throw new Broken(`login answered user_id of another user`);
  return { id, email, session };
}

async function refresh(world: World, session: Pair, refreshToken = session.refresh_token): Promise<Answer> {
  return world.call("refresh-token", { refresh_token: refreshToken, session_id: session.session_id });
}

async function refreshed(world: World, session: Pair, refreshToken?: string): Promise<Pair> {
  const response = expectOk(await refresh(world, session, refreshToken), "refresh-token", PAIR_FIELDS);
  if (text(response.session_id) !== session.session_id)
    throw new Broken("refresh-token changed the session_id");
  if (text(response.user_id) !== session.user_id) throw new Broken("refresh-token answered another user_id");
  return { ...session, token: text(response.token), refresh_token: text(response.refresh_token) };
}

async function protectedAction(world: World, token: string, sessionId: string): Promise<Answer> {
  return world.call("protected-action", { token, session_id: sessionId, note: "hello" });
}

async function expectProtected(world: World, session: Pair, email: string): Promise<void> {
  const answer = await protectedAction(world, session.token, session.session_id);
  const response = expectOk(answer, "protected-action", ["user_id", "email"]);
  if (text(response.user_id) !== session.user_id)
    throw new Broken("protected-action answered another user_id");
  if (text(response.email) !== email) throw new Broken("protected-action answered another email");
  if (!world.didProtectedWork(answer)) throw new Broken("protected-action answered without doing the work");
}

/** The types whose rows an attacker must never change: a victim's Session and User. */
const GUARDED = ["Session:", "User:"];

/** The Session and User rows (of `owner`, when given) that differ between two snapshots. */
function changedRows(before: readonly Row[], after: readonly Row[], owner?: string): string[] {
  const guarded = (row: Row) => GUARDED.some((prefix) => row.key.startsWith(prefix));
  const mine = (rows: readonly Row[]) =>
    new Map(
      rows
        .filter((row) => guarded(row) && (owner === undefined || row.owner === owner))
        .map((row) => [row.key, row.value]),
    );
  const [old, now] = [mine(before), mine(after)];
  const keys = new Set([...old.keys(), ...now.keys()]);
  return [...keys].filter((key) => old.get(key) !== now.get(key)).map((key) => key.split(":")[0] ?? key);
}

/**
 * What an attacker's request gained, judged from its answer: new tokens, protected work, or the identity of
 * a user other than its own (`own`: the ids and emails the attacker legitimately has).
 */
function gained(
  world: World,
  workflow: string,
  answer: Answer,
  own: readonly string[] = [],
): string | undefined {
  const tokens = ["token", "refresh_token"].filter((field) => text(answer.response[field]) !== "");
  if (tokens.length > 0) return `${workflow} handed out ${tokens.join(" and ")}`;
  if (world.didProtectedWork(answer)) return `${workflow} did the protected work`;
  for (const field of ["user_id", "email"]) {
    const value = text(answer.response[field]);
    if (value !== "" && !own.includes(value)) return `${workflow} answered another user's ${field}`;
  }
  return undefined;
}

/** Runs attacker requests, then reports the first gain or a row of `victim` (every owner when omitted) changed. */
async function attackRequests(
  world: World,
  requests: readonly (readonly [string, Readonly<Record<string, unknown>>])[],
  options: { victim?: string; own?: readonly string[] } = {},
): Promise<string | undefined> {
  for (const [workflow, parameters] of requests) {
    const before = world.rows();
    const answer = await world.call(workflow, parameters);
    const gain = gained(world, workflow, answer, options.own);
    if (gain) return gain;
    const changed = changedRows(before, world.rows(), options.victim);
    if (changed.length > 0)
      return `${workflow} changed ${options.victim ? "the victim's" : "a"} ${changed[0]} row`;
  }
  return undefined;
}

/** Every session and one-token workflow that takes a token, given `token` and `sessionId`. */
function everyTokenWorkflow(token: string, sessionId: string) {
  return [
    ["protected-action", { token, session_id: sessionId }],
    ["refresh-token", { refresh_token: token, session_id: sessionId }],
    ["logout", { refresh_token: token, session_id: sessionId }],
    ["logout", { token, session_id: sessionId }],
    ["logout-everywhere", { token, session_id: sessionId }],
    ["token-refresh", { token }],
    ["token-protected-action", { token }],
  ] as const;
}

/** The session's tokens no longer get a pair or protected work. */
async function sessionDead(world: World, session: Pair, what: string): Promise<string | undefined> {
  const answer = await refresh(world, session);
  const pair = gained(world, "refresh-token", answer, [session.user_id]);
  if (pair) return `${what}: ${pair}`;
  const work = await protectedAction(world, session.token, session.session_id);
  if (world.didProtectedWork(work)) return `${what}: protected-action did the work for its access token`;
  return undefined;
}

/** An attack: answers what it achieved, or undefined when it was stopped. */
function attack(name: string, summary: string, run: (world: World) => Promise<string | undefined>): Scenario {
  return { name, summary, kind: "attack", run };
}

function flow(name: string, summary: string, run: (world: World) => Promise<void>): Scenario {
  return {
    name,
    summary,
    kind: "flow",
    run: async (world) => {
      try {
        await run(world);
        return undefined;
      } catch (error) {
        if (error instanceof Broken) return error.message;
        throw error;
      }
    },
  };
}

export const FLOWS: readonly Scenario[] = [
  flow("signup", "signup answers a user_id, and login with that email and password works", async (world) => {
    const id = await signup(world, "new@example.com");
    const session = await login(world, "new@example.com");
    if (session.user_id !== id) throw new Broken("login after signup answered another user_id");
  }),
  flow(
    "login",
    "login answers user_id, session_id, token, expires_at, refresh_token and refresh_expires_at",
    async (world) => {
      await member(world, "alice");
    },
  ),
  flow(
    "call protected-action",
    "protected-action with the token and session_id does the work and answers your user_id and email",
    async (world) => {
      const alice = await member(world, "alice");
      await expectProtected(world, alice.session, alice.email);
    },
  ),
  flow(
    "refresh",
    "refresh-token answers a new pair whose token works, and its refresh token refreshes again a minute later",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const first = await refreshed(world, alice.session);
      await expectProtected(world, first, alice.email);
      world.advance(AFTER_WINDOW);
      const second = await refreshed(world, first);
      await expectProtected(world, second, alice.email);
    },
  ),
  flow(
    "retry inside the window",
    "the same refresh token sent again within 30 seconds answers a pair that works and refreshes later",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      await refreshed(world, alice.session);
      world.advance(5);
      const retried = await refreshed(world, alice.session);
      await expectProtected(world, retried, alice.email);
      world.advance(AFTER_WINDOW);
      await refreshed(world, retried);
    },
  ),
  flow(
    "logout",
    "logout answers the session_id, with the refresh token or the access token",
    async (world) => {
      const alice = await member(world, "alice");
      const answer = await world.call("logout", {
        refresh_token: alice.session.refresh_token,
        session_id: alice.session.session_id,
      });
      expectOk(answer, "logout with the refresh token", ["session_id"]);
      const again = await login(world, alice.email);
      const byAccess = await world.call("logout", { token: again.token, session_id: again.session_id });
      expectOk(byAccess, "logout with the access token", ["session_id"]);
    },
  ),
  flow(
    "logout-everywhere",
    "logout-everywhere answers your user_id, and a login after it works and refreshes",
    async (world) => {
      const alice = await member(world, "alice");
      const answer = await world.call("logout-everywhere", {
        token: alice.session.token,
        session_id: alice.session.session_id,
      });
      const response = expectOk(answer, "logout-everywhere", ["user_id"]);
      if (text(response.user_id) !== alice.id) throw new Broken("logout-everywhere answered another user_id");
      world.advance(1);
      const later = await login(world, alice.email);
      await expectProtected(world, later, alice.email);
      world.advance(AFTER_WINDOW);
      await refreshed(world, later);
    },
  ),
  flow(
    "one-token flow",
    "token-login answers a token that token-protected-action accepts, and token-refresh a new one that works too",
    async (world) => {
      const alice = await member(world, "alice");
      const issued = expectOk(
        await world.call("token-login", { email: alice.email, password: PASSWORD }),
        "token-login",
        ["token", "expires_at"],
      );
      const call = async (token: unknown) => {
        const answer = await world.call("token-protected-action", { token: text(token), note: "hello" });
        const response = expectOk(answer, "token-protected-action", ["user_id"]);
        if (text(response.user_id) !== alice.id)
          throw new Broken("token-protected-action answered another user");
        if (!world.didProtectedWork(answer)) throw new Broken("token-protected-action did not do the work");
      };
      await call(issued.token);
      world.advance(AFTER_WINDOW);
      const renewed = expectOk(
        await world.call("token-refresh", { token: text(issued.token) }),
        "token-refresh",
        ["token", "expires_at"],
      );
      await call(renewed.token);
    },
  ),
];

/**
 * What a session workflow is for, as a builder checks it in a first test after building it (the guide lists
 * these): a logout ends the session, a logout-everywhere ends the user's other sessions, a refresh token
 * presented again after the window ends the session, a one-token refresh retires the token it replaced. They run after the flows above, so a mistake they
 * alone catch is told apart in the table.
 */
export const EFFECT_FLOWS: readonly Scenario[] = [
  flow(
    "logout ends the session",
    "after logout, refresh-token refuses that session's refresh token and protected-action its access token",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      await world.call("logout", { refresh_token: current.refresh_token, session_id: current.session_id });
      await expectEnded(world, current, "after logout with the refresh token");
      const again = await login(world, alice.email);
      await world.call("logout", { token: again.token, session_id: again.session_id });
      await expectEnded(world, again, "after logout with the access token");
    },
  ),
  flow(
    "logout-everywhere ends the other sessions",
    "after logout-everywhere, a session the user started on another device after this one is refused too",
    async (world) => {
      // The other session starts after this one's login and its last rotation, so only "now" ends both.
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      world.advance(AFTER_WINDOW);
      const other = await login(world, alice.email);
      world.advance(AFTER_WINDOW);
      await world.call("logout-everywhere", { token: current.token, session_id: current.session_id });
      await expectEnded(world, other, "the other session after logout-everywhere");
      await expectEnded(world, current, "the session that logged out everywhere");
    },
  ),
  flow(
    "a reused refresh token ends the session",
    "a refresh token sent again a minute after it was rotated is refused, and then the newer one is refused too",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      world.advance(AFTER_WINDOW);
      const reuse = await refresh(world, alice.session);
      if (!refused(reuse)) throw new Broken("refresh-token accepted a refresh token reused after the window");
      await expectEnded(world, current, "after the reuse");
    },
  ),
  flow(
    "token-refresh retires the old token",
    "after token-refresh, the token it replaced is refused by token-refresh and by token-protected-action",
    async (world) => {
      const alice = await member(world, "alice");
      const issued = await world.call("token-login", { email: alice.email, password: PASSWORD });
      const old = text(expectOk(issued, "token-login", ["token"]).token);
      world.advance(AFTER_WINDOW);
      expectOk(await world.call("token-refresh", { token: old }), "token-refresh", ["token"]);
      if (!refused(await world.call("token-refresh", { token: old })))
        throw new Broken("token-refresh accepted the token it had replaced");
      if (!refused(await world.call("token-protected-action", { token: old })))
        throw new Broken("token-protected-action accepted the token token-refresh had replaced");
    },
  ),
];

/**
 * A flow's check that a session is over, by what a builder sees: refresh-token and protected-action answer a
 * refusal (an error_code). Work done behind a refusal is not seen here; the attacks look for that.
 */
async function expectEnded(world: World, session: Pair, when: string): Promise<void> {
  if (!refused(await refresh(world, session))) throw new Broken(`${when}: refresh-token did not refuse`);
  if (!refused(await protectedAction(world, session.token, session.session_id)))
    throw new Broken(`${when}: protected-action did not refuse`);
}

export const ATTACKS: readonly Scenario[] = [
  attack(
    "junk and empty tokens",
    "junk and empty tokens, with a victim's session_id or none, at every workflow",
    async (world) => {
      const victim = await member(world, "victim");
      const junk = ["junk", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", ""];
      for (const token of junk) {
        for (const sessionId of [victim.session.session_id, ""]) {
          const found = await attackRequests(world, everyTokenWorkflow(token, sessionId));
          if (found) return `${token === "" ? "an empty" : "a junk"} token: ${found}`;
        }
      }
      return undefined;
    },
  ),
  attack(
    "an empty session_id",
    "your own valid tokens with an empty session_id (a search that ignores it finds another user's Session)",
    async (world) => {
      // The victim's Session is the first row, so a search that ignores an empty constraint finds it.
      const victim = await member(world, "victim");
      const attacker = await member(world, "attacker");
      const own = [attacker.id, attacker.email];
      return attackRequests(world, everyTokenWorkflow(attacker.session.token, "").slice(0, 5), {
        victim: victim.id,
        own,
      }).then(
        async (found) =>
          found ??
          attackRequests(world, everyTokenWorkflow(attacker.session.refresh_token, "").slice(0, 5), {
            victim: victim.id,
            own,
          }),
      );
    },
  ),
  attack(
    "a refresh token reused after the window",
    "a rotated-away refresh token presented after the window, then junk with that session_id",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      world.advance(AFTER_WINDOW);
      const reuse = await refresh(world, alice.session);
      const gain = gained(world, "refresh-token", reuse, [alice.id, alice.email]);
      if (gain) return `the reused refresh token: ${gain}`;
      await attackRequests(world, everyTokenWorkflow("junk", current.session_id).slice(0, 5));
      return sessionDead(world, current, "after the reuse (and junk sent with its id) the session lives on");
    },
  ),
  attack(
    "a stolen rotated-away refresh token presented repeatedly",
    "a thief's copy: once inside the window (a retry, by design), then three times after it",
    async (world) => {
      const alice = await member(world, "alice");
      const stolen = alice.session;
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      // Inside the retry window the thief's copy is indistinguishable from a retry and gets the pair.
      world.advance(5);
      const thief = await refreshed(world, stolen).catch(() => undefined);
      for (const wait of [AFTER_WINDOW, AFTER_WINDOW, 300]) {
        world.advance(wait);
        const answer = await refresh(world, stolen);
        const gain = gained(world, "refresh-token", answer, [alice.id, alice.email]);
        if (gain) return `the stolen refresh token, ${wait} s later: ${gain}`;
      }
      return (
        (await sessionDead(world, current, "after the reuse the user's tokens live on")) ??
        (thief
          ? await sessionDead(world, thief, "after the reuse the thief's retry pair lives on")
          : undefined)
      );
    },
  ),
  attack(
    "a revoked session",
    "the tokens of a logged-out session, after junk was sent with its id",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_WINDOW);
      const current = await refreshed(world, alice.session);
      await world.call("logout", { refresh_token: current.refresh_token, session_id: current.session_id });
      // Junk sent with the ended session's id must not bring it back (a write of a refusal's values).
      await attackRequests(world, everyTokenWorkflow("junk", current.session_id).slice(0, 5));
      const byRefresh = await sessionDead(world, current, "after logout with the refresh token");
      if (byRefresh) return byRefresh;
      const again = await login(world, alice.email);
      await world.call("logout", { token: again.token, session_id: again.session_id });
      return sessionDead(world, again, "after logout with the access token");
    },
  ),
  attack(
    "after logout-everywhere",
    "the tokens of the user's sessions after logout-everywhere",
    async (world) => {
      const alice = await member(world, "alice");
      const other = await login(world, alice.email);
      world.advance(1);
      await world.call("logout-everywhere", {
        token: alice.session.token,
        session_id: alice.session.session_id,
      });
      await attackRequests(world, everyTokenWorkflow("junk", other.session_id).slice(0, 5));
      return (
        (await sessionDead(world, other, "the user's other session")) ??
        (await sessionDead(world, alice.session, "the session that logged out everywhere"))
      );
    },
  ),
  attack(
    "another user's session id with your own valid token",
    "your valid tokens, or your logged-out session's, with another user's session_id",
    async (world) => {
      const victim = await member(world, "victim");
      const attacker = await member(world, "attacker");
      const own = [attacker.id, attacker.email];
      const options = { victim: victim.id, own };
      const sid = victim.session.session_id;
      const live = await attackRequests(
        world,
        [
          ...everyTokenWorkflow(attacker.session.token, sid).slice(0, 5),
          ...everyTokenWorkflow(attacker.session.refresh_token, sid).slice(0, 5),
        ],
        options,
      );
      if (live) return live;
      // An attacker whose own session has ended must get nothing through the victim's live session either.
      const ended = await login(world, attacker.email);
      await world.call("logout", { refresh_token: ended.refresh_token, session_id: ended.session_id });
      const requests = [
        ...everyTokenWorkflow(ended.token, sid).slice(0, 1),
        ...everyTokenWorkflow(ended.refresh_token, sid).slice(1, 2),
      ];
      for (const [workflow, parameters] of requests) {
        const answer = await world.call(workflow, parameters);
        if (world.didProtectedWork(answer))
          return `an ended session's token with the victim's id: ${workflow} did the work`;
        const gain = gained(world, workflow, answer, own);
        if (gain) return `an ended session's token with the victim's id: ${gain}`;
      }
      return undefined;
    },
  ),
  attack(
    "a session refresh token at the one-token workflows",
    "a session refresh token at token-refresh and token-protected-action, before and after logout",
    async (world) => {
      const alice = await member(world, "alice");
      const own = [alice.id, alice.email];
      const found = await attackRequests(
        world,
        everyTokenWorkflow(alice.session.refresh_token, "").slice(5),
        {
          own,
        },
      );
      if (found) return found;
      // The same after the session ended: the one-token flow must not keep it alive.
      await world.call("logout", {
        refresh_token: alice.session.refresh_token,
        session_id: alice.session.session_id,
      });
      return attackRequests(world, everyTokenWorkflow(alice.session.refresh_token, "").slice(5), { own });
    },
  ),
  attack(
    "a one-token token at the session workflows",
    "a token-login token at protected-action, refresh-token, logout and logout-everywhere",
    async (world) => {
      const alice = await member(world, "alice");
      const issued = await world.call("token-login", { email: alice.email, password: PASSWORD });
      const token = text(expectOk(issued, "token-login", ["token"]).token);
      return attackRequests(world, everyTokenWorkflow(token, alice.session.session_id).slice(0, 5), {
        own: [alice.id, alice.email],
      });
    },
  ),
  attack(
    "a one-token token used again after token-refresh",
    "a one-token-flow token after token-refresh replaced it: refreshed again, and at token-protected-action",
    async (world) => {
      const alice = await member(world, "alice");
      const issued = await world.call("token-login", { email: alice.email, password: PASSWORD });
      const old = text(expectOk(issued, "token-login", ["token"]).token);
      world.advance(AFTER_WINDOW);
      expectOk(await world.call("token-refresh", { token: old }), "token-refresh", ["token"]);
      world.advance(AFTER_WINDOW);
      const own = [alice.id, alice.email];
      const soon = await attackRequests(world, everyTokenWorkflow(old, "").slice(5), { own });
      if (soon) return soon;
      // 100 s past the old token's exp, so past the new one's too, and inside the old one's grace period:
      // its revoked row must still be there (revoke_until, not the new token's expiry).
      world.advance(ONE_TOKEN_TTL + 100 - 2 * AFTER_WINDOW);
      const late = await attackRequests(world, everyTokenWorkflow(old, "").slice(5, 6), { own });
      return late ? `inside the grace period: ${late}` : undefined;
    },
  ),
  attack(
    "protected work run for a refused token",
    "an expired access token, a refresh token and a session token at the protected workflows",
    async (world) => {
      const alice = await member(world, "alice");
      world.advance(AFTER_ACCESS_EXPIRY);
      for (const [workflow, parameters] of [
        ["protected-action", { token: alice.session.token, session_id: alice.session.session_id }],
        ["protected-action", { token: alice.session.refresh_token, session_id: alice.session.session_id }],
        ["token-protected-action", { token: alice.session.token }],
      ] as const) {
        const answer = await world.call(workflow, parameters);
        if (world.didProtectedWork(answer)) return `${workflow} did the work for a refused token`;
      }
      return undefined;
    },
  ),
];

export const SCENARIOS: readonly Scenario[] = [...FLOWS, ...EFFECT_FLOWS, ...ATTACKS];

/** An attack whose own setup (a login, a first refresh) failed tells nothing: the classifier counts it loud. */
export function isSetupFailure(error: unknown): error is Broken {
  return error instanceof Broken;
}
