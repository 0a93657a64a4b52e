/**
 * src/jwt/session-decision.ts on its own, at an injected time: every rule of the session decision (the
 * token, the row it was handed, wiring mistakes, a session that is over, each purpose, rotate / retry /
 * reuse, the previous-secret bound), and what every refusal returns. Tokens are signed by the test's own
 * signer (test/support/jws.ts), so their times are exactly what each case needs.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, TokenError } from "../../src/jwt/errors.js";
import { MOMENT } from "../../src/jwt/limits.js";
import { successorJti } from "../../src/jwt/session.js";
import {
  decideSession,
  type SessionDecision,
  type SessionDecisionOptions,
  type SessionPurpose,
  type SessionRow,
} from "../../src/jwt/session-decision.js";
import { verifyToken } from "../../src/jwt/verify.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { signJws } from "../support/jws.js";
import { rejectionOf } from "../support/thrown.js";

const secret = (label: string) =>
  createHash("sha512").update(`session-decision:${label}`).digest("base64url");
const SECRET = secret("current");
const PREVIOUS = secret("previous");
const OTHER = secret("attacker");
const SESSION_ENDED = "The session has ended; sign in again.";

const NOW = 1_800_000_000;
const LOGIN = NOW - 3600;
const SID = "sess-1";
const SUB = "user-1";
const J = "refresh-jti-1";
const S = successorJti(J);

/** A token signed with `key` (the current secret by default), for user-1's session sess-1. */
function token(typ: string | undefined, claims: Record<string, unknown> = {}, key = SECRET): string {
  const header = typ === undefined ? { alg: "HS256" } : { alg: "HS256", typ };
  const base = { sub: SUB, sid: SID, auth_time: LOGIN, iat: NOW - 60, exp: NOW + 600, jti: J };
  return signJws(header, { ...base, ...claims }, "HS256", key);
}
const refreshToken = (claims: Record<string, unknown> = {}, key = SECRET) =>
  token("refresh+jwt", claims, key);
const accessToken = (claims: Record<string, unknown> = {}) =>
  token("at+jwt", { jti: "access-jti-1", email: "ada@example.com", ...claims });

/** The Session row as the workflow found it: rotated once at login, never revoked. */
const ROW: SessionRow = {
  sessionId: SID,
  userId: SUB,
  currentJti: J,
  rotatedAt: LOGIN,
  revoked: false,
  createdAt: LOGIN,
  expiresAt: LOGIN + 2_592_000,
  sessionsRevokedAt: undefined,
};

function decide(
  input: unknown,
  purpose: SessionPurpose,
  row: Partial<SessionRow> = {},
  options: Partial<SessionDecisionOptions> = {},
): Promise<SessionDecision> {
  return decideSession(input, {
    purpose,
    row: { ...ROW, ...row },
    alg: "HS256",
    material: { secret: SECRET },
    clockTolerance: 0,
    expiresIn: 900,
    refreshExpiresIn: 86_400,
    maxSession: 2_592_000,
    retryWindow: 30,
    now: NOW,
    ...options,
  });
}

/** The header and claims of a compact token (no verification). */
function peek(compact: string | undefined): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header, claims] = String(compact).split(".");
  const part = (p: string | undefined) => JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8"));
  return { header: part(header), claims: part(claims) };
}

/** The refusal's code, after checking what every refusal must hold (rule 6). */
function refusal(decision: SessionDecision, row: Partial<SessionRow> = {}): string {
  const handed = { ...ROW, ...row };
  expect(decision.ok).toBe(false);
  // No identity value and no token: nothing a workflow searches with can select a row.
  for (const name of ["userId", "sessionId", "claims", "authTime", "access", "refresh"]) {
    expect(decision).not.toHaveProperty(name);
  }
  // The row's own values handed back: a write made by mistake changes nothing.
  expect(decision).toMatchObject({
    rotate: false,
    endAllSessions: false,
    newCurrentJti: handed.currentJti,
    newRotatedAt: handed.rotatedAt,
    newExpiresAt: handed.expiresAt,
    newSessionsRevokedAt: handed.sessionsRevokedAt,
  });
  if (decision.ok) throw new Error("unreachable");
  expect(decision.error).toBeInstanceOf(TokenError);
  return decision.error.code;
}

