// The public verification page: upload a PDF (POST /api/verify), or arrive from a document's
// QR code (/verify?ref=...) and see its public record. Strings come from /api/i18n/{lang}.
let lang = new URLSearchParams(location.search).get("lang")
  || localStorage.getItem("lang") || (navigator.language.startsWith("zh") ? "zh-CN" : "en");
let t = {};
let csrf = "";
let lastRecord = null;
let lastResult = null;

const $ = (sel) => document.querySelector(sel);
const tr = (key, params = {}) =>
  (t[key] || key).replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
const when = (iso) => (iso ? new Date(iso).toLocaleString(lang) : "—");

async function api(path, options = {}) {
  const headers = { "Accept-Language": lang, ...(options.headers || {}) };
  if (csrf && options.method && options.method !== "GET") headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, { ...options, headers });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  return data;
}

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
      ? ["ui.verify.decided_at", when(record.decided_at)]
      : ["ui.verify.effective_at", when(record.effective_at)],
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
      `${tr("ui.verify.signed_at")} ${when(s.signed_at)}`,
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

async function loadLanguage() {
  t = await api(`/api/i18n/${lang}`);
  document.documentElement.lang = lang;
  document.title = tr("ui.verify.title");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = tr(el.dataset.i18n);
  if (lastRecord) showRecord(lastRecord);
  if (lastResult) showResult(lastResult);
}

$("#lang").addEventListener("click", async () => {
  lang = lang === "zh-CN" ? "en" : "zh-CN";
  localStorage.setItem("lang", lang);
  await loadLanguage();
});

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
  await loadLanguage();
  try { csrf = (await api("/api/me")).csrf_token; } catch { csrf = ""; }  // staff on this browser
  const ref = new URLSearchParams(location.search).get("ref");
  if (ref) {
    try { showRecord(await api(`/api/records/${encodeURIComponent(ref)}`)); }
    catch (error) { notify(error.message); }
  }
}

start();
