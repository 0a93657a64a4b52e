import { createPublicKey } from "node:crypto";
import type { JWK } from "jose";
import type { AsymmetricAlgorithm } from "./algorithms.js";
import { ConfigError } from "./errors.js";
import { type ReadyKey, signingKey, verificationKeys } from "./keys/keyring.js";
import { KEY_NAMES, type KeyMaterial } from "./keys/names.js";
import { publicMembers } from "./keys/public-jwk.js";

export interface PublishedKeys {
  /** `{"keys": [...]}`: the signing key first, then any other key of `Public Key` (a rotation's previous key). */
  readonly jwks: { keys: JWK[] };
  /** The signing key's public half as SPKI PEM. */
  readonly publicKeyPem: string;
  readonly kid: string;
}

/**
 * The public keys other systems need to verify this app's tokens. The signing key (from `Private Key`,
 * else the first key of `Public Key`) is published under `kidOverride` or the kid Generate writes.
 *
 * @throws {ConfigError} (rejects) `missing_key` when both keys are empty; the keyring's codes for a key
 * that cannot be read or does not fit `alg`.
 * @example
 * const { jwks, publicKeyPem, kid } = await publishedKeys({ privateKey: pem }, "RS256");
 */
export async function publishedKeys(
  material: KeyMaterial,
  alg: AsymmetricAlgorithm,
  kidOverride?: string,
): Promise<PublishedKeys> {
  const hasPrivate = Boolean(material.privateKey?.trim());
  const hasPublic = Boolean(material.publicKey?.trim());
  if (!hasPrivate && !hasPublic) {
    throw new ConfigError(
      "missing_key",
      `The ${KEY_NAMES.privateKey} and ${KEY_NAMES.publicKey} plugin keys are empty; set the private key that signs your ${alg} tokens.`,
    );
  }
  const others = hasPublic ? await verificationKeys(material, alg) : [];
  const signer = hasPrivate ? await signingKey(material, alg) : (others[0] as ReadyKey);
  const signerJwk = publicMembers(signer.publicJwk as JWK);
  const kid = kidOverride || (signer.kid as string);
  const keys: JWK[] = [{ ...signerJwk, kid, alg, use: "sig" }];
  for (const key of others) {
    // The signing key listed again under the same kid adds nothing; under another kid it is an alias
    // that tokens may carry, so it stays.
    if (key.thumbprint === signer.thumbprint && key.kid === kid) continue;
    keys.push({ ...publicMembers(key.publicJwk as JWK), kid: key.kid as string, alg, use: "sig" });
  }
  const publicKeyPem = createPublicKey({ key: signerJwk as never, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
  return { jwks: { keys }, publicKeyPem, kid };
}
