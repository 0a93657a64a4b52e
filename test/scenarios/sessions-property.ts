/**
 * Scenario: seeded random sequences through the built actions, each sequence one login. A login with a
 * refresh token refreshes through JWT - Session (purpose refresh) against a Session row the scenario keeps
 * as the recommended workflow writes it (new_* when rotate is yes, revoked when revoke is yes), with time
 * passing past the retry window now and then; a one-token login refreshes through JWT - Refresh token.
 * Every answer is checked against a model of the rules (rotate, retry, reuse, revoked), and afterwards every
 * token the sequence produced is given to Verify, Refresh and JWT - Session. The properties
 * (test/sessions-property.test.ts asserts the report):
 * - no token of a session is accepted by Refresh (its access and refresh tokens alike: wrong_token_type),
 *   refresh tokens never by Verify, access tokens never refresh a session;
 * - a one-token login stays one: every token is accepted by Verify and Refresh, never by JWT - Session,
 *   and no refresh token ever appears;
 * - every token of a login carries its sid; one refresh token names one successor, however often presented;
 * - the Session's current_jti is always the jti of a refresh token the client holds, until it is revoked.
 * SESSION_SEED and SESSION_RUNS in the environment replay or vary a run.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { BASE_KEYS, harness } from "../contract/harness.js";
import { expectedSuccessor } from "../contract/session-cases.js";
import { type Observation, printReport } from "../support/observe.js";
import { prng } from "../support/prng.js";

export const DEFAULT_SESSION_SEED = 0x5e55_1015;
export const DEFAULT_SESSION_RUNS = 300;
const seed = Number(process.env.SESSION_SEED ?? DEFAULT_SESSION_SEED) >>> 0;
const runs = Number(process.env.SESSION_RUNS ?? DEFAULT_SESSION_RUNS);
const random = prng(seed);
const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;

interface Issued {
  readonly token: string;
  /** How it came: the access or refresh token of a Generate, Refresh or JWT - Session answer. */
  readonly as: "access" | "refresh";
}

const RETRY_WINDOW_MS = 30_000;
const h = harness(new BubbleRuntime(path.resolve("actions")));
const failures: string[] = [];
const counts = {
  sequences: 0,
  sessions: 0,
  calls: 0,
  tokens: 0,
  rotations: 0,
  retries: 0,
  reuses: 0,
  refreshes: 0,
};

function fail(sequence: number, what: string, seen: unknown): void {
  if (failures.length < 50) failures.push(`sequence ${sequence}: ${what} (saw ${JSON.stringify(seen)})`);
}

async function call(
  action: "generate" | "verify" | "refresh" | "session",
  inputs: Record<string, unknown>,
): Promise<Observation> {
  counts.calls++;
  return h.call(action, inputs, BASE_KEYS);
}

