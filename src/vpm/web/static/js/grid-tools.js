// The grid's toolbar and helpers: search, filters, column choice, selection, bulk edit / delete /
// reorder, copy, and turning pasted spreadsheet text into updates and new rows.
import { $, el, debounce } from "./util.js";
import { del, put, get, ApiError } from "./api.js";
import { confirmDialog } from "./dialogs.js";
import { Combo } from "./combo.js";
import { parse, display, subnetFromMask } from "./values.js";
import { toast } from "./toast.js";

const NEW = "__new__";
const norm = (s) => String(s || "").toLowerCase().replace(/[^a-z0-9]/g, "");

function filterable(c) {
  return !c.derived && c.type !== "json" && !c.secret && c.editor !== "text";
}

/** A value control for one column (used by filters and bulk edit). Returns {node, read()}. */
function valueControl(grid, c, idPrefix) {
  const id = `${idPrefix}-${c.name}`;
  if (c.editor === "bool") {
    const s = el("select", { id, "aria-label": c.label }, el("option", { value: "true", text: "yes" }), el("option", { value: "false", text: "no" }));
    return { node: s, read: () => ({ value: s.value === "true" }), text: () => s.value };
  }
  if (c.editor === "choice") {
    const s = el("select", { id, "aria-label": c.label });
    if (c.nullable) s.append(el("option", { value: "", text: "—" }));
    for (const ch of c.choices) s.append(el("option", { value: ch, text: ch.replace(/_/g, " ") }));
    return { node: s, read: () => ({ value: s.value || null }), text: () => s.value };
  }
  if (c.editor === "ref") {
    const input = el("input", { id, type: "text", "aria-label": c.label, placeholder: "Search…" });
    const wrap = el("span", { class: "combo-wrap" }, input);
    const combo = new Combo(input, { options: grid.options[c.ref] || [], filter: c.ref_filter, value: null, allowEmpty: c.nullable });
    return { node: wrap, read: () => ({ value: combo.value }), text: () => combo.value || "" };
  }
  const input = el("input", { id, type: "text", "aria-label": c.label });
  return { node: input, read: () => parse(c, input.value, grid.options), text: () => input.value.trim() };
}

