import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../../http/env.js";
import { detectLanguage } from "../../http/language.js";
import { validationHook } from "../../http/validation.js";
import { InvalidRequest, LedgerError, NotFound } from "../../ledger/core/errors.js";
import { type ClaimFilter, listClaims } from "../../ledger/ops/claims.js";
import { getProject, listProjects } from "../../ledger/ops/projects.js";
import { aefOf } from "../../ledger/read/aef.js";
import { beneficiarySummary } from "../../ledger/read/beneficiaries.js";
import { claimCertificate } from "../../ledger/read/claim-units.js";
import { exampleRange } from "../../ledger/read/issuances.js";
import { issuanceTotals } from "../../ledger/read/project-totals.js";
import { provenanceOf } from "../../ledger/read/provenance.js";
import { statusOf } from "../../ledger/read/status.js";
import { Article6Page } from "../../pages/article6.js";
import { ClaimPage } from "../../pages/claim.js";
import { BeneficiaryPage, ClaimsRegisterPage } from "../../pages/claims-register.js";
import { DocsPage, type OpenApiDocument } from "../../pages/docs.js";
import { ErrorPage } from "../../pages/error.js";
import { HomePage } from "../../pages/home.js";
import { isLang, localHref, type Ui, UiContext, uiOf } from "../../pages/i18n.js";
import { ProjectPage } from "../../pages/project.js";
import { SerialsPage } from "../../pages/serials.js";
import { ClaimFilters } from "../claims/claims.routes.js";

/** A page shows this many parts of a range, with a link to the next ones, and the oldest events of its history. */
const PAGE_PARTS = 500;
const PAGE_EVENTS = 100;
const PAGE_ISSUANCES = 200;
const PAGE_CLAIMS = 50;

/** A `?cursor=` of a page: the first unit to show. */
function pageCursor(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,16}$/.test(text)) throw new InvalidRequest([{ path: "cursor", message: "must be a unit number" }]);
  return BigInt(text);
}

/** The reader's language (`?lang=`, else `Accept-Language`, else English) and this page's address. */
function uiFor(c: Context<AppEnv>): Ui {
  const lang = c.get("language");
  return uiOf(isLang(lang) ? lang : "en", c.req.url);
}

/** A page in the reader's language; caches keep one copy per language asked for. */
function show(
  c: Context<AppEnv>,
  page: JSX.Element,
  status: 200 | 400 | 404 | 409 | 422 = 200,
): Response | Promise<Response> {
  const ui = uiFor(c);
  c.header("content-language", ui.lang);
  c.header("vary", "Accept-Language");
  return c.html(<UiContext.Provider value={ui}>{page}</UiContext.Provider>, status);
}

/** Domain errors become pages with the same status, never JSON. */
async function page(c: Context<AppEnv>, render: () => Promise<Response>): Promise<Response> {
  try {
    return await render();
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    const message = error.details ?? error.shortMessage;
    return show(c, <ErrorPage status={error.status} code={error.code} message={message} />, error.status as 400);
  }
}

/** A page's query, checked by the API's own schema: a filter the API refuses, the page refuses alike. */
function query<T extends z.ZodRawShape>(c: Context<AppEnv>, shape: T): z.infer<z.ZodObject<T>> {
  // A form sends every field; one left empty is a filter not set.
  const given = Object.entries(c.req.query()).filter(([, value]) => value !== "");
  const result = z.object(shape).safeParse(Object.fromEntries(given));
  validationHook({ ...result, target: "query" }, c);
  return result.data as z.infer<z.ZodObject<T>>;
}

const PageCursor = { cursor: z.string().max(64).optional() };

/** A page of a claim list: its claims, where the next page starts, whether this is past the first. */
async function claimsPage(c: Context<AppEnv>, filter: ClaimFilter, cursor: string | undefined) {
  const found = await listClaims(c.get("deps").db, filter, { limit: PAGE_CLAIMS, cursor });
  return { claims: found.data, nextCursor: found.nextCursor, paged: cursor !== undefined };
}

/** Public, server-rendered pages for buyers, auditors and anyone holding a serial or claim id. */
export function pageRoutes(app: OpenAPIHono<AppEnv>, openApi: () => OpenApiDocument): void {
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
  app.use("*", detectLanguage);

  app.get("/", async (c) => {
    const { db } = c.get("deps");
    const claims = await listClaims(db, {}, { limit: 10 });
    const projects = await listProjects(db, 100, undefined);
    return show(c, <HomePage claims={claims.data} projects={projects} example={await exampleRange(db)} />);
  });

  app.get("/search", async (c) => {
    const q = (c.req.query("q") ?? "").trim();
    const ui = uiFor(c);
    if (/^clm_[0-9a-z]{1,40}$/.test(q)) return c.redirect(localHref(ui, `/claims/${q}`));
    if (/^[A-Z]{2}[0-9]{3}$/.test(q)) return c.redirect(localHref(ui, `/projects/${q}`));
    if (q.startsWith("JCM-")) return c.redirect(localHref(ui, `/serials/${encodeURIComponent(q)}`));
    const { db } = c.get("deps");
    const { t } = ui;
    const claims = await listClaims(db, {}, { limit: 10 });
    return show(
      c,
      <HomePage
        claims={claims.data}
        projects={await listProjects(db, 100, undefined)}
        example={await exampleRange(db)}
        error={q ? t.home.notSearchable(q.slice(0, 80)) : t.home.empty}
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
      return show(c, <SerialsPage status={status} events={history.events} more={history.nextCursor !== null} />);
    }),
  );

  app.get("/claims", (c) =>
    page(c, async () => {
      const { cursor, ...filter } = query(c, { ...ClaimFilters, ...PageCursor });
      return show(c, <ClaimsRegisterPage filter={filter} {...(await claimsPage(c, filter, cursor))} />);
    }),
  );

  app.get("/beneficiaries/:key", (c) =>
    page(c, async () => {
      const key = c.req.param("key");
      const { cursor } = query(c, PageCursor);
      const summary = key.length <= 200 ? await beneficiarySummary(c.get("deps").db, key) : undefined;
      if (!summary) throw new NotFound("beneficiary_not_found", `No claim names the beneficiary ${key.slice(0, 80)}`);
      const claims = await claimsPage(c, { beneficiaryKey: summary.key }, cursor);
      return show(c, <BeneficiaryPage summary={summary} {...claims} />);
    }),
  );

  app.get("/claims/:id", (c) =>
    page(c, async () => {
      const { db, mirror, config } = c.get("deps");
      const certificate = await claimCertificate(db, c.req.param("id"), config.journalSealMs);
      return show(c, <ClaimPage {...certificate} chainId={mirror?.chain.chainId ?? null} />);
    }),
  );

  app.get("/docs", (c) => show(c, <DocsPage doc={openApi()} />));

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
      return show(c, <Article6Page aef={await aefOf(db, party, Number(year), clock)} />);
    }),
  );

  app.get("/projects/:ref", (c) =>
    page(c, async () => {
      const { db } = c.get("deps");
      const ref = c.req.param("ref");
      const project = await getProject(db, ref, { limit: PAGE_ISSUANCES, cursor: undefined });
      return show(
        c,
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
