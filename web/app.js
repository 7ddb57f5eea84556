// Minimal pages for the foundation: apply for mediation, follow a case by personal code,
// staff login. Every string comes from the server's catalogue (/api/i18n/{lang}).
import { api, logout } from "./js/api.js";
import { bindLanguageSwitch, loadLanguage, onLanguageChange, tr, whenShort } from "./js/i18n.js";

const CATEGORIES = ["rent", "wages", "family", "neighbours", "traffic", "contract", "loan",
  "property", "other"];

const $ = (sel) => document.querySelector(sel);
const when = (iso) => whenShort(iso);

function show(id) {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== id;
  $("#notice").hidden = true;
  const heading = $(`#${id} h2`);
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function notify(message) { const n = $("#notice"); n.textContent = message; n.hidden = false; }

function fillCategories() {
  const select = $("select[name=category]");
  const chosen = select.value;
  select.replaceChildren(...CATEGORIES.map((c) => new Option(tr(`category.${c}`), c)));
  if (chosen) select.value = chosen;
}

function formJSON(form) {
  const body = {};
  for (const [name, value] of new FormData(form)) {
    const [head, tail] = name.split(".");
    if (tail) { body[head] = body[head] || {}; if (value) body[head][tail] = value; }
    else body[head] = value;
  }
  body.applicant && (body.applicant.language = document.documentElement.lang);
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

bindLanguageSwitch($("#lang"));
onLanguageChange(() => { $("#notice").hidden = true; fillCategories(); }); // no stale message

$("#apply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const filed = await api("/api/cases", { method: "POST", body: formJSON(event.target) });
    $("#slip-number").textContent = filed.number;
    $("#slip-code").textContent = filed.applicant.code;
    $("#slip-qr").innerHTML = filed.applicant.qr_svg; // SVG made by the server (segno)
    event.target.reset();
    show("slip");
  } catch (error) { notify(error.message); }
});

$("#print").addEventListener("click", () => window.print());

async function openCode(code) {
  const session = await api("/api/session", { method: "POST", body: { code } });
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
    await api("/api/login", { method: "POST",
      body: { username: form.get("username"), password: form.get("password") } });
    event.target.reset();
    await showCases();
  } catch (error) { notify(error.message); }
});

$("#logout").addEventListener("click", async () => {
  await logout();
  $("#case-detail").replaceChildren();
  show("start");
});

await loadLanguage();
fillCategories();
const fromLink = new URLSearchParams(location.hash.slice(1)).get("code");
if (fromLink) { history.replaceState(null, "", location.pathname); openCode(fromLink).catch((e) => notify(e.message)); }
