// The terminal's intake code (which micro-court it files to), remembered in localStorage, and
// the dispute categories that court takes.
import { api } from "./api.js";
import { tr } from "./i18n.js";
import { cleanCode, groupCode } from "./keypad.js";
import { $ } from "./kiosk-ui.js";

const CATEGORIES = ["rent", "wages", "family", "neighbours", "traffic", "contract", "loan",
  "property", "other"];
const INTAKE_KEY = "kiosk.intake";
let categories = CATEGORIES;

export function storedIntake() {
  try { return localStorage.getItem(INTAKE_KEY) || ""; } catch { return ""; }
}

export async function useIntake(raw) {
  const code = cleanCode(raw, 8);
  const found = await api(`/api/intake/${encodeURIComponent(groupCode(code))}`);
  try { localStorage.setItem(INTAKE_KEY, groupCode(code)); } catch { /* storage disabled */ }
  $("#place").textContent = found.microcourt;
  if (found.categories && found.categories.length) categories = found.categories;
  renderCategories();
  return found;
}

export function renderCategories() {
  const box = $("#categories");
  const checked = box.querySelector("input:checked");
  box.replaceChildren(...categories.map((category, index) => {
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
