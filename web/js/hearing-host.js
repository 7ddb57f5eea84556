// The chair's controls in the hearing view: the lobby (admit, remove), each participant
// (mute, video off, remove, choose for a private room), private rooms (bring back), the
// hearing's state, the record and everyone's video quality. The server enforces everything;
// these buttons only ask (docs/protocol.md §2, "The chair").
import { tr } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/**
 * Rebuild `container` with `rebuild()` without losing the keyboard focus: the control with the
 * same data-key gets it back (or the container's first control, when that one is gone).
 */
export function keepFocus(container, rebuild, fallback = null) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  rebuild();
  if (!key) return;
  const same = container.querySelector(`[data-key="${CSS.escape(key)}"]`)
    || container.querySelector("button:not([disabled]), input:not([disabled])") || fallback;
  if (same) same.focus();
}

let keys = 0;

function button(text, label, onClick, pressed = null, key = null) {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.key = key || `${label || text}#${(keys += 1)}`;
  b.textContent = text;
  if (label) b.setAttribute("aria-label", label);
  if (pressed !== null) b.setAttribute("aria-pressed", String(pressed));
  b.addEventListener("click", onClick);
  return b;
}

/** Buttons the chair has for one participant row of the people list. */
export function memberActions(member, me, chosen, act, onChoose) {
  const box = document.createElement("span");
  box.className = "actions";
  if (!me.is_chair || member.id === me.id) return box;
  const name = member.name;
  if (member.presence === "lobby") return box;  // handled in the lobby list
  box.append(button(tr("hv.mute"), tr("hv.mute_who", { name }),
    () => act(member.muted ? "unmute" : "mute", { participant_id: member.id }), member.muted,
    `mute:${member.id}`));
  box.append(button(tr("hv.video_off"), tr("hv.video_off_who", { name }),
    () => act(member.video_off ? "video_on" : "video_off", { participant_id: member.id }),
    member.video_off, `video:${member.id}`));
  if (member.is_host && member.presence !== "disconnected") {
    box.append(button(tr("hv.hand_over"), tr("hv.hand_over_who", { name }),
      () => act("hand_over", { participant_id: member.id }), null, `chair:${member.id}`));
  }
  if (!member.is_host) {
    box.append(button(tr("hv.remove"), tr("hv.remove_who", { name }),
      () => act("remove", { participant_id: member.id }), null, `remove:${member.id}`));
  }
  if (member.room === "hearing") {
    const label = document.createElement("label");
    label.className = "choose";
    const box2 = document.createElement("input");
    box2.type = "checkbox";
    box2.dataset.key = `choose:${member.id}`;
    box2.checked = chosen.has(member.id);
    box2.addEventListener("change", () => onChoose(member.id, box2.checked));
    label.append(box2, " ", tr("hv.choose_who", { name }));
    box.append(label);
  }
  return box;
}

/** Fill the host panel from a `state`. */
export function renderHost(state, chosen, act) {
  const me = state.me;
  $("host").hidden = !me.is_host;
  if (!me.is_host) return;
  $("not-chair").hidden = me.is_chair;
  for (const el of $("host").querySelectorAll("button, input")) el.disabled = !me.is_chair;
  const s = state.state;
  const bar = $("host-bar");
  bar.querySelector('[data-act="start"]').hidden = s !== "not_started";
  bar.querySelector('[data-act="pause"]').hidden = s !== "in_session";
  bar.querySelector('[data-act="resume"]').hidden = s !== "paused";
  bar.querySelector('[data-act="close"]').hidden = s === "closed";
  const record = $("record");
  record.setAttribute("aria-pressed", String(state.recording));
  record.disabled = !me.is_chair || (!state.recording && s !== "in_session");
  $("low-video").setAttribute("aria-pressed", String(state.profile === "low"));

  const lobby = $("lobby-list");
  keepFocus(lobby, () => fillLobby(state, me, lobby, act), $("lobby-list-h"));
  keepFocus($("private-list"), () => fillRooms(state, me, act), $("private-h"));
  // Only people still in the hearing room can be chosen.
  for (const id of [...chosen]) {
    const p = state.participants.find((x) => x.id === id);
    if (!p || p.room !== "hearing") chosen.delete(id);
  }
  $("private-open").disabled = !me.is_chair || chosen.size === 0;
}

function fillLobby(state, me, lobby, act) {
  lobby.replaceChildren();
  for (const p of state.participants.filter((x) => x.presence === "lobby")) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.textContent = tr("hv.person", { name: p.name, role: tr(`hearing.role.${p.role}`) });
    li.append(who);
    if (me.is_chair) {
      li.append(button(tr("hv.admit"), tr("hv.admit_who", { name: p.name }),
        () => act("admit", { participant_id: p.id }), null, `admit:${p.id}`));
      li.append(button(tr("hv.remove"), tr("hv.remove_who", { name: p.name }),
        () => act("remove", { participant_id: p.id }), null, `lobby-remove:${p.id}`));
    }
    lobby.append(li);
  }
  if (!lobby.children.length) {
    const li = document.createElement("li");
    li.textContent = tr("hv.lobby_empty");
    lobby.append(li);
  }
}

function fillRooms(state, me, act) {
  const rooms = new Map();
  for (const p of state.participants) {
    if (p.room.startsWith("private:")) rooms.set(p.room, [...(rooms.get(p.room) || []), p.name]);
  }
  const list = $("private-list");
  list.replaceChildren();
  for (const [room, names] of rooms) {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = tr("hv.private_with", { names: names.join(tr("hv.list_sep")) });
    li.append(text);
    if (me.is_chair) {
      li.append(button(tr("hv.private_close"),
        tr("hv.private_close_who", { names: names.join(tr("hv.list_sep")) }),
        () => act("private_close", { room }), null, `back:${room}`));
    }
    list.append(li);
  }
  if (!rooms.size) {
    const li = document.createElement("li");
    li.textContent = tr("hv.private_none");
    list.append(li);
  }
}
