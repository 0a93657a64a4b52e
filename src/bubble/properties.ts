import { ALGORITHMS, type Algorithm } from "../jwt/algorithms.js";
import { LARGEST_TIME } from "../jwt/claims.js";
import { ConfigError } from "../jwt/errors.js";
import { isJsonObject } from "../jwt/values.js";
import { fieldDefault } from "./defaults.js";
import type { BubbleList, BubbleProperties } from "./types.js";

/** Bubble leaves an empty optional field as null, undefined or "" (undocumented which): all three are empty. */
export function isEmpty(value: unknown): value is null | undefined | "" {
  return value === null || value === undefined || value === "";
}

/** A text field, trimmed; undefined when empty. */
export function readText(properties: BubbleProperties, name: string): string | undefined {
  const value = properties[name];
  if (isEmpty(value)) return undefined;
  const text = (typeof value === "string" ? value : String(value)).trim();
  return text === "" ? undefined : text;
}

/** A text field that must be filled in. */
export function requireText(properties: BubbleProperties, name: string, what: string): string {
  const text = readText(properties, name);
  if (text === undefined)
    throw new ConfigError("missing_field", `The ${name} field is empty; set it to ${what}.`);
  return text;
}

/** A Checkbox field: yes or no; `fallback` when empty. Text "true"/"false" (and "yes"/"no") is read too. */
export function readCheckbox(properties: BubbleProperties, name: string, fallback = false): boolean {
  const value = properties[name];
  if (isEmpty(value)) return fallback;
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (text === "true" || text === "yes") return true;
  if (text === "false" || text === "no" || text === "") return false;
  throw new ConfigError("invalid_field", `The ${name} field must be yes or no.`);
}

export interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

// Numeric text as a person writes a whole number: Number() would also read "0x10", "1e3" or "0b1".
const WHOLE_DECIMAL = /^[+-]?\d+$/;

/** A whole-number field within [min, max]; its plugin.json default when empty. Accepts whole decimal text too. */
export function readWholeNumber(properties: BubbleProperties, name: string, rule: NumberRule): number {
  return readOptionalWholeNumber(properties, name, rule) ?? Number(fieldDefault(name));
}

/** A whole-number field without a default, as {@link readWholeNumber}; undefined when empty. */
export function readOptionalWholeNumber(
  properties: BubbleProperties,
  name: string,
  rule: NumberRule,
): number | undefined {
  const value = properties[name];
  if (isEmpty(value) || (typeof value === "string" && value.trim() === "")) return undefined;
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && WHOLE_DECIMAL.test(value.trim())
        ? Number(value.trim())
        : Number.NaN;
  if (!Number.isInteger(number) || number < rule.min || number > rule.max) {
    throw new ConfigError(
      "field_out_of_range",
      `The ${name} field must be a whole number of ${rule.unit} from ${rule.min.toLocaleString("en-US")} to ${rule.max.toLocaleString("en-US")}.`,
    );
  }
  return number;
}

/** The action's `algorithm` Dropdown; its plugin.json default when empty, and only the options the action offers. */
export function readAlgorithm(properties: BubbleProperties): Algorithm;
export function readAlgorithm<A extends Algorithm>(properties: BubbleProperties, allowed: readonly A[]): A;
export function readAlgorithm(
  properties: BubbleProperties,
  allowed: readonly Algorithm[] = ALGORITHMS,
): Algorithm {
  return readChoice(properties, "algorithm", allowed);
}

/** A Dropdown field of text choices; its plugin.json default when empty, and only one of `choices`. */
export function readChoice<C extends string>(
  properties: BubbleProperties,
  name: string,
  choices: readonly C[],
): C {
  const value = readText(properties, name) ?? fieldDefault(name);
  const match = choices.find((choice) => choice === value);
  if (!match)
    throw new ConfigError("invalid_field", `The ${name} field must be one of ${choices.join(", ")}.`);
  return match;
}

/**
 * A date field, in seconds since 1970; undefined when empty. Bubble passes a Date; a number is read as
 * milliseconds since 1970 and text as an ISO date, in case a runtime passes either (not documented).
 * `what` says what to wire, for the message when the value is no date.
 */
export function readDate(properties: BubbleProperties, name: string, what: string): number | undefined {
  const value = properties[name];
  if (isEmpty(value) || (typeof value === "string" && value.trim() === "")) return undefined;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : typeof value === "string"
          ? Date.parse(value.trim())
          : Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > LARGEST_TIME * 1000) {
    throw new ConfigError("invalid_field", `The ${name} field must be a date; set it to ${what}.`);
  }
  return ms / 1000;
}

/** A comma-separated text field as a list of non-empty, trimmed names. */
export function readNameList(properties: BubbleProperties, name: string): string[] {
  const text = readText(properties, name);
  return text
    ? text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "")
    : [];
}

/** A list field (`is_list`): a Bubble list with async `length()`/`get()`, or a plain array. */
export async function readTextList(properties: BubbleProperties, name: string): Promise<string[]> {
  const value = properties[name];
  if (isEmpty(value)) return [];
  const notTexts = () => new ConfigError("invalid_field", `The ${name} field must be a list of texts.`);
  let items: unknown[];
  if (Array.isArray(value)) {
    items = value;
  } else if (isBubbleList(value)) {
    const length = await value.length();
    items = length > 0 ? await value.get(0, length) : [];
  } else {
    throw notTexts();
  }
  return items
    .filter((item) => !isEmpty(item))
    .map((item) => {
      // Anything but text (or a number) would become "[object Object]", or throw without a toString.
      if (typeof item !== "string" && typeof item !== "number") {
        throw notTexts();
      }
      return String(item).trim();
    })
    .filter((item) => item !== "");
}

/** A key_value_list field: an array of `{key, value}`. */
export function readKeyValueList(
  properties: BubbleProperties,
  name: string,
): { key: string; value: string }[] {
  const value = properties[name];
  if (isEmpty(value)) return [];
  if (!Array.isArray(value))
    throw new ConfigError("invalid_field", `The ${name} field must be a list of keys and values.`);
  return value
    .filter((entry): entry is { key?: unknown; value?: unknown } => isJsonObject(entry))
    .map((entry) => ({
      key: isEmpty(entry.key) ? "" : String(entry.key).trim(),
      value: isEmpty(entry.value) ? "" : String(entry.value),
    }));
}

function isBubbleList(value: unknown): value is BubbleList {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as BubbleList).length === "function" &&
    typeof (value as BubbleList).get === "function"
  );
}
