/**
 * verifyToken and its two steps (checkHeader, verifySignature), in process: each case names the rule it
 * pins. The built Verify action is tested on Bubble's runtimes by the contract suites.
 */
import { CompactSign } from "jose";
import { JOSEAlgNotAllowed } from "jose/errors";
import { describe, expect, it } from "vitest";
import { ConfigError, TokenError } from "../../src/jwt/errors.js";
import { verificationKeys } from "../../src/jwt/keys/keyring.js";
import { parseToken } from "../../src/jwt/token.js";
import { checkHeader, verifySignature, verifyToken } from "../../src/jwt/verify.js";
import { testSecret } from "../contract/harness.js";
import { BAD_NUMBERS } from "../support/bad-numbers.js";
import { OK, outcomeOf, rejectionOf, settledOutcome } from "../support/thrown.js";

const NOW = 1_700_000_000;
const SECRET = testSecret("verify-current");
const PREVIOUS = testSecret("verify-previous");
const material = { secret: SECRET };
const rotated = { secret: SECRET, previousSecret: PREVIOUS };

/** An HS* token signed with `secret` (text, or an oct JWK's bytes) over `claims`, with `header` added to alg. */
async function sign(
  claims: Record<string, unknown>,
  { secret = SECRET, alg = "HS256", header = {} as Record<string, unknown> } = {},
): Promise<string> {
  const key = new TextEncoder().encode(secret);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, ...header })
    .sign(key);
}

const claims = { sub: "u", iat: NOW - 10, exp: NOW + 600 };
const verify = (token: unknown, options: Partial<Parameters<typeof verifyToken>[1]> = {}) =>
  verifyToken(token, { alg: "HS256", material, now: NOW, ...options });

describe("verifyToken", () => {
  it("returns the header, the claims, the key that matched and the token's kind", async () => {
    const token = await sign(claims, { header: { typ: "JWT" } });
    const verified = await verify(`Bearer ${token}`);
    expect(verified.header).toEqual({ alg: "HS256", typ: "JWT" });
    expect(verified.claims).toEqual(claims);
    expect(verified.kind).toBe("single");
    expect(verified.key).toBe((await verificationKeys(material, "HS256"))[0]);
    expect(verified.currentKey).toBe(true);
  });

  it("tells a token of the previous secret from one of the current (currentKey)", async () => {
    const keys = await verificationKeys(rotated, "HS256");
    const current = await verify(await sign(claims), { material: rotated });
    expect([current.currentKey, current.key]).toEqual([true, keys[0]]);
    const previous = await verify(await sign(claims, { secret: PREVIOUS }), { material: rotated });
    expect([previous.currentKey, previous.key]).toEqual([false, keys[1]]);
  });

  it("refuses a token no configured key signed, and one whose signature was changed", async () => {
    expect(await settledOutcome(verify(await sign(claims, { secret: testSecret("attacker") })))).toBe(
      "invalid_signature",
    );
    const token = await sign(claims);
    const cut = token.lastIndexOf(".") + 3;
    const changed = `${token.slice(0, cut)}${token[cut] === "A" ? "B" : "A"}${token.slice(cut + 1)}`;
    expect(await settledOutcome(verify(changed))).toBe("invalid_signature");
    expect(await settledOutcome(verify(await sign(claims, { secret: PREVIOUS }), { material }))).toBe(
      "invalid_signature",
    );
  });

  it("refuses another algorithm than the action's before any key is tried", async () => {
    expect(await settledOutcome(verify(await sign(claims, { alg: "HS384" })))).toBe("algorithm_not_allowed");
    expect(await settledOutcome(verify(await sign(claims), { alg: "HS512" }))).toBe("algorithm_not_allowed");
  });

  it("checks the claims at `now`, not at the clock's time", async () => {
    const token = await sign(claims);
    expect(await settledOutcome(verify(token, { now: NOW + 599 }))).toBe(OK);
    expect(await settledOutcome(verify(token, { now: NOW + 600 }))).toBe("expired");
    // Without now, the clock's time: years after exp.
    expect(await settledOutcome(verify(token, { now: undefined }))).toBe("expired");
    expect(await settledOutcome(verify(token, { now: NOW + 610, clockTolerance: 11 }))).toBe(OK);
    expect(await settledOutcome(verify(token, { now: NOW + 650, gracePeriod: 51 }))).toBe(OK);
    expect(await settledOutcome(verify(token, { now: NOW, maxAge: 9 }))).toBe("token_too_old");
    expect(await settledOutcome(verify(token, { issuer: "other" }))).toBe("issuer_mismatch");
  });

  it("takes access tokens of either flow, never a refresh token, unless told which kinds", async () => {
    expect(await settledOutcome(verify(await sign(claims, { header: { typ: "at+jwt" } })))).toBe(OK);
    const refresh = await sign(claims, { header: { typ: "refresh+jwt" } });
    expect(await settledOutcome(verify(refresh))).toBe("wrong_token_type");
    expect((await verify(refresh, { acceptedKinds: ["refresh"] })).kind).toBe("refresh");
  });

  it("judges the signature before the token's kind: a forged refresh token is invalid_signature", async () => {
    const forged = await sign(claims, { secret: testSecret("attacker"), header: { typ: "refresh+jwt" } });
    expect(await settledOutcome(verify(forged))).toBe("invalid_signature");
  });

  it("says why it refused, without quoting the token", async () => {
    const messageOf = async (token: string, options: Partial<Parameters<typeof verifyToken>[1]> = {}) =>
      (await rejectionOf(verify(token, options), TokenError))?.message;
    expect(await messageOf(await sign(claims, { alg: "HS384" }))).toBe(
      "The token is not signed with HS256, the only algorithm this action accepts.",
    );
    // Refused before any key is tried, so its signature need not hold.
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    expect(await messageOf(`${part({ alg: "HS256", crit: ["x"], x: 1 })}.${part(claims)}.c2ln`)).toBe(
      "The token uses a JWS extension (crit or b64) that is not supported.",
    );
    expect(await messageOf(await sign(claims, { secret: PREVIOUS }))).toBe(
      "The token's signature does not match any configured key.",
    );
  });

  it("refuses the keys before the token: a missing secret is reported for any input", async () => {
    for (const input of ["", "not a token", await sign(claims)]) {
      expect(await settledOutcome(verify(input, { material: {} }))).toBe("config:missing_key");
    }
  });

  it.each(["clockTolerance", "gracePeriod", "maxAge", "now"] as const)(
    "fails closed on a %s of NaN, ±Infinity or below zero, whatever the token",
    async (name) => {
      const expiredLongAgo = await sign({ sub: "u", iat: NOW - 86_400, exp: NOW - 86_000 });
      for (const value of BAD_NUMBERS) {
        for (const token of [expiredLongAgo, "garbage"]) {
          const error = await rejectionOf(verify(token, { [name]: value }), ConfigError);
          expect([error?.code, error?.message], `${name}: ${value}`).toEqual([
            "field_out_of_range",
            expect.stringMatching(new RegExp(`^The ${name} option must be a number of seconds from 0 to `)),
          ]);
        }
      }
    },
  );
});

