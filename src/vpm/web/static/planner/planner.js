// LED planner: draws a wall's tile grid as SVG, lets a person paint tiles, half tiles, corners and
// voids and choose the data-chain pattern, shows the wall's numbers (recomputed by the server's plan
// endpoint on every change, nothing saved) and saves the grid with a versioned PATCH. A 409 is shown
// with both choices; it is never swallowed.
import { api, ApiError } from "/static/js/api.js";
import { toast } from "/static/js/toast.js";
import { onChange } from "/static/js/live.js";
import { el, readJSON } from "/static/js/util.js";

const SVG = "http://www.w3.org/2000/svg";
const CELL_W = 40;
const TOOLS = {
  tile: { type: "TILE", variant: "STANDARD" },
  half: { type: "TILE", variant: "HALF_H" },
  "corner-l": { type: "TILE", variant: "L_CORNER" },
  "corner-r": { type: "TILE", variant: "R_CORNER" },
  void: { type: "VOID" },
};

const data = readJSON("planner-data");
const root = document.getElementById("planner");
if (data && root) start();

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits });
}

function chainColour(port) {
  return `hsl(${(port * 47) % 360}, 55%, 46%)`;
}

function solid(cols, rows) {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => ({ type: "TILE", variant: "STANDARD" })));
}

