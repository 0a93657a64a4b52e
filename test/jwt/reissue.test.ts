/**
 * src/jwt/reissue.ts's claim rule on its own: what a re-signed token carries over from the verified one.
 * The kid and the latest exp depend on which key verified the token, so they are pinned through
 * Refresh and the session decision (test/jwt/refresh.test.ts, test/jwt/session-decision.test.ts).
 */
import { describe, expect, it } from "vitest";
import { carriedClaims } from "../../src/jwt/reissue.js";

describe("carriedClaims", () => {
  it("leaves out every per-token claim (iat, exp, nbf, jti) and carries the rest", () => {
    const old = { sub: "user-1", sid: "sess-1", role: "admin", iat: 1, exp: 2, nbf: 1, jti: "old" };
    expect(carriedClaims(old, 1)).toEqual({ sub: "user-1", sid: "sess-1", role: "admin", auth_time: 1 });
  });

  it("writes the login time it is given over the token's own auth_time", () => {
    expect(carriedClaims({ sid: "sess-1", auth_time: 100 }, 50).auth_time).toBe(50);
  });

  it("keeps the token's sid, and gives a token without one a new one each time", () => {
    expect(carriedClaims({ sid: "sess-1" }, 1).sid).toBe("sess-1");
    const first = carriedClaims({}, 1).sid;
    expect(first).toEqual(expect.any(String));
    expect(carriedClaims({}, 1).sid).not.toBe(first);
  });

  it("carries a claim named __proto__ as a claim, not as the object's prototype", () => {
    const old = JSON.parse('{"sid":"sess-1","__proto__":{"admin":true}}');
    const claims = carriedClaims(old, 1);
    expect(Object.keys(claims)).toContain("__proto__");
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect((claims as { admin?: unknown }).admin).toBeUndefined();
  });

  it("makes every claim an ordinary property, as assignment would: a caller may change or delete it", () => {
    const claims = carriedClaims(JSON.parse('{"sid":"sess-1","__proto__":"x","role":"admin"}'), 1);
    for (const name of ["__proto__", "role"]) {
      expect(Object.getOwnPropertyDescriptor(claims, name)).toMatchObject({
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  });
});
