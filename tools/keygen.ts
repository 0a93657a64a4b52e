/**
 * `npm run keygen [ALG] [--json]`: prints keys ready to paste into the plugin keys.
 * No algorithm: a strong `JWT Secret` (64 random bytes, base64url). RS256/PS256/ES256/EdDSA (and the
 * other sizes): a key pair as PEM, the PEM on one line with \n escapes (Bubble's key fields are one
 * line), and the public JWK with the `kid` the plugin writes by default (its RFC 7638 thumbprint).
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm, EC_CURVES } from "../src/jwt/algorithms.js";

function generatePair(alg: AsymmetricAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg.startsWith("RS") || alg.startsWith("PS"))
    return generateKeyPairSync("rsa", { modulusLength: 2048 });
  if (alg.startsWith("ES")) return generateKeyPairSync("ec", { namedCurve: EC_CURVES[alg] as string });
  return generateKeyPairSync("ed25519");
}

export interface GeneratedKeys {
  readonly algorithm: string;
  /** For HS*: the JWT Secret. */
  readonly secret?: string;
  readonly privateKeyPem?: string;
  /** The same PEM on one line with literal \n escapes, for fields that will not take line breaks. */
  readonly privateKeyOneLine?: string;
  readonly publicKeyPem?: string;
  readonly publicJwk?: JWK;
}

export async function generateKeys(algorithm: string | undefined): Promise<GeneratedKeys> {
  if (!algorithm || algorithm.startsWith("HS")) {
    return { algorithm: algorithm ?? "HS256", secret: randomBytes(64).toString("base64url") };
  }
  const alg = ASYMMETRIC_ALGORITHMS.find((name) => name === algorithm);
  if (!alg) {
    throw new Error(`Unknown algorithm ${algorithm}; use HS256, RS256, PS256, ES256, ES384, ES512 or EdDSA.`);
  }
  const { privateKey, publicKey } = generatePair(alg);
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    algorithm,
    privateKeyPem,
    privateKeyOneLine: privateKeyPem.trim().replace(/\n/g, "\\n"),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicJwk: { ...jwk, kid, alg: algorithm, use: "sig" },
  };
}

function print(keys: GeneratedKeys): void {
  if (keys.secret) {
    console.log(
      `JWT Secret (for ${keys.algorithm}; paste into the plugin key "JWT Secret", never anywhere public):\n`,
    );
    console.log(keys.secret);
    return;
  }
  console.log(
    `Private Key for ${keys.algorithm} (paste into the plugin key "Private Key"; keep it secret):\n`,
  );
  console.log(
    `${keys.privateKeyPem}\nThe same on one line, if the field will not take line breaks:\n\n${keys.privateKeyOneLine}\n`,
  );
  console.log(
    `Public Key (optional: the plugin derives it from the private key; give it to whoever verifies your tokens):\n`,
  );
  console.log(
    `${keys.publicKeyPem}\nPublic JWK (kid ${keys.publicJwk?.kid}, the kid Generate token writes by default):\n`,
  );
  console.log(JSON.stringify(keys.publicJwk));
}

const args = process.argv.slice(2);
try {
  const keys = await generateKeys(args.find((arg) => !arg.startsWith("--")));
  if (args.includes("--json")) console.log(JSON.stringify(keys));
  else print(keys);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 2;
}
