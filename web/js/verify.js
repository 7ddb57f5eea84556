// The public verification page: upload a PDF (POST /api/verify), or arrive from a document's
// QR code (/verify?ref=...) and see its public record.
import { api, restoreSession } from "./api.js";
import { bindLanguageSwitch, loadLanguage, onLanguageChange, tr, when } from "./i18n.js";

let lastRecord = null;
let lastResult = null;

const $ = (sel) => document.querySelector(sel);
const at = (iso) => when(iso) || "—";

function notify(message) { const n = $("#notice"); n.textContent = message; n.hidden = !message; }

function facts(list, pairs) {
  list.replaceChildren(...pairs.flatMap(([key, value]) => {
    const dt = document.createElement("dt"); dt.textContent = tr(key);
    const dd = document.createElement("dd"); dd.textContent = value;
    if (/^[0-9a-f]{64}$/.test(value)) dd.className = "hash";
    return [dt, dd];
  }));
}

function showRecord(record) {
  lastRecord = record;
  facts($("#record-facts"), [
    ["ui.verify.kind", tr(`ui.verify.kind.${record.kind}`)],
    ["ui.verify.case", record.case_number],
    ["ui.verify.state", tr(`ui.verify.state.${record.state}`)],
    record.kind === "ruling"
      ? ["ui.verify.decided_at", at(record.decided_at)]
      : ["ui.verify.effective_at", at(record.effective_at)],
    ["ui.verify.final_sha256", record.final_sha256 || "—"],
  ]);
  const link = $("#record-download");
  link.hidden = !record.document_url;
  if (record.document_url) link.href = record.document_url;
  $("#record").hidden = false;
}

function showResult(result) {
  lastResult = result;
  $("#verdict").textContent = tr(result.ok ? "ui.verify.ok" : "ui.verify.not_ok");
  $("#verdict").className = result.ok ? "ok" : "bad";
  const pairs = [["ui.verify.sha256", result.sha256]];
  if (result.kind) pairs.push(["ui.verify.kind", tr(`ui.verify.kind.${result.kind}`)]);
  if (result.case_number) pairs.push(["ui.verify.case", result.case_number]);
  if (result.embedded_agreement_sha256) pairs.push(["ui.verify.embedded", result.embedded_agreement_sha256]);
  if (result.embedded_agreement_record) {
    pairs.push(["ui.verify.embedded_record",
      tr(`ui.verify.record.${result.embedded_agreement_record.status}`)]);
  }
  facts($("#result-facts"), pairs);
  const notes = result.problems.map((key) => tr(key));
  if (result.unsigned_fields.length) {  // intact so far, but not everyone has signed
    const roles = result.unsigned_fields.map((f) => tr(`doc.role.${f}`)).join(", ");
    notes.push(tr("ui.verify.incomplete", { roles }));
  }
  $("#problems").replaceChildren(...notes.map((text) => {
    const li = document.createElement("li"); li.textContent = text; return li;
  }));
  $("#signers").replaceChildren(...result.signers.map((s) => {
    const li = document.createElement("li");
    li.textContent = [
      `${tr(`doc.role.${s.role || s.field}`)}: ${s.name}`,
      `${tr("ui.verify.signed_at")} ${at(s.signed_at)}`,
      tr(s.intact ? "ui.verify.intact" : "ui.verify.broken"),
      tr(s.trusted ? "ui.verify.trusted" : "ui.verify.untrusted"),
      `${tr("ui.verify.fingerprint")} ${s.cert_sha256}`,
    ].join(" · ");
    return li;
  }));
  $("#record-status").textContent = tr(`ui.verify.record.${result.record.status}`);
  if (result.record.record) showRecord(result.record.record);
  $("#result").hidden = false;
}

$("#verify-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  notify(tr("ui.verify.checking"));
  $("#result").hidden = true;
  try {
    const body = new FormData(event.target);
    showResult(await api("/api/verify", { method: "POST", body }));
    notify("");
  } catch (error) {
    notify(error.message);
  }
});

async function start() {
  bindLanguageSwitch($("#lang"));
  onLanguageChange(() => {
    if (lastRecord) showRecord(lastRecord);
    if (lastResult) showResult(lastResult);
  });
  await loadLanguage();
  await restoreSession().catch(() => null);  // staff on this browser: their CSRF token
  const ref = new URLSearchParams(location.search).get("ref");
  if (ref) {
    try { showRecord(await api(`/api/records/${encodeURIComponent(ref)}`)); }
    catch (error) { notify(error.message); }
  }
}

start();
