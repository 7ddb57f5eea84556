// The hearing view (/hearing?id=N) for every role: socket.io signaling on "/hearing" and one
// peer connection to the media hub (docs/protocol.md). State and helpers: hearing-state.js;
// drawing: hearing-render.js; the chair's controls: hearing-host.js; media: hearing-media.js
// (the embedded hub) or hearing-janus.js (when `state.media` is "janus").
import { io } from "/static/vendor/socket.io.esm.min.js";
import { api, restoreSession } from "./api.js";
import { mountEvidence } from "./hearing-evidence.js";
import { JanusLink } from "./hearing-janus.js";
import { Link, openDevices } from "./hearing-media.js";
import { addChat, makeTiles, render, renderQuality, renderTiles } from "./hearing-render.js";
import { $, act, announce, app, call, screen, showAlert } from "./hearing-state.js";
import { bindLanguageSwitch, currentLang, loadLanguage, onLanguageChange, tr } from "./i18n.js";
import { watchKioskHearing } from "./kiosk-return.js";

const QUALITY_SECONDS = 5;
const ENDING = new Set(["signal_removed", "signal_replaced", "hearing_closed"]);

// --- media -----------------------------------------------------------------------------------

function closeLink() {
  if (app.link) app.link.close();
  app.link = null;
  for (const video of $("tiles").querySelectorAll("li[data-mid] video")) video.srcObject = null;
}

async function startMedia(iceServers) {
  closeLink();
  const Media = app.state?.media === "janus" ? JanusLink : Link;
  const link = new Media({
    iceServers,
    stream: app.stream,
    onAudio: (track) => {
      const audio = $("mix");
      audio.srcObject = new MediaStream([track]);
      // The browser may refuse sound before a tap: then one button turns it on.
      audio.play().then(() => { $("sound-on").hidden = true; })
        .catch(() => { $("sound-on").hidden = false; });
    },
    onVideo: (mid, track) => {
      const tile = $("tiles").querySelector(`li[data-mid="${mid}"]`);
      if (!tile) return;
      const video = tile.querySelector("video");
      video.srcObject = new MediaStream([track]);
      video.play().catch(() => {});
    },
    onTiles: showSlots,
    onState: (state) => {
      renderQuality();
      if (state === "connected") setTimeout(sendQuality, 1500);  // the first sample soon
      if (state !== "failed") return;
      showAlert(tr("hv.media_failed"));
      // The hub dropped this peer connection: offer a new one while the socket is up, with
      // the latest state's ICE servers (TURN credentials expire: the first ones may be stale).
      setTimeout(() => {
        if (app.link === link && app.socket?.connected) {
          startMedia(app.state?.ice_servers ?? iceServers);
        }
      }, 2000);
    },
  });
  app.link = link;
  if (app.audioOnly || !app.camOn) await link.setVideoTrack(null);
  await mediaStep(link, () => link.connect(call));
}

/** One step of `link`'s set-up; a failure is shown unless that link has been replaced. */
async function mediaStep(link, step) {
  try {
    await step();
  } catch (error) {
    if (app.link === link) showAlert(`${tr("hv.media_failed")} ${error.message}`);
  }
}

/** The server's `media` slots, by tile (on Janus the link maps its mids to tiles). */
function showSlots() {
  app.slots = app.link?.tileSlots ? app.link.tileSlots(app.mediaSlots) : app.mediaSlots;
  renderTiles();
}

async function subscribe(offer) {
  const link = app.link;
  if (link?.subscribe) await mediaStep(link, () => link.subscribe(offer, call));
}

async function sendQuality() {
  if (!app.link || !app.socket?.connected) return;
  try {
    const q = await app.link.quality();
    if (!q) return;
    app.myQuality = q;
    renderQuality();
    app.socket.emit("quality", q);
  } catch { /* the next round */ }
}

// --- socket ----------------------------------------------------------------------------------

function stopTimers() {
  clearInterval(app.heartbeat);
  app.heartbeat = null;
}

