import { UNIT_STATES, type UnitState } from "../ledger/core/segments.js";
import type { ProjectWithIssuances } from "../ledger/ops/projects.js";
import { STATE_COLORS } from "./components.js";
import { day, localHref, number, tonnes, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

function Bar(props: { totals: Record<UnitState, number>; quantity: number }) {
  const { t } = useUi();
  const shown = UNIT_STATES.filter((s) => props.totals[s] > 0);
  const described = shown.map((s) => `${t.states[s]} ${number(t, props.totals[s])}`).join(", ");
  return (
    <div class="bar" role="img" aria-label={described}>
      {shown.map((s) => (
        <span
          style={`width:${((props.totals[s] / props.quantity) * 100).toFixed(3)}%;background:${STATE_COLORS[s]}`}
          title={`${t.states[s]}: ${number(t, props.totals[s])}`}
        />
      ))}
    </div>
  );
}

export function ProjectPage(props: { project: ProjectWithIssuances; totals: Map<string, Record<UnitState, number>> }) {
  const ui = useUi();
  const { t } = ui;
  const p = props.project;
  return (
    <Layout title={`${p.ref} ${p.title}`}>
      <h1>
        {p.ref}: {p.title}
      </h1>
      <dl class="facts">
        <dt>{t.project.hostCountry}</dt>
        <dd>{p.hostCountry}</dd>
        <dt>{t.project.methodology}</dt>
        <dd>{p.methodology}</dd>
        {p.sector ? (
          <>
            <dt>{t.project.sector}</dt>
            <dd>{p.sector}</dd>
          </>
        ) : null}
        {p.registeredOn ? (
          <>
            <dt>{t.project.registered}</dt>
            <dd>{day(t, p.registeredOn)}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={localHref(ui, `/claims?projectRef=${p.ref}`)}>{t.project.claims}</a>
      </p>
      <h2>{t.project.issuances}</h2>
      {p.issuances.length === 0 ? <p class="muted">{t.project.noIssuances}</p> : null}
      <ul class="legend" aria-hidden="true">
        {UNIT_STATES.map((s) => (
          <li>
            <i style={`background:${STATE_COLORS[s]}`} />
            {t.states[s]}
          </li>
        ))}
      </ul>
      {p.issuances.map((i) => {
        const totals =
          props.totals.get(i.id) ?? (Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>);
        return (
          <section aria-labelledby={`h-${i.id}`}>
            <h3 id={`h-${i.id}`}>{t.project.vintage(i.vintage, i.registry, tonnes(t, i.quantity))}</h3>
            <p class="muted">
              <a class="hash" href={localHref(ui, `/serials/${i.serials}`)}>
                {i.serials}
              </a>{" "}
              · {t.project.monitoring(day(t, i.monitoringPeriod.start), day(t, i.monitoringPeriod.end))}
            </p>
            <Bar totals={totals} quantity={i.quantity} />
            <div class="table-wrap">
              <table>
                <caption class="muted">{t.project.byState(i.id)}</caption>
                <tbody>
                  {UNIT_STATES.map((s) => (
                    <tr>
                      <th scope="row">{t.states[s]}</th>
                      <td>{number(t, totals[s])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      {p.issuancesNextCursor !== null ? <p class="muted">{t.project.firstOnly(p.issuances.length, p.ref)}</p> : null}
    </Layout>
  );
}
