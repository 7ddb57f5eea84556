// Court statistics (/stats): figures and charts drawn as inline SVG (no chart library); every
// chart has a table with the same numbers. Data: GET /api/statistics?months=N&tz=ZONE (months
// counted in the viewer's time zone).
import { api, restoreSession } from "./api.js";
import { bindLanguageSwitch, loadLanguage, onLanguageChange, tr, viewerZone } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const NS = "http://www.w3.org/2000/svg";
// Colour-blind-safe palette (Okabe–Ito), dark enough against white.
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
  "#8c1c13", "#666666"];
const STATES = ["submitted", "accepted", "in_mediation", "settled", "failed", "withdrawn",
  "confirmation_requested", "confirmed", "rejected", "closed"];
const view = { data: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v; else node.setAttribute(k, String(v));
  }
  node.append(...children);
  return node;
}

function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text) node.textContent = text;
  return node;
}

function niceMax(value) {
  if (value <= 5) return 5;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

/**
 * Vertical bars per label; `series` [{name, values}] stacked (stack=true) or side by side.
 */
function barChart({ id, title, labels, series, stack }) {
  const W = 640; const H = 300; const left = 44; const bottom = 56; const top = 12;
  const plotW = W - left - 10; const plotH = H - top - bottom;
  const totals = labels.map((_, i) => (stack
    ? series.reduce((sum, s) => sum + s.values[i], 0)
    : Math.max(0, ...series.map((s) => s.values[i]))));
  const max = niceMax(Math.max(0, ...totals));
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": `${id}-t ${id}-d` });
  root.append(svg("title", { id: `${id}-t` }, title));
  root.append(svg("desc", { id: `${id}-d` }, tr("stats.chart_desc")));
  for (let k = 0; k <= 5; k += 1) {
    const v = (max / 5) * k;
    const y = top + plotH - (plotH * v) / max;
    root.append(svg("line", { x1: left, x2: W - 10, y1: y, y2: y, stroke: "#ddd" }));
    root.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", "font-size": 14 },
      String(Math.round(v))));
  }
  const band = plotW / Math.max(1, labels.length);
  const barW = stack ? band * 0.7 : (band * 0.8) / Math.max(1, series.length);
  labels.forEach((label, i) => {
    let base = 0;
    series.forEach((s, j) => {
      const v = s.values[i];
      const h = (plotH * v) / max;
      const x = left + band * i + (stack ? band * 0.15 : band * 0.1 + barW * j);
      const y = top + plotH - (plotH * (stack ? base + v : v)) / max;
      if (v > 0) {
        const rect = svg("rect", { x, y, width: Math.max(1, barW - 1), height: h, fill: COLOURS[j % COLOURS.length] });
        rect.append(svg("title", {}, `${label} · ${s.name}: ${v}`));
        root.append(rect);
      }
      if (stack) base += v;
    });
    const tx = left + band * i + band / 2;
    root.append(svg("text", { x: tx, y: H - bottom + 16, "text-anchor": "end", "font-size": 14,
      transform: `rotate(-40 ${tx} ${H - bottom + 16})` }, label));
  });
  root.append(svg("line", { x1: left, x2: W - 10, y1: top + plotH, y2: top + plotH, stroke: "#333" }));
  return root;
}

function legend(series) {
  return el("ul", { class: "legend", "aria-hidden": "true" }, ...series.map((s, j) =>
    el("li", {}, el("span", { class: "swatch", style: `background:${COLOURS[j % COLOURS.length]}` }), s.name)));
}

function table(caption, labels, series) {
  const head = el("tr", {}, el("th", { scope: "col", text: tr("stats.month") }),
    ...series.map((s) => el("th", { scope: "col", text: s.name })));
  const rows = labels.map((label, i) => el("tr", {}, el("th", { scope: "row", text: label }),
    ...series.map((s) => el("td", { text: String(s.values[i]) }))));
  return el("table", {}, el("caption", { text: caption }), el("thead", {}, head), el("tbody", {}, ...rows));
}

function chart(id, title, labels, series, { stack = false, firstHeader = null } = {}) {
  const t = table(title, labels, series);
  if (firstHeader) t.querySelector("thead th").textContent = firstHeader;
  return el("figure", { class: "chart panel", "aria-labelledby": `${id}-h` },
    el("h2", { id: `${id}-h`, text: title }),
    barChart({ id, title, labels, series, stack }),
    legend(series),
    el("details", {}, el("summary", { text: tr("stats.as_table") }), t));
}

function figure(label, value) {
  return el("li", {}, el("strong", { text: value }), label);
}

function render() {
  const d = view.data;
  if (!d) return;
  const pct = d.share_settled === null ? "—" : `${Math.round(d.share_settled * 1000) / 10}%`;
  const median = d.median_days_to_settlement === null ? "—"
    : tr("stats.days", { n: d.median_days_to_settlement });
  $("figures").replaceChildren(
    figure(tr("stats.total"), String(d.total)),
    figure(tr("stats.share_settled", { settled: d.mediations_settled, ended: d.mediations_ended }), pct),
    figure(tr("stats.median_days", { n: d.settlements_timed }), median),
    figure(tr("stats.confirmations_requested"), String(d.confirmations.requested)),
    figure(tr("stats.confirmed"), String(d.confirmations.confirmed)),
    figure(tr("stats.rejected"), String(d.confirmations.rejected)),
    figure(tr("stats.pending"), String(d.confirmations.pending)),
  );
  const months = d.months;
  const states = STATES.filter((s) => d.by_state[s] > 0);
  $("charts").replaceChildren(
    chart("filed", tr("stats.filed_settled"), months, [
      { name: tr("stats.filed"), values: d.filed },
      { name: tr("stats.settled"), values: d.settled }]),
    chart("state", tr("stats.by_state"), states.map((s) => tr(`state.${s}`)),
      [{ name: tr("stats.cases"), values: states.map((s) => d.by_state[s]) }],
      { firstHeader: tr("ui.state") }),
    chart("category", tr("stats.by_category"), months, d.by_category.map((s) => (
      { name: tr(`category.${s.key}`), values: s.counts })), { stack: true }),
    chart("microcourt", tr("stats.by_microcourt"), months, d.by_microcourt.map((s) => (
      { name: s.label, values: s.counts })), { stack: true }),
  );
}

async function load() {
  try {
    const tz = encodeURIComponent(viewerZone());
    view.data = await api(`/api/statistics?months=${$("months").value}&tz=${tz}`);
    $("alert").hidden = true;
    render();
    $("content").hidden = false;
  } catch (error) {
    $("alert").textContent = error.message;
    $("alert").hidden = false;
  }
}

async function main() {
  await loadLanguage();
  bindLanguageSwitch($("lang"));
  onLanguageChange(render);
  $("months").addEventListener("change", load);
  const session = await restoreSession().catch(() => null);
  if (!session || session.kind !== "staff") { $("login-note").hidden = false; return; }
  await load();
}

main();
