/**
 * A headless Chromium for the console's browser tests, driven by playwright-core. The browser comes from
 * the system (Debian's chromium-headless-shell, which .ci/run installs), never from a download: set
 * CHROMIUM_PATH to use another build (on macOS, Google Chrome's binary).
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium-headless-shell",
  "/usr/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

export function chromiumPath(): string {
  const found = CANDIDATES.find((candidate) => candidate && existsSync(candidate));
  if (!found)
    throw new Error(
      "No Chromium found for the browser tests: apt-get install chromium-headless-shell, or set CHROMIUM_PATH.",
    );
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start. The others keep a closed
    // network quiet: no background requests to hosts this machine cannot reach.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