function accepted(decision: SessionDecision) {
  if (!decision.ok) throw new Error(`refused: ${decision.error.code} (${decision.error.message})`);
  return decision;
}

describe("purpose refresh: rotate", () => {
  it("the current refresh token rotates: a new pair, the successor as new_current_jti, now as new_rotated_at", async () => {
    const d = accepted(await decide(refreshToken({ email: "ada@example.com", role: "admin" }), "refresh"));
    const access = peek(d.access?.token);
    const refresh = peek(d.refresh?.token);
    expect(d).toMatchObject({
      userId: SUB,
      sessionId: SID,
      authTime: LOGIN,
      rotate: true,
      newCurrentJti: S,
      newRotatedAt: NOW,
      newExpiresAt: NOW + 86_400,
      revoke: false,
      endAllSessions: false,
      newSessionsRevokedAt: undefined,
    });
    expect(access.header.typ).toBe("at+jwt");
    expect(refresh.header.typ).toBe("refresh+jwt");
    expect(refresh.claims).toMatchObject({ jti: S, iat: NOW, exp: NOW + 86_400 });
    expect(access.claims).toMatchObject({ iat: NOW, exp: NOW + 900 });
    expect(access.claims.jti).not.toBe(S);
    expect(access.claims.jti).not.toBe(J);
    for (const claims of [access.claims, refresh.claims]) {
      expect(claims).toMatchObject({
        sub: SUB,
        sid: SID,
        auth_time: LOGIN,
        email: "ada@example.com",
        role: "admin",
      });
    }
    // The new pair is what the next decision takes: its access token for access, its refresh token to rotate.
    const next = { currentJti: S, rotatedAt: NOW };
    const later = { now: NOW + 60 };
    expect(accepted(await decide(d.access?.token, "access", next, later)).userId).toBe(SUB);
    const rotated = accepted(await decide(d.refresh?.token, "refresh", next, later));
    expect(rotated).toMatchObject({ rotate: true, newCurrentJti: successorJti(S) });
  });

  it("neither new token outlives the login (auth_time + max_session)", async () => {
    const d = accepted(await decide(refreshToken(), "refresh", {}, { maxSession: 4000, expiresIn: 900 }));
    const sessionEnd = LOGIN + 4000;
    expect(peek(d.access?.token).claims.exp).toBe(NOW + 400);
    expect(peek(d.refresh?.token).claims.exp).toBe(sessionEnd);
    expect(d.newExpiresAt).toBe(sessionEnd);
  });

  it("a refresh token without a jti is missing_claim", async () => {
    expect(refusal(await decide(refreshToken({ jti: undefined }), "refresh"))).toBe("missing_claim");
    expect(refusal(await decide(refreshToken({ jti: "" }), "refresh"))).toBe("missing_claim");
  });
});

