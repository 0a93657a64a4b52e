/**
 * The start-up check of the plugin keys: the local backend refuses to start with a JWT Secret the plugin's
 * actions would refuse (missing, too short, a placeholder), instead of answering every login with a
 * server error. The check is the plugin's own (src/jwt), so the two never disagree.
 */
import { ConfigError } from "../jwt/errors.js";
import { parseHmacSecret } from "../jwt/keys/secret.js";
import type { LocalData } from "./local-data.js";

/** Throws one line naming the version, where its secret came from, and the plugin's reason. */
export function checkKeys(data: Pick<LocalData, "versions">): void {
  for (const { version, keys, secretSource } of Object.values(data.versions)) {
    const where = `the ${version} JWT Secret (from ${secretSource})`;
    const secret = keys["JWT Secret"] ?? "";
    if (secret.trim() === "")
      throw new Error(`Cannot start: ${where} is missing; delete that file to get a new random one.`);
    try {
      parseHmacSecret(secret, "HS256", "secret");
    } catch (error) {
      if (error instanceof ConfigError)
        throw new Error(`Cannot start: ${where} is refused (${error.code}): ${error.message}`);
      throw error;
    }
  }
}
