import { defineConfig } from "vitest/config";

/**
 * The suite StrykerJS runs against each mutant of `api/ledger`: the unit tests and the database
 * tests of the ledger's rules on the PostgreSQL server (the faster of the two drivers; the rules
 * do not differ between them). The model test runs its fixed seeds only, so a score is repeatable.
 * `MUTATION_SUITE=unit` keeps the unit tests alone: minutes instead of hours, for the pure core.
 */
const unit = { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } };

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
                include: [
                  "test/db/audit.test.ts",
                  "test/db/double-counting.test.ts",
                  "test/db/holding-and-claims.test.ts",
                  "test/db/model.test.ts",
                  "test/db/registry-scope.test.ts",
                  "test/db/registry.test.ts",
                  "test/db/status-and-provenance.test.ts",
                  "test/db/exports.test.ts",
                  "test/db/certificates.test.ts",
                  "test/db/journal-roots.test.ts",
                  "test/db/idempotency.test.ts",
                  "test/db/concurrency.test.ts",
                  "test/db/bounded-answers.test.ts",
                  "test/db/limits.test.ts",
                  "test/db/chain-workers.test.ts",
                ],
                env: { TEST_DB: "postgres", MODEL_SEEDS: "fixed" },
                globalSetup: ["test/helpers/postgres-setup.ts"],
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ],
  },
});
