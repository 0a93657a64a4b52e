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

describe("sessions with PyJWT (HS256)", () => {
  const verifyWithPyjwt = (token: unknown) =>
    pyjwt<{ claims?: Record<string, unknown>; header?: Record<string, unknown>; error?: string }>({
      op: "verify",
      token,
      key: SECRET,
      alg: "HS256",
      audience: AUDIENCE,
      issuer: ISSUER,
    });

  it("PyJWT verifies both tokens of a pair, first and rotated, and agrees on the successor jti", async () => {
    const generated = await runtime.call(
      "JWT - Generate token",
      { subject: "user-9", issue_refresh_token: true, session_id: "sess-py" },
      keys,
    );
    const first = verifyWithPyjwt(generated.values.refresh_token);
    expect(first).toMatchObject({
      header: { alg: "HS256", typ: "refresh+jwt" },
      claims: {
        sub: "user-9",
        sid: "sess-py",
        jti: generated.values.refresh_jti,
        iss: ISSUER,
        aud: AUDIENCE,
      },
    });
    expect(verifyWithPyjwt(generated.values.token)).toMatchObject({ header: { typ: "at+jwt" } });
    const rotated = await runtime.call(
      "JWT - Session",
      {
        token: generated.values.refresh_token,
        purpose: "refresh",
        session_id: "sess-py",
        session_user_id: "user-9",
        current_jti: generated.values.refresh_jti,
        rotated_at: generated.values.issued_at,
        created_at: generated.values.issued_at,
      },
      keys,
    );
    const successor = pyjwt<{ jti: string }>({ op: "successor", jti: generated.values.refresh_jti });
    expect(rotated.values).toMatchObject({ ok: true, rotate: true, new_current_jti: successor.jti });
    expect(verifyWithPyjwt(rotated.values.refresh_token)).toMatchObject({
      header: { typ: "refresh+jwt" },
      claims: { sid: "sess-py", jti: successor.jti, auth_time: first.claims?.auth_time },
    });
  });

  it("the plugin's Verify and Refresh refuse PyJWT tokens typed refresh+jwt, and JWT - Session rotates them", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: "user-8",
      iat: now,
      exp: now + 300,
      auth_time: now,
      iss: ISSUER,
      aud: AUDIENCE,
      sid: "s",
      jti: "py-r",
    };
    const row = {
      session_id: "s",
      session_user_id: "user-8",
      current_jti: "py-r",
      rotated_at: new Date(now * 1000),
      created_at: new Date(now * 1000),
    };
    for (const typ of ["refresh+jwt", "application/Refresh+JWT"]) {
      const { token } = pyjwt<{ token: string }>({
        op: "sign",
        claims,
        key: SECRET,
        alg: "HS256",
        headers: { typ },
      });
      const verified = await runtime.call("JWT - Verify token", { token }, keys);
      expect(verified.values).toMatchObject({ valid: false, error_code: "wrong_token_type" });
      const refreshed = await runtime.call("JWT - Refresh token", { token }, keys);
      expect(refreshed.values).toMatchObject({ ok: false, error_code: "wrong_token_type", token: "" });
      const rotated = await runtime.call("JWT - Session", { token, purpose: "refresh", ...row }, keys);
      const successor = pyjwt<{ jti: string }>({ op: "successor", jti: "py-r" });
      expect(rotated.values).toMatchObject({ ok: true, rotate: true, new_current_jti: successor.jti });
    }
  });

  it("the plugin's Refresh refuses a PyJWT token typed at+jwt", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: "user-8", iat: now, exp: now + 300, iss: ISSUER, aud: AUDIENCE, jti: "py-a" };
    const { token } = pyjwt<{ token: string }>({
      op: "sign",
      claims,
      key: SECRET,
      alg: "HS256",
      headers: { typ: "at+jwt" },
    });
    const refreshed = await runtime.call("JWT - Refresh token", { token }, keys);
    expect(refreshed.values).toMatchObject({ ok: false, error_code: "wrong_token_type", token: "" });
    const verified = await runtime.call("JWT - Verify token", { token }, keys);
    expect(verified.values).toMatchObject({ valid: true, subject: "user-8" });
  });
});
