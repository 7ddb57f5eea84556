// A hearing joined at the village terminal comes back to the terminal, logged out: a shared
// screen must never leave the last villager's session open, nor offer "join again" to the
// next one. The terminal opens the hearing as /hearing?id=N&kiosk=1 (kioskHearingUrl); the
// hearing page calls watchKioskHearing(), which, only with that marker:
//   - hides "join again", and offers "back to the start" instead;
//   - when the villager leaves, ends the session and goes back to /kiosk at once;
//   - on the ended screen (the hearing closed, the host removed the villager, ...) goes back
//     after ENDED_SECONDS without a touch; on the code screen, or on an error page, after the
//     terminal's idle time (its ?idle=, carried over);
// never while the villager is in the lobby or the hearing room. The terminal remembers its
// intake code itself (localStorage), so /kiosk is all it needs.
import { logout } from "./api.js";
import { tr } from "./i18n.js";

const MARK = "kiosk";
const ENDED_SECONDS = 10; // enough to read "the mediation is over"
const WARN_SECONDS = 15; // the countdown shows this long before going back
const TOUCHES = ["pointerdown", "keydown", "input", "touchstart", "wheel"];

const params = new URLSearchParams(location.search);
let leaving = false;

/** Whether this page was opened from the village terminal. */
export function fromKiosk() { return params.get(MARK) === "1"; }

/** The hearing's address as the terminal opens it (called on /kiosk, with its own ?idle=). */
export function kioskHearingUrl(hearingId) {
  const query = new URLSearchParams({ id: String(hearingId), [MARK]: "1" });
  const idle = params.get("idle");
  if (idle) query.set("idle", idle);
  return `/hearing?${query}`;
}

function kioskUrl() {
  const idle = params.get("idle");
  return idle ? `/kiosk?${new URLSearchParams({ idle })}` : "/kiosk";
}

/** End the villager's session and go back to the terminal's start (once). */
export async function backToKiosk() {
  if (leaving) return;
  leaving = true;
  await logout();
  location.replace(kioskUrl());
}

/** On the hearing page: send the villager back to the terminal when it is over (see above). */
export function watchKioskHearing() {
  if (!fromKiosk()) return;
  const byId = (id) => document.getElementById(id);
  const idleSeconds = Math.max(3, Number(params.get("idle")) || 120);
  byId("rejoin").hidden = true; // the next villager must not walk into this hearing
  byId("leave").addEventListener("click", () => backToKiosk());

  const box = document.createElement("div");
  box.className = "kiosk-return";
  box.hidden = true;
  const note = document.createElement("p");
  note.id = "kiosk-return-note";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary";
  button.dataset.i18n = "kiosk.return_now";
  button.textContent = tr("kiosk.return_now");
  button.addEventListener("click", () => backToKiosk());
  box.append(note, button);

  let lastInput = Date.now();
  const touched = () => { lastInput = Date.now(); };
  for (const type of TOUCHES) {
    document.addEventListener(type, touched, { capture: true, passive: true });
  }
  let where = "";
  let since = Date.now();
  const place = () => {
    for (const id of ["room", "ended", "enter"]) if (!byId(id).hidden) return id;
    return byId("alert").hidden ? "" : "alert"; // "": still loading
  };
  const tick = () => {
    const now = place();
    if (now !== where) { // a new screen: its countdown starts now
      where = now;
      since = Date.now();
      if (now === "alert") byId("alert").after(box);
      else if (now === "ended" || now === "enter") byId(now).append(box);
    }
    box.hidden = now === "room" || now === "";
    if (box.hidden) return;
    const limit = now === "ended" ? Math.min(ENDED_SECONDS, idleSeconds) : idleSeconds;
    const left = Math.ceil(limit - (Date.now() - Math.max(lastInput, since)) / 1000);
    if (left <= 0) { backToKiosk(); return; }
    note.hidden = now !== "ended" && left > WARN_SECONDS;
    note.textContent = tr("kiosk.return_in", { seconds: left });
  };
  const screens = new MutationObserver(tick);
  for (const id of ["room", "ended", "enter", "alert"]) {
    screens.observe(byId(id), { attributes: true, attributeFilter: ["hidden"] });
  }
  setInterval(tick, 1000);
  tick();
}
