// One case in the staff console: summary and actions, parties and their codes
// (console-codes.js), hearings (scheduling one, inviting to one), evidence with its hashes
// (viewable, console-evidence.js), the settlement (console-settlement.js), the history.
import { api } from "./api.js";
import { bindCodes, clearSlip, renderInvite, renderParties } from "./console-codes.js";
import { renderEvidenceTable } from "./console-evidence.js";
import { bindSettlement, showSettlement } from "./console-settlement.js";
import { actorName, fillMediators, loadStaff, mediatorText, staffName } from "./console-staff.js";
import { announce, ctx, el, hearingItem, showAlert } from "./console-util.js";
import { has, tr, viewerZone, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const current = { id: 0, state: "", bound: false, case: null };

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
  if (!mediatorId) { event.target.elements.mediator_id.focus(); return; }
  if (current.state === "submitted") { await move("accepted", { mediator_id: mediatorId }); return; }
  try {
    await api(`/api/cases/${current.id}/assignment`, { method: "POST",
      body: { mediator_id: mediatorId } });
    announce(tr("console.assigned_to", { name: staffName(mediatorId) }));
    event.target.reset();
    await showCase(current.id);
  } catch (error) { showAlert(error.message); }
}

function renderSummary(c) {
  $("case-h").textContent = `${c.number} · ${tr(`state.${c.state}`)}`;
  const rows = [
    [tr("ui.state"), tr(`state.${c.state}`)],
    [tr("ui.category"), tr(`category.${c.category}`)],
    [tr("ui.microcourt"), c.microcourt],
    [tr("console.mediator"), mediatorText(c)],
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
  if (!$("assign-form").hidden) fillMediators($("assign-form").elements.mediator_id, c);
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

function renderEvidence(items) {
  renderEvidenceTable($("evidence-table").querySelector("tbody"), items, $("evidence-viewer"),
    current.id, showAlert);
}

function renderHistory(entries, parties) {
  $("case-history").replaceChildren(...entries.map((e) => {
    const details = e.kind === "case.transition"
      ? ` ${tr(`state.${e.details.from}`)} → ${tr(`state.${e.details.to}`)}` : "";
    const what = has(`event.${e.kind}`) ? tr(`event.${e.kind}`) : tr("console.event_other");
    return el("li", { "data-kind": e.kind }, el("time", { datetime: e.time, text: when(e.time) }),
      " ", what, details,
      el("span", { class: "actor", text: ` ${tr("console.by", { who: actorName(e.actor, parties) })}` }));
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
    bindCodes(() => current.case, () => showCase(current.id));
    current.bound = true;
  }
  if (id !== current.id) clearSlip(); // a code shown for another case is not shown again
  showAlert(""); // redrawn after an action that worked: an earlier error no longer holds
  current.id = id;
  $("schedule-zone").textContent = tr("console.times_in", { zone: viewerZone() });
  const [c, history, evidence, hearings] = await Promise.all([
    api(`/api/cases/${id}`),
    api(`/api/cases/${id}/history`),
    api(`/api/cases/${id}/evidence`),
    api(`/api/cases/${id}/hearings?tz=${encodeURIComponent(viewerZone())}`),
    loadStaff(),
  ]);
  current.case = c;
  renderSummary(c);
  renderParties(c);
  renderEvidence(evidence.evidence);
  renderHistory(history.entries, c.parties);
  renderInvite(c, hearings.hearings);
  $("case-hearings").replaceChildren(...hearings.hearings.map((h) => hearingItem(h)));
  if (!hearings.hearings.length) {
    $("case-hearings").append(el("li", { text: tr("console.no_hearings") }));
  }
  await showSettlement(c);
}
