import type { Db } from "../../../db/client.js";

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What every domain operation needs; injected so that tests control time and randomness. */
export interface Deps {
  db: Db;
  clock: () => Date;
  random: (bytes: number) => Uint8Array;
  log: Logger;
}

/** The organization on whose behalf an operation runs. */
export interface Actor {
  id: string;
  /** The organization's name when the caller knows it already. */
  name?: string;
  role: "admin" | "registry" | "government" | "company";
  country: string | null;
  /** The registry codes a registry organization operates; empty for every other role. */
  registries: readonly string[];
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/** Opaque, prefixed, time-ordered ids (`clm_01j…`): sortable, so they double as list cursors. */
export function newId(deps: Pick<Deps, "clock" | "random">, prefix: string): string {
  let time = BigInt(deps.clock().getTime());
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[Number(time & 31n)] + head;
    time >>= 5n;
  }
  const bytes = deps.random(10);
  let tail = "";
  let acc = 0n;
  for (const b of bytes) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 16; i++) {
    tail = CROCKFORD[Number(acc & 31n)] + tail;
    acc >>= 5n;
  }
  return `${prefix}_${head}${tail}`;
}
