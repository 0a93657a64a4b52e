/**
 * Contract cases for sessions (an access token typed at+jwt beside a rotating refresh token typed
 * refresh+jwt), through the built bundles. The successor rule is computed here independently, from
 * its description in docs/sessions.md, so a change to either shows.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { now, signJws } from "../support/jws.js";
import type { Observation } from "../support/observe.js";
import {
  type ContractCase,
  differences,
  freshClaims,
  type Harness,
  matches,
  OLD_SECRET,
  refused,
  SECRET,
  throws,
} from "./harness.js";

/** docs/sessions.md: SHA-256 over the label and the jti, 128 bits, base64url. */
export function expectedSuccessor(jti: string): string {
  return createHash("sha256")
    .update(`bubble-jwt-plugin/refresh-successor/v1:${jti}`, "utf8")
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

/** The header and claims of a compact token (test side, no verification). */
export function peek(token: unknown): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = String(token).split(".");
  const part = (p: string | undefined) => JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8"));
  return { header: part(header), claims: part(claims) };
}

function v(o: Observation): Record<string, unknown> {
  return o.values ?? {};
}

const seconds = (date: unknown) =>
  date instanceof Date ? date.getTime() / 1000 : typeof date === "string" ? Date.parse(date) / 1000 : date;

/** A token signed with SECRET by the independent test signer, typed `typ`. */
function typed(typ: string, claims: Record<string, unknown>): string {
  return signJws({ alg: "HS256", typ }, claims, "HS256", SECRET);
}

const t0 = now();
/** A refresh token of a login 500 seconds old, as Generate would have made it. */
const refreshClaims = (extra: Record<string, unknown> = {}) =>
  freshClaims({ auth_time: t0 - 500, sid: "sess-1", jti: "refresh-jti-1", ...extra });

const SESSION_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

/** The found Session's values as the session workflows wire them into JWT - Session, from Generate's answer. */
function rowOf(g: Record<string, unknown>): Record<string, unknown> {
  return {
    session_id: g.session_id,
    session_user_id: "user-1",
    current_jti: g.refresh_jti,
    rotated_at: g.issued_at,
    created_at: g.issued_at,
    expires_at: g.refresh_expires_at,
    revoked: false,
  };
}

/** The row after a write made with JWT - Session's new_* values (what "Make changes" does when rotate is yes). */
function rotatedRow(row: Record<string, unknown>, answer: Record<string, unknown>): Record<string, unknown> {
  return {
    ...row,
    current_jti: answer.new_current_jti,
    rotated_at: answer.new_rotated_at,
    expires_at: answer.new_expires_at,
  };
}

/** The Session row of a hand-written refresh token (refreshClaims): sess-1 of user-1, rotated at login. */
const handRow = () => {
  const login = new Date((t0 - 500) * 1000);
  return {
    session_id: "sess-1",
    session_user_id: "user-1",
    current_jti: "refresh-jti-1",
    rotated_at: login,
    created_at: login,
    revoked: false,
  };
};

/** What a refused JWT - Session returns: no identity value and no token, nothing a search can select with. */
const sessionRefused = (code: string, extra: Record<string, unknown> = {}) => ({
  values: {
    ok: false,
    error_code: code,
    error_message: matches(".+"),
    user_id: "",
    session_id: "",
    subject: "",
    token: "",
    refresh_token: "",
    rotate: false,
    end_all_sessions: false,
    ...extra,
  },
  leaks: [],
});

