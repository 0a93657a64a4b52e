/**
 * Every asymmetric algorithm × every key format it can use × every way a key arrives in a plugin key
 * field, through the built bundles. Each row is one key text: a `Private Key` that must sign (and, with
 * `Public Key` empty, verify through the derived public key), or a `Public Key` that must verify a token
 * from the independent signer. Run once per Node by test/scenarios/asymmetric-matrix.ts: the keys are
 * parsed by the same code under every presentation, so the contract scenario's three would add nothing.
 */
import { now, signJws } from "../support/jws.js";
import {
  ASYMMETRIC,
  type AsymmetricAlg,
  FAMILY,
  type Family,
  fixtureKey,
  pem,
  privateJwk,
  publicJwk,
  serviceAccountFile,
  type TestKey,
  testKeys,
} from "../support/keys.js";
import type { Observation } from "../support/observe.js";
import { JSON_PASTES, type PasteForm, PEM_PASTES } from "../support/pastes.js";
import type { Harness } from "./harness.js";

/** What a row observed: each step `ok`/`valid` or its error code or thrown message, and any leak. */
export interface RowResult {
  readonly steps: Record<string, string>;
  readonly leaks: readonly string[];
}

export interface MatrixRow {
  readonly name: string;
  readonly run: (h: Harness) => Promise<RowResult>;
}

interface KeyFormat {
  readonly name: string;
  readonly kind: "pem" | "json";
  /** The key's text as its file holds it. */
  readonly text: (alg: AsymmetricAlg) => string;
  /** The key that signs the tokens this format must verify (Public Key rows). */
  readonly signer?: (alg: AsymmetricAlg) => TestKey;
}

const current = (alg: AsymmetricAlg) => testKeys().current[FAMILY[alg]];
const other = (alg: AsymmetricAlg) => testKeys().other[FAMILY[alg]];
const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const rsa = (family: Family) => family === "rsa";
const ec = (family: Family) => family === "p256" || family === "p384" || family === "p521";

/** Another family's key, for a JWKS that mixes key types. */
const FOREIGN: Record<Family, Family> = {
  rsa: "p256",
  p256: "rsa",
  p384: "ed25519",
  p521: "rsa",
  ed25519: "p384",
};

const PRIVATE_FORMATS: readonly (KeyFormat & { fits: (alg: AsymmetricAlg) => boolean })[] = [
  { name: "PKCS#8 PEM", kind: "pem", fits: () => true, text: (alg) => pem.pkcs8(current(alg)) },
  {
    name: "PKCS#1 PEM (BEGIN RSA PRIVATE KEY)",
    kind: "pem",
    fits: (alg) => rsa(FAMILY[alg]),
    text: (alg) => pem.pkcs1(current(alg)),
  },
  {
    name: "SEC1 PEM (BEGIN EC PRIVATE KEY)",
    kind: "pem",
    fits: (alg) => ec(FAMILY[alg]),
    text: (alg) => pem.sec1(current(alg)),
  },
  {
    name: "private JWK",
    kind: "json",
    fits: () => true,
    text: (alg) => pretty(privateJwk(current(alg), { kid: "jwk-1", use: "sig", alg })),
  },
  {
    name: "JWKS holding the one private key (a generator's key pair set)",
    kind: "json",
    fits: () => true,
    text: (alg) =>
      pretty({
        keys: [privateJwk(current(alg), { kid: "set-1", use: "sig" }), publicJwk(other(alg), { kid: "old" })],
      }),
  },
  {
    name: "Google service-account JSON",
    kind: "json",
    fits: (alg) => rsa(FAMILY[alg]),
    text: (alg) => serviceAccountFile(current(alg), "0123456789abcdef0123456789abcdef01234567"),
  },
  {
    name: "RSA-PSS PKCS#8 PEM (openssl genpkey -algorithm RSA-PSS)",
    kind: "pem",
    fits: (alg) => alg === "PS256",
    text: () => pem.pkcs8(fixtureKey("rsa-pss")),
  },
];

