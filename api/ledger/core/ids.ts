/**
 * Issuance ids: a number inside the ledger, `iss_<n>` outside it. This module is the only place
 * that turns one into the other.
 */
declare const issuanceBrand: unique symbol;
export type IssuanceId = bigint & { readonly [issuanceBrand]: true };

const PREFIX = "iss_";
const NUMBER = /^[1-9][0-9]{0,15}$/;

/** An id the database handed back (a bigint column read as text or bigint). */
export function issuanceIdOf(value: bigint | string): IssuanceId {
  return BigInt(value) as IssuanceId;
}

export function formatIssuanceId(id: IssuanceId | bigint): string {
  return `iss_${id}`;
}

/** The id of a public `iss_<n>`, or undefined when the text is not one. */
export function parseIssuanceId(ref: string): IssuanceId | undefined {
  return ref.startsWith(PREFIX) ? parseTokenId(ref.slice(PREFIX.length)) : undefined;
}

/** An ERC-1155 token id is the issuance's number in decimal. */
export function parseTokenId(text: string): IssuanceId | undefined {
  return NUMBER.test(text) ? issuanceIdOf(text) : undefined;
}
