// Small helpers shared by the page scripts. Everything that shows user text uses textContent.

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Build an element: el("a", {href: "/x", class: "btn", dataset: {id: 1}}, "text", child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, "");
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function readJSON(target) {
  const node = typeof target === "string" ? document.getElementById(target) : target;
  if (!node) return null;
  try { return JSON.parse(node.textContent); } catch { return null; }
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

export const store = {
  get(key, fallback = null) {
    try { const v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); } catch { return fallback; }
  },
  set(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* storage full or blocked */ }
  },
  remove(key) { try { localStorage.removeItem(key); } catch { /* ignore */ } },
};

/** Words for a column or value name ("h_res" -> "H res", "OUTSIDE_VENDORS" -> "Outside vendors"). */
export function words(name) {
  if (!name) return "";
  const t = String(name).replace(/_id$/, "").replace(/[_-]+/g, " ").trim().toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function timeAgo(iso) {
  if (!iso) return "";
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  const s = Math.round((Date.now() - then.getTime()) / 1000);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} day${d === 1 ? "" : "s"} ago`;
  return then.toLocaleDateString();
}

export function refreshTimes(root = document) {
  for (const t of $$("time[data-ago]", root)) {
    const iso = t.getAttribute("datetime");
    if (!t.title) t.title = new Date(iso).toLocaleString();
    t.textContent = timeAgo(iso);
  }
}

export function initials(name) {
  const parts = String(name || "?").trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return "?";
  const a = parts[0][0] || "?";
  const b = parts.length > 1 ? parts[parts.length - 1][0] : (parts[0][1] || "");
  return (a + b).toUpperCase();
}

/** A stable colour for a name (its hash picks the hue). */
export function colourFor(name) {
  let h = 0;
  for (const ch of String(name || "")) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${h % 360} 62% 42%)`;
}

export function uid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * Saves of one record run one after another. A save of a field this page has just saved starts from
 * the version that save produced, so a quick second edit never conflicts with the person's own first
 * one; a field someone else changed is still a conflict.
 */
export class SaveQueue {
  constructor() {
    this.chains = new Map();
    this.mine = new Map();
  }

  run(key, fields, base, send) {
    const go = async () => {
      const last = this.mine.get(key);
      let from = base;
      if (last && last.version > (from ?? 0) && Object.keys(fields).some((f) => last.fields.has(f))) from = last.version;
      const result = await send(from);
      if (result && result.version !== undefined) this.mine.set(key, { version: result.version, fields: new Set(Object.keys(fields)) });
      return result;
    };
    const next = (this.chains.get(key) || Promise.resolve()).then(go, go);
    this.chains.set(key, next.catch(() => {}));
    return next;
  }
}
