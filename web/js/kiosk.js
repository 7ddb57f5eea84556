// The village terminal: apply for mediation (ending with a printable slip), or follow a case
// with a personal code (typed, tapped or scanned) and join its hearing after a camera,
// microphone and network self-test. Idle screens reset themselves, and a hearing joined here
// comes back here logged out (kiosk-return.js): the next villager never sees the last one's
// case. Screens: kiosk-ui.js; intake code: kiosk-intake.js; applying: kiosk-apply.js; the
// code: kiosk-code.js; scanning: kiosk-scan.js; self-test: kiosk-check.js; reset: kiosk-idle.js.
import { bindLanguageSwitch, loadLanguage, onLanguageChange } from "./i18n.js";
import { buildKeypad, groupCode } from "./keypad.js";
import {
  clearApplication, showPhoto, startApply, stepValid, submitApplication,
} from "./kiosk-apply.js";
import { runCheck, stopMedia } from "./kiosk-check.js";
import { openCode } from "./kiosk-code.js";
import { endSession, resetTerminal, watchIdle } from "./kiosk-idle.js";
import { renderCategories, storedIntake, useIntake } from "./kiosk-intake.js";
import { kioskHearingUrl } from "./kiosk-return.js";
import { canScan, startScan, stopScan } from "./kiosk-scan.js";
import { $, notify, params, show, view } from "./kiosk-ui.js";

// --- call staff -------------------------------------------------------------------------------

function callStaff() {
  $("#staff-called").hidden = false;
  $("#staff-called-ok").focus();
  try { // a short chime so the staff in the room hear it
    const context = new AudioContext();
    const tone = context.createOscillator();
    tone.frequency.value = 880;
    tone.connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.4);
    tone.addEventListener("ended", () => context.close());
  } catch { /* no audio */ }
}

function closeStaffCall() {
  $("#staff-called").hidden = true;
  $("#call-staff").focus();
}

// --- wiring -----------------------------------------------------------------------------------

function scanned(code) {
  $("#code-input").value = groupCode(code);
  openCode(code); // as if typed
}

function wire() {
  for (const pad of document.querySelectorAll(".keypad")) {
    buildKeypad(pad, document.getElementById(pad.dataset.for));
  }
  document.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (go) {
      event.preventDefault();
      if (go.dataset.go === "apply-who" && go.closest("#start")) { startApply(); return; }
      if (go.dataset.go === "start") clearApplication(); // back at the start: nothing kept
      show(go.dataset.go);
      return;
    }
    const next = event.target.closest("[data-next]");
    if (next && stepValid(next.closest(".screen"))) show(next.dataset.next);
  });
  $("#intake-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await useIntake($("#intake-input").value);
      show(view.afterIntake || "start");
    } catch (error) { notify(error.message); }
  });
  // Enter in a field of a step goes to the next step, as its button does (not the whole
  // form submitted from the first step, stopping at the next one with an error).
  $("#apply-form").addEventListener("keydown", (event) => {
    const next = event.target.closest(".screen")?.querySelector("[data-next]");
    if (event.key !== "Enter" || event.isComposing || !next) return;
    if (!event.target.matches("input:not([type=file])")) return;
    event.preventDefault();
    if (stepValid(next.closest(".screen"))) show(next.dataset.next);
  });
  $("#apply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitApplication(event.target);
  });
  $("#photo").addEventListener("change", showPhoto);
  $("#print").addEventListener("click", () => window.print());
  $("#slip-done").addEventListener("click", () => resetTerminal());
  $("#track-done").addEventListener("click", () => resetTerminal());
  $("#code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    openCode($("#code-input").value);
  });
  $("#track-join").addEventListener("click", () => { show("check"); runCheck(); });
  $("#check-again").addEventListener("click", () => runCheck());
  $("#check-join").addEventListener("click", () => {
    if (view.hearingId === null) return;
    stopMedia(); // the hearing page opens the camera and microphone itself
    location.assign(kioskHearingUrl(view.hearingId));
  });
  $("#call-staff").addEventListener("click", callStaff);
  $("#staff-called-ok").addEventListener("click", closeStaffCall);
  $("#staff-called").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeStaffCall();
    // A modal dialog keeps the focus: its one button is all Tab reaches.
    if (event.key === "Tab") { event.preventDefault(); $("#staff-called-ok").focus(); }
  });
  $("#scan").hidden = !canScan();
  $("#scan").addEventListener("click", () => startScan(scanned));
  $("#scan-stop").addEventListener("click", stopScan);
  bindLanguageSwitch($("#lang"));
  onLanguageChange(() => renderCategories());
}

async function main() {
  wire();
  await loadLanguage(params.get("lang") || "zh-CN");
  renderCategories();
  const fromUrl = params.get("intake");
  const intake = fromUrl || storedIntake();
  if (fromUrl) { // remembered for the terminal; keep it out of the address bar
    const rest = new URLSearchParams(params);
    rest.delete("intake");
    history.replaceState(null, "", location.pathname + (rest.size ? `?${rest}` : ""));
  }
  if (intake) {
    try { await useIntake(intake); } catch (error) { notify(error.message); }
  }
  await endSession(); // a terminal starts with no one's session
  // Back from another page (the browser's back button) the terminal may be shown as it was
  // left: reset it.
  window.addEventListener("pageshow", (event) => { if (event.persisted) resetTerminal(); });
  watchIdle();
  show("start");
  document.body.dataset.ready = "true";
}

main();
