// The settlement in the staff console: every version with its clauses and signatures,
// drafting a new version (structured clauses + free text), the mediator's signature, the
// judge's ruling on confirmation. APIs: /api/cases/{id}/settlement/* (routes.py).
import { api, download } from "./api.js";
import { announce, ctx, el, showAlert } from "./console-util.js";
import { tr, when } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const FIELDS = ["applicant", "respondent", "mediator"];
const DRAFTABLE = new Set(["in_mediation", "settled"]);
const CURRENCIES = ["CNY", "EUR", "USD", "GBP", "HKD"];
const state = { caseId: () => 0, reload: async () => {}, clauseCount: 0 };

function money(cents, currency) {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(cents / 100);
  } catch { return `${(cents / 100).toFixed(2)} ${currency}`; }
}

function clauseText(c) {
  const parts = [c.text];
  if (c.amount_cents) {
    parts.push(tr("console.clause_pay", { payer: tr(`hearing.role.${c.payer}`),
      payee: tr(`hearing.role.${c.payee}`), amount: money(c.amount_cents, c.currency) }));
  }
  if (c.due) parts.push(tr("console.clause_due", { due: c.due }));
  return parts.join(" ");
}

function versionView(caseId, v, isMediator, partiesSigned) {
  const signed = new Map(v.signatures.map((s) => [s.field, s]));
  const id = `version-${v.id}`;
  const sigs = FIELDS.map((f) => {
    const s = signed.get(f);
    return el("li", {}, tr("console.signature_of", { role: tr(`hearing.role.${f}`),
      status: s ? tr("console.signed_by", { name: s.signer_name, time: when(s.signed_at) })
        : tr("console.not_signed") }));
  });
  const box = el("article", { "aria-labelledby": id, class: "version" },
    el("h4", { id, text: tr("console.version", { n: v.number, state: tr(`console.vstate.${v.state}`) }) }),
    el("ol", {}, ...v.clauses.map((c) => el("li", { text: clauseText(c) }))),
    v.free_text ? el("p", { text: v.free_text }) : null,
    el("h5", { text: tr("console.signatures") }),
    el("ul", {}, ...sigs),
    el("p", { class: "hash" }, "SHA-256 ", el("code", { text: v.current_sha256 })),
    el("button", { type: "button", text: tr("console.download_draft"),
      on: { click: () => download(`/api/cases/${caseId}/settlement/versions/${v.id}/draft.pdf`,
        `agreement-v${v.number}.pdf`).catch((e) => showAlert(e.message)) } }));
  if (v.signatures.length) {
    box.append(" ", el("button", { type: "button", text: tr("console.download_signed"),
      on: { click: () => download(`/api/cases/${caseId}/settlement/versions/${v.id}/signed.pdf`,
        `agreement-v${v.number}-signed.pdf`).catch((e) => showAlert(e.message)) } }));
  }
  if (v.state === "draft" && isMediator && !signed.has("mediator")) {
    const check = el("input", { type: "checkbox", id: `sign-ok-${v.id}` });
    const sign = el("button", { type: "button", class: "primary", text: tr("console.sign"),
      disabled: !partiesSigned,
      on: { click: async () => {
        if (!check.checked) { showAlert(tr("console.sign_tick_first")); check.focus(); return; }
        try {
          await api(`/api/cases/${caseId}/settlement/signatures`, { method: "POST",
            body: { version_id: v.id, confirmed: true } });
          announce(tr("console.signed"));
          await state.reload();
        } catch (error) { showAlert(error.message); }
      } } });
    box.append(el("p", {}, check, " ",
      el("label", { for: `sign-ok-${v.id}`, text: tr("console.sign_confirm") })), sign);
    if (!partiesSigned) box.append(el("p", { class: "hint", text: tr("console.parties_first") }));
  }
  return box;
}

/** Render the case's settlement; show the draft and ruling forms when they apply. */
export async function showSettlement(c) {
  const view = $("settlement-view");
  let found = null;
  try { found = await api(`/api/cases/${c.id}/settlement`); }
  catch (error) { if (error.status !== 404) showAlert(error.message); }
  const role = ctx.me?.role;
  const isMediator = role === "mediator" && c.mediator_id === ctx.me.user_id;
  view.replaceChildren();
  const versions = found ? [...found.versions].reverse() : [];
  for (const v of versions) {
    const partiesSigned = ["applicant", "respondent"].every((f) =>
      v.signatures.some((s) => s.field === f));
    view.append(versionView(c.id, v, isMediator, partiesSigned));
  }
  if (!versions.length) view.append(el("p", { text: tr("console.no_settlement") }));
  if (found && found.change_requests.length) {
    view.append(el("h4", { text: tr("console.change_requests") }),
      el("ul", {}, ...found.change_requests.map((r) => el("li", {},
        el("time", { datetime: r.created_at, text: when(r.created_at) }), ` ${r.text}`))));
  }
  const conf = found?.confirmation;
  if (conf) {
    const outcome = conf.outcome ? tr(`console.outcome.${conf.outcome}`) : tr("console.pending");
    view.append(el("p", { id: "confirmation-status", text: tr("console.confirmation_status",
      { outcome, deadline: when(conf.deadline) }) }));
    if (conf.reason) {
      view.append(el("p", { id: "ruling-reason", text: tr("console.ruling_reason",
        { reason: conf.reason }) }));
    }
    if (conf.outcome) {
      view.append(el("button", { type: "button", text: tr("console.download_ruling"),
        on: { click: () => download(`/api/cases/${c.id}/settlement/ruling.pdf`, "ruling.pdf")
          .catch((e) => showAlert(e.message)) } }));
    }
  }
  const effective = versions.some((v) => v.state === "effective");
  $("draft-form").hidden = !(DRAFTABLE.has(c.state) && !effective
    && (isMediator || role === "judge"));
  if (!$("draft-form").hidden && !$("clauses").children.length) addClause();
  $("ruling-form").hidden = !(c.state === "confirmation_requested" && role === "judge");
}

