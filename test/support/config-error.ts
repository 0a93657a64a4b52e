import { ConfigError } from "../../src/jwt/errors.js";

/** The ConfigError `run` throws, or undefined when it returns; any other error is rethrown. */
export function configErrorOf(run: () => unknown): ConfigError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}
