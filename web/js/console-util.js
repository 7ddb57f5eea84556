// Helpers the console's modules share: the session, announcements, errors, building elements.
import { tr, viewerZone, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export const ctx = { me: null };

/** Say `text` in the polite live region (screen readers read it once). */
export function announce(text) {
  const node = $("announce");
  node.textContent = "";
  setTimeout(() => { node.textContent = text; }, 30);
}

/** Show an error (or clear it with ""). */
export function showAlert(text) {
  const node = $("alert");
  node.textContent = text || "";
  node.hidden = !text;
}

/** `el("a", {href, text, on: {click}}, ...children)`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** One hearing in a list: (date and) time in the viewer's zone, case, title, state, open as host. */
export function hearingItem(h, withDate = true) {
  const time = withDate ? when(h.scheduled_start, viewerZone())
    : when(h.scheduled_start, viewerZone(), { weekday: undefined, year: undefined,
      month: undefined, day: undefined });
  const open = h.state !== "closed" && h.state !== "cancelled";
  return el("li", {},
    el("time", { datetime: h.scheduled_start, text: time }), " ",
    el("a", { href: `/console#case=${h.case_id}`, text: h.case_number }), " ",
    el("span", { text: h.title }), " ",
    el("span", { class: "badge", text: h.state_label }), " ",
    open ? el("a", { href: `/hearing?id=${h.id}`, class: "button",
      text: tr("console.open_hearing"),
      "aria-label": tr("console.open_hearing_of",
        { label: tr("console.open_hearing"), number: h.case_number, time }) }) : null);
}
