// The staff console (/console): login, the queue of cases by state, the calendar of hearings,
// and (console-case.js) one case with its parties, evidence, hearings, settlement and history.
import { api, logout, restoreSession } from "./api.js";
import { showCase } from "./console-case.js";
import { clearSlip } from "./console-codes.js";
import { forgetStaff, loadStaff, mediatorText } from "./console-staff.js";
import { announce, ctx, el, hearingItem, showAlert } from "./console-util.js";
import { bindLanguageSwitch, loadLanguage, onLanguageChange, tr, viewerZone, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);
export const STATES = ["submitted", "accepted", "in_mediation", "settled", "failed", "withdrawn",
  "confirmation_requested", "confirmed", "rejected", "closed"];
const VIEWS = ["login", "queue", "calendar", "case"];

function view(name) {
  for (const v of VIEWS) $(v).hidden = v !== name;
  const signedIn = Boolean(ctx.me);
  $("nav").hidden = !signedIn;
  $("logout").hidden = !signedIn;
  $("who").hidden = !signedIn;
  for (const a of $("nav").querySelectorAll("a")) {
    if (a.getAttribute("href") === `#${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

// --- queue -----------------------------------------------------------------------------------

async function showQueue() {
  view("queue");
  const select = $("queue-state");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "", text: tr("console.all_states") }),
    ...STATES.map((s) => el("option", { value: s, text: tr(`state.${s}`) })));
  select.value = chosen;
  const query = chosen ? `?state=${chosen}&limit=500` : "?limit=500";
  const [{ cases }] = await Promise.all([api(`/api/cases${query}`), loadStaff()]);
  const box = $("queue-groups");
  box.replaceChildren();
  for (const state of STATES) {
    const group = cases.filter((c) => c.state === state);
    if (!group.length) continue;
    const id = `queue-${state}`;
    const rows = group.map((c) => el("tr", {},
      el("th", { scope: "row" }, el("a", { href: `#case=${c.id}`, text: c.number })),
      el("td", { text: tr(`category.${c.category}`) }),
      el("td", { text: when(c.filed_at, undefined, { weekday: undefined }) }),
      el("td", { text: mediatorText(c) })));
    box.append(el("section", { "aria-labelledby": id, class: "panel" },
      el("h3", { id, text: tr("console.group", { state: tr(`state.${state}`), n: group.length }) }),
      el("table", {},
        el("thead", {}, el("tr", {},
          el("th", { scope: "col", text: tr("ui.case_number") }),
          el("th", { scope: "col", text: tr("ui.category") }),
          el("th", { scope: "col", text: tr("console.filed_at") }),
          el("th", { scope: "col", text: tr("console.mediator") }))),
        el("tbody", {}, ...rows))));
  }
  if (!box.children.length) box.append(el("p", { text: tr("console.no_cases") }));
}

// --- calendar --------------------------------------------------------------------------------

async function showCalendar() {
  view("calendar");
  const zone = viewerZone();
  $("calendar-zone").textContent = tr("console.times_in", { zone });
  const { hearings } = await api(`/api/hearings?tz=${encodeURIComponent(zone)}`);
  const box = $("calendar-days");
  box.replaceChildren();
  const days = new Map();
  for (const h of hearings) {
    const day = when(h.scheduled_start, zone, { hour: undefined, minute: undefined,
      timeZoneName: undefined });
    days.set(day, [...(days.get(day) || []), h]);
  }
  let n = 0;
  for (const [day, list] of days) {
    n += 1;
    const id = `day-${n}`;
    box.append(el("section", { "aria-labelledby": id, class: "panel" },
      el("h3", { id, text: day }),
      el("ul", { class: "hearings" }, ...list.map((h) => hearingItem(h, false)))));
  }
  if (!hearings.length) box.append(el("p", { text: tr("console.no_hearings") }));
}

// --- routing ---------------------------------------------------------------------------------

// Show the view of the address, then give the content keyboard focus once all of it is there
// (aria-busy until then, so screen readers and the tests wait for it).
async function navigate() {
  const main = $("main");
  main.setAttribute("aria-busy", "true");
  try { await route(); } finally { main.removeAttribute("aria-busy"); }
  main.focus();
}

async function route() {
  showAlert("");
  if (!ctx.me) { view("login"); return; }
  const hash = location.hash.slice(1);
  if (/^hearing=\d+$/.test(hash)) { // came from a hearing's page to log in: back there
    location.assign(`/hearing?id=${hash.slice(8)}`);
    return;
  }
  try {
    if (hash.startsWith("case=")) {
      view("case");
      await showCase(Number(hash.slice(5)));
      return;
    }
    clearSlip(); // leaving the case: a code shown once is gone
    if (hash === "calendar") await showCalendar();
    else await showQueue();
  } catch (error) {
    showAlert(error.message);
  }
}

function setMe(session) {
  if (ctx.me?.user_id !== session?.user_id) forgetStaff();
  ctx.me = session && session.kind === "staff" ? session : null;
  $("who").textContent = ctx.me ? tr("hv.person",
    { name: ctx.me.username, role: tr(`hearing.role.${ctx.me.role}`) }) : "";
}

async function main() {
  await loadLanguage();
  bindLanguageSwitch($("lang"));
  onLanguageChange(() => { setMe(ctx.me); route(); });
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const session = await api("/api/login", { method: "POST",
        body: { username: form.get("username"), password: form.get("password") } });
      event.target.reset();
      setMe(session);
      announce(tr("console.logged_in"));
      if (location.hash) await navigate();
      else location.hash = "#queue"; // the hashchange navigates

    } catch (error) { showAlert(error.message); }
  });
  $("logout").addEventListener("click", async () => {
    await logout();
    clearSlip();
    setMe(null);
    history.replaceState(null, "", "/console");
    await route();
  });
  $("queue-state").addEventListener("change", () => showQueue().catch((e) => showAlert(e.message)));
  window.addEventListener("hashchange", navigate);
  const session = await restoreSession().catch(() => null);
  if (session && session.kind !== "staff") showAlert(tr("console.staff_only"));
  setMe(session);
  await route();
}

main();
