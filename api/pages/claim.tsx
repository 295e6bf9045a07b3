import type { CertifiedClaim } from "../ledger/journal/certificate.js";
import type { ClaimCertificate, ClaimedBlock } from "../ledger/read/claim-units.js";
import { TxLink } from "./components.js";
import { day, localHref, moment, number, tonnes, useUi } from "./i18n.js";
import { Layout } from "./layout.js";
import type { Messages } from "./messages/en.js";

/** What a claim's certificate shows, on the page and in the PDF alike. */
export type CertificateView = ClaimCertificate & { chainId: number | null };

/** The claim's statements as label and value, in the reader's language: the facts both certificates list. */
export function claimFacts(t: Messages, c: CertifiedClaim): [string, string][] {
  const facts: [string, string | null][] = [
    [t.claim.claim, c.id],
    [t.claim.beneficiary, `${c.beneficiary.name ?? t.personWithheld} (${c.beneficiary.country})`],
    [t.claim.beneficiaryKind, t.beneficiaryKinds[c.beneficiary.kind]],
    [t.claim.legalId, c.beneficiary.legalId],
    [t.claim.claimant, `${c.claimantName} (${c.claimant})`],
    [t.claim.type, t.claimTypesLong[c.claimType]],
    [t.claim.reason, c.reason && t.reasons[c.reason]],
    [
      t.claim.framework,
      c.framework && `${t.frameworks[c.framework.kind]}${c.framework.tier ? ` — ${t.tiers[c.framework.tier]}` : ""}`,
    ],
    [t.claim.operator, c.framework?.operator ?? null],
    [t.claim.reportingYear, c.reportingYear === null ? null : String(c.reportingYear)],
    [t.claim.scopes, c.scopes?.map((n) => t.claim.scope(n)).join(", ") ?? null],
    [t.claim.purpose, c.purpose],
    [t.claim.period, t.claim.periodRange(day(t, c.period.start), day(t, c.period.end))],
    [t.claim.quantity, tonnes(t, c.quantity)],
    [t.claim.madeOn, moment(t, c.createdAt)],
    [t.claim.notes, c.notes],
  ];
  return facts.filter((f): f is [string, string] => f[1] !== null);
}

/** A block's authorization and corresponding adjustment, as the certificate states them. */
export function blockAttestation(t: Messages, b: ClaimedBlock): { authorization: string; adjustment: string } {
  return {
    authorization: b.authorization
      ? t.claim.authorizationOf(b.authorization.reference, b.authorization.purposes.join(", ").toUpperCase())
      : t.no,
    adjustment: b.correspondingAdjustment
      ? b.adjustmentReferences.length > 0
        ? t.claim.adjustmentBy(b.adjustmentReferences.join(", "))
        : t.yes
      : t.no,
  };
}

/** A printable certificate: everything a buyer needs to check where each tonne came from. */
export function ClaimPage(props: CertificateView) {
  const ui = useUi();
  const { t } = ui;
  const c = props.claim;
  const cert = c.certificate;
  return (
    <Layout title={t.claim.title(c.id)}>
      <article class="certificate" aria-labelledby="claim-title">
        <h1 id="claim-title">{t.claim.heading}</h1>
        <dl class="facts">
          {claimFacts(t, c).map(([label, value]) => (
            <>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </>
          ))}
          {c.txHash ? (
            <>
              <dt>{t.claim.onChain}</dt>
              <dd>
                <TxLink chainId={props.chainId} hash={c.txHash} />
              </dd>
            </>
          ) : null}
        </dl>
        <h2>{t.claim.units}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.table.serials}</th>
                <th scope="col">{t.table.units}</th>
                <th scope="col">{t.claim.authorization}</th>
                <th scope="col">{t.claim.adjustment}</th>
              </tr>
            </thead>
            <tbody>
              {props.blocks.map((b) => {
                const a = blockAttestation(t, b);
                return (
                  <tr>
                    <td class="hash">
                      <a href={localHref(ui, `/serials/${b.serials}`)}>{b.serials}</a>
                    </td>
                    <td>{number(t, b.quantity)}</td>
                    <td>{a.authorization}</td>
                    <td>{a.adjustment}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {props.moreBlocks ? (
          <p class="muted">
            {t.claim.asJson}: /v1/claims/{c.id}
          </p>
        ) : null}
        <h2>{t.claim.projects}</h2>
        {props.projects.map((p) => (
          <dl class="facts">
            <dt>{t.claim.project}</dt>
            <dd>
              <a href={localHref(ui, `/projects/${p.ref}`)}>{p.ref}</a> — {p.title}
            </dd>
            <dt>{t.claim.hostCountry}</dt>
            <dd>{p.hostCountry}</dd>
            <dt>{t.claim.methodology}</dt>
            <dd>{p.methodology}</dd>
            {p.registeredOn ? (
              <>
                <dt>{t.claim.registered}</dt>
                <dd>{day(t, p.registeredOn)}</dd>
              </>
            ) : null}
          </dl>
        ))}
        <h2>{t.claim.verification}</h2>
        <dl class="facts">
          <dt>{t.claim.journalEntry}</dt>
          <dd>
            {cert.journalSeq} (<span class="hash">{cert.hash}</span>)
          </dd>
          <dt>{t.claim.root}</dt>
          <dd class="hash">{cert.root ?? t.claim.sealing(cert.sealing?.expectedWithinSeconds ?? 2)}</dd>
          <dt>{t.claim.proof}</dt>
          <dd>
            {cert.proof && cert.leafIndex !== null && cert.treeSize !== null
              ? t.claim.proofOf(cert.proof.length, cert.leafIndex, cert.treeSize)
              : t.claim.pending}
          </dd>
          <dt>{t.claim.anchored}</dt>
          <dd>
            {cert.anchor ? (
              <>
                {t.claim.anchoredAt(cert.anchor.chainId)} <span class="hash">{cert.anchor.contract}</span>,{" "}
                {t.claim.transaction} <TxLink chainId={cert.anchor.chainId} hash={cert.anchor.txHash} />
              </>
            ) : (
              t.claim.notYet
            )}
          </dd>
        </dl>
        <p>
          {t.claim.checkIt}: <a href={`/v1/claims/${c.id}`}>{t.claim.asJson}</a> →{" "}
          <code>npm run cli -- verify claim.json --rpc &lt;RPC URL&gt;</code>
        </p>
        <p class="no-print">
          <a href={`/v1/claims/${c.id}/certificate.pdf?lang=${ui.lang}`}>{t.claim.pdf}</a>
        </p>
      </article>
      <p class="no-print muted">{t.claim.print}</p>
    </Layout>
  );
}
