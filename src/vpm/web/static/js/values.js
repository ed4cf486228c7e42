// Reading, writing and showing field values by editor kind (shared by forms and the grid).
import { optionLabel } from "./combo.js";

/** Parse text typed or pasted into a cell. Returns {value} or {error}. */
export function parse(col, text, options) {
  const raw = text === null || text === undefined ? "" : String(text);
  const t = raw.trim();
  const empty = t === "";
  switch (col.editor) {
    case "integer":
    case "number":
      if (empty) return { value: null };
      return parseNumber(col, t);
    case "bool": {
      const v = t.toLowerCase();
      if (["yes", "y", "true", "1", "x", "✓", "✔", "on"].includes(v)) return { value: true };
      if (["no", "n", "false", "0", "", "off", "-"].includes(v)) return { value: false };
      return { error: `“${t}” is not yes or no` };
    }
    case "choice": {
      if (empty) return { value: null };
      const hit = (col.choices || []).find((c) => c.toLowerCase() === t.toLowerCase()
        || c.replace(/_/g, " ").toLowerCase() === t.toLowerCase());
      return hit ? { value: hit } : { error: `“${t}” is not one of ${(col.choices || []).join(", ")}` };
    }
    case "ref": {
      if (empty) return { value: null };
      const list = (options && options[col.ref]) || [];
      const low = t.toLowerCase();
      const hit = list.find((o) => o.id === t) || list.find((o) => o.label.toLowerCase() === low)
        || list.find((o) => o.label.toLowerCase().startsWith(low + " ·") || o.label.toLowerCase().startsWith(low + " ("));
      return hit ? { value: hit.id } : { error: `“${t}” does not match a ${col.label.toLowerCase()}` };
    }
    case "date": {
      if (empty) return { value: null };
      const d = parseDate(t);
      if (d.error) return d;
      return d.value === t ? { value: t } : { value: d.value, converted: d.value };
    }
    case "datetime": {
      if (empty) return { value: null };
      const m = t.match(/^(.*?)(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$/i);
      const d = parseDate(m ? m[1].trim() : t);
      if (d.error) return { error: `“${t}” is not a date and time (e.g. 2027-02-15 08:00)` };
      let hh = m && m[2] ? Number(m[2]) : 0;
      const pm = m && m[5] ? m[5].toLowerCase().startsWith("p") : null;
      if (pm !== null) { if (hh < 1 || hh > 12) return { error: `“${t}” has an hour past 12 with AM/PM` }; hh = (hh % 12) + (pm ? 12 : 0); }
      if (hh > 23 || (m && m[3] && Number(m[3]) > 59)) return { error: `“${t}” is not a time of day` };
      const value = `${d.value}T${String(hh).padStart(2, "0")}:${m && m[3] ? m[3] : "00"}:${m && m[4] ? m[4] : "00"}`;
      const plain = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$/.test(t);
      return plain ? { value } : { value, converted: value.replace("T", " ").slice(0, 16) };
    }
    case "json":
      if (empty) return { value: null };
      try { return { value: JSON.parse(t) }; } catch { return { error: "is not valid JSON" }; }
    case "secret":
      return empty ? { skip: true } : { value: raw };
    default:
      if (empty) return { value: col.nullable ? null : "" };
      return { value: col.editor === "text" ? raw : t };
  }
}

// ---------------------------------------------------------------- numbers, units, dates as typed or pasted

const FT_PER_M = 1 / 0.3048;
/** The unit a column's name ends in (h_res: none; length_ft: ft; width_m: m). */
function unitOf(col) {
  const name = (col && col.name) || "";
  if (/_ft$/.test(name)) return "ft";
  if (/_mm$/.test(name)) return "mm";
  if (/_m$/.test(name)) return "m";
  return null;
}
const round = (x, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** One number: decimal commas (59,94), thousands (1,920 / 1.234,5), units (100', 10' 6", 30 m). */
export function parseNumber(col, text) {
  const t = text.trim();
  const whole = col.editor === "integer";
  const bad = { error: `“${t}” is not ${whole ? "a whole number" : "a number"}` };
  let rest = t;
  let unit = null;
  let feet = null;
  const ftIn = rest.match(/^(-?\d+(?:[.,]\d+)?)\s*(?:'|′|ft|feet)\s*(?:(\d+(?:[.,]\d+)?)\s*(?:"|″|in|inch|inches))?$/i);
  const inOnly = rest.match(/^(-?\d+(?:[.,]\d+)?)\s*(?:"|″|in|inch|inches)$/i);
  if (ftIn) { feet = Number(ftIn[1].replace(",", ".")) + (ftIn[2] ? Number(ftIn[2].replace(",", ".")) / 12 : 0); unit = "ft"; }
  else if (inOnly) { feet = Number(inOnly[1].replace(",", ".")) / 12; unit = "ft"; }
  else {
    const m = rest.match(/^(.*?)\s*(mm|cm|m|metres?|meters?|hz|px|w|kg)$/i);
    if (m && m[1]) { rest = m[1]; unit = m[2].toLowerCase().replace(/^(metres?|meters?)$/, "m"); }
  }
  let n;
  let note = null;
  if (feet !== null) n = feet;
  else {
    if (/^-?\d{1,3}(\.\d{3})+,\d+$/.test(rest)) { n = Number(rest.replace(/\./g, "").replace(",", ".")); note = "decimal comma"; }
    else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(rest)) {
      // 1,920 is a thousands comma in a whole-number column; in a decimal column it could be 1.92
      if (!whole && !/\./.test(rest)) return { error: `“${t}” is ambiguous: ${rest.replace(/,/g, "")} or ${rest.replace(",", ".")}? Type it with a point (1.92) or without the comma (1920)`, ambiguous: true };
      n = Number(rest.replace(/,/g, ""));
    } else if (/^-?\d*,\d+$/.test(rest)) { n = Number(rest.replace(",", ".")); note = "decimal comma"; }
    else if (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(rest)) n = Number(rest);
    else return bad;
  }
  if (!Number.isFinite(n)) return bad;
  const want = unitOf(col);
  if (unit && want && unit !== want) {
    const toM = { ft: 0.3048, m: 1, mm: 0.001, cm: 0.01 };
    if (!(unit in toM)) return { error: `“${t}”: ${col.label} is in ${want}, not ${unit}` };
    n = (n * toM[unit]) / toM[want];
    note = `${unit} → ${want}`;
    n = round(n, 2);
  } else if (!want && ["ft", "m", "mm", "cm"].includes(unit)) {
    return { error: `“${t}”: ${col.label} is not a length` };
  }
  n = round(n);
  if (whole) {
    if (!Number.isInteger(n)) return { error: `“${t}” is not a whole number` };
  }
  const out = { value: n };
  if (note || unit === "ft" || (unit && want && unit !== want)) out.converted = `${n}${want ? ` ${want}` : ""}`;
  return out;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const pad = (n) => String(n).padStart(2, "0");
const cap = (w) => w[0].toUpperCase() + w.slice(1);
function ymd(y, m, d) {
  if (y < 100) y += 2000;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || dt.getUTCDate() !== d || dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** A date as people write it: 2027-02-15, 2/15/2027 (US), 15.02.2027, Feb 15 2027, 15 Feb 2027. */
export function parseDate(text) {
  const t = text.trim().replace(/,/g, " ").replace(/\s+/g, " ");
  const no = { error: `“${text.trim()}” is not a date (e.g. 2027-02-15, 2/15/2027, 15.02.2027 or Feb 15 2027)` };
  let m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (m) { const v = ymd(+m[1], +m[2], +m[3]); return v ? { value: v } : no; }
  m = t.match(/^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/);
  if (m) { const v = ymd(+m[3], +m[2], +m[1]); return v ? { value: v } : no; }
  m = t.match(/^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/);
  if (m) {
    const a = +m[1]; const b = +m[2]; const y = +m[3];
    if (a > 12 && b <= 12) { const v = ymd(y, b, a); return v ? { value: v } : no; }
    if (a <= 12 && b > 12) { const v = ymd(y, a, b); return v ? { value: v } : no; }
    if (a === b) { const v = ymd(y, a, b); return v ? { value: v } : no; }
    return { error: `“${text.trim()}” is ambiguous: ${MONTHS[a - 1] ? `${a}/${b} could be ${cap(MONTHS[a - 1])} ${b} or ${cap(MONTHS[b - 1])} ${a}` : "day or month first?"}; write 2027-${pad(a)}-${pad(b)} or the month's name`, ambiguous: true };
  }
  m = t.match(/^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$/i) || null;
  if (m) { const mo = MONTHS.indexOf(m[1].slice(0, 3).toLowerCase()) + 1; const v = mo ? ymd(+m[3], mo, +m[2]) : null; return v ? { value: v } : no; }
  m = t.match(/^(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3,9})\.? (\d{4})$/i);
  if (m) { const mo = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase()) + 1; const v = mo ? ymd(+m[3], mo, +m[1]) : null; return v ? { value: v } : no; }
  return no;
}

/** A dotted subnet mask as a prefix length (255.255.255.0 -> 24); null if it is not a mask. */
export function maskBits(text) {
  const m = String(text || "").trim().match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255) || parts[0] < 128) return null;
  const bin = parts.map((p) => p.toString(2).padStart(8, "0")).join("");
  return /^1+0*$/.test(bin) ? bin.indexOf("0") === -1 ? 32 : bin.indexOf("0") : null;
}

/** The network of an IPv4 address under a prefix length ("10.0.10.30", 24 -> "10.0.10.0/24"). */
export function networkOf(ip, bits) {
  const m = String(ip || "").trim().match(/^(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (!m) return null;
  const n = m.slice(1).map(Number).reduce((a, p) => a * 256 + p, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join(".")}/${bits}`;
}

/** A subnet typed as a mask (255.255.255.0) becomes the row's network (10.0.10.0/24). Returns
 * {value} unchanged when it is not a mask, {value, converted} or {error}. */
export function subnetFromMask(value, ip) {
  const bits = maskBits(value);
  if (bits === null) return { value };
  const net = networkOf(ip, bits);
  if (!net) return { error: `“${value}” is a subnet mask: it needs the row's IP to make a network (or type 10.0.10.0/24)` };
  return { value: net, converted: net };
}

/** How a value reads in a table cell. */
export function display(col, value, options) {
  if (value === null || value === undefined || value === "") return "";
  if (col && col.secret) return "••••••";
  if (col && col.editor === "bool") return value ? "✓" : "";
  if (col && col.editor === "ref") return optionLabel(options && options[col.ref], value);
  if (col && col.editor === "choice") return String(value).replace(/_/g, " ");
  if (col && col.type === "datetime") return String(value).replace("T", " ").slice(0, 16);
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === "object" && value[0] && "direction" in value[0]) {
      const inputs = value.filter((p) => p.direction === "in").length;
      return `${inputs} in · ${value.length - inputs} out`;
    }
    return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join("; ");
  }
  if (typeof value === "object") {
    return Object.entries(value).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(", ");
  }
  if (typeof value === "boolean") return value ? "✓" : "";
  return String(value);
}

/** The value of a form input, by its editor. */
export function readInput(input, col) {
  const editor = input.dataset.editor || col.editor;
  if (editor === "bool") return { value: input.checked };
  if (editor === "ref") return { value: input.dataset.value || null };
  if (editor === "choice") return { value: input.value === "" ? null : input.value };
  return parse(col, input.value);
}

/** Put a value into a form input (used for live updates and reverting). */
export function writeInput(input, col, value, combo) {
  const editor = input.dataset.editor || col.editor;
  if (editor === "bool") input.checked = !!value;
  else if (editor === "ref") { if (combo) combo.setValue(value ?? null); else input.dataset.value = value ?? ""; }
  else if (editor === "secret") { input.value = ""; input.placeholder = value ? "set — type to replace" : "not set"; }
  else if (editor === "json") input.value = value === null || value === undefined ? "" : JSON.stringify(value, null, 2);
  else if (editor === "datetime") input.value = value ? String(value).slice(0, 16) : "";
  else if (editor === "choice") input.value = value ?? "";
  else input.value = value === null || value === undefined ? "" : String(value);
}

export function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
