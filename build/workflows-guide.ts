/**
 * The builder's step-by-step guide, docs/workflows.md, generated from the app's definitions (app/app.ts)
 * by `npm run build` (and checked by `npm run build -- --check`), and the counts `npm run workflows`
 * prints: what a builder clicks (actions, conditions, Terminates, expressions) and what each workflow
 * costs in Bubble's workload units (src/emulator/workload.ts).
 */
import { clauseCount, describeCondition, describeExpression, stepLabel } from "../app/describe.js";
import type { ApiWorkflow, AppDefinition, CustomEvent, Expression, Step } from "../app/types.js";
import { NOT_IN_THE_MANUAL, WORKLOAD, WORKLOAD_SOURCE, workloadUnits } from "../src/emulator/workload.js";

/** What one workflow (or custom event) asks a builder to click, and what a run of it can cost. */
export interface WorkflowCounts {
  readonly name: string;
  /** Steps the builder adds (your own work not counted). */
  readonly actions: number;
  readonly conditions: number;
  /** Conditions of more than one clause: Bubble reads them left to right, a builder may not. */
  readonly multiClause: number;
  readonly terminates: number;
  /** Dynamic expressions typed into fields and conditions (literals not counted). */
  readonly expressions: number;
  readonly pluginActions: number;
  /** Searches a run makes, those of the custom events it triggers included. */
  readonly searches: number;
  /** Steps that create or change a thing. */
  readonly writeSteps: number;
  /** Workload units of a run in which every step runs (the table's fixed parts; see workload.ts). */
  readonly wuAtMost: number;
}

function expressionsIn(expression: Expression): { dynamic: number; searches: number } {
  if ("literal" in expression) return { dynamic: 0, searches: 0 };
  if ("join" in expression) return sum(expression.join.map(expressionsIn));
  if ("thing" in expression) return expressionsIn(expression.thing);
  if ("search" in expression) {
    const inner = sum(expression.search.constraints.map((constraint) => expressionsIn(constraint.value)));
    return { dynamic: 1 + inner.dynamic, searches: 1 + inner.searches };
  }
  return { dynamic: 1, searches: 0 };
}

function sum(parts: readonly { dynamic: number; searches: number }[]) {
  return parts.reduce((a, b) => ({ dynamic: a.dynamic + b.dynamic, searches: a.searches + b.searches }), {
    dynamic: 0,
    searches: 0,
  });
}

function stepExpressions(step: Step): Expression[] {
  switch (step.kind) {
    case "plugin":
    case "createThing":
      return Object.values(step.fields);
    case "makeChanges":
      return [step.thing, ...Object.values(step.fields)];
    case "triggerCustomEvent":
      return Object.values(step.parameters);
    case "returnData":
      return Object.values(step.values);
    case "signUp":
    case "logIn":
      return [step.email, step.password];
    case "yourWork":
      return [step.user];
    case "terminate":
      return [];
  }
}

function conditionExpressions(step: Step): Expression[] {
  if (!step.onlyWhen) return [];
  return [step.onlyWhen.first, ...(step.onlyWhen.rest ?? []).map(({ clause }) => clause)].flatMap((clause) =>
    "isEmpty" in clause
      ? [clause.isEmpty]
      : "isNotEmpty" in clause
        ? [clause.isNotEmpty]
        : [clause.left, clause.right],
  );
}

/** The counts of a workflow or custom event of `app`. */
export function countsOf(event: ApiWorkflow | CustomEvent, app: AppDefinition): WorkflowCounts {
  const steps = event.steps;
  const built = steps.filter((step) => step.kind !== "yourWork");
  const conditions = steps.flatMap((step) => (step.onlyWhen ? [step.onlyWhen] : []));
  const typed = sum(
    steps.flatMap((step) => [...stepExpressions(step), ...conditionExpressions(step)]).map(expressionsIn),
  );
  const triggered = steps.flatMap((step) =>
    step.kind === "triggerCustomEvent"
      ? app.customEvents
          .filter((candidate) => candidate.name === step.event)
          .map((inner) => countsOf(inner, app))
      : [],
  );
  const pluginActions = steps.filter((step) => step.kind === "plugin").length;
  const writeSteps = steps.filter((step) =>
    ["createThing", "makeChanges", "signUp"].includes(step.kind),
  ).length;
  const searches = typed.searches + triggered.reduce((total, inner) => total + inner.searches, 0);
  const actionsRun = built.length + triggered.reduce((total, inner) => total + inner.actions, 0);
  return {
    name: event.name,
    actions: built.length,
    conditions: conditions.length,
    multiClause: conditions.filter((condition) => clauseCount(condition) > 1).length,
    terminates: steps.filter((step) => step.kind === "terminate").length,
    expressions: typed.dynamic,
    pluginActions,
    searches,
    writeSteps,
    wuAtMost: workloadUnits({
      actions: actionsRun,
      pluginCalls: pluginActions,
      pluginMs: 0,
      searches,
      thingsReturned: 0,
      writes: writeSteps,
    }),
  };
}