function option(value, text) { return el("option", { value, text }); }

// A refused draft names the field as the server's model does ("clauses.0.amount_cents"):
// say which clause and which box in words, and put the focus there.
const BOXES = { text: ["text", "console.clause_text"], amount_cents: ["amount", "console.amount"],
  currency: ["currency", "console.currency"], payer: ["payer", "console.payer"],
  payee: ["payee", "console.payee"], due: ["due", "console.due"] };

function draftError(error, form) {
  const match = /^clauses\.(\d+)(?:\.(\w+))?$/.exec(error.field || "");
  if (!match) {
    if (error.field === "free_text") form.elements.free_text.focus();
    return error.message;
  }
  const index = Number(match[1]);
  const li = $("clauses").children[index];
  const box = BOXES[match[2]];
  const n = index + 1;
  if (li) {
    const name = box ? `${box[0]}-${li.dataset.n}` : `payer-${li.dataset.n}`;
    form.elements[name]?.focus();
  }
  if (!box) return tr("console.clause_invalid", { n });
  return tr("console.clause_box_invalid", { n, box: tr(box[1]) });
}

function addClause() {
  state.clauseCount += 1;
  const n = state.clauseCount;
  const sides = () => [option("", "—"), option("applicant", tr("hearing.role.applicant")),
    option("respondent", tr("hearing.role.respondent"))];
  const li = el("li", { class: "clause" },
    el("fieldset", {},
      el("legend", { text: tr("console.clause") }),
      el("label", {}, el("span", { text: tr("console.clause_text") }),
        el("textarea", { name: `text-${n}`, rows: 2, required: true, maxlength: 2000 })),
      el("div", { class: "row" },
        el("label", {}, el("span", { text: tr("console.amount") }),
          el("input", { name: `amount-${n}`, type: "number", min: "0.01", step: "0.01" })),
        el("label", {}, el("span", { text: tr("console.currency") }),
          el("select", { name: `currency-${n}` }, ...CURRENCIES.map((c) => option(c, c)))),
        el("label", {}, el("span", { text: tr("console.payer") }),
          el("select", { name: `payer-${n}` }, ...sides())),
        el("label", {}, el("span", { text: tr("console.payee") }),
          el("select", { name: `payee-${n}` }, ...sides())),
        el("label", {}, el("span", { text: tr("console.due") }),
          el("input", { name: `due-${n}`, type: "date" }))),
      el("button", { type: "button", text: tr("console.remove_clause"),
        on: { click: () => { li.remove(); $("add-clause").focus(); } } })));
  li.dataset.n = String(n);
  $("clauses").append(li);
  return li;
}

function clausesOf(form) {
  const data = new FormData(form);
  return [...$("clauses").children].map((li) => {
    const n = li.dataset.n;
    const clause = { text: String(data.get(`text-${n}`) || "").trim() };
    const amount = String(data.get(`amount-${n}`) || "");
    if (amount) {
      clause.amount_cents = Math.round(Number(amount) * 100);
      clause.currency = String(data.get(`currency-${n}`));
    }
    for (const k of ["payer", "payee", "due"]) {
      const v = String(data.get(`${k}-${n}`) || "");
      if (v) clause[k] = v;
    }
    return clause;
  });
}

/** Wire the draft and ruling forms once; `caseId()` names the case shown, `reload()` redraws. */
export function bindSettlement(caseId, reload) {
  state.caseId = caseId;
  state.reload = reload;
  $("add-clause").addEventListener("click", () => {
    const li = addClause();
    li.querySelector("textarea").focus();
  });
  $("draft-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { clauses: clausesOf(form), free_text: String(new FormData(form).get("free_text") || "") };
    try {
      const made = await api(`/api/cases/${state.caseId()}/settlement/versions`,
        { method: "POST", body });
      announce(tr("console.drafted", { n: made.number }));
      $("clauses").replaceChildren();
      form.reset();
      await state.reload();
    } catch (error) { showAlert(draftError(error, form)); }
  });
  $("ruling-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    if (data.get("outcome") === "rejected" && !String(data.get("reason") || "").trim()) {
      showAlert(tr("console.reason_required"));
      event.target.elements.reason.focus();
      return;
    }
    try {
      await api(`/api/cases/${state.caseId()}/settlement/ruling`, { method: "POST",
        body: { outcome: data.get("outcome"), reason: String(data.get("reason") || "") } });
      announce(tr("console.ruled"));
      event.target.reset();
      await state.reload();
    } catch (error) { showAlert(error.message); }
  });
}
