import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppDeps, AppEnv } from "./http/env.js";
import { idempotency } from "./http/idempotency.js";
import { Metrics, metricsHandler } from "./http/metrics.js";
import { notFound, onError } from "./http/problem.js";
import { publicReads } from "./http/public-reads.js";
import { readPass, routeReads } from "./http/read-routing.js";
import { refuseUnstorableText } from "./http/text.js";
import { validationHook } from "./http/validation.js";
import { InvalidRequest, LedgerError, PayloadTooLarge } from "./ledger/core/errors.js";
import type { OpenApiDocument } from "./pages/docs.js";
import { adminRoutes } from "./routes/admin/index.js";
import { article6Routes } from "./routes/article6/index.js";
import { claimRoutes } from "./routes/claims/index.js";
import { eventRoutes } from "./routes/events/index.js";
import { exportRoutes } from "./routes/exports/index.js";
import { governmentReportRoutes } from "./routes/government-reports/index.js";
import { holdingRoutes } from "./routes/holdings/index.js";
import { issuanceRoutes } from "./routes/issuances/index.js";
import { journalRoutes } from "./routes/journal/index.js";
import { lookupRoutes } from "./routes/lookup/index.js";
import { movementRoutes } from "./routes/movements/index.js";
import { organizationRoutes } from "./routes/organizations/index.js";
import { pageRoutes } from "./routes/pages/index.js";
import { projectRoutes } from "./routes/projects/index.js";
import { provenanceRoutes } from "./routes/provenance/index.js";
import { statusRoutes } from "./routes/status/index.js";
import { tokenRoutes } from "./routes/tokens/index.js";
import { webhookRoutes } from "./routes/webhooks/index.js";

export const API_INFO = {
  title: "jcm-bridge",
  version: "1.0.0",
  description:
    "The authoritative record of what has happened to every JCM credit serial in the voluntary market: " +
    "held, transferred, claimed, or counted by a government. Anything that would count one tonne twice is refused.",
};

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Refuses bodies over `maxSize`. A declared Content-Length is checked from the header (Node's parser
 * holds the body to it), so the request is never turned into a web Request just to be measured;
 * only chunked bodies are counted as they stream.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new PayloadTooLarge(`The request body exceeds ${maxSize} bytes`);
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return streamed(c, next);
    if (Number(length) > maxSize) tooLarge();
    return next();
  };
}

/**
 * Sets a header on whatever response the request ends with, before it is handled. On the Node
 * server it goes straight onto the outgoing message: setting it on Hono's response would rebuild
 * every response as a full web Response, a large share of a small request's cost.
 */
function presetHeader(c: Context<AppEnv>, name: string, value: string): void {
  const outgoing = c.env?.outgoing;
  if (outgoing) outgoing.setHeader(name, value);
  else c.header(name, value);
}

/** Builds the application from its dependencies; tests build their own with their own database. */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const metrics = new Metrics(deps);
  app.use("*", metrics.observe());
  const onReplica: AppDeps | undefined = deps.replica && { ...deps, db: deps.replica.db, primary: deps.db };

  app.use("*", async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set("deps", onReplica && readPass(c.req.raw) === "replica" ? onReplica : deps);
    c.set("auth", undefined);
    c.set("storedAnswer", undefined);
    c.set("requestId", requestId);
    const started = performance.now();
    presetHeader(c, "x-request-id", requestId);
    await next();
    deps.log.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        org: c.get("auth")?.organization.id,
      },
      "request",
    );
  });
  app.use("*", async (c, next) => {
    // A NUL can never be part of a serial, id or filter; refuse it before it reaches a query.
    if (/%00/.test(c.req.url)) throw new InvalidRequest([{ path: "url", message: "must not contain NUL characters" }]);
    await next();
  });
  const ownLimits: Record<string, MiddlewareHandler> = {
    "/v1/issuances/import": limitBody(deps.config.maxImportBytes),
    "/v1/claims/batch": limitBody(deps.config.maxBatchBytes),
  };
  const limitOtherBodies = limitBody(deps.config.maxBodyBytes);
  app.use("*", (c, next) => (ownLimits[c.req.path] ?? limitOtherBodies)(c, next));
  app.use("*", refuseUnstorableText());
  app.use("*", publicReads(presetHeader));
  app.use("/v1/*", idempotency());

  organizationRoutes(app);
  projectRoutes(app);
  issuanceRoutes(app);
  movementRoutes(app);
  holdingRoutes(app);
  claimRoutes(app);
  governmentReportRoutes(app);
  article6Routes(app);
  statusRoutes(app);
  provenanceRoutes(app);
  journalRoutes(app);
  exportRoutes(app);
  eventRoutes(app);
  webhookRoutes(app);
  lookupRoutes(app);
  tokenRoutes(app);
  adminRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key: Authorization: Bearer jcmk_…",
  });
  const document = () =>
    app.getOpenAPI31Document({ openapi: "3.1.0", info: API_INFO }) as unknown as OpenApiDocument & object;
  pageRoutes(app, document);
  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/health", (c) => c.json({ ok: true }));
  app.get("/metrics", metricsHandler(metrics));

  // Routing wraps the whole app, so a read the replica could not answer runs again, whole, on the primary.
  if (deps.replica) app.fetch = routeReads(app.fetch, deps.replica);
  app.notFound(notFound);
  app.onError((error, c) => {
    if (error instanceof LedgerError) metrics.refused(error);
    return onError(error, c);
  });
  return app;
}