/** The session set's totals: its workflows and the custom events they trigger, each counted once. */
export function sessionSetTotals(app: AppDefinition): {
  actions: number;
  conditions: number;
  multiClause: number;
  terminates: number;
  maxTerminatesPerWorkflow: number;
  expressions: number;
} {
  const workflows = app.workflows.filter((workflow) => workflow.flow === "session");
  const events = app.customEvents.filter((event) =>
    workflows.some((workflow) =>
      workflow.steps.some((step) => step.kind === "triggerCustomEvent" && step.event === event.name),
    ),
  );
  const counts = [...workflows, ...events].map((event) => countsOf(event, app));
  const total = (key: keyof WorkflowCounts) =>
    counts.reduce((sumOf, count) => sumOf + (count[key] as number), 0);
  return {
    actions: total("actions"),
    conditions: total("conditions"),
    multiClause: total("multiClause"),
    terminates: total("terminates"),
    maxTerminatesPerWorkflow: Math.max(...counts.map((count) => count.terminates)),
    expressions: total("expressions"),
  };
}

/** `npm run workflows`'s report: one line per workflow and custom event, then the session set's line. */
export function countsReport(app: AppDefinition): string {
  const lines = [
    "workflow                  actions  conditions  multi-clause  terminates  expressions  plugin  searches  writes  WU at most",
  ];
  for (const event of [...app.customEvents, ...app.workflows]) {
    const c = countsOf(event, app);
    lines.push(
      [
        c.name.padEnd(24),
        String(c.actions).padStart(8),
        String(c.conditions).padStart(11),
        String(c.multiClause).padStart(13),
        String(c.terminates).padStart(11),
        String(c.expressions).padStart(12),
        String(c.pluginActions).padStart(7),
        String(c.searches).padStart(9),
        String(c.writeSteps).padStart(7),
        c.wuAtMost.toFixed(2).padStart(11),
      ].join(" "),
    );
  }
  const totals = sessionSetTotals(app);
  lines.push(
    `session set: ${totals.actions} actions, ${totals.conditions} conditions (${totals.multiClause} with more than one clause), ${totals.terminates} terminates`,
  );
  return lines.join("\n");
}

/** Where the mistakes suite's table goes in the guide (the suite writes between these lines). */
export const MISTAKES_BEGIN = "<!-- mistakes table: begin (generated by npm run workflows -- --mistakes) -->";
export const MISTAKES_END = "<!-- mistakes table: end -->";

