import { defineConfig } from "vitest/config";

/**
 * The suite StrykerJS runs against each mutant of `api/ledger`: the unit tests and every database
 * test that runs the ledger in this process, on the PostgreSQL server (the faster of the two
 * drivers; the rules do not differ between them). The model test runs its fixed seeds only, so a score is repeatable.
 * `MUTATION_SUITE=unit` keeps the unit tests alone: minutes instead of hours, for the pure core.
 */
const unit = { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } };

/**
 * Tests whose ledger code runs in processes they start (servers, the CLI, a chain node): a mutant
 * there is out of reach of the coverage that picks the tests to run, so they would only cost time.
 */
const PROCESS_TESTS = [
  "backup",
  "chain-mirror",
  "client",
  "crash",
  "owner-lock",
  "production-install",
  "read-replica",
  "server",
  "start-stop",
  "startup",
  "webhook-processes",
  "workers",
].map((name) => `test/db/${name}.test.ts`);

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    projects:
      process.env.MUTATION_SUITE === "unit"
        ? [unit]
        : [
            unit,
            {
              test: {
                name: "postgres",
                include: ["test/db/**/*.test.ts"],
                exclude: PROCESS_TESTS,
                env: { TEST_DB: "postgres", MODEL_SEEDS: "fixed" },
                globalSetup: ["test/helpers/postgres-setup.ts"],
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ],
  },
});
