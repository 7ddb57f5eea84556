// Drawing the hearing view from the server's `state` and `media` events: the video tiles,
// the people list (with the chair's buttons), the banners, the link quality, the chat.
import { keepFocus, memberActions, renderHost } from "./hearing-host.js";
import { SLOTS, level } from "./hearing-media.js";
import { $, act, app } from "./hearing-state.js";
import { currentLang, tr } from "./i18n.js";

// --- tiles -----------------------------------------------------------------------------------

export function makeTiles() {
  const list = $("tiles");
  for (let mid = 1; mid <= SLOTS; mid += 1) {
    const li = document.createElement("li");
    li.className = "tile";
    li.dataset.mid = String(mid);
    li.hidden = true;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true;  // the sound comes in the one mixed track
    const caption = document.createElement("p");
    caption.className = "caption";
    li.append(video, caption);
    list.append(li);
  }
}

function member(id) {
  return app.state ? app.state.participants.find((p) => p.id === id) : undefined;
}

function flagsOf(p) {
  const flags = [];
  if (p.muted) flags.push(tr("hv.flag_muted"));
  if (p.video_off) flags.push(tr("hv.flag_video_off"));
  if (p.audio_only) flags.push(tr("hv.flag_audio_only"));
  if (p.hand) flags.push(tr("hv.flag_hand"));
  return flags;
}

export function renderTiles() {
  for (const li of $("tiles").querySelectorAll("li[data-mid]")) {
    const pid = app.slots[li.dataset.mid] ?? null;
    const p = pid === null ? undefined : member(pid);
    li.hidden = pid === null;
    li.dataset.participant = pid === null ? "" : String(pid);
    const caption = li.querySelector(".caption");
    caption.replaceChildren();
    if (!p) continue;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = p.name;
    const role = document.createElement("span");
    role.className = "role";
    role.textContent = tr(`hearing.role.${p.role}`);
    const flags = document.createElement("span");
    flags.className = "flags";
    flags.textContent = flagsOf(p).join(" · ");
    caption.append(name, " ", role, " ", flags);
    li.querySelector("video").setAttribute("aria-label", tr("hv.video_of", { name: p.name }));
    li.classList.toggle("muted", p.muted);
  }
}

// --- state -----------------------------------------------------------------------------------

export function render() {
  const s = app.state;
  if (!s) return;
  const me = s.me;
  $("hearing-state").textContent = tr(`hearing.state.${s.state}`);
  $("recording").hidden = !s.recording;
  $("lobby").hidden = me.room !== "lobby";
  $("paused-note").hidden = s.state !== "paused";
  const inPrivate = me.room.startsWith("private:");
  $("private-note").hidden = !inPrivate;
  if (inPrivate) {
    const others = s.participants.filter((p) => p.room === me.room && p.id !== me.id);
    $("private-note").textContent = tr("hv.private_note", { names: others.map((p) => p.name).join(tr("hv.list_sep")) });
  }
  $("self-name").textContent = me.name;
  const selfFlags = [];
  if (!app.micOn) selfFlags.push(tr("hv.flag_mic_off"));
  if (me.muted) selfFlags.push(tr("hv.flag_muted_by_host"));
  if (!app.camOn || app.audioOnly) selfFlags.push(tr("hv.flag_cam_off"));
  if (me.video_off) selfFlags.push(tr("hv.flag_video_off_by_host"));
  if (me.hand) selfFlags.push(tr("hv.flag_hand"));
  $("self-flags").textContent = selfFlags.join(" · ");
  $("hand").setAttribute("aria-pressed", String(me.hand));
  $("audio-only").setAttribute("aria-pressed", String(app.audioOnly));
  renderPeople();
  renderTiles();
  renderHost(s, app.chosen, act);
  renderQuality();
}

function renderPeople() {
  const list = $("people-list");
  keepFocus(list, () => fillPeople(list), $("people-h"));
}

function fillPeople(list) {
  const s = app.state;
  list.replaceChildren();
  for (const p of s.participants) {
    const li = document.createElement("li");
    li.dataset.participant = String(p.id);
    const who = document.createElement("span");
    who.className = "who";
    const me = p.id === s.me.id ? ` ${tr("hv.you")}` : "";
    const role = tr(`hearing.role.${p.role}`);
    who.textContent = tr("hv.person", { name: `${p.name}${me}`,
      role: p.is_chair ? tr("hv.role_chair", { role }) : role });
    const where = document.createElement("span");
    where.className = "presence";
    where.textContent = tr(`hv.presence.${p.presence}`);
    const flags = document.createElement("span");
    flags.className = "flags";
    flags.textContent = flagsOf(p).join(" · ");
    li.append(who, " ", where, " ", flags);
    if (p.quality && (s.me.is_host || p.id === s.me.id)) {
      const q = document.createElement("span");
      q.className = "link-quality";
      q.dataset.level = level(p.quality);
      q.textContent = tr("hv.quality_of", {
        level: tr(`hv.quality.${level(p.quality)}`),
        loss: Math.round(p.quality.loss * 100),
        rtt: Math.round(p.quality.rtt_ms),
        kbps: Math.round(p.quality.bitrate_kbps),
      });
      li.append(" ", q);
    }
    li.append(memberActions(p, s.me, app.chosen, act, (id, on) => {
      if (on) app.chosen.add(id); else app.chosen.delete(id);
      $("private-open").disabled = app.chosen.size === 0;
    }));
    list.append(li);
  }
}

export function renderQuality() {
  const el = $("quality");
  let lvl = level(app.myQuality);
  if (!app.link || app.link.connectionState !== "connected") lvl = app.link ? "connecting" : "unknown";
  el.dataset.level = lvl;
  el.textContent = tr("hv.my_quality", { level: tr(`hv.quality.${lvl}`) });
}

export function addChat(line) {
  const li = document.createElement("li");
  const at = new Date(line.at);
  const time = document.createElement("time");
  time.dateTime = line.at;
  time.textContent = Number.isNaN(at.getTime()) ? "" :
    at.toLocaleTimeString(currentLang(), { hour: "2-digit", minute: "2-digit" });
  const who = document.createElement("strong");
  who.textContent = line.name;
  const text = document.createElement("span");
  text.textContent = line.text;
  li.append(time, " ", who);
  if (line.room.startsWith("private:")) li.append(" ", tr("hv.chat_private"));
  if (line.room === "lobby") li.append(" ", tr("hv.chat_lobby"));
  li.append("：", text);
  $("chat-log").append(li);
  const box = $("chat-log").parentElement;
  box.scrollTop = box.scrollHeight;
}
