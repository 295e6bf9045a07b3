import type { Claim } from "../ledger/ops/claims.js";
import type { Project } from "../ledger/ops/projects.js";
import { ClaimsTable } from "./claims-table.js";
import { localHref, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

/** What the search box suggests when the ledger holds nothing yet. */
const GENERIC_EXAMPLE = { serials: "JCM-JP-MN006-2020-1-100", project: "MN006" };

export function HomePage(props: {
  claims: Claim[];
  projects: Project[];
  example: { serials: string; project: string } | undefined;
  error?: string | undefined;
}) {
  const ui = useUi();
  const { t } = ui;
  const example = props.example ?? GENERIC_EXAMPLE;
  return (
    <Layout title={t.home.title}>
      <h1>{t.home.heading}</h1>
      <p>{t.home.intro}</p>
      <form method="get" action="/search" aria-label={t.home.searchAria}>
        <label for="q">{t.home.searchLabel}</label>
        <input
          id="q"
          name="q"
          type="search"
          required
          maxlength={120}
          placeholder={example.serials}
          aria-describedby="q-help"
        />
        {ui.url.searchParams.has("lang") ? <input type="hidden" name="lang" value={ui.lang} /> : null}
        <button type="submit">{t.home.lookUp}</button>
      </form>
      <p id="q-help" class="muted">
        {t.home.example} <a href={localHref(ui, `/serials/${example.serials}`)}>{example.serials}</a>,{" "}
        <code>clm_…</code> {t.home.or} <a href={localHref(ui, `/projects/${example.project}`)}>{example.project}</a>
      </p>
      {props.error ? (
        <p class="warning" role="alert">
          {props.error}
        </p>
      ) : null}
      <h2>{t.home.latest}</h2>
      {props.claims.length === 0 ? <p class="muted">{t.home.noClaims}</p> : <ClaimsTable claims={props.claims} />}
      <p>
        <a href={localHref(ui, "/claims")}>{t.home.allClaims}</a>
      </p>
      <h2>{t.home.projects}</h2>
      {props.projects.length === 0 ? (
        <p class="muted">{t.home.noProjects}</p>
      ) : (
        <ul>
          {props.projects.map((p) => (
            <li>
              <a href={localHref(ui, `/projects/${p.ref}`)}>{p.ref}</a> — {p.title} ({p.hostCountry})
            </li>
          ))}
        </ul>
      )}
      <h2>{t.home.developers}</h2>
      <p>
        {t.home.developersText} <a href={localHref(ui, "/docs")}>/docs</a> · <a href="/openapi.json">/openapi.json</a>
      </p>
    </Layout>
  );
}
