import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, date, preparedRows, type Row, rows, str, strOrNull } from "../../db/values.js";
import { Forbidden, InvalidRequest, NotFound, StateConflict, Unauthenticated } from "../ledger/core/errors.js";
import { appendJournal } from "../ledger/journal/journal.js";
import { type Actor, type Deps, newId } from "../ledger/ops/deps.js";
import { transact } from "../ledger/store/transact.js";
import { generateKey, hashKey } from "./keys.js";

export type Role = Actor["role"];

export interface Organization {
  id: string;
  name: string;
  role: Role;
  country: string | null;
  walletAddress: string | null;
  /** The registry codes a registry organization operates; empty for every other role. */
  registries: string[];
  createdAt: string;
}

export interface OrganizationParams {
  name: string;
  role: Role;
  country?: string | null | undefined;
  walletAddress?: string | null | undefined;
  registries?: string[] | undefined;
}

/** PGlite hands a text[] back as an array, node-postgres too; anything else is a bug. */
function textArray(value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new TypeError(`expected a text array, got ${typeof value}`);
}

function orgFromRow(r: Row): Organization {
  return {
    id: str(r.id),
    name: str(r.name),
    role: str(r.role) as Role,
    country: strOrNull(r.country),
    walletAddress: strOrNull(r.wallet_address),
    registries: textArray(r.registries),
    createdAt: date(r.created_at).toISOString(),
  };
}

/** A registry operates the registries it is given, by default its own country's; no other role operates any. */
function registriesOf(p: OrganizationParams): string[] {
  if (p.role !== "registry") {
    if (p.registries !== undefined) {
      throw new InvalidRequest([
        { path: "registries", message: "only an organization of role registry operates registries" },
      ]);
    }
    return [];
  }
  const list = p.registries ?? (p.country ? [p.country] : undefined);
  if (!list) {
    throw new InvalidRequest([
      { path: "registries", message: "required for a registry without a country: the registry codes it operates" },
    ]);
  }
  return [...new Set(list)];
}

export async function createOrganization(
  deps: Deps,
  actor: Actor | null,
  p: OrganizationParams,
): Promise<Organization> {
  const registries = registriesOf(p);
  const at = deps.clock();
  const id = newId(deps, "org");
  return transact(deps.db, async (tx) => {
    const [row] = await rows(
      tx,
      sql`INSERT INTO organizations (id, name, role, country, wallet_address, registries, created_at)
          VALUES (${id}, ${p.name}, ${p.role}, ${p.country ?? null}, ${p.walletAddress ?? null},
                  ${arrayParam(registries, "text")}, ${at.toISOString()})
          RETURNING *`,
    );
    const org = orgFromRow(row ?? {});
    await appendJournal(tx, [
      {
        chain: `org:${id}`,
        kind: "organization.created",
        actor: actor?.id ?? null,
        at,
        serials: [],
        details: {
          id,
          name: org.name,
          role: org.role,
          country: org.country,
          walletAddress: org.walletAddress,
          ...(org.role === "registry" ? { registries: org.registries } : {}),
        },
        ranges: [],
      },
    ]);
    return org;
  });
}

export interface OrganizationChanges {
  registries?: string[] | undefined;
}

/** Changes what an admin may change of an organization: for now, the registries a registry operates. */
export async function updateOrganization(
  deps: Deps,
  actor: Actor,
  id: string,
  changes: OrganizationChanges,
): Promise<Organization> {
  const at = deps.clock();
  return transact(deps.db, async (tx) => {
    // The row lock also serialises this organization's journal chain.
    const [row] = await rows(tx, sql`SELECT * FROM organizations WHERE id = ${id} FOR UPDATE`);
    if (!row) throw new NotFound("organization_not_found", `No organization ${id.slice(0, 64)}`);
    const before = orgFromRow(row);
    if (changes.registries !== undefined && before.role !== "registry") {
      throw new StateConflict("not_a_registry", `${id} has role ${before.role}; only a registry operates registries`);
    }
    const registries = changes.registries === undefined ? before.registries : [...new Set(changes.registries)];
    const [updated] = await rows(
      tx,
      sql`UPDATE organizations SET registries = ${arrayParam(registries, "text")} WHERE id = ${id} RETURNING *`,
    );
    await appendJournal(tx, [
      {
        chain: `org:${id}`,
        kind: "organization.updated",
        actor: actor.id,
        at,
        serials: [],
        details: { id, registries: { from: before.registries, to: registries } },
        ranges: [],
      },
    ]);
    return orgFromRow(updated ?? {});
  });
}

export async function getOrganization(db: Db, id: string): Promise<Organization> {
  const [row] = await rows(db, sql`SELECT * FROM organizations WHERE id = ${id}`);
  if (!row) throw new NotFound("organization_not_found", `No organization ${id.slice(0, 64)}`);
  return orgFromRow(row);
}