function connect() {
  app.ending = "";
  const socket = io("/hearing", {
    auth: { hearing_id: app.hearingId, lang: currentLang() },
    transports: ["websocket"],
    forceNew: true,
  });
  app.socket = socket;
  socket.on("connect", () => {
    $("reconnecting").hidden = true;
    app.needOffer = true;
  });
  socket.on("state", (state) => {
    const first = !app.state;
    const before = app.state?.me;
    app.state = state;
    screen("room");
    if (state.state === "closed") { end(tr("hv.closed")); return; }
    if (!app.heartbeat) {
      app.heartbeat = setInterval(() => socket.emit("heartbeat", {}, () => {}),
        Math.max(1, state.heartbeat_seconds) * 1000);
    }
    if (app.needOffer) { app.needOffer = false; startMedia(state.ice_servers); }
    if (!first && before) {
      if (before.room === "lobby" && state.me.room !== "lobby") announce(tr("hv.admitted"));
      if (!before.muted && state.me.muted) announce(tr("hv.you_were_muted"));
      if (before.muted && !state.me.muted) announce(tr("hv.you_were_unmuted"));
      if (!before.room.startsWith("private:") && state.me.room.startsWith("private:")) {
        announce(tr("hv.moved_private"));
      }
    }
    render();
  });
  socket.on("media", (data) => { app.mediaSlots = data.slots || {}; showSlots(); });
  socket.on("janus_offer", subscribe);
  socket.on("chat", addChat);
  socket.on("recording", (data) => announce(tr(data.on ? "hv.recording_on" : "hv.recording_off")));
  socket.on("removed", (data) => { app.ending = "signal_removed"; end(data.message); });
  socket.on("error", (error) => {
    if (ENDING.has(error.code)) { app.ending = error.code; end(error.message); return; }
    if (error.code !== "signal_heartbeat_lost" && error.event !== "quality") showAlert(error.message);
  });
  socket.on("disconnect", (reason) => {
    stopTimers();
    closeLink();
    if (app.ending) return;
    $("reconnecting").hidden = false;
    announce(tr("hv.reconnecting"));
    renderQuality();
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 1000);
  });
  socket.on("connect_error", (err) => {
    const data = err.data;
    if (data && data.code) {  // refused by the server: say why; socket.io does not retry
      $("reconnecting").hidden = true;
      if (data.code === "not_authenticated") {
        app.ending = data.code;
        closeLink();
        screen("enter");
        showAlert(data.message || data.code);
      } else {
        app.ending = data.code;
        end(data.message || data.code);
      }
    } else {
      $("reconnecting").hidden = false;  // the transport failed: socket.io keeps trying
    }
  });
}

function end(message) {
  stopTimers();
  closeLink();
  if (app.socket) { app.socket.removeAllListeners(); app.socket.disconnect(); app.socket = null; }
  $("ended-text").textContent = message || "";
  $("reconnecting").hidden = true;
  app.state = null;
  screen("ended");
  $("ended-h").focus(); // the control that ended it is gone with the room
  announce(message || tr("hv.ended_title"));
}

// --- controls --------------------------------------------------------------------------------

function labelToggles() {
  $("mic").textContent = tr("hv.mic_off");
  $("mic").setAttribute("aria-pressed", String(!app.micOn));
  $("cam").textContent = tr("hv.cam_off");
  $("cam").setAttribute("aria-pressed", String(!app.camOn));
  $("self-video").setAttribute("aria-label", tr("hv.self_preview"));
}

