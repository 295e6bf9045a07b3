import { UNIT_STATES, type UnitState } from "../ledger/core/segments.js";
import type { ProjectWithIssuances } from "../ledger/ops/projects.js";
import { STATE_COLORS, STATE_LABELS, tonnes } from "./components.js";
import { Layout } from "./layout.js";

function Bar(props: { totals: Record<UnitState, number>; quantity: number }) {
  const described = UNIT_STATES.filter((s) => props.totals[s] > 0)
    .map((s) => `${STATE_LABELS[s]} ${props.totals[s].toLocaleString("en")}`)
    .join(", ");
  return (
    <div class="bar" role="img" aria-label={described}>
      {UNIT_STATES.filter((s) => props.totals[s] > 0).map((s) => (
        <span
          style={`width:${((props.totals[s] / props.quantity) * 100).toFixed(3)}%;background:${STATE_COLORS[s]}`}
          title={`${STATE_LABELS[s]}: ${props.totals[s].toLocaleString("en")}`}
        />
      ))}
    </div>
  );
}

export function ProjectPage(props: { project: ProjectWithIssuances; totals: Map<string, Record<UnitState, number>> }) {
  const p = props.project;
  return (
    <Layout title={`${p.ref} ${p.title}`}>
      <h1>
        {p.ref}: {p.title}
      </h1>
      <dl class="facts">
        <dt>Host country</dt>
        <dd>{p.hostCountry}</dd>
        <dt>Methodology</dt>
        <dd>{p.methodology}</dd>
        {p.sector ? (
          <>
            <dt>Sector</dt>
            <dd>{p.sector}</dd>
          </>
        ) : null}
        {p.registeredOn ? (
          <>
            <dt>Registered</dt>
            <dd>{p.registeredOn}</dd>
          </>
        ) : null}
      </dl>
      <h2>Issuances</h2>
      {p.issuances.length === 0 ? <p class="muted">No issuance is recorded for this project yet.</p> : null}
      <ul class="legend" aria-hidden="true">
        {UNIT_STATES.map((s) => (
          <li>
            <i style={`background:${STATE_COLORS[s]}`} />
            {STATE_LABELS[s]}
          </li>
        ))}
      </ul>
      {p.issuances.map((i) => {
        const totals =
          props.totals.get(i.id) ?? (Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>);
        return (
          <section aria-labelledby={`h-${i.id}`}>
            <h3 id={`h-${i.id}`}>
              Vintage {i.vintage}, {i.registry} registry: {tonnes(i.quantity)}
            </h3>
            <p class="muted">
              <a class="hash" href={`/serials/${i.serials}`}>
                {i.serials}
              </a>{" "}
              · monitoring {i.monitoringPeriod.start} to {i.monitoringPeriod.end}
            </p>
            <Bar totals={totals} quantity={i.quantity} />
            <div class="table-wrap">
              <table>
                <caption class="muted">Units of {i.id} by state</caption>
                <tbody>
                  {UNIT_STATES.map((s) => (
                    <tr>
                      <th scope="row">{STATE_LABELS[s]}</th>
                      <td>{totals[s].toLocaleString("en")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      {p.issuancesNextCursor !== null ? (
        <p class="muted">
          The first {p.issuances.length} issuances are shown; all of them are listed at /v1/projects/{p.ref}.
        </p>
      ) : null}
    </Layout>
  );
}
