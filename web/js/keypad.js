// The on-screen keypad for codes (Crockford base32: digits and letters without I, L, O, U),
// shown grouped as XXXX-XXXX-XXXX. A physical keyboard can type into the field too.
import { tr } from "./i18n.js";

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CONFUSABLE = { O: "0", I: "1", L: "1" };

/** The characters of a code as typed: upper case, confusables mapped, others dropped. */
export function cleanCode(raw, length = 12) {
  let out = "";
  for (const ch of String(raw).toUpperCase()) {
    const mapped = CONFUSABLE[ch] || ch;
    if (ALPHABET.includes(mapped)) out += mapped;
  }
  return out.slice(0, length);
}

/** `ABCD1234EFGH` as `ABCD-1234-EFGH`. */
export function groupCode(clean) {
  return (clean.match(/.{1,4}/g) || []).join("-");
}

const BARE_CODE = /^[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/i;

/**
 * The personal code inside a scanned QR (cleaned, 12 characters): the slip's link
 * (`…/party#code=XXXX-XXXX-XXXX`) or the bare code. Anything else (another link, other text,
 * a code of the wrong length) gives "": it is not tried against the server.
 */
export function codeFromScan(text) {
  let candidate = String(text).trim();
  if (/^https?:\/\//i.test(candidate)) {
    let link;
    try { link = new URL(candidate); } catch { return ""; }
    if (!/\/party\/?$/.test(link.pathname)) return "";
    candidate = (new URLSearchParams(link.hash.slice(1)).get("code") || "").trim();
  }
  if (!BARE_CODE.test(candidate)) return "";
  const code = cleanCode(candidate);
  return code.length === 12 ? code : "";
}

function setValue(input, clean) {
  input.value = groupCode(clean);
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Build the keypad in `pad` for `input` (its data-length is the code's length). */
export function buildKeypad(pad, input) {
  const length = Number(input.dataset.length || 12);
  const keys = [];
  for (const ch of ALPHABET) {
    const key = document.createElement("button");
    key.type = "button";
    key.className = "key";
    key.textContent = ch;
    key.addEventListener("click", () => setValue(input, cleanCode(input.value, length) + ch));
    keys.push(key);
  }
  const back = document.createElement("button");
  back.type = "button";
  back.className = "key wide";
  back.dataset.i18n = "kiosk.key_back";
  back.textContent = tr("kiosk.key_back");
  back.addEventListener("click", () => setValue(input, cleanCode(input.value, length).slice(0, -1)));
  const clear = document.createElement("button");
  clear.type = "button";
  clear.className = "key wide";
  clear.dataset.i18n = "kiosk.key_clear";
  clear.textContent = tr("kiosk.key_clear");
  clear.addEventListener("click", () => setValue(input, ""));
  pad.setAttribute("role", "group");
  pad.dataset.i18nLabel = "kiosk.keypad";
  pad.setAttribute("aria-label", tr("kiosk.keypad"));
  pad.replaceChildren(...keys, back, clear);
  // Typing on a physical keyboard: keep the field grouped and clean.
  input.addEventListener("input", () => {
    const clean = cleanCode(input.value, length);
    if (input.value !== groupCode(clean)) input.value = groupCode(clean);
  });
}
