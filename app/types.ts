/**
 * The shape of the recommended Bubble app as data: data types with their fields and privacy rules, backend
 * custom events and API workflows, each step with its fields' expressions, Only when, Terminate and Return
 * data. It reads like Bubble's editor, not like code: what a builder ticks and types is written here once.
 * From these definitions the builder's guide is generated (build/workflows-guide.ts), the local backend runs
 * them (src/emulator/interpreter.ts), and the mistakes suite mutates them.
 *
 * Everything is plain JSON-like data (no functions, no classes, no cycles): copy it with structuredClone,
 * change one field, and hand it to the interpreter. The constructors in app/expressions.ts only save typing.
 *
 * @example A step as the editor shows it, and as data:
 * ```
 * Step 3: Make changes to a thing: Result of step 1's session
 *         current_jti = Result of step 2's new_current_jti
 *         Only when: Result of step 2's rotate is yes
 * { kind: "makeChanges", thing: { thing: { result: 1, field: "session" }, path: [] },
 *   fields: { current_jti: { result: 2, field: "new_current_jti" } },
 *   onlyWhen: { first: { left: { result: 2, field: "rotate" }, op: "is", right: { literal: true } } } }
 * ```
 */

/** A field's type: Bubble's basic types, or the name of a data type (a thing). */
export type ValueType = "text" | "number" | "yes/no" | "date" | string;

/**
 * A dynamic expression, as typed into a field. Values at run time: text, number, yes/no (boolean), date,
 * a thing, a list, or empty (null).
 */
export type Expression =
  /** A fixed value typed into the field: text, a number, yes/no, or nothing (empty). */
  | {
      readonly literal: string | number | boolean | null;
      /**
       * The local backend may replace this literal with one of its settings (environment variables), so
       * `npm start` can run shorter lifetimes; the guide shows the literal.
       */
      readonly setting?: SettingName;
    }
  /** One of the event's parameters (an API workflow's or a custom event's), by its key. */
  | { readonly parameter: string }
  /** "Result of step N's field": a return value of an earlier step of the same workflow (1-based). */
  | { readonly result: number; readonly field: string }
  /** "Current date/time". */
  | { readonly currentDate: true }
  /** "Current User" (empty in a workflow run without authentication, until Log the user in). */
  | { readonly currentUser: true }
  /**
   * "X's a's b": fields of a thing, one after another. Besides the data type's own fields every thing has
   * `unique id`, `Created Date` and `Modified Date`. An empty thing's field is empty. An empty path is X.
   */
  | { readonly thing: Expression; readonly path: readonly string[] }
  /** "Search for Ts (constraints):first item" or ":each item's f" (a list). One search each time it runs. */
  | { readonly search: Search }
  /** Several dynamic values typed one after another into one text field: their texts joined. */
  | { readonly join: readonly Expression[] };

/** A comparison as the expression editor offers it. */
export type Comparison = "is" | "is not" | "<" | "<=" | ">" | ">=";

/** One clause of a condition: a comparison, or Bubble's `is empty` / `is not empty`. */
export type Clause =
  | { readonly left: Expression; readonly op: Comparison; readonly right: Expression }
  | { readonly isEmpty: Expression }
  | { readonly isNotEmpty: Expression };

/**
 * A condition (an Only when): clauses joined by `and` / `or`, evaluated strictly left to right with no
 * precedence, as Bubble does: `A or B and C` is `(A or B) and C`. One clause: no `rest`.
 */
export interface Condition {
  readonly first: Clause;
  readonly rest?: readonly { readonly join: "and" | "or"; readonly clause: Clause }[];
}

/** "Search for Ts": a data type, constraints, and what is taken from the result. */
export interface Search {
  readonly type: string;
  readonly constraints: readonly {
    readonly field: string;
    readonly op: Comparison;
    readonly value: Expression;
  }[];
  /**
   * Bubble's "Ignore empty constraints" box: a constraint whose value is empty then matches every row.
   * Ticked unless this says false (whether Bubble ticks it by default is not documented; a builder who never
   * looked has it whichever way, so the designs hold either way).
   */
  readonly ignoreEmptyConstraints?: boolean;
  /** `first item`, or `each item's <field>` (a list of that field's values). */
  readonly take: "first item" | { readonly each: string };
}

/** The fields of a step, as the editor lists them: name → expression. */
export type Fields = Readonly<Record<string, Expression>>;

interface StepSettings {
  /** "Only when": the step runs only when this is yes; otherwise it is skipped and the workflow goes on. */
  readonly onlyWhen?: Condition;
}

