import { beneficiaryKey } from "../ledger/core/claim-terms.js";
import type { Claim } from "../ledger/ops/claims.js";
import { day, localHref, tonnes, useUi } from "./i18n.js";

/** Claims as the register, the home page and a beneficiary's page list them. */
export function ClaimsTable(props: { claims: readonly Claim[] }) {
  const ui = useUi();
  const { t } = ui;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t.table.claim}</th>
            <th scope="col">{t.table.beneficiary}</th>
            <th scope="col">{t.table.type}</th>
            <th scope="col">{t.table.reason}</th>
            <th scope="col">{t.table.quantity}</th>
            <th scope="col">{t.table.date}</th>
          </tr>
        </thead>
        <tbody>
          {props.claims.map((c) => (
            <tr>
              <td class="hash">
                <a href={localHref(ui, `/claims/${c.id}`)}>{c.id}</a>
              </td>
              <td>
                {c.beneficiary.name === null ? (
                  <span class="muted">{t.personWithheld}</span>
                ) : (
                  <a href={localHref(ui, `/beneficiaries/${encodeURIComponent(beneficiaryKey(c.beneficiary.name))}`)}>
                    {c.beneficiary.name}
                  </a>
                )}
              </td>
              <td>{t.claimTypes[c.claimType]}</td>
              <td>{c.reason ? t.reasons[c.reason] : t.none}</td>
              <td>{tonnes(t, c.quantity)}</td>
              <td>{day(t, c.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
