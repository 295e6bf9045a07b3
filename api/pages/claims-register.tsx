import { FRAMEWORKS, REASONS } from "../ledger/core/claim-terms.js";
import type { Claim, ClaimFilter } from "../ledger/ops/claims.js";
import type { BeneficiarySummary } from "../ledger/read/beneficiaries.js";
import { ClaimsTable } from "./claims-table.js";
import { localHref, number, tonnes, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

/** The register's filters as the query string of a link: the same filters, in the page or the CSV. */
export function filterQuery(f: ClaimFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(f)) if (value !== undefined) params.set(name, String(value));
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function Choice(props: { name: string; label: string; value: string | undefined; options: [string, string][] }) {
  const { t } = useUi();
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{t.register.any}</option>
        {props.options.map(([value, text]) => (
          <option value={value} selected={props.value === value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Text(props: { name: string; label: string; value: string | number | undefined; pattern?: string }) {
  return (
    <label>
      {props.label}
      <input type="text" name={props.name} value={props.value ?? ""} maxlength={200} pattern={props.pattern} />
    </label>
  );
}

/** A list's first and next pages: each keeps the filters and the language. */
function Pager(props: { path: string; filter: ClaimFilter; paged: boolean; nextCursor: string | null }) {
  const ui = useUi();
  const href = (cursor?: string) =>
    localHref(ui, `${props.path}${filterQuery(props.filter, cursor ? { cursor } : {})}`);
  return (
    <p class="pager">
      {props.paged ? <a href={href()}>{ui.t.register.first}</a> : null}
      {props.nextCursor ? (
        <a href={href(props.nextCursor)} rel="next">
          {ui.t.register.next}
        </a>
      ) : null}
    </p>
  );
}

/** `/claims`: every claim, filtered as `GET /v1/claims` filters, a page at a time, with the CSV of the same filters. */
export function ClaimsRegisterPage(props: {
  filter: ClaimFilter;
  claims: Claim[];
  nextCursor: string | null;
  paged: boolean;
}) {
  const ui = useUi();
  const { t } = ui;
  const f = props.filter;
  return (
    <Layout title={t.register.title}>
      <h1>{t.register.title}</h1>
      <p>{t.register.intro}</p>
      <form method="get" action="/claims" class="filters" aria-label={t.register.filters}>
        <Text name="beneficiary" label={t.register.beneficiary} value={f.beneficiary} />
        <Text name="claimant" label={t.register.claimant} value={f.claimant} />
        <Text name="hostCountry" label={t.register.hostCountry} value={f.hostCountry} pattern="[A-Z]{2}" />
        <Text name="projectRef" label={t.register.project} value={f.projectRef} />
        <Text name="year" label={t.register.year} value={f.year} pattern="[0-9]{4}" />
        <Choice
          name="reason"
          label={t.register.reason}
          value={f.reason}
          options={REASONS.map((r) => [r, t.reasons[r]])}
        />
        <Choice
          name="framework"
          label={t.register.framework}
          value={f.framework}
          options={FRAMEWORKS.map((k) => [k, t.frameworks[k]])}
        />
        <Choice
          name="claimType"
          label={t.register.claimType}
          value={f.claimType}
          options={[
            ["compensation", t.claimTypes.compensation],
            ["contribution", t.claimTypes.contribution],
          ]}
        />
        {ui.url.searchParams.has("lang") ? <input type="hidden" name="lang" value={ui.lang} /> : null}
        <button type="submit">{t.register.apply}</button>
        <a href={localHref(ui, "/claims")}>{t.register.clear}</a>
      </form>
      <p>
        <a href={`/v1/exports/claims.csv${filterQuery(f)}`} download>
          {t.register.csv}
        </a>
      </p>
      {props.claims.length === 0 ? <p class="muted">{t.register.none}</p> : <ClaimsTable claims={props.claims} />}
      <Pager path="/claims" filter={f} paged={props.paged} nextCursor={props.nextCursor} />
    </Layout>
  );
}

/** `/beneficiaries/{key}`: everything claimed for one organization, with totals by year. */
export function BeneficiaryPage(props: {
  summary: BeneficiarySummary;
  claims: Claim[];
  nextCursor: string | null;
  paged: boolean;
}) {
  const ui = useUi();
  const { t } = ui;
  const s = props.summary;
  const name = s.names[0] ?? s.key;
  const path = `/beneficiaries/${encodeURIComponent(s.key)}`;
  return (
    <Layout title={t.beneficiary.title(name)}>
      <h1>{t.beneficiary.title(name)}</h1>
      <p>{t.beneficiary.intro}</p>
      <dl class="facts">
        <dt>{t.table.beneficiary}</dt>
        <dd>
          {s.names.join(" / ")} ({s.countries.join(", ")})
        </dd>
        {s.legalIds.length > 0 ? (
          <>
            <dt>{t.beneficiary.legalIds}</dt>
            <dd>{s.legalIds.join(", ")}</dd>
          </>
        ) : null}
      </dl>
      <h2>{t.beneficiary.totals}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.table.year}</th>
              <th scope="col">{t.table.type}</th>
              <th scope="col">{t.table.claims}</th>
              <th scope="col">{t.table.quantity}</th>
            </tr>
          </thead>
          <tbody>
            {s.totals.map((row) => (
              <tr>
                <td>{row.year}</td>
                <td>{t.claimTypes[row.claimType]}</td>
                <td>{number(t, row.claims)}</td>
                <td>{tonnes(t, row.quantity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t.beneficiary.all}</h2>
      <p>
        <a href={`/v1/exports/claims.csv${filterQuery({ beneficiaryKey: s.key })}`} download>
          {t.register.csv}
        </a>
      </p>
      <ClaimsTable claims={props.claims} />
      <Pager path={path} filter={{}} paged={props.paged} nextCursor={props.nextCursor} />
    </Layout>
  );
}