/** One numbered step of a workflow or custom event. */
export type Step = StepSettings &
  (
    | {
        /** A plugin action ("JWT - Session"), by its display name; its fields by name. */
        readonly kind: "plugin";
        readonly action: string;
        readonly fields: Fields;
      }
    | {
        /** Bubble's "Sign the user up": Result is the new User (`user`). */
        readonly kind: "signUp";
        readonly email: Expression;
        readonly password: Expression;
      }
    | {
        /** Bubble's "Log the user in": Current User is that user for the rest of the run. */
        readonly kind: "logIn";
        readonly email: Expression;
        readonly password: Expression;
      }
    | {
        /** "Trigger a custom event": waits for it; Result holds its return values. */
        readonly kind: "triggerCustomEvent";
        readonly event: string;
        readonly parameters: Fields;
      }
    | {
        /** "Create a new thing": one write; Result is the new thing (`thing`). */
        readonly kind: "createThing";
        readonly type: string;
        readonly fields: Fields;
      }
    | {
        /** "Make changes to a thing": one write of the fields given. */
        readonly kind: "makeChanges";
        readonly thing: Expression;
        readonly fields: Fields;
      }
    | {
        /** "Return data from API" (in a custom event: its return values). */
        readonly kind: "returnData";
        readonly values: Fields;
      }
    | {
        /** "Terminate this workflow". */
        readonly kind: "terminate";
      }
    | {
        /**
         * The builder's own work in a protected workflow, done as `user`. The local backend stands in for
         * it: Result holds `user` and `parameters` (the request's parameters the workflow does not declare,
         * echoed). Not counted as one of the recommended set's actions: it is whatever the app does.
         */
        readonly kind: "yourWork";
        readonly user: Expression;
      }
  );

export type StepKind = Step["kind"];

/** A parameter of an API workflow or custom event, as its "Parameter definition" row. */
export interface Parameter {
  readonly key: string;
  readonly type: ValueType;
  /** The "Optional" box; a required parameter missing from a request is Bubble's 400 MISSING_DATA. */
  readonly optional?: boolean;
}

/** The boxes of a backend API workflow's event. */
export interface ApiWorkflowSettings {
  readonly exposeAsPublicApiWorkflow: boolean;
  readonly runWithoutAuthentication: boolean;
  /** "Ignore privacy rules when running the workflow"; custom events it triggers run the same way. */
  readonly ignorePrivacyRules: boolean;
}

/** A backend API workflow: `POST /api/1.1/wf/<name>`. */
export interface ApiWorkflow {
  readonly name: string;
  /** Which set it belongs to: the session set is counted against its targets. */
  readonly flow: "session" | "one-token";
  /** One sentence for the guide: what it is for. */
  readonly summary: string;
  readonly parameters: readonly Parameter[];
  readonly settings: ApiWorkflowSettings;
  readonly steps: readonly Step[];
}

/** A backend custom event: parameters, steps, and the return values its Return data step sets. */
export interface CustomEvent {
  readonly name: string;
  readonly summary: string;
  readonly parameters: readonly Parameter[];
  readonly returns: readonly { readonly key: string; readonly type: ValueType }[];
  readonly steps: readonly Step[];
}

/** A field of a data type (besides `unique id`, `Created Date`, `Modified Date`, which every thing has). */
export interface DataField {
  readonly name: string;
  readonly type: ValueType;
  /** What the builder reads in the guide. */
  readonly holds: string;
  /** A yes/no field's default ("no" unless given). */
  readonly default?: boolean;
}

/**
 * Privacy (Data → Privacy). Only the "Everyone else" rule is modelled: the recommended app's workflows run
 * without a user, so no rule that names the Current User ever applies to them.
 */
export interface Privacy {
  readonly everyoneElse: { readonly viewAllFields: boolean; readonly findInSearches: boolean };
}

export interface DataType {
  /** As Bubble shows it: "Session", "User", "Revoked token". */
  readonly name: string;
  /** "Built-in" for User, whose `email` Bubble keeps itself; "new" for a type the builder adds. */
  readonly origin: "built-in" | "new";
  readonly fields: readonly DataField[];
  readonly privacy: Privacy;
}

/** The whole recommended app. */
export interface AppDefinition {
  readonly dataTypes: readonly DataType[];
  readonly customEvents: readonly CustomEvent[];
  readonly workflows: readonly ApiWorkflow[];
}

/** The local backend's settings a literal may name (env.ts maps environment variables onto them). */
export type SettingName =
  | "accessTokenTtlSeconds"
  | "refreshTokenTtlSeconds"
  | "refreshRetryWindowSeconds"
  | "tokenTtlSeconds"
  | "refreshGraceSeconds";