describe("purpose refresh: retry and reuse", () => {
  // The Session already rotated J away: its current_jti is S, the successor every answer for J names.
  const rotatedAway = (secondsAgo: number): Partial<SessionRow> => ({
    currentJti: S,
    rotatedAt: NOW - secondsAgo,
  });

  it.each([0, 1, 29.999, 30])(
    "%s seconds after the rotation, the parent is a retry: the same pair shape, no write asked",
    async (ago) => {
      const d = accepted(await decide(refreshToken(), "refresh", rotatedAway(ago)));
      expect(peek(d.refresh?.token).claims.jti).toBe(S);
      expect(peek(d.access?.token).header.typ).toBe("at+jwt");
      expect(d).toMatchObject({
        userId: SUB,
        rotate: false,
        revoke: false,
        // The row's own values: a write made by mistake cannot slide the retry window.
        newCurrentJti: S,
        newRotatedAt: NOW - ago,
        newExpiresAt: ROW.expiresAt,
      });
    },
  );

  it.each([30.001, 31, 3600])(
    "%s seconds after the rotation, the parent is reuse: refresh_token_reused and revoke",
    async (ago) => {
      const d = await decide(refreshToken(), "refresh", rotatedAway(ago));
      expect(refusal(d, rotatedAway(ago))).toBe("refresh_token_reused");
      expect(d.revoke).toBe(true);
      expect(d.newRevoked).toBe(true);
      if (!d.ok) {
        expect([d.error.message, d.error.logReason]).toEqual([
          "This refresh token was already used, so the session has been ended; sign in again.",
          "a rotated-away refresh token was presented after the retry window",
        ]);
      }
    },
  );

  it("the window is the retry_window field's: 0 makes any later parent reuse, 300 accepts five minutes", async () => {
    const zero = await decide(refreshToken(), "refresh", rotatedAway(1), { retryWindow: 0 });
    expect(refusal(zero, rotatedAway(1))).toBe("refresh_token_reused");
    const five = accepted(await decide(refreshToken(), "refresh", rotatedAway(300), { retryWindow: 300 }));
    expect(five.rotate).toBe(false);
  });

  it("a refresh token two rotations old, or of another chain, is reuse at any time", async () => {
    for (const currentJti of [successorJti(S), "another-jti", J.toUpperCase()]) {
      const row = { currentJti, rotatedAt: NOW };
      const d = await decide(refreshToken(), "refresh", row);
      expect(refusal(d, row)).toBe("refresh_token_reused");
      expect(d.revoke).toBe(true);
    }
  });

  it("N answers to one refresh token name one successor: the row ends the same whichever write lands", async () => {
    const answers = await Promise.all([1, 2, 3].map(() => decide(refreshToken(), "refresh")));
    const successors = answers.map((d) => accepted(d).newCurrentJti);
    expect(new Set(successors)).toEqual(new Set([S]));
  });
});

describe("the row must be the token's session (no write on a refusal here)", () => {
  it.each<[string, Partial<SessionRow>]>([
    [
      "no Session found (every value empty)",
      {
        sessionId: undefined,
        userId: undefined,
        currentJti: undefined,
        rotatedAt: undefined,
        createdAt: undefined,
        expiresAt: undefined,
      },
    ],
    ["an empty session_id", { sessionId: undefined }],
    ["an empty user id", { userId: undefined }],
    ["another session's row", { sessionId: "sess-2" }],
    ["another user's row", { userId: "user-2" }],
    ["a row whose sid differs only in case", { sessionId: SID.toUpperCase() }],
  ])("%s: revoked, with one message for all, and no revoke", async (_, row) => {
    for (const purpose of ["access", "refresh", "logout", "logout_everywhere"] as const) {
      const input = purpose === "access" || purpose === "logout_everywhere" ? accessToken() : refreshToken();
      const d = await decide(input, purpose, row);
      expect(refusal(d, row)).toBe("revoked");
      expect(d.revoke).toBe(false);
      if (!d.ok) expect(d.error.message).toBe("The session has ended; sign in again.");
      // Only the builder's log line tells the two apart.
      const handed = { ...ROW, ...row };
      const found = handed.sessionId !== undefined && handed.userId !== undefined;
      if (!d.ok) expect(d.error.logReason).toMatch(found ? /^session mismatch/ : /^session not found/);
    }
  });

  it("a token without sub, sid or auth_time is missing_claim, before any row is looked at", async () => {
    for (const claims of [
      { sub: undefined },
      { sid: undefined },
      { auth_time: undefined },
      { sid: 7 },
      { sub: "" },
    ]) {
      expect(refusal(await decide(accessToken(claims), "access"))).toBe("missing_claim");
    }
  });

  it("missing_claim names the claim and what it stands for", async () => {
    for (const [claims, message] of [
      [{ sub: undefined }, 'The token has no user ("sub" claim) as text.'],
      [{ sid: undefined }, 'The token has no session ("sid" claim) as text.'],
      [{ auth_time: undefined }, 'The token has no login time ("auth_time" claim) as text.'],
    ] as const) {
      const d = await decide(accessToken(claims), "access");
      if (!d.ok) expect(d.error.message).toBe(message);
      expect(refusal(d)).toBe("missing_claim");
    }
    const d = await decide(refreshToken({ jti: undefined }), "refresh");
    if (!d.ok) expect(d.error.message).toBe('The token has no refresh token id ("jti" claim) as text.');
    expect(refusal(d)).toBe("missing_claim");
  });

  it("an access token needs no jti: only a refresh token is rotated by it", async () => {
    for (const purpose of ["access", "logout", "logout_everywhere"] as const) {
      expect(accepted(await decide(accessToken({ jti: undefined }), purpose)).userId).toBe(SUB);
    }
  });

  it("an auth_time in the future is not_yet_valid, saying so; one at now + clock_tolerance is not", async () => {
    const d = await decide(accessToken({ auth_time: NOW + 1 }), "access");
    expect(refusal(d)).toBe("not_yet_valid");
    if (!d.ok) expect(d.error.message).toBe('The token claims a login in the future (its "auth_time").');
    expect(
      accepted(await decide(accessToken({ auth_time: NOW + 1 }), "access", {}, { clockTolerance: 5 })).ok,
    ).toBe(true);
    expect(accepted(await decide(accessToken({ auth_time: NOW }), "access")).authTime).toBe(NOW);
    const edge = accessToken({ auth_time: NOW + 5 });
    expect(accepted(await decide(edge, "access", {}, { clockTolerance: 5 })).authTime).toBe(NOW + 5);
  });
});

