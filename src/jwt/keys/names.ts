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

/** A ConfigError about one plugin key: "The <key name> plugin key <what is wrong and the fix>". */
export function keyError(code: ConfigErrorCode, keyName: string, whatAndFix: string): ConfigError {
  return new ConfigError(code, `The ${keyName} plugin key ${whatAndFix}`);
}

/** The plugin key cannot be read as what it should hold. */
export function unreadableKey(keyName: string, whatAndFix: string): ConfigError {
  return keyError("unreadable_key", keyName, whatAndFix);
}

/** The plugin key is read, but it is not the kind of key the algorithm needs. */
export function wrongKeyKind(keyName: string, whatAndFix: string): ConfigError {
  return keyError("wrong_key_kind", keyName, whatAndFix);
}
