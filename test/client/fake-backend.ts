/**
 * A test-only stand-in for the session workflows of docs/sessions.md, at the level of `fetch`: Bubble's
 * envelope, refusals as `error_code`, MISSING_DATA 400, and the successor rule with its retry window.
 * Tokens are opaque random texts shaped like JWTs (so redaction is tested on realistic text). It lets the
 * client's unit tests run without the local backend; the end-to-end tests use the real one.
 */
import { createHash, randomBytes } from "node:crypto";

export interface FakeOptions {
  readonly tokenTtlMs?: number;
  readonly refreshTtlMs?: number;
  readonly retryWindowMs?: number;
  /** Dates as ISO texts instead of milliseconds. */
  readonly isoDates?: boolean;
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
  currentJti: string;
  rotatedAt: number;
  revoked: boolean;
}

interface Issued {
  readonly kind: "access" | "refresh";
  readonly sid: string;
  readonly jti: string;
  readonly exp: number;
}

const opaque = () =>
  `eyJ${randomBytes(12).toString("base64url")}.${randomBytes(24).toString("base64url")}.sig`;
const successor = (jti: string) =>
  createHash("sha256").update(`successor\0${jti}`).digest().subarray(0, 16).toString("base64url");

export function fakeBackend(options: FakeOptions = {}) {
  const tokenTtlMs = options.tokenTtlMs ?? 60 * 60_000;
  const refreshTtlMs = options.refreshTtlMs ?? 30 * 86_400_000;
  const retryWindowMs = options.retryWindowMs ?? 30_000;
  const users = new Map<string, { id: string; password: string; revokedAt: number }>();
  const sessions = new Map<string, Session>();
  const tokens = new Map<string, Issued>();
  const requests: FakeRequest[] = [];
  const date = (ms: number) => (options.isoDates ? new Date(ms).toISOString() : ms);

  function pair(session: Session, refreshJti: string) {
    const now = Date.now();
    const token = opaque();
    const refreshToken = opaque();
    tokens.set(token, {
      kind: "access",
      sid: session.sid,
      jti: randomBytes(8).toString("hex"),
      exp: now + tokenTtlMs,
    });
    tokens.set(refreshToken, { kind: "refresh", sid: session.sid, jti: refreshJti, exp: now + refreshTtlMs });
    return {
      user_id: session.userId,
      session_id: session.sid,
      token,
      expires_at: date(now + tokenTtlMs),
      refresh_token: refreshToken,
      refresh_expires_at: date(now + refreshTtlMs),
    };
  }

  function over(session: Session | undefined): boolean {
    if (!session || session.revoked) return true;
    const user = [...users.values()].find((u) => u.id === session.userId);
    return !user || Number(session.sid.split(":")[1]) <= user.revokedAt;
  }

  function checked(text: unknown, kind: Issued["kind"]): Issued | { error_code: string } {
    const issued = typeof text === "string" ? tokens.get(text) : undefined;
    if (!issued) return { error_code: "invalid_signature" };
    if (issued.kind !== kind) return { error_code: "wrong_token_type" };
    if (Date.now() >= issued.exp) return { error_code: "expired" };
    return issued;
  }

  type Handler = (p: Record<string, unknown>) => Record<string, unknown>;
  const workflows: Record<string, { required: string[]; run: Handler }> = {
    signup: {
      required: ["email", "password"],
      run(p) {
        if (users.has(p.email as string)) return { error_code: "email_taken" };
        const id = `user-${users.size + 1}`;
        users.set(p.email as string, { id, password: p.password as string, revokedAt: 0 });
        return { user_id: id };
      },
    },
    login: {
      required: ["email", "password"],
      run(p) {
        const user = users.get(p.email as string);
        if (!user || user.password !== p.password) return { error_code: "invalid_credentials" };
        // The sid carries its creation time, so logout-everywhere can compare it, as Created Date does.
        const session: Session = {
          sid: `${randomBytes(6).toString("hex")}:${Date.now()}`,
          userId: user.id,
          currentJti: randomBytes(16).toString("base64url"),
          rotatedAt: Date.now(),
          revoked: false,
        };
        sessions.set(session.sid, session);
        return pair(session, session.currentJti);
      },
    },
    "refresh-token": {
      required: ["refresh_token"],
      run(p) {
        const issued = checked(p.refresh_token, "refresh");
        if ("error_code" in issued) return issued;
        const session = sessions.get(issued.sid);
        if (!session || over(session)) return { error_code: "revoked" };
        const next = successor(issued.jti);
        if (session.currentJti === issued.jti) {
          session.currentJti = next;
          session.rotatedAt = Date.now();
          return pair(session, next);
        }
        if (session.currentJti === next && Date.now() - session.rotatedAt <= retryWindowMs)
          return pair(session, next);
        session.revoked = true;
        return { error_code: "refresh_token_reused" };
      },
    },
    "protected-action": {
      required: ["token"],
      run(p) {
        const issued = checked(p.token, "access");
        if ("error_code" in issued) return issued;
        const { token: _token, ...rest } = p;
        return { user_id: sessions.get(issued.sid)?.userId, ...rest };
      },
    },
    logout: {
      required: [],
      run(p) {
        const issued = checked(p.refresh_token ?? p.token, p.refresh_token ? "refresh" : "access");
        if ("error_code" in issued) return issued;
        const session = sessions.get(issued.sid);
        if (!session || over(session)) return { error_code: "revoked" };
        session.revoked = true;
        return { session_id: session.sid };
      },
    },
    "logout-everywhere": {
      required: ["token"],
      run(p) {
        const issued = checked(p.token, "access");
        if ("error_code" in issued) return issued;
        const session = sessions.get(issued.sid);
        const user = [...users.values()].find((u) => u.id === session?.userId);
        if (!user) return { error_code: "user_not_found" };
        user.revokedAt = Date.now();
        return { user_id: user.id };
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