describe("the token itself", () => {
  it.each<[string, string, SessionPurpose]>([
    ["an expired access token", "expired", "access"],
    ["an expired refresh token", "expired", "refresh"],
  ])("%s is %s", async (_, code, purpose) => {
    const input = purpose === "access" ? accessToken({ exp: NOW }) : refreshToken({ exp: NOW });
    expect(refusal(await decide(input, purpose))).toBe(code);
  });

  it("a token signed with another secret is invalid_signature; junk is malformed; nothing is missing_token", async () => {
    expect(refusal(await decide(token("at+jwt", {}, OTHER), "access"))).toBe("invalid_signature");
    expect(refusal(await decide("a.b.c", "access"))).toBe("malformed");
    expect(refusal(await decide("", "refresh"))).toBe("missing_token");
  });

  it("issuer and audience are checked as in Verify", async () => {
    const options = { issuer: "https://app.example.com", audience: "mobile-app" };
    expect(
      refusal(
        await decide(
          accessToken({ iss: "https://other.example.com", aud: "mobile-app" }),
          "access",
          {},
          options,
        ),
      ),
    ).toBe("issuer_mismatch");
    expect(
      refusal(await decide(accessToken({ iss: options.issuer, aud: "web" }), "access", {}, options)),
    ).toBe("audience_mismatch");
    expect(
      accepted(await decide(accessToken({ iss: options.issuer, aud: "mobile-app" }), "access", {}, options))
        .ok,
    ).toBe(true);
  });

  it.each<[SessionPurpose, string, boolean]>([
    ["access", "at+jwt", true],
    ["access", "refresh+jwt", false],
    ["access", "JWT", false],
    ["refresh", "refresh+jwt", true],
    ["refresh", "at+jwt", false],
    ["refresh", "JWT", false],
    ["refresh", "application/jwt", false],
    ["logout", "at+jwt", true],
    ["logout", "refresh+jwt", true],
    ["logout", "JWT", false],
    ["logout_everywhere", "at+jwt", true],
    ["logout_everywhere", "refresh+jwt", false],
    ["logout_everywhere", "custom+jwt", false],
  ])("purpose %s with a token typed %s: accepted %s (else wrong_token_type)", async (purpose, typ, ok) => {
    const d = await decide(token(typ), purpose);
    if (ok) expect(accepted(d).ok).toBe(true);
    else expect(refusal(d)).toBe("wrong_token_type");
  });

  it("a one-token token without typ never enters a session", async () => {
    for (const purpose of ["access", "refresh", "logout", "logout_everywhere"] as const) {
      expect(refusal(await decide(token(undefined), purpose))).toBe("wrong_token_type");
    }
  });
});

