/**
 * ECDSA interoperability: ES256, ES384 and ES512 tokens PyJWT (Debian's python3-jwt) signs with the app's
 * EC key verify and refresh 200 times out of 200 through the built actions on Node 18 and Node 22, whichever
 * of the two S forms each signature has (PyJWT writes either, as most libraries do). The RFC 7515 A.3 token
 * (a high-S signature) holds with its key there too, and the high-S twin of a token the plugin signed verifies.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER } from "./contract/harness.js";
import { isHighS } from "./support/ecdsa.js";
import { FAMILY, pem, testKeys } from "./support/keys.js";
import { pyjwtBatch } from "./support/python.js";
import { RUNTIMES, runScenario } from "./support/runtimes.js";

const ALGORITHMS = ["ES256", "ES384", "ES512"] as const;
const PER_ALGORITHM = 200;
const dir = mkdtempSync(path.join(tmpdir(), "interop-ecdsa-"));
const file = path.join(dir, "tokens.json");
const highCounts: Record<string, number> = {};

beforeAll(() => {
  const now = Math.floor(Date.now() / 1000);
  const algorithms: Record<string, { privatePem: string; publicPem: string; tokens: string[] }> = {};
  for (const alg of ALGORITHMS) {
    const key = testKeys().current[FAMILY[alg]];
    const answers = pyjwtBatch<{ token: string }>(
      Array.from({ length: PER_ALGORITHM }, (_, i) => ({
        op: "sign",
        alg,
        key: pem.pkcs8(key),
        claims: {
          sub: `py-${i}`,
          iat: now,
          exp: now + 3600,
          iss: ISSUER,
          aud: AUDIENCE,
          jti: `py-${alg}-${i}`,
        },
      })),
    );
    const tokens = answers.map((answer) => answer.token);
    highCounts[alg] = tokens.filter((token) => isHighS(token, alg)).length;
    algorithms[alg] = { privatePem: pem.pkcs8(key), publicPem: pem.spki(key), tokens };
  }
  writeFileSync(file, JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, algorithms }));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("PyJWT's ECDSA tokens", () => {
  it("come in both S forms, as PyJWT writes them (about half high)", () => {
    for (const alg of ALGORITHMS) {
      expect(highCounts[alg], alg).toBeGreaterThan(PER_ALGORITHM / 4);
      expect(highCounts[alg], alg).toBeLessThan((PER_ALGORITHM * 3) / 4);
    }
  });
});

describe.each(RUNTIMES)("ECDSA interoperability on $name", (runtime) => {
  let report: Record<string, unknown>;
  beforeAll(async () => {
    report = await runScenario<Record<string, unknown>>("interop-ecdsa.ts", runtime, { INTEROP_ECDSA: file });
  }, 120_000);

  it("runs on the intended Node version", () => {
    expect(report.node).toBe(`v${runtime.version}`);
  });

  it.each(ALGORITHMS)("200 PyJWT %s tokens out of 200 verify, and refresh", (alg) => {
    expect(report[alg]).toMatchObject({
      verified: { valid: PER_ALGORITHM },
      refreshed: { ok: PER_ALGORITHM },
    });
  });

  it.each(ALGORITHMS)(
    "%s: the high-S twin of a token the plugin signed verifies, as the same token",
    (alg) => {
      expect(report[alg]).toMatchObject({ twin: { valid: true, jti: true } });
    },
  );

  it("the RFC 7515 A.3 token's signature holds with its key (it is expired, not invalid); a changed one does not", () => {
    expect(report.rfc7515A3).toEqual({ signatureHeld: "expired", tampered: "invalid_signature" });
  });
});
