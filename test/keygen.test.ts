/**
 * `npm run keygen` prints keys a builder can paste straight into the plugin keys: each works in the
 * built actions as printed (multi-line PEM, one-line PEM, public JWK).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { BubbleRuntime } from "../src/emulator/runtime.js";
import { ALGORITHMS } from "../src/jwt/algorithms.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const runtime = new BubbleRuntime(path.join(ROOT, "actions"));

// tools/keygen.ts bundled once, as tools/run-ts.mjs bundles it for `npm run keygen`, then run as that
// bundle once per call: each call still starts its own process, without bundling the script again.
const BUNDLE = path.join(ROOT, "node_modules/.cache/keygen-test", `keygen-${process.pid}.mjs`);
beforeAll(async () => {
  await build({
    entryPoints: [path.join(ROOT, "tools/keygen.ts")],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  return () => rmSync(BUNDLE, { force: true });
});

function keygen(...args: string[]): string {
  return execFileSync(process.execPath, [BUNDLE, ...args], { cwd: ROOT, encoding: "utf8" });
}

function keygenFails(...args: string[]) {
  return spawnSync(process.execPath, [BUNDLE, ...args], { cwd: ROOT, encoding: "utf8" });
}

const EVERY_ALGORITHM = `use one of ${ALGORITHMS.join(", ")}.`;

describe("npm run keygen", () => {
  it("prints a 64-byte base64url JWT Secret that the plugin accepts for HS512", async () => {
    const out = keygen().trim().split("\n");
    const secret = out[out.length - 1] as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(Buffer.from(secret, "base64url")).toHaveLength(64);
    const keys = { "JWT Secret": secret };
    const { values } = await runtime.call("JWT - Generate token", { subject: "u", algorithm: "HS512" }, keys);
    const verified = await runtime.call(
      "JWT - Verify token",
      { token: values.token, algorithm: "HS512" },
      keys,
    );
    expect(verified.values.valid).toBe(true);
  });

  it("prints the private key both as PEM and on one line for humans", () => {
    const human = keygen("ES256");
    expect(human).toContain("-----BEGIN PRIVATE KEY-----\nMI");
    expect(human).toMatch(/^-----BEGIN PRIVATE KEY-----\\nMI.*\\n-----END PRIVATE KEY-----$/m);
    expect(human).toContain('"kty":"EC"');
  });

  it("is the length the README says", () => {
    const secret = JSON.parse(keygen("--json")).secret as string;
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`\`npm run keygen\` prints one: ${secret.length} characters`);
  });

  it.each(["XX256", "HSFOO", "hs999"])(
    "refuses %s with one line naming every algorithm, exit code 2, no key",
    (name) => {
      const result = keygenFails(name);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`Unknown algorithm ${name}; ${EVERY_ALGORITHM}\n`);
    },
  );

  it("does not echo an argument that may be a pasted key", () => {
    const pasted = "-----BEGIN PRIVATE KEY-----MIGHAgEAMBMGByqGSM49";
    const result = keygenFails(pasted.slice(5));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`Unknown algorithm; ${EVERY_ALGORITHM}\n`);
  });

  it.each([["--verbose"], ["ES256", "RS256"]])("refuses %s with one line and exit code 2", (...args) => {
    const result = keygenFails(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("--help prints the usage with every algorithm, and no key", () => {
    const help = keygen("--help");
    expect(help).toMatch(/^usage: npm run keygen/);
    for (const alg of ALGORITHMS) expect(help).toContain(alg);
    expect(help).not.toMatch(/[A-Za-z0-9_-]{40}|PRIVATE KEY/);
    expect(keygen("ES256", "--help")).toBe(help);
  });

  it.each([
    ["es256", "ES256"],
    ["eddsa", "EdDSA"],
    ["Ps256", "PS256"],
    ["hs384", "HS384"],
  ])("takes %s as %s", (name, alg) => {
    const keys = JSON.parse(keygen(name, "--json"));
    expect(keys.algorithm).toBe(alg);
    if (alg.startsWith("HS")) expect(keys.secret).toMatch(/^[A-Za-z0-9_-]{86}$/);
    else expect(keys.publicJwk.alg).toBe(alg);
  });

  it("prints different secrets each time", () => {
    expect(keygen("--json")).not.toBe(keygen("--json"));
  });

  it.each(["RS256", "PS256", "ES256", "EdDSA"])(
    "prints a %s key pair that signs and verifies as pasted",
    async (alg) => {
      const keys = JSON.parse(keygen(alg, "--json"));
      expect(keys.privateKeyOneLine).toMatch(
        /^-----BEGIN PRIVATE KEY-----\\n[^\n]+\\n-----END PRIVATE KEY-----$/,
      );
      for (const privateKey of [keys.privateKeyPem, keys.privateKeyOneLine]) {
        const { values } = await runtime.call(
          "JWT - Generate token",
          { subject: "u", algorithm: alg },
          { "Private Key": privateKey },
        );
        for (const publicKey of [keys.publicKeyPem, JSON.stringify(keys.publicJwk)]) {
          const verified = await runtime.call(
            "JWT - Verify token",
            { token: values.token, algorithm: alg },
            { "Public Key": publicKey },
          );
          expect(verified.values, `${alg} ${publicKey.slice(0, 20)}`).toMatchObject({
            valid: true,
            key_id: keys.publicJwk.kid,
          });
        }
      }
      const jwks = await runtime.call(
        "JWT - Public keys (JWKS)",
        { algorithm: alg },
        { "Private Key": keys.privateKeyPem },
      );
      expect(jwks.values.key_id).toBe(keys.publicJwk.kid);
      expect(keys.publicJwk).not.toHaveProperty("d");
    },
  );
});
