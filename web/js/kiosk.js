// The village terminal: apply for mediation (ending with a printable slip), or follow a case
// with a personal code and join its hearing after a camera/microphone/network self-test.
// Idle screens reset themselves: the next villager never sees the last one's case.
import { api, logout, upload } from "./api.js";
import { bindLanguageSwitch, loadLanguage, onLanguageChange, tr, viewerZone, when } from "./i18n.js";
import { buildKeypad, cleanCode, codeFromScan, groupCode } from "./keypad.js";
import { checkMedia, checkNetwork } from "./selftest.js";

const CATEGORIES = ["rent", "wages", "family", "neighbours", "traffic", "contract", "loan",
  "property", "other"];
const INTAKE_KEY = "kiosk.intake";
const params = new URLSearchParams(location.search);
const IDLE_SECONDS = Math.max(3, Number(params.get("idle")) || 120);
const ENDED = new Set(["closed", "cancelled"]);

const $ = (selector) => document.querySelector(selector);
const view = {
  screen: "start", lastInput: Date.now(), afterIntake: null, categories: CATEGORIES,
  caseId: null, hearingId: null, media: null, scanning: null, busy: false,
};

// --- screens and notices ------------------------------------------------------------------

function show(id) {
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = screen.id !== id;
  view.screen = id;
  hideNotice();
  const heading = document.querySelector(`#${id} h2`);
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function notify(message) {
  const notice = $("#notice");
  notice.textContent = message;
  notice.hidden = false;
}

function hideNotice() { $("#notice").hidden = true; $("#notice").textContent = ""; }

function announce(message) {
  const live = $("#live");
  live.textContent = "";
  setTimeout(() => { live.textContent = message; }, 50);
}

// --- the terminal's intake code -------------------------------------------------------------

function storedIntake() {
  try { return localStorage.getItem(INTAKE_KEY) || ""; } catch { return ""; }
}

async function useIntake(raw) {
  const code = cleanCode(raw, 8);
  const found = await api(`/api/intake/${encodeURIComponent(groupCode(code))}`);
  try { localStorage.setItem(INTAKE_KEY, groupCode(code)); } catch { /* storage disabled */ }
  $("#place").textContent = found.microcourt;
  if (found.categories && found.categories.length) view.categories = found.categories;
  renderCategories();
  return found;
}

function renderCategories() {
  const box = $("#categories");
  const checked = box.querySelector("input:checked");
  box.replaceChildren(...view.categories.map((category, index) => {
    const label = document.createElement("label");
    label.className = "radio";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "category";
    input.value = category;
    input.required = index === 0;
    input.checked = checked ? checked.value === category : false;
    const text = document.createElement("span");
    text.textContent = tr(`category.${category}`);
    label.append(input, text);
    return label;
  }));
}

// --- apply for mediation ----------------------------------------------------------------------

function startApply() {
  $("#apply-form").reset();
  $("#photo-name").textContent = "";
  $("#photo-preview").hidden = true;
  if (!storedIntake()) { view.afterIntake = "apply-who"; show("intake"); return; }
  show("apply-who");
}

function stepValid(section) {
  const fields = [...section.querySelectorAll("input, textarea")].filter((f) => f.type !== "file");
  for (const field of fields) field.removeAttribute("aria-invalid");
  const bad = fields.find((field) => !field.checkValidity() || (field.required && !field.value.trim()));
  if (!bad) return true;
  bad.setAttribute("aria-invalid", "true");
  notify(tr(bad.type === "radio" ? "kiosk.pick_one" : "kiosk.required"));
  bad.focus();
  return false;
}

function filing(form) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) || "").trim();
  const phone = (name) => text(name).slice(0, 40);
  return {
    intake_code: storedIntake(),
    category: text("category"),
    applicant: { name: text("applicant.name"), phone: phone("applicant.phone"),
      language: document.documentElement.lang === "en" ? "en" : "zh-CN", timezone: viewerZone() },
    respondent: { name: text("respondent.name"), phone: phone("respondent.phone") },
    facts: text("facts"),
    claims: text("claims"),
  };
}

async function submitApplication(form) {
  if (view.busy) return;
  for (const id of ["apply-who", "apply-other", "apply-what", "apply-ask"]) {
    const section = document.getElementById(id);
    if (!stepValid(section)) { show(id); stepValid(section); return; }
  }
  view.busy = true;
  $("#apply-submit").disabled = true;
  const photo = $("#photo").files[0];
  try {
    const filed = await api("/api/cases", { method: "POST", body: filing(form) });
    $("#slip-number").textContent = filed.number;
    $("#slip-code").textContent = filed.applicant.code;
    $("#slip-qr").innerHTML = filed.applicant.qr_svg; // SVG made by the server (segno)
    $("#slip-court").textContent = $("#place").textContent;
    $("#slip-evidence").textContent = "";
    if (photo) await uploadPhoto(filed, photo);
    form.reset();
    show("slip");
    announce(tr("ui.filed"));
  } catch (error) {
    notify(error.message);
  } finally {
    view.busy = false;
    $("#apply-submit").disabled = false;
    $("#apply-progress").hidden = true;
  }
}

