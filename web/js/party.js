// The party page, from home or abroad: open with the personal code (typed, or a link with
// #code=... which never reaches the server's logs), follow the case, the next hearing in
// local time (.ics) or the one an invitation names (?hearing=N, party-hearing.js), upload
// evidence, read and sign the settlement, download the signed PDFs. An interpreter's code
// opens the hearings it is invited to, and nothing else of the case.
import { api, logout, restoreSession, upload } from "./api.js";
import { el } from "./console-util.js";
import { bindLanguageSwitch, currentLang, fileSize, formatLocale, loadLanguage, onLanguageChange,
  tr, viewerZone, when, whenShort } from "./i18n.js";
import { invitedHearing, renderHearing } from "./party-hearing.js";
import { Pad } from "./signature.js";

const PATH = ["submitted", "accepted", "in_mediation", "settled", "confirmation_requested",
  "confirmed"];
const $ = (selector) => document.querySelector(selector);
const view = { session: null, case: null, me: null, hearings: [], evidence: [], settlement: null,
  limited: false, invited: invitedHearing() };
let pad = null;

function notify(message) { const n = $("#notice"); n.textContent = message; n.hidden = false; }
function hideNotice() { const n = $("#notice"); n.hidden = true; n.textContent = ""; }
function announce(message) {
  const live = $("#live");
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 50);
}

// --- opening ----------------------------------------------------------------------------------

async function openWithCode(code) {
  const session = await api("/api/session", { method: "POST", body: { code } });
  await enter(session, true);
}

const OPENED = "party.opened"; // this tab opened a case: worth asking /api/me after a reload

// An interpreter sees the hearings it is invited to, not the case: it has a participant row in
// each of them, which says who it is (a party without one yet is shown the whole case).
async function interpreterView(session) {
  const { hearings } = await api(`/api/cases/${session.case_id}/hearings`);
  const first = hearings[0] ? await api(`/api/hearings/${hearings[0].id}`) : null;
  const mine = first ? first.participants.find((p) => p.id === first.me) : null;
  if (!mine || mine.role !== "interpreter") return null;
  return { number: first.case_number,
    me: { name: mine.display_name, role: mine.role, language: mine.language } };
}

async function enter(session, fresh) {
  view.session = session;
  try { sessionStorage.setItem(OPENED, "1"); } catch { /* storage disabled */ }
  const interpreter = await interpreterView(session);
  view.limited = interpreter !== null;
  if (interpreter) {
    view.case = { number: interpreter.number };
    view.me = interpreter.me;
  } else {
    view.case = await api(`/api/cases/${session.case_id}`);
    view.me = view.case.parties.find((p) => p.id === session.party_id) || null;
  }
  // A fresh opening shows the page in the party's own language.
  if (fresh && view.me && view.me.language !== currentLang()) await loadLanguage(view.me.language);
  $("#open").hidden = true;
  $("#invited-hint").hidden = true;
  $("#case").hidden = false;
  $("#logout").hidden = false;
  for (const part of document.querySelectorAll(".whole-case")) part.hidden = view.limited;
  $("#limited-note").hidden = !view.limited;
  const shown = await refresh();
  if (shown === "invited") { $("#join").focus(); return; }
  if (shown === "not_found") notify(tr("party.invited_not_found"));
  const heading = $(view.invited ? "#hearing-h" : "#case-h");
  heading.tabIndex = -1;
  heading.focus();
}

/** Load what the page shows, draw it; returns which hearing it shows (see renderHearing). */
async function refresh() {
  const id = view.session.case_id;
  const zone = viewerZone();
  const hearings = api(`/api/cases/${id}/hearings?tz=${encodeURIComponent(zone)}`);
  if (view.limited) {
    view.hearings = (await hearings).hearings;
    return render();
  }
  const [found, listed, evidence, settlement] = await Promise.all([
    api(`/api/cases/${id}`),
    hearings,
    api(`/api/cases/${id}/evidence`),
    api(`/api/cases/${id}/settlement`),
  ]);
  view.case = found;
  view.hearings = listed.hearings;
  view.evidence = evidence.evidence;
  view.settlement = settlement;
  return render();
}

// --- rendering --------------------------------------------------------------------------------

function render() {
  if (!view.case) return "none";
  const c = view.case;
  $("#case-number").textContent = c.number;
  $("#me").textContent = view.me
    ? `${view.me.name} · ${tr(`hearing.role.${view.me.role}`)}` : "";
  const shown = renderHearing($("#hearing-box"), view.hearings, view.invited);
  if (view.limited) return shown;
  $("#case-state").textContent = tr(`state.${c.state}`);
  $("#case-court").textContent = c.microcourt;
  $("#case-facts").textContent = c.facts;
  $("#case-claims").textContent = c.claims;
  renderProgress(c.state);
  renderEvidence();
  renderSettlement();
  return shown;
}

