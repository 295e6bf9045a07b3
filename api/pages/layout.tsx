import type { Child } from "hono/jsx";
import { CATALOGUES, inLanguage, LANGS, localHref, useUi } from "./i18n.js";

const STYLE = `
:root { color-scheme: light; --fg: #1b2a22; --muted: #52625a; --line: #d5ded8; --accent: #0b6e4f; --bg: #f7faf8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; border-bottom: 1px solid var(--line); }
header a.brand { font-weight: 700; font-size: 1.2rem; color: var(--accent); text-decoration: none; }
nav a { margin-right: 1rem; color: var(--fg); }
nav.langs { margin-left: auto; display: flex; gap: 0.75rem; }
nav.langs a, nav.langs strong { margin: 0; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0.5rem 1rem; align-items: end; }
form.filters label { display: flex; flex-direction: column; font-size: 0.9em; gap: 0.2rem; }
form.filters input, form.filters select { padding: 0.45rem; font-size: 1rem; border: 1px solid var(--muted); border-radius: 6px; min-width: 0; }
.pager { display: flex; gap: 1rem; flex-wrap: wrap; }
a { color: var(--accent); }
code, pre { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #fff; border: 1px solid var(--line); padding: 0.75rem; overflow-x: auto; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.op { border: 1px solid var(--line); background: #fff; border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.op, .op code { overflow-wrap: anywhere; }
.op table { display: block; overflow-x: auto; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; font-family: ui-monospace, monospace; }
.muted { color: var(--muted); }
form { display: flex; gap: 0.5rem; flex-wrap: wrap; }
input[type=search] { flex: 1 1 20rem; padding: 0.6rem; font-size: 1rem; border: 1px solid var(--muted); border-radius: 6px; }
button { padding: 0.6rem 1rem; font-size: 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
:focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; z-index: 1; }
.table-wrap { overflow-x: auto; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: 0.3rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.hash { font-family: ui-monospace, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.85em; color: #fff; white-space: nowrap; }
.state-in_registry { background: #6b7785; } .state-held { background: #2563eb; } .state-tokenized { background: #7c3aed; }
.state-claimed { background: #047857; } .state-government_used { background: #b45309; }
.state-cancelled { background: #9f1239; }
.bar { display: flex; height: 1.6rem; border-radius: 4px; overflow: hidden; border: 1px solid var(--line); background: #fff; }
.bar span { display: block; height: 100%; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: 0.9em; margin: 0.4rem 0 1rem; padding: 0; list-style: none; }
.legend i { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.3rem; vertical-align: -1px; }
.warning { border-left: 4px solid #b91c1c; background: #fef2f2; padding: 0.5rem 1rem; }
.ok { color: #047857; } .fail { color: #b91c1c; }
.certificate { background: #fff; border: 2px solid var(--accent); border-radius: 10px; padding: 1.25rem 1.5rem; }
ol.history { padding-left: 1.2rem; } ol.history li { margin-bottom: 0.8rem; }
@media print {
  header, footer, form, .no-print { display: none; }
  body { background: #fff; }
  .certificate { border: 0; padding: 0; }
}
`;

export function Layout(props: { title: string; children: Child }) {
  const ui = useUi();
  const { t } = ui;
  return (
    <html lang={ui.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · jcm-bridge`}</title>
        <style>{STYLE}</style>
        {LANGS.map((l) => (
          <link rel="alternate" hreflang={l} href={inLanguage(ui.url, l)} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header>
          <a class="brand" href={localHref(ui, "/")}>
            jcm-bridge
          </a>
          <nav aria-label={t.nav.label}>
            <a href={localHref(ui, "/")}>{t.nav.search}</a>
            <a href={localHref(ui, "/claims")}>{t.nav.claims}</a>
            <a href={localHref(ui, "/docs")}>{t.nav.docs}</a>
            <a href="/openapi.json">{t.nav.openapi}</a>
          </nav>
          <nav class="langs" aria-label={t.languageSwitch}>
            {LANGS.map((l) =>
              l === ui.lang ? (
                <strong aria-current="true" lang={l}>
                  {CATALOGUES[l].languageName}
                </strong>
              ) : (
                <a href={inLanguage(ui.url, l)} hreflang={l} lang={l}>
                  {CATALOGUES[l].languageName}
                </a>
              ),
            )}
          </nav>
        </header>
        <main id="main">{props.children}</main>
        <footer class="muted">{t.footer}</footer>
      </body>
    </html>
  );
}
