// End-to-end tests: the real store (build/web/site) served by the real backend (jupiter-server), driven in
// Debian's headless Chromium. Widgets are found by label through window.jupiterTest (?test=1), never by pixels.
import { defineConfig } from "@playwright/test";
import { chromiumArgs } from "./helpers.mjs";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.mjs/,
  outputDir: "./results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./global-setup.mjs",
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: "/usr/bin/chromium", args: chromiumArgs },
    viewport: { width: 1200, height: 800 },
    trace: "off",
  },
});
