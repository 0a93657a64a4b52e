/**
 * The seed's three backend API workflows, written step by step as a builder clicks them together in
 * Bubble's workflow editor. Every JWT step runs the built plugin action through the Bubble runtime
 * stand-in (`app.step`), exactly as the app would; nothing here touches a token itself.
 */
import { HttpError, type Parameters } from "./request-body.js";
import type { RevocationList } from "./revocations.js";
import type { UserStore } from "./users.js";

/** What a workflow can use: the plugin's actions, the app's data, and the backend's settings. */
export interface App {
  /** Runs one plugin action ("JWT - Verify token", ...) with these fields; its return values. */
  step(action: string, fields: Record<string, unknown>): Promise<Record<string, unknown>>;
  readonly users: UserStore;
  readonly revocations: RevocationList;
  /** Lifetime of issued tokens (`expires_in` of Generate and Refresh), in seconds. */
  readonly tokenTtlSeconds: number;
  /** How long after expiry a token may still be refreshed (`grace_period` of Refresh), in seconds. */
  readonly refreshGraceSeconds: number;
}

export interface WorkflowRequest {
  /** The workflow's parameters, from the JSON or form-encoded body. */
  readonly parameters: Parameters;
  /** The Authorization header, when the client sent one. */
  readonly authorization?: string | undefined;
}

/** "Return data from API": the HTTP status and JSON body, and a short outcome for the request log. */
export interface WorkflowAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly outcome: string;
}

export type Workflow = (request: WorkflowRequest, app: App) => Promise<WorkflowAnswer>;

/** `POST /api/1.1/wf/login` with `email`, `password`. */
const login: Workflow = async ({ parameters }, app) => {
  const email = requiredText(parameters, "email");
  const password = requiredText(parameters, "password");

  // Step 1: Log the user in (email, password). An unknown email and a wrong password fail alike.
  const user = await app.users.logIn(email, password);
  if (!user) return refuse("invalid_credentials", "The email or password is not correct.");

  // Step 2: JWT - Generate token. Subject = Current User's unique id, Email = Current User's email.
  const generated = await app.step("JWT - Generate token", {
    subject: user.id,
    email: user.email,
    expires_in: app.tokenTtlSeconds,
  });

  // Return data from API.
  return succeed({ token: generated.token, expires_at: generated.expires_at, user_id: user.id });
};

/** `POST /api/1.1/wf/refresh-token` with `token` (or `Authorization: Bearer`). */
const refreshToken: Workflow = async (request, app) => {
  // Step 1: JWT - Refresh token. Revoked IDs = Search for Revoked tokens' jti.
  const refreshed = await app.step("JWT - Refresh token", {
    token: tokenOf(request),
    expires_in: app.tokenTtlSeconds,
    grace_period: app.refreshGraceSeconds,
    revoked_ids: app.revocations.ids(),
  });
  if (refreshed.ok !== true) return refuse(String(refreshed.error_code), String(refreshed.error_message));

  // Step 2: Search for Users (unique id = Result of step 1's subject):first item. Only when it exists.
  const user = app.users.findById(String(refreshed.subject));
  if (!user) return refuse("user_not_found", "The token's user no longer exists; sign in again.");

  // Step 3: Create a new Revoked token (jti = Result of step 1's previous_jti), so the old token is spent.
  // Only when it is not revoked yet: of two simultaneous refreshes of one token, only the first counts.
  const previous = String(refreshed.previous_jti ?? "");
  if (previous !== "") {
    if (app.revocations.has(previous)) return refuse("revoked", "The token has been revoked.");
    app.revocations.revoke(previous);
  }

  // Return data from API.
  return succeed({ token: refreshed.token, expires_at: refreshed.expires_at, user_id: user.id });
};

/** `POST /api/1.1/wf/protected-action` with `token` (or `Authorization: Bearer`) and any other parameters. */
const protectedAction: Workflow = async (request, app) => {
  // Step 1: JWT - Verify token. Revoked IDs = Search for Revoked tokens' jti.
  const verified = await app.step("JWT - Verify token", {
    token: tokenOf(request),
    revoked_ids: app.revocations.ids(),
  });
  // Every later step: Only when Result of step 1's valid is yes.
  if (verified.valid !== true) return refuse(String(verified.error_code), String(verified.error_message));

  // Step 2: Search for Users (unique id = Result of step 1's subject):first item.
  const user = app.users.findById(String(verified.subject));
  if (!user) return refuse("user_not_found", "The token's user no longer exists; sign in again.");

  // Step 3: the work itself. Here it echoes the other parameters, to show what the workflow received.
  const { token: _token, ...others } = request.parameters;
  return succeed({ user_id: user.id, email: user.email, parameters: others });
};

/** The workflows by the name in their URL. */
export const WORKFLOWS: Readonly<Record<string, Workflow>> = {
  login,
  "refresh-token": refreshToken,
  "protected-action": protectedAction,
};

function succeed(response: Record<string, unknown>): WorkflowAnswer {
  return { status: 200, body: { status: "success", response }, outcome: "ok" };
}

/** A refused login or token. Clients treat every such answer as "refresh the token, or sign in again". */
function refuse(errorCode: string, message: string): WorkflowAnswer {
  return { status: 401, body: { status: "error", error_code: errorCode, message }, outcome: errorCode };
}

/** A required text parameter; Bubble answers 400 when one is missing. */
function requiredText(parameters: Parameters, name: string): string {
  const value = parameters[name];
  if (value === undefined || value === null || value === "")
    throw new HttpError(400, "missing_parameter", `The ${name} parameter is required.`);
  if (typeof value !== "string")
    throw new HttpError(400, "invalid_parameter", `The ${name} parameter must be text.`);
  return value;
}

/**
 * The token parameter, else the Authorization header when it is a Bearer one (the plugin's actions strip
 * "Bearer " themselves). Empty when neither is there: the action then answers `missing_token`.
 */
function tokenOf({ parameters, authorization }: WorkflowRequest): string {
  const token = parameters.token;
  if (token !== undefined && token !== null && token !== "") {
    if (typeof token !== "string")
      throw new HttpError(400, "invalid_parameter", "The token parameter must be text.");
    return token;
  }
  return authorization && /^bearer\s/i.test(authorization) ? authorization : "";
}