describe("a session that is over", () => {
  it("a revoked Session is revoked for every purpose, with no revoke asked", async () => {
    for (const purpose of ["access", "refresh", "logout", "logout_everywhere"] as const) {
      const input = purpose === "access" || purpose === "logout_everywhere" ? accessToken() : refreshToken();
      const d = await decide(input, purpose, { revoked: true });
      expect(refusal(d, { revoked: true })).toBe("revoked");
      expect(d.revoke).toBe(false);
      // The builder's log line says which rule ended it; the user's message is the one for every end.
      if (!d.ok)
        expect([d.error.message, d.error.logReason]).toEqual([SESSION_ENDED, "the Session is revoked"]);
      // Handed back: a logout's write of revoked = new_revoked, made without its Only when, changes nothing.
      expect(d.newRevoked).toBe(true);
    }
  });

  it("logout everywhere ends the sessions created at or before sessions_revoked_at, not one created after", async () => {
    const at = { createdAt: LOGIN, sessionsRevokedAt: LOGIN };
    const ended = await decide(accessToken(), "access", at);
    expect(refusal(ended, at)).toBe("revoked");
    if (!ended.ok) {
      expect([ended.error.message, ended.error.logReason]).toEqual([
        SESSION_ENDED,
        "the user ended every session (sessions_revoked_at)",
      ]);
    }
    const before = { createdAt: LOGIN, sessionsRevokedAt: LOGIN + 0.001 };
    expect(refusal(await decide(refreshToken(), "refresh", before), before)).toBe("revoked");
    const after = { createdAt: LOGIN + 0.001, sessionsRevokedAt: LOGIN };
    const d = accepted(await decide(accessToken(), "access", after));
    expect(d.newSessionsRevokedAt).toBe(LOGIN);
  });

  it("a login ending within this second is session_expired: no whole-second token fits before its end", async () => {
    // auth_time + max_session is NOW + 0.5: not over yet, but the new pair's exp (whole seconds) would be NOW.
    const d = await decide(refreshToken({ auth_time: LOGIN + 0.5 }), "refresh", {}, { maxSession: 3600 });
    expect(refusal(d)).toBe("session_expired");
  });

  it("a login max_session old is session_expired; one second younger is not", async () => {
    const options = { maxSession: 3600 };
    expect(refusal(await decide(accessToken(), "access", {}, options))).toBe("session_expired");
    expect(refusal(await decide(refreshToken(), "refresh", {}, options))).toBe("session_expired");
    expect(accepted(await decide(accessToken(), "access", {}, { maxSession: 3601 })).ok).toBe(true);
  });
});

