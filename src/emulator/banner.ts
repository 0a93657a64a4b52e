/**
 * What `npm start` prints once the local backend listens: the endpoints, the demo credentials and curl
 * commands that work when pasted into a POSIX shell as printed (a test runs them). Never a key's value.
 */
import path from "node:path";
import type { RunningServer } from "./server.js";

/** Quotes a value for a POSIX shell: single quotes, with each inner single quote closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Reads one field of a workflow's answer from standard input: `node` is there wherever npm is. */
function field(name: string): string {
  return `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).response.${name}'`;
}

/**
 * The try-it commands for a backend at `url`: log in (prints the answer), keep the pair in $TOKEN and
 * $REFRESH and the session in $SESSION, call protected-action with the token as a parameter, and rotate the
 * refresh token. Never an `Authorization: Bearer` header: a live Bubble app answers that itself.
 */
export function curlCommands(url: string, demo: { email: string; password: string }): string[] {
  const wf = `${url}/api/1.1/wf`;
  const login = `curl -sS ${wf}/login -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(demo))}`;
  return [
    login,
    `LOGIN=$(${login})`,
    `TOKEN=$(printf '%s' "$LOGIN" | ${field("token")})`,
    `REFRESH=$(printf '%s' "$LOGIN" | ${field("refresh_token")})`,
    `SESSION=$(printf '%s' "$LOGIN" | ${field("session_id")})`,
    `curl -sS ${wf}/protected-action -d "token=$TOKEN" -d "session_id=$SESSION" -d note=hello`,
    `curl -sS ${wf}/refresh-token -d "refresh_token=$REFRESH" -d "session_id=$SESSION"`,
  ];
}

/** The folder relative to the working directory when it is inside it, else in full. */
function shortPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? dir : relative;
}

/** The start-up banner. */
export function banner(server: RunningServer): string {
  const { url, data, settings } = server;
  const wf = `${url}/api/1.1/wf`;
  const created = data.written.length > 0 ? ` (wrote ${data.written.join(", ")})` : "";
  return [
    `Local Bubble backend on ${url}: the README's backend workflows (docs/workflows.md), run step by step with the built plugin actions as Bubble runs them.`,
    "",
    "  Sessions (for mobile apps; session_id is the one login answered):",
    `  POST ${wf}/signup             email, password → user_id`,
    `  POST ${wf}/login              email, password → token, refresh_token, session_id, ...`,
    `  POST ${wf}/refresh-token      refresh_token, session_id → a new pair`,
    `  POST ${wf}/protected-action   token, session_id and any other parameters`,
    `  POST ${wf}/logout             refresh_token (or token), session_id`,
    `  POST ${wf}/logout-everywhere  token, session_id`,
    "  One token (server to server): token-login, token-refresh, token-protected-action.",
    `  Development: the same under ${url}/version-test/api/1.1/wf/, with its own keys and database.`,
    "  Bodies: JSON or form-encoded. The token is a parameter, never an Authorization: Bearer header.",
    "",
    `Demo user: ${data.demo.email} / ${data.demo.password}`,
    `Access tokens last ${settings.accessTokenTtlSeconds} s, refresh tokens ${settings.refreshTokenTtlSeconds} s idle; a refresh may be retried for ${settings.refreshRetryWindowSeconds} s.`,
    `Plugin keys and databases: ${shortPath(data.dir)}${created}`,
    "",
    "Try it:",
    ...curlCommands(url, data.demo).map((command) => `  ${command}`),
    "",
    "Ctrl+C stops the server.",
  ].join("\n");
}