/** docs/workflows.md. `mistakesTable` is the mistakes suite's table, when it has one. */
export function workflowsGuide(app: AppDefinition, mistakesTable?: string): string {
  const totals = sessionSetTotals(app);
  const out: string[] = [
    "# The recommended workflows, step by step",
    "",
    "Generated by `npm run build` from `app/app.ts`, the definitions the local backend (`npm start`) runs; edit",
    "those, not this file. Each workflow is written as Bubble's editor shows it: the event with its parameters",
    "and settings to tick, then numbered steps with each field's expression and _Only when_.",
    "",
    `The session set (${sessionNames(app)}) is ${totals.actions} actions with ${totals.conditions} conditions, none of more than one clause, and at most ${totals.maxTerminatesPerWorkflow} _Terminate_ per workflow: \`JWT - Session\` makes every decision (which token, which session, rotate, retry, reuse, over), the workflow only wires values into it and acts on its yes/no answers. Why it is built this way: [sessions.md](sessions.md).`,
    "",
    "## What you click",
    "",
    "| workflow | actions | conditions (more than one clause) | Terminates | expressions typed | plugin actions | searches | writes | WU at most |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const event of [...app.customEvents, ...app.workflows]) {
    const c = countsOf(event, app);
    out.push(
      `| \`${c.name}\` | ${c.actions} | ${c.conditions} (${c.multiClause}) | ${c.terminates} | ${c.expressions} | ${c.pluginActions} | ${c.searches} | ${c.writeSteps} | ${c.wuAtMost.toFixed(2)} |`,
    );
  }
  out.push(
    "",
    `Session set: ${totals.actions} actions, ${totals.conditions} conditions (${totals.multiClause} with more than one clause), ${totals.terminates} Terminate${totals.terminates === 1 ? "" : "s"}, ${totals.expressions} expressions typed. "Your work" is not counted: it is whatever your app does.`,
    "",
    "A refresh-token, logout or logout-everywhere answer writes at most once: each write step has its own",
    "_Only when_ on one yes/no of `JWT - Session`, and the plugin never answers two of them yes. Every answer",
    "costs at most 1 plugin action, 1 search and 1 write, whatever the number of users and sessions.",
    "",
    "## Data types and privacy",
    "",
  );
  for (const type of app.dataTypes) {
    out.push(
      type.origin === "built-in"
        ? `**${type.name}** (Bubble's own type: add the fields that are not there). Privacy: keep your app's own rules; _Everyone else_ should neither find Users nor view their fields. The workflows ignore privacy rules.`
        : `**${type.name}** (Data → Data types → New type). Privacy: ${privacyText(type.privacy.everyoneElse)}`,
      "",
      "| field | type | holds |",
      "| --- | --- | --- |",
      ...type.fields.map(
        (field) =>
          `| \`${field.name}\` | ${field.type}${field.default === undefined ? "" : ` (default ${field.default ? "yes" : "no"})`} | ${field.holds} |`,
      ),
      "",
    );
  }
  out.push(
    "## Every API workflow",
    "",
    "Enable the Workflow API (Settings → API). Each workflow below is a backend **API workflow**; tick on each:",
    "",
    ...settingsLines(app),
    "",
    'Every answer is Bubble\'s `200 {"status":"success","response":{...}}`; a refusal carries `error_code` and',
    "`error_message`. A client treats a non-empty `error_code` as a refusal. The session workflows find the",
    "Session by the `session_id` the client got at login: send it with every request.",
    "",
    "## Custom events",
    "",
  );
  for (const event of app.customEvents) {
    out.push(
      `### \`${event.name}\``,
      "",
      event.summary,
      "",
      `Backend workflows → **Custom → Create a custom event**. Parameters: ${parametersText(event.parameters)}. Return values: ${event.returns.map((r) => `\`${r.key}\` (${r.type})`).join(", ")}.`,
      "",
      ...stepsText(event.steps, true),
      "",
    );
  }
  for (const flow of ["session", "one-token"] as const) {
    out.push(flow === "session" ? "## The session workflows" : "## The one-token flow", "");
    if (flow === "one-token")
      out.push(
        "One token that is both the access token and what refreshes it, for server-to-server callers and short",
        "jobs. A session refresh token is refused here (`wrong_token_type`): it renews only through `JWT - Session`.",
        "",
      );
    for (const workflow of app.workflows.filter((candidate) => candidate.flow === flow)) {
      const c = countsOf(workflow, app);
      out.push(
        `### \`${workflow.name}\``,
        "",
        workflow.summary,
        "",
        `Parameters: ${parametersText(workflow.parameters)}.`,
        "",
        ...stepsText(workflow.steps, false),
        "",
        `Cost: ${c.actions} actions, ${c.pluginActions} plugin action${c.pluginActions === 1 ? "" : "s"}, ${c.searches} search${c.searches === 1 ? "" : "es"}, ${c.writeSteps} write step${c.writeSteps === 1 ? "" : "s"}; at most ${c.wuAtMost.toFixed(2)} WU.`,
        "",
      );
    }
  }
  out.push(
    "## Workload units",
    "",
    `Bubble bills each activity in workload units (WU), from the table of its manual's page [Activity types](${WORKLOAD_SOURCE}). The figures above and the local backend's request log (\`wu=\`) count with these rows:`,
    "",
    "| activity (the manual's words) | WU |",
    "| --- | --- |",
    ...Object.values(WORKLOAD).map((activity) => `| ${activity.manual} | ${activity.wu} |`),
    "",
    "Not in the manual's table, and how it is counted here:",
    "",
    ...NOT_IN_THE_MANUAL.map((note) => `- ${note}`),
    "",
    '"WU at most" counts every step as run, without the per-millisecond and per-thing parts; the request log',
    "gives what each request did, those parts included. For comparison, Bubble's own token (a workflow that",
    `ticks "User and admin" authentication and runs no plugin step) costs ${WORKLOAD.apiCall.wu} WU per request plus your work, and its login (Log the user in, Return data) ${workloadUnits({ actions: 2, pluginCalls: 0, pluginMs: 0, searches: 0, thingsReturned: 0, writes: 0 }).toFixed(2)} WU; but it carries no claims and nothing outside Bubble can check it.`,
    "",
    "## Which mistakes matter",
    "",
    MISTAKES_BEGIN,
    mistakesTable ?? "_The mistakes suite has not written its table yet._",
    MISTAKES_END,
    "",
  );
  return out.join("\n");
}

