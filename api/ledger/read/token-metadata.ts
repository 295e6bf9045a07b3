import { sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { big, rows, str, strOrNull } from "../../../db/values.js";
import { NotFound } from "../core/errors.js";
import { formatIssuanceId, parseTokenId } from "../core/ids.js";
import { getIssuance } from "./issuances.js";

/** ERC-1155 metadata of a token id (the issuance): what a wallet or explorer shows a buyer. */
export interface TokenMetadata {
  name: string;
  description: string;
  decimals: 0;
  external_url: string;
  properties: Record<string, unknown>;
}

export async function tokenMetadata(db: Db, tokenId: string, baseUrl: string): Promise<TokenMetadata> {
  const id = parseTokenId(tokenId);
  if (id === undefined) throw new NotFound("token_not_found", `No token ${tokenId.slice(0, 40)}`);
  const issuance = await getIssuance(db, formatIssuanceId(id), { limit: 1, cursor: undefined }).catch(() => undefined);
  if (!issuance) throw new NotFound("token_not_found", `No token ${tokenId}`);
  const [project] = await rows(
    db,
    sql`SELECT title, methodology, sector FROM projects WHERE ref = ${issuance.projectRef}`,
  );
  const [flags] = await rows(
    db,
    sql`SELECT coalesce(sum(upper(serials) - lower(serials)) FILTER (WHERE authorization_id IS NOT NULL), 0)::text AS auth,
               coalesce(sum(upper(serials) - lower(serials)) FILTER (WHERE corresponding_adjustment), 0)::text AS ca,
               coalesce(sum(upper(serials) - lower(serials)), 0)::text AS total
        FROM segments WHERE issuance_id = ${id} AND state = 'tokenized'`,
  );
  const tokenized = Number(big(flags?.total ?? 0));
  const authorized = Number(big(flags?.auth ?? 0));
  const adjusted = Number(big(flags?.ca ?? 0));
  return {
    name: `JCM ${issuance.projectRef} ${issuance.vintage} (${issuance.registry} registry)`,
    description:
      `1 token = 1 tCO2e of Joint Crediting Mechanism issuance ${issuance.id}: ${str(project?.title ?? "")}, ` +
      `host country ${issuance.hostCountry}, vintage ${issuance.vintage}. The jcm-bridge ledger is authoritative.`,
    decimals: 0,
    external_url: `${baseUrl}/v1/issuances/${issuance.id}`,
    properties: {
      issuanceId: issuance.id,
      serials: issuance.serials,
      projectRef: issuance.projectRef,
      projectTitle: strOrNull(project?.title),
      methodology: strOrNull(project?.methodology),
      sector: strOrNull(project?.sector),
      hostCountry: issuance.hostCountry,
      registry: issuance.registry,
      vintage: issuance.vintage,
      monitoringPeriod: issuance.monitoringPeriod,
      quantityIssued: issuance.quantity,
      tokenizedUnits: tokenized,
      authorizedUnits: authorized,
      correspondinglyAdjustedUnits: adjusted,
      authorized: tokenized > 0 && authorized === tokenized,
      correspondingAdjustment: tokenized > 0 && adjusted === tokenized,
    },
  };
}