function bindControls() {
  $("mic").addEventListener("click", () => {
    app.micOn = !app.micOn;
    for (const t of app.stream?.getAudioTracks() || []) t.enabled = app.micOn;
    labelToggles();
    announce(tr(app.micOn ? "hv.mic_is_on" : "hv.mic_is_off"));
    render();
  });
  $("cam").addEventListener("click", async () => {
    app.camOn = !app.camOn;
    const track = app.stream?.getVideoTracks()[0] || null;
    if (track) track.enabled = app.camOn;
    if (app.link && !app.audioOnly) await app.link.setVideoTrack(app.camOn ? track : null);
    labelToggles();
    announce(tr(app.camOn ? "hv.cam_is_on" : "hv.cam_is_off"));
    render();
  });
  $("audio-only").addEventListener("click", async () => {
    const on = !app.audioOnly;
    try { await call("audio_only", { on }); } catch (error) { showAlert(error.message); return; }
    app.audioOnly = on;
    const track = app.stream?.getVideoTracks()[0] || null;
    if (app.link) await app.link.setVideoTrack(on || !app.camOn ? null : track);
    $("self-video").hidden = on;
    announce(tr(on ? "hv.audio_only_on" : "hv.audio_only_off"));
    render();
  });
  $("hand").addEventListener("click", async () => {
    const up = !(app.state?.me.hand);
    try { await call("hand", { up }); announce(tr(up ? "hv.hand_up" : "hv.hand_down")); }
    catch (error) { showAlert(error.message); }
  });
  $("sound-on").addEventListener("click", () => {
    $("mix").play().then(() => { $("sound-on").hidden = true; announce(tr("hv.sound_is_on")); })
      .catch(() => {});
  });
  $("leave").addEventListener("click", () => { app.ending = "left"; end(tr("hv.left")); });
  $("rejoin").addEventListener("click", () => { screen("room"); connect(); });
  for (const b of document.querySelectorAll("#host-bar [data-act]")) {
    b.addEventListener("click", () => {
      if (b.dataset.act === "close" && !window.confirm(tr("hv.close_confirm"))) return;
      act(b.dataset.act, {});
    });
  }
  $("record").addEventListener("click", () => act("record", { on: !app.state?.recording }));
  $("low-video").addEventListener("click", () =>
    act("video_profile", { name: app.state?.profile === "low" ? "standard" : "low" }));
  $("private-open").addEventListener("click", async () => {
    const me = app.state?.me;
    if (!me || !app.chosen.size) return;
    const ids = [me.id, ...app.chosen];
    try {
      await call("private_open", { participant_ids: ids });
      app.chosen.clear();
      announce(tr("hv.private_opened"));
    } catch (error) { showAlert(error.message); }
  });
  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("chat-text");
    const text = box.value.trim();
    if (!text) return;
    try { await call("chat", { text }); box.value = ""; } catch (error) { showAlert(error.message); }
  });
  $("chat-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {  // Shift+Enter: new line
      event.preventDefault();
      $("chat-form").requestSubmit();
    }
  });
  $("enter-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = new FormData(event.target).get("code");
    try {
      await api("/api/session", { method: "POST", body: { code } });
      showAlert("");
      await join();
    } catch (error) { showAlert(error.message); }
  });
}

async function loadTitle() {
  try {
    const h = await api(`/api/hearings/${app.hearingId}`);
    $("hearing-title").textContent = [h.case_number, h.title].filter(Boolean).join(" · ");
    document.title = `${tr("hv.title")} · ${h.case_number}`;
  } catch { /* the view works without it */ }
}

async function join() {
  screen("room");
  loadTitle();
  mountEvidence(app.hearingId); // the case's evidence, viewable in the hearing
  if (!app.stream) {
    try {
      app.stream = await openDevices(false);
    } catch {
      showAlert(tr("hv.no_devices"));
    }
  }
  const self = $("self-video");
  self.srcObject = app.stream;
  if (!app.stream || !app.stream.getVideoTracks().length) app.camOn = false;
  labelToggles();
  connect();
  app.qualityTimer = app.qualityTimer || setInterval(sendQuality, QUALITY_SECONDS * 1000);
}

async function main() {
  await loadLanguage();
  bindLanguageSwitch($("lang"));
  makeTiles();
  bindControls();
  watchKioskHearing(); // opened at the village terminal (?kiosk=1): back there, logged out
  labelToggles();
  onLanguageChange(() => {
    labelToggles();
    render();
    if (app.socket) app.socket.auth.lang = currentLang();
  });
  if (!Number.isInteger(app.hearingId) || app.hearingId <= 0) {
    showAlert(tr("hv.no_hearing"));
    return;
  }
  // Staff who log in from here come straight back to this hearing.
  $("staff-console").href = `/console#hearing=${app.hearingId}`;
  const session = await restoreSession().catch(() => null);
  if (!session) { screen("enter"); return; }
  await join();
}

main();
