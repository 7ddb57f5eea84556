// Talking to the server: JSON calls with the CSRF header, translated errors, uploads with progress.
//
//   import { api, upload, setCsrf, csrfToken, restoreSession, ApiError } from "/static/js/api.js";
//
//   const session = await api("/api/session", { method: "POST", body: { code } });  // sets CSRF
//   const cases = await api("/api/cases");
//   await upload(`/api/cases/${id}/evidence`, formData, (fraction) => bar.value = fraction);
//
// Errors are thrown as ApiError, whose message is always in the page's language: the server
// translates its own (from Accept-Language); a lost connection, a cancelled upload or an answer
// without a message (a proxy's 502) are worded from the catalogue here.
import { currentLang, tr } from "./i18n.js";

const state = { csrf: "" };

export class ApiError extends Error {
  constructor(message, { status = 0, code = "", field = null, details = {} } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** Remember the CSRF token of the current session (from a session/login/me response). */
export function setCsrf(token) { state.csrf = token || ""; }

/** The CSRF token of the current session ("" when none). */
export function csrfToken() { return state.csrf; }

function errorOf(status, data) {
  const error = data && data.error ? data.error : null;
  const fallback = tr("web.error.status", { status });
  if (!error) return new ApiError(fallback, { status });
  const { code, message, field, ...details } = error;
  return new ApiError(message || fallback, { status, code, field: field ?? null, details });
}

/** The error of a request that never got an answer ("network") or was cancelled ("aborted"). */
function unanswered(code, cause = null) {
  const error = new ApiError(tr(`web.error.${code}`), { status: 0, code });
  if (cause) error.cause = cause;
  return error;
}

/**
 * Call the API. `options.body` may be a plain object (sent as JSON), a string, FormData or
 * a Blob. The result is the parsed JSON ({} for 204), or the Response when `options.raw`.
 */
export async function api(path, options = {}) {
  const { raw = false, body, headers = {}, ...rest } = options;
  const method = (rest.method || "GET").toUpperCase();
  const sent = { "Accept-Language": currentLang(), Accept: "application/json", ...headers };
  let payload = body;
  if (body !== undefined && body !== null && !(body instanceof FormData) &&
      !(body instanceof Blob) && typeof body !== "string") {
    payload = JSON.stringify(body);
  }
  if (typeof payload === "string") sent["Content-Type"] = "application/json";
  if (state.csrf && method !== "GET" && method !== "HEAD") sent["X-CSRF-Token"] = state.csrf;
  let response;
  try {
    response = await fetch(path, { ...rest, method, headers: sent, body: payload,
      credentials: "same-origin" });
  } catch (cause) {
    throw unanswered(cause && cause.name === "AbortError" ? "aborted" : "network", cause);
  }
  if (raw && response.ok) return response;
  let data = {};
  const type = response.headers.get("Content-Type") || "";
  if (response.status !== 204 && type.includes("json")) {
    try { data = await response.json(); } catch { data = {}; }
  }
  if (!response.ok) throw errorOf(response.status, data);
  if (data && typeof data.csrf_token === "string" && data.csrf_token) setCsrf(data.csrf_token);
  return data;
}

/**
 * The current session (GET /api/me) or null when there is none; remembers its CSRF token.
 */
export async function restoreSession() {
  try { return await api("/api/me"); }
  catch (error) { if (error.status === 401) { setCsrf(""); return null; } throw error; }
}

/** End the session (POST /api/logout); never throws. */
export async function logout() {
  try { await api("/api/logout", { method: "POST" }); } catch { /* already gone */ }
  setCsrf("");
}

/**
 * Upload `formData` with POST, reporting progress as a fraction 0..1 to `onProgress`.
 * Resolves with the parsed JSON response; rejects with ApiError.
 */
export function upload(path, formData, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept-Language", currentLang());
    xhr.setRequestHeader("Accept", "application/json");
    if (state.csrf) xhr.setRequestHeader("X-CSRF-Token", state.csrf);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let data = {};
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : {}; } catch { data = {}; }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(data); }
      else reject(errorOf(xhr.status, data));
    });
    xhr.addEventListener("error", () => reject(unanswered("network")));
    xhr.addEventListener("abort", () => reject(unanswered("aborted")));
    xhr.send(formData);
  });
}

/** Download `path` (a session-protected file) and save it as `filename`. */
export async function download(path, filename) {
  const response = await api(path, { raw: true, headers: { Accept: "*/*" } });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
