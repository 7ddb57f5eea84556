// The party page's hearing: the one an invitation link names (/party?hearing=N), else the next
// one, in the viewer's own time zone, with the link to join it and its .ics.
import { el } from "./console-util.js";
import { tr, viewerZone, when } from "./i18n.js";

const ENDED = new Set(["closed", "cancelled"]);

/** The hearing the address names (?hearing=N), or 0. */
export function invitedHearing() {
  const id = Number(new URLSearchParams(location.search).get("hearing"));
  return Number.isInteger(id) && id > 0 ? id : 0;
}

function nextHearing(hearings) {
  const now = Date.now();
  return hearings
    .filter((h) => !ENDED.has(h.state) && new Date(h.scheduled_end).getTime() > now)
    .sort((a, b) => new Date(a.scheduled_start) - new Date(b.scheduled_start))[0] || null;
}

/**
 * Fill `box` with the invited hearing when it is one of `hearings` and still open, else the
 * next one. Returns what was shown: "invited", "invited_ended" (the invited one is over;
 * the next, if any, is shown), "not_found" (the link names another case's hearing), "next"
 * or "none".
 */
export function renderHearing(box, hearings, invitedId) {
  const invited = invitedId ? hearings.find((h) => h.id === invitedId) || null : null;
  const open = invited && !ENDED.has(invited.state);
  const hearing = open ? invited : nextHearing(hearings);
  let outcome = hearing ? "next" : "none";
  if (invitedId) outcome = open ? "invited" : invited ? "invited_ended" : "not_found";
  const notes = [];
  if (outcome === "invited") notes.push(el("p", { class: "invited", text: tr("party.invited_this") }));
  if (outcome === "invited_ended") {
    notes.push(el("p", { class: "invited", text: tr("party.invited_ended",
      { state: invited.state_label }) }));
  }
  if (!hearing) {
    box.replaceChildren(...notes, el("p", { text: tr("party.no_hearing") }));
    return outcome;
  }
  const zone = viewerZone();
  box.replaceChildren(...notes,
    el("p", { class: "hearing-title", text: hearing.title }),
    el("p", { id: "hearing-time", class: "when",
      text: `${when(hearing.scheduled_start, zone)} (${zone})` }),
    el("p", { text: `${tr("party.hearing_state")}: ${hearing.state_label} · `
      + tr("party.minutes", { minutes: hearing.duration_minutes }) }),
    el("div", { class: "row" },
      el("a", { class: "button", href: `/hearing?id=${hearing.id}`, id: "join",
        "aria-describedby": "hearing-time", text: tr("party.join") }),
      el("a", { class: "button secondary", href: hearing.invitation_url, id: "ics",
        download: `hearing-${hearing.id}.ics`, text: tr("party.ics") })),
  );
  return outcome;
}
