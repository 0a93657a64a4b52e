import { ConfigError, TokenError } from "../jwt/errors.js";
import { type LogFields, logOutcome } from "./log.js";
import type { BubbleContext, BubbleProperties, ReturnValues } from "./types.js";
import { ensureWebCrypto } from "./webcrypto.js";

/** What an action computed: its return values, and what its one log line says. */
export interface ActionResult {
  readonly values: ReturnValues;
  readonly log?: LogFields;
  /** The log line's outcome when it is not `ok`: the error code of a refusal computed, not thrown. */
  readonly outcome?: string;
}

export interface ActionDefinition {
  /** Short name for the log line, e.g. `verify`. */
  readonly name: string;
  /** What the action does; its exported wrapper (`run`, what Bubble calls) is `defineAction`'s result. */
  readonly compute: (properties: BubbleProperties, context: BubbleContext) => Promise<ActionResult>;
  /** How a refused token is returned (Verify, Refresh, Decode): never thrown, always a code. */
  readonly whenRefused?: (error: TokenError, properties: BubbleProperties) => ReturnValues;
}

export type BubbleAction = (properties: BubbleProperties, context: BubbleContext) => Promise<ReturnValues>;

/**
 * Wraps an action for Bubble: installs WebCrypto on Node 18, turns a refused token into return values,
 * lets a ConfigError (the builder must fix something) stop the workflow with its message, and hides
 * the details of anything unexpected. Writes exactly one log line per call.
 */
export function defineAction(definition: ActionDefinition): BubbleAction {
  return async (properties, context) => {
    ensureWebCrypto();
    try {
      const { values, log, outcome } = await definition.compute(properties ?? {}, context ?? {});
      logOutcome(definition.name, outcome ?? "ok", log);
      return values;
    } catch (error) {
      if (error instanceof TokenError && definition.whenRefused) {
        logOutcome(definition.name, error.code, { reason: error.logReason });
        return definition.whenRefused(error, properties ?? {});
      }
      if (error instanceof ConfigError) {
        logOutcome(definition.name, `configuration_error:${error.code}`);
        throw new Error(`JWT plugin (${error.code}): ${error.message}`);
      }
      logOutcome(definition.name, "internal_error");
      const kind = error instanceof Error ? error.name : typeof error;
      // Not the original message: it could quote input. The stack stays out of Bubble's logs for the same reason.
      throw new Error(
        `JWT plugin: an unexpected ${kind} stopped the ${definition.name} action; please report it.`,
      );
    }
  };
}

/** Return values of a refused token: the flag false and the code and message; every other value empty. */
export function refusedValues(flag: "valid" | "ok", error: TokenError): ReturnValues {
  return { [flag]: false, error_code: error.code, error_message: error.message };
}
