import type { Authenticated } from "../accounts/organizations.js";
import type { Deps } from "../ledger/deps.js";

export interface AppConfig {
  /** Largest request body, in bytes, except for imports. */
  maxBodyBytes: number;
  /** Largest body of `POST /v1/issuances/import`. */
  maxImportBytes: number;
}

export type AppDeps = Deps & { config: AppConfig };

/** Per-request variables. `deps.db` is the request's transaction where the request has one. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    auth: Authenticated | undefined;
    requestId: string;
  };
}
