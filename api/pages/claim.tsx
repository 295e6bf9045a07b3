import type { CertifiedClaim } from "../ledger/journal/certificate.js";
import type { Project } from "../ledger/ops/projects.js";
import type { Status } from "../ledger/read/status.js";
import { day, TxLink, tonnes, YesNo } from "./components.js";
import { Layout } from "./layout.js";

const TYPE_LABELS = {
  compensation:
    "Compensation (offset) claim: units authorized by the host country and covered by a corresponding adjustment",
  contribution: "Contribution claim: a contribution to the host country's mitigation, not an offset",
};

/** A printable certificate: everything a buyer needs to check where each tonne came from. */
export function ClaimPage(props: {
  claim: CertifiedClaim;
  units: Status[];
  projects: Project[];
  chainId: number | null;
}) {
  const c = props.claim;
  const cert = c.certificate;
  return (
    <Layout title={`Claim ${c.id}`}>
      <article class="certificate" aria-labelledby="claim-title">
        <h1 id="claim-title">Claim certificate</h1>
        <dl class="facts">
          <dt>Claim</dt>
          <dd class="hash">{c.id}</dd>
          <dt>Beneficiary</dt>
          <dd>
            {c.beneficiary.name} ({c.beneficiary.country})
          </dd>
          <dt>Claimed by</dt>
          <dd>
            {c.claimantName} <span class="hash muted">{c.claimant}</span>
          </dd>
          <dt>Claim type</dt>
          <dd>{TYPE_LABELS[c.claimType]}</dd>
          <dt>Purpose</dt>
          <dd>{c.purpose}</dd>
          <dt>Period</dt>
          <dd>
            {c.period.start} to {c.period.end}
          </dd>
          <dt>Quantity</dt>
          <dd>{tonnes(c.quantity)}</dd>
          <dt>Made on</dt>
          <dd>{c.createdAt.replace("T", " ").slice(0, 19)} UTC</dd>
          {c.txHash ? (
            <>
              <dt>Retired on chain</dt>
              <dd>
                <TxLink chainId={props.chainId} hash={c.txHash} />
              </dd>
            </>
          ) : null}
        </dl>
        <h2>Units</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Serials</th>
                <th scope="col">Units</th>
                <th scope="col">Authorized</th>
                <th scope="col">Corresponding adjustment</th>
              </tr>
            </thead>
            <tbody>
              {props.units.flatMap((u) =>
                u.parts.map((p) => (
                  <tr>
                    <td class="hash">
                      <a href={`/serials/${p.serials}`}>{p.serials}</a>
                    </td>
                    <td>{p.quantity.toLocaleString("en")}</td>
                    <td>
                      <YesNo value={p.authorized} />
                    </td>
                    <td>
                      <YesNo value={p.correspondingAdjustment} />
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
        <h2>Project{props.projects.length > 1 ? "s" : ""}</h2>
        {props.projects.map((p) => (
          <dl class="facts">
            <dt>Project</dt>
            <dd>
              <a href={`/projects/${p.ref}`}>{p.ref}</a> — {p.title}
            </dd>
            <dt>Host country</dt>
            <dd>{p.hostCountry}</dd>
            <dt>Methodology</dt>
            <dd>{p.methodology}</dd>
            {p.registeredOn ? (
              <>
                <dt>Registered</dt>
                <dd>{day(p.registeredOn)}</dd>
              </>
            ) : null}
          </dl>
        ))}
        <h2>Verification</h2>
        <dl class="facts">
          <dt>Journal entry</dt>
          <dd>
            {cert.journalSeq} (<span class="hash">{cert.hash}</span>)
          </dd>
          <dt>Merkle root</dt>
          <dd class="hash">
            {cert.root ??
              `being sealed into the journal's next Merkle root: refresh in a moment (within ${cert.sealing?.expectedWithinSeconds ?? 2} s)`}
          </dd>
          <dt>Inclusion proof</dt>
          <dd>{cert.proof ? `${cert.proof.length} hashes, leaf ${cert.leafIndex} of ${cert.treeSize}` : "pending"}</dd>
          <dt>Anchored on chain</dt>
          <dd>
            {cert.anchor ? (
              <>
                chain {cert.anchor.chainId}, contract <span class="hash">{cert.anchor.contract}</span>, transaction{" "}
                <TxLink chainId={cert.anchor.chainId} hash={cert.anchor.txHash} />
              </>
            ) : (
              "not yet"
            )}
          </dd>
        </dl>
        <p>
          Check it yourself, without trusting this site: save <a href={`/v1/claims/${c.id}`}>the claim as JSON</a> and
          run <code>npm run cli -- verify claim.json --rpc &lt;RPC URL&gt;</code>.
        </p>
      </article>
      <p class="no-print muted">Print this page with your browser to keep a copy of the certificate.</p>
    </Layout>
  );
}
