// The party page, from home or abroad: open with the personal code (typed, or a link with
// #code=... which never reaches the server's logs), follow the case, the next hearing in
// local time (.ics), upload evidence, read and sign the settlement, download the signed PDFs.
import { api, logout, restoreSession, upload } from "./api.js";
import { bindLanguageSwitch, currentLang, formatLocale, loadLanguage, onLanguageChange, tr, viewerZone, when,
  whenShort } from "./i18n.js";
import { Pad } from "./signature.js";

const PATH = ["submitted", "accepted", "in_mediation", "settled", "confirmation_requested",
  "confirmed"];
const ENDED = new Set(["closed", "cancelled"]);
const $ = (selector) => document.querySelector(selector);
const view = { session: null, case: null, me: null, hearings: [], evidence: [], settlement: null };
let pad = null;

// --- small DOM helpers ----------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

function notify(message) { const n = $("#notice"); n.textContent = message; n.hidden = false; }
function hideNotice() { const n = $("#notice"); n.hidden = true; n.textContent = ""; }
function announce(message) {
  const live = $("#live");
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 50);
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// --- opening ----------------------------------------------------------------------------------

async function openWithCode(code) {
  const session = await api("/api/session", { method: "POST", body: { code } });
  await enter(session, true);
}

const OPENED = "party.opened"; // this tab opened a case: worth asking /api/me after a reload

async function enter(session, fresh) {
  view.session = session;
  try { sessionStorage.setItem(OPENED, "1"); } catch { /* storage disabled */ }
  const found = await api(`/api/cases/${session.case_id}`);
  view.case = found;
  view.me = found.parties.find((p) => p.id === session.party_id) || null;
  // A fresh opening shows the page in the party's own language.
  if (fresh && view.me && view.me.language !== currentLang()) await loadLanguage(view.me.language);
  $("#open").hidden = true;
  $("#case").hidden = false;
  $("#logout").hidden = false;
  await refresh();
  const heading = $("#case-h");
  heading.tabIndex = -1;
  heading.focus();
}

async function refresh() {
  const id = view.session.case_id;
  const zone = viewerZone();
  const [found, hearings, evidence, settlement] = await Promise.all([
    api(`/api/cases/${id}`),
    api(`/api/cases/${id}/hearings?tz=${encodeURIComponent(zone)}`),
    api(`/api/cases/${id}/evidence`),
    api(`/api/cases/${id}/settlement`),
  ]);
  view.case = found;
  view.hearings = hearings.hearings;
  view.evidence = evidence.evidence;
  view.settlement = settlement;
  render();
}

// --- rendering --------------------------------------------------------------------------------

function render() {
  if (!view.case) return;
  const c = view.case;
  $("#case-number").textContent = c.number;
  $("#case-state").textContent = tr(`state.${c.state}`);
  $("#case-court").textContent = c.microcourt;
  $("#case-facts").textContent = c.facts;
  $("#case-claims").textContent = c.claims;
  $("#me").textContent = view.me
    ? `${view.me.name} · ${tr(`hearing.role.${view.me.role}`)}` : "";
  renderProgress(c.state);
  renderHearing();
  renderEvidence();
  renderSettlement();
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

function nextHearing() {
  const now = Date.now();
  return view.hearings
    .filter((h) => !ENDED.has(h.state) && new Date(h.scheduled_end).getTime() > now)
    .sort((a, b) => new Date(a.scheduled_start) - new Date(b.scheduled_start))[0] || null;
}

function renderHearing() {
  const box = $("#hearing-box");
  const hearing = nextHearing();
  if (!hearing) { box.replaceChildren(el("p", { text: tr("party.no_hearing") })); return; }
  const zone = viewerZone();
  box.replaceChildren(
    el("p", { class: "hearing-title", text: hearing.title }),
    el("p", { id: "hearing-time", class: "when",
      text: `${when(hearing.scheduled_start, zone)} (${zone})` }),
    el("p", { text: `${tr("party.hearing_state")}: ${hearing.state_label} · `
      + tr("party.minutes", { minutes: hearing.duration_minutes }) }),
    el("div", { class: "row" },
      el("a", { class: "button", href: `/hearing?id=${hearing.id}`, id: "join",
        text: tr("party.join") }),
      el("a", { class: "button secondary", href: hearing.invitation_url, id: "ics",
        download: `hearing-${hearing.id}.ics`, text: tr("party.ics") })),
  );
}

function renderEvidence() {
  const list = $("#evidence-list");
  const id = view.session.case_id;
  if (!view.evidence.length) { list.replaceChildren(el("li", { text: tr("party.no_evidence") })); return; }
  list.replaceChildren(...view.evidence.map((item) => el("li", {},
    el("a", { href: `/api/cases/${id}/evidence/${item.id}`, download: item.filename,
      text: item.filename }),
    ` · ${size(item.size)} · ${whenShort(item.created_at)}`
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
  const body = new FormData();
  body.append("description", $("#evidence-description").value);
  body.append("file", file, file.name);
  bar.hidden = false;
  bar.value = 0;
  try {
    const added = await upload(`/api/cases/${view.session.case_id}/evidence`, body,
      (done) => { bar.value = done; });
    form.reset();
    await refresh();
    announce(tr("party.uploaded", { name: added.filename }));
  } catch (error) {
    notify(error.message);
  } finally {
    bar.hidden = true;
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
  $("#signature-clear").addEventListener("click", () => pad.clear());
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
  try {
    if (fromLink) await openWithCode(fromLink);
    else {
      let opened = false;
      try { opened = sessionStorage.getItem(OPENED) === "1"; } catch { /* storage disabled */ }
      const session = opened ? await restoreSession() : null;
      if (session && session.kind === "party") await enter(session, false);
      else $("#open").hidden = false;
    }
  } catch (error) {
    $("#open").hidden = false;
    notify(error.message);
  }
  document.body.dataset.ready = "true";
}

main();
