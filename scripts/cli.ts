import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { createAdminKey } from "../api/accounts/organizations.js";
import { deployMirror } from "../api/chain/deploy.js";
import { chainStatus } from "../api/chain/mirror.js";
import { reconcile } from "../api/chain/reconciler.js";
import { loadConfig, settingErrors } from "../api/config.js";
import { LedgerError } from "../api/ledger/errors.js";
import { importIssuances } from "../api/ledger/issuances.js";
import { createLogger } from "../api/logger.js";
import { csvImportRows } from "../api/routes/issuances/issuances.handlers.js";
import { openRuntime } from "../api/runtime.js";
import { rows, str } from "../db/values.js";
import { seed } from "./seed.js";
import { WALLET_USAGE, wallet } from "./wallet.js";

const USAGE = `Usage: npm run cli -- <command>

  create-admin-key        print a new admin API key (shown once)
  import <issuances.csv>  import issuances, all or nothing; every bad row is reported by line
  seed                    load the demo: real JCM projects and issuances, demo companies, claims
  deploy                  deploy the mirror contract to CHAIN_RPC_URL with CHAIN_PRIVATE_KEY;
                          the last line printed is {"contract":"0x…","chainId":…}
  reconcile               ingest new chain events, compare on-chain supply with the ledger,
                          print every difference (exit 1 if there is any)
${WALLET_USAGE}
                          a holder's wallet (WALLET_PRIVATE_KEY or WALLET_DEV_ACCOUNT=n)
  help                    this text

The database is the one the server uses: DATABASE_URL, or the embedded one in DATA_DIR.
Stop a server running on the same DATA_DIR first: the embedded database has one owner.`;

const DeployEnv = z.object({
  CHAIN_RPC_URL: z.url(),
  CHAIN_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex private key"),
  BRIDGE_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  PUBLIC_BASE_URL: z.url().default("http://127.0.0.1:8787"),
});

async function deploy(): Promise<number> {
  const env = DeployEnv.safeParse(process.env);
  if (!env.success) {
    console.error(`deploy needs CHAIN_RPC_URL and CHAIN_PRIVATE_KEY:\n${settingErrors(env.error)}`);
    return 2;
  }
  const baseUri = `${env.data.PUBLIC_BASE_URL.replace(/\/$/, "")}/v1/tokens/`;
  console.error(`Deploying the mirror contract to ${env.data.CHAIN_RPC_URL} (token metadata at ${baseUri}{id})…`);
  const deployed = await deployMirror({
    rpcUrl: env.data.CHAIN_RPC_URL,
    privateKey: env.data.CHAIN_PRIVATE_KEY as Hex,
    bridge: env.data.BRIDGE_ADDRESS as Address | undefined,
    baseUri,
  });
  console.error(
    `Deployed in block ${deployed.blockNumber} (tx ${deployed.txHash}); set CHAIN_START_BLOCK=${deployed.blockNumber}.`,
  );
  console.log(JSON.stringify({ contract: deployed.contract, chainId: deployed.chainId }));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === "deploy") return deploy();
  if (command === "wallet") return wallet(args, process.env);
  if (!["create-admin-key", "import", "seed", "reconcile"].includes(command)) {
    console.error(`Unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const log = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn");
  const { database, deps } = await openRuntime(config, log, { chain: command === "reconcile" });
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
    if (command === "reconcile") {
      const mirror = deps.mirror;
      if (!mirror) {
        console.error("reconcile needs the chain mirror: set CHAIN_RPC_URL, CHAIN_PRIVATE_KEY and MIRROR_CONTRACT");
        return 2;
      }
      await mirror.listener.pollOnce();
      const at = await mirror.listener.cursor();
      if (at !== undefined) await reconcile(deps, mirror.chain, at);
      const status = await chainStatus(deps.db, mirror);
      console.log(
        JSON.stringify({
          lastBlockSeen: status.lastBlockSeen,
          outboxPending: status.outboxPending,
          drift: status.drift,
        }),
      );
      return status.drift.length > 0 ? 1 : 0;
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
