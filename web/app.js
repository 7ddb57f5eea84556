// Minimal pages for the foundation: apply for mediation, follow a case by personal code,
// staff login. Every string comes from the server's catalogue (/api/i18n/{lang}).
const CATEGORIES = ["rent", "wages", "family", "neighbours", "traffic", "contract", "loan",
  "property", "other"];
let lang = localStorage.getItem("lang") || (navigator.language.startsWith("zh") ? "zh-CN" : "en");
let t = {};
let csrf = "";

const $ = (sel) => document.querySelector(sel);
const tr = (key, params = {}) =>
  (t[key] || key).replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
const when = (iso) => new Date(iso).toLocaleString(lang);

async function api(path, options = {}) {
  const headers = { "Accept-Language": lang, ...(options.headers || {}) };
  if (options.body) headers["Content-Type"] = "application/json";
  if (csrf && options.method && options.method !== "GET") headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, { ...options, headers });
  const data = response.status === 204 ? {} : await response.json();
  if (!response.ok) throw new Error(data.error ? data.error.message : response.statusText);
  return data;
}

function show(id) {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== id;
  $("#notice").hidden = true;
  const heading = $(`#${id} h2`);
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function notify(message) { const n = $("#notice"); n.textContent = message; n.hidden = false; }

async function loadLanguage() {
  t = await api(`/api/i18n/${lang}`);
  document.documentElement.lang = lang;
  document.title = tr("ui.title");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = tr(el.dataset.i18n);
  const select = $("select[name=category]");
  select.replaceChildren(...CATEGORIES.map((c) => new Option(tr(`category.${c}`), c)));
}

function formJSON(form) {
  const body = {};
  for (const [name, value] of new FormData(form)) {
    const [head, tail] = name.split(".");
    if (tail) { body[head] = body[head] || {}; if (value) body[head][tail] = value; }
    else body[head] = value;
  }
  body.applicant && (body.applicant.language = lang);
  return body;
}

async function showCases() {
  const { cases } = await api("/api/cases");
  $("#case-list").replaceChildren(...cases.map((c) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.textContent = `${c.number} · ${tr(`state.${c.state}`)} · ${when(c.filed_at)}`;
    button.addEventListener("click", () => showCase(c.id));
    li.append(button);
    return li;
  }));
  show("cases");
}

async function showCase(id) {
  const [c, history] = await Promise.all([api(`/api/cases/${id}`), api(`/api/cases/${id}/history`)]);
  const detail = $("#case-detail");
  detail.replaceChildren();
  const add = (tag, text) => { const el = document.createElement(tag); el.textContent = text; detail.append(el); };
  add("h3", `${tr("ui.case_number")}: ${c.number}`);
  add("p", `${tr("ui.state")}: ${tr(`state.${c.state}`)}`);
  add("p", `${tr("ui.microcourt")}: ${c.microcourt}`);
  add("p", `${tr("ui.facts")}: ${c.facts}`);
  add("p", `${tr("ui.claims")}: ${c.claims}`);
  add("h4", tr("ui.history"));
  const list = document.createElement("ol");
  for (const e of history.entries) {
    const li = document.createElement("li");
    li.textContent = `${when(e.time)} · ${tr(`event.${e.kind}`)}`;
    list.append(li);
  }
  detail.append(list);
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-show]");
  if (target) { event.preventDefault(); show(target.dataset.show); }
});

$("#lang").addEventListener("click", async () => {
  lang = lang === "zh-CN" ? "en" : "zh-CN";
  localStorage.setItem("lang", lang);
  $("#notice").hidden = true; // it was in the other language
  await loadLanguage();
});

$("#apply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const filed = await api("/api/cases", { method: "POST", body: JSON.stringify(formJSON(event.target)) });
    $("#slip-number").textContent = filed.number;
    $("#slip-code").textContent = filed.applicant.code;
    $("#slip-qr").innerHTML = filed.applicant.qr_svg; // SVG made by the server (segno)
    event.target.reset();
    show("slip");
  } catch (error) { notify(error.message); }
});

$("#print").addEventListener("click", () => window.print());

async function openCode(code) {
  const session = await api("/api/session", { method: "POST", body: JSON.stringify({ code }) });
  csrf = session.csrf_token;
  await showCases();
  await showCase(session.case_id);
}

$("#code-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try { await openCode(new FormData(event.target).get("code")); event.target.reset(); }
  catch (error) { notify(error.message); }
});

$("#staff-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const session = await api("/api/login", { method: "POST",
      body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
    csrf = session.csrf_token;
    event.target.reset();
    await showCases();
  } catch (error) { notify(error.message); }
});

$("#logout").addEventListener("click", async () => {
  await api("/api/logout", { method: "POST" });
  csrf = "";
  $("#case-detail").replaceChildren();
  show("start");
});

await loadLanguage();
const fromLink = new URLSearchParams(location.hash.slice(1)).get("code");
if (fromLink) { history.replaceState(null, "", location.pathname); openCode(fromLink).catch((e) => notify(e.message)); }
