// The village terminal's shared state and screen helpers: one screen shows at a time, notices
// and announcements, and what a screen does when the villager leaves it (kiosk.js wires it).
export const $ = (selector) => document.querySelector(selector);

export const params = new URLSearchParams(location.search);
export const IDLE_SECONDS = Math.max(3, Number(params.get("idle")) || 120);

export const view = {
  screen: "start", lastInput: Date.now(), afterIntake: null, caseId: null, hearingId: null,
};

const leaving = new Map(); // screen id -> what to stop when it is left (camera, microphone)

/** Run `stop()` whenever the screen `id` is left (for another screen or a reset). */
export function onLeave(id, stop) { leaving.set(id, stop); }

export function show(id) {
  if (view.screen !== id && leaving.has(view.screen)) leaving.get(view.screen)();
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = screen.id !== id;
  view.screen = id;
  hideNotice();
  const heading = document.querySelector(`#${id} h2`);
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

export function notify(message) {
  const notice = $("#notice");
  notice.textContent = message;
  notice.hidden = false;
}

export function hideNotice() { $("#notice").hidden = true; $("#notice").textContent = ""; }

export function announce(message) {
  const live = $("#live");
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 50);
}