const PUBLIC_FORMATS: readonly (KeyFormat & { fits: (alg: AsymmetricAlg) => boolean })[] = [
  { name: "SPKI PEM", kind: "pem", fits: () => true, text: (alg) => pem.spki(current(alg)) },
  {
    name: "PKCS#1 PEM (BEGIN RSA PUBLIC KEY)",
    kind: "pem",
    fits: (alg) => rsa(FAMILY[alg]),
    text: (alg) => pem.pkcs1Public(current(alg)),
  },
  {
    name: "X.509 certificate",
    kind: "pem",
    fits: () => true,
    text: (alg) => fixtureKey(FAMILY[alg]).certificate,
    signer: (alg) => fixtureKey(FAMILY[alg]),
  },
  {
    name: "X.509 certificate of an RSA-PSS key",
    kind: "pem",
    fits: (alg) => alg === "PS256",
    text: () => fixtureKey("rsa-pss").certificate,
    signer: () => fixtureKey("rsa-pss"),
  },
  {
    name: "public JWK",
    kind: "json",
    fits: () => true,
    text: (alg) => pretty(publicJwk(current(alg), { kid: "jwk-1", use: "sig", alg })),
  },
  {
    name: "JWKS of several keys, chosen by kid",
    kind: "json",
    fits: () => true,
    text: (alg) =>
      pretty({
        keys: [
          publicJwk(other(alg), { kid: "previous", use: "sig" }),
          publicJwk(testKeys().current[FOREIGN[FAMILY[alg]]], { kid: "foreign" }),
          publicJwk(current(alg), { kid: "current", use: "sig", alg }),
          publicJwk(other(alg), { kid: "encryption", use: "enc" }),
        ],
      }),
  },
];

/** One step's outcome in a word: `ok`/`valid`, the error code, or the message thrown. */
function outcome(o: Observation, success: "ok" | "valid"): string {
  if (o.thrown !== undefined) return o.thrown;
  const values = o.values ?? {};
  if (values.valid === true || (success === "ok" && typeof values.token === "string")) return success;
  return String(values.error_code ?? "no result");
}

function signRow(alg: AsymmetricAlg, format: KeyFormat, pasteName: string, paste: PasteForm): MatrixRow {
  return {
    name: `${alg} | Private Key: ${format.name} | ${pasteName}`,
    async run(h) {
      const keys = { "Private Key": paste(format.text(alg)) };
      const generated = await h.call("generate", { subject: "user-1", algorithm: alg }, keys);
      const token = generated.values?.token;
      const derived = await h.call("verify", { token, algorithm: alg }, keys);
      // The independent check: the token verifies against the public key exported by node:crypto.
      const signer = format.name.startsWith("RSA-PSS") ? fixtureKey("rsa-pss") : current(alg);
      const byPublicKey = await h.call(
        "verify",
        { token, algorithm: alg },
        { "Public Key": pem.spki(signer) },
      );
      return {
        steps: {
          generate: outcome(generated, "ok"),
          derived: outcome(derived, "valid"),
          publicKey: outcome(byPublicKey, "valid"),
        },
        leaks: [...generated.leaks, ...derived.leaks, ...byPublicKey.leaks],
      };
    },
  };
}

function verifyRow(alg: AsymmetricAlg, format: KeyFormat, pasteName: string, paste: PasteForm): MatrixRow {
  return {
    name: `${alg} | Public Key: ${format.name} | ${pasteName}`,
    async run(h) {
      const t = now();
      const signer = format.signer?.(alg) ?? current(alg);
      const token = signJws(
        { alg, typ: "JWT", kid: "current" },
        { sub: "user-1", iat: t, exp: t + 600 },
        alg,
        signer.privateKey,
      );
      const verified = await h.call(
        "verify",
        { token, algorithm: alg },
        { "Public Key": paste(format.text(alg)) },
      );
      return { steps: { verify: outcome(verified, "valid") }, leaks: verified.leaks };
    },
  };
}

function pastesFor(format: KeyFormat): [string, PasteForm][] {
  return Object.entries(format.kind === "pem" ? PEM_PASTES : JSON_PASTES);
}

/** Every row, in a stable order (names are known before any key is generated). */
export const MATRIX_ROWS: readonly MatrixRow[] = ASYMMETRIC.flatMap((alg) => [
  ...PRIVATE_FORMATS.filter((format) => format.fits(alg)).flatMap((format) =>
    pastesFor(format).map(([pasteName, paste]) => signRow(alg, format, pasteName, paste)),
  ),
  ...PUBLIC_FORMATS.filter((format) => format.fits(alg)).flatMap((format) =>
    pastesFor(format).map(([pasteName, paste]) => verifyRow(alg, format, pasteName, paste)),
  ),
]);

/** What every row must report. */
export function expectedSteps(row: MatrixRow): Record<string, string> {
  return row.name.includes("| Private Key:")
    ? { generate: "ok", derived: "valid", publicKey: "valid" }
    : { verify: "valid" };
}
