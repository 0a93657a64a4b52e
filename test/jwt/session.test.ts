/**
 * src/jwt/session.ts on its own: how a header's typ names a token's kind, and the successor rule
 * against known answers computed with Python's hashlib (the same vectors as docs/sessions.md).
 */
import { describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import { checkTokenKind, successorJti, type TokenKind, tokenKind } from "../../src/jwt/session.js";
import { thrownBy } from "../support/thrown.js";

describe("tokenKind", () => {
  it.each([
    ["refresh+jwt", "refresh"],
    ["Refresh+JWT", "refresh"],
    ["application/refresh+jwt", "refresh"],
    ["APPLICATION/REFRESH+JWT", "refresh"],
    ["at+jwt", "paired-access"],
    ["application/at+jwt", "paired-access"],
    ["application/at+JWT", "paired-access"],
    ["JWT", "single"],
    ["jwt", "single"],
    ["application/jwt", "single"],
    ["refresh", "single"],
    ["x-refresh+jwt", "single"],
    ["custom+jwt", "single"],
  ])("typ %j is %s", (typ, kind) => expect(tokenKind({ typ })).toBe(kind));

  it("no typ is the one-token flow's, as before the allow-list", () => {
    expect(tokenKind({})).toBe("single");
  });

  // The allow-list: what a lenient reading would have to guess at is no kind at all.
  it.each([
    "refresh+jwt; v=1",
    "refresh+jwt; charset=utf-8",
    "at+jwt;q=1",
    "application/application/refresh+jwt",
    "refresh+jwt\0",
    " refresh+jwt",
    "refresh+jwt ",
    "refresh+jwt\n",
    "",
    "application/",
    "text/refresh+jwt",
    "+refresh+jwt",
    "\u212Aid+jwt",
    "ʀefresh+jwt",
  ])("typ %j fails the grammar: no kind", (typ) => expect(tokenKind({ typ })).toBeUndefined());

  it("a typ that is not text has no kind", () => {
    for (const typ of [1, null, true, ["refresh+jwt"], { typ: "JWT" }])
      expect(tokenKind({ typ })).toBeUndefined();
  });
});

describe("checkTokenKind", () => {
  it("returns an accepted kind and refuses the others with wrong_token_type", () => {
    expect(checkTokenKind({ typ: "at+jwt" }, ["paired-access", "single"])).toBe("paired-access");
    for (const [typ, accepted] of [
      ["refresh+jwt", ["paired-access", "single"]],
      ["at+jwt", ["refresh", "single"]],
      ["JWT", ["paired-access", "refresh"]],
    ] as const) {
      const thrown = thrownBy(() => checkTokenKind({ typ }, accepted));
      expect(thrown).toBeInstanceOf(TokenError);
      expect((thrown as TokenError).code).toBe("wrong_token_type");
    }
  });

  it.each(["refresh+jwt; v=1", "application/application/refresh+jwt", "refresh+jwt\0", "at+jwt;q=1"])(
    "refuses typ %j as wrong_token_type whatever the action takes",
    (typ) => {
      const thrown = thrownBy(() => checkTokenKind({ typ }, ["paired-access", "refresh", "single"]));
      expect((thrown as TokenError).code).toBe("wrong_token_type");
      expect((thrown as TokenError).message).not.toContain(typ);
    },
  );

  it.each<[string, TokenKind[], string]>([
    ["refresh+jwt; v=1", ["single"], "The token's type (its typ header) is not one this plugin reads."],
    [
      "refresh+jwt",
      ["paired-access"],
      "This is a refresh token; send it only to the refresh-token workflow, and send the access token here.",
    ],
    [
      "refresh+jwt",
      ["single"],
      "This is a session refresh token; send it to the session workflow's JWT - Session step, not to JWT - Refresh token.",
    ],
    ["at+jwt", ["refresh"], "This is an access token; send the refresh token to refresh a session."],
    [
      "JWT",
      ["paired-access", "refresh"],
      "This token belongs to the one-token flow; a session takes only the tokens of a login with a refresh token.",
    ],
  ])(
    "refuses typ %j where %j is taken with the message that says where it belongs",
    (typ, accepted, message) => {
      const thrown = thrownBy(() => checkTokenKind({ typ }, accepted), TokenError);
      expect([thrown?.code, thrown?.message]).toEqual(["wrong_token_type", message]);
    },
  );
});

describe("successorJti", () => {
  it.each([
    ["refresh-jti-1", "9wRW5RT_8zCh_pw7EcILFA"],
    ["43f837ac-ff40-424c-9bc5-c6850a9eaccf", "1V7dQmY-qh3s9f13bHIi_w"],
    ["", "g6e8pZzH2GKWKiFc5Iq-Aw"],
  ])("successor(%j) is %s", (jti, successor) => expect(successorJti(jti)).toBe(successor));

  it("is 22 base64url characters, and a chain never repeats within a few thousand steps", () => {
    const seen = new Set<string>();
    let jti = "start";
    for (let i = 0; i < 5000; i++) {
      jti = successorJti(jti);
      expect(jti).toMatch(/^[\w-]{22}$/);
      seen.add(jti);
    }
    expect(seen.size).toBe(5000);
  });
});