describe("wiring mistakes stop the workflow (ConfigError invalid_field naming the field)", () => {
  it.each<[string, Partial<SessionRow>, SessionPurpose, string]>([
    [
      "rotated_at in the future",
      { rotatedAt: NOW + 1 },
      "access",
      "The rotated_at field is in the future; set it to the Session's rotated_at.",
    ],
    [
      "created_at in the future",
      { createdAt: NOW + 1 },
      "access",
      "The created_at field is in the future; set it to the Session's Created Date.",
    ],
    [
      "created_at empty on a found row",
      { createdAt: undefined },
      "access",
      "The created_at field is empty for a found Session; set it to the Session's Created Date.",
    ],
    [
      "current_jti empty for a refresh",
      { currentJti: undefined },
      "refresh",
      "The current_jti field is empty for a refresh; set it to the Session's current_jti.",
    ],
    [
      "current_jti empty text for a refresh",
      { currentJti: "" },
      "refresh",
      "The current_jti field is empty for a refresh; set it to the Session's current_jti.",
    ],
    [
      "rotated_at empty for a refresh",
      { rotatedAt: undefined },
      "refresh",
      "The rotated_at field is empty for a refresh; set it to the Session's rotated_at.",
    ],
  ])(
    "%s stops the workflow as invalid_field, saying what to wire it to",
    async (_, row, purpose, message) => {
      const input = purpose === "refresh" ? refreshToken() : accessToken();
      const error = await rejectionOf(decide(input, purpose, row), ConfigError);
      expect(`${error?.code}: ${error?.message}`).toBe(`invalid_field: ${message}`);
    },
  );

  it("a time within clock_tolerance is no mistake; current_jti and rotated_at are not needed for access", async () => {
    expect(
      accepted(
        await decide(
          accessToken(),
          "access",
          { rotatedAt: NOW + 5, createdAt: NOW + 5 },
          { clockTolerance: 5 },
        ),
      ).ok,
    ).toBe(true);
    expect(
      accepted(await decide(accessToken(), "access", { currentJti: undefined, rotatedAt: undefined })).ok,
    ).toBe(true);
  });

  it("a refused token is refused before the row's values are judged", async () => {
    const row = { createdAt: NOW + 100 };
    expect(refusal(await decide(token("at+jwt", {}, OTHER), "access", row), row)).toBe("invalid_signature");
  });

  it("keys first: no JWT Secret stops the workflow whatever the token", async () => {
    const error = await rejectionOf(decide("junk", "refresh", {}, { material: {} }), ConfigError);
    expect(error?.code).toBe("missing_key");
  });

  it("a missing key is thrown, not a refusal, for the purposes that sign nothing too", async () => {
    for (const purpose of ["access", "logout", "logout_everywhere"] as const) {
      const error = await rejectionOf(decide(accessToken(), purpose, {}, { material: {} }), ConfigError);
      expect(error?.code, purpose).toBe("missing_key");
    }
  });

  it("only a refresh needs the signing key: a Public Key alone serves access, and refresh asks for the Private Key", async () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    const base = { sub: SUB, sid: SID, auth_time: LOGIN, iat: NOW - 60, exp: NOW + 600, jti: J };
    const options = { alg: "ES256", material: { publicKey } } as const;
    const access = signJws({ alg: "ES256", typ: "at+jwt" }, base, "ES256", pair.privateKey);
    expect(accepted(await decide(access, "access", {}, options)).userId).toBe(SUB);
    const refresh = signJws({ alg: "ES256", typ: "refresh+jwt" }, base, "ES256", pair.privateKey);
    expect((await rejectionOf(decide(refresh, "refresh", {}, options), ConfigError))?.code).toBe(
      "missing_key",
    );
  });
});

describe("purposes access, logout, logout_everywhere", () => {
  it("access: ok with the user and session, no tokens, no writes, the row's values handed back", async () => {
    const d = accepted(await decide(accessToken(), "access"));
    expect(d).toMatchObject({
      userId: SUB,
      sessionId: SID,
      authTime: LOGIN,
      rotate: false,
      revoke: false,
      newRevoked: false,
      endAllSessions: false,
      newCurrentJti: J,
      newRotatedAt: LOGIN,
      newExpiresAt: ROW.expiresAt,
    });
    expect(d.claims.email).toBe("ada@example.com");
    expect(d.access).toBeUndefined();
    expect(d.refresh).toBeUndefined();
  });

  it("logout: ok and revoke, with either token of the session", async () => {
    for (const input of [accessToken(), refreshToken()]) {
      const d = accepted(await decide(input, "logout"));
      expect(d).toMatchObject({
        userId: SUB,
        sessionId: SID,
        revoke: true,
        newRevoked: true,
        rotate: false,
        endAllSessions: false,
      });
    }
  });

  it("logout_everywhere: ok, end_all_sessions, and now as new_sessions_revoked_at", async () => {
    const d = accepted(await decide(accessToken(), "logout_everywhere", { sessionsRevokedAt: LOGIN - 100 }));
    expect(d).toMatchObject({
      endAllSessions: true,
      newSessionsRevokedAt: NOW,
      revoke: false,
      rotate: false,
    });
  });
});

