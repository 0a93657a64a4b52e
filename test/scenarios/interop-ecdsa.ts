/**
 * Scenario: ES256, ES384 and ES512 tokens another library signed (PyJWT, in either S form, as it writes
 * them) through the built Verify and Refresh; the RFC 7515 A.3 token with its key; the high-S twin of a
 * token the plugin signed. The tokens and keys come from the file INTEROP_ECDSA names (written by
 * test/interop-ecdsa.test.ts). Prints one report.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { flipS } from "../support/ecdsa.js";
import { printReport } from "../support/observe.js";
import { publicHalf, RFC7515_A3 } from "../support/rfc7515.js";

interface Input {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: Record<string, { privatePem: string; publicPem: string; tokens: string[] }>;
}

const input = JSON.parse(readFileSync(process.env.INTEROP_ECDSA as string, "utf8")) as Input;
const runtime = new BubbleRuntime(path.resolve("actions"));
const report: Record<string, unknown> = { node: process.version };
for (const [alg, { privatePem, publicPem, tokens }] of Object.entries(input.algorithms)) {
  const keys = { Issuer: input.issuer, Audience: input.audience };
  const verified: Record<string, number> = {};
  const refreshed: Record<string, number> = {};
  const count = (tally: Record<string, number>, code: string) => {
    tally[code] = (tally[code] ?? 0) + 1;
  };
  for (const token of tokens) {
    const verify = await runtime.call(
      "JWT - Verify token",
      { token, algorithm: alg },
      { ...keys, "Public Key": publicPem },
    );
    count(verified, verify.values.valid === true ? "valid" : String(verify.values.error_code));
    const refresh = await runtime.call(
      "JWT - Refresh token",
      { token, algorithm: alg },
      { ...keys, "Private Key": privatePem },
    );
    count(refreshed, refresh.values.ok === true ? "ok" : String(refresh.values.error_code));
  }
  const own = await runtime.call(
    "JWT - Generate token",
    { subject: "u", algorithm: alg },
    { ...keys, "Private Key": privatePem },
  );
  const twin = flipS(own.values.token as string, alg);
  const twinVerified = await runtime.call(
    "JWT - Verify token",
    { token: twin, algorithm: alg },
    { ...keys, "Public Key": publicPem },
  );
  report[alg] = {
    verified,
    refreshed,
    twin: { valid: twinVerified.values.valid, jti: twinVerified.values.jti === own.values.jti },
  };
}
// RFC 7515 A.3 (ES256, s above half the order) expired in 2011: its signature holds, so it is expired.
const a3 = await runtime.call(
  "JWT - Verify token",
  { token: RFC7515_A3.token, algorithm: "ES256" },
  { "Public Key": JSON.stringify(publicHalf(RFC7515_A3.jwk)) },
);
const a3Tampered = await runtime.call(
  "JWT - Verify token",
  {
    token: `${RFC7515_A3.token.slice(0, -2)}${RFC7515_A3.token.endsWith("Q") ? "A" : "Q"}${RFC7515_A3.token.slice(-1)}`,
    algorithm: "ES256",
  },
  { "Public Key": JSON.stringify(publicHalf(RFC7515_A3.jwk)) },
);
report.rfc7515A3 = { signatureHeld: a3.values.error_code, tampered: a3Tampered.values.error_code };
printReport(report);