export interface KeyInfo {
  id: string;
  label: string | null;
  organizationId: string;
  createdAt: string;
}

/** What a replay of a key creation says instead of the secret (the migration that scrubbed stored secrets says the same). */
export const SECRET_NOT_REPLAYED =
  "The secret of this key was shown once, in the first answer to this request; it is stored nowhere and cannot be shown again.";

/** Issues a key; the secret is returned here and never again. */
export async function createKey(
  deps: Deps,
  actor: Actor | null,
  organizationId: string,
  label: string | null,
  secret?: string,
): Promise<KeyInfo & { key: string }> {
  const at = deps.clock();
  const id = newId(deps, "key");
  const key = secret ?? generateKey(deps.random);
  return transact(deps.db, async (tx) => {
    // The organization row lock serialises this organization's journal chain.
    const [org] = await rows(tx, sql`SELECT id FROM organizations WHERE id = ${organizationId} FOR UPDATE`);
    if (!org) throw new NotFound("organization_not_found", `No organization ${organizationId.slice(0, 64)}`);
    await tx.execute(sql`INSERT INTO api_keys (id, organization_id, label, key_hash, created_at)
                         VALUES (${id}, ${organizationId}, ${label}, ${hashKey(key)}, ${at.toISOString()})`);
    await appendJournal(tx, [
      {
        chain: `org:${organizationId}`,
        kind: "key.created",
        actor: actor?.id ?? null,
        at,
        serials: [],
        details: { keyId: id, label },
        ranges: [],
      },
    ]);
    return { id, key, label, organizationId, createdAt: at.toISOString() };
  });
}

/** Revokes a key: an admin may revoke any, an organization its own. */
export async function revokeKey(deps: Deps, actor: Actor, keyId: string): Promise<void> {
  const at = deps.clock();
  await transact(deps.db, async (tx) => {
    const [key] = await rows(tx, sql`SELECT organization_id, revoked_at FROM api_keys WHERE id = ${keyId}`);
    if (!key) throw new NotFound("key_not_found", `No key ${keyId.slice(0, 64)}`);
    const owner = str(key.organization_id);
    if (actor.role !== "admin" && actor.id !== owner)
      throw new Forbidden("Only an admin or the key's organization may revoke it");
    if (key.revoked_at !== null) return;
    await tx.execute(sql`SELECT id FROM organizations WHERE id = ${owner} FOR UPDATE`);
    await tx.execute(sql`UPDATE api_keys SET revoked_at = ${at.toISOString()} WHERE id = ${keyId}`);
    await appendJournal(tx, [
      { chain: `org:${owner}`, kind: "key.revoked", actor: actor.id, at, serials: [], details: { keyId }, ranges: [] },
    ]);
  });
}

export interface Authenticated {
  organization: Organization;
  key: { id: string; label: string | null };
}

/**
 * Finds the live key behind a secret. The lookup is by SHA-256 of the presented secret, so the
 * stored value is never compared byte by byte with attacker-controlled input.
 */
export async function authenticate(db: Db, secret: string): Promise<Authenticated> {
  const [row] = await preparedRows(
    db,
    sql`SELECT k.id AS key_id, k.label, o.* FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.key_hash = ${hashKey(secret)} AND k.revoked_at IS NULL`,
  );
  if (!row) throw new Unauthenticated("The API key is not valid or has been revoked");
  return { organization: orgFromRow(row), key: { id: str(row.key_id), label: strOrNull(row.label) } };
}

/**
 * Makes sure the admin key given by the environment works: creates the admin organization the
 * first time, registers the key if it is new. Idempotent across restarts.
 */
export async function ensureAdminKey(deps: Deps, secret: string): Promise<void> {
  const [existing] = await rows(deps.db, sql`SELECT id FROM api_keys WHERE key_hash = ${hashKey(secret)}`);
  if (existing) return;
  const [admin] = await rows(deps.db, sql`SELECT * FROM organizations WHERE role = 'admin' ORDER BY id LIMIT 1`);
  const org = admin
    ? orgFromRow(admin)
    : await createOrganization(deps, null, { name: "Administrators", role: "admin" });
  await createKey(deps, null, org.id, "ADMIN_API_KEY", secret);
}

export async function createAdminKey(deps: Deps): Promise<KeyInfo & { key: string }> {
  const [admin] = await rows(deps.db, sql`SELECT * FROM organizations WHERE role = 'admin' ORDER BY id LIMIT 1`);
  const org = admin
    ? orgFromRow(admin)
    : await createOrganization(deps, null, { name: "Administrators", role: "admin" });
  return createKey(deps, null, org.id, "created by the CLI");
}
