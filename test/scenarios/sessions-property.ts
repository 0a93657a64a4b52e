/**
 * Scenario: seeded random sequences of Generate and Refresh calls through the built actions, each
 * sequence one login. After each sequence every token it produced is given to Verify and to Refresh.
 * The properties (test/sessions-property.test.ts asserts the report):
 * - in a login with a refresh token, no token is accepted by both Verify and Refresh, and no access
 *   token refreshes: only refresh tokens do (refused ones with wrong_token_type);
 * - a one-token login stays one: every token is accepted by both, and no refresh token ever appears;
 * - every token of a login carries its sid, and refreshing one refresh token twice names one successor.
 * SESSION_SEED and SESSION_RUNS in the environment replay or vary a run.
 */
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { BASE_KEYS, harness } from "../contract/harness.js";
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
  /** How it came: the access or refresh token of a Generate or Refresh answer. */
  readonly as: "access" | "refresh";
}

const h = harness(new BubbleRuntime(path.resolve("actions")));
const failures: string[] = [];
const counts = { sequences: 0, sessions: 0, calls: 0, tokens: 0, rotations: 0 };

function fail(sequence: number, what: string, seen: unknown): void {
  if (failures.length < 50) failures.push(`sequence ${sequence}: ${what} (saw ${JSON.stringify(seen)})`);
}

async function call(
  action: "generate" | "verify" | "refresh",
  inputs: Record<string, unknown>,
): Promise<Observation> {
  counts.calls++;
  return h.call(action, inputs, BASE_KEYS);
}

function values(o: Observation): Record<string, unknown> {
  return o.values ?? {};
}

function sidOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).sid;
}

for (let sequence = 0; sequence < runs; sequence++) {
  counts.sequences++;
  const paired = random() < 0.6;
  if (paired) counts.sessions++;
  const generated = await call("generate", {
    subject: `user-${sequence}`,
    issue_refresh_token: paired ? pick([true, "yes", "true"]) : pick([false, "no", null, ""]),
    session_id: random() < 0.5 ? `sess-${sequence}` : null,
    token_type: paired ? null : pick([null, "JWT", "custom+jwt"]),
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
  const successors = new Map<string, unknown>();
  for (let step = int(1, 5); step > 0; step--) {
    const presented = pick(pool);
    const refreshed = values(
      await call("refresh", {
        token: presented.token,
        expires_in: int(60, 3600),
        refresh_expires_in: int(60, 2_592_000),
        max_session: int(3600, 31_536_000),
      }),
    );
    if (refreshed.ok !== true) continue;
    counts.rotations++;
    pool.push({ token: String(refreshed.token), as: "access" });
    if (refreshed.refresh_token) pool.push({ token: String(refreshed.refresh_token), as: "refresh" });
    if (!paired && refreshed.refresh_token)
      fail(sequence, "a one-token login gained a refresh token", presented.as);
    if (presented.as === "refresh") {
      const previous = successors.get(presented.token);
      if (previous !== undefined && previous !== refreshed.refresh_jti)
        fail(sequence, "one refresh token named two successors", [previous, refreshed.refresh_jti]);
      successors.set(presented.token, refreshed.refresh_jti);
    }
  }
  for (const issued of pool) {
    counts.tokens++;
    if (sidOf(issued.token) !== sid) fail(sequence, `a ${issued.as} token lost the sid`, sidOf(issued.token));
    const verified = values(await call("verify", { token: issued.token }));
    const refreshed = values(await call("refresh", { token: issued.token }));
    const both = verified.valid === true && refreshed.ok === true;
    if (paired) {
      if (both)
        fail(sequence, `a session's ${issued.as} token was accepted by Verify and Refresh`, issued.as);
      if (issued.as === "access" && refreshed.ok !== false)
        fail(sequence, "an access token refreshed although the login has a refresh token", refreshed.ok);
      const refusedCode = issued.as === "access" ? refreshed.error_code : verified.error_code;
      if (refusedCode !== "wrong_token_type") fail(sequence, `the ${issued.as} token's refusal`, refusedCode);
      if (issued.as === "refresh" && refreshed.ok !== true)
        fail(sequence, "a refresh token of the login did not refresh", refreshed.error_code);
    } else if (!both) {
      fail(sequence, "a one-token-flow token was refused", [verified.error_code, refreshed.error_code]);
    }
  }
}

printReport({ node: process.version, seed, runs, counts, failures });
