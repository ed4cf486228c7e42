// The spreadsheet-like table of one entity kind: arrow keys, Enter / Tab / type-to-edit, each cell
// edit PATCHes with its row's version, the last row adds rows, paste adds or overwrites rows,
// multi-select for bulk edit and delete, sort, filter, column choice, live updates.
import { $, el, readJSON, store, words, SaveQueue } from "./util.js";
import { patch, post, get, del, ApiError, OfflineError, readOnly, learnLabels, fieldLabel } from "./api.js";
import { resolveConflict, newFormat, confirmDialog } from "./dialogs.js";
import { Combo } from "./combo.js";
import { parse, display, same, subnetFromMask } from "./values.js";
import { toast } from "./toast.js";
import { onChange, slugOf, emitLocal } from "./live.js";
import { installTools, parsePaste } from "./grid-tools.js";
import { installHabits } from "./grid-habits.js";
import { installView } from "./grid-view.js";

const NEW = "__new__";
// Only the rows in view (and this many more each side) are drawn; the rest are gaps of the same height.
// Each drawn row costs layout, paint and hit-testing on every keystroke, so typing stays quick however
// long the list. A grid shorter than WINDOW_FROM rows draws every row.
const OVERSCAN = 20;
const WINDOW_FROM = 150;
const KINDS = readJSON("kinds-data") || {};
// keys of a row that are not for people: the raw numbers behind "Figures" (one formatter on the
// server turns them into text), bookkeeping and ids
const SKIP_DERIVED = new Set(["entity", "cards", "archived", "derived", "derived_missing", "derived_error",
  "field_versions", "deleted_at", "production_id", "kind", "chains", "blend_diagram", "throw"]);
const derivedColumn = (k) => ({ name: k, label: words(k), editor: "derived", type: "derived", writable: false,
  creatable: false, derived: true });

export class Grid {
  constructor(wrap) {
    this.wrap = wrap;
    const data = readJSON($("script[data-grid-data]", wrap));
    this.data = data;
    this.meta = data.meta;
    this.options = data.options || {};
    this.rows = data.rows;
    this.total = data.total;
    this.query = { q: data.q || "", sort: data.sort || "", filters: { ...(data.filters || {}) } };
    this.table = $("table.grid", wrap);
    this.scroller = this.table.closest(".grid-scroll");
    this.cursor = { id: this.rows.length ? String(this.rows[0].id) : NEW, c: 0 };
    this.editing = null;
    this.selected = new Set();
    this.lastClicked = null;
    this.draft = {};
    this.refused = new Map(); // "id:field" -> {value, reason}: a refused value stays shown until fixed or Esc
    this.queue = new SaveQueue();
    learnLabels(this.meta.columns);
    this.columns = this.allColumns();
    this.visible = this.loadVisible();
    this.render();
    if (this.scroller) {
      let queued = false;
      const redraw = () => {
        if (queued) return;
        queued = true;
        requestAnimationFrame(() => { queued = false; this.sync(); this.habits?.paint(); });
      };
      this.scroller.addEventListener("scroll", redraw, { passive: true });
      window.addEventListener("resize", redraw);
    }
    installTools(this);
    this.bind();
    installHabits(this);
    installView(this);
    onChange((ev) => this.onEvent(ev));
    // the server drew the rows matching label and name; match the visible columns as well
    if (this.query.q) this.refetch();
  }

  // ------------------------------------------------------------------ columns

  allColumns() {
    const fields = new Set(this.meta.fields);
    const derived = new Set();
    for (const row of this.rows.slice(0, 50)) {
      for (const k of Object.keys(row)) if (!fields.has(k) && !SKIP_DERIVED.has(k)) derived.add(k);
    }
    const out = [...this.meta.columns];
    for (const k of derived) {
      out.push(derivedColumn(k));
    }
    return out;
  }

  /** A row may carry derived fields the first rows did not show (an empty table): add their columns. */
  learnColumns(record) {
    const fields = new Set(this.meta.fields);
    const fresh = Object.keys(record || {}).filter((k) => !fields.has(k) && !SKIP_DERIVED.has(k) && !this.colByName(k));
    if (!fresh.length) return;
    for (const k of fresh) {
      this.columns.push(derivedColumn(k));
    }
    if (!store.get(`vpm.columns.${this.meta.slug}`)) this.visible = this.defaultVisible();
    // never rebuild the table under an open editor: what is being typed would be lost
    if (this.editing) this.renderPending = true;
    else this.render();
  }

  defaultVisible() {
    const names = new Set(this.meta.list_columns);
    for (const c of this.columns) if (c.derived) names.add(c.name);
    return this.columns.filter((c) => names.has(c.name)).map((c) => c.name);
  }

  loadVisible() {
    const saved = store.get(`vpm.columns.${this.meta.slug}`);
    const names = new Set(this.columns.map((c) => c.name));
    const list = Array.isArray(saved) ? saved.filter((n) => names.has(n)) : null;
    return list && list.length ? list : this.defaultVisible();
  }

