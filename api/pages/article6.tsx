import { AEF_TABLES, cellsOf, type RowOf } from "../ledger/read/aef-formats.js";
import type { ActionType, Aef } from "../ledger/read/aef-types.js";
import { tonnes, useUi } from "./i18n.js";
import { Layout } from "./layout.js";

/** Headings in Japanese first, for the ministries that read them, then in English. */
const ACTION_LABELS: Record<ActionType, { ja: string; en: string }> = {
  authorization: { ja: "承認", en: "Authorization" },
  first_transfer: { ja: "初回移転", en: "First transfer" },
  transfer: { ja: "移転", en: "Transfer" },
  acquisition: { ja: "取得", en: "Acquisition" },
  use: { ja: "使用", en: "Use" },
  cancellation: { ja: "取消", en: "Cancellation" },
};

function Table<T extends "authorizations" | "actions" | "holdings" | "authorizedEntities">(props: {
  table: T;
  rows: readonly RowOf<T>[];
  empty: string;
}) {
  const columns = AEF_TABLES[props.table].columns;
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map(([, heading]) => (
              <th scope="col">{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              {cellsOf(props.table, row).map((cell) => (
                <td>{cell ?? ""}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A Party's Article 6.2 report for a year: the five AEF tables, with totals, printable. */
export function Article6Page(props: { aef: Aef }) {
  const ui = useUi();
  const { submission: s, actions, holdings } = props.aef;
  const totals = (Object.keys(ACTION_LABELS) as ActionType[])
    .map((type) => ({
      type,
      rows: actions.filter((a) => a.actionType === type),
    }))
    .filter((t) => t.rows.length > 0);
  const held = holdings.reduce((n, h) => n + h.quantity, 0);
  const base = `/v1/article6/aef?party=${s.party}&year=${s.reportedYear}`;
  return (
    <Layout title={ui.t.article6.title(s.party, s.reportedYear)}>
      <article class="certificate" aria-labelledby="aef-title">
        <h1 id="aef-title">
          パリ協定第6条2項 報告（合意電子様式） <br />
          <span class="muted">
            Article 6.2 report in the Agreed Electronic Format: {s.party}, {s.reportedYear}
          </span>
        </h1>
        <dl class="facts">
          <dt>締約国 / Party</dt>
          <dd>{s.party}</dd>
          <dt>報告年 / Reported year</dt>
          <dd>{s.reportedYear}</dd>
          <dt>NDC期間 / NDC period</dt>
          <dd>{s.ndcPeriod}</dd>
          <dt>作成日時 / Generated</dt>
          <dd>{s.generatedAt.replace("T", " ").slice(0, 19)} UTC</dd>
          <dt>台帳 / Journal</dt>
          <dd>
            記録番号 {s.journalSeq} までの全記録から作成 / derived from every journal entry up to {s.journalSeq}
          </dd>
        </dl>
        <p class="no-print">
          ダウンロード / Download: <a href={`${base}&format=xlsx`}>XLSX</a> ·{" "}
          <a href={`${base}&format=csv&table=actions`}>CSV (actions)</a> · <a href={base}>JSON</a>
        </p>
        <h2>合計 / Totals</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">区分 / Action</th>
                <th scope="col">件数 / Rows</th>
                <th scope="col">数量 / Quantity</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((t) => (
                <tr>
                  <td>
                    {ACTION_LABELS[t.type].ja} / {ACTION_LABELS[t.type].en}
                  </td>
                  <td>{t.rows.length}</td>
                  <td>
                    {tonnes(
                      ui.t,
                      t.rows.reduce((n, r) => n + r.quantity, 0),
                    )}
                  </td>
                </tr>
              ))}
              <tr>
                <td>12月31日時点の保有 / Holdings at 31 December</td>
                <td>{holdings.length}</td>
                <td>{tonnes(ui.t, held)}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <h2>表2 承認 / Table 2: Authorizations</h2>
        <Table
          table="authorizations"
          rows={props.aef.authorizations}
          empty="この年の承認はありません / No authorizations this year"
        />
        <h2>表3 行為 / Table 3: Actions</h2>
        <Table table="actions" rows={actions} empty="この年の行為はありません / No actions this year" />
        <h2>表4 保有（12月31日時点） / Table 4: Holdings at 31 December</h2>
        <Table table="holdings" rows={holdings} empty="保有はありません / No holdings" />
        <h2>表5 承認された事業者 / Table 5: Authorized entities</h2>
        <Table
          table="authorizedEntities"
          rows={props.aef.authorizedEntities}
          empty="承認された事業者はありません / No authorized entities"
        />
      </article>
    </Layout>
  );
}