function sessionNames(app: AppDefinition): string {
  return app.workflows
    .filter((workflow) => workflow.flow === "session")
    .map((workflow) => `\`${workflow.name}\``)
    .join(", ");
}

function privacyText(rule: { viewAllFields: boolean; findInSearches: boolean }): string {
  if (!rule.viewAllFields && !rule.findInSearches)
    return 'no rule besides _Everyone else_, with everything unticked ("This data type is private"); the workflows ignore privacy rules, so they still find it.';
  return `Everyone else: view all fields ${rule.viewAllFields ? "ticked" : "unticked"}, find this in searches ${rule.findInSearches ? "ticked" : "unticked"}.`;
}

function settingsLines(app: AppDefinition): string[] {
  const settings = new Set(app.workflows.map((workflow) => JSON.stringify(workflow.settings)));
  if (settings.size !== 1) throw new Error("the guide assumes one set of settings for every workflow");
  const first = app.workflows[0]?.settings;
  if (!first) return [];
  return [
    `- _Expose as a public API workflow_: ${first.exposeAsPublicApiWorkflow ? "ticked" : "unticked"}`,
    `- _This workflow can be run without authentication_: ${first.runWithoutAuthentication ? "ticked (the token is the authentication)" : "unticked"}`,
    `- _Ignore privacy rules when running the workflow_: ${first.ignorePrivacyRules ? "ticked (the workflows run without a user; only this lets their searches find Sessions)" : "unticked"}`,
  ];
}

function parametersText(parameters: readonly { key: string; type: string; optional?: boolean }[]): string {
  return parameters
    .map((parameter) => `\`${parameter.key}\` (${parameter.type}${parameter.optional ? ", optional" : ""})`)
    .join(", ");
}

function stepsText(steps: readonly Step[], inCustomEvent: boolean): string[] {
  const lines: string[] = [];
  for (const [i, step] of steps.entries()) {
    lines.push(`${i + 1}. **${stepLabel(step, inCustomEvent)}**${stepDetail(step)}`);
    for (const [field, expression] of fieldsOf(step))
      lines.push(`   - \`${field}\` = ${expressionText(expression)}`);
    if (step.onlyWhen) lines.push(`   - _Only when_ ${describeCondition(step.onlyWhen)}`);
  }
  return lines;
}

function stepDetail(step: Step): string {
  if (step.kind === "yourWork")
    return ` (your own steps; the local backend echoes the other parameters), as ${describeExpression(step.user)}`;
  if (step.kind === "terminate") return "";
  return "";
}

function fieldsOf(step: Step): [string, Expression][] {
  switch (step.kind) {
    case "plugin":
    case "createThing":
    case "makeChanges":
      return Object.entries(step.fields);
    case "triggerCustomEvent":
      return Object.entries(step.parameters);
    case "returnData":
      return Object.entries(step.values);
    case "signUp":
    case "logIn":
      return [
        ["email", step.email],
        ["password", step.password],
      ];
    default:
      return [];
  }
}

function expressionText(expression: Expression): string {
  const text = describeExpression(expression);
  if ("literal" in expression) return `\`${text}\``;
  if ("join" in expression)
    return `${expression.join.map((part) => `_${describeExpression(part)}_`).join(" followed by ")} (both typed into the one field; the client sends one)`;
  return `_${text}_`;
}
