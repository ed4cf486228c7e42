// Reading, writing and showing field values by editor kind (shared by forms and the grid).
import { optionLabel } from "./combo.js";

/** Parse text typed or pasted into a cell. Returns {value} or {error}. */
export function parse(col, text, options) {
  const raw = text === null || text === undefined ? "" : String(text);
  const t = raw.trim();
  const empty = t === "";
  switch (col.editor) {
    case "integer": {
      if (empty) return { value: null };
      const n = Number(t.replace(/,/g, ""));
      return Number.isInteger(n) ? { value: n } : { error: `“${t}” is not a whole number` };
    }
    case "number": {
      if (empty) return { value: null };
      const n = Number(t.replace(/,/g, ""));
      return Number.isFinite(n) ? { value: n } : { error: `“${t}” is not a number` };
    }
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
    case "date":
      if (empty) return { value: null };
      return /^\d{4}-\d{2}-\d{2}$/.test(t) ? { value: t } : { error: `“${t}” is not a date (YYYY-MM-DD)` };
    case "datetime": {
      if (empty) return { value: null };
      const m = t.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/) || t.match(/^(\d{4}-\d{2}-\d{2})$/);
      if (!m) return { error: `“${t}” is not a date and time (YYYY-MM-DD HH:MM)` };
      return { value: m[2] ? `${m[1]}T${m[2]}${m[3] || ":00"}` : `${m[1]}T00:00:00` };
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
