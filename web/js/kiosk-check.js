// The self-test before joining a hearing: camera, microphone (with a live level meter) and
// network, each "ok", "weak" or "fail", and a verdict. The devices stop when the screen is left.
import { tr } from "./i18n.js";
import { $, onLeave, view } from "./kiosk-ui.js";
import { checkMedia, checkNetwork } from "./selftest.js";

let media = null;
let running = false; // one self-test at a time ("test again" tapped twice runs it once)

function mark(id, result, extra = "") {
  const item = document.getElementById(id);
  item.dataset.result = result;
  item.querySelector(".result").textContent = tr(`kiosk.result.${result}`) + extra;
}

export async function runCheck() {
  if (running) return;
  running = true;
  try { await check(); } finally { running = false; }
}

async function check() {
  stopMedia();
  for (const id of ["check-camera", "check-mic", "check-network"]) mark(id, "testing");
  delete $("#check-verdict").dataset.result;
  $("#check-verdict").textContent = tr("kiosk.checking");
  const [network, opened] = await Promise.all([
    checkNetwork(),
    checkMedia($("#check-video"), (level) => { $("#mic-level").value = level; }),
  ]);
  if (view.screen !== "check") { opened.stop(); return; }
  media = opened;
  media.meter = setInterval(() => { $("#mic-level").value = media.level(); }, 150);
  mark("check-camera", media.camera);
  mark("check-mic", media.mic);
  mark("check-network", network.result, network.ms === null ? "" : ` (${network.ms} ms)`);
  const results = [media.camera, media.mic, network.result];
  const verdict = results.includes("fail") ? "fail" : results.includes("weak") ? "weak" : "ok";
  $("#check-verdict").dataset.result = verdict;
  $("#check-verdict").textContent = tr(`kiosk.verdict.${verdict}`);
}

export function stopMedia() {
  if (media) { clearInterval(media.meter); media.stop(); media = null; }
  $("#mic-level").value = 0;
}

onLeave("check", stopMedia);
