import { existsSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { createAdminKey } from "../api/accounts/organizations.js";
import { deployMirror } from "../api/chain/deploy.js";
import { chainStatus } from "../api/chain/mirror.js";
import { reconcile } from "../api/chain/reconciler.js";
import { verifyAnchor } from "../api/chain/verify-anchor.js";
import { loadConfig, settingErrors } from "../api/config.js";
import { LedgerError } from "../api/ledger/core/errors.js";
import { auditLedger } from "../api/ledger/journal/audit.js";
import { type CertifiedClaim, verifyCertificate } from "../api/ledger/journal/certificate.js";
import { sealJournal } from "../api/ledger/journal/seal.js";
import { importIssuances } from "../api/ledger/ops/issuances.js";
import { createLogger } from "../api/logger.js";
import { csvImportRows } from "../api/routes/issuances/issuances.handlers.js";
import { openRuntime } from "../api/runtime.js";
import { DatabaseInUse } from "../db/owner-lock.js";
import { rows, str } from "../db/values.js";
import { backup, restore } from "./backup.js";
import { seed } from "./seed.js";
import { WALLET_USAGE, wallet } from "./wallet.js";

const USAGE = `Usage: npm run cli -- <command>

  create-admin-key        print a new admin API key (shown once)
  import <issuances.csv>  import issuances, all or nothing; every bad row is reported by line
  seed                    load the demo: real JCM projects and issuances, demo companies, claims
  deploy                  deploy the mirror contract to CHAIN_RPC_URL with CHAIN_PRIVATE_KEY;
                          the last line printed is {"contract":"0x…","chainId":…}
  verify <claim.json | claim id> [--rpc URL]
                          check a claim certificate without trusting the server: the entry hash,
                          the claim fields, the Merkle inclusion proof, and with an RPC URL (or
                          CHAIN_RPC_URL) the on-chain anchor; a claim id is fetched from JCM_API_URL
  audit                   walk the whole journal: hash chains, replay against the tables, coverage
                          and terminal uses (exit 1 on any finding)
  reconcile               ingest new chain events, compare on-chain supply with the ledger,
                          print every difference (exit 1 if there is any)
  backup <file>           the embedded database as a gzipped tar, consistent; while a server
                          runs on DATA_DIR it takes the backup (needs ADMIN_API_KEY, an admin key)
  restore <file>          a backup into an empty DATA_DIR
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

async function loadClaim(source: string): Promise<CertifiedClaim> {
  if (existsSync(source)) return JSON.parse(readFileSync(source, "utf8")) as CertifiedClaim;
  if (!/^clm_[0-9a-z]{1,40}$/.test(source)) throw new Error(`${source} is neither a file nor a claim id`);
  const api = (process.env.JCM_API_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const res = await fetch(`${api}/v1/claims/${source}`);
  if (!res.ok) throw new Error(`${api}/v1/claims/${source} answered ${res.status}`);
  return (await res.json()) as CertifiedClaim;
}

async function verify(args: string[]): Promise<number> {
  const [source, flag, url] = args;
  if (!source) {
    console.error("verify needs a claim: npm run cli -- verify claim.json  (or a claim id)");
    return 2;
  }
  const claim = await loadClaim(source);
  const rpc = flag === "--rpc" ? url : process.env.CHAIN_RPC_URL;
  const steps = verifyCertificate(claim);
  if (rpc) steps.push(await verifyAnchor(claim, rpc));
  else if (claim.certificate?.anchor) {
    steps.push({ step: "anchor", ok: true, detail: "not checked: give --rpc <url> to check the anchor on chain" });
  }
  console.log(`claim ${claim.id}: ${claim.quantity} t, ${claim.serials.join(", ")}, for ${claim.beneficiary?.name}`);
  for (const s of steps) console.log(`${s.ok ? "✓" : "✗"} ${s.step}: ${s.detail}`);
  const failed = steps.filter((s) => !s.ok);
  console.log(failed.length === 0 ? "verified" : `NOT verified: ${failed.map((s) => s.step).join(", ")} failed`);
  return failed.length === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === "deploy") return deploy();
  if (command === "verify") return verify(args);
  if (command === "wallet") return wallet(args, process.env);
  if (!["create-admin-key", "import", "seed", "reconcile", "audit", "backup", "restore"].includes(command)) {
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
  if (command === "backup" || command === "restore") {
    const file = args[0];
    if (!file) {
      console.error(`${command} needs a file: npm run cli -- ${command} jcm-bridge.tar.gz`);
      return 2;
    }
    try {
      return command === "backup" ? await backup(file, config, process.env) : await restore(file, config);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      return 1;
    }
  }
  const log = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn");
  let opened: Awaited<ReturnType<typeof openRuntime>>;
  try {
    opened = await openRuntime(config, log, { chain: command === "reconcile" });
  } catch (error) {
    if (!(error instanceof DatabaseInUse)) throw error;
    console.error(
      `${error.message}\nThe CLI works on the database directly; with the server running, use the API (POST /v1/issuances/import, …).`,
    );
    return 1;
  }
  const { database, deps } = opened;
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
        { id: actorId, role: "admin", country: null, registries: [] },
        csvImportRows(readFileSync(file, "utf8")),
      );
      console.log(JSON.stringify({ imported: imported.length, issuances: imported.map((i) => i.serials) }));
      return 0;
    }
    if (command === "audit") {
      const findings = await auditLedger(deps.db);
      for (const f of findings) console.log(`✗ ${f.rule}: ${f.detail}`);
      console.log(
        findings.length === 0
          ? "✓ the journal, its hash chains and the ledger tables agree"
          : `${findings.length} finding(s)`,
      );
      return findings.length === 0 ? 0 : 1;
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
      const status = await chainStatus(deps.db, mirror, deps.clock());
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
    // The demo's claims carry their proofs from the first page view: nothing else writes meanwhile.
    while (await sealJournal(deps)) {}
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
