/**
 * The console's token inspector: what the app's own plugin steps say of a pasted token now, with this
 * version's keys: Decode's header and claims, Verify's answer, and the session decision's answer for the
 * Session the token names. It runs the built actions as the workflows do; it writes nothing (the decision's
 * writes are shown, never made), keeps nothing, and drops the actions' log lines and any new token.
 */
import type { RequestRecord } from "../request-record.js";
import type { SessionFacts, UserFacts } from "./sessions-view.js";

type Version = RequestRecord["version"];

export interface TokenInspector {
  /** Runs a built action with this version's plugin keys; its log lines are dropped. */
  call(version: Version, action: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
  session(version: Version, sessionId: string): SessionFacts | undefined;
  user(version: Version, userId: string): UserFacts | undefined;
}

export interface Inspection {
  readonly header?: unknown;
  readonly claims?: unknown;
  readonly decode: Answer;
  readonly verify?: Answer;
  readonly session?: Answer & { readonly purpose: string; readonly found: boolean };
}

type Answer = Readonly<Record<string, unknown>>;

export const SESSION_ACTION = "JWT - Session";
/** Return values left out: tokens (never sent to the page) and what the header and claims already show. */
const LEFT_OUT = new Set(["token", "refresh_token", "claim_names", "claim_values"]);

export async function inspectToken(inspector: TokenInspector, version: Version, token: string) {
  const decode = await inspector.call(version, "JWT - Decode token (unverified)", { token });
  const inspection: { -readonly [K in keyof Inspection]: Inspection[K] } = { decode: summary(decode) };
  if (typeof decode.error_code === "string" && decode.error_code !== "") return inspection;
  inspection.header = parse(decode.header_json);
  inspection.claims = parse(decode.claims_json);
  inspection.verify = summary(await inspector.call(version, "JWT - Verify token", { token }));
  const purpose = decode.token_use === "refresh" ? "refresh" : "access";
  const sessionId = typeof decode.session_id === "string" ? decode.session_id : "";
  const row = sessionId === "" ? undefined : inspector.session(version, sessionId);
  const user = row && inspector.user(version, row.userId);
  try {
    const decided = await inspector.call(version, SESSION_ACTION, {
      token,
      purpose,
      session_id: row?.sessionId,
      session_user_id: user?.id,
      current_jti: row?.currentJti,
      rotated_at: row ? new Date(row.rotatedAt) : undefined,
      revoked: row?.revoked,
      created_at: row ? new Date(row.createdAt) : undefined,
      sessions_revoked_at: user?.sessionsRevokedAt ? new Date(user.sessionsRevokedAt) : undefined,
    });
    inspection.session = { ...summary(decided), purpose, found: row !== undefined };
  } catch (error) {
    inspection.session = {
      purpose,
      found: row !== undefined,
      error: error instanceof Error ? error.message : "the session decision could not run",
    };
  }
  return inspection;
}

/** An action's return values as the page shows them: dates as ISO text, tokens left out. */
function summary(values: Record<string, unknown>): Answer {
  const shown: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (LEFT_OUT.has(name) || name.endsWith("_json")) continue;
    shown[name] = value instanceof Date ? value.toISOString() : value;
  }
  return shown;
}

function parse(value: unknown): unknown {
  if (typeof value !== "string" || value === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
