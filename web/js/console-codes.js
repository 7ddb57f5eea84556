// Personal codes from the console: issue (or reissue) and revoke a party's code, invite an
// interpreter or agent to a hearing; a new code is shown once, on a printable slip with its QR.
// APIs: POST/DELETE /api/parties/{id}/code, POST /api/hearings/{id}/participants (routes.py).
import { api } from "./api.js";
import { announce, ctx, el, showAlert } from "./console-util.js";
import { tr, viewerZone, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ROLES = ["interpreter", "applicant_agent", "respondent_agent"];
const LANGS = [["zh-CN", "中文"], ["en", "English"]];
const OPEN = new Set(["not_started", "in_session", "paused"]);
const state = { reload: async () => {}, bound: false, caseOf: () => null, hearings: [] };

/** Who may issue codes and invite: clerks, administrators, the case's mediator (and judges invite). */
function manages(c) {
  const role = ctx.me?.role;
  return role === "clerk" || role === "admin" || (role === "mediator" && c.mediator_id === ctx.me.user_id);
}

function invites(c) { return manages(c) || ctx.me?.role === "judge"; }

// --- the slip --------------------------------------------------------------------------------

/** Take the slip off the page: its code is not shown again. */
export function clearSlip() {
  $("slip-code").textContent = "";
  $("slip-qr").replaceChildren();
  $("slip-facts").replaceChildren();
  $("code-slip").hidden = true;
  document.body.classList.remove("has-slip");
}

function showSlip(c, code, person, hearing = null) {
  const where = hearing && person.role === "interpreter"
    ? `${location.origin}/hearing?id=${hearing.id}` : `${location.origin}/party`;
  const rows = [
    [tr("ui.case_number"), c.number],
    [tr("ui.microcourt"), c.microcourt],
    [tr("console.slip_for"), tr("hv.person", { name: person.name,
      role: tr(`hearing.role.${person.role}`) })],
  ];
  if (hearing) {
    rows.push([tr("console.slip_hearing"),
      `${when(hearing.scheduled_start, person.timezone || undefined)} (${person.timezone || viewerZone()})`]);
  }
  rows.push([tr("console.slip_where"), where]);
  $("slip-facts").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }),
    el("dd", { text: v })]));
  $("slip-code").textContent = code.code;
  $("slip-qr").innerHTML = code.qr_svg; // an SVG made by the server (segno), as on the kiosk's slip
  const svg = $("slip-qr").querySelector("svg");
  if (svg) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", tr("console.slip_qr", { code: code.code }));
  }
  $("code-slip").hidden = false;
  document.body.classList.add("has-slip");
  $("code-slip").focus();
}

// --- parties and their codes ----------------------------------------------------------------

async function issue(c, party) {
  if (!window.confirm(tr("console.issue_confirm", { name: party.name }))) return;
  try {
    const code = await api(`/api/parties/${party.id}/code`, { method: "POST" });
    await state.reload();
    showSlip(c, code, party);
    announce(tr("console.code_issued", { name: party.name }));
  } catch (error) { showAlert(error.message); }
}

async function revoke(c, party, button) {
  if (!window.confirm(tr("console.revoke_confirm", { name: party.name }))) return;
  try {
    await api(`/api/parties/${party.id}/code`, { method: "DELETE" });
    await state.reload();
    announce(tr("console.code_revoked", { name: party.name }));
    const again = document.querySelector(`[data-key="revoke:${party.id}"]`) || button;
    if (again.isConnected) again.focus();
  } catch (error) { showAlert(error.message); }
}

/** The case's parties, with their contact details and (for those who may) code buttons. */
export function renderParties(c) {
  const canManage = manages(c);
  $("case-parties").replaceChildren(...c.parties.map((p) => {
    const item = el("li", {},
      el("strong", { text: p.name }), ` ${tr(`hearing.role.${p.role}`)}`,
      p.phone ? ` · ${p.phone}` : "", p.address ? ` · ${p.address}` : "",
      ` · ${p.language} · ${p.timezone}`);
    if (canManage) {
      const revokeButton = el("button", { type: "button", "data-key": `revoke:${p.id}`,
        text: tr("console.revoke_code"), "aria-label": tr("console.revoke_code_of", { name: p.name }) });
      revokeButton.addEventListener("click", () => revoke(c, p, revokeButton));
      item.append(el("span", { class: "toolbar inline" },
        el("button", { type: "button", "data-key": `issue:${p.id}`, text: tr("console.issue_code"),
          "aria-label": tr("console.issue_code_of", { name: p.name }),
          on: { click: () => issue(c, p) } }),
        revokeButton));
    }
    return item;
  }));
}

// --- inviting to a hearing ------------------------------------------------------------------

function option(value, text) { return el("option", { value, text }); }

/** Show the invitation form when the case has a hearing still to come and the user may invite. */
export function renderInvite(c, hearings) {
  const form = $("invite-form");
  const open = hearings.filter((h) => OPEN.has(h.state));
  form.hidden = !open.length || !invites(c);
  if (form.hidden) return;
  const pick = form.elements.hearing_id;
  const chosen = pick.value;
  pick.replaceChildren(...open.map((h) => option(h.id,
    [when(h.scheduled_start, viewerZone()), h.title].filter(Boolean).join(" · "))));
  if (open.some((h) => String(h.id) === chosen)) pick.value = chosen;
  const role = form.elements.role;
  const had = role.value;
  role.replaceChildren(...ROLES.map((r) => option(r, tr(`hearing.role.${r}`))));
  role.value = had || "interpreter";
  const lang = form.elements.language;
  if (!lang.options.length) lang.replaceChildren(...LANGS.map(([v, t]) => option(v, t)));
  const zones = $("invite-zones");
  if (!zones.children.length && Intl.supportedValuesOf) {
    zones.replaceChildren(...Intl.supportedValuesOf("timeZone").map((z) => el("option", { value: z })));
  }
  state.hearings = open;
}

async function invite(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const c = state.caseOf();
  const hearing = (state.hearings || []).find((h) => String(h.id) === data.get("hearing_id"));
  if (!c || !hearing) return;
  const body = {
    role: data.get("role"),
    name: String(data.get("name") || "").trim(),
    language: data.get("language"),
    timezone: String(data.get("timezone") || "").trim() || "Asia/Shanghai",
    email: String(data.get("email") || "").trim(),
  };
  try {
    const made = await api(`/api/hearings/${hearing.id}/participants`, { method: "POST", body });
    form.elements.name.value = "";
    form.elements.email.value = "";
    await state.reload();
    const person = { name: made.participant.display_name, role: made.participant.role,
      timezone: made.participant.timezone };
    announce(tr("console.invited", { name: person.name }));
    if (made.code) showSlip(c, made.code, person, hearing);
  } catch (error) {
    showAlert(error.message);
    const field = error.field && form.elements[error.field];
    if (field) field.focus();
  }
}

/** Wire the slip's buttons and the invitation form once; `caseOf()` is the case shown. */
export function bindCodes(caseOf, reload) {
  state.caseOf = caseOf;
  state.reload = reload;
  if (state.bound) return;
  state.bound = true;
  $("slip-print").addEventListener("click", () => window.print());
  $("slip-done").addEventListener("click", () => {
    clearSlip();
    announce(tr("console.slip_cleared"));
    $("parties-h").focus();
  });
  $("invite-form").addEventListener("submit", invite);
}