function start() {
  const record = data.record;
  const ratio = data.tile_mm ? data.tile_mm[1] / data.tile_mm[0] : 1;
  const state = {
    version: record.version,
    saved: null, // JSON of the grid as saved, to know when there is something to save
    savedCols: record.tile_cols,
    savedRows: record.tile_rows,
    grid: null, // {cols, rows, cells[row][col]} with row 0 at the bottom, cell objects kept as stored
    extra: {}, // other keys of the stored tile_grid, kept as they are
    pattern: { order: "rows", start: "top-left", serpentine: true, break_at_line_end: false },
    plan: data.plan,
    cursor: [0, 0],
    painting: false,
    seq: 0,
    saving: false,
  };

  const svg = document.getElementById("planner-svg");
  const form = document.getElementById("planner-tools");
  const saveBtn = document.getElementById("pl-save");
  const revertBtn = document.getElementById("pl-revert");
  const status = document.getElementById("pl-status");
  const conflictBox = document.getElementById("planner-conflict");
  const notice = document.getElementById("planner-notice");

  function load(rec, plan) {
    const stored = rec.tile_grid;
    if (stored && Array.isArray(stored.cells)) {
      const { cols, rows, cells, chain, ...rest } = stored;
      state.grid = { cols, rows, cells: cells.map((row) => row.map((c) => ({ ...c }))) };
      state.extra = rest;
      state.pattern = { ...state.pattern, ...(chain || {}) };
    } else if (plan && plan.grid) {
      state.grid = { cols: plan.grid.cols, rows: plan.grid.rows, cells: plan.grid.cells.map((r) => r.map((c) => ({ ...c }))) };
      state.extra = {};
    } else if (rec.tile_cols && rec.tile_rows) {
      state.grid = { cols: rec.tile_cols, rows: rec.tile_rows, cells: solid(rec.tile_cols, rec.tile_rows) };
      state.extra = {};
    } else {
      state.grid = null;
    }
    if (plan && plan.pattern && !(stored && stored.chain)) state.pattern = { ...state.pattern, ...plan.pattern };
    state.version = rec.version;
    state.savedCols = rec.tile_cols;
    state.savedRows = rec.tile_rows;
    state.saved = JSON.stringify(payloadGrid());
    state.plan = plan;
    syncForm();
  }

  function payloadGrid() {
    if (!state.grid) return null;
    return { ...state.extra, cols: state.grid.cols, rows: state.grid.rows, cells: state.grid.cells, chain: { ...state.pattern } };
  }

  function dirty() {
    if (!state.grid) return false;
    return JSON.stringify(payloadGrid()) !== state.saved;
  }

  function syncForm() {
    form.elements.order.value = state.pattern.order;
    form.elements.start.value = state.pattern.start;
    form.elements.serpentine.checked = !!state.pattern.serpentine;
    form.elements.break_at_line_end.checked = !!state.pattern.break_at_line_end;
    form.elements.cols.value = state.grid ? state.grid.cols : (record.tile_cols || 8);
    form.elements.rows.value = state.grid ? state.grid.rows : (record.tile_rows || 4);
  }

  function setStatus() {
    const changed = dirty();
    saveBtn.disabled = !changed || state.saving;
    revertBtn.disabled = !changed || state.saving;
    status.textContent = state.saving ? "Saving…" : changed ? "Unsaved changes" : `Saved · version ${state.version}`;
    root.dataset.dirty = changed ? "1" : "0";
  }

  // ---------------------------------------------------------------- drawing

  function draw() {
    svg.replaceChildren();
    if (!state.grid) {
      svg.setAttribute("viewBox", "0 0 400 60");
      const t = svgEl("text", { x: 10, y: 35, class: "pl-empty" });
      t.textContent = "No grid yet: set columns and rows, then Resize.";
      svg.append(t);
      return;
    }
    const { cols, rows, cells } = state.grid;
    const w = CELL_W;
    const h = CELL_W * ratio;
    svg.setAttribute("viewBox", `-2 -2 ${cols * w + 4} ${rows * h + 4}`);
    svg.dataset.cols = cols;
    svg.dataset.rows = rows;
    const portOf = new Map();
    const chains = state.plan && state.plan.chains ? state.plan.chains.chains : [];
    for (const chain of chains) for (const [c, r] of chain.tiles) portOf.set(`${c},${r}`, chain.port);
    const cellLayer = svgEl("g", { class: "pl-cells" });
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const cell = cells[r][c];
        const x = c * w;
        const y = (rows - 1 - r) * h;
        const g = svgEl("g", { class: "pl-cell", "data-c": c, "data-r": r, "data-type": cell.type,
          "data-variant": cell.type === "VOID" ? "" : (cell.variant || "STANDARD") });
        if (cell.type === "VOID") {
          g.append(svgEl("rect", { x: x + 2, y: y + 2, width: w - 4, height: h - 4, class: "pl-void" }));
        } else {
          const port = portOf.get(`${c},${r}`);
          const paint = port ? { fill: chainColour(port), class: "pl-tile" } : { class: "pl-tile pl-unchained" };
          const variant = cell.variant || "STANDARD";
          if (variant === "HALF_H") {
            g.append(svgEl("rect", { x: x + 1, y: y + h / 2, width: w - 2, height: h / 2 - 1, ...paint }));
          } else if (variant === "L_CORNER" || variant === "R_CORNER") {
            const pts = variant === "L_CORNER"
              ? `${x + 1},${y + 1} ${x + w - 1},${y + h - 1} ${x + 1},${y + h - 1}`
              : `${x + w - 1},${y + 1} ${x + w - 1},${y + h - 1} ${x + 1},${y + h - 1}`;
            g.append(svgEl("polygon", { points: pts, ...paint }));
          } else {
            g.append(svgEl("rect", { x: x + 1, y: y + 1, width: w - 2, height: h - 2, ...paint }));
          }
        }
        const title = svgEl("title");
        title.textContent = `Column ${c + 1}, row ${r + 1}: ${cell.type === "VOID" ? "void" : (cell.variant || "STANDARD").toLowerCase().replace("_", " ")}`
          + (portOf.get(`${c},${r}`) ? ` · port ${portOf.get(`${c},${r}`)}` : "");
        g.append(title);
        cellLayer.append(g);
      }
    }
    svg.append(cellLayer);
    const chainLayer = svgEl("g", { class: "pl-chains", "aria-hidden": "true" });
    for (const chain of chains) {
      const pts = chain.tiles.map(([c, r]) => `${c * w + w / 2},${(rows - 1 - r) * h + h / 2}`).join(" ");
      chainLayer.append(svgEl("polyline", { points: pts, class: "pl-chain", "data-port": chain.port }));
      const [c0, r0] = chain.tiles[0];
      chainLayer.append(svgEl("circle", { cx: c0 * w + w / 2, cy: (rows - 1 - r0) * h + h / 2, r: 5, class: "pl-chain-start" }));
      const label = svgEl("text", { x: c0 * w + 4, y: (rows - 1 - r0) * h + 14, class: "pl-port" });
      label.textContent = String(chain.port);
      chainLayer.append(label);
    }
    svg.append(chainLayer);
    const [cc, cr] = state.cursor;
    if (cc < cols && cr < rows) {
      svg.append(svgEl("rect", { x: cc * w, y: (rows - 1 - cr) * h, width: w, height: h, class: "pl-cursor" }));
    }
  }

  function drawLegend() {
    const box = document.getElementById("planner-legend");
    box.replaceChildren();
    const chains = state.plan && state.plan.chains ? state.plan.chains.chains : [];
    for (const chain of chains) {
      const sw = el("span", { class: "legend-swatch", "aria-hidden": "true" });
      sw.style.backgroundColor = chainColour(chain.port);
      const where = chain.processor ? `processor ${chain.processor} port ${chain.processor_port}` : `port ${chain.port}`;
      const item = el("li", { "data-port": chain.port }, sw,
        el("span", { text: `Chain ${chain.port} · ${where} · ${chain.tiles.length} tiles · ${fmt(chain.pixels)} px` }));
      item.addEventListener("mouseenter", () => highlight(chain.port, true));
      item.addEventListener("mouseleave", () => highlight(chain.port, false));
      box.append(item);
    }
  }

  function highlight(port, on) {
    for (const line of svg.querySelectorAll(`.pl-chain[data-port="${port}"]`)) line.classList.toggle("pl-hot", on);
  }

  function row(key, label, value) {
    return [el("dt", { text: label }), el("dd", { "data-key": key, text: value })];
  }

  function drawNumbers() {
    const dl = document.getElementById("pl-numbers");
    const missingBox = document.getElementById("pl-missing");
    const warnings = document.getElementById("pl-warnings");
    dl.replaceChildren();
    warnings.replaceChildren();
    const plan = state.plan || {};
    const d = plan.derived;
    const missing = plan.derived_missing || [];
    const error = plan.derived_error;
    missingBox.hidden = !(missing.length || error);
    missingBox.textContent = error ? `Cannot compute: ${error.field}: ${error.reason}`
      : missing.length ? `Missing numbers (nothing is shown as 0): ${missing.join(", ")}` : "";
    if (!d) return;
    const chains = plan.chains;
    dl.append(
      ...row("grid", "Grid", `${d.cols} × ${d.rows} · ${d.tiles} tiles (${d.full_tiles} full, ${d.half_tiles} half, ${d.corner_tiles} corner) · ${d.void_cells} void`),
      ...row("pixels", "Pixels", `${fmt(d.pixels_w)} × ${fmt(d.pixels_h)} · ${fmt(d.total_pixels)} px · ${d.aspect_label}`),
      ...row("size", "Size", `${fmt(d.width_m, 2)} × ${fmt(d.height_m, 2)} m · ${d.width_ft_in} × ${d.height_ft_in}`),
      ...row("weight", "Weight", `${fmt(d.weight_kg)} kg · ${fmt(d.weight_lb)} lb`),
      ...row("power", "Power", `${fmt(d.power_max_w)} W max · ${fmt(d.power_typical_w)} W typical (${d.typical_from})`),
      ...row("supply", "Supply", `${d.supply}${d.supply_from_show ? "" : " (the show has no supply set)"}`),
      ...row("amps_max", "Amps at max", `${fmt(d.amps_max_per_phase, 1)} A per phase`),
      ...row("amps_typical", "Amps typical", `${fmt(d.amps_typical_per_phase, 1)} A per phase`),
      ...row("circuits", "Circuits", `${d.circuits} × ${fmt(d.supply_breaker_a)} A${d.supply_phases === 3 ? ` (${d.circuits_per_phase} per phase)` : ""} · ${d.tiles_per_circuit} tiles per circuit (80 %)`),
      ...row("ports", "Ports", `${d.ports_needed} needed · ${d.tiles_per_port} tiles per port (${fmt(d.pixels_per_port)} px at ${d.bit_depth}-bit ${fmt(d.refresh_hz, 2)} Hz) · ${d.processor_ports} per processor`),
      ...row("processors", "Processors", `${d.processors_needed} · pixel load ${fmt(d.pixel_load * 100, 1)} %`),
      ...row("rigging", "Rigging", `${d.tiles_high} high · hang ${d.max_hang ?? "unknown"} · stack ${d.max_stack ?? "unknown"}`),
    );
    if (chains) {
      dl.append(...row("chains", "Chains", `${chains.ports_needed} chains of up to ${chains.tiles_per_chain} tiles · ${chains.processors_needed} processor${chains.processors_needed === 1 ? "" : "s"}`));
    }
    for (const w of d.warnings || []) warnings.append(el("li", { text: w }));
    drawExplain(d.explain || {});
  }

  // "How was this computed?": each figure's formula, inputs and source
  function drawExplain(explain) {
    const box = document.getElementById("pl-explain");
    if (!box) return;
    const list = box.querySelector("dl");
    list.replaceChildren();
    for (const [key, item] of Object.entries(explain)) {
      list.append(el("dt", { text: key.replaceAll("_", " ") }),
        el("dd", { "data-explain": key, text: `${item.formula} · ${item.inputs_text} · source: ${item.source}` }));
    }
    box.hidden = !Object.keys(explain).length;
  }

  function render() {
    draw();
    drawLegend();
    drawNumbers();
    setStatus();
  }

  // ---------------------------------------------------------------- recomputing

  let timer = null;
  function replan() {
    clearTimeout(timer);
    root.setAttribute("aria-busy", "true");
    timer = setTimeout(async () => {
      const seq = ++state.seq;
      try {
        const body = state.grid ? { tile_grid: payloadGrid(), pattern: state.pattern } : { pattern: state.pattern };
        const plan = await api("POST", `/api/led-screens/${record.id}/plan`, body);
        if (seq !== state.seq) return;
        state.plan = plan;
        render();
      } catch (err) {
        if (seq !== state.seq) return;
        toast(`Numbers not updated: ${err.message}`, "error");
      } finally {
        if (seq === state.seq) root.setAttribute("aria-busy", "false");
      }
    }, 150);
  }

  // ---------------------------------------------------------------- painting

  function tool() {
    return TOOLS[form.elements.tool.value] || TOOLS.tile;
  }

  function paint(c, r) {
    if (!state.grid || c < 0 || r < 0 || c >= state.grid.cols || r >= state.grid.rows) return;
    const t = tool();
    const cell = state.grid.cells[r][c];
    if (cell.type === t.type && (t.type === "VOID" || (cell.variant || "STANDARD") === t.variant)) return;
    const next = { ...cell, type: t.type };
    if (t.type === "VOID") delete next.variant;
    else next.variant = t.variant;
    state.grid.cells[r][c] = next;
    state.cursor = [c, r];
    render();
    replan();
  }

  function cellFrom(target) {
    const g = target && target.closest ? target.closest(".pl-cell") : null;
    return g ? [Number(g.dataset.c), Number(g.dataset.r)] : null;
  }

  svg.addEventListener("pointerdown", (e) => {
    const at = cellFrom(e.target);
    if (!at) return;
    e.preventDefault();
    state.painting = true;
    paint(...at);
  });
  svg.addEventListener("pointerover", (e) => {
    if (!state.painting || !(e.buttons & 1)) return;
    const at = cellFrom(e.target);
    if (at) paint(...at);
  });
  window.addEventListener("pointerup", () => { state.painting = false; });
  svg.addEventListener("keydown", (e) => {
    if (!state.grid) return;
    const [c, r] = state.cursor;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (moves[e.key]) {
      e.preventDefault();
      const [dc, dr] = moves[e.key];
      state.cursor = [Math.min(Math.max(c + dc, 0), state.grid.cols - 1), Math.min(Math.max(r + dr, 0), state.grid.rows - 1)];
      draw();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      paint(c, r);
    }
  });

  form.addEventListener("change", (e) => {
    const name = e.target.name;
    if (name === "order" || name === "start") state.pattern[name] = e.target.value;
    else if (name === "serpentine" || name === "break_at_line_end") state.pattern[name] = e.target.checked;
    else return;
    setStatus();
    replan();
  });
  form.addEventListener("submit", (e) => e.preventDefault());

  document.getElementById("pl-resize").addEventListener("click", () => {
    const cols = Number(form.elements.cols.value);
    const rows = Number(form.elements.rows.value);
    const max = data.max_side;
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > max || rows > max) {
      toast(`Columns and rows must be whole numbers from 1 to ${max}.`, "error");
      return;
    }
    const old = state.grid ? state.grid.cells : [];
    const cells = [];
    for (let r = 0; r < rows; r++) {
      const line = [];
      for (let c = 0; c < cols; c++) line.push(old[r] && old[r][c] ? old[r][c] : { type: "TILE", variant: "STANDARD" });
      cells.push(line);
    }
    state.grid = { cols, rows, cells };
    state.cursor = [0, 0];
    render();
    replan();
  });

  revertBtn.addEventListener("click", async () => {
    try {
      const fresh = await api("GET", `/api/led-screens/${record.id}`);
      const plan = await api("GET", `/api/led-screens/${record.id}/plan`);
      load(fresh, plan);
      render();
    } catch (err) {
      toast(`Could not reload the wall: ${err.message}`, "error");
    }
  });

  // ---------------------------------------------------------------- saving

  async function save(version) {
    if (!state.grid) return;
    state.saving = true;
    setStatus();
    const body = { version, tile_grid: payloadGrid() };
    if (state.grid.cols !== state.savedCols) body.tile_cols = state.grid.cols;
    if (state.grid.rows !== state.savedRows) body.tile_rows = state.grid.rows;
    try {
      const saved = await api("PATCH", `/api/led-screens/${record.id}`, body);
      state.version = saved.version;
      conflictBox.hidden = true;
      notice.hidden = true;
      let plan = null;
      try {
        plan = await api("GET", `/api/led-screens/${record.id}/plan`);
      } catch {
        plan = { ...state.plan, derived: saved.derived, derived_missing: saved.derived_missing, derived_error: saved.derived_error };
      }
      state.saving = false;
      load(saved, plan);
      render();
      toast(`Grid saved (version ${saved.version}).`, "info");
    } catch (err) {
      state.saving = false;
      setStatus();
      if (err instanceof ApiError && err.status === 409) {
        showConflict(err.body);
      } else {
        conflictBox.hidden = false;
        conflictBox.replaceChildren(el("p", { text: `Not saved: ${err.message}` }));
        toast(`Not saved: ${err.message}`, "error");
      }
    }
  }

  function showConflict(body) {
    const fields = (body.conflicts || []).map((c) => c.field);
    const current = body.current || null;
    const who = current && current.updated_by ? ` by ${current.updated_by}` : "";
    conflictBox.hidden = false;
    conflictBox.replaceChildren(
      el("p", {}, el("strong", { text: "Not saved: someone else changed this wall" }),
        ` while you were painting (now version ${body.version}${who}). Changed by both: ${fields.join(", ") || "the grid"}.`),
      el("div", { class: "form-actions" },
        el("button", { class: "btn", type: "button", "data-choice": "theirs", text: "Load theirs (drop my changes)",
          onclick: async () => {
            conflictBox.hidden = true;
            if (current) {
              const plan = await api("GET", `/api/led-screens/${record.id}/plan`);
              load(current, plan);
              render();
            }
          } }),
        el("button", { class: "btn primary", type: "button", "data-choice": "mine", text: "Keep mine (save over theirs)",
          onclick: () => { conflictBox.hidden = true; save(body.version); } })),
    );
    conflictBox.focus?.();
    toast("Not saved: this wall was changed by someone else. Choose which grid to keep.", "error");
  }

  saveBtn.addEventListener("click", () => save(state.version));

  // ---------------------------------------------------------------- other people's changes

  onChange((ev) => {
    if (!ev || ev.entity_id !== record.id || !ev.data || ev.data.version === undefined || state.saving) return;
    if (ev.op === "delete") {
      notice.hidden = false;
      notice.textContent = `${ev.actor || "Someone"} deleted this wall.`;
      return;
    }
    if (ev.changes && "derived" in ev.changes && ev.data.version === state.version) {
      replan(); // a library spec it reads changed: the numbers move, the grid does not
      return;
    }
    if (ev.data.version <= state.version) return;
    if (!dirty()) {
      api("GET", `/api/led-screens/${record.id}/plan`).then((plan) => { load(ev.data, plan); render(); })
        .catch(() => {});
      notice.hidden = false;
      notice.textContent = `${ev.actor || "Someone"} changed this wall (version ${ev.data.version}); the grid shown is theirs.`;
    } else {
      notice.hidden = false;
      notice.textContent = `${ev.actor || "Someone"} changed this wall (version ${ev.data.version}) while you have unsaved changes; saving will ask which to keep.`;
    }
  });

  load(record, data.plan);
  render();
  root.setAttribute("aria-busy", "false");
  root.dataset.ready = "1";
}