function renderProgress(state) {
  const list = $("#progress");
  const at = PATH.indexOf(state);
  const steps = at >= 0 ? PATH : [...PATH.slice(0, 3), state];
  const current = at >= 0 ? at : steps.length - 1;
  list.replaceChildren(...steps.map((step, index) => {
    const status = index < current ? "done" : index === current ? "current" : "todo";
    const item = el("li", { class: status, "aria-current": index === current ? "step" : null });
    item.append(el("span", { text: tr(`state.${step}`) }),
      el("span", { class: "sr-only", text: ` (${tr(`party.step.${status}`)})` }));
    return item;
  }));
}

function renderEvidence() {
  const list = $("#evidence-list");
  const id = view.session.case_id;
  if (!view.evidence.length) { list.replaceChildren(el("li", { text: tr("party.no_evidence") })); return; }
  list.replaceChildren(...view.evidence.map((item) => el("li", {},
    el("a", { href: `/api/cases/${id}/evidence/${item.id}`, download: item.filename,
      text: item.filename }),
    ` · ${fileSize(item.size)} · ${whenShort(item.created_at)}`
      + (item.description ? ` · ${item.description}` : ""))));
}

function money(clause) {
  if (clause.amount_cents === null || clause.amount_cents === undefined) return "";
  const amount = new Intl.NumberFormat(formatLocale(), { style: "currency", currency: clause.currency })
    .format(clause.amount_cents / 100);
  const who = (side) => tr(`hearing.role.${side}`);
  const paid = tr("party.pays", { payer: who(clause.payer), payee: who(clause.payee), amount });
  return clause.due ? `${paid} · ${tr("party.due", { date: clause.due })}` : paid;
}

function mySide() {
  return view.me ? view.me.role.replace(/_agent$/, "") : "";
}

function pdfLink(href, text, filename) {
  return el("a", { class: "button secondary", href, download: filename, text });
}

function renderSettlement() {
  const box = $("#settlement-box");
  const downloads = $("#downloads");
  const form = $("#sign-form");
  const s = view.settlement;
  const base = `/api/cases/${view.session.case_id}/settlement`;
  const version = s && s.versions.length ? s.versions[s.versions.length - 1] : null;
  downloads.replaceChildren();
  if (!version) {
    box.replaceChildren(el("p", { text: tr("party.no_settlement") }));
    form.hidden = true;
    return;
  }
  const signed = version.signatures.map((sig) => sig.field);
  const mine = signed.includes(mySide());
  box.replaceChildren(
    el("h3", { id: "version-h", text: tr("party.version", { number: version.number,
      state: tr(`party.version_state.${version.state}`) }) }),
    el("ol", { class: "clauses", id: "clauses" }, ...version.clauses.map((clause) => el("li", {},
      el("p", { text: clause.text }), ...(money(clause) ? [el("p", { class: "amount", text: money(clause) })] : [])))),
    ...(version.free_text ? [el("p", { text: version.free_text })] : []),
    el("p", {}, pdfLink(`${base}/versions/${version.id}/draft.pdf`, tr("party.read_pdf"),
      `settlement-v${version.number}.pdf`)),
    el("h4", { text: tr("party.signatures") }),
    el("ul", { id: "signatures" }, ...(version.signatures.length
      ? version.signatures.map((sig) => el("li", { text: `${tr(`hearing.role.${sig.field}`)} · `
        + `${sig.signer_name} · ${whenShort(sig.signed_at)}` }))
      : [el("li", { text: tr("party.no_signatures") })])),
  );
  const canSign = version.state === "draft" && !mine && view.case.state === "in_mediation";
  form.hidden = !canSign;
  form.dataset.version = String(version.id);
  if (canSign) box.append(changeRequestForm(version));
  for (const v of s.versions) {
    if (v.signatures.length) {
      downloads.append(pdfLink(`${base}/versions/${v.id}/signed.pdf`,
        tr(v.state === "effective" ? "party.download_signed" : "party.download_partly",
          { number: v.number }), `settlement-v${v.number}-signed.pdf`));
    }
  }
  box.append(confirmationPart(s));
  if (s.confirmation && s.confirmation.ruling_sha256) {
    downloads.append(pdfLink(`${base}/ruling.pdf`, tr("party.download_ruling"), "ruling.pdf"));
  }
  if (downloads.childElementCount) downloads.prepend(el("h3", { text: tr("party.downloads") }));
}

// Judicial confirmation: the deadline to apply (30 days from the agreement taking effect),
// the application itself, then the judge's decision.
function confirmationPart(s) {
  const part = el("section", { "aria-labelledby": "confirm-h" },
    el("h4", { id: "confirm-h", text: tr("party.confirmation") }));
  const conf = s.confirmation;
  if (conf) {
    const key = conf.outcome ? `party.confirmation_${conf.outcome}` : "party.confirmation_pending";
    part.append(el("p", { id: "confirmation-status", text: tr(key) }));
    if (conf.outcome && conf.reason) {
      part.append(el("p", { id: "ruling-reason", text: tr("console.ruling_reason",
        { reason: conf.reason }) }));
    }
    return part;
  }
  if (!s.confirmation_deadline) {
    part.append(el("p", { text: tr("party.confirmation_after_signing") }));
    return part;
  }
  part.append(el("p", { id: "confirmation-deadline",
    text: tr("party.confirmation_deadline", { deadline: when(s.confirmation_deadline) }) }));
  const apply = el("button", { type: "button", id: "apply-confirmation",
    text: tr("party.confirmation_apply") });
  apply.addEventListener("click", async () => {
    apply.disabled = true;
    try {
      await api(`/api/cases/${view.session.case_id}/settlement/confirmation`,
        { method: "POST", body: {} });
      announce(tr("party.confirmation_applied"));
      await refresh();
    } catch (error) { notify(error.message); apply.disabled = false; }
  });
  part.append(apply);
  return part;
}

