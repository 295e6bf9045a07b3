import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { arrayParam, big, date, type Row, rows, str } from "../../db/values.js";
import type { Deps } from "./deps.js";
import { JOURNAL_COLUMNS, type JournalEntry, journalFromRow } from "./journal.js";
import { inclusionProof, merkleRoot, type ProofStep } from "./merkle.js";
import { transact } from "./transact.js";

/**
 * Seals journal entries into Merkle trees. Sealing runs after commit (never inside a ledger
 * write), so it serialises nothing but itself; entries that commit late are sealed by the next root.
 */
export interface JournalRoot {
  id: number;
  root: string;
  fromSeq: number;
  toSeq: number;
  size: number;
  createdAt: string;
  anchor: { chainId: number; contract: string; txHash: string; blockNumber: number } | null;
}

export const MAX_LEAVES = 4096;
/** How far behind the newest sealed entry a late-committing entry is looked for. */
const STRAGGLER_WINDOW = 100_000;

export function rootFromRow(r: Row): JournalRoot {
  return {
    id: Number(big(r.id)),
    root: str(r.root),
    fromSeq: Number(big(r.from_seq)),
    toSeq: Number(big(r.to_seq)),
    size: Number(r.size),
    createdAt: date(r.created_at).toISOString(),
    anchor:
      r.anchor_tx_hash === null || r.anchor_tx_hash === undefined
        ? null
        : {
            chainId: Number(big(r.anchor_chain_id)),
            contract: str(r.anchor_contract),
            txHash: str(r.anchor_tx_hash),
            blockNumber: Number(big(r.anchor_block)),
          },
  };
}

/** Seals up to MAX_LEAVES unsealed entries into one new root; returns it, or undefined if none were waiting. */
export async function sealJournal(deps: Pick<Deps, "db" | "clock">): Promise<JournalRoot | undefined> {
  return transact(deps.db, async (tx) => {
    await tx.execute(sql`LOCK TABLE journal_roots IN EXCLUSIVE MODE`);
    const leaves = await rows(
      tx,
      sql`SELECT j.seq::text AS seq, j.hash FROM journal j
          LEFT JOIN journal_root_entries e ON e.seq = j.seq
          WHERE e.seq IS NULL
            AND j.seq > (SELECT coalesce(max(to_seq), 0) FROM journal_roots) - ${STRAGGLER_WINDOW}
          ORDER BY j.seq LIMIT ${MAX_LEAVES}`,
    );
    if (leaves.length === 0) return undefined;
    const seqs = leaves.map((l) => big(l.seq));
    const root = merkleRoot(leaves.map((l) => str(l.hash)));
    const [created] = await rows(
      tx,
      sql`INSERT INTO journal_roots (root, from_seq, to_seq, size, created_at)
          VALUES (${root}, ${seqs[0]}, ${seqs.at(-1)}, ${leaves.length}, ${deps.clock().toISOString()}) RETURNING *`,
    );
    const rootId = big(created?.id);
    await tx.execute(sql`
      INSERT INTO journal_root_entries (seq, root_id, leaf_index)
      SELECT u.seq, ${rootId}, u.ord - 1 FROM unnest(${arrayParam(seqs, "int8")}) WITH ORDINALITY AS u(seq, ord)`);
    return rootFromRow(created ?? {});
  });
}

export interface Inclusion {
  root: string;
  rootId: number;
  leafIndex: number;
  treeSize: number;
  proof: ProofStep[];
  anchor: JournalRoot["anchor"];
}

/** The inclusion proof of one entry, or undefined while it is not sealed yet. */
export async function inclusionOf(db: Db, seq: bigint): Promise<Inclusion | undefined> {
  const [membership] = await rows(
    db,
    sql`SELECT e.leaf_index, r.* FROM journal_root_entries e JOIN journal_roots r ON r.id = e.root_id WHERE e.seq = ${seq}`,
  );
  if (!membership) return undefined;
  const root = rootFromRow(membership);
  const leaves = await rows(
    db,
    sql`SELECT j.hash FROM journal_root_entries e JOIN journal j ON j.seq = e.seq
        WHERE e.root_id = ${root.id} ORDER BY e.leaf_index`,
  );
  const index = Number(membership.leaf_index);
  return {
    root: root.root,
    rootId: root.id,
    leafIndex: index,
    treeSize: root.size,
    proof: inclusionProof(
      leaves.map((l) => str(l.hash)),
      index,
    ),
    anchor: root.anchor,
  };
}

export async function journalEntry(db: Db, seq: bigint): Promise<JournalEntry | undefined> {
  const [r] = await rows(db, sql`SELECT ${JOURNAL_COLUMNS} FROM journal j WHERE j.seq = ${seq}`);
  return r ? journalFromRow(r) : undefined;
}

export async function listRoots(
  db: Db,
  page: { limit: number; cursor?: bigint | undefined },
): Promise<{ data: JournalRoot[]; nextCursor: string | null }> {
  const found = await rows(
    db,
    sql`SELECT * FROM journal_roots WHERE ${page.cursor === undefined} OR id < ${page.cursor ?? 0n}
        ORDER BY id DESC LIMIT ${page.limit + 1}`,
  );
  const data = found.slice(0, page.limit).map(rootFromRow);
  return { data, nextCursor: found.length > page.limit ? String(data.at(-1)?.id) : null };
}
