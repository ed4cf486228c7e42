// Every call to the JSON API: who is acting (X-VPM-User), the CSRF token when signed in, and clear
// errors. While offline, writes are refused before they are sent.
import { conn, probe } from "./conn.js";
import { displayName } from "./identity.js";

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body));
    this.status = status;
    this.body = body || {};
  }
}

/** The page was opened by someone who may read this show but not change it. */
export const readOnly = () => document.body?.dataset.readonly === "1";

export class ReadOnlyError extends Error {
  constructor() {
    super("You can view this show but not change it (ask its owner for editor access).");
  }
}

export class OfflineError extends Error {
  constructor() {
    super("Offline: this change was NOT saved. The server cannot be reached; try again when the indicator says Live or Online.");
  }
}

/** Field names as people read them (the pages register their columns' labels). */
const LABELS = new Map();
export function learnLabels(columns) {
  for (const c of columns || []) if (c && c.name && c.label) LABELS.set(c.name, c.label);
}

/** "items.0.load_out" → "Load-out" (a registered label) or "Load out" (the name in words). */
export function fieldLabel(field) {
  const name = String(field || "").split(".").filter((p) => !/^\d+$/.test(p)).pop() || String(field || "");
  if (LABELS.has(name)) return LABELS.get(name);
  const w = name.replace(/_id$/, "").replace(/_/g, " ").trim();
  return w ? w[0].toUpperCase() + w.slice(1) : name;
}

function describe(status, body) {
  if (body && Array.isArray(body.errors) && body.errors.length) {
    return body.errors.map((e) => (e.field && e.field !== "body" ? `${fieldLabel(e.field)}: ${e.reason}` : e.reason)).join("; ");
  }
  if (body && body.detail) return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  return `The server answered ${status}.`;
}

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : null;
}

/** Header values must be ASCII: the name is percent-encoded (UTF-8) and the server decodes it,
 * so "José" stays "José". */
export function headerSafe(text) {
  return encodeURIComponent(String(text || "").trim());
}

export async function api(method, url, body) {
  const write = method !== "GET";
  if (write && readOnly() && !url.endsWith("/plan")) throw new ReadOnlyError();
  if (write && conn.offline) throw new OfflineError();
  const headers = { Accept: "application/json" };
  const who = headerSafe(displayName());
  if (who) headers["X-VPM-User"] = who;
  const csrf = cookie("vpm_csrf");
  if (csrf && write) headers["X-CSRF-Token"] = csrf;
  const init = { method, headers, cache: "no-store", credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (!(await probe())) conn.set("offline");
    throw write ? new OfflineError() : err;
  }
  if (response.status === 401 && !url.startsWith("/api/auth/")) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, { detail: "Sign in first." });
  }
  if (response.status === 204) return null;
  let data = null;
  const text = await response.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 200) }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  if (conn.state === "offline") conn.set(document.body.dataset.stream ? "reconnecting" : "online");
  return data;
}

export const get = (url) => api("GET", url);
export const post = (url, body) => api("POST", url, body ?? {});
export const patch = (url, body) => api("PATCH", url, body);
export const put = (url, body) => api("PUT", url, body);
export const del = (url) => api("DELETE", url);