describe("checkHeader", () => {
  it("takes exactly the action's algorithm, in its exact spelling", () => {
    expect(outcomeOf(() => checkHeader({ alg: "HS256" }, "HS256"))).toBe(OK);
    for (const alg of ["hs256", "none", "HS384", undefined, ["HS256"]]) {
      expect(
        outcomeOf(() => checkHeader({ alg }, "HS256")),
        String(alg),
      ).toBe("algorithm_not_allowed");
    }
  });
  it("refuses the JWS extensions crit and b64", () => {
    expect(outcomeOf(() => checkHeader({ alg: "HS256", crit: ["exp"] }, "HS256"))).toBe("malformed");
    expect(outcomeOf(() => checkHeader({ alg: "HS256", b64: false }, "HS256"))).toBe("malformed");
  });
});

describe("verifySignature", () => {
  it("has jose refuse another algorithm on its own, the second line of defence behind checkHeader", async () => {
    // A token signed with HS384 and keys that could verify it: only jose's own allow-list stands in the way.
    const token = await sign(claims, { alg: "HS384" });
    const hs384Keys = await verificationKeys(material, "HS384");
    expect((await verifySignature(parseToken(token), hs384Keys, "HS384")).claims).toEqual(claims);
    const error = await rejectionOf(verifySignature(parseToken(token), hs384Keys, "HS256"), TokenError);
    expect([error?.code, error?.message]).toEqual(["malformed", "The token's signature could not be read."]);
    expect(error?.cause).toBeInstanceOf(JOSEAlgNotAllowed);
    expect(error?.logReason).toBe("signature unreadable (JOSEAlgNotAllowed, ERR_JOSE_ALG_NOT_ALLOWED)");
    expect(`${error?.message}${error?.logReason}`).not.toContain(token.split(".")[2]);
  });

  it("tries the keys whose kid the token names first, and every key when none matches", async () => {
    const current = JSON.stringify({ kty: "oct", k: Buffer.from(SECRET).toString("base64url"), kid: "cur" });
    const previous = JSON.stringify({
      kty: "oct",
      k: Buffer.from(PREVIOUS).toString("base64url"),
      kid: "prev",
    });
    const keys = await verificationKeys({ secret: current, previousSecret: previous }, "HS256");
    const byPrevious = (kid: string) => sign(claims, { secret: PREVIOUS, header: { kid } });
    const outcome = async (token: string) =>
      settledOutcome(verifySignature(parseToken(token), keys, "HS256"));
    expect(await outcome(await byPrevious("prev"))).toBe(OK);
    expect(await outcome(await byPrevious("unknown"))).toBe(OK);
    // The kid names the current key only: the previous key is not tried.
    expect(await outcome(await byPrevious("cur"))).toBe("invalid_signature");
    expect((await verifySignature(parseToken(await byPrevious("prev")), keys, "HS256")).key).toBe(keys[1]);
  });

  it("refuses claims that are not a JSON object, once the signature holds", async () => {
    const key = new TextEncoder().encode(SECRET);
    const token = await new CompactSign(new TextEncoder().encode("[1,2]"))
      .setProtectedHeader({ alg: "HS256" })
      .sign(key);
    const error = await rejectionOf(verify(token), TokenError);
    expect([error?.code, error?.message]).toEqual([
      "malformed",
      "The token's claims set is not a JSON object.",
    ]);
  });
});
