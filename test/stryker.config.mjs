// @ts-check
/**
 * Mutation testing of the ledger (`npm run test:mutation`): every rule in `api/ledger` is broken
 * one mutant at a time and the ledger's tests must notice. Not part of `npm test`: a full run
 * takes hours on a 2-core machine, so runs are incremental: `test/mutation/stryker-incremental.json`
 * (committed on one line: StrykerJS writes it indented, over 2 MB) keeps every mutant's result, and
 * a run tests again only the mutants whose code or covering tests changed since (or that were never tested: an interrupted run saves what it did).
 * Pass `--mutate <glob>` to score one part.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const unitSuite = process.env.MUTATION_SUITE === "unit";
const config = {
  testRunner: "vitest",
  vitest: { configFile: "test/vitest.mutation.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ["api/ledger/**/*.ts"],
  ignorePatterns: ["data", "dist", "test-output", ".bench-cache", "artifacts", "cache", "coverage"],
  coverageAnalysis: "perTest",
  // A mutant that only runs while a module loads (a module-level table) needs the whole suite run for
  // it: the database suite reports such static mutants as ignored; the unit suite is fast enough to
  // score them, and so scores the rules table.
  ignoreStatic: !unitSuite,
  incremental: true,
  incrementalFile: `test/mutation/stryker-incremental${unitSuite ? "-unit" : ""}.json`,
  // With the TypeScript checker, half the processes check and half run tests.
  concurrency: 4,
  // A mutant that loops forever is a timeout (it counts as killed); the database suite needs longer to tell.
  timeoutMS: unitSuite ? 5_000 : 30_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "test-output/mutation/index.html" },
  jsonReporter: { fileName: "test-output/mutation/mutation.json" },
  tempDirName: "test-output/.stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
export default config;