export function installTools(grid) {
  const wrap = grid.wrap;
  const tools = {};
  grid.tools = tools;

  // ---------------------------------------------------------------- search
  const search = $("[data-grid-search]", wrap);
  search?.addEventListener("input", debounce(() => { grid.query.q = search.value.trim(); grid.refetch(); }, 250));
  search?.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "Enter") { e.preventDefault(); grid.placeCursor(true); }
  });

  // ---------------------------------------------------------------- filters
  const chips = $("[data-grid-filters]", wrap);
  const form = $("[data-grid-filter-form]", wrap);
  const renderChips = () => {
    chips.replaceChildren();
    for (const [name, value] of Object.entries(grid.query.filters)) {
      const c = grid.colByName(name);
      const shown = c ? display(c, c.editor === "bool" ? value === "true" : value, grid.options) || value : value;
      chips.append(el("span", { class: "chip" }, `${c ? c.label : name}: ${c?.editor === "bool" ? (value === "true" ? "yes" : "no") : shown}`,
        el("button", { type: "button", class: "chip-x", "aria-label": `Remove filter ${c ? c.label : name}`, text: "×",
          onclick: () => { delete grid.query.filters[name]; renderChips(); grid.refetch(); } })));
    }
  };
  renderChips();
  $("[data-grid-add-filter]", wrap)?.addEventListener("click", () => {
    form.hidden = !form.hidden;
    if (form.hidden) return;
    form.replaceChildren();
    const cols = grid.columns.filter(filterable);
    const pick = el("select", { "aria-label": "Filter on", id: `filter-field-${grid.meta.slug}` },
      ...cols.map((c) => el("option", { value: c.name, text: c.label })));
    const slot = el("span");
    let control = null;
    const swap = () => {
      const c = grid.colByName(pick.value);
      control = valueControl(grid, c, "filter");
      slot.replaceChildren(control.node);
    };
    pick.addEventListener("change", swap);
    swap();
    form.append(el("label", { for: pick.id, text: "Show rows where" }), pick, el("span", { text: "is" }), slot,
      el("button", { class: "btn small primary", type: "submit", text: "Apply" }),
      el("button", { class: "btn small", type: "button", text: "Cancel", onclick: () => { form.hidden = true; } }));
    pick.focus();
  });
  form?.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = form.querySelector("select").value;
    const c = grid.colByName(name);
    const slot = form.querySelector("select").nextElementSibling.nextElementSibling;
    let value;
    const input = slot.querySelector("input, select");
    if (c.editor === "ref") value = input.dataset.value || "";
    else value = input.value.trim();
    if (value === "") { toast("Choose a value to filter on.", "info"); return; }
    grid.query.filters[name] = value;
    form.hidden = true;
    renderChips();
    grid.refetch();
  });

  // ---------------------------------------------------------------- columns
  const colBox = $("[data-grid-columns]", wrap);
  const renderColumnMenu = () => {
    colBox.replaceChildren();
    const shown = new Set(grid.visible);
    for (const c of grid.columns) {
      const id = `col-${grid.meta.slug}-${c.name}`;
      colBox.append(el("label", { class: "check", for: id },
        el("input", { type: "checkbox", id, checked: shown.has(c.name), dataset: { col: c.name } }), ` ${c.label}`));
    }
    colBox.append(el("button", { type: "button", class: "btn small", text: "Default columns",
      onclick: () => { grid.setVisible([]); renderColumnMenu(); } }));
  };
  renderColumnMenu();
  colBox?.addEventListener("change", (e) => {
    const name = e.target.dataset.col;
    if (!name) return;
    const order = grid.columns.map((c) => c.name);
    let next = e.target.checked ? [...grid.visible, name] : grid.visible.filter((n) => n !== name);
    next = order.filter((n) => next.includes(n));
    if (!next.length) { e.target.checked = true; return; }
    grid.setVisible(next);
  });

  // ---------------------------------------------------------------- selection + bulk
  const bulk = $("[data-grid-bulk]", wrap);
  const bulkField = $("[data-grid-bulk-field]", wrap);
  const bulkSlot = $("[data-grid-bulk-value]", wrap);
  let bulkControl = null;
  const editable = grid.columns.filter((c) => c.writable && c.editor !== "json" && c.editor !== "secret");
  for (const c of editable) bulkField.append(el("option", { value: c.name, text: c.label }));
  const swapBulk = () => {
    const c = grid.colByName(bulkField.value);
    if (!c) return;
    bulkControl = valueControl(grid, c, "bulk");
    bulkSlot.replaceChildren(bulkControl.node);
  };
  bulkField.addEventListener("change", swapBulk);
  swapBulk();

  tools.updateBulk = () => {
    for (const id of [...grid.selected]) if (grid.rowIndex(id) < 0) grid.selected.delete(id);
    const n = grid.selected.size;
    bulk.hidden = n === 0;
    $("[data-grid-selected-count]", wrap).textContent = `${n} selected`;
    const all = grid.table.querySelector("[data-select-all]");
    if (all) {
      all.checked = n > 0 && n === grid.rows.length;
      all.indeterminate = n > 0 && n < grid.rows.length;
    }
  };

  tools.toggleSelect = (id, on = null) => {
    if (id === NEW) return;
    const want = on === null ? !grid.selected.has(id) : on;
    if (want) grid.selected.add(id); else grid.selected.delete(id);
    const tr = grid.rowTr(id);
    if (tr) {
      tr.classList.toggle("is-selected", want);
      tr.setAttribute("aria-selected", String(want));
      const box = tr.querySelector("[data-select]");
      if (box) box.checked = want;
    }
    tools.updateBulk();
  };

  tools.onClick = (e) => {
    const sort = e.target.closest("button[data-sort]");
    if (sort) {
      const name = sort.dataset.sort;
      grid.query.sort = grid.query.sort === name ? `-${name}` : grid.query.sort === `-${name}` ? "" : name;
      grid.refetch();
      return;
    }
    const all = e.target.closest("[data-select-all]");
    if (all) {
      const on = all.checked;
      for (const r of grid.rows) tools.toggleSelect(String(r.id), on);
      return;
    }
    const box = e.target.closest("[data-select]");
    if (box) {
      const id = box.dataset.select;
      if (e.shiftKey && grid.lastClicked) {
        const a = grid.rowIndex(grid.lastClicked);
        const b = grid.rowIndex(id);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        for (let i = lo; i <= hi; i++) tools.toggleSelect(String(grid.rows[i].id), true);
      } else {
        tools.toggleSelect(id, box.checked);
      }
      grid.lastClicked = id;
    }
  };

  $("[data-grid-clear]", wrap)?.addEventListener("click", () => {
    for (const id of [...grid.selected]) tools.toggleSelect(id, false);
  });

  $("[data-grid-bulk-apply]", wrap)?.addEventListener("click", async () => {
    const c = grid.colByName(bulkField.value);
    const r = bulkControl.read();
    if (r.error) { toast(`${c.label}: ${r.error}`, "error"); return; }
    const rows = grid.rows.filter((row) => grid.selected.has(String(row.id)));
    let ok = 0;
    for (const row of rows) {
      if (JSON.stringify(row[c.name] ?? null) === JSON.stringify(r.value ?? null)) { ok += 1; continue; }
      if (await grid.save(row, { [c.name]: r.value }, row.version)) ok += 1;
    }
    toast(`${c.label} set on ${ok} of ${rows.length} row${rows.length === 1 ? "" : "s"}.`, ok === rows.length ? "info" : "warn");
  });

  $("[data-grid-bulk-delete]", wrap)?.addEventListener("click", async () => {
    const rows = grid.rows.filter((row) => grid.selected.has(String(row.id)));
    if (!rows.length) return;
    const what = rows.length === 1 ? `“${rows[0].label || rows[0].name || rows[0].title || rows[0].ip || rows[0].id}”` : `${rows.length} ${grid.meta.plural.toLowerCase()}`;
    const soft = grid.meta.delete_mode === "soft";
    if (!(await confirmDialog(`Delete ${what}?${soft ? " Each can be restored from its page." : ""}`, "Delete"))) return;
    let done = 0;
    const refused = [];
    for (const row of rows) {
      const id = String(row.id);
      try {
        const v = row.version !== undefined ? `?version=${row.version}` : "";
        await del(`/api/${grid.meta.slug}/${encodeURIComponent(id)}${v}`);
        done += 1;
        tools.toggleSelect(id, false);
        if (grid.meta.delete_mode === "deactivate") {
          grid.replace(await get(`/api/${grid.meta.slug}/${encodeURIComponent(id)}`));
        } else {
          grid.onEvent({ entity_type: grid.meta.event_type, entity_id: id, op: "delete", data: { id } });
        }
      } catch (err) {
        refused.push(`${row.label || row.name || row.title || row.ip || id}: ${err instanceof ApiError && err.status === 409 ? "changed by someone else since; check it first" : err.message}`);
      }
    }
    toast(`Deleted ${done} of ${rows.length}.${refused.length ? " " + refused.join("; ") : ""}`, refused.length ? "error" : "info");
  });

  for (const button of wrap.querySelectorAll("[data-grid-move]")) {
    button.addEventListener("click", async () => {
      const dir = Number(button.dataset.gridMove);
      const order = grid.rows.map((r) => String(r.id));
      const picked = new Set(grid.selected);
      const idx = dir < 0 ? order.map((_, i) => i) : order.map((_, i) => order.length - 1 - i);
      for (const i of idx) {
        const j = i + dir;
        if (picked.has(order[i]) && j >= 0 && j < order.length && !picked.has(order[j])) [order[i], order[j]] = [order[j], order[i]];
      }
      const byId = new Map(grid.rows.map((r) => [String(r.id), r]));
      try {
        await put(`/api/${grid.meta.slug}/order`, { names: order.map((id) => byId.get(id).name) });
        grid.query.sort = "";
        await grid.refetch();
      } catch (err) {
        toast(err.message, "error");
      }
    });
  }

  // ---------------------------------------------------------------- copy
  tools.copyText = () => {
    const cols = grid.visible.map((n) => grid.colByName(n));
    const text = (row, c) => display(c, row[c.name], grid.options).replace(/[\t\n]/g, " ");
    if (grid.selected.size) {
      return grid.rows.filter((r) => grid.selected.has(String(r.id))).map((r) => cols.map((c) => text(r, c)).join("\t")).join("\n");
    }
    const row = grid.rows[grid.rowIndex(grid.cursor.id)];
    return row ? text(row, cols[grid.cursor.c]) : "";
  };

  // ---------------------------------------------------------------- restore defaults (pick-lists)
  const restore = document.querySelector('[data-action="restore-defaults"]');
  if (restore && !restore.dataset.bound) {
    restore.dataset.bound = "1";
    restore.addEventListener("click", async () => {
      try {
        const { post } = await import("./api.js");
        const r = await post(restore.dataset.url);
        toast(r.changed ? `Restored ${r.changed} default entr${r.changed === 1 ? "y" : "ies"}.` : "Every default entry is already there.", "info");
        await grid.refetch();
      } catch (err) {
        toast(err.message, "error");
      }
    });
  }
}

