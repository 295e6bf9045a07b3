import { createContext, useContext } from "hono/jsx";
import { en, type Messages } from "./messages/en.js";
import { ja } from "./messages/ja.js";

/** The languages of the public pages: `?lang=` chooses, else `Accept-Language`, else English. */
export const LANGS = ["en", "ja"] as const;
export type Lang = (typeof LANGS)[number];

export const CATALOGUES: Record<Lang, Messages> = { en, ja };

export const isLang = (value: string | undefined): value is Lang => LANGS.some((l) => l === value);

/** What a page needs to speak its reader's language, and to link to itself in the other one. */
export interface Ui {
  lang: Lang;
  t: Messages;
  /** The page's path and query, for the language switch. */
  url: URL;
}

export function uiOf(lang: Lang, url: string): Ui {
  return { lang, t: CATALOGUES[lang], url: new URL(url) };
}

export const UiContext = createContext<Ui>(uiOf("en", "http://localhost/"));
export const useUi = (): Ui => useContext(UiContext);

/** This page in another language: the same path and query, `lang` replaced. */
export function inLanguage(url: URL, lang: Lang): string {
  const params = new URLSearchParams(url.search);
  params.set("lang", lang);
  return `${url.pathname}?${params}`;
}

/** A link that keeps the reader's language: pages linked to from a `?lang=` page stay in it. */
export function localHref(ui: Ui, href: string): string {
  if (!ui.url.searchParams.has("lang")) return href;
  return `${href}${href.includes("?") ? "&" : "?"}lang=${ui.lang}`;
}

export function number(t: Messages, n: number): string {
  return n.toLocaleString(t.intl);
}

export function tonnes(t: Messages, n: number): string {
  return t.unitsOf(number(t, n));
}

/** A calendar day (YYYY-MM-DD or an ISO time) as the language writes it, in UTC. */
export function day(t: Messages, iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return new Intl.DateTimeFormat(t.intl, { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/** A moment as the language writes it, in UTC and saying so. */
export function moment(t: Messages, iso: string): string {
  const f = new Intl.DateTimeFormat(t.intl, {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: "UTC",
    hourCycle: "h23",
  });
  return `${f.format(new Date(iso))} ${t.utc}`;
}
