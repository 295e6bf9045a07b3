// `npm run build`: the server as JavaScript in dist/, run by plain `node` (`npm start`), so that
// signals reach it directly. With --if-needed (before `npm start`) it builds only when a source
// file is newer than the last build. Plain JavaScript: it runs before anything is compiled.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const stamp = join(root, "dist", ".built");
const sources = ["api", "db", "package.json", "tsconfig.json", "tsconfig.build.json"];

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const stale = () =>
  !existsSync(stamp) || Math.max(...sources.map((s) => newest(join(root, s)))) > statSync(stamp).mtimeMs;

if (process.argv.includes("--if-needed") && !stale()) process.exit(0);

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  console.error(
    "The server is not built (dist/ is missing or older than its sources) and TypeScript is not installed. " +
      "Run `npm run build` where the devDependencies are installed, and ship dist/ with the installation.",
  );
  process.exit(1);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
const built = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
// The typed client is exported by the package (`jcm-bridge/client`): its declarations ship beside it.
const declared = spawnSync(process.execPath, [tsc, "-p", join(root, "scripts", "tsconfig.client.json")], {
  stdio: "inherit",
});
if (declared.status !== 0) process.exit(declared.status ?? 1);
// The migrations are read at run time beside the compiled client.
cpSync(join(root, "db", "migrations"), join(root, "dist", "db", "migrations"), { recursive: true });
writeFileSync(stamp, new Date().toISOString());
