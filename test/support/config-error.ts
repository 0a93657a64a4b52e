import { ConfigError } from "../../src/jwt/errors.js";
import { thrownBy } from "./thrown.js";

/**
 * The ConfigError `run` throws, or undefined when it returns; any other error is rethrown.
 * @deprecated `thrownBy(run, ConfigError)` (test/support/thrown.ts) says the same; kept while test files of
 * other branches still import it.
 */
export function configErrorOf(run: () => unknown): ConfigError | undefined {
  return thrownBy(run, ConfigError);
}
