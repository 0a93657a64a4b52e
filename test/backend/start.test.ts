/**
 * `npm start` as a user runs it: a child process that prints a banner whose curl commands work when pasted
 * into a shell (curl is run for real), that the README shows the same commands, and that SIGINT and
 * SIGTERM stop it cleanly, letting a request in flight finish.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { banner, curlCommands } from "../../src/emulator/banner.js";
import { ENVIRONMENT } from "../../src/emulator/env.js";
import { DEFAULT_DEMO, FILES } from "../../src/emulator/local-data.js";
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SETTINGS } from "../../src/emulator/server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dataRoot = mkdtempSync(path.join(tmpdir(), "jwt-start-"));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly banner: string;
  /** Everything the child printed so far. */
  output(): string;
  /** Resolves when the output contains `text`. */
  waitFor(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm start`'s command (without npm in between, so signals reach it directly). */
async function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ["tools/run-ts.mjs", "src/emulator/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOCAL_DATA_DIR: path.join(dataRoot, "data"), ...env },
  });
  let output = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (data: Buffer) => {
    output += data.toString("utf8");
    for (const waiter of waiters.filter((w) => output.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  // Rejects when the child exits first (its output has arrived by then: "exit" follows the streams' data).
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (output.includes(text)) return resolve();
      waiters.push({ text, resolve });
      void exited.then(() => reject(new Error(`exited without printing "${text}":\n${output}`)));
    });
  await waitFor("Ctrl+C stops the server.");
  return { child, banner: output, output: () => output, waitFor, exited };
}

/** The commands under "Try it:", as a user would copy them. */
function tryItCommands(banner: string): string[] {
  const lines = banner.split("\n");
  const first = lines.indexOf("Try it:") + 1;
  const last = lines.indexOf("", first);
  return lines.slice(first, last).map((line) => line.replace(/^ {2}/, ""));
}

/** Runs commands in a POSIX shell, as if pasted one after the other; their standard output. */
function runInShell(commands: readonly string[]): Promise<string> {
  const script = ["set -e", ...commands].join("\n");
  return new Promise((resolve, reject) => {
    execFile(
      "/bin/sh",
      ["-c", script],
      {
        timeout: 30_000,
        // The node that runs the tests is the one on the user's PATH in the commands.
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` },
      },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

function urlOf(banner: string): string {
  const url = /Local Bubble backend on (http:\/\/127\.0\.0\.1:\d+):/.exec(banner)?.[1];
  if (!url) throw new Error(`no URL in the banner:\n${banner}`);
  return url;
}

