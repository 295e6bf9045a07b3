// @ts-check
/**
 * Mutation testing of the ledger (`npm run test:mutation`): every rule in `api/ledger` is broken
 * one mutant at a time and the ledger's tests must notice. Not part of `npm test`: a full run
 * takes long on a 2-core machine. Pass `--mutate <glob>` to score one part.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "test/vitest.mutation.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ["api/ledger/**/*.ts"],
  ignorePatterns: ["data", "dist", "test-output", ".bench-cache", "artifacts", "cache", "coverage"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  // A mutant that loops forever is a timeout (it counts as killed); the database suite needs longer to tell.
  timeoutMS: process.env.MUTATION_SUITE === "unit" ? 5_000 : 30_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "test-output/mutation/index.html" },
  jsonReporter: { fileName: "test-output/mutation/mutation.json" },
  tempDirName: "test-output/.stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
export default config;
