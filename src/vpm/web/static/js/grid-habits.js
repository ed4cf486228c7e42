// Spreadsheet habits on the grid: a range of cells (Shift+arrows, mouse drag), copy it out as
// tab-separated text, fill down (Ctrl+D copies the top cell; Ctrl+Shift+D continues a series from
// one or two seeds: SRC 1 -> SRC 2, SRC 3 …; 10, 20 -> 30, 40 …),
// and undo / redo of this person's own changes (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y). Undo and redo are
// ordinary saves with the version the change produced, so the normal field-level conflict check
// applies: if someone changed the same field since, the conflict chooser asks.
import { display, same } from "./values.js";
import { toast } from "./toast.js";

const NEW = "__new__";
const LIMIT = 200;

/** "SRC 1" -> ["SRC ", 1, 0]; "7" -> ["", 7, 0]; "CAM 01" -> ["CAM ", 1, 2] (zero-padded width). */
function numbered(value) {
  if (typeof value === "number" && Number.isInteger(value)) return ["", value, 0];
  const m = typeof value === "string" ? value.match(/^(.*?)(\d+)$/) : null;
  return m ? [m[1], Number(m[2]), m[2].startsWith("0") ? m[2].length : 0] : null;
}

/** The series filling ``count`` cells below ``seeds`` (one or two values at the top of the range):
 * one seed counts up by 1, two seeds by their difference; a value without a number is copied. */
export function fillValues(seeds, count) {
  const a = numbered(seeds[0]);
  const b = seeds.length > 1 ? numbered(seeds[1]) : null;
  let step = null;
  if (a && b && a[0] === b[0] && b[1] !== a[1]) step = b[1] - a[1];
  else if (a && seeds.length === 1) step = 1;
  const last = step !== null && b && seeds.length > 1 ? b : a;
  const out = [];
  for (let k = 1; k <= count; k++) {
    if (step === null) { out.push(seeds[0]); continue; }
    const n = last[1] + step * k;
    if (typeof seeds[0] === "number") out.push(n);
    else out.push(`${last[0]}${last[2] ? String(n).padStart(last[2], "0") : n}`);
  }
  return out;
}

