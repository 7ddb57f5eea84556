// Translation for every page: the catalogue comes from the server (/api/i18n/{lang}).
//
//   import { loadLanguage, tr, applyTranslations, toggleLanguage, when, currentLang,
//            onLanguageChange, bindLanguageSwitch } from "/static/js/i18n.js";
//
// Markup: data-i18n="key" (text), data-i18n-label="key" (aria-label),
// data-i18n-placeholder="key", data-i18n-title="key". The chosen language is remembered in
// localStorage ("lang"); zh-CN is the default unless the browser prefers English.
export const LANGUAGES = ["zh-CN", "en"];
const STORE_KEY = "lang";

const state = {
  lang: initialLang(),
  catalogue: {},
  listeners: [],
};

function initialLang() {
  const url = new URLSearchParams(location.search).get("lang");
  if (LANGUAGES.includes(url)) return url;
  let stored = null;
  try { stored = localStorage.getItem(STORE_KEY); } catch { /* storage disabled */ }
  if (LANGUAGES.includes(stored)) return stored;
  return (navigator.language || "zh-CN").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

/** The current language code ("zh-CN" or "en"). */
export function currentLang() { return state.lang; }

/** The translation of `key`, with `{name}` placeholders filled from `params`. */
export function tr(key, params = {}) {
  const text = Object.hasOwn(state.catalogue, key) ? state.catalogue[key] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ""));
}

/** Whether the catalogue has `key`. */
export function has(key) { return Object.hasOwn(state.catalogue, key); }

/** Fill every data-i18n* attribute under `root`. */
export function applyTranslations(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = tr(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", tr(el.dataset.i18nLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", tr(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = tr(el.dataset.i18nTitle);
}

/** Load `lang`'s catalogue (default: the current one), apply it, and tell the listeners. */
export async function loadLanguage(lang = state.lang) {
  if (!LANGUAGES.includes(lang)) lang = "zh-CN";
  const response = await fetch(`/api/i18n/${lang}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`catalogue ${lang}: ${response.status}`);
  state.catalogue = await response.json();
  state.lang = lang;
  try { localStorage.setItem(STORE_KEY, lang); } catch { /* storage disabled */ }
  document.documentElement.lang = lang;
  const title = document.querySelector("title[data-i18n]");
  applyTranslations(document);
  if (title) document.title = tr(title.dataset.i18n);
  for (const listener of state.listeners) listener(lang);
  return lang;
}

/** Switch between zh-CN and en (one tap). */
export function toggleLanguage() {
  return loadLanguage(state.lang === "zh-CN" ? "en" : "zh-CN");
}

/** Call `listener(lang)` after every language load. */
export function onLanguageChange(listener) { state.listeners.push(listener); }

/**
 * Make `button` the one-tap language switch. It shows the OTHER language's name in that
 * language ("English" / "中文"), with lang set so screen readers pronounce it right.
 */
export function bindLanguageSwitch(button) {
  const label = () => {
    const other = state.lang === "zh-CN" ? "en" : "zh-CN";
    button.textContent = other === "en" ? "English" : "中文";
    button.lang = other;
  };
  label();
  onLanguageChange(label);
  button.addEventListener("click", () => { toggleLanguage(); });
}

/** The viewer's time zone (IANA name). */
export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** The locale for dates and numbers: the browser's own when it is of the page's language
 * (en-GB keeps its 24-hour clock), else the page's language. */
export function formatLocale() {
  const own = navigator.language || "";
  const base = state.lang.split("-")[0];
  return own.toLowerCase().split("-")[0] === base ? own : state.lang;
}

/** `iso` (a UTC instant) as date and time in `tz` (default: the viewer's zone), with the zone. */
export function when(iso, tz = undefined, options = {}) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(formatLocale(), {
    weekday: "long", year: "numeric", month: "long", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    ...(tz ? { timeZone: tz } : {}), ...options,
  }).format(date);
}

/** A short date and time, for lists. */
export function whenShort(iso, tz = undefined) {
  return when(iso, tz, { weekday: undefined, month: "short", timeZoneName: undefined });
}

/** A file size in the page's language: "980 字节", "12.5 KB", "3.2 MB". */
export function fileSize(bytes) {
  const number = (n, digits) => new Intl.NumberFormat(formatLocale(),
    { maximumFractionDigits: digits }).format(n);
  if (bytes < 1024) return tr("web.size.bytes", { n: number(bytes, 0) });
  if (bytes < 1024 * 1024) return tr("web.size.kb", { n: number(bytes / 1024, 1) });
  return tr("web.size.mb", { n: number(bytes / 1024 / 1024, 1) });
}
