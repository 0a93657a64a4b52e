import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { type AsymmetricAlgorithm, EC_CURVES, keyTypeFor, RSA_MIN_BITS } from "../algorithms.js";
import { ConfigError } from "../errors.js";
import { KEY_NAMES, type KeySlot } from "./names.js";
import { findPemBlock, parsePastedJson, stripPasteWrapping } from "./paste.js";

/** One asymmetric key read from a plugin key, checked against the algorithm, as JWKs. */
export interface ParsedKeyPair {
  /** The private JWK, present only when read from `Private Key`. */
  readonly privateJwk?: JsonWebKey;
  readonly publicJwk: JsonWebKey;
  /** The key's own id: a JWK's `kid`, or a service-account file's `private_key_id`. */
  readonly kid?: string | undefined;
}

// Node names curves by their OpenSSL names.
const CURVE_NAMES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** Reads `Private Key`: PEM (PKCS#8, PKCS#1, SEC1), a private JWK, or a Google service-account JSON file. */
export function parsePrivateKey(raw: string, alg: AsymmetricAlgorithm): ParsedKeyPair {
  const slot: KeySlot = "privateKey";
  const keyName = KEY_NAMES[slot];
  const text = stripPasteWrapping(raw);
  let keyObject: KeyObject;
  let kid: string | undefined;
  if (text.startsWith("{")) {
    const json = parseJson(text, keyName);
    if (typeof json.private_key === "string") {
      keyObject = privateFromPem(json.private_key, keyName);
      kid = nonEmptyString(json.private_key_id);
    } else if (typeof json.kty === "string") {
      if (json.d === undefined) {
        throw new ConfigError(
          `The ${keyName} plugin key holds a public JWK; paste the private key (with its "d").`,
        );
      }
      checkJwkAlg(json, alg, keyName);
      keyObject = fromJwk(json, "private", keyName);
      kid = nonEmptyString(json.kid);
    } else if (Array.isArray(json.keys)) {
      throw new ConfigError(
        `The ${keyName} plugin key holds a JWKS; paste the one private key to sign with.`,
      );
    } else {
      throw new ConfigError(
        `The ${keyName} plugin key is JSON but neither a JWK nor a service-account file.`,
      );
    }
  } else {
    keyObject = privateFromPem(text, keyName);
  }
  checkFits(keyObject, alg, keyName);
  const publicObject = createPublicKey(keyObject);
  return {
    privateJwk: keyObject.export({ format: "jwk" }),
    publicJwk: publicObject.export({ format: "jwk" }),
    kid,
  };
}

/**
 * Reads `Public Key`: PEM (SPKI or X.509 certificate), a public JWK, or a JWKS. Returns every key that
 * fits the algorithm; a JWKS may hold keys for other algorithms, which are skipped.
 */
export function parsePublicKeys(raw: string, alg: AsymmetricAlgorithm): ParsedKeyPair[] {
  const keyName = KEY_NAMES.publicKey;
  const text = stripPasteWrapping(raw);
  if (!text.startsWith("{")) {
    const keyObject = publicFromPem(text, keyName);
    checkFits(keyObject, alg, keyName);
    return [{ publicJwk: keyObject.export({ format: "jwk" }) }];
  }
  const json = parseJson(text, keyName);
  if (Array.isArray(json.keys)) {
    const fitting = json.keys.filter(
      (jwk): jwk is Record<string, unknown> =>
        typeof jwk === "object" && jwk !== null && jwkCouldFit(jwk as Record<string, unknown>, alg),
    );
    const parsed = fitting.map((jwk) => {
      const keyObject = fromJwk(jwk, "public", keyName);
      checkFits(keyObject, alg, keyName);
      return { publicJwk: keyObject.export({ format: "jwk" }), kid: nonEmptyString(jwk.kid) };
    });
    if (parsed.length === 0) {
      throw new ConfigError(
        `The ${keyName} plugin key is a JWKS with no key for ${alg}; add one or choose its algorithm.`,
      );
    }
    return parsed;
  }
  if (typeof json.kty !== "string") {
    throw new ConfigError(`The ${keyName} plugin key is JSON but neither a JWK nor a JWKS.`);
  }
  checkJwkAlg(json, alg, keyName);
  const keyObject = fromJwk(json, "public", keyName);
  checkFits(keyObject, alg, keyName);
  return [{ publicJwk: keyObject.export({ format: "jwk" }), kid: nonEmptyString(json.kid) }];
}

function privateFromPem(text: string, keyName: string): KeyObject {
  const block = findPemBlock(text) ?? bareBase64Block(text, "PRIVATE KEY");
  if (!block) {
    throw new ConfigError(
      `The ${keyName} plugin key is not a PEM key, a JWK or a service-account file; paste the whole key.`,
    );
  }
  if (block.encrypted || block.label.includes("ENCRYPTED")) {
    throw new ConfigError(
      `The ${keyName} plugin key is protected by a passphrase; export it unencrypted (PKCS#8).`,
    );
  }
  if (block.label.includes("PUBLIC") || block.label === "CERTIFICATE") {
    throw new ConfigError(
      `The ${keyName} plugin key holds a public key or certificate; paste the private key.`,
    );
  }
  try {
    return createPrivateKey({ key: block.pem, format: "pem" });
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key could not be read as a private key; paste the whole PEM, BEGIN and END lines included.`,
    );
  }
}

function publicFromPem(text: string, keyName: string): KeyObject {
  const block = findPemBlock(text) ?? bareBase64Block(text, "PUBLIC KEY");
  if (!block) {
    throw new ConfigError(
      `The ${keyName} plugin key is not a PEM key, a certificate, a JWK or a JWKS; paste the whole key.`,
    );
  }
  if (block.encrypted || block.label.includes("ENCRYPTED")) {
    throw new ConfigError(
      `The ${keyName} plugin key is an encrypted private key; paste the public key instead.`,
    );
  }
  try {
    // createPublicKey also reads X.509 certificates, and derives the public half of a private PEM.
    return createPublicKey({ key: block.pem, format: "pem" });
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key could not be read as a public key; paste the whole PEM, BEGIN and END lines included.`,
    );
  }
}

