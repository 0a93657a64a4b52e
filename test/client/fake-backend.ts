/**
 * A test-only stand-in for the session workflows, at the level of `fetch`: Bubble's envelope, refusals as
 * `error_code`, MISSING_DATA 400, and the session decision the plugin makes: the Session is found by the
 * `session_id` the client sends; a token of another session or user is `revoked`; a refresh rotates
 * (successor rule), is a retry inside the window, or is reuse (revoked); protected-action, logout and
 * logout-everywhere find the Session too (instant logout); protected-action answers user_id, email and
 * the parameters it does not declare (as the recommended workflow's "your work" does). Tokens are opaque random texts shaped like JWTs (so
 * redaction is tested on realistic text). Time is `now`, so tests move it instead of waiting. It lets the
 * client's unit tests run without the local backend; the end-to-end tests use the real one.
 */
import { createHash, randomBytes } from "node:crypto";

export interface FakeOptions {
  readonly tokenTtlMs?: number;
  readonly refreshTtlMs?: number;
  readonly retryWindowMs?: number;
  /** The longest a login lasts, refreshed or not (max_session). */
  readonly maxSessionMs?: number;
  /** Dates as ISO texts instead of milliseconds. */
  readonly isoDates?: boolean;
  /** The backend's clock; default the device's. */
  readonly now?: () => number;
}

export interface FakeRequest {
  readonly url: string;
  readonly workflow: string;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: parameters are read field by field in assertions.
  readonly body: any;
}

interface Session {
  readonly sid: string;
  readonly userId: string;
  readonly createdAt: number;
  currentJti: string;
  rotatedAt: number;
  revoked: boolean;
}

interface Issued {
  readonly kind: "access" | "refresh";
  readonly sid: string;
  readonly sub: string;
  readonly jti: string;
  readonly exp: number;
  readonly authTime: number;
}

type Purpose = "access" | "refresh" | "logout" | "logout_everywhere";
type Refusal = { error_code: string };

const opaque = () =>
  `eyJ${randomBytes(12).toString("base64url")}.${randomBytes(24).toString("base64url")}.sig`;
const successor = (jti: string) =>
  createHash("sha256").update(`successor\0${jti}`).digest().subarray(0, 16).toString("base64url");

