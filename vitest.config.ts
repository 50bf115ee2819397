import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Apps and user tests under test/fixture are run by the tests, not by this config.
    exclude: ["test/fixture/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each runtime's suite spawns its own server; two files at a time fits 2 cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
