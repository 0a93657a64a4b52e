import { ALGORITHMS, ASYMMETRIC_ALGORITHMS } from "../src/jwt/algorithms.js";
import { PROVIDERS } from "../src/jwt/external/presets.js";
import { SESSION_PURPOSES } from "../src/jwt/session-decision.js";

/**
 * The lists a Dropdown in plugin.json can offer by name (`"options_from": "ALGORITHMS"`): the code's own
 * lists, so the choices Bubble shows are always the ones the actions accept.
 */
export const OPTION_LISTS: Readonly<Record<string, readonly string[]>> = {
  ALGORITHMS,
  ASYMMETRIC_ALGORITHMS,
  PROVIDERS,
  SESSION_PURPOSES,
};