  setVisible(names) {
    this.visible = names.length ? names : this.defaultVisible();
    store.set(`vpm.columns.${this.meta.slug}`, this.visible);
    this.cursor.c = Math.min(this.cursor.c, this.visible.length - 1);
    this.render();
    if (this.query.q) this.refetch();
  }

  col(i) { return this.columns.find((c) => c.name === this.visible[i]); }
  colByName(name) { return this.columns.find((c) => c.name === name); }

  // ------------------------------------------------------------------ rendering

  render() {
    const hadFocus = this.table.contains(document.activeElement);
    const head = el("tr", {},
      el("th", { class: "sel", scope: "col" }, el("input", { type: "checkbox", "aria-label": "Select every row", "data-select-all": true })));
    this.visible.forEach((name, i) => {
      const c = this.colByName(name);
      const sort = this.query.sort === name ? "ascending" : this.query.sort === `-${name}` ? "descending" : null;
      const sortable = !c.derived && c.type !== "json" && !c.secret;
      head.append(el("th", { scope: "col", "aria-sort": sort, class: `col-${c.editor}`, dataset: { c: i } },
        sortable ? el("button", { type: "button", class: "sort", dataset: { sort: name },
          title: `Sort by ${c.label}` }, c.label, sort ? (sort === "ascending" ? " ▲" : " ▼") : "")
          : el("span", { text: c.label }),
        c.required ? el("span", { class: "req", title: "required", text: "*" }) : null));
    });
    head.append(el("th", { scope: "col", class: "open" }, el("span", { class: "sr-only", text: "Open" })));
    this.table.tHead.replaceChildren(head);
    this.table.tBodies[0].replaceChildren(this.renderNewRow());
    this.sync();
    this.view?.decorate();
    this.updateChrome();
    this.placeCursor(hadFocus);
  }

  /** Draw the rows in view (plus OVERSCAN each side), the cursor's and the edited one's; every run of rows
   * not drawn is one gap row of their height, so the scroll bar and every position stay true. A drawn row
   * is kept as it is while wanted, never re-made: an open editor and the keyboard focus survive scrolling. */
  sync() {
    const body = this.table.tBodies[0];
    const n = this.rows.length;
    const want = new Set();
    if (n < WINDOW_FROM || !this.scroller) {
      for (let i = 0; i < n; i++) want.add(i);
    } else {
      const h = this.rowHeight();
      const top = this.scroller.scrollTop - (this.table.tHead?.offsetHeight || 0);
      const first = Math.max(0, Math.floor(top / h) - OVERSCAN);
      const last = Math.min(n, Math.ceil((top + this.scroller.clientHeight) / h) + OVERSCAN);
      for (let i = first; i < last; i++) want.add(i);
      for (const id of [this.cursor.id, this.editing?.id]) {
        const i = id && id !== NEW ? this.rowIndex(id) : -1;
        if (i >= 0) want.add(i);
      }
    }
    const ids = new Set([...want].map((i) => String(this.rows[i].id)));
    const kept = new Map();
    for (const tr of [...body.rows]) {
      if (tr.classList.contains("new-row")) continue;
      const id = tr.dataset.id;
      if (id && ids.has(id) && !kept.has(id)) kept.set(id, tr);
      else tr.remove();
    }
    let ref = body.firstElementChild; // the next kept row, or the add row at the end
    let prev = -1;
    const place = (node) => body.insertBefore(node, ref);
    for (const i of [...want].sort((a, b) => a - b)) {
      if (i > prev + 1) place(this.gap(i - prev - 1));
      const id = String(this.rows[i].id);
      let tr = kept.get(id);
      if (tr && tr === ref) ref = ref.nextElementSibling;
      else if (tr) place(tr); // (rows keep their order, so this does not happen)
      else { tr = this.renderRow(this.rows[i]); place(tr); }
      tr.setAttribute("aria-rowindex", String(i + 2));
      prev = i;
    }
    if (n > prev + 1) place(this.gap(n - prev - 1));
    body.lastElementChild?.setAttribute("aria-rowindex", String(n + 2));
    this.table.setAttribute("aria-rowcount", String(n + 2));
  }

  rowHeight() {
    if (!this.rowH) {
      const tr = this.table.tBodies[0].querySelector("tr[data-id]");
      const h = tr ? tr.getBoundingClientRect().height : 0;
      if (h > 0) this.rowH = h;
    }
    return this.rowH || 33;
  }

  gap(count) {
    const td = el("td", { colspan: String(this.visible.length + 2) });
    td.style.height = `${count * this.rowHeight()}px`; // CSSOM, allowed by the strict style policy
    return el("tr", { class: "grid-gap", "aria-hidden": "true" }, td);
  }

