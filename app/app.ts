/**
 * The recommended Bubble app, written once: its data types and privacy rules, the custom event
 * `find-session`, the session workflows (signup, login, refresh-token, protected-action, logout,
 * logout-everywhere) and the one-token flow (token-login, token-refresh, token-protected-action).
 * docs/workflows.md is generated from this file and `npm start` runs it; change it here, never there.
 *
 * Why the session workflows look the way they do: the plugin's `JWT - Session` step makes every decision
 * (which token, which session, rotate, retry, reuse, over); the workflow only wires the found Session's
 * values into it and acts on its single yes/no answers. Each write is its own step with its own Only when,
 * so a rotation's write never un-sets a concurrent reuse's revoke.
 */
import {
  currentDate,
  currentUser,
  isEmpty,
  isNo,
  isYes,
  number,
  of,
  parameter,
  result,
  resultsOf,
  text,
  yes,
} from "./expressions.js";
import type {
  ApiWorkflow,
  ApiWorkflowSettings,
  AppDefinition,
  CustomEvent,
  DataType,
  Expression,
  Fields,
  Step,
} from "./types.js";

/** Nobody but a workflow that ignores privacy rules can find or read these. */
const PRIVATE = { everyoneElse: { viewAllFields: false, findInSearches: false } } as const;

export const DATA_TYPES: readonly DataType[] = [
  {
    name: "User",
    origin: "built-in",
    fields: [
      { name: "email", type: "text", holds: "Bubble's own: the address the user signed up with" },
      {
        name: "sessions_revoked_at",
        type: "date",
        holds: "every session created at or before it is over (logout-everywhere: one write)",
      },
    ],
    privacy: PRIVATE,
  },
  {
    name: "Session",
    origin: "new",
    fields: [
      { name: "session_id", type: "text", holds: "the tokens' `sid`, which the client sends back" },
      { name: "user", type: "User", holds: "whose session it is" },
      { name: "current_jti", type: "text", holds: "the `jti` of the one refresh token that may rotate next" },
      {
        name: "rotated_at",
        type: "date",
        holds: "when `current_jti` was last set (the retry window's start)",
      },
      {
        name: "expires_at",
        type: "date",
        holds: "the current refresh token's expiry (for your own clean-up)",
      },
      { name: "revoked", type: "yes/no", holds: "logged out, or reuse was seen", default: false },
    ],
    privacy: PRIVATE,
  },
  {
    name: "Revoked token",
    origin: "new",
    fields: [
      { name: "jti", type: "text", holds: "a one-token-flow token that may no longer refresh" },
      { name: "expires_at", type: "date", holds: "until when the row matters (Refresh's `revoke_until`)" },
    ],
    privacy: PRIVATE,
  },
];

/** Every workflow: public, run without authentication (the token is the authentication), privacy ignored. */
const PUBLIC: ApiWorkflowSettings = {
  exposeAsPublicApiWorkflow: true,
  runWithoutAuthentication: true,
  ignorePrivacyRules: true,
};

/** The parameters of signup, login and token-login: what the user typed. */
const CREDENTIALS: ApiWorkflow["parameters"] = [
  { key: "email", type: "text" },
  { key: "password", type: "text" },
];

/** Bubble's own "Log the user in" with those parameters (login and token-login). */
const LOG_IN: Step = { kind: "logIn", email: parameter("email"), password: parameter("password") };

/** The session the find-session step (step 1 of every session workflow but login) found. */
const SESSION = of(result(1, "session"));
const sessionField = (...path: string[]): Expression => of(result(1, "session"), ...path);

export const FIND_SESSION: CustomEvent = {
  name: "find-session",
  summary:
    "Finds the Session by the session_id the client sent, in the one search of a request; every later step reads Result of step 1's session.",
  parameters: [{ key: "session_id", type: "text" }],
  returns: [{ key: "session", type: "Session" }],
  steps: [
    {
      kind: "returnData",
      values: {
        session: {
          search: {
            type: "Session",
            constraints: [{ field: "session_id", op: "is", value: parameter("session_id") }],
            take: "first item",
          },
        },
      },
    },
  ],
};

const findSession: Step = {
  kind: "triggerCustomEvent",
  event: "find-session",
  parameters: { session_id: parameter("session_id") },
};

/** JWT - Session's fields that hand it the found Session's stored values (the same in every workflow). */
const SESSION_ROW: Fields = {
  session_id: sessionField("session_id"),
  session_user_id: sessionField("user", "unique id"),
  current_jti: sessionField("current_jti"),
  rotated_at: sessionField("rotated_at"),
  revoked: sessionField("revoked"),
  created_at: sessionField("Created Date"),
  expires_at: sessionField("expires_at"),
  sessions_revoked_at: sessionField("user", "sessions_revoked_at"),
};

