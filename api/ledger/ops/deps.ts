import { monotonicFactory, ulid } from "ulidx";
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

/** Opaque, prefixed, time-ordered ids (`clm_01j…`): sortable, so they double as list cursors. */
export function newId(deps: Pick<Deps, "clock" | "random">, prefix: string): string {
  // Lower case, as every id stored so far: ids compare as text, so the case must never change.
  return `${prefix}_${ulid(deps.clock().getTime(), injected(deps)).toLowerCase()}`;
}

/**
 * Ids made in one instant that sort in the order they were made (ulidx's monotonic factory: the
 * random part counts up), so the items of a batch list in the order the batch named them.
 */
export function newIds(deps: Pick<Deps, "clock" | "random">, prefix: string, count: number): string[] {
  const next = monotonicFactory(injected(deps));
  const at = deps.clock().getTime();
  return Array.from({ length: count }, () => `${prefix}_${next(at).toLowerCase()}`);
}

/** ulidx draws one number in [0, 1) per character; each comes from one injected random byte. */
function injected(deps: Pick<Deps, "random">): () => number {
  const random = deps.random(RANDOM_CHARS);
  let next = 0;
  return () => (random[next++ % RANDOM_CHARS] ?? 0) / 256;
}

const RANDOM_CHARS = 16;