  renderRow(row) {
    const id = String(row.id);
    const inactive = row.is_active === false;
    const tr = el("tr", { dataset: { id }, class: `${this.selected.has(id) ? "is-selected" : ""}${inactive ? " is-inactive" : ""}`,
      "aria-selected": String(this.selected.has(id)) });
    tr.append(el("td", { class: "sel" }, el("input", { type: "checkbox", checked: this.selected.has(id),
      "aria-label": `Select ${row.label || row.name || row.title || row.ip || id}`, tabindex: "-1", "data-select": id })));
    this.visible.forEach((name, i) => tr.append(this.renderCell(row, this.colByName(name), i)));
    tr.append(el("td", { class: "open" }, el("a", { href: this.data.detail_base + encodeURIComponent(id), tabindex: "-1",
      title: "Open (Ctrl+Enter)", text: "Open" })));
    return tr;
  }

  renderCell(row, c, i) {
    const refused = this.refused.get(`${row.id}:${c.name}`);
    const value = refused ? refused.value : row[c.name];
    const text = display(c, value, this.options);
    const cls = [`cell`, `col-${c.editor}`];
    if (refused) {
      return el("td", { class: `${cls.join(" ")} is-refused`, role: "gridcell", tabindex: "-1", dataset: { c: i },
        "aria-invalid": "true", title: `Not saved: ${refused.reason} (Esc puts back the saved value)` },
        text, el("span", { class: "cell-reason", text: refused.reason }));
    }
    if (!c.writable) cls.push("ro");
    if (c.name === "warnings" && Array.isArray(value) && value.length) cls.push("warn-cell");
    if (c.name === "overdue" && value) cls.push("danger-cell");
    return el("td", { class: cls.join(" "), role: "gridcell", tabindex: "-1", dataset: { c: i },
      title: text.length > 40 ? text : null, text });
  }

  renderNewRow() {
    const tr = el("tr", { class: "new-row", dataset: { id: NEW } });
    tr.append(el("td", { class: "sel" }, el("span", { class: "plus", "aria-hidden": "true", text: "+" })));
    const firstEditable = this.visible.findIndex((n) => this.colByName(n).creatable);
    this.visible.forEach((name, i) => {
      const c = this.colByName(name);
      const has = name in this.draft;
      const td = el("td", { class: `cell col-${c.editor}${c.creatable ? "" : " ro"}`, role: "gridcell", tabindex: "-1",
        dataset: { c: i }, text: has ? display(c, this.draft[name], this.options) : "" });
      if (!has && i === firstEditable && !Object.keys(this.draft).length) {
        td.classList.add("has-placeholder");
        td.append(el("span", { class: "placeholder", text: `Type to add a ${this.meta.label.toLowerCase()}` }));
      }
      tr.append(td);
    });
    const missing = this.missingRequired();
    tr.append(el("td", { class: "open muted small", text: Object.keys(this.draft).length && missing.length
      ? `needs ${missing.map((n) => this.colByName(n)?.label || n).join(", ")}` : "" }));
    return tr;
  }

  rowIndex(id) { return id === NEW ? this.rows.length : this.rows.findIndex((r) => String(r.id) === id); }
  rowTr(id) { return this.table.tBodies[0].querySelector(`tr[data-id="${CSS.escape(id)}"]`); }
  cellTd(id, c) { return this.rowTr(id)?.querySelector(`td.cell[data-c="${c}"]`); }

  refreshRow(row) {
    const id = String(row.id);
    const tr = this.rowTr(id);
    const fresh = this.renderRow(row);
    if (!tr) return;
    if (this.editing && this.editing.id === id) {
      // keep the cell being edited; refresh the others
      for (const td of [...fresh.children]) {
        const c = td.dataset.c;
        if (c !== undefined && Number(c) === this.editing.c) continue;
        const old = c !== undefined ? tr.querySelector(`td.cell[data-c="${c}"]`) : null;
        if (old) old.replaceWith(td);
      }
      return;
    }
    const hadFocus = tr.contains(document.activeElement);
    tr.replaceWith(fresh);
    if (this.cursor.id === id) this.placeCursor(hadFocus);
  }

  flash(id) {
    const tr = this.rowTr(id);
    if (!tr) return;
    tr.classList.add("flash");
    setTimeout(() => tr.classList.remove("flash"), 1600);
  }

  updateChrome() {
    const count = $("[data-grid-count]", this.wrap);
    if (count) {
      count.textContent = this.rows.length < this.total
        ? `${this.rows.length} of ${this.total} rows` : `${this.total} row${this.total === 1 ? "" : "s"}`;
    }
    const paging = $("[data-grid-paging]", this.wrap);
    if (paging) {
      paging.hidden = this.rows.length >= this.total;
      paging.textContent = paging.hidden ? "" : `Showing the first ${this.rows.length} of ${this.total}: filter to narrow.`;
    }
    this.tools?.updateBulk();
  }

  // ------------------------------------------------------------------ cursor