export function fakeBackend(options: FakeOptions = {}) {
  const tokenTtlMs = options.tokenTtlMs ?? 60 * 60_000;
  const refreshTtlMs = options.refreshTtlMs ?? 30 * 86_400_000;
  const retryWindowMs = options.retryWindowMs ?? 30_000;
  const maxSessionMs = options.maxSessionMs ?? 30 * 86_400_000;
  const now = options.now ?? (() => Date.now());
  const users = new Map<string, { id: string; email: string; password: string; sessionsRevokedAt: number }>();
  const sessions = new Map<string, Session>();
  const tokens = new Map<string, Issued>();
  const requests: FakeRequest[] = [];
  const date = (ms: number) => (options.isoDates ? new Date(ms).toISOString() : ms);
  const userById = (id: string) => [...users.values()].find((u) => u.id === id);

  function pair(session: Session, refreshJti: string, authTime: number) {
    const at = now();
    const token = opaque();
    const refreshToken = opaque();
    const claims = { sid: session.sid, sub: session.userId, authTime };
    tokens.set(token, {
      kind: "access",
      jti: randomBytes(8).toString("hex"),
      exp: at + tokenTtlMs,
      ...claims,
    });
    tokens.set(refreshToken, { kind: "refresh", jti: refreshJti, exp: at + refreshTtlMs, ...claims });
    return {
      user_id: session.userId,
      session_id: session.sid,
      token,
      expires_at: date(at + tokenTtlMs),
      refresh_token: refreshToken,
      refresh_expires_at: date(at + refreshTtlMs),
    };
  }

  /** The plugin's session decision, up to what each purpose does: the token, then the row it was handed. */
  function decide(
    text: unknown,
    purpose: Purpose,
    sessionId: unknown,
  ): { issued: Issued; session: Session } | Refusal {
    const issued = typeof text === "string" ? tokens.get(text) : undefined;
    if (!issued) return { error_code: "invalid_signature" };
    const kinds: Record<Purpose, Issued["kind"][]> = {
      access: ["access"],
      logout_everywhere: ["access"],
      refresh: ["refresh"],
      logout: ["access", "refresh"],
    };
    if (!kinds[purpose].includes(issued.kind)) return { error_code: "wrong_token_type" };
    if (now() >= issued.exp) return { error_code: "expired" };
    const session = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    // Not found, or another session's or user's: the same answer, so nobody learns which sids exist.
    if (!session || session.sid !== issued.sid || session.userId !== issued.sub)
      return { error_code: "revoked" };
    const user = userById(session.userId);
    if (session.revoked || !user || session.createdAt <= user.sessionsRevokedAt)
      return { error_code: "revoked" };
    if (issued.authTime + maxSessionMs <= now()) return { error_code: "session_expired" };
    return { issued, session };
  }

  type Handler = (p: Record<string, unknown>) => Record<string, unknown>;
  const workflows: Record<string, { required: string[]; run: Handler }> = {
    signup: {
      required: ["email", "password"],
      run(p) {
        const email = p.email as string;
        if (users.has(email)) return { error_code: "email_taken" };
        const id = `user-${users.size + 1}`;
        users.set(email, { id, email, password: p.password as string, sessionsRevokedAt: 0 });
        return { user_id: id };
      },
    },
    login: {
      required: ["email", "password"],
      run(p) {
        const user = users.get(p.email as string);
        if (!user || user.password !== p.password) return { error_code: "invalid_credentials" };
        const session: Session = {
          sid: randomBytes(6).toString("hex"),
          userId: user.id,
          createdAt: now(),
          currentJti: randomBytes(16).toString("base64url"),
          rotatedAt: now(),
          revoked: false,
        };
        sessions.set(session.sid, session);
        return pair(session, session.currentJti, now());
      },
    },
    "refresh-token": {
      required: ["refresh_token", "session_id"],
      run(p) {
        const decided = decide(p.refresh_token, "refresh", p.session_id);
        if ("error_code" in decided) return decided;
        const { issued, session } = decided;
        const next = successor(issued.jti);
        if (session.currentJti === issued.jti) {
          session.currentJti = next;
          session.rotatedAt = now();
          return pair(session, next, issued.authTime);
        }
        if (session.currentJti === next && now() - session.rotatedAt <= retryWindowMs)
          return pair(session, next, issued.authTime);
        session.revoked = true;
        return { error_code: "refresh_token_reused" };
      },
    },
    "protected-action": {
      required: ["token", "session_id"],
      run(p) {
        const decided = decide(p.token, "access", p.session_id);
        if ("error_code" in decided) return decided;
        // Your work: here, the parameters the workflow does not declare, echoed.
        const { token: _token, session_id: _sessionId, ...parameters } = p;
        const user = userById(decided.session.userId);
        return { user_id: user?.id, email: user?.email, parameters };
      },
    },
    logout: {
      required: ["session_id"],
      run(p) {
        const decided = decide(p.refresh_token ?? p.token, "logout", p.session_id);
        if ("error_code" in decided) return decided;
        decided.session.revoked = true;
        return { session_id: decided.session.sid };
      },
    },
    "logout-everywhere": {
      required: ["token", "session_id"],
      run(p) {
        const decided = decide(p.token, "logout_everywhere", p.session_id);
        if ("error_code" in decided) return decided;
        const user = userById(decided.session.userId);
        if (user) user.sessionsRevokedAt = now();
        return { user_id: decided.session.userId };
      },
    },
  };

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  async function fetch(input: string, init: RequestInit): Promise<Response> {
    const url = String(input);
    const match = /\/api\/1\.1\/wf\/([^/?]+)$/.exec(url);
    const workflow = decodeURIComponent(match?.[1] ?? "");
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = JSON.parse(String(init.body ?? "{}"));
    requests.push({ url, workflow, headers, body });
    if (headers.authorization) {
      return json(401, { error_class: "Unauthorized", message: "Invalid or expired token" });
    }
    const handler = workflows[workflow];
    if (!handler)
      return json(404, { statusCode: 404, body: { status: "NOT_FOUND", message: "Workflow not found" } });
    const missing = handler.required.find((name) => body[name] === undefined || body[name] === "");
    if (missing) {
      return json(400, {
        statusCode: 400,
        body: {
          status: "MISSING_DATA",
          message: `Missing parameter for workflow ${workflow}: parameter ${missing}`,
        },
      });
    }
    const response = handler.run(body);
    if (typeof response.error_code === "string") response.error_message = `Refused: ${response.error_code}.`;
    return json(200, { status: "success", response });
  }

  return {
    fetch,
    requests,
    /** Requests to one workflow so far. */
    count: (workflow: string) => requests.filter((r) => r.workflow === workflow).length,
    session: (sid: string) => sessions.get(sid),
    /** Adds a user directly, as if signed up earlier. */
    addUser(email: string, password: string) {
      workflows.signup?.run({ email, password });
    },
  };
}