/**
 * Turn pasted text (tab-separated rows, e.g. copied from a spreadsheet) into updates of existing
 * rows from the cursor down and new rows beyond the last one. A first line that names columns is a
 * header: its columns are used instead of the positions.
 */
export function parsePaste(grid, text) {
  let lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (!lines.length) return null;
  let cells = lines.map((l) => l.split("\t"));
  const byLabel = new Map();
  for (const c of grid.columns) { byLabel.set(norm(c.label), c); byLabel.set(norm(c.name), c); }
  let targets;
  const first = cells[0].filter((x) => x.trim() !== "");
  if (cells.length > 1 && first.length && first.every((x) => byLabel.has(norm(x)))) {
    targets = cells[0].map((x) => (x.trim() ? byLabel.get(norm(x)) : null));
    cells = cells.slice(1);
  } else {
    const width = Math.max(...cells.map((r) => r.length));
    targets = [];
    for (let k = 0; k < width; k++) targets.push(grid.col(grid.cursor.c + k) || null);
  }
  if (cells.length === 1 && cells[0].length === 1 && grid.cursor.id !== NEW) {
    const c = grid.col(grid.cursor.c);
    const row = grid.rows[grid.rowIndex(grid.cursor.id)];
    const none = { skipped: [], updates: [], creates: [], conversions: [] };
    if (!c.writable) return { ...none, errors: [`${c.label} is not editable`] };
    let r = parse(c, cells[0][0], grid.options);
    if (!r.error && c.name === "subnet" && r.value) r = { ...subnetFromMask(r.value, row.ip), raw: r.value };
    if (r.error) return { ...none, errors: [`${c.label}: ${r.error}`] };
    const conversions = r.converted ? [`${c.label}: “${cells[0][0].trim()}” → ${r.converted}`] : [];
    return { ...none, conversions, updates: r.skip ? [] : [{ row, fields: { [c.name]: r.value } }] };
  }
  const conversions = [];
  const errors = [];
  const skipped = new Set();
  const updates = [];
  const creates = [];
  let r0 = grid.rowIndex(grid.cursor.id);
  cells.forEach((line, n) => {
    const existing = grid.cursor.id === NEW ? null : grid.rows[r0 + n] || null;
    const fields = {};
    line.forEach((raw, k) => {
      const c = targets[k];
      if (!c) { if (raw.trim()) skipped.add(`column ${k + 1}`); return; }
      if (existing ? !c.writable : !c.creatable) { if (raw.trim()) skipped.add(c.label); return; }
      const r = parse(c, raw, grid.options);
      if (r.error) { errors.push(`row ${n + 1}, ${c.label}: ${r.error}`); return; }
      if (r.skip) return;
      if (!existing && (r.value === null || r.value === "")) return;
      if (r.converted) conversions.push(`row ${n + 1}, ${c.label}: “${raw.trim()}” → ${r.converted}`);
      fields[c.name] = r.value;
    });
    if (typeof fields.subnet === "string" && fields.subnet) {
      const raw = fields.subnet;
      const r = subnetFromMask(raw, fields.ip ?? existing?.ip);
      if (r.error) errors.push(`row ${n + 1}, ${grid.colByName("subnet")?.label || "Subnet"}: ${r.error}`);
      else if (r.converted) {
        conversions.push(`row ${n + 1}, ${grid.colByName("subnet")?.label || "Subnet"}: “${raw}” → ${r.converted}`);
        fields.subnet = r.value;
      }
    }
    if (!Object.keys(fields).length) return;
    if (existing) updates.push({ row: existing, fields });
    else {
      const missing = grid.meta.required.filter((q) => fields[q] === undefined || fields[q] === null || fields[q] === "");
      if (missing.length) errors.push(`row ${n + 1}: needs ${missing.map((q) => grid.colByName(q)?.label || q).join(", ")}`);
      creates.push(fields);
    }
  });
  return { errors, skipped: [...skipped], updates, creates, conversions };
}
