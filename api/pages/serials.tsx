import type { ProvenanceEvent } from "../ledger/read/provenance.js";
import type { Status } from "../ledger/read/status.js";
import { StateBadge, tonnes, YesNo } from "./components.js";
import { Layout } from "./layout.js";

const KIND_LABELS: Record<string, string> = {
  "issuance.created": "Issued",
  deposit: "Deposited into the bridge",
  withdrawal: "Withdrawn to the registry",
  transfer: "Transferred",
  claim: "Claimed",
  tokenization: "Tokenized",
  "tokenization.confirmed": "Mint confirmed on chain",
  detokenization: "Detokenized",
  "government_report.ndc_use": "Counted toward an NDC",
  "government_report.authorization": "Authorized (Article 6)",
  "government_report.corresponding_adjustment": "Corresponding adjustment reported",
  "government_report.first_transfer": "First transferred (Article 6)",
  "government_report.cancellation": "Cancelled",
  "authorization.version": "Authorized (Article 6)",
  "authorization.narrowed": "Left out of a new version of its authorization",
};

function EventDetails(props: { e: ProvenanceEvent }) {
  const d = props.e.details;
  const claimId = typeof d.claimId === "string" ? d.claimId : undefined;
  const parts = [
    typeof d.to === "string" ? `to ${d.to}` : undefined,
    typeof d.party === "string" ? `by ${d.party}` : undefined,
    typeof d.reference === "string" ? `reference ${d.reference}` : undefined,
    typeof d.txHash === "string" ? `transaction ${d.txHash}` : undefined,
  ].filter(Boolean);
  return (
    <span>
      {claimId ? (
        <>
          claim <a href={`/claims/${claimId}`}>{claimId}</a>{" "}
        </>
      ) : null}
      {parts.join(", ")}
    </span>
  );
}

export function SerialsPage(props: { status: Status; events: ProvenanceEvent[]; more: boolean }) {
  const s = props.status;
  return (
    <Layout title={s.serials}>
      <h1>
        Units <span class="hash">{s.serials}</span>
      </h1>
      <p>
        {tonnes(s.quantity)}
        {s.nextCursor === null ? ` in ${s.parts.length} part${s.parts.length === 1 ? "" : "s"}.` : "."}
      </p>
      {s.doubleCounted ? (
        <p class="warning" role="alert">
          The ledger is inconsistent for these units; the operators have been alerted.
        </p>
      ) : null}
      <h2>State of every unit</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Serials</th>
              <th scope="col">Units</th>
              <th scope="col">State</th>
              <th scope="col">Holder</th>
              <th scope="col">Use</th>
              <th scope="col">Authorized</th>
              <th scope="col">Corresponding adjustment</th>
            </tr>
          </thead>
          <tbody>
            {s.parts.map((p) => (
              <tr>
                <td class="hash">
                  <a href={`/serials/${p.serials}`}>{p.serials}</a>
                </td>
                <td>{p.quantity.toLocaleString("en")}</td>
                <td>
                  <StateBadge state={p.state} />
                </td>
                <td class="hash">{p.holder ?? "—"}</td>
                <td>
                  {p.claimId ? (
                    <a href={`/claims/${p.claimId}`}>{p.claimId}</a>
                  ) : (
                    (p.reportId ?? (p.tokenId ? `token ${p.tokenId}` : "—"))
                  )}
                </td>
                <td>
                  <YesNo value={p.authorized} />
                </td>
                <td>
                  <YesNo value={p.correspondingAdjustment} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {s.nextCursor !== null ? (
        <p>
          <a href={`/serials/${s.serials}?cursor=${s.nextCursor}`}>Next parts, from unit {s.nextCursor}</a>
        </p>
      ) : null}
      <h2>History</h2>
      <ol class="history">
        {props.events.map((e) => (
          <li>
            <strong>{KIND_LABELS[e.kind] ?? e.kind}</strong> on {e.at.replace("T", " ").slice(0, 19)} UTC —{" "}
            <span class="hash">{e.serials.join(", ")}</span>
            <br />
            <EventDetails e={e} />
            <br />
            <span class="muted">
              entry {e.seq}, hash <span class="hash">{e.hash.slice(0, 16)}…</span>, follows{" "}
              <span class="hash">{e.prevHash.slice(0, 16)}…</span>
            </span>
          </li>
        ))}
      </ol>
      {props.more ? <p class="muted">Older history continues at /v1/provenance/{s.serials}.</p> : null}
    </Layout>
  );
}
