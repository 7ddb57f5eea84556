// Applying for mediation at the terminal: five short steps (who, the other side, what
// happened, the request, a photo), then a printable slip with the personal code and its QR.
import { api, upload } from "./api.js";
import { tr, viewerZone } from "./i18n.js";
import { storedIntake } from "./kiosk-intake.js";
import { $, announce, notify, show, view } from "./kiosk-ui.js";

const STEPS = ["apply-who", "apply-other", "apply-what", "apply-ask"];
let busy = false;

export function startApply() {
  clearApplication();
  if (!storedIntake()) { view.afterIntake = "apply-who"; show("intake"); return; }
  show("apply-who");
}

/** Whether the fields of `section` are filled in; if not, says so and focuses the first. */
export function stepValid(section) {
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

export async function submitApplication(form) {
  if (busy) return;
  for (const id of STEPS) {
    const section = document.getElementById(id);
    if (!stepValid(section)) { show(id); stepValid(section); return; }
  }
  busy = true;
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
    clearPhoto();
    show("slip");
    announce(tr("ui.filed"));
  } catch (error) {
    notify(error.message);
  } finally {
    busy = false;
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

/** The chosen photo's name and preview (an object URL, revoked when replaced or cleared). */
export function showPhoto() {
  const photo = $("#photo").files[0];
  const preview = $("#photo-preview");
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  $("#photo-name").textContent = photo ? photo.name : "";
  preview.hidden = !photo;
  if (photo) {
    preview.src = URL.createObjectURL(photo);
    preview.alt = tr("kiosk.photo_preview");
  } else {
    preview.removeAttribute("src");
    preview.alt = "";
  }
}

/** Forget the photo: the file field, its name and its preview (the object URL revoked). */
export function clearPhoto() {
  $("#photo").value = "";
  showPhoto();
}

/** Forget the application and its slip: nothing of the last villager stays in the page. */
export function clearApplication() {
  $("#apply-form").reset();
  for (const field of $("#apply-form").querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
  }
  clearPhoto();
  $("#apply-progress").hidden = true;
  for (const id of ["#slip-number", "#slip-code", "#slip-court", "#slip-evidence"]) {
    $(id).textContent = "";
  }
  $("#slip-qr").replaceChildren();
}