const decide = (purpose: string, token: Expression, extra: Fields = {}): Step => ({
  kind: "plugin",
  action: "JWT - Session",
  fields: { token, purpose: text(purpose), ...SESSION_ROW, ...extra },
});

/** A refusal's two return values, from the plugin step N. */
const refusal = (step: number): Fields => resultsOf(step, "error_code", "error_message");

const SESSION_LIFETIMES: Fields = {
  expires_in: number(900, "accessTokenTtlSeconds"),
  refresh_expires_in: number(2_592_000, "refreshTokenTtlSeconds"),
  max_session: number(2_592_000),
  retry_window: number(30, "refreshRetryWindowSeconds"),
};

const PAIR = ["token", "expires_at", "refresh_token", "refresh_expires_at"] as const;

export const SESSION_WORKFLOWS: readonly ApiWorkflow[] = [
  {
    name: "signup",
    flow: "session",
    summary: "Creates the account (Bubble's own Sign the user up); the client then calls login.",
    parameters: CREDENTIALS,
    settings: PUBLIC,
    steps: [
      { kind: "signUp", email: parameter("email"), password: parameter("password") },
      { kind: "returnData", values: { user_id: of(result(1, "user"), "unique id") } },
    ],
  },
  {
    name: "login",
    flow: "session",
    summary: "Logs the user in and starts a Session: an access token and a refresh token.",
    parameters: CREDENTIALS,
    settings: PUBLIC,
    steps: [
      LOG_IN,
      {
        kind: "plugin",
        action: "JWT - Generate token",
        fields: {
          subject: of(currentUser, "unique id"),
          email: of(currentUser, "email"),
          expires_in: number(900, "accessTokenTtlSeconds"),
          issue_refresh_token: yes,
          refresh_expires_in: number(2_592_000, "refreshTokenTtlSeconds"),
        },
      },
      {
        kind: "createThing",
        type: "Session",
        fields: {
          session_id: result(2, "session_id"),
          user: currentUser,
          current_jti: result(2, "refresh_jti"),
          rotated_at: result(2, "issued_at"),
          expires_at: result(2, "refresh_expires_at"),
        },
      },
      {
        kind: "returnData",
        values: {
          user_id: of(currentUser, "unique id"),
          session_id: result(2, "session_id"),
          ...resultsOf(2, ...PAIR),
        },
      },
    ],
  },
  {
    name: "refresh-token",
    flow: "session",
    summary:
      "Rotates the refresh token: a new pair, or the same pair again for a retry, or the session revoked on reuse.",
    parameters: [
      { key: "refresh_token", type: "text" },
      { key: "session_id", type: "text" },
    ],
    settings: PUBLIC,
    steps: [
      findSession,
      decide("refresh", parameter("refresh_token"), SESSION_LIFETIMES),
      {
        kind: "makeChanges",
        thing: SESSION,
        fields: {
          current_jti: result(2, "new_current_jti"),
          rotated_at: result(2, "new_rotated_at"),
          expires_at: result(2, "new_expires_at"),
        },
        onlyWhen: isYes(result(2, "rotate")),
      },
      { kind: "makeChanges", thing: SESSION, fields: { revoked: yes }, onlyWhen: isYes(result(2, "revoke")) },
      {
        kind: "returnData",
        values: { ...resultsOf(2, "user_id", "session_id", ...PAIR), ...refusal(2) },
      },
    ],
  },
  {
    name: "protected-action",
    flow: "session",
    summary: "Your own work, for the user of a live session: a logout or logout-everywhere stops it at once.",
    parameters: [
      { key: "token", type: "text" },
      { key: "session_id", type: "text" },
    ],
    settings: PUBLIC,
    steps: [
      findSession,
      decide("access", parameter("token")),
      { kind: "returnData", values: refusal(2), onlyWhen: isNo(result(2, "ok")) },
      { kind: "terminate", onlyWhen: isNo(result(2, "ok")) },
      { kind: "yourWork", user: sessionField("user"), onlyWhen: isYes(result(2, "ok")) },
      {
        kind: "returnData",
        values: {
          user_id: result(2, "user_id"),
          email: result(2, "email"),
          parameters: result(5, "parameters"),
        },
      },
    ],
  },
  {
    name: "logout",
    flow: "session",
    summary:
      "Ends this session (send the refresh token, or the access token when that is all the client has).",
    parameters: [
      { key: "refresh_token", type: "text", optional: true },
      { key: "token", type: "text", optional: true },
      { key: "session_id", type: "text" },
    ],
    settings: PUBLIC,
    steps: [
      findSession,
      // The client sends one of the two; typed one after the other, the field holds whichever came.
      decide("logout", { join: [parameter("refresh_token"), parameter("token")] }),
      {
        kind: "makeChanges",
        thing: SESSION,
        fields: { revoked: result(2, "new_revoked") },
        onlyWhen: isYes(result(2, "revoke")),
      },
      { kind: "returnData", values: { session_id: result(2, "session_id"), ...refusal(2) } },
    ],
  },
  {
    name: "logout-everywhere",
    flow: "session",
    summary: "Ends every session of the user in one write, however many there are.",
    parameters: [
      { key: "token", type: "text" },
      { key: "session_id", type: "text" },
    ],
    settings: PUBLIC,
    steps: [
      findSession,
      decide("logout_everywhere", parameter("token")),
      {
        kind: "makeChanges",
        thing: sessionField("user"),
        fields: { sessions_revoked_at: result(2, "new_sessions_revoked_at") },
        onlyWhen: isYes(result(2, "end_all_sessions")),
      },
      { kind: "returnData", values: { user_id: result(2, "user_id"), ...refusal(2) } },
    ],
  },
];

