import { type ErrorDetail, Forbidden } from "../core/errors.js";
import type { Actor } from "./deps.js";

/**
 * A registry organization writes only the registries it operates: its own, and those it hosts
 * (Japan's JCM registry also hosts Mongolia's). Other roles are bounded by their own rules.
 */
export function operates(actor: Actor, registry: string): boolean {
  return actor.role !== "registry" || actor.registries.includes(registry);
}

/**
 * Refuses, before anything is written, a registry's request touching registries it does not
 * operate; `rows` names the import rows at fault, where the request has rows.
 */
export function requireOperated(actor: Actor, registries: Iterable<string>, rows: ErrorDetail[] = []): void {
  const outside = [...new Set(registries)].filter((r) => !operates(actor, r)).sort();
  if (outside.length === 0) return;
  const operated = actor.registries.length > 0 ? actor.registries.join(", ") : "no registry";
  throw new Forbidden(
    `The caller operates ${operated}; it may not write units of registry ${outside.join(", ")}`,
    "registry_not_operated",
    { operated: actor.registries, refused: outside, ...(rows.length > 0 ? { errors: rows } : {}) },
  );
}