async function uploadPhoto(filed, photo) {
  // The new party session (the applicant's code) is what may add evidence.
  await api("/api/session", { method: "POST", body: { code: filed.applicant.code } });
  const bar = $("#apply-progress");
  bar.hidden = false;
  bar.value = 0;
  const body = new FormData();
  body.append("description", tr("kiosk.photo_description"));
  body.append("file", photo, photo.name || "photo.jpg");
  try {
    await upload(`/api/cases/${filed.case_id}/evidence`, body, (done) => { bar.value = done; });
    $("#slip-evidence").textContent = tr("kiosk.photo_uploaded", { name: photo.name });
  } catch (error) {
    $("#slip-evidence").textContent = tr("kiosk.photo_failed", { message: error.message });
  }
}

// --- I have a code ----------------------------------------------------------------------------

async function openCode(raw) {
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

// --- QR scanning (only where the browser has BarcodeDetector) ---------------------------------

async function startScan() {
  const video = $("#scan-video");
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    video.srcObject = stream;
    await video.play();
    $("#scanner").hidden = false;
    const timer = setInterval(async () => {
      try {
        const [found] = await detector.detect(video);
        if (!found) return;
        stopScan();
        $("#code-input").value = groupCode(codeFromScan(found.rawValue));
        await openCode($("#code-input").value);
      } catch { /* no frame yet */ }
    }, 300);
    view.scanning = { stream, timer };
  } catch (error) {
    notify(tr("kiosk.scan_failed"));
  }
}

function stopScan() {
  if (!view.scanning) return;
  clearInterval(view.scanning.timer);
  for (const track of view.scanning.stream.getTracks()) track.stop();
  $("#scan-video").srcObject = null;
  $("#scanner").hidden = true;
  view.scanning = null;
}

// --- self-test before joining -----------------------------------------------------------------

function mark(id, result, extra = "") {
  const item = document.getElementById(id);
  item.dataset.result = result;
  item.querySelector(".result").textContent = tr(`kiosk.result.${result}`) + extra;
}

async function runCheck() {
  stopMedia();
  for (const id of ["check-camera", "check-mic", "check-network"]) mark(id, "testing");
  $("#check-verdict").textContent = tr("kiosk.checking");
  const [network, media] = await Promise.all([
    checkNetwork(),
    checkMedia($("#check-video"), (level) => { $("#mic-level").value = level; }),
  ]);
  if (view.screen !== "check") { media.stop(); return; }
  view.media = media;
  media.meter = setInterval(() => { $("#mic-level").value = media.level(); }, 150);
  mark("check-camera", media.camera);
  mark("check-mic", media.mic);
  mark("check-network", network.result, network.ms === null ? "" : ` (${network.ms} ms)`);
  const results = [media.camera, media.mic, network.result];
  const verdict = results.includes("fail") ? "fail" : results.includes("weak") ? "weak" : "ok";
  $("#check-verdict").dataset.result = verdict;
  $("#check-verdict").textContent = tr(`kiosk.verdict.${verdict}`);
}

function stopMedia() {
  if (view.media) { clearInterval(view.media.meter); view.media.stop(); view.media = null; }
}

// --- call staff, idle reset -------------------------------------------------------------------

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

async function resetTerminal() {
  stopMedia();
  stopScan();
  $("#apply-form").reset();
  for (const id of ["#code-input", "#intake-input"]) $(id).value = "";
  for (const id of ["#slip-number", "#slip-code", "#slip-evidence", "#track-number", "#track-state"]) {
    $(id).textContent = "";
  }
  $("#slip-qr").replaceChildren();
  $("#track-hearing").replaceChildren();
  $("#staff-called").hidden = true;
  view.caseId = null;
  view.hearingId = null;
  await logout();
  if (document.documentElement.lang !== "zh-CN") await loadLanguage("zh-CN");
  show("start");
  announce(tr("kiosk.reset"));
}

function watchIdle() {
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

// --- wiring -----------------------------------------------------------------------------------

function wire() {
  for (const pad of document.querySelectorAll(".keypad")) {
    buildKeypad(pad, document.getElementById(pad.dataset.for));
  }
  document.addEventListener("click", (event) => {
    const go = event.target.closest("[data-go]");
    if (go) {
      event.preventDefault();
      if (go.dataset.go === "apply-who" && go.closest("#start")) { startApply(); return; }
      if (go.dataset.go === "track") stopMedia();
      if (go.dataset.go === "start") stopScan();
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
  $("#apply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitApplication(event.target);
  });
  $("#photo").addEventListener("change", () => {
    const photo = $("#photo").files[0];
    $("#photo-name").textContent = photo ? photo.name : "";
    const preview = $("#photo-preview");
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.hidden = !photo;
    if (photo) { preview.src = URL.createObjectURL(photo); preview.alt = tr("kiosk.photo_preview"); }
  });
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
    stopMedia();
    if (view.hearingId !== null) location.assign(`/hearing?id=${view.hearingId}`);
  });
  $("#call-staff").addEventListener("click", callStaff);
  $("#staff-called-ok").addEventListener("click", closeStaffCall);
  $("#staff-called").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeStaffCall();
  });
  if ("BarcodeDetector" in window) {
    $("#scan").hidden = false;
    $("#scan").addEventListener("click", startScan);
    $("#scan-stop").addEventListener("click", stopScan);
  }
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
  await logout(); // a terminal starts with no one's session
  watchIdle();
  show("start");
  document.body.dataset.ready = "true";
}

main();