function expectSuccessfulTry(stdout: string, email: string): void {
  const answers = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  expect(answers).toHaveLength(3);
  const [login, work, refresh] = answers;
  expect(login.status).toBe("success");
  expect(login.response.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(work).toEqual({
    status: "success",
    response: { user_id: login.response.user_id, email, parameters: { note: "hello" } },
  });
  expect(refresh.status).toBe("success");
  expect(refresh.response.refresh_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(refresh.response.user_id).toBe(login.response.user_id);
}

describe("npm start", () => {
  it("prints a banner whose curl commands work as printed, and stops cleanly on SIGINT", async () => {
    const started = await start({});
    const url = urlOf(started.banner);
    expect(started.banner).toContain(
      `Demo user (development version only (/version-test), never live): ${DEFAULT_DEMO.email} / ${DEFAULT_DEMO.password}`,
    );
    expect(started.banner).toContain(`POST ${url}/api/1.1/wf/login`);
    expect(started.banner).toContain(`${url}/version-test/api/1.1/wf/`);
    expect(started.banner).toContain(
      "(wrote plugin-keys.json, live.sqlite, plugin-keys.version-test.json, version-test.sqlite)",
    );
    expect(started.banner).toContain("the README's backend workflows");
    expect(started.banner).not.toContain("seed");
    expect(started.banner).not.toMatch(/-H ["']Authorization/);
    const secrets = Object.values(FILES).map(
      (files) => JSON.parse(readFileSync(path.join(dataRoot, "data", files.keys), "utf8"))["JWT Secret"],
    );
    for (const secret of secrets) expect(started.banner).not.toContain(secret);

    const commands = tryItCommands(started.banner);
    expect(commands).toEqual(curlCommands(url, DEFAULT_DEMO));
    expectSuccessfulTry(await runInShell(commands), DEFAULT_DEMO.email);

    // One log line per request: two logins, protected-action, refresh-token, each with its costs.
    await started.waitFor("refresh-token 200");
    const requests = started.output().slice(started.banner.length).trim().split("\n");
    expect(
      requests.map((line) => line.split(" ").slice(1, 4).concat(line.split(" ").slice(6, 9)).join(" ")),
    ).toEqual([
      "POST /version-test/api/1.1/wf/login 200 actions=1 searches=0 writes=1",
      "POST /version-test/api/1.1/wf/login 200 actions=1 searches=0 writes=1",
      "POST /version-test/api/1.1/wf/protected-action 200 actions=1 searches=1 writes=0",
      "POST /version-test/api/1.1/wf/refresh-token 200 actions=1 searches=1 writes=1",
    ]);
    for (const secret of secrets) expect(started.output()).not.toContain(secret);
    expect(requests.join("\n")).not.toContain(DEFAULT_DEMO.password);

    started.child.kill("SIGINT");
    expect(await started.exited).toEqual({ code: 0, signal: null });
    expect(started.output()).toContain("SIGINT: stopping");
    expect(started.output().trimEnd().endsWith("Stopped.")).toBe(true);
    await expect(fetch(`${url}/api/1.1/wf/login`, { method: "POST" })).rejects.toThrow();
  }, 90_000);

  it("quotes unusual demo credentials for the shell, and on SIGTERM finishes a request in flight first", async () => {
    const demo = { email: "o'brien@example.com", password: `it's "quoted" $HOME` };
    const started = await start({ DEMO_EMAIL: demo.email, DEMO_PASSWORD: demo.password });
    expect(started.banner).not.toContain("(wrote");
    const url = urlOf(started.banner);
    expectSuccessfulTry(await runInShell(tryItCommands(started.banner)), demo.email);

    // Headers with Expect: 100-continue; the server's "100 Continue" shows it is handling the request.
    const body = JSON.stringify(demo);
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let reply = "";
    socket.on("data", (data) => {
      reply += data.toString("utf8");
    });
    socket.write(
      `POST /api/1.1/wf/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await until(() => reply.startsWith("HTTP/1.1 100 Continue"));
    started.child.kill("SIGTERM");
    await started.waitFor("SIGTERM: stopping");
    socket.write(body);
    const closed = new Promise((resolve) => socket.on("close", resolve));

    expect(await started.exited).toEqual({ code: 0, signal: null });
    await closed;
    expect(reply).toMatch(/HTTP\/1\.1 200 OK[\s\S]*"status":"success"/);
    expect(started.output().trimEnd().endsWith("Stopped.")).toBe(true);
  }, 90_000);

  it("refuses a bad setting with a message naming the variable", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["tools/run-ts.mjs", "src/emulator/start.ts"],
        { cwd: ROOT, env: { ...process.env, TOKEN_TTL_SECONDS: "an hour" }, timeout: 60_000 },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe("TOKEN_TTL_SECONDS must be a whole number from 1 to 15777000.");
  }, 90_000);
});

describe("npm start with a weak key", () => {
  it("refuses to start, in one line naming the key, the version and where it came from", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["tools/run-ts.mjs", "src/emulator/start.ts"],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            PORT: "0",
            LOCAL_DATA_DIR: path.join(dataRoot, "weak"),
            JWT_SECRET: "changeme",
          },
          timeout: 60_000,
        },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Cannot start: the live JWT Secret \(from JWT_SECRET\) is refused \(weak_key\): The JWT Secret plugin key /,
    );
    expect(result.stderr).not.toContain("changeme");
  }, 90_000);
});

describe("the banner", () => {
  it("names the demo user's version, says when its password was changed, and prints the start's notes", () => {
    const demo = { ...DEFAULT_DEMO, userId: "1700000000000x100000000000000001", passwordWorks: false };
    const text = banner({
      url: "http://127.0.0.1:8787",
      settings: DEFAULT_SETTINGS,
      data: { dir: "/data", demo, written: [], notes: ["A note of this start."] },
    });
    expect(text).toContain(
      "Demo user (development version only (/version-test), never live): demo@example.com, with the password you gave it (a start no longer resets it; DEMO_PASSWORD=<password> sets one, put it in place of <password> below).",
    );
    expect(text).not.toContain(DEFAULT_DEMO.password);
    expect(text).toContain(`-d '{"email":"demo@example.com","password":"<password>"}'`);
    expect(text).toContain("\nA note of this start.\n");
  });
});

describe("the README's Local backend section", () => {
  it(`shows the banner's curl commands for ${DEFAULT_HOST}:${DEFAULT_PORT}, as printed`, () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const command of curlCommands(`http://${DEFAULT_HOST}:${DEFAULT_PORT}`, DEFAULT_DEMO)) {
      expect(readme).toContain(`\n${command}\n`);
    }
  });

  it("lists every environment variable npm start reads", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Local backend"), readme.indexOf("## Development"));
    for (const name of ENVIRONMENT) expect(section).toContain(`\`${name}\``);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error("timed out waiting");
}
