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

export const sessionCases: ContractCase[] = [
  {
    name: "flow: generate a pair, verify the access token, rotate, rotate the old refresh token again, decode",
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
      // A max_session past the default refresh lifetime: the login's second may tick between the calls, and
      // the new refresh token's exp would then be capped one second short by auth_time + max_session.
      const rotated = await h.call("refresh", {
        token: g.refresh_token,
        expires_in: 600,
        max_session: 7_776_000,
      });
      const r = v(rotated);
      const again = await h.call("refresh", { token: g.refresh_token, expires_in: 600 });
      const a = v(again);
      const next = await h.call("refresh", { token: r.refresh_token });
      const newAccess = peek(r.token);
      const newRefresh = peek(r.refresh_token);
      const decodedAccess = await h.call("decode", { token: r.token });
      const decodedRefresh = await h.call("decode", { token: r.refresh_token });
      return {
        generated,
        verified,
        rotated,
        again,
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
          "refresh: previous_jti is the presented refresh jti": [g.refresh_jti, r.previous_jti],
          "refresh: refresh_jti is successor(presented jti)": [
            expectedSuccessor(String(g.refresh_jti)),
            r.refresh_jti,
          ],
          "refresh: the new refresh token's jti is refresh_jti": [r.refresh_jti, newRefresh.claims.jti],
          "refresh: the new access jti is the jti return": [r.jti, newAccess.claims.jti],
          "refresh: access jti is random, not the successor": [
            true,
            r.jti !== r.refresh_jti && r.jti !== g.jti,
          ],
          "refresh: auth_time carried": [access.claims.auth_time, newRefresh.claims.auth_time],
          "refresh: auth_time return": [access.claims.auth_time, seconds(r.auth_time)],
          "refresh: claims carried to both": [
            ["sess-1", "admin", "ada@example.com", "sess-1", "admin"],
            [
              newAccess.claims.sid,
              newAccess.claims.role,
              newAccess.claims.email,
              newRefresh.claims.sid,
              newRefresh.claims.role,
            ],
          ],
          "refresh: access lifetime": [600, Number(newAccess.claims.exp) - Number(newAccess.claims.iat)],
          "refresh: refresh lifetime (default 30 days)": [
            2_592_000,
            Number(newRefresh.claims.exp) - Number(newRefresh.claims.iat),
          ],
          "again: the same successor": [r.refresh_jti, a.refresh_jti],
          "again: a new random access jti": [true, a.jti !== r.jti],
          "next: previous_jti is the rotated refresh jti": [r.refresh_jti, v(next).previous_jti],
          "next: successor of the successor": [expectedSuccessor(String(r.refresh_jti)), v(next).refresh_jti],
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
          session_id: "sess-1",
          subject: "user-1",
          refresh_jti: matches("^[\\w-]{22}$"),
          expires_in: 600,
        },
        leaks: [],
      },
      again: { values: { ok: true, session_id: "sess-1" }, leaks: [] },
      next: { values: { ok: true, session_id: "sess-1" }, leaks: [] },
      decodedAccess: { values: { token_use: "access", session_id: "sess-1" }, leaks: [] },
      decodedRefresh: { values: { token_use: "refresh", session_id: "sess-1" }, leaks: [] },
      types: ["at+jwt", "refresh+jwt", "at+jwt", "refresh+jwt"],
      differences: [],
    },
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
    name: "verify: at+jwt (any spelling), JWT, a custom typ and no typ are access tokens",
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
        custom: await valid({ typ: "session+jwt" }),
        none: await valid({}),
        numeric: await valid({ typ: 7 }),
      };
    },
    expect: { at: true, atPrefixed: true, jwt: true, custom: true, none: true, numeric: true },
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
    name: "refresh: a refresh token without a jti is missing_claim",
    run: (h) => h.call("refresh", { token: typed("refresh+jwt", refreshClaims({ jti: undefined })) }),
    expect: refused("missing_claim", "ok"),
  },
  {
    name: "refresh: max_session caps the exp of both new tokens",
    async run(h) {
      const o = await h.call("refresh", {
        token: typed("refresh+jwt", refreshClaims()),
        max_session: 1000,
        expires_in: 3600,
        refresh_expires_in: 86_400,
      });
      const sessionEnd = t0 - 500 + 1000;
      const exps = [
        peek(v(o).token).claims.exp,
        peek(v(o).refresh_token).claims.exp,
        seconds(v(o).refresh_expires_at),
      ];
      // Relative to the session's end, as this module's t0 differs between the scenario and vitest.
      return { o, secondsPastSessionEnd: exps.map((exp) => Number(exp) - sessionEnd) };
    },
    expect: { o: { values: { ok: true } }, secondsPastSessionEnd: [0, 0, 0] },
  },
  {
    name: "refresh: a refresh token of a login older than max_session is session_expired",
    run: (h) => h.call("refresh", { token: typed("refresh+jwt", refreshClaims()), max_session: 400 }),
    expect: refused("session_expired", "ok"),
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
    name: "refresh: a refresh+jwt token written by hand rotates to the successor of its jti",
    async run(h) {
      const o = await h.call("refresh", { token: typed("application/refresh+jwt", refreshClaims()) });
      return {
        o,
        successor: expectedSuccessor("refresh-jti-1"),
        newTyp: peek(v(o).refresh_token).header.typ,
      };
    },
    expect: {
      o: {
        values: { ok: true, previous_jti: "refresh-jti-1", refresh_jti: expectedSuccessor("refresh-jti-1") },
      },
      successor: expectedSuccessor("refresh-jti-1"),
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
