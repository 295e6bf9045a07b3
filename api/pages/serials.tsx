import type { ProvenanceEvent } from "../ledger/read/provenance.js";
import type { Status } from "../ledger/read/status.js";
import { StateBadge } from "./components.js";
import { localHref, moment, number, tonnes, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

function EventDetails(props: { e: ProvenanceEvent }) {
  const ui = useUi();
  const { t } = ui;
  const d = props.e.details;
  const claimId = typeof d.claimId === "string" ? d.claimId : undefined;
  const parts = [
    typeof d.to === "string" ? t.serials.to(d.to) : undefined,
    typeof d.party === "string" ? t.serials.by(d.party) : undefined,
    typeof d.reference === "string" ? t.serials.reference(d.reference) : undefined,
    typeof d.txHash === "string" ? t.serials.transaction(d.txHash) : undefined,
  ].filter(Boolean);
  return (
    <span>
      {claimId ? (
        <>
          {t.serials.claim} <a href={localHref(ui, `/claims/${claimId}`)}>{claimId}</a>{" "}
        </>
      ) : null}
      {parts.join(", ")}
    </span>
  );
}

export function SerialsPage(props: { status: Status; events: ProvenanceEvent[]; more: boolean }) {
  const ui = useUi();
  const { t } = ui;
  const s = props.status;
  return (
    <Layout title={s.serials}>
      <h1>
        {t.serials.heading} <span class="hash">{s.serials}</span>
      </h1>
      <p>
        {tonnes(t, s.quantity)}
        {s.nextCursor === null ? t.serials.inParts(s.parts.length) : ""}
      </p>
      {s.doubleCounted ? (
        <p class="warning" role="alert">
          {t.serials.inconsistent}
        </p>
      ) : null}
      <h2>{t.serials.everyUnit}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.table.serials}</th>
              <th scope="col">{t.table.units}</th>
              <th scope="col">{t.table.state}</th>
              <th scope="col">{t.table.holder}</th>
              <th scope="col">{t.table.use}</th>
              <th scope="col">{t.table.authorized}</th>
              <th scope="col">{t.table.adjusted}</th>
            </tr>
          </thead>
          <tbody>
            {s.parts.map((p) => (
              <tr>
                <td class="hash">
                  <a href={localHref(ui, `/serials/${p.serials}`)}>{p.serials}</a>
                </td>
                <td>{number(t, p.quantity)}</td>
                <td>
                  <StateBadge state={p.state} />
                </td>
                <td class="hash">{p.holder ?? t.none}</td>
                <td>
                  {p.claimId ? (
                    <a href={localHref(ui, `/claims/${p.claimId}`)}>{p.claimId}</a>
                  ) : (
                    (p.reportId ?? (p.tokenId ? t.serials.token(p.tokenId) : t.none))
                  )}
                </td>
                <td>{p.authorized ? t.yes : t.no}</td>
                <td>{p.correspondingAdjustment ? t.yes : t.no}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {s.nextCursor !== null ? (
        <p>
          <a href={localHref(ui, `/serials/${s.serials}?cursor=${s.nextCursor}`)}>
            {t.serials.nextParts(s.nextCursor)}
          </a>
        </p>
      ) : null}
      <h2>{t.serials.history}</h2>
      <ol class="history">
        {props.events.map((e) => (
          <li>
            <strong>{t.serials.kinds[e.kind] ?? e.kind}</strong> {moment(t, e.at)} —{" "}
            <span class="hash">{e.serials.join(", ")}</span>
            <br />
            <EventDetails e={e} />
            <br />
            <span class="muted">
              {t.serials.entry(e.seq)} <span class="hash">{e.hash.slice(0, 16)}…</span>, {t.serials.follows}{" "}
              <span class="hash">{e.prevHash.slice(0, 16)}…</span>
            </span>
          </li>
        ))}
      </ol>
      {props.more ? <p class="muted">{t.serials.older(s.serials)}</p> : null}
    </Layout>
  );
}
