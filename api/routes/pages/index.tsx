import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../../http/env.js";
import { InvalidRequest, LedgerError } from "../../ledger/core/errors.js";
import { parseSerials } from "../../ledger/core/serials.js";
import { certifiedClaim } from "../../ledger/journal/certificate.js";
import { listClaims } from "../../ledger/ops/claims.js";
import { findProject, getProject, listProjects, type Project } from "../../ledger/ops/projects.js";
import { aefOf } from "../../ledger/read/aef.js";
import { exampleRange } from "../../ledger/read/issuances.js";
import { issuanceTotals } from "../../ledger/read/project-totals.js";
import { provenanceOf } from "../../ledger/read/provenance.js";
import { statusOf, statusOfBatch } from "../../ledger/read/status.js";
import { Article6Page } from "../../pages/article6.js";
import { ClaimPage } from "../../pages/claim.js";
import { ErrorPage } from "../../pages/error.js";
import { HomePage } from "../../pages/home.js";
import { ProjectPage } from "../../pages/project.js";
import { SerialsPage } from "../../pages/serials.js";

const NOT_FOUND_TITLES: Record<string, string> = {
  claim_not_found: "No such claim",
  project_not_found: "No such project",
  serials_not_found: "No such units",
};

/** A page shows this many parts of a range, with a link to the next ones, and the oldest events of its history. */
const PAGE_PARTS = 500;
const PAGE_EVENTS = 100;
const PAGE_ISSUANCES = 200;

/** A `?cursor=` of a page: the first unit to show. */
function pageCursor(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(text)) throw new InvalidRequest([{ path: "cursor", message: "must be a unit number" }]);
  return BigInt(text);
}

/** Domain errors become pages with the same status, never JSON. */
async function page(c: Context<AppEnv>, render: () => Promise<Response>): Promise<Response> {
  try {
    return await render();
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    const title = error.status === 404 ? (NOT_FOUND_TITLES[error.code] ?? "Not found") : "Cannot show this";
    return c.html(
      <ErrorPage status={error.status} title={title} message={error.details ?? error.shortMessage} />,
      error.status as 400,
    );
  }
}

/** Public, server-rendered pages for buyers, auditors and anyone holding a serial or claim id. */
export function pageRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.get("/", async (c) => {
    const { db } = c.get("deps");
    const claims = await listClaims(db, {}, { limit: 10 });
    const projects = await listProjects(db, 100, undefined);
    return c.html(<HomePage claims={claims.data} projects={projects} example={await exampleRange(db)} />);
  });

  app.get("/search", async (c) => {
    const q = (c.req.query("q") ?? "").trim();
    if (/^clm_[0-9a-z]{1,40}$/.test(q)) return c.redirect(`/claims/${q}`);
    if (/^[A-Z]{2}[0-9]{3}$/.test(q)) return c.redirect(`/projects/${q}`);
    if (q.startsWith("JCM-")) return c.redirect(`/serials/${encodeURIComponent(q)}`);
    const { db } = c.get("deps");
    const claims = await listClaims(db, {}, { limit: 10 });
    const error = q
      ? `"${q.slice(0, 80)}" is not a serial range (JCM-…), a claim id (clm_…) or a project reference.`
      : "Enter something to look up.";
    return c.html(
      <HomePage
        claims={claims.data}
        projects={await listProjects(db, 100, undefined)}
        example={await exampleRange(db)}
        error={error}
      />,
      400,
    );
  });

  app.get("/serials/:serials", (c) =>
    page(c, async () => {
      const { db, log } = c.get("deps");
      const serials = c.req.param("serials");
      const cursor = pageCursor(c.req.query("cursor"));
      const status = await statusOf(db, log, { serials, cursor, limit: PAGE_PARTS });
      const history = await provenanceOf(db, serials, { limit: PAGE_EVENTS });
      return c.html(<SerialsPage status={status} events={history.events} more={history.nextCursor !== null} />);
    }),
  );

  app.get("/claims/:id", (c) =>
    page(c, async () => {
      const { db, log, mirror } = c.get("deps");
      const claim = await certifiedClaim(db, c.req.param("id"), c.get("deps").config.journalSealMs);
      const units = (await statusOfBatch(db, log, claim.serials, c.get("deps").config.statusBatchMaxParts)).flatMap(
        (u) => ("parts" in u ? [u] : []),
      );
      const refs = [...new Set(claim.serials.map((s) => parseSerials(s).project))];
      const projects = (await Promise.all(refs.map((r) => findProject(db, r)))).filter(
        (p): p is Project => p !== undefined,
      );
      return c.html(
        <ClaimPage claim={claim} units={units} projects={projects} chainId={mirror?.chain.chainId ?? null} />,
      );
    }),
  );

  app.get("/article6/:party/:year", (c) =>
    page(c, async () => {
      const { db, clock } = c.get("deps");
      const party = c.req.param("party");
      const year = c.req.param("year");
      if (!/^[A-Z]{2}$/.test(party) || !/^20[2-9][0-9]$/.test(year) || Number(year) < 2021) {
        throw new InvalidRequest([
          {
            path: "party/year",
            message: "a Party's ISO code in capitals and a year from 2021, e.g. /article6/MN/2025",
          },
        ]);
      }
      return c.html(<Article6Page aef={await aefOf(db, party, Number(year), clock)} />);
    }),
  );

  app.get("/projects/:ref", (c) =>
    page(c, async () => {
      const { db } = c.get("deps");
      const ref = c.req.param("ref");
      const project = await getProject(db, ref, { limit: PAGE_ISSUANCES, cursor: undefined });
      return c.html(
        <ProjectPage
          project={project}
          totals={
            await issuanceTotals(
              db,
              project.issuances.map((i) => i.id),
            )
          }
        />,
      );
    }),
  );
}
