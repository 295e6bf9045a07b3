import type { Context, MiddlewareHandler } from "hono";
import { type Authenticated, authenticate } from "../accounts/organizations.js";
import { Forbidden, Unauthenticated } from "../ledger/core/errors.js";
import type { Actor } from "../ledger/ops/deps.js";
import type { AppEnv } from "./env.js";
import { clientAddress, RateLimited } from "./rate-limit.js";

const BEARER = /^Bearer ([\x21-\x7e]{1,200})$/;

/** The caller behind `Authorization: Bearer …`, looked up once per request. */
export async function caller(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<Authenticated> {
  const known = c.get("auth");
  if (known) return known;
  const header = c.req.header("authorization");
  if (!header) throw new Unauthenticated("An API key is required: Authorization: Bearer <key>");
  const { limits } = c.get("deps");
  const address = clientAddress(c, limits.trustProxy);
  // Guessing keys is throttled per address: failures spend tokens, a success costs nothing.
  const wait = limits.authFailures.wait(address);
  if (wait > 0) throw new RateLimited("Too many failed authentications from this address", wait);
  try {
    const m = BEARER.exec(header);
    if (!m?.[1]) throw new Unauthenticated("The Authorization header must be: Bearer <key>");
    const deps = c.get("deps");
    const auth = await authenticate(deps.primary ?? deps.db, m[1]);
    c.set("auth", auth);
    return auth;
  } catch (error) {
    if (error instanceof Unauthenticated) limits.authFailures.take(address);
    throw error;
  }
}

export function actorOf(auth: Authenticated): Actor {
  return {
    id: auth.organization.id,
    name: auth.organization.name,
    role: auth.organization.role,
    country: auth.organization.country,
    registries: auth.organization.registries,
  };
}

/** Lets the request through only with a live key of one of these roles (any role if none given). */
export function requireRole(...roles: Actor["role"][]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = await caller(c);
    if (roles.length > 0 && !roles.includes(auth.organization.role)) {
      throw new Forbidden(`This needs the role ${roles.join(" or ")}; the caller is ${auth.organization.role}`);
    }
    await next();
  };
}

export function actor(c: Pick<Context<AppEnv>, "get">): Actor {
  const auth = c.get("auth");
  if (!auth) throw new Unauthenticated("An API key is required");
  return actorOf(auth);
}