describe("a token only Previous JWT Secret verifies is never re-signed past its own exp", () => {
  const material = { secret: SECRET, previousSecret: PREVIOUS };

  it("the rotated pair ends at the presented token's exp", async () => {
    const presented = refreshToken({ exp: NOW + 600 }, PREVIOUS);
    const d = accepted(await decide(presented, "refresh", {}, { material }));
    expect(peek(d.access?.token).claims.exp).toBe(NOW + 600);
    expect(peek(d.refresh?.token).claims.exp).toBe(NOW + 600);
    expect(d.newExpiresAt).toBe(NOW + 600);
    // Signed with the current secret, so the bound is not a property of the old secret's tokens alone.
    const verified = await verifyToken(d.refresh?.token, {
      alg: "HS256",
      material: { secret: SECRET },
      acceptedKinds: ["refresh"],
      now: NOW,
    });
    expect(verified.currentKey).toBe(true);
  });

  it("a current-secret token is not bounded by its own exp", async () => {
    const d = accepted(await decide(refreshToken({ exp: NOW + 600 }), "refresh", {}, { material }));
    expect(peek(d.refresh?.token).claims.exp).toBe(NOW + 86_400);
  });

  it("at the end of its life (accepted within clock_tolerance) it cannot be renewed: expired", async () => {
    for (const exp of [NOW - 1, NOW]) {
      const presented = refreshToken({ exp }, PREVIOUS);
      const d = await decide(presented, "refresh", {}, { material, clockTolerance: 5 });
      expect(refusal(d), `exp ${exp - NOW}`).toBe("expired");
      if (!d.ok) expect(d.error.logReason).toMatch(/^signed by an earlier key/);
    }
  });
});

describe("numbers fail closed", () => {
  it.each(["clockTolerance", "expiresIn", "refreshExpiresIn", "maxSession", "retryWindow", "now"] as const)(
    "a %s of NaN, ±Infinity or below zero is a field_out_of_range naming it, whatever the token",
    async (name) => {
      for (const value of BAD_NUMBERS) {
        // A reuse after the window, and a session long past max_session: each would pass with the number let through.
        for (const input of [refreshToken(), "garbage"]) {
          const error = await rejectionOf(
            decide(input, "refresh", { currentJti: "another" }, { [name]: value }),
            ConfigError,
          );
          expect([error?.code, error?.message], `${name}: ${value}`).toEqual([
            "field_out_of_range",
            expect.stringMatching(new RegExp(`^The ${name} option must be `)),
          ]);
        }
      }
    },
  );

  it.each([
    ["createdAt", "The created_at field is not a date; set it to the Session's Created Date."],
    ["rotatedAt", "The rotated_at field is not a date; set it to the Session's rotated_at."],
    ["expiresAt", "The expires_at field is not a date; set it to the Session's expires_at."],
    [
      "sessionsRevokedAt",
      "The sessions_revoked_at field is not a date; set it to the Session's user's sessions_revoked_at.",
    ],
  ] as const)(
    "a row's %s that is no time is the builder's wiring mistake, not a pass",
    async (field, message) => {
      const beyond = MOMENT.max * 2;
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, beyond, -beyond]) {
        const error = await rejectionOf(decide(accessToken(), "access", { [field]: value }), ConfigError);
        expect([error?.code, error?.message], `${field}: ${value}`).toEqual(["invalid_field", message]);
      }
    },
  );

  it("a row time as far as the largest time is still a date", async () => {
    const d = await decide(accessToken(), "access", {
      expiresAt: MOMENT.max,
      sessionsRevokedAt: -MOMENT.max,
    });
    expect(accepted(d).newExpiresAt).toBe(MOMENT.max);
  });
});
