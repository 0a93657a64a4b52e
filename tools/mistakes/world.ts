/**
 * What the mistakes suite needs from the local backend, and nothing more: run one request against a set
 * of workflow definitions with a fresh in-memory database, read the rows it holds, and move the clock.
 * The scenarios and the classifier are written against this; one adapter (target.ts) binds it to the
 * interpreter.
 */
import type { StepRecord } from "../../src/emulator/request-record.js";

/** One answer as a client sees it, plus the steps the interpreter ran (to tell whether work was done). */
export interface Answer {
  readonly httpStatus: number;
  /** The `response` of Bubble's `{"status":"success","response":{...}}`; {} for any other answer. */
  readonly response: Readonly<Record<string, unknown>>;
  readonly steps: readonly StepRecord[];
}

/** One stored row, reduced to what a diff needs: which user owns it and its content as text. */
export interface Row {
  /** "User:<id>", "Session:<session_id>", "Revoked token:<jti>" ... */
  readonly key: string;
  /** The unique id of the user the row belongs to ("" when none). */
  readonly owner: string;
  readonly value: string;
}

/** One app with its own database and clock, running one set of (possibly mutated) definitions. */
export interface World {
  /** POST /api/1.1/wf/<workflow> with these parameters, without a Bubble user (the token is a parameter). */
  call(workflow: string, parameters: Readonly<Record<string, unknown>>): Promise<Answer>;
  /**
   * A User as Bubble's "Sign the user up" makes one, written straight into the database with a cheap
   * password hash (the suite logs in hundreds of times; the signup workflow itself is its own flow).
   */
  addUser(email: string, password: string): Promise<string>;
  /**
   * Every row of the app's data types (User, Session, Revoked token), in a stable order; a row's value
   * leaves out Bubble's own Modified Date, which a write of the same values still moves.
   */
  rows(): readonly Row[];
  /** Moves the app's clock (and the plugin's) forward. */
  advance(seconds: number): void;
  /** Whether this answer's workflow ran the builder's own protected work (the "your work" step). */
  didProtectedWork(answer: Answer): boolean;
  /**
   * Which of Bubble's undocumented behaviours this World's requests so far depended on (a Return data with
   * steps after it, a Make changes to an empty thing): the suite then runs them the other way too.
   */
  undocumented(): ReadonlySet<Undocumented>;
}

/** Where Bubble's manual is silent; each is run the default way and, when a request meets it, the other. */
export type Undocumented = "Return data ends the workflow" | "Make changes to an empty thing is skipped";

export const UNDOCUMENTED: readonly Undocumented[] = [
  "Return data ends the workflow",
  "Make changes to an empty thing is skipped",
];

/** Makes a fresh World for one set of definitions; `close` ends it. */
export interface Target<Definitions> {
  open(definitions: Definitions): Promise<World & { close(): void }>;
}

/** The Target that runs the undocumented behaviours in `choices` the other way (and the rest the default way). */
export type Targets<Definitions> = (choices: ReadonlySet<Undocumented>) => Target<Definitions>;

/** A client treats a non-empty error_code (or any answer other than 200) as a refusal. */
export function refused(answer: Answer): boolean {
  return answer.httpStatus !== 200 || text(answer.response.error_code) !== "";
}

export function text(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}
