import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Address } from "viem";
import { getOrganization } from "../../accounts/organizations.js";
import { actor } from "../../http/auth.js";
import type { AppEnv } from "../../http/env.js";
import { parseIssuanceId } from "../../ledger/core/ids.js";
import * as tokens from "../../ledger/ops/tokens.js";
import { tokenMetadata } from "../../ledger/read/token-metadata.js";
import type * as routes from "./tokens.routes.js";

function mirrorOf(c: Pick<Context<AppEnv>, "get">) {
  const mirror = c.get("deps").mirror;
  if (!mirror) throw new tokens.MirrorDisabled();
  return mirror;
}

export const createTokenization: RouteHandler<typeof routes.createTokenization, AppEnv> = async (c) => {
  mirrorOf(c);
  return c.json(await tokens.requestTokenization(c.get("deps"), actor(c), c.req.valid("json")), 202);
};

export const getTokenization: RouteHandler<typeof routes.getTokenization, AppEnv> = async (c) => {
  mirrorOf(c);
  return c.json(await tokens.getOwnOperation(c.get("deps").db, actor(c), c.req.valid("param").id, "mint"), 200);
};

export const createDetokenization: RouteHandler<typeof routes.createDetokenization, AppEnv> = async (c) => {
  const mirror = mirrorOf(c);
  const body = c.req.valid("json");
  const who = actor(c);
  const org = await getOrganization(c.get("deps").db, who.id);
  const tokenId = parseIssuanceId(body.issuanceId);
  if (org.walletAddress && tokenId !== undefined) {
    await mirror.checkBurnable(org.walletAddress as Address, tokenId, BigInt(body.quantity));
  }
  return c.json(await tokens.requestDetokenization(c.get("deps"), who, body), 202);
};

export const getDetokenization: RouteHandler<typeof routes.getDetokenization, AppEnv> = async (c) => {
  mirrorOf(c);
  return c.json(await tokens.getOwnOperation(c.get("deps").db, actor(c), c.req.valid("param").id, "burn"), 200);
};

export const getChain: RouteHandler<typeof routes.getChain, AppEnv> = async (c) => {
  // Loaded on first use: a server without the mirror never carries the EVM libraries in memory.
  const { chainStatus } = await import("../../chain/mirror.js");
  const { db, mirror, clock } = c.get("deps");
  return c.json(await chainStatus(db, mirror, clock()), 200);
};

export const getToken: RouteHandler<typeof routes.getToken, AppEnv> = async (c) => {
  mirrorOf(c);
  const { db, config } = c.get("deps");
  return c.json(await tokenMetadata(db, c.req.valid("param").id, config.publicBaseUrl), 200);
};
