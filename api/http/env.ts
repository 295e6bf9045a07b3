import type { Db, PoolStats } from "../../db/client.js";
import type { ReadReplica } from "../../db/replica.js";
import type { Authenticated } from "../accounts/organizations.js";
import type { ChainMirror } from "../chain/mirror.js";
import type { Deps } from "../ledger/ops/deps.js";
import type { RateLimits } from "./rate-limit.js";

export interface AppConfig {
  /** Largest request body, in bytes, except for imports. */
  maxBodyBytes: number;
  /** Largest body of `POST /v1/issuances/import`. */
  maxImportBytes: number;
  /** The body of `POST /v1/claims/batch`: up to 1,000 claims. */
  maxBatchBytes: number;
  /** How often the background sealer seals new journal entries. */
  journalSealMs: number;
  /** Most parts one answer of `POST /v1/status` may describe. */
  statusBatchMaxParts: number;
  /** Where this service is reached from outside; token metadata links to it. */
  publicBaseUrl: string;
  /** The bearer token `/metrics` asks of callers other than the machine itself; unset: loopback only. */
  metricsToken?: string | undefined;
  /** Webhook targets may be private addresses (tests, private deployments); the send's timeout. */
  webhooks: { allowPrivate: boolean; timeoutMs: number };
}

/** `mirror` is absent when the chain mirror is not configured. */
export type AppDeps = Deps & {
  config: AppConfig;
  limits: RateLimits;
  mirror?: ChainMirror | undefined;
  /** A backup of the embedded database (absent on PostgreSQL). */
  backup?: (() => Promise<Blob>) | undefined;
  /** The PostgreSQL pool's connections, for `/metrics` (absent on PGlite). */
  poolStats?: (() => PoolStats) | undefined;
  /** The streaming replica public reads go to (`DATABASE_READ_URL`); absent: everything reads the primary. */
  replica?: ReadReplica | undefined;
  /**
   * On a request the replica serves, the primary: keys are checked there, so that a key made or
   * revoked a moment ago counts at once.
   */
  primary?: Db | undefined;
};

/** Per-request variables. `deps.db` is the request's transaction where the request has one. */
export interface AppEnv {
  /** What @hono/node-server passes; absent when the app is called in-process. */
  Bindings: { outgoing?: { setHeader(name: string, value: string): unknown } } | undefined;
  Variables: {
    deps: AppDeps;
    auth: Authenticated | undefined;
    requestId: string;
    /** What an idempotent replay answers instead of the response, where the response holds a secret. */
    storedAnswer: { body: string; createdKeyId?: string } | undefined;
    /** The language of the public pages, from hono's language detector. */
    language: string;
  };
}
