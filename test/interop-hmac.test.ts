/**
 * Interoperability with an independent implementation (PyJWT) for HS256/384/512, both ways, through the
 * built actions in the Bubble runtime stand-in.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { AUDIENCE, ISSUER, SECRET } from "./contract/harness.js";
import { pyjwt } from "./support/python.js";

const runtime = new BubbleRuntime(path.resolve(import.meta.dirname, "../actions"));
const keys = { "JWT Secret": SECRET, Issuer: ISSUER, Audience: AUDIENCE };

describe.each(["HS256", "HS384", "HS512"])("%s with PyJWT", (alg) => {
  it("PyJWT verifies a token the plugin generated", async () => {
    const { values } = await runtime.call(
      "JWT - Generate token",
      { subject: "user-7", email: "u@example.com", algorithm: alg },
      keys,
    );
    const answer = pyjwt({
      op: "verify",
      token: values.token,
      key: SECRET,
      alg,
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    expect(answer).toMatchObject({
      claims: { sub: "user-7", email: "u@example.com", iss: ISSUER, aud: AUDIENCE, jti: values.jti },
    });
  });

  it("PyJWT refuses a plugin token under another secret", async () => {
    const { values } = await runtime.call(
      "JWT - Generate token",
      { subject: "user-7", algorithm: alg },
      keys,
    );
    const answer = pyjwt({
      op: "verify",
      token: values.token,
      key: `${SECRET}x`,
      alg,
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    expect(answer).toEqual({ error: "InvalidSignatureError" });
  });

  it("the plugin verifies and refreshes a token PyJWT made", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: "user-8",
      iat: now,
      exp: now + 300,
      iss: ISSUER,
      aud: AUDIENCE,
      jti: "py-1",
      role: "admin",
    };
    const { token } = pyjwt<{ token: string }>({ op: "sign", claims, key: SECRET, alg });
    const verified = await runtime.call("JWT - Verify token", { token, algorithm: alg }, keys);
    expect(verified.values).toMatchObject({ valid: true, subject: "user-8", jti: "py-1" });
    expect(JSON.parse(verified.values.claims_json as string)).toEqual(claims);
    const refreshed = await runtime.call("JWT - Refresh token", { token, algorithm: alg }, keys);
    expect(refreshed.values).toMatchObject({ ok: true, previous_jti: "py-1", subject: "user-8" });
    const back = pyjwt({
      op: "verify",
      token: refreshed.values.token,
      key: SECRET,
      alg,
      audience: AUDIENCE,
      issuer: ISSUER,
    });
    expect(back).toMatchObject({ claims: { sub: "user-8", role: "admin", auth_time: now } });
  });

  it("the plugin refuses a PyJWT token signed with another secret", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { token } = pyjwt<{ token: string }>({
      op: "sign",
      claims: { sub: "x", exp: now + 60 },
      key: `${SECRET}-other`,
      alg,
    });
    const verified = await runtime.call(
      "JWT - Verify token",
      { token, algorithm: alg },
      { "JWT Secret": SECRET },
    );
    expect(verified.values).toMatchObject({ valid: false, error_code: "invalid_signature" });
  });
});