function values(o: Observation): Record<string, unknown> {
  return o.values ?? {};
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** What the rules say a refresh with `presented` against `row` answers (see docs/sessions.md). */
function expected(
  presented: Issued,
  row: SessionRow,
): "rotate" | "retry" | "wrong_token_type" | "revoked" | "refresh_token_reused" {
  if (presented.as === "access") return "wrong_token_type";
  if (row.revoked) return "revoked";
  const jti = String(claimsOf(presented.token).jti);
  if (row.current_jti === jti) return "rotate";
  const sinceRotation = Date.now() - row.rotated_at.getTime();
  if (row.current_jti === expectedSuccessor(jti) && sinceRotation <= RETRY_WINDOW_MS) return "retry";
  return "refresh_token_reused";
}

interface SessionRow {
  session_id: unknown;
  session_user_id: string;
  current_jti: unknown;
  rotated_at: Date;
  created_at: Date;
  expires_at: unknown;
  revoked: boolean;
}

for (let sequence = 0; sequence < runs; sequence++) {
  counts.sequences++;
  const paired = random() < 0.6;
  if (paired) counts.sessions++;
  const subject = `user-${sequence}`;
  const generated = await call("generate", {
    subject,
    issue_refresh_token: paired ? pick([true, "yes", "true"]) : pick([false, "no", null, ""]),
    session_id: random() < 0.5 ? `sess-${sequence}` : null,
    token_type: paired ? null : pick([null, "JWT", "custom+jwt", "application/jwt"]),
    expires_in: int(60, 3600),
    refresh_expires_in: int(60, 31_536_000),
    claims_json: random() < 0.3 ? JSON.stringify({ n: sequence }) : null,
  });
  const g = values(generated);
  if (generated.thrown || typeof g.token !== "string") {
    fail(sequence, "generate failed", generated.thrown ?? g);
    continue;
  }
  const sid = g.session_id;
  const pool: Issued[] = [{ token: g.token, as: "access" }];
  if (g.refresh_token) pool.push({ token: String(g.refresh_token), as: "refresh" });
  if (paired !== Boolean(g.refresh_token))
    fail(sequence, "a refresh token only when asked for", g.refresh_token);
  // The Session row as the login workflow creates it.
  const row: SessionRow = {
    session_id: sid,
    session_user_id: subject,
    current_jti: g.refresh_jti,
    rotated_at: g.issued_at as Date,
    created_at: g.issued_at as Date,
    expires_at: g.refresh_expires_at,
    revoked: false,
  };
  const successors = new Map<string, unknown>();
  for (let step = int(1, 5); step > 0; step--) {
    const presented = pick(pool);
    if (!paired) {
      const refreshed = values(
        await call("refresh", {
          token: presented.token,
          expires_in: int(60, 3600),
          max_session: int(3600, 31_536_000),
        }),
      );
      if (refreshed.ok !== true)
        fail(sequence, "a one-token-flow token did not refresh", refreshed.error_code);
      else {
        counts.refreshes++;
        pool.push({ token: String(refreshed.token), as: "access" });
        if (refreshed.refresh_token) fail(sequence, "a one-token login gained a refresh token", presented.as);
      }
      continue;
    }
    // Now and then the client is away longer than the retry window.
    if (random() < 0.3) row.rotated_at = new Date(row.rotated_at.getTime() - RETRY_WINDOW_MS - 1000);
    const want = expected(presented, row);
    const answer = values(
      await call("session", {
        token: presented.token,
        purpose: "refresh",
        ...row,
        expires_in: int(60, 3600),
        refresh_expires_in: int(60, 2_592_000),
        max_session: int(3600, 31_536_000),
      }),
    );
    const seen = answer.ok === true ? (answer.rotate === true ? "rotate" : "retry") : answer.error_code;
    if (seen !== want) fail(sequence, `a refresh the rules answer ${want}`, seen);
    // The refresh-token workflow's writes, each Only when its flag is yes.
    if (answer.rotate === true) {
      row.current_jti = answer.new_current_jti;
      row.rotated_at = answer.new_rotated_at as Date;
      row.expires_at = answer.new_expires_at;
    }
    if (answer.revoke === true) {
      counts.reuses++;
      row.revoked = true;
    }
    if (answer.ok !== true) continue;
    if (answer.rotate === true) counts.rotations++;
    else counts.retries++;
    pool.push({ token: String(answer.token), as: "access" });
    pool.push({ token: String(answer.refresh_token), as: "refresh" });
    const successor = claimsOf(String(answer.refresh_token)).jti;
    const previous = successors.get(presented.token);
    if (previous !== undefined && previous !== successor)
      fail(sequence, "one refresh token named two successors", [previous, successor]);
    successors.set(presented.token, successor);
  }
  if (paired && !row.revoked) {
    const held = pool.filter((i) => i.as === "refresh").map((i) => claimsOf(i.token).jti);
    if (!held.includes(row.current_jti))
      fail(sequence, "the client holds no refresh token the Session takes", row.current_jti);
  }
  for (const issued of pool) {
    counts.tokens++;
    const claims = claimsOf(issued.token);
    if (claims.sid !== sid) fail(sequence, `a ${issued.as} token lost the sid`, claims.sid);
    const verified = values(await call("verify", { token: issued.token }));
    const refreshed = values(await call("refresh", { token: issued.token }));
    if (paired) {
      if (refreshed.error_code !== "wrong_token_type")
        fail(sequence, `a session's ${issued.as} token at Refresh`, refreshed.error_code);
      if (issued.as === "refresh" && verified.error_code !== "wrong_token_type")
        fail(sequence, "a refresh token at Verify", verified.error_code);
      if (issued.as === "access" && verified.valid !== true)
        fail(sequence, "a session's access token at Verify", verified.error_code);
    } else {
      if (verified.valid !== true || refreshed.ok !== true)
        fail(sequence, "a one-token-flow token was refused", [verified.error_code, refreshed.error_code]);
      const purpose = pick(["access", "refresh", "logout", "logout_everywhere"]);
      const session = values(await call("session", { token: issued.token, purpose, ...row }));
      if (session.error_code !== "wrong_token_type")
        fail(sequence, `a one-token-flow token at JWT - Session (${purpose})`, session.error_code);
    }
  }
}

printReport({ node: process.version, seed, runs, counts, failures });
