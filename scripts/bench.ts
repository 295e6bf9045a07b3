import { writeFileSync } from "node:fs";
import os from "node:os";
import { measureMirrorGas } from "./bench-gas.js";

/**
 * `npm run bench`: prints the figures and writes bench-results.json in the shape
 * { machine, scenarios: [{ name, db, value, unit, baseline, ratio, p50_ms, p99_ms }] }.
 * Gas is deterministic for a given bytecode, so it has no baseline or latency.
 */
interface Scenario {
  name: string;
  db: string | null;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  at: new Date().toISOString(),
};

const scenarios: Scenario[] = (await measureMirrorGas()).map((g) => ({
  name: `gas_${g.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/_+$/, "")}`,
  db: null,
  value: g.gas,
  unit: "gas",
  baseline: null,
  ratio: null,
  p50_ms: null,
  p99_ms: null,
}));

console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}`);
console.log(`${"scenario".padEnd(28)}${"value".padStart(14)}  unit`);
for (const s of scenarios) console.log(`${s.name.padEnd(28)}${s.value.toLocaleString("en").padStart(14)}  ${s.unit}`);
writeFileSync("bench-results.json", `${JSON.stringify({ machine, scenarios }, null, 2)}\n`);
console.log("wrote bench-results.json");
