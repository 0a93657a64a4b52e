/**
 * Asymmetric test keys and every form a builder may paste them in, built with node:crypto only (it runs
 * in scenarios on Node 18 too). Keys are generated once per process, on first use: RSA key generation
 * is slow, and a scenario needs a handful of keys, not one per case.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export const ASYMMETRIC = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
export type AsymmetricAlg = (typeof ASYMMETRIC)[number];

export type Family = "rsa" | "p256" | "p384" | "p521" | "ed25519";

/** The key family each algorithm signs with. */
export const FAMILY: Record<AsymmetricAlg, Family> = {
  RS256: "rsa",
  RS384: "rsa",
  RS512: "rsa",
  PS256: "rsa",
  PS384: "rsa",
  PS512: "rsa",
  ES256: "p256",
  ES384: "p384",
  ES512: "p521",
  EdDSA: "ed25519",
};

export interface TestKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface TestKeys {
  /** The key each case signs with, per family. */
  readonly current: Readonly<Record<Family, TestKey>>;
  /** A second key per family: the wrong key, a rotation's previous key, a JWKS neighbour. */
  readonly other: Readonly<Record<Family, TestKey>>;
  /** Too weak for any RS or PS algorithm. */
  readonly rsa1024: TestKey;
}

let generated: TestKeys | undefined;

/** The process's test keys, generated on first use. */
export function testKeys(): TestKeys {
  generated ??= {
    current: generateFamilies(),
    other: generateFamilies(),
    rsa1024: generateKeyPairSync("rsa", { modulusLength: 1024 }),
  };
  return generated;
}

function generateFamilies(): Record<Family, TestKey> {
  return {
    rsa: generateKeyPairSync("rsa", { modulusLength: 2048 }),
    p256: generateKeyPairSync("ec", { namedCurve: "P-256" }),
    p384: generateKeyPairSync("ec", { namedCurve: "P-384" }),
    p521: generateKeyPairSync("ec", { namedCurve: "P-521" }),
    ed25519: generateKeyPairSync("ed25519"),
  };
}

export type FixtureName = Family | "rsa-pss";

export interface FixtureKey extends TestKey {
  /** The self-signed X.509 certificate of the key, as PEM (see test/fixtures/x509/README.md). */
  readonly certificate: string;
}

/** A committed key and its certificate (test/fixtures/x509); the scenario's working directory is the repository. */
export function fixtureKey(name: FixtureName): FixtureKey {
  const dir = path.resolve("test/fixtures/x509");
  const privateKey = createPrivateKey(readFileSync(path.join(dir, `${name}.key.pem`), "utf8"));
  return {
    privateKey,
    publicKey: createPublicKey(privateKey),
    certificate: readFileSync(path.join(dir, `${name}.crt.pem`), "utf8"),
  };
}

/** PEM texts exactly as `openssl` or node:crypto write them (LF line ends, final newline). */
export const pem = {
  pkcs8: (key: TestKey) => key.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  /** `BEGIN RSA PRIVATE KEY` (RSA only). */
  pkcs1: (key: TestKey) => key.privateKey.export({ type: "pkcs1", format: "pem" }) as string,
  /** `BEGIN EC PRIVATE KEY` (EC only). */
  sec1: (key: TestKey) => key.privateKey.export({ type: "sec1", format: "pem" }) as string,
  spki: (key: TestKey) => key.publicKey.export({ type: "spki", format: "pem" }) as string,
  /** `BEGIN RSA PUBLIC KEY` (RSA only). */
  pkcs1Public: (key: TestKey) => key.publicKey.export({ type: "pkcs1", format: "pem" }) as string,
};

export type Jwk = Record<string, unknown>;

export function privateJwk(key: TestKey, extra: Jwk = {}): Jwk {
  return { ...(key.privateKey.export({ format: "jwk" }) as Jwk), ...extra };
}

export function publicJwk(key: TestKey, extra: Jwk = {}): Jwk {
  return { ...(key.publicKey.export({ format: "jwk" }) as Jwk), ...extra };
}

/** The members RFC 7638 hashes, per key type. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
};

/** The RFC 7638 SHA-256 thumbprint of a key, computed here independently of jose and the plugin. */
export function thumbprint(key: TestKey): string {
  const jwk = publicJwk(key);
  const members = THUMBPRINT_MEMBERS[jwk.kty as string] ?? [];
  const canonical = `{${members.map((name) => `"${name}":"${jwk[name]}"`).join(",")}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/** A Google service-account key file as the Cloud console downloads it (pretty JSON, `\n` escapes). */
export function serviceAccountFile(key: TestKey, privateKeyId: string): string {
  const email = "signer@example-project.iam.gserviceaccount.com";
  const file = {
    type: "service_account",
    project_id: "example-project",
    private_key_id: privateKeyId,
    private_key: pem.pkcs8(key),
    client_email: email,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: "googleapis.com",
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The private JWK members a published key must never carry. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** The private members found in a JWKS text (empty when it is clean, or unreadable as a JWKS). */
export function privateMembersIn(jwksJson: unknown): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(jwksJson));
  } catch {
    return ["(not JSON)"];
  }
  const keys = (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return ["(no keys array)"];
  return keys.flatMap((jwk) =>
    PRIVATE_MEMBERS.filter((name) => typeof jwk === "object" && jwk !== null && name in jwk),
  );
}
