import { isJsonObject } from "../common/json.js";

/** The parts of an `actions/<ID>/params.json` the runtime reads. */
export interface ParamsField {
  readonly caption: string;
  readonly name: string;
  readonly editor: string;
  readonly value?: string;
  readonly optional?: boolean;
  readonly default_val?: string;
  readonly options?: string;
  readonly is_list?: boolean;
}

export interface ParamsReturnValue {
  readonly caption: string;
  readonly name: string;
  readonly value: string;
  readonly is_list?: boolean;
}

export interface ActionParams {
  readonly display: string;
  readonly type: string;
  readonly fields: Readonly<Record<string, ParamsField>>;
  readonly return_value: Readonly<Record<string, ParamsReturnValue>>;
}

/**
 * Checks a returned object as Bubble reads it: only declared names, and each value of its declared type
 * (text a string, number a finite number, boolean a boolean, date a valid Date, lists arrays of those).
 * null and undefined are empty values. Returns the problems found, none when the object is right.
 */
export function returnValueProblems(params: ActionParams, returned: unknown): string[] {
  if (!isJsonObject(returned)) {
    return ["the action did not return an object"];
  }
  const declared = new Map(Object.values(params.return_value).map((entry) => [entry.name, entry]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(returned)) {
    const entry = declared.get(name);
    if (!entry) {
      problems.push(`"${name}" is not a declared return value`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (entry.is_list) {
      if (!Array.isArray(value)) problems.push(`"${name}" should be a list`);
      else if (!value.every((item) => hasType(item, entry.value)))
        problems.push(`"${name}" has an item that is not ${entry.value}`);
    } else if (!hasType(value, entry.value)) {
      problems.push(`"${name}" should be ${entry.value}, got ${describe(value)}`);
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "text":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "date":
      return value instanceof Date && !Number.isNaN(value.getTime());
    default:
      return false;
  }
}

function describe(value: unknown): string {
  if (value instanceof Date) return "an invalid Date";
  return Array.isArray(value) ? "a list" : typeof value;
}
