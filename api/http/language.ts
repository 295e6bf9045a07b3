import { languageDetector } from "hono/language";
import { LANGS } from "../pages/i18n.js";

/**
 * The language of a page or a certificate: `?lang=ja|en`, else the best of `Accept-Language`,
 * else English. Nothing is stored (no cookie): the same URL answers the same to everyone who asks
 * in the same language.
 */
export const detectLanguage = languageDetector({
  supportedLanguages: [...LANGS],
  fallbackLanguage: "en",
  order: ["querystring", "header"],
  lookupQueryString: "lang",
  caches: false,
});
