import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";

/** Where the ledger ended before an import: the rows after these are the import's. */
export interface Marks {
  issuance: bigint;
  seq: bigint;
}

/** The rows of one import, table by table in the order they can be written, as COPY text. */
export type ImportedRows = { table: string; data: Buffer }[];

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function marks(url: string): Promise<Marks> {
  return connected(url, async (client) => {
    const r = await client.query<{ issuance: string; seq: string }>(
      "SELECT coalesce((SELECT max(id) FROM issuances), 0)::text AS issuance, coalesce((SELECT max(seq) FROM journal), 0)::text AS seq",
    );
    const row = r.rows[0] ?? { issuance: "0", seq: "0" };
    return { issuance: BigInt(row.issuance), seq: BigInt(row.seq) };
  });
}

/** Everything an import wrote after `after`: its issuances, their segments, its journal entries and their ranges. */
export function copyOut(url: string, after: Marks): Promise<ImportedRows> {
  const queries: [string, string][] = [
    ["issuances", `SELECT * FROM issuances WHERE id > ${after.issuance} ORDER BY id`],
    ["segments", `SELECT * FROM segments WHERE issuance_id > ${after.issuance} ORDER BY id`],
    ["journal", `SELECT * FROM journal WHERE seq > ${after.seq} ORDER BY seq`],
    ["journal_ranges", `SELECT * FROM journal_ranges WHERE seq > ${after.seq} ORDER BY seq`],
  ];
  return connected(url, async (client) => {
    const out: ImportedRows = [];
    for (const [table, query] of queries) {
      const chunks: Buffer[] = [];
      const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      out.push({ table, data: Buffer.concat(chunks) });
    }
    return out;
  });
}

/**
 * Seconds to write `rows` with COPY into the same tables, with the same constraints, indexes and
 * triggers, in one transaction: the floor under an import that writes those rows.
 */
export function copyIn(url: string, rows: ImportedRows): Promise<number> {
  return connected(url, async (client) => {
    const t0 = performance.now();
    await client.query("BEGIN");
    for (const { table, data } of rows) {
      await pipeline(Readable.from([data]), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
    }
    await client.query("COMMIT");
    return (performance.now() - t0) / 1000;
  });
}
