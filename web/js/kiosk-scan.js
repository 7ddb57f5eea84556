// Scanning the QR code on the slip with the terminal's camera: camera -> <video> -> frames
// read by the browser's BarcodeDetector where it reads QR codes, else by jsQR (vendored as
// web/vendor/jsQR.js, a classic script setting window.jsQR, loaded the first time it is
// needed; Chromium on Linux has no BarcodeDetector). Only a personal-code link or a bare code
// is taken (keypad.js codeFromScan). The camera stops when the scan ends or the screen is left.
import { tr } from "./i18n.js";
import { codeFromScan } from "./keypad.js";
import { $, notify, onLeave } from "./kiosk-ui.js";

const JSQR_URL = "/static/vendor/jsQR.js";
const EVERY_MS = 200; // between two frames read
const MAX_WIDTH = 640; // frames are read at most this wide (jsQR's cost grows with pixels)

let scan = null; // the scan under way: { stream, timer, stopped, warned }
let jsqrLoading = null;

/** Whether this browser can open a camera at all (the scan button shows only then). */
export function canScan() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

function loadJsQR() {
  if (typeof window.jsQR === "function") return Promise.resolve(window.jsQR);
  jsqrLoading ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = JSQR_URL;
    script.addEventListener("load", () => resolve(window.jsQR));
    script.addEventListener("error", () => {
      script.remove();
      jsqrLoading = null;
      reject(new Error("jsQR"));
    });
    document.head.append(script);
  });
  return jsqrLoading;
}

/** The browser's own QR reader: `read(video)` -> the text of a QR in view, or "". */
async function nativeReader() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return async (video) => {
      const [found] = await detector.detect(video);
      return found ? found.rawValue : "";
    };
  } catch {
    return null;
  }
}

/** jsQR on the video's current frame, drawn into a canvas: `read(video)` -> text or "". */
async function jsqrReader() {
  const decode = await loadJsQR();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth || !video.videoHeight) return ""; // no frame yet
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.drawImage(video, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    const found = decode(data, width, height, { inversionAttempts: "dontInvert" });
    return found ? found.data : "";
  };
}

/** Open the camera and read QR codes until one holds a personal code: `onCode(code)`. */
export async function startScan(onCode) {
  if (scan) return;
  const current = { stream: null, timer: null, stopped: false, warned: false };
  scan = current;
  const video = $("#scan-video");
  $("#scan").hidden = true;
  $("#scanner").hidden = false;
  $("#scan-stop").focus();
  let read;
  try {
    read = (await nativeReader()) || (await jsqrReader());
  } catch {
    if (!current.stopped) { stopScan(); notify(tr("kiosk.scan_unavailable")); }
    return;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false, video: { facingMode: "environment", width: { ideal: 1280 } },
    });
    if (current.stopped) { for (const track of stream.getTracks()) track.stop(); return; }
    current.stream = stream;
    video.srcObject = stream;
    await video.play();
  } catch {
    if (!current.stopped) { stopScan(); notify(tr("kiosk.scan_failed")); }
    return;
  }
  const tick = async () => {
    if (current.stopped) return;
    let text = "";
    try { text = await read(video); } catch { /* no frame yet */ }
    if (current.stopped) return;
    const code = text ? codeFromScan(text) : "";
    if (code) { stopScan(); onCode(code); return; }
    if (text && !current.warned) { current.warned = true; notify(tr("kiosk.scan_not_code")); }
    current.timer = setTimeout(tick, EVERY_MS);
  };
  tick();
}

/** End the scan under way (if any): the camera off, the picture gone. */
export function stopScan() {
  if (!scan) return;
  const current = scan;
  scan = null;
  current.stopped = true;
  clearTimeout(current.timer);
  if (current.stream) for (const track of current.stream.getTracks()) track.stop();
  const video = $("#scan-video");
  video.pause();
  video.srcObject = null;
  const hadFocus = $("#scanner").contains(document.activeElement);
  $("#scanner").hidden = true;
  $("#scan").hidden = !canScan();
  if (hadFocus) $("#scan").focus();
}

onLeave("code", stopScan);
