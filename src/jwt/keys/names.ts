import { ConfigError, type ConfigErrorCode } from "../errors.js";

/** The plugin keys (contract captions). src/jwt names them in messages so a builder knows which to fix. */
export const KEY_NAMES = {
  secret: "JWT Secret",
  previousSecret: "Previous JWT Secret",
  privateKey: "Private Key",
  publicKey: "Public Key",
} as const;

export type KeySlot = keyof typeof KEY_NAMES;

/** The key material an action was configured with: each value as the builder typed it, or empty. */
export interface KeyMaterial {
  readonly secret?: string | undefined;
  readonly previousSecret?: string | undefined;
  readonly privateKey?: string | undefined;
  readonly publicKey?: string | undefined;
}

/**
 * A ConfigError about one plugin key: "The <key name> plugin key <what is wrong and the fix>", with the
 * reader's error as its `cause` when there is one (the actions never show it: node's messages may quote input).
 */
export function keyError(
  code: ConfigErrorCode,
  keyName: string,
  whatAndFix: string,
  cause?: unknown,
): ConfigError {
  return new ConfigError(
    code,
    `The ${keyName} plugin key ${whatAndFix}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The plugin key cannot be read as what it should hold. */
export function unreadableKey(keyName: string, whatAndFix: string, cause?: unknown): ConfigError {
  return keyError("unreadable_key", keyName, whatAndFix, cause);
}

/** The plugin key is read, but it is not the kind of key the algorithm needs. */
export function wrongKeyKind(keyName: string, whatAndFix: string): ConfigError {
  return keyError("wrong_key_kind", keyName, whatAndFix);
}
