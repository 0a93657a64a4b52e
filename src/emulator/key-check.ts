/**
 * The start-up check of the plugin keys: the local backend refuses to start with a JWT Secret the plugin's
 * actions would refuse (missing, too short, a placeholder), instead of answering every login with a
 * server error. The check is the built `JWT - Generate token` itself, run once per version as a workflow
 * would run it, so the two never disagree and the local backend runs only what ships.
 */
import type { LocalData } from "./local-data.js";
import type { BubbleRuntime } from "./runtime.js";

/** What the plugin writes when a builder must fix a key: `JWT plugin (<code>): <message>`. */
const CONFIGURATION_ERROR = /^JWT plugin \(([a-z_]+)\): (.*)$/s;

/** Rejects with one line naming the version, where its secret came from, and the plugin's reason. */
export async function checkKeys(data: Pick<LocalData, "versions">, runtime: BubbleRuntime): Promise<void> {
  for (const { version, keys, secretSource } of Object.values(data.versions)) {
    const where = `the ${version} JWT Secret (from ${secretSource})`;
    const secret = keys["JWT Secret"] ?? "";
    if (secret.trim() === "")
      throw new Error(`Cannot start: ${where} is missing; delete that file to get a new random one.`);
    try {
      await runtime.call("JWT - Generate token", { subject: "local-backend-key-check" }, keys);
    } catch (error) {
      const refused = CONFIGURATION_ERROR.exec(error instanceof Error ? error.message : "");
      if (refused) throw new Error(`Cannot start: ${where} is refused (${refused[1]}): ${refused[2]}`);
      throw error;
    }
  }
}
