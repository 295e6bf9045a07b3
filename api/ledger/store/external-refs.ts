import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, date, rows, str } from "../../../db/values.js";
import { type ErrorDetail, InvalidRequest, NotFound, StateConflict } from "../core/errors.js";
import { isConstraintViolation } from "./pg-errors.js";

/**
 * The references real registries give the records of the ledger (`{ system, id }`, e.g. the JCM
 * registry of Japan's transaction number): unique per system, found again by lookup.
 */
export interface ExternalRef {
  system: string;
  id: string;
}

export type ExternalRefKind = "issuance" | "deposit" | "withdrawal";

export interface ExternalRefRecord extends ExternalRef {
  kind: ExternalRefKind;
  recordId: string;
  serials: string[];
  journalSeq: number;
  createdAt: string;
}

const key = (r: ExternalRef) => `${r.system}\u0000${r.id}`;

/** Refuses a reference named twice in one request (`path` of each, e.g. `issuances.3.externalRefs`). */
export function requireDistinct(refs: readonly { path: string; ref: ExternalRef }[]): void {
  const seen = new Map<string, string>();
  const errors: ErrorDetail[] = [];
  for (const { path, ref } of refs) {
    const first = seen.get(key(ref));
    if (first !== undefined) {
      errors.push({ path, message: `${ref.system} ${ref.id} is named twice in this request (first at ${first})` });
    } else seen.set(key(ref), path);
  }
  if (errors.length > 0) throw new InvalidRequest(errors);
}

/** Refuses references another record already has (checked again by the primary key when written). */
export async function requireFree(db: Db, refs: readonly ExternalRef[]): Promise<void> {
  if (refs.length === 0) return;
  const [taken] = await rows(
    db,
    sql`SELECT e.system, e.ref_id, e.kind, e.record_id FROM external_refs e
        JOIN unnest(${arrayParam(
          refs.map((r) => r.system),
          "text",
        )}, ${arrayParam(
          refs.map((r) => r.id),
          "text",
        )}) AS u(system, ref_id) ON u.system = e.system AND u.ref_id = e.ref_id LIMIT 1`,
  );
  if (taken) {
    const holder = `${str(taken.kind)} ${str(taken.record_id)}`;
    throw new StateConflict(
      "external_ref_taken",
      `The reference ${str(taken.system)} ${str(taken.ref_id)} already names ${holder}`,
    );
  }
}

/**
 * After a write failed: if another request took one of the references between the check and the
 * write (the primary key said so), the refusal names the record that has it.
 */
export async function refuseIfTaken(db: Db, error: unknown, refs: readonly ExternalRef[]): Promise<void> {
  if (isConstraintViolation(error, "external_refs_system_ref_id_pk")) await requireFree(db, refs);
}

export interface RefRecord {
  kind: ExternalRefKind;
  recordId: string;
  serials: string[];
  journalSeq: bigint;
  refs: readonly ExternalRef[];
}

/** Writes the references of records (an import's many issuances in one statement), each with its journal entry. */
export function externalRefsInsert(records: readonly RefRecord[], at: Date): SQL {
  const flat = records.flatMap((r) => r.refs.map((ref) => ({ ...r, ref })));
  return sql`INSERT INTO external_refs (system, ref_id, kind, record_id, serials, journal_seq, created_at)
    SELECT u.system, u.ref_id, u.kind, u.record_id, ARRAY(SELECT jsonb_array_elements_text(u.serials)), u.seq,
           ${at.toISOString()}::timestamptz
    FROM unnest(${arrayParam(
      flat.map((f) => f.ref.system),
      "text",
    )}, ${arrayParam(
      flat.map((f) => f.ref.id),
      "text",
    )}, ${arrayParam(
      flat.map((f) => f.kind),
      "text",
    )}, ${arrayParam(
      flat.map((f) => f.recordId),
      "text",
    )}, ${arrayParam(
      flat.map((f) => JSON.stringify(f.serials)),
      "jsonb",
    )}, ${arrayParam(
      flat.map((f) => f.journalSeq),
      "int8",
    )}) AS u(system, ref_id, kind, record_id, serials, seq)`;
}

export async function lookupExternalRef(db: Db, system: string, id: string): Promise<ExternalRefRecord> {
  const [r] = await rows(
    db,
    sql`SELECT system, ref_id, kind, record_id, serials, journal_seq::text AS seq, created_at FROM external_refs
        WHERE system = ${system} AND ref_id = ${id}`,
  );
  if (!r) throw new NotFound("external_ref_not_found", `No record has the reference ${system} ${id.slice(0, 200)}`);
  return {
    system: str(r.system),
    id: str(r.ref_id),
    kind: str(r.kind) as ExternalRefKind,
    recordId: str(r.record_id),
    serials: r.serials as string[],
    journalSeq: Number(big(r.seq)),
    createdAt: date(r.created_at).toISOString(),
  };
}