/** "Search for Revoked tokens (expires_at > Current date/time):each item's jti": the rows that still matter. */
const REVOKED_IDS: Expression = {
  search: {
    type: "Revoked token",
    constraints: [{ field: "expires_at", op: ">", value: currentDate }],
    take: { each: "jti" },
  },
};

export const ONE_TOKEN_WORKFLOWS: readonly ApiWorkflow[] = [
  {
    name: "token-login",
    flow: "one-token",
    summary: "Logs the user in and answers one token that is both the access token and what refreshes it.",
    parameters: CREDENTIALS,
    settings: PUBLIC,
    steps: [
      LOG_IN,
      {
        kind: "plugin",
        action: "JWT - Generate token",
        fields: { subject: of(currentUser, "unique id"), expires_in: number(3600, "tokenTtlSeconds") },
      },
      { kind: "returnData", values: resultsOf(2, "token", "expires_at") },
    ],
  },
  {
    name: "token-refresh",
    flow: "one-token",
    summary:
      "A new token for one that is still valid (or expired within grace_period, when you set one); the old one is revoked.",
    parameters: [{ key: "token", type: "text" }],
    settings: PUBLIC,
    steps: [
      {
        kind: "plugin",
        action: "JWT - Refresh token",
        fields: {
          token: parameter("token"),
          expires_in: number(3600, "tokenTtlSeconds"),
          // No grace by default (SECURITY.md's checklist: 0 unless clients are often offline). With one, the
          // Revoked token's expires_at must be revoke_until: wired as expires_at instead (the new token's
          // expiry), a token refreshed early could be refreshed again inside its grace period.
          grace_period: number(0, "refreshGraceSeconds"),
          max_session: number(2_592_000),
          revoked_ids: REVOKED_IDS,
        },
      },
      {
        kind: "createThing",
        type: "Revoked token",
        fields: { jti: result(1, "previous_jti"), expires_at: result(1, "revoke_until") },
        onlyWhen: isYes(result(1, "ok")),
      },
      { kind: "returnData", values: { ...resultsOf(1, "token", "expires_at"), ...refusal(1) } },
    ],
  },
  {
    name: "token-protected-action",
    flow: "one-token",
    summary: "Your own work, for the user of a valid one-token-flow token that is not revoked.",
    parameters: [{ key: "token", type: "text" }],
    settings: PUBLIC,
    steps: [
      {
        kind: "plugin",
        action: "JWT - Verify token",
        fields: { token: parameter("token"), revoked_ids: REVOKED_IDS },
      },
      { kind: "returnData", values: refusal(1), onlyWhen: isNo(result(1, "valid")) },
      { kind: "terminate", onlyWhen: isNo(result(1, "valid")) },
      {
        kind: "yourWork",
        user: {
          search: {
            type: "User",
            constraints: [{ field: "unique id", op: "is", value: result(1, "subject") }],
            take: "first item",
          },
        },
        onlyWhen: isYes(result(1, "valid")),
      },
      {
        kind: "returnData",
        values: {
          error_code: text("user_not_found"),
          error_message: text("The token's user no longer exists; sign in again."),
        },
        onlyWhen: isEmpty(of(result(4, "user"))),
      },
      { kind: "terminate", onlyWhen: isEmpty(of(result(4, "user"))) },
      {
        kind: "returnData",
        values: {
          user_id: of(result(4, "user"), "unique id"),
          email: of(result(4, "user"), "email"),
          parameters: result(4, "parameters"),
        },
      },
    ],
  },
];

/** The recommended app: what the guide shows and `npm start` runs. */
export const APP: AppDefinition = {
  dataTypes: DATA_TYPES,
  customEvents: [FIND_SESSION],
  workflows: [...SESSION_WORKFLOWS, ...ONE_TOKEN_WORKFLOWS],
};
