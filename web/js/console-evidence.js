// Evidence on screen, for the console's case page and the hearing's evidence panel: its type in
// words, and a viewer (photo, PDF, recording) that fetches the file with the session, shows it
// and checks it against the SHA-256 recorded at upload. The server decides who may see what.
import { api } from "./api.js";
import { el } from "./console-util.js";
import { fileSize, tr } from "./i18n.js";

const shown = new WeakMap(); // viewer box -> the object URL it shows

/** "Photo · PNG", "PDF document", "Recording · MPEG": the kind of file in words. */
export function typeLabel(mediaType) {
  const [kind, sub = ""] = String(mediaType || "").split("/");
  if (mediaType === "application/pdf") return tr("web.kind.pdf");
  if (kind === "image" || kind === "audio") {
    return tr(`web.kind.${kind}`, { format: sub.toUpperCase() });
  }
  return mediaType;
}

/** One line of facts about an item: type and size (and who added it, when given). */
export function factsOf(item) {
  return `${typeLabel(item.media_type)} · ${fileSize(item.size)}`;
}

async function sha256Hex(blob) {
  if (!globalThis.crypto || !crypto.subtle) return null; // only in secure contexts
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function bodyFor(item, url) {
  const label = item.description || item.filename;
  if (item.media_type.startsWith("image/")) return el("img", { src: url, alt: label });
  if (item.media_type.startsWith("audio/")) {
    return el("audio", { src: url, controls: true, preload: "metadata",
      "aria-label": tr("web.evidence_recording", { name: label }) });
  }
  const open = el("a", { href: url, target: "_blank", rel: "noopener", download: item.filename,
    text: tr("console.open_file") });
  if (item.media_type === "application/pdf") {
    return el("object", { data: url, type: "application/pdf", class: "pdf",
      "aria-label": tr("web.evidence_document", { name: label }) }, el("p", {}, open));
  }
  return open;
}

/** Close the viewer in `box` and free the file it showed. */
export function closeViewer(box) {
  const url = shown.get(box);
  if (url) URL.revokeObjectURL(url);
  shown.delete(box);
  box.replaceChildren();
  box.hidden = true;
}

/**
 * Show `item` of case `caseId` in `box` (an element with an id): title, the file, its recorded
 * SHA-256 and whether the file received matches it; the focus moves to the viewer. `onClose`
 * runs after its close button (e.g. to give the focus back to the list).
 */
export async function openViewer(box, caseId, item, onClose = () => {}) {
  const response = await api(`/api/cases/${caseId}/evidence/${item.id}`,
    { raw: true, headers: { Accept: "*/*" } });
  const blob = await response.blob();
  closeViewer(box);
  const url = URL.createObjectURL(blob);
  shown.set(box, url);
  const headingId = `${box.id}-h`;
  const check = el("p", { class: "check", text: tr("web.hash_checking") });
  const close = el("button", { type: "button", text: tr("web.viewer_close"),
    on: { click: () => { closeViewer(box); onClose(); } } });
  box.setAttribute("role", "region");
  box.setAttribute("aria-labelledby", headingId);
  box.setAttribute("tabindex", "-1");
  box.replaceChildren(
    el("h4", { id: headingId, text: item.filename }),
    el("p", { text: factsOf(item) }),
    bodyFor(item, url),
    el("p", { class: "hash" }, "SHA-256 ", el("code", { text: item.sha256 })),
    check, close);
  box.hidden = false;
  box.focus();
  const actual = await sha256Hex(blob).catch(() => null);
  if (actual === null) {
    check.textContent = tr("web.hash_unchecked");
  } else {
    const same = actual === item.sha256;
    check.dataset.match = String(same);
    check.textContent = tr(same ? "web.hash_match" : "web.hash_mismatch", { sha256: actual });
  }
}

/** The evidence table of the console's case page (file, description, type and size, hash). */
export function renderEvidenceTable(body, items, box, caseId, onError) {
  closeViewer(box);
  body.replaceChildren(...items.map((item) => {
    const view = el("button", { type: "button", text: tr("console.view"),
      "aria-label": tr("console.view_file", { name: item.filename }) });
    view.addEventListener("click", () =>
      openViewer(box, caseId, item, () => view.focus()).catch((e) => onError(e.message)));
    return el("tr", {},
      el("td", { text: item.filename }),
      el("td", { text: item.description }),
      el("td", { text: factsOf(item) }),
      el("td", {}, el("code", { class: "hash", text: item.sha256 })),
      el("td", {}, view));
  }));
  if (!items.length) {
    body.append(el("tr", {}, el("td", { colspan: 5, text: tr("console.no_evidence") })));
  }
}