export const sessionCases: ContractCase[] = [
  {
    name: "flow: login (Generate), verify, JWT - Session rotates, a retry inside the window, reuse after it revokes, the revoked session refuses",
    async run(h: Harness) {
      const generated = await h.call("generate", {
        subject: "user-1",
        email: "ada@example.com",
        expires_in: 900,
        issue_refresh_token: true,
        refresh_expires_in: 86_400,
        session_id: "sess-1",
        claims: [{ key: "role", value: "admin" }],
      });
      const g = v(generated);
      const access = peek(g.token);
      const refresh = peek(g.refresh_token);
      const verified = await h.call("verify", { token: g.token });
      const row0 = rowOf(g);
      const session = (token: unknown, purpose: string, row: Record<string, unknown>) =>
        // A max_session past the default refresh lifetime: the login's second may tick between the calls, and
        // the new refresh token's exp would then be capped one second short by auth_time + max_session.
        h.call("session", { token, purpose, ...row, expires_in: 600, max_session: 7_776_000 });
      const rotated = await session(g.refresh_token, "refresh", row0);
      const r = v(rotated);
      const row1 = rotatedRow(row0, r);
      // The same refresh token again, moments later (a lost answer): a retry, no write.
      const retried = await session(g.refresh_token, "refresh", row1);
      const accessed = await session(r.token, "access", row1);
      // The same refresh token 31 seconds after the rotation (the row as it is then): reuse.
      const later: Record<string, unknown> = {
        ...row1,
        rotated_at: new Date((r.new_rotated_at as Date).getTime() - 31_000),
      };
      const reused = await session(g.refresh_token, "refresh", later);
      const row2 = { ...row1, revoked: v(reused).revoke === true };
      const childAfterReuse = await session(r.refresh_token, "refresh", row2);
      const accessAfterReuse = await session(r.token, "access", row2);
      // Had nobody reused it, the child would have rotated on.
      const next = await session(r.refresh_token, "refresh", row1);
      const newAccess = peek(r.token);
      const newRefresh = peek(r.refresh_token);
      const decodedAccess = await h.call("decode", { token: r.token });
      const decodedRefresh = await h.call("decode", { token: r.refresh_token });
      return {
        generated,
        verified,
        rotated,
        retried,
        accessed,
        reused,
        childAfterReuse,
        accessAfterReuse,
        next,
        decodedAccess,
        decodedRefresh,
        types: [access.header.typ, refresh.header.typ, newAccess.header.typ, newRefresh.header.typ],
        differences: differences({
          "generate: refresh_jti is the refresh token's jti": [refresh.claims.jti, g.refresh_jti],
          "generate: the two tokens' jti differ": [true, refresh.claims.jti !== access.claims.jti],
          "generate: refresh token lifetime": [
            86_400,
            Number(refresh.claims.exp) - Number(refresh.claims.iat),
          ],
          "generate: refresh_expires_at is its exp": [refresh.claims.exp, seconds(g.refresh_expires_at)],
          "generate: both carry sid, sub, auth_time, role, email": [
            ["sess-1", "user-1", access.claims.iat, "admin", "ada@example.com"],
            [
              refresh.claims.sid,
              refresh.claims.sub,
              refresh.claims.auth_time,
              refresh.claims.role,
              refresh.claims.email,
            ],
          ],
          "verify: auth_time": [access.claims.auth_time, seconds(v(verified).auth_time)],
          "rotate: new_current_jti is successor(presented jti)": [
            expectedSuccessor(String(g.refresh_jti)),
            r.new_current_jti,
          ],
          "rotate: the new refresh token's jti is new_current_jti": [
            r.new_current_jti,
            newRefresh.claims.jti,
          ],
          "rotate: new_expires_at is the new refresh token's exp": [
            newRefresh.claims.exp,
            seconds(r.new_expires_at),
          ],
          "rotate: refresh_expires_at is the new refresh token's exp": [
            newRefresh.claims.exp,
            seconds(r.refresh_expires_at),
          ],
          "rotate: expires_at is the new access token's exp": [newAccess.claims.exp, seconds(r.expires_at)],
          "rotate: new_rotated_at is the new pair's issue time (to the second)": [
            newRefresh.claims.iat,
            Math.floor(Number(seconds(r.new_rotated_at))),
          ],
          "rotate: access jti is random, not the successor": [
            true,
            newAccess.claims.jti !== r.new_current_jti && newAccess.claims.jti !== g.jti,
          ],
          "rotate: auth_time carried": [access.claims.auth_time, newRefresh.claims.auth_time],
          "rotate: auth_time return": [access.claims.auth_time, seconds(r.auth_time)],
          "rotate: claims carried to both": [
            ["sess-1", "admin", "ada@example.com", "sess-1", "admin"],
            [
              newAccess.claims.sid,
              newAccess.claims.role,
              newAccess.claims.email,
              newRefresh.claims.sid,
              newRefresh.claims.role,
            ],
          ],
          "rotate: access lifetime": [600, Number(newAccess.claims.exp) - Number(newAccess.claims.iat)],
          "rotate: refresh lifetime (default 30 days)": [
            2_592_000,
            Number(newRefresh.claims.exp) - Number(newRefresh.claims.iat),
          ],
          "retry: the same successor, which is the row's current_jti": [
            r.new_current_jti,
            peek(v(retried).refresh_token).claims.jti,
          ],
          "retry: a new random access jti": [
            true,
            peek(v(retried).token).claims.jti !== newAccess.claims.jti,
          ],
          "retry: new_* are the row's own values": [
            [row1.current_jti, seconds(row1.rotated_at), seconds(row1.expires_at)],
            [
              v(retried).new_current_jti,
              seconds(v(retried).new_rotated_at),
              seconds(v(retried).new_expires_at),
            ],
          ],
          "reuse: new_* are the row's own values": [
            [later.current_jti, seconds(later.rotated_at)],
            [v(reused).new_current_jti, seconds(v(reused).new_rotated_at)],
          ],
          "next: successor of the successor": [
            expectedSuccessor(String(r.new_current_jti)),
            v(next).new_current_jti,
          ],
        }),
      };
    },
    expect: {
      generated: {
        values: {
          token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"),
          refresh_token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"),
          session_id: "sess-1",
          refresh_jti: matches(SESSION_UUID),
          refresh_expires_at: { $date: matches(".+") },
          expires_in: 900,
        },
        leaks: [],
      },
      verified: { values: { valid: true, session_id: "sess-1", subject: "user-1" }, leaks: [] },
      rotated: {
        values: {
          ok: true,
          error_code: "",
          user_id: "user-1",
          session_id: "sess-1",
          subject: "user-1",
          email: "ada@example.com",
          token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"),
          refresh_token: matches("^[\\w-]+\\.[\\w-]+\\.[\\w-]+$"),
          rotate: true,
          new_current_jti: matches("^[\\w-]{22}$"),
          new_rotated_at: { $date: matches(".+") },
          revoke: false,
          end_all_sessions: false,
          new_sessions_revoked_at: null,
        },
        leaks: [],
      },
      retried: { values: { ok: true, rotate: false, revoke: false, session_id: "sess-1" }, leaks: [] },
      accessed: {
        values: {
          ok: true,
          user_id: "user-1",
          session_id: "sess-1",
          token: "",
          rotate: false,
          revoke: false,
        },
        leaks: [],
      },
      reused: sessionRefused("refresh_token_reused", { revoke: true, new_revoked: true }),
      childAfterReuse: sessionRefused("revoked", { revoke: false }),
      accessAfterReuse: sessionRefused("revoked", { revoke: false }),
      next: { values: { ok: true, rotate: true, session_id: "sess-1" }, leaks: [] },
      decodedAccess: { values: { token_use: "access", session_id: "sess-1" }, leaks: [] },
      decodedRefresh: { values: { token_use: "refresh", session_id: "sess-1" }, leaks: [] },
      types: ["at+jwt", "refresh+jwt", "at+jwt", "refresh+jwt"],
      differences: [],
    },
  },
  {
    name: "reproduction: a session refresh token at the one-token token-refresh (JWT - Refresh token) is refused, before and after a rotation",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const atLogin = await h.call("refresh", { token: g.refresh_token, grace_period: 300 });
      const rotated = v(await h.call("session", { token: g.refresh_token, purpose: "refresh", ...rowOf(g) }));
      const afterRotation = await h.call("refresh", { token: rotated.refresh_token });
      const handWritten = await h.call("refresh", {
        token: typed("Application/Refresh+JWT", refreshClaims()),
      });
      return { atLogin, afterRotation, handWritten };
    },
    expect: {
      atLogin: {
        values: {
          ok: false,
          error_code: "wrong_token_type",
          error_message: matches("JWT - Session"),
          token: "",
          refresh_token: "",
        },
        leaks: [],
      },
      afterRotation: refused("wrong_token_type", "ok"),
      handWritten: refused("wrong_token_type", "ok"),
    },
  },
  {
    name: "session: each purpose takes its own kind of token, and never a one-token-flow token",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const single = v(await h.call("generate", { subject: "user-1", session_id: String(g.session_id) }));
      const row = rowOf(g);
      const code = async (token: unknown, purpose: string) =>
        v(await h.call("session", { token, purpose, ...row })).error_code;
      const out: Record<string, unknown> = {};
      for (const purpose of ["access", "refresh", "logout", "logout_everywhere"]) {
        out[purpose] = [
          await code(g.token, purpose),
          await code(g.refresh_token, purpose),
          await code(single.token, purpose),
        ];
      }
      return out;
    },
    expect: {
      // [access token, refresh token, one-token token]
      access: ["", "wrong_token_type", "wrong_token_type"],
      refresh: ["wrong_token_type", "", "wrong_token_type"],
      logout: ["", "", "wrong_token_type"],
      logout_everywhere: ["", "wrong_token_type", "wrong_token_type"],
    },
  },
  {
    name: "session: logout asks for revoke, logout_everywhere for end_all_sessions at now; neither signs a token",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const before = Date.now();
      const logout = await h.call("session", { token: g.refresh_token, purpose: "logout", ...rowOf(g) });
      const everywhere = await h.call("session", {
        token: g.token,
        purpose: "logout_everywhere",
        ...rowOf(g),
      });
      const at = v(everywhere).new_sessions_revoked_at as Date;
      return { logout, everywhere, atIsNow: at.getTime() >= before && at.getTime() <= Date.now() };
    },
    expect: {
      logout: {
        values: {
          ok: true,
          revoke: true,
          new_revoked: true,
          rotate: false,
          end_all_sessions: false,
          user_id: "user-1",
          token: "",
        },
        leaks: [],
      },
      everywhere: {
        values: {
          ok: true,
          revoke: false,
          rotate: false,
          end_all_sessions: true,
          user_id: "user-1",
          token: "",
        },
        leaks: [],
      },
      atIsNow: true,
    },
  },
  {
    name: "session: a row not found (every value empty) or another user's row is revoked with no identity value and no revoke",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      return {
        notFound: await h.call("session", { token: g.token, purpose: "access" }),
        notFoundRefresh: await h.call("session", { token: g.refresh_token, purpose: "refresh" }),
        otherUser: await h.call("session", {
          token: g.refresh_token,
          purpose: "refresh",
          ...rowOf(g),
          session_user_id: "user-2",
        }),
        otherSession: await h.call("session", {
          token: g.token,
          purpose: "logout",
          ...rowOf(g),
          session_id: "sess-of-someone-else",
        }),
      };
    },
    expect: {
      notFound: sessionRefused("revoked", { revoke: false }),
      notFoundRefresh: sessionRefused("revoked", { revoke: false, new_current_jti: "" }),
      otherUser: sessionRefused("revoked", { revoke: false }),
      otherSession: sessionRefused("revoked", { revoke: false }),
    },
  },
  {
    name: "session: a session created at sessions_revoked_at is over (logout everywhere), one created after is not",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const row = rowOf(g);
      return {
        at: await h.call("session", { token: g.token, ...row, sessions_revoked_at: row.created_at }),
        after: await h.call("session", {
          token: g.token,
          ...row,
          sessions_revoked_at: new Date((row.created_at as Date).getTime() - 1),
        }),
      };
    },
    expect: {
      at: sessionRefused("revoked", { revoke: false }),
      after: { values: { ok: true, user_id: "user-1" }, leaks: [] },
    },
  },
  {
    name: "session: wiring mistakes stop the workflow, naming the field",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const row = rowOf(g);
      const call = (extra: Record<string, unknown>, purpose = "refresh") =>
        h.call("session", { token: g.refresh_token, purpose, ...row, ...extra });
      return {
        futureCreated: await call({ created_at: new Date(Date.now() + 3_600_000) }),
        futureRotated: await call({ rotated_at: new Date(Date.now() + 3_600_000) }),
        noCreated: await call({ created_at: null }),
        noCurrentJti: await call({ current_jti: "" }),
        noRotatedAt: await call({ rotated_at: null }),
        notADate: await call({ rotated_at: "soon" }),
        purpose: await call({}, "admin"),
        retryWindow: await call({ retry_window: 301 }),
      };
    },
    expect: {
      futureCreated: throws("invalid_field", "created_at field"),
      futureRotated: throws("invalid_field", "rotated_at field"),
      noCreated: throws("invalid_field", "created_at field"),
      noCurrentJti: throws("invalid_field", "current_jti field"),
      noRotatedAt: throws("invalid_field", "rotated_at field"),
      notADate: throws("invalid_field", "rotated_at field"),
      purpose: throws("invalid_field", "purpose field"),
      retryWindow: throws("field_out_of_range", "retry_window field"),
    },
  },
  {
    name: "session: empty lifetimes are plugin.json's default_val; the purpose defaults to access",
    async run(h) {
      const manifest = JSON.parse(readFileSync("plugin.json", "utf8"));
      const action = Object.values(
        manifest.actions as Record<string, { entry: string; fields: object }>,
      ).find((entry) => entry.entry === "session");
      const fields = Object.values(action?.fields ?? {}) as { name: string; default_val?: string }[];
      const defaultOf = (name: string) => Number(fields.find((field) => field.name === name)?.default_val);
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const o = v(await h.call("session", { token: g.refresh_token, purpose: "refresh", ...rowOf(g) }));
      const lifetime = (token: unknown) => Number(peek(token).claims.exp) - Number(peek(token).claims.iat);
      const byDefault = v(await h.call("session", { token: g.token, ...rowOf(g) }));
      return {
        differences: differences({
          expires_in: [defaultOf("expires_in"), lifetime(o.token)],
          refresh_expires_in: [defaultOf("refresh_expires_in"), lifetime(o.refresh_token)],
        }),
        byDefault: [byDefault.ok, byDefault.token],
      };
    },
    expect: { differences: [], byDefault: [true, ""] },
  },
  {
    name: "generate: empty lifetimes are plugin.json's default_val (the one place defaults are written)",
    async run(h) {
      const manifest = JSON.parse(readFileSync("plugin.json", "utf8"));
      const generate = Object.values(
        manifest.actions as Record<string, { entry: string; fields: object }>,
      ).find((action) => action.entry === "generate");
      const fields = Object.values(generate?.fields ?? {}) as { name: string; default_val?: string }[];
      const defaultOf = (name: string) => Number(fields.find((field) => field.name === name)?.default_val);
      const o = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      const lifetime = (token: unknown) => Number(peek(token).claims.exp) - Number(peek(token).claims.iat);
      return {
        differences: differences({
          expires_in: [defaultOf("expires_in"), lifetime(o.token)],
          refresh_expires_in: [defaultOf("refresh_expires_in"), lifetime(o.refresh_token)],
        }),
      };
    },
    expect: { differences: [] },
  },
  {
    name: "generate: an empty session_id makes a new random sid, the same in both tokens",
    async run(h) {
      const first = await h.call("generate", { subject: "user-1", issue_refresh_token: true });
      const second = await h.call("generate", { subject: "user-1", issue_refresh_token: true });
      const f = v(first);
      return {
        first,
        differences: differences({
          "sid of the access token": [f.session_id, peek(f.token).claims.sid],
          "sid of the refresh token": [f.session_id, peek(f.refresh_token).claims.sid],
          "a second login has another sid": [true, v(second).session_id !== f.session_id],
        }),
      };
    },
    expect: { first: { values: { session_id: matches(SESSION_UUID) }, leaks: [] }, differences: [] },
  },
  {
    name: "generate without issue_refresh_token: one token typed JWT, with a sid, no refresh values",
    async run(h) {
      const o = await h.call("generate", { subject: "user-1", issue_refresh_token: false });
      const { header, claims } = peek(v(o).token);
      return { o, typ: header.typ, sidIsSessionId: [claims.sid, v(o).session_id] };
    },
    expect: {
      o: {
        values: {
          session_id: matches(SESSION_UUID),
          refresh_token: "",
          refresh_jti: null,
          refresh_expires_at: null,
        },
        leaks: [],
      },
      typ: "JWT",
      sidIsSessionId: [matches(SESSION_UUID), matches(SESSION_UUID)],
    },
  },
  {
    name: "generate: issue_refresh_token given as text yes is ticked, as no is not",
    async run(h) {
      const yes = await h.call("generate", { subject: "user-1", issue_refresh_token: "yes" });
      const no = await h.call("generate", { subject: "user-1", issue_refresh_token: "no" });
      return { yes: peek(v(yes).refresh_token).header.typ, no: v(no).refresh_token };
    },
    expect: { yes: "refresh+jwt", no: "" },
  },
  {
    name: "generate throws for issue_refresh_token that is neither yes nor no",
    run: (h) => h.call("generate", { subject: "user-1", issue_refresh_token: "maybe" }),
    expect: throws("invalid_field", "issue_refresh_token field"),
  },
  {
    name: "generate throws for token_type together with issue_refresh_token",
    run: (h) => h.call("generate", { subject: "user-1", issue_refresh_token: true, token_type: "JWT" }),
    expect: throws("conflicting_fields", "token_type field"),
  },
  {
    name: "generate throws for token_type refresh+jwt (in any casing, with application/) without a pair",
    async run(h) {
      return {
        plain: await h.call("generate", { subject: "user-1", token_type: "refresh+jwt" }),
        prefixed: await h.call("generate", { subject: "user-1", token_type: "application/Refresh+JWT" }),
      };
    },
    expect: {
      plain: throws("conflicting_fields", "token_type field"),
      prefixed: throws("conflicting_fields", "token_type field"),
    },
  },
  {
    name: "generate throws for a sid in claims or claims_json (session_id sets it)",
    async run(h) {
      return {
        list: await h.call("generate", { subject: "user-1", claims: [{ key: "sid", value: "x" }] }),
        json: await h.call("generate", { subject: "user-1", claims_json: '{"sid": "x"}' }),
      };
    },
    expect: {
      list: throws("reserved_claim", 'claim "sid"'),
      json: throws("reserved_claim", 'claim "sid"'),
    },
  },
  ...[59, 31_536_001, 1.5, "soon"].map(
    (value): ContractCase => ({
      name: `generate throws for refresh_expires_in ${JSON.stringify(value)}`,
      run: (h) =>
        h.call("generate", { subject: "user-1", issue_refresh_token: true, refresh_expires_in: value }),
      expect: throws("field_out_of_range", "refresh_expires_in field"),
    }),
  ),
  {
    name: "generate accepts refresh_expires_in at its bounds, 60 and 31,536,000",
    async run(h) {
      const lifetime = async (value: number) => {
        const o = await h.call("generate", {
          subject: "user-1",
          issue_refresh_token: true,
          refresh_expires_in: value,
        });
        const { claims } = peek(v(o).refresh_token);
        return Number(claims.exp) - Number(claims.iat);
      };
      return { low: await lifetime(60), high: await lifetime(31_536_000) };
    },
    expect: { low: 60, high: 31_536_000 },
  },
  {
    name: "refresh throws for refresh_expires_in out of range",
    run: (h) => h.call("refresh", { token: typed("refresh+jwt", refreshClaims()), refresh_expires_in: 59 }),
    expect: throws("field_out_of_range", "refresh_expires_in field"),
  },

  // Verify refuses refresh tokens, whatever the spelling of their typ
  ...["refresh+jwt", "REFRESH+JWT", "application/refresh+jwt", "Application/Refresh+Jwt"].map(
    (typ): ContractCase => ({
      name: `verify refuses a token typed ${typ} (wrong_token_type)`,
      run: (h) => h.call("verify", { token: typed(typ, refreshClaims()) }),
      expect: refused("wrong_token_type"),
    }),
  ),
  {
    name: "verify refuses the refresh token Generate issued, and accepts its access token",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      return {
        refresh: await h.call("verify", { token: g.refresh_token }),
        access: await h.call("verify", { token: g.token }),
      };
    },
    expect: {
      refresh: refused("wrong_token_type"),
      access: { values: { valid: true, error_code: "" }, leaks: [] },
    },
  },
  {
    name: "verify: a refresh-typed token with a bad signature is invalid_signature (the typ is not trusted first)",
    run: (h) =>
      h.call("verify", {
        token: signJws({ alg: "HS256", typ: "refresh+jwt" }, refreshClaims(), "HS256", "x".repeat(64)),
      }),
    expect: refused("invalid_signature"),
  },
  {
    name: "verify: an expired refresh token is wrong_token_type, the more useful answer",
    run: (h) => h.call("verify", { token: typed("refresh+jwt", refreshClaims({ exp: t0 - 10 })) }),
    expect: refused("wrong_token_type"),
  },
  {
    name: "verify: at+jwt (any spelling), JWT, jwt, application/jwt, a custom typ and no typ are access tokens",
    async run(h) {
      const valid = async (header: Record<string, unknown>) =>
        v(
          await h.call("verify", {
            token: signJws({ alg: "HS256", ...header }, freshClaims(), "HS256", SECRET),
          }),
        ).valid;
      return {
        at: await valid({ typ: "at+jwt" }),
        atPrefixed: await valid({ typ: "application/AT+JWT" }),
        jwt: await valid({ typ: "JWT" }),
        lower: await valid({ typ: "jwt" }),
        prefixed: await valid({ typ: "application/jwt" }),
        custom: await valid({ typ: "session+jwt" }),
        none: await valid({}),
      };
    },
    expect: { at: true, atPrefixed: true, jwt: true, lower: true, prefixed: true, custom: true, none: true },
  },

  // typ is read by an allow-list: what fails its grammar is no kind at all, at every action
  ...[
    "refresh+jwt; v=1",
    "application/application/refresh+jwt",
    "refresh+jwt\0",
    "at+jwt;q=1",
    "JWT ",
    7,
  ].map(
    (typ): ContractCase => ({
      name: `typ ${JSON.stringify(typ)} is wrong_token_type at Verify, Refresh and JWT - Session`,
      async run(h) {
        const token = typed(typ as string, refreshClaims());
        return {
          verify: await h.call("verify", { token }),
          refresh: await h.call("refresh", { token }),
          session: await h.call("session", { token, purpose: "refresh", ...handRow() }),
          sessionAccess: await h.call("session", { token, purpose: "access", ...handRow() }),
        };
      },
      expect: {
        verify: refused("wrong_token_type"),
        refresh: refused("wrong_token_type", "ok"),
        session: sessionRefused("wrong_token_type", { revoke: false }),
        sessionAccess: sessionRefused("wrong_token_type", { revoke: false }),
      },
    }),
  ),
  {
    name: "typ Refresh+JWT rotates at JWT - Session, application/at+jwt passes there as an access token",
    async run(h) {
      const rotate = await h.call("session", {
        token: typed("Refresh+JWT", refreshClaims()),
        purpose: "refresh",
        ...handRow(),
      });
      const access = await h.call("session", {
        token: typed("application/at+jwt", refreshClaims()),
        purpose: "access",
        ...handRow(),
      });
      return { rotate, access };
    },
    expect: {
      rotate: { values: { ok: true, rotate: true }, leaks: [] },
      access: { values: { ok: true, user_id: "user-1" }, leaks: [] },
    },
  },
  ...["JWT; v=1", "application/application/jwt", "JWT\0", "at+jwt;q=1", "text/jwt"].map(
    (tokenType): ContractCase => ({
      name: `generate throws for token_type ${JSON.stringify(tokenType)}, which Verify would refuse`,
      run: (h) => h.call("generate", { subject: "user-1", token_type: tokenType }),
      expect: throws("invalid_field", "token_type field"),
    }),
  ),
  {
    name: "generate accepts token_type JWT, jwt, application/jwt and a custom type",
    async run(h) {
      const typs: unknown[] = [];
      for (const tokenType of ["JWT", "jwt", "application/jwt", "custom+jwt"]) {
        const o = await h.call("generate", { subject: "user-1", token_type: tokenType });
        typs.push(peek(v(o).token).header.typ);
      }
      return { typs };
    },
    expect: { typs: ["JWT", "jwt", "application/jwt", "custom+jwt"] },
  },

  // Refresh refuses paired access tokens
  ...["at+jwt", "AT+JWT", "application/at+jwt"].map(
    (typ): ContractCase => ({
      name: `refresh refuses a token typed ${typ} (wrong_token_type)`,
      run: (h) => h.call("refresh", { token: typed(typ, refreshClaims()) }),
      expect: {
        values: { ok: false, error_code: "wrong_token_type", token: "", refresh_token: "" },
        leaks: [],
      },
    }),
  ),
  {
    name: "refresh refuses the access token Generate issued beside a refresh token",
    async run(h) {
      const g = v(await h.call("generate", { subject: "user-1", issue_refresh_token: true }));
      return h.call("refresh", { token: g.token });
    },
    expect: refused("wrong_token_type", "ok"),
  },
  {
    name: "refresh refuses a token of token_type at+jwt, made without a refresh token",
    async run(h) {
      const g = await h.call("generate", { subject: "user-1", token_type: "at+jwt" });
      return {
        generated: peek(v(g).token).header.typ,
        refreshed: await h.call("refresh", { token: v(g).token }),
      };
    },
    expect: { generated: "at+jwt", refreshed: refused("wrong_token_type", "ok") },
  },
  {
    name: "session: a refresh token without a jti is missing_claim",
    run: (h) =>
      h.call("session", {
        token: typed("refresh+jwt", refreshClaims({ jti: undefined })),
        purpose: "refresh",
        ...handRow(),
      }),
    expect: sessionRefused("missing_claim", { revoke: false }),
  },
  {
    name: "session: max_session caps the exp of both new tokens",
    async run(h) {
      const o = await h.call("session", {
        token: typed("refresh+jwt", refreshClaims()),
        purpose: "refresh",
        ...handRow(),
        max_session: 1000,
        expires_in: 3600,
        refresh_expires_in: 86_400,
      });
      const sessionEnd = t0 - 500 + 1000;
      const exps = [
        peek(v(o).token).claims.exp,
        peek(v(o).refresh_token).claims.exp,
        seconds(v(o).refresh_expires_at),
        seconds(v(o).new_expires_at),
      ];
      // Relative to the session's end, as this module's t0 differs between the scenario and vitest.
      return { o, secondsPastSessionEnd: exps.map((exp) => Number(exp) - sessionEnd) };
    },
    expect: { o: { values: { ok: true, rotate: true } }, secondsPastSessionEnd: [0, 0, 0, 0] },
  },
  {
    name: "session: a refresh token of a login older than max_session is session_expired",
    run: (h) =>
      h.call("session", {
        token: typed("refresh+jwt", refreshClaims()),
        purpose: "refresh",
        ...handRow(),
        max_session: 400,
      }),
    expect: sessionRefused("session_expired", { revoke: false }),
  },
  {
    name: "previous secret: a token only Previous JWT Secret verifies is never renewed past its own exp (Refresh and JWT - Session)",
    async run(h) {
      const keys = { "JWT Secret": SECRET, "Previous JWT Secret": OLD_SECRET };
      const exp = now() + 120;
      const single = signJws(
        { alg: "HS256", typ: "JWT" },
        freshClaims({ auth_time: t0, exp }),
        "HS256",
        OLD_SECRET,
      );
      const refreshed = await h.call("refresh", { token: single, expires_in: 3600 }, keys);
      const session = signJws(
        { alg: "HS256", typ: "refresh+jwt" },
        refreshClaims({ exp }),
        "HS256",
        OLD_SECRET,
      );
      const rotated = await h.call("session", { token: session, purpose: "refresh", ...handRow() }, keys);
      // The same tokens signed with the current secret are renewed for their full lifetimes.
      const current = await h.call(
        "refresh",
        { token: typed("JWT", freshClaims({ exp })), expires_in: 3600 },
        keys,
      );
      return {
        refreshed,
        rotated,
        secondsPastPresentedExp: [
          Number(peek(v(refreshed).token).claims.exp) - exp,
          Number(peek(v(rotated).token).claims.exp) - exp,
          Number(peek(v(rotated).refresh_token).claims.exp) - exp,
          Number(seconds(v(rotated).new_expires_at)) - exp,
        ],
        currentOutlives: Number(peek(v(current).token).claims.exp) - exp > 3000,
      };
    },
    expect: {
      refreshed: { values: { ok: true }, leaks: [] },
      rotated: { values: { ok: true, rotate: true }, leaks: [] },
      secondsPastPresentedExp: [0, 0, 0, 0],
      currentOutlives: true,
    },
  },
  {
    name: "refresh: revoke_until is the presented token's exp plus grace_period",
    async run(h) {
      const exp = now() + 600;
      const withGrace = await h.call("refresh", {
        token: typed("JWT", freshClaims({ exp })),
        grace_period: 300,
      });
      const noGrace = await h.call("refresh", { token: typed("JWT", freshClaims({ exp })) });
      return {
        withGrace,
        secondsPastExp: [seconds(v(withGrace).revoke_until), seconds(v(noGrace).revoke_until)].map(
          (at) => Number(at) - exp,
        ),
        refused: await h.call("refresh", { token: typed("JWT", freshClaims({ exp: now() - 10 })) }),
      };
    },
    expect: {
      withGrace: { values: { ok: true, revoke_until: { $date: matches(".+") } }, leaks: [] },
      secondsPastExp: [300, 0],
      refused: { values: { ok: false, error_code: "expired", token: "" }, leaks: [] },
    },
  },
  {
    name: "refresh of a one-token-flow token: one new token, same typ, sid kept or added, no refresh token",
    async run(h) {
      const kept = await h.call("refresh", { token: typed("JWT", freshClaims({ sid: "sess-9" })) });
      const added = await h.call("refresh", { token: typed("custom+jwt", freshClaims()) });
      return {
        kept,
        added,
        keptTyp: peek(v(kept).token).header.typ,
        addedTyp: peek(v(added).token).header.typ,
        addedSid: [peek(v(added).token).claims.sid, v(added).session_id],
      };
    },
    expect: {
      kept: {
        values: {
          ok: true,
          session_id: "sess-9",
          refresh_token: "",
          refresh_jti: null,
          previous_jti: "jti-1",
        },
      },
      added: { values: { ok: true, session_id: matches(SESSION_UUID), refresh_token: "" } },
      keptTyp: "JWT",
      addedTyp: "custom+jwt",
      addedSid: [matches(SESSION_UUID), matches(SESSION_UUID)],
    },
  },
  {
    name: "session: a refresh+jwt token written by hand rotates to the successor of its jti",
    async run(h) {
      const o = await h.call("session", {
        token: typed("application/refresh+jwt", refreshClaims()),
        purpose: "refresh",
        ...handRow(),
      });
      return {
        o,
        successor: expectedSuccessor("refresh-jti-1"),
        newJti: peek(v(o).refresh_token).claims.jti,
        newTyp: peek(v(o).refresh_token).header.typ,
      };
    },
    expect: {
      o: { values: { ok: true, rotate: true, new_current_jti: expectedSuccessor("refresh-jti-1") } },
      successor: expectedSuccessor("refresh-jti-1"),
      newJti: expectedSuccessor("refresh-jti-1"),
      newTyp: "refresh+jwt",
    },
  },
  {
    name: "decode: token_use and session_id of each kind",
    async run(h) {
      const use = async (typ: string) => v(await h.call("decode", { token: typed(typ, refreshClaims()) }));
      const refresh = await use("Refresh+JWT");
      const access = await use("at+jwt");
      const single = await use("JWT");
      return {
        uses: [refresh.token_use, access.token_use, single.token_use],
        sids: [refresh.session_id, access.session_id, single.session_id],
        bad: await h.call("decode", { token: "abc" }),
      };
    },
    expect: {
      uses: ["refresh", "access", "access"],
      sids: ["sess-1", "sess-1", "sess-1"],
      bad: { values: { error_code: "malformed" }, leaks: [] },
    },
  },
];
