// One case in the staff console: summary and actions, parties, hearings (and scheduling one),
// evidence with its hashes (viewable), the settlement (console-settlement.js), the history.
import { api } from "./api.js";
import { announce, ctx, el, hearingItem, showAlert } from "./console-util.js";
import { bindSettlement, showSettlement } from "./console-settlement.js";
import { has, tr, viewerZone, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const current = { id: 0, state: "", bound: false, viewerUrl: "" };

// What staff may move a case to from each state (the server decides who may).
const NEXT = {
  submitted: ["accepted", "withdrawn", "closed"],
  accepted: ["in_mediation", "withdrawn", "closed"],
  in_mediation: ["failed", "withdrawn", "closed"],
  settled: ["closed"],
  failed: ["closed"],
  withdrawn: ["closed"],
  confirmation_requested: [],
  confirmed: ["closed"],
  rejected: ["closed"],
  closed: [],
};

async function move(target, extra = {}) {
  try {
    await api(`/api/cases/${current.id}/transitions`, { method: "POST", body: { target, ...extra } });
    announce(tr("console.moved", { state: tr(`state.${target}`) }));
    await showCase(current.id);
  } catch (error) { showAlert(error.message); }
}

// A clerk, judge or administrator accepts a case for a mediator, or hands it to another one.
async function assign(event) {
  event.preventDefault();
  const mediatorId = Number(new FormData(event.target).get("mediator_id"));
  if (current.state === "submitted") { await move("accepted", { mediator_id: mediatorId }); return; }
  try {
    await api(`/api/cases/${current.id}/assignment`, { method: "POST",
      body: { mediator_id: mediatorId } });
    announce(tr("console.assigned", { id: mediatorId }));
    event.target.reset();
    await showCase(current.id);
  } catch (error) { showAlert(error.message); }
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function viewEvidence(item) {
  const box = $("evidence-viewer");
  if (current.viewerUrl) URL.revokeObjectURL(current.viewerUrl);
  const response = await api(`/api/cases/${current.id}/evidence/${item.id}`,
    { raw: true, headers: { Accept: "*/*" } });
  const blob = await response.blob();
  current.viewerUrl = URL.createObjectURL(blob);
  const title = el("h4", { id: "viewer-h", text: item.filename });
  let body;
  if (item.media_type.startsWith("image/")) {
    body = el("img", { src: current.viewerUrl, alt: item.description || item.filename });
  } else if (item.media_type.startsWith("audio/")) {
    body = el("audio", { src: current.viewerUrl, controls: true });
  } else {
    body = el("a", { href: current.viewerUrl, target: "_blank", rel: "noopener",
      text: tr("console.open_file") });
  }
  box.replaceChildren(title, body, el("p", { class: "hash", text: `SHA-256 ${item.sha256}` }));
  box.hidden = false;
  box.setAttribute("tabindex", "-1");
  box.focus();
}

function renderSummary(c) {
  $("case-h").textContent = `${c.number} · ${tr(`state.${c.state}`)}`;
  const rows = [
    [tr("ui.state"), tr(`state.${c.state}`)],
    [tr("ui.category"), tr(`category.${c.category}`)],
    [tr("ui.microcourt"), c.microcourt],
    [tr("console.filed_at"), when(c.filed_at)],
    [tr("ui.facts"), c.facts],
    [tr("ui.claims"), c.claims],
  ];
  $("case-summary").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }),
    el("dd", { text: v })]));
  const mediator = ctx.me.role === "mediator";
  $("schedule-form").hidden = !["accepted", "in_mediation", "settled"].includes(c.state);
  current.state = c.state;
  $("assign-form").hidden = mediator || !["submitted", "accepted", "in_mediation"].includes(c.state);
  const actions = $("case-actions");
  const next = NEXT[c.state].filter((t) => mediator || t !== "accepted");
  actions.replaceChildren(...next.map((target) => el("button", {
    type: "button", text: tr(`console.to.${target}`), on: { click: () => move(target) } })));
  if (c.state === "settled") {
    actions.prepend(el("button", { type: "button", text: tr("console.apply_confirmation"),
      on: { click: applyConfirmation } }));
  }
}

async function applyConfirmation() {
  try {
    await api(`/api/cases/${current.id}/settlement/confirmation`, { method: "POST", body: {} });
    announce(tr("console.confirmation_applied"));
    await showCase(current.id);
  } catch (error) { showAlert(error.message); }
}

function renderParties(c) {
  $("case-parties").replaceChildren(...c.parties.map((p) => el("li", {},
    el("strong", { text: p.name }), ` ${tr(`hearing.role.${p.role}`)}`,
    p.phone ? ` · ${p.phone}` : "", p.address ? ` · ${p.address}` : "",
    ` · ${p.language} · ${p.timezone}`)));
}

function renderEvidence(items) {
  const body = $("evidence-table").querySelector("tbody");
  body.replaceChildren(...items.map((item) => el("tr", {},
    el("td", { text: item.filename }),
    el("td", { text: item.description }),
    el("td", { text: size(item.size) }),
    el("td", {}, el("code", { class: "hash", text: item.sha256 })),
    el("td", {}, el("button", { type: "button", text: tr("console.view"),
      "aria-label": tr("console.view_file", { name: item.filename }),
      on: { click: () => viewEvidence(item).catch((e) => showAlert(e.message)) } })))));
  if (!items.length) {
    body.append(el("tr", {}, el("td", { colspan: 5, text: tr("console.no_evidence") })));
  }
  $("evidence-viewer").hidden = true;
}

function renderHistory(entries) {
  $("case-history").replaceChildren(...entries.map((e) => {
    const details = e.kind === "case.transition"
      ? ` ${tr(`state.${e.details.from}`)} → ${tr(`state.${e.details.to}`)}` : "";
    return el("li", {}, el("time", { datetime: e.time, text: when(e.time) }), " ",
      has(`event.${e.kind}`) ? tr(`event.${e.kind}`) : e.kind, details, el("span", { class: "actor", text: ` (${e.actor})` }));
  }));
}

async function schedule(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = {
    start: `${form.get("start")}:00`.slice(0, 19),
    timezone: viewerZone(),
    duration_minutes: Number(form.get("duration_minutes")),
    title: String(form.get("title") || ""),
  };
  try {
    const made = await api(`/api/cases/${current.id}/hearings`, { method: "POST", body });
    announce(tr("console.scheduled", { time: when(made.scheduled_start) }));
    event.target.reset();
    await showCase(current.id);
  } catch (error) { showAlert(error.message); }
}

export async function showCase(id) {
  if (!current.bound) {
    $("schedule-form").addEventListener("submit", schedule);
    $("assign-form").addEventListener("submit", assign);
    bindSettlement(() => current.id, () => showCase(current.id));
    current.bound = true;
  }
  current.id = id;
  $("schedule-zone").textContent = tr("console.times_in", { zone: viewerZone() });
  const [c, history, evidence, hearings] = await Promise.all([
    api(`/api/cases/${id}`),
    api(`/api/cases/${id}/history`),
    api(`/api/cases/${id}/evidence`),
    api(`/api/cases/${id}/hearings?tz=${encodeURIComponent(viewerZone())}`),
  ]);
  renderSummary(c);
  renderParties(c);
  renderEvidence(evidence.evidence);
  renderHistory(history.entries);
  $("case-hearings").replaceChildren(...hearings.hearings.map((h) => hearingItem(h)));
  if (!hearings.hearings.length) {
    $("case-hearings").append(el("li", { text: tr("console.no_hearings") }));
  }
  await showSettlement(c);
}