/** A key body pasted without its BEGIN/END lines. */
function bareBase64Block(text: string, label: string) {
  const body = text.replace(/\\n|\s+/g, "");
  if (body.length < 64 || !/^[A-Za-z0-9+/]+=*$/.test(body)) return undefined;
  return findPemBlock(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`);
}

function fromJwk(jwk: Record<string, unknown>, kind: "private" | "public", keyName: string): KeyObject {
  try {
    const key = { key: jwk as JsonWebKey, format: "jwk" as const };
    return kind === "private" ? createPrivateKey(key) : createPublicKey(key);
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key is a JWK that could not be read; check that it was pasted whole.`,
    );
  }
}

function parseJson(text: string, keyName: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = parsePastedJson(text);
  } catch {
    throw new ConfigError(
      `The ${keyName} plugin key starts with "{" but is not valid JSON; paste the whole file.`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(
      `The ${keyName} plugin key is JSON but not an object; paste a JWK, a JWKS or a key file.`,
    );
  }
  return json as Record<string, unknown>;
}

function checkJwkAlg(jwk: Record<string, unknown>, alg: AsymmetricAlgorithm, keyName: string): void {
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new ConfigError(
      `The ${keyName} plugin key is a JWK for another algorithm; choose that algorithm or a key for ${alg}.`,
    );
  }
}

/** A JWKS entry worth reading for this algorithm: the right key type, no conflicting `alg`, not encryption-only. */
function jwkCouldFit(jwk: Record<string, unknown>, alg: AsymmetricAlgorithm): boolean {
  if (jwk.kty !== keyTypeFor(alg)) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  const curve = EC_CURVES[alg];
  if (curve && jwk.crv !== curve) return false;
  if (alg === "EdDSA" && jwk.crv !== "Ed25519") return false;
  return true;
}

/** Refuses a key that does not fit the algorithm, saying what kind of key the algorithm needs. */
function checkFits(key: KeyObject, alg: AsymmetricAlgorithm, keyName: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const kty = keyTypeFor(alg);
  if (kty === "RSA") {
    if (type !== "rsa") {
      throw new ConfigError(
        `The ${keyName} plugin key is not an RSA key; ${alg} needs an RSA key of ${RSA_MIN_BITS} bits or more.`,
      );
    }
    if ((details.modulusLength ?? 0) < RSA_MIN_BITS) {
      throw new ConfigError(
        `The ${keyName} plugin key is an RSA key under ${RSA_MIN_BITS} bits; ${alg} needs ${RSA_MIN_BITS} bits or more.`,
      );
    }
    return;
  }
  if (kty === "EC") {
    const needed = EC_CURVES[alg] as string;
    const curve = type === "ec" ? CURVE_NAMES[details.namedCurve ?? ""] : undefined;
    if (curve !== needed) {
      throw new ConfigError(
        `The ${keyName} plugin key is not an EC key on ${needed}; ${alg} needs an EC key on curve ${needed}.`,
      );
    }
    return;
  }
  if (type !== "ed25519") {
    throw new ConfigError(`The ${keyName} plugin key is not an Ed25519 key; EdDSA needs an Ed25519 key.`);
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
