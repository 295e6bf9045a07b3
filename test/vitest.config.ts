import { defineConfig } from "vitest/config";

const dbTests = ["test/db/**/*.test.ts"];
// In CI, files and the tests in them run in a random order (the seed is printed): no test may lean on another.
const slow = { testTimeout: 60_000, hookTimeout: 120_000, sequence: { shuffle: process.env.CI === "true" } };

/**
 * One suite, every driver: the database tests run once on embedded PGlite and once on the
 * PostgreSQL server (a fresh database per test file, cloned from a migrated template).
 */
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], sequence: slow.sequence } },
      { test: { name: "contracts", include: ["test/contracts/**/*.test.ts"], ...slow } },
      { test: { name: "browser", include: ["test/browser/**/*.test.ts"], ...slow } },
      {
        test: {
          name: "pglite",
          include: dbTests,
          env: { TEST_DB: "pglite" },
          ...slow,
        },
      },
      {
        test: {
          name: "postgres",
          include: dbTests,
          env: { TEST_DB: "postgres" },
          globalSetup: ["test/helpers/postgres-setup.ts"],
          ...slow,
        },
      },
    ],
  },
});
