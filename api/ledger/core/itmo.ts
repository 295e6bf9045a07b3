import { MAX_UNIT, type SerialRange } from "./serials.js";

/**
 * ITMO unique identifiers (decision 6/CMA.4, annex I): the cooperative approach, the originating
 * Party's registry, the first-transferring Party, the vintage and a serial number unique within
 * the registry. They are derived from the canonical serial of a unit and never stored, so the first
 * and last ITMO of any block are computed the same way everywhere:
 *   <approach>-<registry>-<first-transferring party>-<vintage>-<project>-<unit>
 */
export interface ItmoBlock {
  firstId: string;
  lastId: string;
}

/** ITMO blocks a journal entry acted on: units under an authorization, and whether it first transferred them. */
export interface ItmoTrace {
  serials: string;
  authorizationId: string;
  firstTransfer: boolean;
}

const ITMO_ID = /^(CA[0-9]{4,8})-([A-Z]{2})-([A-Z]{2})-([1-9][0-9]{3})-([A-Z]{2}[0-9]{3})-([1-9][0-9]{0,15})$/;

export function itmoId(approachId: string, firstTransferringParty: string, r: SerialRange, unit: bigint): string {
  return `${approachId}-${r.registry}-${firstTransferringParty}-${r.vintage}-${r.project}-${unit}`;
}

/** The ITMO ids of the first and last unit of a block of consecutive units. */
export function itmoBlock(approachId: string, firstTransferringParty: string, r: SerialRange): ItmoBlock {
  return {
    firstId: itmoId(approachId, firstTransferringParty, r, r.start),
    lastId: itmoId(approachId, firstTransferringParty, r, r.end),
  };
}

export interface ParsedItmoId {
  approachId: string;
  firstTransferringParty: string;
  /** The unit as a one-unit canonical serial range. */
  unit: SerialRange;
}

/** Reads an ITMO id back into the unit it names, or undefined when the text is not one. */
export function parseItmoId(text: string): ParsedItmoId | undefined {
  const m = ITMO_ID.exec(text);
  if (!m) return undefined;
  const [, approachId = "", registry = "", party = "", vintage = "", project = "", unit = ""] = m;
  const n = BigInt(unit);
  if (n > MAX_UNIT) return undefined;
  return {
    approachId,
    firstTransferringParty: party,
    unit: { registry, project, vintage: Number(vintage), start: n, end: n },
  };
}
