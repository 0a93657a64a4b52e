/**
 * src/jwt/session.ts on its own: how a header's typ names a token's kind, and the successor rule
 * against known answers computed with Python's hashlib (the same vectors as docs/sessions.md).
 */
import { describe, expect, it } from "vitest";
import { TokenError } from "../../src/jwt/errors.js";
import { checkTokenKind, successorJti, tokenKind } from "../../src/jwt/session.js";
import { thrownBy } from "../support/thrown.js";

describe("tokenKind", () => {
  it.each([
    ["refresh+jwt", "refresh"],
    ["Refresh+JWT", "refresh"],
    ["application/refresh+jwt", "refresh"],
    ["APPLICATION/REFRESH+JWT", "refresh"],
    ["at+jwt", "paired-access"],
    ["application/at+JWT", "paired-access"],
    ["JWT", "single"],
    ["refresh", "single"],
    ["application/jwt", "single"],
    ["x-refresh+jwt", "single"],
    ["refresh+jwt; charset=utf-8", "single"],
  ])("typ %j is %s", (typ, kind) => expect(tokenKind({ typ })).toBe(kind));

  it("no typ, or one that is not text, is the one-token flow's", () => {
    expect(tokenKind({})).toBe("single");
    expect(tokenKind({ typ: 1 })).toBe("single");
    expect(tokenKind({ typ: ["refresh+jwt"] })).toBe("single");
  });
});

describe("checkTokenKind", () => {
  it("returns an accepted kind and refuses the others with wrong_token_type", () => {
    expect(checkTokenKind({ typ: "at+jwt" }, ["paired-access", "single"])).toBe("paired-access");
    for (const [typ, accepted] of [
      ["refresh+jwt", ["paired-access", "single"]],
      ["at+jwt", ["refresh", "single"]],
    ] as const) {
      const thrown = thrownBy(() => checkTokenKind({ typ }, accepted));
      expect(thrown).toBeInstanceOf(TokenError);
      expect((thrown as TokenError).code).toBe("wrong_token_type");
    }
  });
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
