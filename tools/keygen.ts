/**
 * `npm run keygen [ALG] [--json]`: prints keys ready to paste into the plugin keys.
 * No algorithm or HS256/HS384/HS512: a strong `JWT Secret`, 64 random bytes as base64url (86 characters,
 * enough for HS512, which needs 64 bytes). RS256/PS256/ES256/EdDSA (and the other sizes): a key pair as
 * PEM, the PEM on one line with \n escapes (Bubble's key fields are one line), and the public JWK with
 * the `kid` the plugin writes by default (its RFC 7638 thumbprint). Algorithm names in any case.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import {
  ALGORITHMS,
  type Algorithm,
  type AsymmetricAlgorithm,
  EC_CURVES,
  isHmac,
} from "../src/jwt/algorithms.js";

const SECRET_BYTES = 64;

const USAGE = `usage: npm run keygen [-- ALGORITHM] [--json]

Prints keys to paste into the plugin's keys (Plugins tab in your Bubble app).
  no ALGORITHM, HS256, HS384, HS512   a JWT Secret: ${SECRET_BYTES} random bytes, base64url
  ${ALGORITHMS.filter((alg) => !alg.startsWith("HS")).join(", ")}
                                      a Private Key (PEM, and on one line), its Public Key and public JWK
  --json                              the same as one JSON object
  --help                              this text
Algorithm names may be written in any case (es256).`;

/** A refusal of the command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

function algorithmNamed(name: string): Algorithm {
  const alg = ALGORITHMS.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (alg) return alg;
  // Echo only what looks like an algorithm name: anything else may be a key pasted in the wrong place.
  const shown = /^[\w-]{1,16}$/.test(name) ? ` ${name}` : "";
  throw new UsageError(`Unknown algorithm${shown}; use one of ${ALGORITHMS.join(", ")}.`);
}

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

export async function generateKeys(alg: Algorithm): Promise<GeneratedKeys> {
  if (isHmac(alg)) return { algorithm: alg, secret: randomBytes(SECRET_BYTES).toString("base64url") };
  const { privateKey, publicKey } = generatePair(alg);
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    algorithm: alg,
    privateKeyPem,
    privateKeyOneLine: privateKeyPem.trim().replace(/\n/g, "\\n"),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicJwk: { ...jwk, kid, alg, use: "sig" },
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

/** The command line, read in full before any key is made. */
function parseArgs(args: readonly string[]): { help: boolean; json: boolean; alg: Algorithm } {
  const flags = args.filter((arg) => arg.startsWith("-"));
  const names = args.filter((arg) => !arg.startsWith("-"));
  const unknown = flags.find((flag) => !["--json", "--help", "-h"].includes(flag));
  if (unknown) throw new UsageError(`Unknown option ${unknown}; see npm run keygen -- --help.`);
  if (names.length > 1) throw new UsageError("Give one algorithm at most; see npm run keygen -- --help.");
  const help = flags.includes("--help") || flags.includes("-h");
  return {
    help,
    json: flags.includes("--json"),
    alg: names[0] === undefined ? "HS256" : algorithmNamed(names[0]),
  };
}

try {
  const { help, json, alg } = parseArgs(process.argv.slice(2));
  if (help) console.log(USAGE);
  else if (json) console.log(JSON.stringify(await generateKeys(alg)));
  else print(await generateKeys(alg));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