function changeRequestForm(version) {
  const text = el("textarea", { id: "change-text", rows: "3", maxlength: "2000", required: true });
  const form = el("form", { id: "change-form" },
    el("label", { for: "change-text", text: tr("party.change_request") }), text,
    el("button", { type: "submit", text: tr("party.change_send") }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api(`/api/cases/${view.session.case_id}/settlement/change-requests`,
        { method: "POST", body: { version_id: version.id, text: text.value } });
      text.value = "";
      announce(tr("party.change_sent"));
    } catch (error) { notify(error.message); }
  });
  return el("details", {}, el("summary", { text: tr("party.change_request") }), form);
}

// --- actions ----------------------------------------------------------------------------------

async function uploadEvidence(form) {
  const file = $("#evidence-file").files[0];
  if (!file) { notify(tr("party.pick_file")); $("#evidence-file").focus(); return; }
  const bar = $("#evidence-progress");
  const percent = $("#evidence-percent");
  const body = new FormData();
  body.append("description", $("#evidence-description").value);
  body.append("file", file, file.name);
  const advance = (done) => {
    const text = tr("party.upload_percent", { percent: new Intl.NumberFormat(formatLocale(),
      { style: "percent" }).format(done) });
    bar.value = done;
    bar.setAttribute("aria-valuetext", text);
    percent.textContent = text;
  };
  bar.hidden = false;
  percent.hidden = false;
  advance(0);
  try {
    const added = await upload(`/api/cases/${view.session.case_id}/evidence`, body, advance);
    form.reset();
    await refresh();
    announce(tr("party.uploaded", { name: added.filename }));
  } catch (error) {
    notify(error.message);
  } finally {
    bar.hidden = true;
    percent.hidden = true;
  }
}

async function sign(form) {
  if (pad.isEmpty()) { notify(tr("party.sign_empty")); $("#signature-typed").focus(); return; }
  if (!$("#sign-confirm").checked) { notify(tr("party.sign_unconfirmed")); $("#sign-confirm").focus(); return; }
  $("#sign-submit").disabled = true;
  try {
    await api(`/api/cases/${view.session.case_id}/settlement/signatures`, { method: "POST",
      body: { version_id: Number(form.dataset.version), confirmed: true, signature_png: pad.png() } });
    pad.clear();
    form.reset();
    await refresh();
    announce(tr("party.signed"));
    $("#settlement-h").focus();
  } catch (error) {
    notify(error.message);
  } finally {
    $("#sign-submit").disabled = false;
  }
}

function wire() {
  bindLanguageSwitch($("#lang"));
  onLanguageChange(() => { hideNotice(); render(); });
  pad = new Pad($("#signature"), $("#signature-typed"));
  $("#signature-clear").addEventListener("click", () => pad.erase());
  $("#open-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    hideNotice();
    try { await openWithCode($("#code").value); event.target.reset(); }
    catch (error) { notify(error.message); $("#code").focus(); }
  });
  $("#evidence-form").addEventListener("submit", (event) => {
    event.preventDefault();
    hideNotice();
    uploadEvidence(event.target);
  });
  $("#sign-form").addEventListener("submit", (event) => {
    event.preventDefault();
    hideNotice();
    sign(event.target);
  });
  $("#logout").addEventListener("click", async () => {
    await logout();
    try { sessionStorage.removeItem(OPENED); } catch { /* storage disabled */ }
    view.session = null;
    view.case = null;
    $("#case").hidden = true;
    $("#logout").hidden = true;
    $("#open").hidden = false;
    $("#code").focus();
  });
  $("#settlement-h").tabIndex = -1;
}

async function main() {
  wire();
  await loadLanguage();
  // A link carrying the code: /party#code=XXXX-XXXX-XXXX (the fragment never reaches the server).
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("code");
  if (fromLink) history.replaceState(null, "", location.pathname + location.search);
  const ask = () => {
    $("#open").hidden = false;
    $("#invited-hint").hidden = !view.invited; // the invitation's link: /party?hearing=N
  };
  try {
    if (fromLink) await openWithCode(fromLink);
    else {
      let opened = false;
      try { opened = sessionStorage.getItem(OPENED) === "1"; } catch { /* storage disabled */ }
      const session = opened ? await restoreSession() : null;
      if (session && session.kind === "party") await enter(session, false);
      else ask();
    }
  } catch (error) {
    ask();
    notify(error.message);
  }
  document.body.dataset.ready = "true";
}

main();
