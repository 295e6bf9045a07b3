import type { RouteHandler } from "@hono/zod-openapi";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import { certifiedClaim } from "../../ledger/journal/certificate.js";
import * as claims from "../../ledger/ops/claims.js";
import { claimCertificate } from "../../ledger/read/claim-units.js";
import { certificatePdf } from "../../pages/certificate-pdf.js";
import { CATALOGUES, isLang } from "../../pages/i18n.js";
import type * as routes from "./claims.routes.js";

export const createClaim: RouteHandler<typeof routes.createClaim, AppEnv> = async (c) => {
  return c.json(await claims.createClaim(c.get("deps"), actor(c), c.req.valid("json")), 201);
};

export const createClaims: RouteHandler<typeof routes.createClaims, AppEnv> = async (c) => {
  const made = await claims.createClaims(c.get("deps"), actor(c), c.req.valid("json").claims);
  return c.json({ data: made }, 201);
};

export const getClaim: RouteHandler<typeof routes.getClaim, AppEnv> = async (c) => {
  const { db, config } = c.get("deps");
  return c.json(await certifiedClaim(db, c.req.valid("param").id, config.journalSealMs), 200);
};

export const getCertificatePdf: RouteHandler<typeof routes.getCertificatePdf, AppEnv> = async (c) => {
  const { db, config, mirror } = c.get("deps");
  const certificate = await claimCertificate(db, c.req.valid("param").id, config.journalSealMs);
  const lang = c.get("language");
  const t = CATALOGUES[isLang(lang) ? lang : "en"];
  const url = `${config.publicBaseUrl}/claims/${certificate.claim.id}`;
  const pdf = await certificatePdf({ ...certificate, chainId: mirror?.chain.chainId ?? null }, t, url);
  return c.body(new Uint8Array(pdf), 200, {
    "content-type": "application/pdf",
    "content-disposition": `inline; filename="${certificate.claim.id}.pdf"`,
    "content-language": isLang(lang) ? lang : "en",
    vary: "Accept-Language",
  });
};

export const listClaims: RouteHandler<typeof routes.listClaims, AppEnv> = async (c) => {
  const { limit, cursor, ...filter } = c.req.valid("query");
  return c.json(await claims.listClaims(c.get("deps").db, filter, { limit, cursor }), 200);
};
