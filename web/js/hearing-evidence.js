// The hearing's evidence panel: the case's evidence (name, type, size, SHA-256) and a viewer for
// photos, PDFs and recordings (console-evidence.js), for staff and the case's parties. The
// evidence endpoints decide who may see it; interpreters are not shown the panel at all.
import { api } from "./api.js";
import { closeViewer, factsOf, openViewer } from "./console-evidence.js";
import { el } from "./console-util.js";
import { $, announce, showAlert } from "./hearing-state.js";
import { onLanguageChange, tr } from "./i18n.js";

const panel = { caseId: 0, items: [], bound: false };

function render() {
  const list = $("evidence-list");
  if (!panel.caseId) return;
  list.replaceChildren(...panel.items.map((item) => {
    const view = el("button", { type: "button", "data-key": `evidence:${item.id}`,
      text: tr("console.view"), "aria-label": tr("console.view_file", { name: item.filename }) });
    view.addEventListener("click", () => {
      openViewer($("evidence-viewer"), panel.caseId, item, () => view.focus())
        .catch((error) => showAlert(error.message));
    });
    return el("li", { "data-evidence": item.id },
      el("strong", { class: "name", text: item.filename }), " ",
      el("span", { class: "facts", text: factsOf(item) }),
      item.description ? el("span", { class: "description", text: ` · ${item.description}` }) : null,
      el("br"),
      el("code", { class: "hash", title: "SHA-256", text: item.sha256 }), " ",
      view);
  }));
  if (!panel.items.length) list.append(el("li", { text: tr("console.no_evidence") }));
}

async function load() {
  const { evidence } = await api(`/api/cases/${panel.caseId}/evidence`);
  panel.items = evidence;
  render();
  $("evidence").hidden = false;
}

function bind() {
  panel.bound = true;
  onLanguageChange(render);
  $("evidence-refresh").addEventListener("click", async () => {
    try {
      await load();
      announce(tr("hv.evidence_refreshed", { n: panel.items.length }));
    } catch (error) { showAlert(error.message); }
  });
}

/** Show the evidence of hearing `hearingId`'s case, when the caller may see it. */
export async function mountEvidence(hearingId) {
  if (!panel.bound) bind();
  try {
    const hearing = await api(`/api/hearings/${hearingId}`);
    const mine = (hearing.participants || []).find((p) => p.id === hearing.me);
    if (mine && mine.role === "interpreter") return; // interpreters see the hearing only
    if (panel.caseId !== hearing.case_id) closeViewer($("evidence-viewer"));
    panel.caseId = hearing.case_id;
    await load();
  } catch {
    $("evidence").hidden = true; // refused or unreachable: the hearing works without it
  }
}
