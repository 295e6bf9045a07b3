import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { arrayParam, big, bool, date, type Row, rows, str } from "../../../db/values.js";
import { invariant, NotFound } from "../core/errors.js";
import type { Deps } from "../ops/deps.js";
import { transact } from "../store/transact.js";
import { JOURNAL_COLUMNS, type JournalEntry, journalFromRow } from "./journal.js";
import { inclusionProof, merkleRoot, type ProofStep } from "./merkle.js";

/**
 * Seals journal entries into Merkle trees. Roots tile the journal: a root covers every entry
 * numbered from the previous root's `toSeq + 1` to its own `toSeq`, in number order, so anyone can
 * recompute it from the entries alone (`GET /v1/journal/roots/{id}/entries`). Numbers are drawn
 * before their transactions commit, so the sealer seals only up to a horizon below which every
 * number is final; sealing runs after commit, never inside a ledger write, and serialises nothing
 * but itself (one sealer at a time across processes).
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
/** The advisory lock ("JCM" 3) of the one sealer running at a time. */
const SEALER_LOCK = 0x4a434d03;

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

/**
 * Where every journal number up to some point is final. A transaction takes its id before it draws
 * a number (`journal.ts`), and ids are handed out in order, so the numbers drawn before the sealer
 * takes its own id belong to transactions with smaller ids; once no transaction with a smaller id
 * runs, every one of those numbers is committed or gone for good. The oldest running transaction
 * is the snapshot's `xmin` (transactions newer than the last one to end are not in a snapshot, so
 * its `xmax` says nothing about them). A horizon (the last number drawn, the sealer's id) recorded
 * at one run is used at a later one; when no older transaction runs, the numbers drawn so far are
 * final at once.
 */
async function finalSeq(tx: Db): Promise<{ final: bigint; sealed: bigint }> {
  // Three statements, in this order: the last number drawn, then the sealer's id, then a snapshot.
  const [drawn] = await rows(
    tx,
    sql`SELECT CASE WHEN is_called THEN last_value ELSE 0 END::text AS seq FROM journal_seq_seq`,
  );
  const [mine] = await rows(tx, sql`SELECT pg_current_xact_id()::text AS xid`);
  const [now] = await rows(
    tx,
    sql`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, h.seq::text AS horizon,
               h.xid_bound::text AS bound, (SELECT coalesce(max(to_seq), 0) FROM journal_roots)::text AS sealed
        FROM journal_seal_horizon h`,
  );
  invariant(drawn && mine && now, "the journal's sequence and seal horizon are missing");
  const xmin = big(now.xmin);
  const sealed = big(now.sealed);
  let final = sealed;
  const settled = xmin > big(now.bound);
  if (settled && big(now.horizon) > final) final = big(now.horizon);
  if (xmin >= big(mine.xid) && big(drawn.seq) > final) final = big(drawn.seq);
  // A settled horizon gives way to a new one; an unsettled one is waited for.
  if (settled) {
    await tx.execute(sql`UPDATE journal_seal_horizon SET seq = ${big(drawn.seq)}, xid_bound = ${big(mine.xid)}`);
  }
  return { final, sealed };
}

/**
 * Seals the final entries after the last root (up to MAX_LEAVES of them) into one new root;
 * returns it, or undefined if none were waiting or another process is sealing.
 */
export async function sealJournal(deps: Pick<Deps, "db" | "clock">): Promise<JournalRoot | undefined> {
  return transact(deps.db, async (tx) => {
    const [lock] = await rows(tx, sql`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}, 0) AS mine`);
    if (!bool(lock?.mine)) return undefined;
    const { final, sealed } = await finalSeq(tx);
    if (final <= sealed) return undefined;
    const leaves = await rows(
      tx,
      sql`SELECT j.seq::text AS seq, j.hash FROM journal j
          WHERE j.seq > ${sealed} AND j.seq <= ${final} ORDER BY j.seq LIMIT ${MAX_LEAVES}`,
    );
    if (leaves.length === 0) return undefined;
    const seqs = leaves.map((l) => big(l.seq));
    // A full root ends at its last entry; otherwise it also covers the numbers up to the horizon that no entry kept.
    const toSeq = leaves.length === MAX_LEAVES ? (seqs.at(-1) as bigint) : final;
    const root = merkleRoot(leaves.map((l) => str(l.hash)));
    const [created] = await rows(
      tx,
      sql`INSERT INTO journal_roots (root, from_seq, to_seq, size, created_at)
          VALUES (${root}, ${sealed + 1n}, ${toSeq}, ${leaves.length}, ${deps.clock().toISOString()}) RETURNING *`,
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

export interface RootEntry {
  seq: number;
  leafIndex: number;
  hash: string;
}

/**
 * A root and a page of its entries in leaf order (= number order): the hashes over which anyone
 * recomputes the root (RFC 6962 Merkle tree of the entry hashes).
 */
export async function rootEntries(
  db: Db,
  id: bigint,
  page: { limit: number; cursor?: bigint | undefined },
): Promise<{ root: JournalRoot; data: RootEntry[]; nextCursor: string | null }> {
  const [root] = await rows(db, sql`SELECT * FROM journal_roots WHERE id = ${id}`);
  if (!root) throw new NotFound("root_not_found", `No journal root ${id}`);
  const found = await rows(
    db,
    sql`SELECT e.seq::text AS seq, e.leaf_index, j.hash FROM journal_root_entries e JOIN journal j ON j.seq = e.seq
        WHERE e.root_id = ${id} AND e.seq > ${page.cursor ?? 0n} ORDER BY e.seq LIMIT ${page.limit + 1}`,
  );
  const data = found.slice(0, page.limit).map((r) => ({
    seq: Number(big(r.seq)),
    leafIndex: Number(r.leaf_index),
    hash: str(r.hash),
  }));
  return { root: rootFromRow(root), data, nextCursor: found.length > page.limit ? String(data.at(-1)?.seq) : null };
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
