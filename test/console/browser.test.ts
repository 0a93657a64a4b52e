/**
 * The console in a real browser (headless Chromium): the mobile client logs in and refreshes, a stolen copy
 * of its first refresh token is presented after the retry window, and the console shows the session ended by
 * reuse with its timeline; a request opens to its steps, skipped ones included; a session ended from the
 * console refuses the client's next call; the inspector reads a token. The backend and the clients share a
 * clock the test moves. Screenshots go to docs/screenshots when CONSOLE_SCREENSHOTS=1 (the README shows
 * one), else to a temporary folder.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type FetchFunction } from "../../client/src/index.js";
import { startTestServer, type TestServer } from "../backend/support.js";
import { testClock } from "../client/clock.js";
import { launchBrowser } from "../support/browser.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const shots = process.env.CONSOLE_SCREENSHOTS
  ? path.resolve("docs/screenshots")
  : mkdtempSync(path.join(tmpdir(), "console-shots-"));
const user = { email: "browser@example.com", password: "a-long-enough-password" };
const clock = testClock();
/** Past the access token's 15 minutes and the 30-second retry window. */
const ACCESS_TTL_MS = 900_000;
const RETRY_WINDOW_MS = 30_000;
/** Every refresh token the backend answered the clients with, oldest first (what a thief could copy). */
const refreshTokens: string[] = [];
const recording: FetchFunction = async (url, init) => {
  const response = await fetch(url, init);
  const text = await response.text();
  const answer = JSON.parse(text)?.response ?? {};
  if (typeof answer.refresh_token === "string") refreshTokens.push(answer.refresh_token);
  return new Response(text, { status: response.status, headers: response.headers });
};
const phone = () => createClient({ appUrl: server.url, fetch: recording, clock, refreshMargin: 0 });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startTestServer({ now: clock.now });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("dialog", (dialog) => dialog.accept());
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("console in a browser", () => {
  it("shows a session ended by reuse, with its login, rotation and reuse on the timeline", async () => {
    const client = phone();
    const info = await client.signUp(user.email, user.password);
    const stolen = refreshTokens.at(-1) as string;
    clock.advance(ACCESS_TTL_MS + 1000);
    await client.call("protected-action", { note: "after a refresh" });
    clock.advance(RETRY_WINDOW_MS + 1000);
    const reused = await server.post("refresh-token", { refresh_token: stolen, session_id: info.sessionId });
    expect(reused.json.response.error_code).toBe("refresh_token_reused");
    await expect(client.call("protected-action", {})).rejects.toThrow();
    const login = { session_id: info.sessionId };

    await page.goto(server.url);
    const session = page.locator(`.session[data-session="${login.session_id}"]`);
    await expect.poll(() => session.getAttribute("data-state")).toBe("ended by reuse");
    const kinds = await session
      .locator("g.event")
      .evaluateAll((marks) => marks.map((m) => m.getAttribute("data-kind")));
    expect(kinds.filter((kind) => kind !== "call" && kind !== "refused")).toEqual([
      "login",
      "rotation",
      "reuse",
    ]);
    expect(kinds).toContain("call");
    await page.screenshot({ path: path.join(shots, "console-sessions.png"), fullPage: true });
  });

  it("lists requests newest first, updates without a reload, and opens one to its steps", async () => {
    await page.goto(server.url);
    await page.getByRole("button", { name: "Requests" }).click();
    await page.locator("tr.request").first().waitFor();
    const before = await page.locator("tr.request").count();
    await phone().logIn(user.email, user.password);
    await expect.poll(() => page.locator("tr.request").count()).toBe(before + 1);
    await expect(page.locator("tr.request").first().locator("td").nth(1).textContent()).resolves.toBe(
      "login",
    );

    const reuse = page.locator('tr.request[data-outcome="refresh_token_reused"]').first();
    await reuse.click();
    const steps = page.locator(`tr.steps[data-for="${await reuse.getAttribute("data-id")}"] li`);
    await expect.poll(() => steps.count()).toBeGreaterThan(0);
    const statuses = await steps.evaluateAll((items) =>
      items.map((item) => item.getAttribute("data-status")),
    );
    expect(statuses).toContain("ran");
    expect(statuses).toContain("skipped");
    await page.screenshot({ path: path.join(shots, "console-requests.png"), fullPage: true });

    await page.getByLabel("Outcome").selectOption("refused");
    await expect.poll(() => page.locator('tr.request[data-outcome="ok"]').count()).toBe(0);
    expect(await page.locator("tr.request").count()).toBeGreaterThan(0);
    await page.getByLabel("Outcome").selectOption("");
  });

  it("ends a session from the console, and the client's next call is refused", async () => {
    const client = phone();
    const ended: string[] = [];
    client.onSessionEnd((reason) => ended.push(reason));
    const info = await client.logIn(user.email, user.password);
    await expect(client.call("protected-action", { note: "before" })).resolves.toMatchObject({
      user_id: info.userId,
    });

    await page.goto(server.url);
    const session = page.locator(`.session[data-session="${info.sessionId}"]`);
    await expect.poll(() => session.getAttribute("data-state")).toBe("active");
    await session.getByRole("button", { name: "End session" }).click();
    await expect.poll(() => session.getAttribute("data-state")).toBe("ended from the console");

    await expect(client.call("protected-action", { note: "after" })).rejects.toThrow();
    expect(ended).toEqual(["revoked"]);
    expect(await client.session()).toBeNull();
  });

  it("inspects a pasted token with this version's keys", async () => {
    const pair = await server.login(user);
    await page.goto(server.url);
    await page.getByRole("button", { name: "Token inspector" }).click();
    await page.locator("textarea[name=token]").fill(pair.token);
    await page.getByRole("button", { name: "Inspect", exact: true }).click();
    const text = () => page.locator("#inspection").textContent();
    await expect.poll(text).toContain(pair.session_id);
    expect(await text()).toContain('"valid": true');
    expect(await text()).not.toContain(pair.token);
    await page.screenshot({ path: path.join(shots, "console-inspector.png"), fullPage: true });
  });
});
