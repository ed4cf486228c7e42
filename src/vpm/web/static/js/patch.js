// The Connections page: cables typed or pasted as natural keys (CAM 1 OUT 1 -> SW 1 IN 3), one row
// per Enter or many pasted lines in one all-or-nothing call, each refusal shown on its row; and the
// patch matrix of one device (its inputs x the show's outputs), applied in one call.
import { $, $$, el } from "./util.js";
import { get, post, put, readOnly, ApiError } from "./api.js";
import { onChange } from "./live.js";
import { toast } from "./toast.js";

const FIELDS = ["from", "to", "cable_type", "length_ft", "label"];
const ARROW = /\s*(?:->|→|=>)\s*/;

/** "100", "100'", "100 ft", "30 m", "12,5 m" -> feet; "" -> null; NaN when unreadable. */
export function parseLength(text) {
  const s = String(text || "").trim().toLowerCase().replace(",", ".");
  if (!s) return null;
  const m = s.match(/^(\d+(?:\.\d+)?)\s*('|ft|feet|foot|m|metres?|meters?)?$/);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] && m[2].startsWith("m") ? Math.round((n / 0.3048) * 10) / 10 : n;
}

/** One pasted or typed line -> the five fields (tabs first; else "A -> B" with the rest after). */
export function splitLine(line) {
  if (line.includes("\t")) return line.split("\t").map((s) => s.trim());
  const parts = line.split(ARROW);
  if (parts.length === 2) {
    const [to, ...rest] = parts[1].split(/\s*[,;]\s*/);
    return [parts[0].trim(), to.trim(), ...rest];
  }
  return [line.trim()];
}

export function initPatch(root) {
  const pid = root.dataset.productionId;
  const entry = $("#patch-entry", root);
  const status = $("#patch-status", root);
  const patchAll = root.querySelector("[data-action=patch-all]");
  const clearEntry = root.querySelector("[data-action=clear-entry]");
  const template = entry.querySelector("tr.patch-new").cloneNode(true);

  const rows = () => $$("tr.patch-new", entry);
  const valuesOf = (tr) => Object.fromEntries(FIELDS.map((f) => [f, tr.querySelector(`[name=${f}]`).value.trim()]));
  const blank = (tr) => FIELDS.every((f) => !tr.querySelector(`[name=${f}]`).value.trim());
  const clearMarks = (tr) => {
    tr.classList.remove("is-refused");
    for (const input of $$("input", tr)) { input.classList.remove("is-refused"); input.removeAttribute("aria-invalid"); input.title = ""; }
    tr.querySelector(".row-reason")?.remove();
  };
  const addRow = () => { const tr = template.cloneNode(true); entry.append(tr); return tr; };
  const ensureSpare = () => { if (!rows().some(blank)) addRow(); };
  const pending = () => rows().filter((tr) => !blank(tr));
  const refreshButtons = () => {
    const n = pending().length;
    patchAll.hidden = n < 2;
    clearEntry.hidden = n < 1;
    patchAll.textContent = `Patch these ${n} cables`;
  };

  const body = (tr, i) => {
    const v = valuesOf(tr);
    const length = parseLength(v.length_ft);
    if (Number.isNaN(length)) throw Object.assign(new Error("bad length"), { marks: [[i, "length_ft", `“${v.length_ft}” is not a length (write 100, 100', 100 ft or 30 m)`]] });
    return { from: v.from, to: v.to, cable_type: v.cable_type || null, length_ft: length, label: v.label || null };
  };

  const showErrors = (trs, marks) => {
    for (const [i, field, reason] of marks) {
      const tr = trs[i];
      if (!tr) continue;
      tr.classList.add("is-refused");
      const input = field && tr.querySelector(`[name=${field}]`);
      if (input) { input.classList.add("is-refused"); input.setAttribute("aria-invalid", "true"); input.title = reason; }
      let note = tr.querySelector(".row-reason");
      if (!note) { note = el("div", { class: "row-reason" }); tr.lastElementChild.append(note); }
      note.textContent = note.textContent ? `${note.textContent}; ${reason}` : reason;
    }
  };

  const marksOf = (err) => {
    if (err.marks) return err.marks;
    const out = [];
    for (const e of (err instanceof ApiError && err.body.errors) || []) {
      const m = String(e.field).match(/^rows\[(\d+)\](?:\.(\w+))?/);
      if (m) out.push([Number(m[1]), m[2] === "from" || m[2] === "to" ? m[2] : m[2] ? ({ length_ft: "length_ft", cable_type: "cable_type", label: "label" }[m[2]] || null) : null, e.reason]);
      else {
        const f = String(e.field).match(/^rows\.(\d+)\.(\w+)/); // a body check (length, type) from the server
        if (f) out.push([Number(f[1]), f[2], e.reason]);
      }
    }
    return out;
  };

  const submit = async (trs) => {
    if (readOnly()) { toast("You can view this show but not change it.", "error"); return; }
    trs.forEach(clearMarks);
    let rowsBody;
    try {
      rowsBody = trs.map((tr, i) => body(tr, i));
    } catch (err) {
      showErrors(trs, err.marks || []);
      return;
    }
    status.textContent = trs.length > 1 ? `Patching ${trs.length} cables…` : "Patching…";
    try {
      const res = await post(`/api/productions/${pid}/connections/by-name`, { rows: rowsBody });
      for (const tr of trs) tr.remove();
      ensureSpare();
      status.textContent = res.created === 1 ? `Patched ${res.items[0].from} → ${res.items[0].to}.` : `Patched ${res.created} cables.`;
      refreshTable();
      rows().find(blank)?.querySelector("[name=from]").focus();
    } catch (err) {
      const marks = marksOf(err);
      if (marks.length) showErrors(trs, marks);
      status.textContent = marks.length ? `Nothing patched: ${new Set(marks.map((m) => m[0])).size} row(s) need a fix (marked).` : `Nothing patched: ${err.message}`;
      if (!marks.length) toast(err.message, "error");
    }
    refreshButtons();
  };

  entry.addEventListener("keydown", (e) => {
    const tr = e.target.closest("tr.patch-new");
    if (!tr || e.key !== "Enter" || e.isComposing) return;
    e.preventDefault();
    const input = e.target;
    // "CAM 1 OUT 1 -> SW 1 IN 3" typed in From fills To as well
    if (input.name === "from" && ARROW.test(input.value)) fill(tr, splitLine(input.value));
    if (blank(tr)) return;
    submit([tr]);
  });
  entry.addEventListener("input", (e) => {
    const tr = e.target.closest("tr.patch-new");
    if (tr) { clearMarks(tr); ensureSpare(); refreshButtons(); }
  });
  const fill = (tr, cells) => {
    FIELDS.forEach((f, i) => { if (cells[i] !== undefined) tr.querySelector(`[name=${f}]`).value = cells[i]; });
  };
  entry.addEventListener("paste", (e) => {
    const text = e.clipboardData?.getData("text/plain") || "";
    const lines = text.replace(/\r/g, "").split("\n").filter((l) => l.trim());
    const tr = e.target.closest("tr.patch-new");
    if (!tr || (lines.length < 2 && !text.includes("\t") && !ARROW.test(text))) return; // a plain value: paste as usual
    e.preventDefault();
    const start = FIELDS.indexOf(e.target.name);
    let row = tr;
    for (const line of lines) {
      if (!row) row = addRow();
      const cells = splitLine(line);
      fill(row, [...Array(Math.max(0, start)).fill(undefined), ...cells]);
      clearMarks(row);
      row = row.nextElementSibling;
    }
    ensureSpare();
    refreshButtons();
    const n = pending().length;
    status.textContent = `${lines.length} line(s) pasted into ${n} row(s): check them, then “Patch these ${n} cables” (or Enter on one row).`;
  });
  patchAll.addEventListener("click", () => submit(pending()));
  clearEntry.addEventListener("click", () => {
    for (const tr of rows()) tr.remove();
    addRow();
    refreshButtons();
    status.textContent = "";
  });

  // ------------------------------------------------ the cable list follows changes (anyone's)
  let timer = null;
  const refreshTable = async () => {
    const r = await fetch(location.pathname, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.getElementById("patch-rows");
    if (fresh) $("#patch-rows", root).replaceWith(fresh);
    const count = doc.getElementById("cable-count");
    if (count) $("#cable-count", root).textContent = count.textContent;
    for (const id of ["patch-outputs", "patch-inputs"]) {
      const list = doc.getElementById(id);
      if (list) $(`#${id}`, root).replaceWith(list);
    }
  };
  onChange((ev) => {
    if (!["connection", "port", "production"].includes(ev.entity_type) && !ev.data?.ports) return;
    clearTimeout(timer);
    timer = setTimeout(() => { refreshTable(); if (matrix.device) matrix.load(matrix.device, true); }, 300);
  });

  const matrix = initMatrix(root, pid, () => refreshTable());
}

function initMatrix(root, pid, changed) {
  const box = $("#matrix", root);
  const select = $("#matrix-device", root);
  const filter = $("#matrix-filter", root);
  const status = $("#matrix-status", root);
  const apply = root.querySelector("[data-action=apply-matrix]");
  const discard = root.querySelector("[data-action=discard-matrix]");
  const state = { device: null, table: null, chosen: new Map() }; // input id -> output id | null

  const current = (inp) => inp.feed?.from_port_id || null;
  const changes = () => [...state.chosen].filter(([id, out]) => current(state.table.inputs.find((i) => i.id === id)) !== out);

  const paint = () => {
    const t = state.table;
    if (!t) { box.replaceChildren(); return; }
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    const sources = t.sources.filter((s) => words.every((w) => `${s.code} ${s.label}`.toLowerCase().includes(w)));
    const head = el("tr", {}, el("th", { class: "corner", scope: "col", text: `${t.device.label} inputs` }),
      ...sources.map((s) => el("th", { scope: "col", class: "src", title: `${s.code}${s.label ? ` (${s.label})` : ""}${s.feeds.length ? ` — feeds ${s.feeds.join(", ")}` : ""}` },
        el("span", { text: s.code }))));
    const body = t.inputs.map((inp, r) => {
      const chosen = state.chosen.has(inp.id) ? state.chosen.get(inp.id) : current(inp);
      return el("tr", { dataset: { input: inp.id } },
        el("th", { scope: "row", text: inp.code + (inp.label && !/^input \d+$/i.test(inp.label) ? ` (${inp.label})` : "") }),
        ...sources.map((s, c) => {
          const on = chosen === s.id;
          const was = current(inp) === s.id;
          const elsewhere = !on && s.feeds.length > 0 && !was;
          return el("td", {}, el("button", {
            type: "button", class: `xp${on ? " on" : ""}${on !== was ? " changed" : ""}${elsewhere ? " busy" : ""}`,
            "aria-pressed": String(on), "aria-label": `${s.code} to ${inp.code}`, tabindex: r === 0 && c === 0 ? "0" : "-1",
            dataset: { input: inp.id, source: s.id, r, c }, title: elsewhere ? `${s.code} already feeds ${s.feeds.join(", ")}` : `${s.code} → ${inp.code}`,
            text: on ? "●" : "",
          }));
        }));
    });
    box.replaceChildren(el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, ...body)));
    if (!sources.length) box.append(el("p", { class: "muted", text: t.sources.length ? "No output matches the filter." : "The show has no outputs to patch from yet." }));
    const n = changes().length;
    apply.hidden = discard.hidden = n === 0;
    apply.textContent = `Apply ${n} change${n === 1 ? "" : "s"}`;
  };

  state.load = async (id, keep = false) => {
    state.device = id || null;
    if (!keep) state.chosen.clear();
    if (!id) { state.table = null; paint(); return; }
    try {
      state.table = await get(`/api/productions/${pid}/feeds/${id}`);
      if (!keep) status.textContent = ""; // a live refresh keeps "Applied: …" in view
    } catch (err) {
      state.table = null;
      status.textContent = err.message;
    }
    paint();
  };

  select.addEventListener("change", () => state.load(select.value));
  filter.addEventListener("input", paint);
  box.addEventListener("click", (e) => {
    const b = e.target.closest("button.xp");
    if (!b || readOnly()) return;
    const inp = state.table.inputs.find((i) => i.id === b.dataset.input);
    const now = state.chosen.has(inp.id) ? state.chosen.get(inp.id) : current(inp);
    state.chosen.set(inp.id, now === b.dataset.source ? null : b.dataset.source);
    const focus = [b.dataset.r, b.dataset.c];
    paint();
    box.querySelector(`button.xp[data-r="${focus[0]}"][data-c="${focus[1]}"]`)?.focus();
  });
  box.addEventListener("keydown", (e) => {
    const b = e.target.closest("button.xp");
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!b || !move) return;
    e.preventDefault();
    const next = box.querySelector(`button.xp[data-r="${Number(b.dataset.r) + move[0]}"][data-c="${Number(b.dataset.c) + move[1]}"]`);
    if (next) { b.tabIndex = -1; next.tabIndex = 0; next.focus(); }
  });
  discard.addEventListener("click", () => { state.chosen.clear(); paint(); status.textContent = ""; });
  apply.addEventListener("click", async () => {
    const items = changes().map(([input_port_id, from_port_id]) => ({ input_port_id, from_port_id }));
    if (!items.length) return;
    try {
      const res = await put(`/api/productions/${pid}/feeds/${state.device}`, { feeds: items });
      state.chosen.clear();
      state.table = res;
      status.textContent = `Applied: ${res.created} patched, ${res.deleted} removed.`;
      paint();
      changed();
    } catch (err) {
      status.textContent = `Nothing changed: ${err.message}`;
      toast(`Nothing changed: ${err.message}`, "error");
    }
  });
  return state;
}
