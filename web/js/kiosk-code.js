// "I have a code": the personal code (typed, tapped on the keypad or scanned) opens the
// villager's case: its number, its state and the next hearing, which the villager may join.
import { api } from "./api.js";
import { tr, viewerZone, when } from "./i18n.js";
import { cleanCode, groupCode } from "./keypad.js";
import { $, notify, show, view } from "./kiosk-ui.js";

const ENDED = new Set(["closed", "cancelled"]);

export async function openCode(raw) {
  const code = cleanCode(raw);
  if (code.length !== 12) { notify(tr("kiosk.code_short")); $("#code-input").focus(); return; }
  try {
    const session = await api("/api/session", { method: "POST", body: { code: groupCode(code) } });
    $("#code-input").value = "";
    await showTrack(session.case_id);
  } catch (error) {
    notify(error.message);
    $("#code-input").focus();
  }
}

function nextHearing(hearings) {
  const now = Date.now();
  return hearings
    .filter((h) => !ENDED.has(h.state) && new Date(h.scheduled_end).getTime() > now)
    .sort((a, b) => new Date(a.scheduled_start) - new Date(b.scheduled_start))[0] || null;
}

async function showTrack(caseId) {
  const zone = viewerZone();
  const [found, listed] = await Promise.all([
    api(`/api/cases/${caseId}`),
    api(`/api/cases/${caseId}/hearings?tz=${encodeURIComponent(zone)}`),
  ]);
  view.caseId = caseId;
  $("#track-number").textContent = found.number;
  $("#track-state").textContent = tr(`state.${found.state}`);
  const hearing = nextHearing(listed.hearings);
  view.hearingId = hearing ? hearing.id : null;
  const box = $("#track-hearing");
  box.replaceChildren();
  const line = document.createElement("p");
  if (hearing) {
    line.textContent = tr("kiosk.next_hearing", { time: when(hearing.scheduled_start, zone) });
    const state = document.createElement("p");
    state.className = "hint";
    state.textContent = hearing.state_label;
    box.append(line, state);
  } else {
    line.textContent = tr("kiosk.no_hearing");
    box.append(line);
  }
  $("#track-join").hidden = !hearing;
  show("track");
}

/** Forget the case that was open: its code, number, state and hearing. */
export function clearTrack() {
  $("#code-input").value = "";
  for (const id of ["#track-number", "#track-state"]) $(id).textContent = "";
  $("#track-hearing").replaceChildren();
  $("#track-join").hidden = true;
  view.caseId = null;
  view.hearingId = null;
}