  placeCursor(focus = true) {
    if (this.editing) focus = false; // an open editor keeps the keyboard
    if (this.cursor.id !== NEW && Object.keys(this.draft).length) this.submitDraft("leave");
    for (const td of this.table.querySelectorAll('td.cell[tabindex="0"]')) td.tabIndex = -1;
    if (this.rowIndex(this.cursor.id) < 0) this.cursor.id = this.rows.length ? String(this.rows[0].id) : NEW;
    if (!this.rowTr(this.cursor.id)) this.sync(); // a row out of view is drawn to take the cursor
    const td = this.cellTd(this.cursor.id, this.cursor.c);
    if (!td) return;
    td.tabIndex = 0;
    for (const cur of this.table.querySelectorAll("td.is-cursor")) cur.classList.remove("is-cursor");
    td.classList.add("is-cursor");
    if (focus) {
      td.focus({ preventScroll: true });
      td.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    this.habits?.paint();
  }

  move(dr, dc, focus = true) {
    let r = this.rowIndex(this.cursor.id) + dr;
    let c = this.cursor.c + dc;
    const maxR = this.rows.length;
    if (c >= this.visible.length) { c = 0; r += 1; }
    if (c < 0) { c = this.visible.length - 1; r -= 1; }
    r = Math.max(0, Math.min(maxR, r));
    this.cursor = { id: r === maxR ? NEW : String(this.rows[r].id), c: Math.max(0, Math.min(this.visible.length - 1, c)) };
    this.placeCursor(focus);
  }

  // ------------------------------------------------------------------ editing

  startEdit(initial = null) {
    if (readOnly()) {
      toast("You can view this show but not change it.", "info", 2500);
      return;
    }
    const { id, c } = this.cursor;
    const col = this.col(c);
    if (!col) return;
    const isNew = id === NEW;
    if (isNew ? !col.creatable : !col.writable) {
      toast(`${col.label} is not editable here${col.derived ? " (it is worked out from other fields)" : ""}.`, "info", 2500);
      return;
    }
    const row = isNew ? this.draft : this.rows[this.rowIndex(id)];
    if (col.editor === "bool") { this.commit(id, col, !row[col.name], null); return; }
    const td = this.cellTd(id, c);
    const refused = isNew ? null : this.refused.get(`${id}:${col.name}`);
    const value = refused ? refused.value : row[col.name];
    let input;
    let combo = null;
    if (col.editor === "choice") {
      input = el("select", { class: "cell-editor", "aria-label": col.label });
      if (col.nullable || isNew) input.append(el("option", { value: "", text: "—" }));
      for (const ch of col.choices) input.append(el("option", { value: ch, text: ch.replace(/_/g, " "), selected: ch === value }));
    } else {
      input = el("input", { class: "cell-editor", type: "text", "aria-label": col.label, autocomplete: "off",
        spellcheck: "false" });
      if (col.editor === "secret") input.type = "password";
      else if (col.editor === "json") input.value = value == null ? "" : JSON.stringify(value);
      else if (col.editor !== "ref") input.value = value == null ? "" : (col.type === "datetime" ? String(value).replace("T", " ").slice(0, 16) : String(value));
      if (initial !== null && col.editor !== "ref") input.value = initial;
    }
    td.classList.add("is-editing");
    // the editor sits in a box of fixed size over the cell (CSS containment): what is typed lays out
    // only that box, never the whole table (a 1,000-row table took ~0.5 s per key otherwise)
    td.replaceChildren(el("span", { class: "cell-shadow", "aria-hidden": "true", text: td.textContent }),
      el("div", { class: "cell-edit-box" }, input));
    this.editing = { id, c, input, combo: null, base: isNew ? null : row.version, original: value };
    if (col.editor === "ref") {
      const extra = col.ref === "format" ? [{ label: "New format…", action: newFormat }] : [];
      combo = new Combo(input, { options: this.options[col.ref] || [], filter: col.ref_filter, value, allowEmpty: col.nullable,
        extra, onPick: (v) => { if (this.editing && this.editing.input === input) this.commit(id, col, v, "stay"); } });
      this.editing.combo = combo;
      input.focus();
      if (initial !== null) { input.value = initial; combo.open(initial); } else combo.open("");
      return;
    }
    input.focus();
    if (input.select && initial === null) input.select();
    if (col.editor === "choice" && initial) {
      const hit = col.choices.find((ch) => ch.toLowerCase().startsWith(initial.toLowerCase()));
      if (hit) input.value = hit;
    }
  }

  cancelEdit(focus = true) {
    if (!this.editing) return;
    const { id } = this.editing;
    this.editing.combo?.destroy();
    this.editing = null;
    if (id === NEW) this.rowTr(NEW)?.replaceWith(this.renderNewRow());
    else { const row = this.rows[this.rowIndex(id)]; if (row) this.refreshRow(row); }
    this.placeCursor(focus);
  }

  /** Finish the edit in progress; ``then`` moves the cursor (down, right, left, stay). */
  finishEdit(then) {
    const ed = this.editing;
    if (!ed) return;
    const col = this.col(ed.c);
    let result;
    if (col.editor === "ref") result = { value: ed.combo.value };
    else if (col.editor === "choice") result = { value: ed.input.value === "" ? null : ed.input.value };
    else result = parse(col, ed.input.value, this.options);
    if (!result.error && col.name === "subnet" && result.value) {
      const row = ed.id === NEW ? this.draft : this.rows[this.rowIndex(ed.id)];
      result = subnetFromMask(result.value, row?.ip);
    }
    if (result.error) {
      ed.input.setAttribute("aria-invalid", "true");
      toast(`${col.label}: ${result.error}`, "error");
      return;
    }
    if (result.skip) { this.cancelEdit(); this.after(then); return; }
    this.commit(ed.id, col, result.value, then);
  }

  after(then) {
    if (then === "down") this.move(1, 0);
    else if (then === "up") this.move(-1, 0);
    else if (then === "right") this.move(0, 1);
    else if (then === "left") this.move(0, -1);
    else this.placeCursor(then !== "none");
  }

  commit(id, col, value, then) {
    const ed = this.editing;
    const base = ed && ed.id === id ? ed.base : null;
    if (ed) { ed.combo?.destroy(); this.editing = null; }
    if (this.renderPending) { this.renderPending = false; this.render(); }
    if (id === NEW) {
      // the new row collects every typed cell; it becomes one record when the person presses
      // Enter or leaves the row (submitDraft), never cell by cell
      if (!Object.keys(this.draft).length) this.rowStart = this.visible.indexOf(col.name);
      if (value === null || value === "" || value === undefined) delete this.draft[col.name];
      else this.draft[col.name] = value;
      this.rowTr(NEW)?.replaceWith(this.renderNewRow());
      if (then === "down") { this.placeCursor(true); this.submitDraft("enter"); return; }
      this.after(then);
      return;
    }
    const row = this.rows[this.rowIndex(id)];
    if (!row) return;
    const wasRefused = this.refused.delete(`${id}:${col.name}`);
    this.refreshRow(row);
    this.after(then);
    if (same(value, row[col.name])) { if (wasRefused) this.refreshRow(row); return; }
    this.save(row, { [col.name]: value }, base ?? row.version);
  }

  /** PATCH changed fields of a row; conflicts go to the chooser, refusals are shown. */
  save(row, fields, base, track = true) {
    const id = String(row.id);
    const before = Object.fromEntries(Object.keys(fields).map((k) => [k, row[k] ?? null]));
    return this.queue.run(id, fields, base, async (from) => {
      const saved = await this.send(row, fields, from);
      if (saved && track) this.habits?.record(id, before, fields, saved.version); // for Ctrl+Z
      return saved;
    });
  }

  async send(row, fields, base) {
    const id = String(row.id);
    const url = `/api/${this.meta.slug}/${encodeURIComponent(id)}`;
    const body = { version: base, ...fields };
    const tr = this.rowTr(id);
    tr?.classList.add("is-saving");
    for (const [k, v] of Object.entries(fields)) {
      const i = this.visible.indexOf(k);
      const td = i >= 0 ? this.cellTd(id, i) : null;
      if (td && !td.classList.contains("is-editing")) td.textContent = display(this.colByName(k), v, this.options);
    }
    try {
      const saved = await patch(url, body);
      for (const k of Object.keys(fields)) this.refused.delete(`${id}:${k}`);
      this.replace(saved);
      return saved;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 422 || err.status === 400)) {
        // refused: nothing changed on the server; the typed value stays in its cell with the reason
        const errs = Array.isArray(err.body.errors) ? err.body.errors : [];
        for (const [k, v] of Object.entries(fields)) {
          const mine = errs.filter((x) => String(x.field).split(".").pop() === k);
          const reason = mine.length ? mine.map((x) => x.reason).join("; ") : err.message;
          this.refused.set(`${id}:${k}`, { value: v, reason });
          toast(`${this.colByName(k)?.label || fieldLabel(k)}: ${reason}`, "error");
        }
        const current = this.rows[this.rowIndex(id)];
        if (current) this.refreshRow(current);
        return null;
      }
      if (err instanceof ApiError && err.status === 409 && err.body.conflicts) {
        try {
          const saved = await resolveConflict(url, body, err, (f) => this.colByName(f)?.label || fieldLabel(f),
            (f, v) => (this.colByName(f) ? display(this.colByName(f), v, this.options) : display(null, v)));
          this.replace(saved);
          return saved;
        } catch (again) { toast(again.message, "error"); }
      } else {
        const prefix = `${row.label || row.name || row.title || row.ip || ""}`.trim();
        toast(err instanceof OfflineError ? err.message : `${prefix ? prefix + ": " : ""}${err.message}`, "error");
      }
      const current = this.rows[this.rowIndex(id)];
      if (current) this.refreshRow(current);
      return null;
    } finally {
      this.rowTr(id)?.classList.remove("is-saving");
    }
  }

  replace(record) {
    if (!record) return;
    const id = String(record.id);
    const i = this.rowIndex(id);
    if (i < 0) return;
    if (record.version !== undefined && this.rows[i].version !== undefined && record.version < this.rows[i].version) return;
    this.rows[i] = record;
    this.refreshRow(record);
    emitLocal({ entity_type: this.meta.event_type, entity_id: id, op: "update", data: record });
  }

  missingRequired() {
    return this.meta.required.filter((n) => this.draft[n] === undefined || this.draft[n] === null || this.draft[n] === "");
  }

  /**
   * Turn the new row's typed cells into one record. ``how`` is "enter" (Enter pressed: say what is
   * missing) or "leave" (the cursor or the focus left the row: keep an incomplete row as it is).
   */
  async submitDraft(how) {
    if (!Object.keys(this.draft).length) return;
    // the row before is still being added: this one follows as soon as it is (Enter is never dropped)
    if (this.submitting) { this.submitNext = this.submitNext === "enter" ? "enter" : how; return; }
    const missing = this.missingRequired();
    if (missing.length) {
      if (how === "enter") {
        toast(`Not added yet: needs ${missing.map((n) => this.colByName(n)?.label || n).join(", ")}.`, "info", 3000);
        const at = this.visible.indexOf(missing[0]);
        if (at >= 0 && this.cursor.id === NEW) { this.cursor.c = at; this.placeCursor(true); }
      }
      return;
    }
    const values = this.draft;
    this.draft = {};
    const hadFocus = this.table.contains(document.activeElement);
    if (!(this.editing && this.editing.id === NEW)) {
      this.rowTr(NEW)?.replaceWith(this.renderNewRow());
      // Enter: the next row starts in the column this one was started in, like a spreadsheet
      if (how === "enter" && this.cursor.id === NEW && this.rowStart >= 0) this.cursor.c = this.rowStart;
      if (this.cursor.id === NEW) this.placeCursor(hadFocus);
    }
    this.submitting = true;
    let made;
    try { made = await this.create([values], false); } finally { this.submitting = false; }
    // refused: give the typed values back unless a next row is already being typed
    if (!made && !Object.keys(this.draft).length && !(this.editing && this.editing.id === NEW)) {
      const focused = this.table.contains(document.activeElement);
      this.draft = values;
      this.rowTr(NEW)?.replaceWith(this.renderNewRow());
      if (this.cursor.id === NEW) this.placeCursor(focused);
    }
    const next = this.submitNext;
    this.submitNext = null;
    if (next && made) await this.submitDraft(next);
  }

  /** Create rows (one POST for one, the bulk endpoint for several: all or nothing). */
  async create(items, moveCursor = true) {
    try {
      let made;
      if (items.length === 1) {
        made = [await post(this.data.collection, items[0])];
      } else {
        const body = { items };
        if (this.data.production_id) body.production_id = this.data.production_id;
        made = (await post(this.data.bulk, body)).items;
      }
      const focusWasInGrid = this.table.contains(document.activeElement);
      for (const rec of made) {
        if (this.rowIndex(String(rec.id)) >= 0) continue;
        this.learnColumns(rec);
        this.rows.push(rec);
        this.total += 1;
        emitLocal({ entity_type: this.meta.event_type, entity_id: String(rec.id), op: "create", data: rec });
      }
      this.sync();
      for (const rec of made) this.flash(String(rec.id));
      this.updateChrome();
      if (moveCursor) this.placeCursor(focusWasInGrid);
      toast(made.length === 1 ? `Added ${made[0].label || made[0].name || made[0].title || made[0].ip || "a row"}.` : `Added ${made.length} rows.`, "info", 2500);
      return made;
    } catch (err) {
      toast(err instanceof OfflineError ? err.message : `Not added: ${err.message}`, "error");
      return null;
    }
  }

  // ------------------------------------------------------------------ data

  /** The download address of this grid as it is shown: visible columns, in order, and the filter. */
  downloadUrl(fmt) {
    const allowed = new Set([...this.meta.fields, "ports", "standard", "due_date", "overdue"]);
    const params = new URLSearchParams();
    params.set("columns", this.visible.filter((n) => allowed.has(n)).join(","));
    if (this.query.q) params.set("q", this.query.q);
    if (this.query.sort) params.set("sort", this.query.sort);
    for (const [k, v] of Object.entries(this.query.filters)) params.set(k, v);
    const base = this.data.production_id ? `/api/productions/${this.data.production_id}/grid` : "/api/grid";
    return `${base}/${this.meta.slug}.${fmt}?${params}`;
  }

  async refetch() {
    const params = new URLSearchParams();
    if (this.query.q) params.set("q", this.query.q);
    if (this.query.sort) params.set("sort", this.query.sort);
    for (const [k, v] of Object.entries(this.query.filters)) params.set(k, v);
    const shown = new URL(location.href);
    for (const k of [...shown.searchParams.keys()]) if (k !== "net") shown.searchParams.delete(k);
    for (const [k, v] of params) shown.searchParams.set(k, v);
    history.replaceState(history.state, "", shown.pathname + shown.search + shown.hash);
    // the filter box matches any visible column, as the download does
    if (this.query.q) params.set("columns", this.visible.join(","));
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    const most = this.data.limit || 1000;
    try {
      // the API answers at most 1,000 rows a call: read on until the grid holds what the page would
      let rows = [];
      let total = 0;
      do {
        params.set("limit", String(Math.min(1000, most - rows.length)));
        params.set("offset", String(rows.length));
        const result = await get(`${this.data.collection}?${params}`);
        if (ticket !== this.ticket) return; // a newer sort or filter was asked for meanwhile
        rows = rows.concat(result.items);
        total = result.total;
        if (!result.items.length) break;
      } while (rows.length < Math.min(total, most));
      this.rows = rows;
      this.total = total;
      this.render();
    } catch (err) {
      toast(`Could not load: ${err.message}`, "error");
    }
  }

  onEvent(ev) {
    const slug = slugOf(ev.entity_type);
    this.updateOptions(ev, slug);
    if (slug === "ports" && this.meta.kind && ev.data?.device_id) {
      const row = this.rows.find((r) => String(r.id) === ev.data.device_id);
      if (row && Array.isArray(row.ports)) {
        const others = row.ports.filter((p) => p.id !== ev.entity_id);
        row.ports = ev.op === "delete" ? others : [...others, ev.data].sort((a, b) => (a.direction > b.direction) - (a.direction < b.direction) || a.index - b.index);
        this.refreshRow(row);
      }
      return;
    }
    if (slug !== this.meta.slug) return;
    const id = String(ev.entity_id);
    const i = this.rowIndex(id);
    if (ev.op === "delete" && this.meta.delete_mode !== "deactivate") {
      if (i < 0) return;
      if (this.editing?.id === id) { this.editing.combo?.destroy(); this.editing = null; toast(`${ev.actor} deleted the row you were editing.`, "warn"); }
      this.rows.splice(i, 1);
      this.selected.delete(id);
      this.total = Math.max(0, this.total - 1);
      this.sync();
      this.updateChrome();
      if (this.cursor.id === id) this.placeCursor(false);
      return;
    }
    const data = ev.data && ev.data.id !== undefined && Object.keys(ev.data).length > 1 ? ev.data : null;
    if (!data) return;
    if (i >= 0) {
      if (data.version !== undefined && this.rows[i].version > data.version) return;
      this.rows[i] = data;
      this.refreshRow(data);
      if (ev.actor) this.flash(id);
    } else if (ev.op === "create" || ev.op === "restore") {
      this.learnColumns(data);
      this.rows.push(data);
      this.total += 1;
      this.sync();
      this.flash(id);
      this.updateChrome();
    }
  }

  updateOptions(ev, slug) {
    const devices = this.options.device;
    if (devices && ev.data && ev.entity_type && slug && slug !== "ports" && this.isDeviceSlug(slug)) {
      const at = devices.findIndex((o) => o.id === ev.entity_id);
      if (ev.op === "delete") { if (at >= 0) devices.splice(at, 1); return; }
      const d = ev.data;
      const label = !d.name || d.name === d.label ? d.label : `${d.label} · ${d.name}`;
      const entry = { id: ev.entity_id, label, kind: ev.entity_type, group: ev.entity_type.replace(/_/g, " ") };
      if (at >= 0) devices[at] = entry; else devices.push(entry);
    }
  }

  isDeviceSlug(slug) {
    return Object.values(KINDS).some((k) => k.slug === slug && k.device);
  }

  // ------------------------------------------------------------------ events

  bind() {
    const t = this.table;
    for (const link of this.wrap.querySelectorAll("[data-grid-download]")) {
      link.addEventListener("click", () => { link.href = this.downloadUrl(link.dataset.gridDownload); });
    }
    t.addEventListener("mousedown", (e) => {
      const td = e.target.closest("td.cell");
      if (!td || td.classList.contains("is-editing")) return;
      const tr = td.parentElement;
      if (this.editing) this.finishEdit("stay");
      this.cursor = { id: tr.dataset.id, c: Number(td.dataset.c) };
      this.placeCursor(true);
      e.preventDefault();
    });
    t.addEventListener("dblclick", (e) => {
      const td = e.target.closest("td.cell");
      if (td && !td.classList.contains("is-editing")) this.startEdit();
    });
    t.addEventListener("click", (e) => this.tools.onClick(e));
    t.addEventListener("keydown", (e) => this.onKey(e));
    t.addEventListener("focusout", () => {
      // focus left the grid (clicked elsewhere, Tab out): a typed new row is added now
      setTimeout(() => {
        if (!Object.keys(this.draft).length || this.editing || this.table.contains(document.activeElement)) return;
        if (document.querySelector("dialog[open]") || document.activeElement?.closest?.(".combo-list, [role=listbox]")) return;
        this.submitDraft("leave");
      }, 300);
    });
    t.addEventListener("focusout", (e) => {
      const ed = this.editing;
      if (!ed || e.target !== ed.input) return;
      if (ed.combo) {
        // the picker keeps the old value when left without a choice: close the editor too
        setTimeout(() => {
          const away = document.activeElement !== ed.input && !document.querySelector("dialog[open]");
          if (this.editing === ed && away) this.cancelEdit(false);
        }, 250);
        return;
      }
      setTimeout(() => { if (this.editing === ed && document.activeElement !== ed.input) this.finishEdit("none"); }, 0);
    });
    t.addEventListener("paste", (e) => {
      if (this.editing) return;
      const text = e.clipboardData?.getData("text/plain");
      if (!text) return;
      e.preventDefault();
      this.paste(text);
    });
    t.addEventListener("copy", (e) => {
      if (this.editing) return;
      e.preventDefault();
      e.clipboardData.setData("text/plain", this.habits?.copyText() ?? this.tools.copyText());
    });
  }

  onKey(e) {
    if (this.editing) {
      const ed = this.editing;
      if (e.target !== ed.input) return;
      if (e.key === "Escape") { e.preventDefault(); this.cancelEdit(); }
      else if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); this.finishEdit("down"); }
      else if (e.key === "Tab") { e.preventDefault(); this.finishEdit(e.shiftKey ? "left" : "right"); }
      else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && ed.input.tagName === "INPUT" && !ed.combo) {
        e.preventDefault(); this.finishEdit(e.key === "ArrowUp" ? "up" : "down");
      }
      return;
    }
    const td = e.target.closest?.("td.cell");
    if (!td) return;
    if (this.habits?.onKey(e)) return; // ranges, fill down, undo / redo
    const mod = e.ctrlKey || e.metaKey;
    const col = this.col(this.cursor.c);
    switch (e.key) {
      case "ArrowDown": e.preventDefault(); return this.move(mod ? this.rows.length : 1, 0);
      case "ArrowUp": e.preventDefault(); return this.move(mod ? -this.rows.length : -1, 0);
      case "ArrowRight": e.preventDefault(); return this.move(0, 1);
      case "ArrowLeft": e.preventDefault(); return this.move(0, -1);
      case "Home": e.preventDefault(); return this.move(mod ? -this.rows.length : 0, -this.cursor.c);
      case "End": e.preventDefault(); return this.move(mod ? this.rows.length : 0, this.visible.length - 1 - this.cursor.c);
      case "PageDown": e.preventDefault(); return this.move(20, 0);
      case "PageUp": e.preventDefault(); return this.move(-20, 0);
      case "Tab": {
        const last = this.cursor.id === NEW && this.cursor.c === this.visible.length - 1;
        const first = this.rowIndex(this.cursor.id) === 0 && this.cursor.c === 0;
        if ((e.shiftKey && first) || (!e.shiftKey && last)) return; // leave the table
        e.preventDefault();
        return this.move(0, e.shiftKey ? -1 : 1);
      }
      case "Enter":
        e.preventDefault();
        if (mod && this.cursor.id !== NEW) { location.assign(this.data.detail_base + encodeURIComponent(this.cursor.id)); return; }
        return this.startEdit();
      case "F2": e.preventDefault(); return this.startEdit();
      case "Escape": {
        const key = `${this.cursor.id}:${col?.name}`;
        if (!this.refused.has(key)) return;
        e.preventDefault();
        this.refused.delete(key);
        const row = this.rows[this.rowIndex(this.cursor.id)];
        if (row) this.refreshRow(row);
        return;
      }
      case " ":
        e.preventDefault();
        if (e.shiftKey) return this.tools.toggleSelect(this.cursor.id);
        if (col?.editor === "bool") return this.startEdit();
        return;
      case "Delete":
      case "Backspace": {
        e.preventDefault();
        if (!col || (this.cursor.id === NEW ? !col.creatable : !col.writable)) return;
        const empty = col.editor === "bool" ? false : (col.nullable || this.cursor.id === NEW ? null : "");
        if (col.editor === "secret" || (empty === "" && col.required)) return;
        this.commit(this.cursor.id, col, empty, "stay");
        return;
      }
      default:
        if (e.key.length === 1 && !mod && !e.altKey) {
          e.preventDefault();
          if (col?.editor === "bool") return;
          this.startEdit(e.key);
        }
    }
  }

  async paste(text) {
    const plan = parsePaste(this, text);
    if (!plan) return;
    if (plan.errors.length) {
      toast(`Nothing pasted: ${plan.errors.slice(0, 4).join("; ")}${plan.errors.length > 4 ? ` (and ${plan.errors.length - 4} more)` : ""}`, "error");
      return;
    }
    if (plan.conversions.length) {
      // say what was understood before anything is written
      const list = plan.conversions.slice(0, 8).join("; ") + (plan.conversions.length > 8 ? ` (and ${plan.conversions.length - 8} more)` : "");
      if (!(await confirmDialog(`Paste with ${plan.conversions.length === 1 ? "this conversion" : "these conversions"}? ${list}`, "Paste"))) return;
    }
    if (plan.skipped.length) toast(`Not editable, left out: ${plan.skipped.join(", ")}`, "info");
    for (const { row, fields } of plan.updates) await this.save(row, fields, row.version);
    if (plan.creates.length) await this.create(plan.creates);
  }
}

export function initGrid(wrap) {
  return new Grid(wrap);
}
