/** API paths anyone may read with GET or HEAD. */
const API_READ =
  /^\/(openapi\.json|v1\/(status\/.+|provenance\/.+|claims(\/[^/]+(\/certificate\.pdf)?)?|projects(\/[^/]+)?|issuances\/[^/]+|journal\/roots(\/[^/]+\/entries)?|chain|tokens\/[^/]+|exports\/[^/]+|events|lookup))$/;
/** The one public read sent as POST: a batch of ranges does not fit in a URL. */
export const API_READ_POST = "/v1/status";
/** Server-rendered pages; they do the lookups of the API, so they share its limit. */
const PAGE =
  /^\/(|search|docs|serials\/.+|claims(\/[^/]+)?|beneficiaries\/[^/]+|projects\/[^/]+|article6\/[^/]+\/[^/]+)$/;

export type PublicReadKind = "api" | "page" | undefined;

/** Whether a request is a public read of the API or a page (anyone may make it), and which. */
export function publicRead(method: string, path: string): PublicReadKind {
  if (method === "POST") return path === API_READ_POST ? "api" : undefined;
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (API_READ.test(path)) return "api";
  return PAGE.test(path) ? "page" : undefined;
}

/** Whether a preflight may be answered for this path: it is an API read for some method. */
export function preflightable(path: string): boolean {
  return API_READ.test(path) || path === API_READ_POST;
}
