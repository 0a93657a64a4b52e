import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: scenario children already run Node 18 and Node 22 side by side.
    maxWorkers: 2,
  },
});
