/**
 * Recipe: a Supabase-compatible token. Supabase (with its JWT secret, HS256) accepts a token whose `aud` and
 * `role` are "authenticated" and whose `sub` is the user's id; PostgREST reads `role` for row-level security.
 * Checked with an independent implementation (PyJWT) the way Supabase's API would check it.
 */
import path from "node:path";
import { expect, it } from "vitest";
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { testSecret } from "./contract/harness.js";
import { pyjwt } from "./support/python.js";

const runtime = new BubbleRuntime(path.resolve(import.meta.dirname, "../actions"));

it("generates a token that verifies as Supabase verifies its JWT secret's tokens", async () => {
  const supabaseSecret = testSecret("supabase-project", 40);
  const { values } = await runtime.call(
    "JWT - Generate token",
    {
      subject: "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e",
      email: "ada@example.com",
      audience: "authenticated",
      issuer: "https://abcdefgh.supabase.co/auth/v1",
      claims: [{ key: "role", value: "authenticated" }],
      expires_in: 3600,
    },
    { "JWT Secret": supabaseSecret },
  );
  const answer = pyjwt({
    op: "verify",
    token: values.token,
    key: supabaseSecret,
    alg: "HS256",
    audience: "authenticated",
    issuer: "https://abcdefgh.supabase.co/auth/v1",
  });
  expect(answer).toMatchObject({
    claims: {
      sub: "8d0fd2b3-9ca7-4d9e-a95f-9e13dded323e",
      role: "authenticated",
      aud: "authenticated",
      email: "ada@example.com",
    },
  });
});
