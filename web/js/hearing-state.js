// The hearing view's shared state and small helpers (hearing.js wires them together).
import { tr } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

export const app = {
  hearingId: Number(new URLSearchParams(location.search).get("id")),
  socket: null,
  link: null,
  stream: null,
  state: null,
  slots: {},  // tile -> participant id (what renderTiles draws)
  mediaSlots: {},  // the server's last `media` slots
  micOn: true,
  camOn: true,
  audioOnly: false,
  needOffer: false,
  heartbeat: null,
  qualityTimer: null,
  ending: "",
  chosen: new Set(),
  myQuality: null,
};

// --- small helpers ---------------------------------------------------------------------------

export function announce(text) {
  const el = $("announce");
  el.textContent = "";
  setTimeout(() => { el.textContent = text; }, 30);
}

export function showAlert(text) {
  const el = $("alert");
  el.textContent = text || "";
  el.hidden = !text;
}

export function call(event, payload = {}) {
  return new Promise((resolve, reject) => {
    if (!app.socket) { reject(new Error(tr("hv.not_connected"))); return; }
    app.socket.timeout(15000).emit(event, payload, (err, ack) => {
      if (err) reject(new Error(tr("hv.no_answer")));
      else if (!ack || !ack.ok) reject(new Error(ack?.error?.message || tr("hv.no_answer")));
      else resolve(ack);
    });
  });
}

export async function act(event, payload) {
  try { await call(event, payload); showAlert(""); } catch (error) { showAlert(error.message); }
}

export function screen(name) {
  $("enter").hidden = name !== "enter";
  $("ended").hidden = name !== "ended";
  $("room").hidden = name !== "room";
}
