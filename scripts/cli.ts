import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { createAdminKey } from "../api/accounts/organizations.js";
import { loadConfig } from "../api/config.js";
import { LedgerError } from "../api/ledger/errors.js";
import { importIssuances } from "../api/ledger/issuances.js";
import { createLogger } from "../api/logger.js";
import { csvImportRows } from "../api/routes/issuances/issuances.handlers.js";
import { openRuntime } from "../api/runtime.js";
import { rows, str } from "../db/values.js";
import { seed } from "./seed.js";

const USAGE = `Usage: npm run cli -- <command>

  create-admin-key        print a new admin API key (shown once)
  import <issuances.csv>  import issuances, all or nothing; every bad row is reported by line
  seed                    load the demo: real JCM projects and issuances, demo companies, claims
  help                    this text

The database is the one the server uses: DATABASE_URL, or the embedded one in DATA_DIR.
Stop a server running on the same DATA_DIR first: the embedded database has one owner.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!["create-admin-key", "import", "seed"].includes(command)) {
    console.error(`Unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  const log = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn");
  const { database, deps } = await openRuntime(config, log);
  try {
    if (command === "create-admin-key") {
      const key = await createAdminKey(deps);
      console.error(`Admin key ${key.id} for organization ${key.organizationId}. It is shown once; keep it secret.`);
      console.log(key.key);
      return 0;
    }
    if (command === "import") {
      const file = args[0];
      if (!file) {
        console.error("import needs a CSV file: npm run cli -- import issuances.csv");
        return 2;
      }
      const [admin] = await rows(deps.db, sql`SELECT id FROM organizations WHERE role = 'admin' ORDER BY id LIMIT 1`);
      const actorId = admin ? str(admin.id) : (await createAdminKey(deps)).organizationId;
      const imported = await importIssuances(
        deps,
        { id: actorId, role: "admin", country: null },
        csvImportRows(readFileSync(file, "utf8")),
      );
      console.log(JSON.stringify({ imported: imported.length, issuances: imported.map((i) => i.serials) }));
      return 0;
    }
    const result = await seed(deps);
    if (result.alreadySeeded) {
      console.log("The demo data is already there; nothing to do.");
      return 0;
    }
    console.log(
      `Seeded ${result.projects} projects, ${result.issuances} issuances, claims ${result.claims.join(", ")}.\n` +
        "API keys of the demo organizations (shown once):",
    );
    for (const k of result.keys) console.log(`  ${k.role.padEnd(10)} ${k.organization.padEnd(46)} ${k.key}`);
    return 0;
  } catch (error) {
    if (error instanceof LedgerError) {
      console.error(`${error.shortMessage} (${error.code})`);
      const extra = error.extensions();
      for (const e of (extra.errors as { path: string; message: string }[] | undefined) ?? []) {
        console.error(`  ${e.path}: ${e.message}`);
      }
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
