// A shared terminal forgets the last villager: "done", or nobody touching the screen for
// IDLE_SECONDS (with a warning before), ends the session, clears every screen and goes back
// to the start in Chinese.
import { api, logout, restoreSession, setCsrf } from "./api.js";
import { loadLanguage, tr } from "./i18n.js";
import { clearApplication } from "./kiosk-apply.js";
import { stopMedia } from "./kiosk-check.js";
import { clearTrack } from "./kiosk-code.js";
import { stopScan } from "./kiosk-scan.js";
import { $, announce, IDLE_SECONDS, show, view } from "./kiosk-ui.js";

/**
 * End whatever session this browser holds. A page that did not open the session does not
 * know its CSRF token (the logout is refused): it asks for it (/api/me), then logs out.
 */
export async function endSession() {
  try {
    await api("/api/logout", { method: "POST" });
  } catch (error) { // 403: a session, but not its token; else none, or no network
    if (error.status === 403 && await restoreSession().catch(() => null)) await logout();
  }
  setCsrf("");
}

export async function resetTerminal() {
  stopMedia();
  stopScan();
  clearApplication();
  clearTrack();
  $("#intake-input").value = "";
  $("#staff-called").hidden = true;
  await endSession();
  if (document.documentElement.lang !== "zh-CN") await loadLanguage("zh-CN");
  show("start");
  announce(tr("kiosk.reset"));
}

export function watchIdle() {
  const touched = () => { view.lastInput = Date.now(); };
  for (const type of ["pointerdown", "keydown", "input", "touchstart", "wheel"]) {
    document.addEventListener(type, touched, { capture: true, passive: true });
  }
  const warning = $("#idle-warning");
  const warnFor = Math.min(15, Math.floor(IDLE_SECONDS / 3));
  setInterval(() => {
    const idle = (Date.now() - view.lastInput) / 1000;
    const busy = view.screen !== "start" || view.caseId !== null;
    const left = Math.ceil(IDLE_SECONDS - idle);
    warning.hidden = !busy || left > warnFor || left <= 0;
    if (!warning.hidden) warning.textContent = tr("kiosk.idle_warning", { seconds: left });
    if (idle >= IDLE_SECONDS && busy) {
      view.lastInput = Date.now();
      warning.hidden = true;
      resetTerminal();
    }
  }, 1000);
}