export function installHabits(grid) {
  const h = { anchor: null, undo: [], redo: [], dragging: false, busy: false };
  grid.habits = h;

  /** The range as row and column bounds (existing rows only), or null for a single cell. */
  h.rect = () => {
    if (!h.anchor || grid.cursor.id === NEW || h.anchor.id === NEW) return null;
    const r1 = grid.rowIndex(h.anchor.id);
    const r2 = grid.rowIndex(grid.cursor.id);
    if (r1 < 0 || r2 < 0) return null;
    const rect = { top: Math.min(r1, r2), bottom: Math.max(r1, r2), left: Math.min(h.anchor.c, grid.cursor.c),
      right: Math.max(h.anchor.c, grid.cursor.c) };
    return rect.top === rect.bottom && rect.left === rect.right ? null : rect;
  };

  h.paint = () => {
    for (const td of grid.table.querySelectorAll("td.in-range")) td.classList.remove("in-range");
    const r = h.rect();
    if (!r) return;
    for (let i = r.top; i <= r.bottom; i++) {
      const tr = grid.rowTr(String(grid.rows[i].id));
      if (!tr) continue;
      for (let c = r.left; c <= r.right; c++) tr.querySelector(`td.cell[data-c="${c}"]`)?.classList.add("in-range");
    }
  };

  h.copyText = () => {
    const r = h.rect();
    if (!r) return null;
    const lines = [];
    for (let i = r.top; i <= r.bottom; i++) {
      const row = grid.rows[i];
      const cells = [];
      for (let c = r.left; c <= r.right; c++) {
        const col = grid.col(c);
        cells.push(display(col, row[col.name], grid.options).replace(/[\t\n]/g, " "));
      }
      lines.push(cells.join("\t"));
    }
    return lines.join("\n");
  };

  // ------------------------------------------------------------ undo / redo of one's own changes
  h.record = (id, before, after, version) => {
    if (h.busy) return;
    h.undo.push({ id, before, after, version });
    if (h.undo.length > LIMIT) h.undo.shift();
    h.redo = [];
  };

  async function replay(from, to, pick, verb) {
    const entry = from.pop();
    if (!entry) { toast(`Nothing to ${verb}.`, "info", 2000); return; }
    const row = grid.rows[grid.rowIndex(entry.id)];
    if (!row) { toast(`Not ${verb === "undo" ? "undone" : "redone"}: that row is no longer here.`, "warn"); return; }
    const fields = pick(entry);
    h.busy = true;
    let saved;
    try { saved = await grid.save(row, fields, entry.version, false); } finally { h.busy = false; }
    if (!saved) { from.push(entry); return; }
    to.push({ ...entry, version: saved.version });
    const names = Object.keys(fields).map((k) => grid.colByName(k)?.label || k).join(", ");
    toast(`${verb === "undo" ? "Undone" : "Redone"}: ${names} of ${row.label || row.name || row.ip || "the row"}.`, "info", 2000);
  }
  h.undoLast = () => replay(h.undo, h.redo, (e) => e.before, "undo");
  h.redoLast = () => replay(h.redo, h.undo, (e) => e.after, "redo");

  // ------------------------------------------------------------ fill down
  h.fillDown = async (series = false) => {
    const r = h.rect();
    if (!r || r.bottom === r.top) { toast("Select cells in two or more rows to fill down (Shift+↓).", "info", 2500); return; }
    const plan = new Map(); // row id -> fields
    const skipped = new Set();
    for (let c = r.left; c <= r.right; c++) {
      const col = grid.col(c);
      if (!col.writable || col.editor === "secret" || col.editor === "json") { skipped.add(col.label); continue; }
      const top = grid.rows[r.top][col.name];
      const second = grid.rows[r.top + 1][col.name];
      const twoSeeds = series && r.bottom - r.top >= 2 && numbered(top) && numbered(second) && !same(top, second);
      const seeds = twoSeeds ? [top, second] : [top];
      const start = r.top + seeds.length;
      const values = series ? fillValues(seeds, r.bottom - start + 1) : Array(r.bottom - start + 1).fill(top);
      values.forEach((v, k) => {
        const row = grid.rows[start + k];
        if (same(v, row[col.name])) return;
        const id = String(row.id);
        plan.set(id, { ...(plan.get(id) || {}), [col.name]: v });
      });
    }
    if (skipped.size) toast(`Not editable, left as they are: ${[...skipped].join(", ")}`, "info");
    let ok = 0;
    for (const [id, fields] of plan) {
      const row = grid.rows[grid.rowIndex(id)];
      if (row && (await grid.save(row, fields, row.version))) ok += 1;
    }
    if (!plan.size) toast("Nothing to change: the cells already hold those values.", "info", 2000);
    else toast(`Filled ${ok} of ${plan.size} row${plan.size === 1 ? "" : "s"}.`, ok === plan.size ? "info" : "warn", 2500);
  };

  // ------------------------------------------------------------ keys and mouse
  /** Handles a key of the grid (not while editing); true when it was used. */
  h.onKey = (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (mod && !e.altKey && (k === "z" || k === "y")) {
      e.preventDefault();
      if (k === "y" || e.shiftKey) h.redoLast(); else h.undoLast();
      return true;
    }
    // Ctrl+D copies the top cell down; Ctrl+Shift+D continues a series (SRC 1, SRC 2 … or 1, 2 …)
    if (mod && !e.altKey && k === "d") { e.preventDefault(); h.fillDown(e.shiftKey); return true; }
    if (e.key.startsWith("Arrow") && e.shiftKey && !mod) {
      e.preventDefault();
      if (!h.anchor) h.anchor = { ...grid.cursor };
      const d = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] }[e.key];
      const r = grid.rowIndex(grid.cursor.id) + d[0];
      const c = grid.cursor.c + d[1];
      if (r >= 0 && r < grid.rows.length && c >= 0 && c < grid.visible.length) {
        grid.cursor = { id: String(grid.rows[r].id), c };
        grid.placeCursor(true);
      }
      return true;
    }
    if (e.key === "Escape" && h.rect()) { h.anchor = null; h.paint(); return true; }
    if (!e.shiftKey && (e.key.startsWith("Arrow") || ["Tab", "Home", "End", "PageUp", "PageDown", "Enter"].includes(e.key))) {
      h.anchor = null;
    }
    return false;
  };

  grid.table.addEventListener("mousedown", (e) => {
    const td = e.target.closest("td.cell");
    if (!td || e.button !== 0 || td.classList.contains("is-editing")) return;
    if (!e.shiftKey) h.anchor = { ...grid.cursor };
    h.dragging = true;
    h.paint();
  });
  grid.table.addEventListener("mousemove", (e) => {
    if (!h.dragging || !(e.buttons & 1)) { h.dragging = false; return; }
    const td = e.target.closest("td.cell");
    const tr = td?.parentElement;
    if (!td || !tr?.dataset.id || tr.dataset.id === NEW) return;
    const c = Number(td.dataset.c);
    if (grid.cursor.id === tr.dataset.id && grid.cursor.c === c) return;
    grid.cursor = { id: tr.dataset.id, c };
    grid.placeCursor(true);
  });
  document.addEventListener("mouseup", () => { h.dragging = false; });
  return h;
}
