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

/**
 * The try-it commands for a backend at `url`: log in (prints the answer), keep a token in $TOKEN, call
 * protected-action with it as a Bearer header, and exchange it through refresh-token (form-encoded).
 */
export function curlCommands(url: string, demo: { email: string; password: string }): string[] {
  const wf = `${url}/api/1.1/wf`;
  const login = `curl -sS ${wf}/login -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(demo))}`;
  return [
    login,
    `TOKEN=$(${login} | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).response.token')`,
    `curl -sS ${wf}/protected-action -H "Authorization: Bearer $TOKEN" -d note=hello`,
    `curl -sS ${wf}/refresh-token -d "token=$TOKEN"`,
  ];
}

/** The folder relative to the working directory when it is inside it, else in full. */
function shortPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? dir : relative;
}

/** The start-up banner. */
export function banner(server: RunningServer): string {
  const { url, data } = server;
  const wf = `${url}/api/1.1/wf`;
  const created = data.written.length > 0 ? ` (wrote ${data.written.join(", ")})` : "";
  return [
    `Local Bubble backend on ${url}: the seed's workflows, running the built plugin actions as Bubble does.`,
    "",
    `  POST ${wf}/login             email, password → token, expires_at, user_id`,
    `  POST ${wf}/refresh-token     token → a new token (the old one is revoked)`,
    `  POST ${wf}/protected-action  token (or Authorization: Bearer) and any other parameters`,
    `  The same under ${url}/version-test/api/1.1/wf/. Bodies: JSON or form-encoded.`,
    "",
    `Demo user: ${data.demo.email} / ${data.demo.password}`,
    `Tokens last ${server.tokenTtlSeconds} s; an expired one can be refreshed for ${server.refreshGraceSeconds} s more.`,
    `Plugin keys and users: ${shortPath(data.dir)}${created}`,
    "",
    "Try it:",
    ...curlCommands(url, data.demo).map((command) => `  ${command}`),
    "",
    "Ctrl+C stops the server.",
  ].join("\n");
}
