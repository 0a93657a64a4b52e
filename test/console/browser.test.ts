/**
 * The console in a real browser (headless Chromium): a client logs in, refreshes and reuses a refresh
 * token, and the console shows the session ended by reuse with its timeline; a request opens to its steps,
 * skipped ones included; a session ended from the console refuses the client's next call; the inspector reads
 * a token. Screenshots go to docs/screenshots when CONSOLE_SCREENSHOTS=1 (the README shows one), else to a
 * temporary folder.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../backend/support.js";
import { launchBrowser } from "../support/browser.js";

let server: TestServer;
let browser: Browser;
let page: Page;
const shots = process.env.CONSOLE_SCREENSHOTS
  ? path.resolve("docs/screenshots")
  : mkdtempSync(path.join(tmpdir(), "console-shots-"));
const user = { email: "browser@example.com", password: "a-long-enough-password" };
let clock = Date.now();

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // The backend's clock moves by hand: a rotated-away refresh token is reuse once the window has passed.
  server = await startTestServer({ now: () => clock });
  await server.post("signup", user);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on("dialog", (dialog) => dialog.accept());
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const refresh = (pair: { refresh_token: string; session_id: string }) =>
  server.post("refresh-token", { refresh_token: pair.refresh_token, session_id: pair.session_id });

describe("console in a browser", () => {
  it("shows a session ended by reuse, with its login, rotation and reuse on the timeline", async () => {
    const login = await server.login(user);
    const rotated = await refresh(login);
    expect(rotated.json.response.error_code).toBeUndefined();
    clock += 31_000;
    const reused = await refresh(login);
    expect(reused.json.response.error_code).toBe("refresh_token_reused");

    await page.goto(server.url);
    const session = page.locator(`.session[data-session="${login.session_id}"]`);
    await expect.poll(() => session.getAttribute("data-state")).toBe("ended by reuse");
    const kinds = await session
      .locator("g.event")
      .evaluateAll((marks) => marks.map((m) => m.getAttribute("data-kind")));
    expect(kinds).toEqual(["login", "rotation", "reuse"]);
    await page.screenshot({ path: path.join(shots, "console-sessions.png"), fullPage: true });
  });

  it("lists requests newest first, updates without a reload, and opens one to its steps", async () => {
    await page.goto(server.url);
    await page.getByRole("button", { name: "Requests" }).click();
    await page.locator("tr.request").first().waitFor();
    const before = await page.locator("tr.request").count();
    const pair = await server.login(user);
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
    expect(pair.session_id).toBeTruthy();
  });

  it("ends a session from the console, and the client's next call is refused", async () => {
    const pair = await server.login(user);
    const call = () => server.post("protected-action", { token: pair.token, session_id: pair.session_id });
    expect((await call()).json.response.error_code).toBeUndefined();

    await page.goto(server.url);
    const session = page.locator(`.session[data-session="${pair.session_id}"]`);
    await expect.poll(() => session.getAttribute("data-state")).toBe("active");
    await session.getByRole("button", { name: "End session" }).click();
    await expect.poll(() => session.getAttribute("data-state")).toBe("ended from the console");

    expect((await call()).json.response.error_code).toBe("revoked");
    expect((await refresh(pair)).json.response.error_code).toBe("revoked");
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
