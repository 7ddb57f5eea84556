// Staff by name in the console: the court's directory (GET /api/staff), the mediator picker of
// the assignment form, and who did what in a case's history ("user:3", "party:5" as names).
import { api } from "./api.js";
import { ctx, el } from "./console-util.js";
import { tr } from "./i18n.js";

const directory = { byId: new Map(), loaded: false };

/** Load the directory once per login (`force`: again, e.g. after logging in as someone else). */
export async function loadStaff(force = false) {
  if (directory.loaded && !force) return;
  const { staff } = await api("/api/staff");
  directory.byId = new Map(staff.map((s) => [s.id, s]));
  directory.loaded = true;
}

/** Forget the directory (at logout). */
export function forgetStaff() {
  directory.byId = new Map();
  directory.loaded = false;
}

/** A member of staff's name; "mediator #N" only when the directory does not know them. */
export function staffName(id) {
  const member = directory.byId.get(id);
  return member ? member.display_name : tr("console.mediator_n", { id });
}

/** The mediator column of the queue and the case: you, a name, or "not assigned". */
export function mediatorText(c) {
  if (c.mediator_id === null) return tr("console.unassigned");
  if (ctx.me && c.mediator_id === ctx.me.user_id) {
    return tr("console.you_named", { name: staffName(c.mediator_id) });
  }
  return staffName(c.mediator_id);
}

/**
 * Fill the assignment form's picker with the court's active mediators, those of the case's
 * micro-court first; the current mediator is marked and not offered again.
 */
export function fillMediators(select, c) {
  const mediators = [...directory.byId.values()]
    .filter((s) => s.role === "mediator" && s.active && s.id !== c.mediator_id);
  const local = mediators.filter((s) => s.microcourt_ids.includes(c.microcourt_id));
  const others = mediators.filter((s) => !s.microcourt_ids.includes(c.microcourt_id));
  const option = (s) => el("option", { value: s.id, text: s.display_name });
  const groups = [];
  if (local.length) {
    groups.push(el("optgroup", { label: tr("console.mediators_here") }, ...local.map(option)));
  }
  if (others.length) {
    groups.push(el("optgroup", { label: tr("console.mediators_court") }, ...others.map(option)));
  }
  select.replaceChildren(el("option", { value: "", text: tr("console.choose_mediator") }),
    ...groups);
  return mediators.length;
}

/** Who an audit entry names: a member of staff, a party of the case, or the system. */
export function actorName(ref, parties) {
  const [kind, raw] = String(ref || "").split(":");
  const id = Number(raw);
  if (kind === "user" && id) return staffName(id);
  if (kind === "party" && id) {
    const party = parties.find((p) => p.id === id);
    if (party) return tr("hv.person", { name: party.name, role: tr(`hearing.role.${party.role}`) });
    return tr("console.actor.party_n", { id });
  }
  if (kind === "cli") return tr("console.actor.cli");
  if (kind === "system") return tr("console.actor.system");
  return tr("console.actor.unknown");
}
