// How one person views a grid: column widths dragged at the header edge (kept per person and grid
// in this browser, like the chosen columns) and the label column frozen while scrolling sideways.
// Widths go into a constructed style sheet through the CSSOM: no style attributes, strict CSP.
import { el, store } from "./util.js";

const MIN = 48; // px: narrower than this a column cannot be read
const MAX = 1200;
const STEP = 16; // px per arrow key on a focused handle

let sheet = null;
function viewSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  return sheet;
}

export function installView(grid) {
  // the signed-in account, or the name a person gave this browser when the show runs without sign-in
  const account = document.body.dataset.account || store.get("vpm.user") || "";
  const key = `vpm.widths.${account}.${grid.meta.slug}`;
  const table = grid.table;
  table.dataset.gridKey = grid.meta.slug;
  const scope = `table.grid[data-grid-key="${CSS.escape(grid.meta.slug)}"]`;
  const saved = store.get(key);
  const widths = saved && typeof saved === "object" && !Array.isArray(saved) ? saved : {};
  const view = { widths };
  grid.view = view;

  /** Rewrite this grid's rules: one width per resized visible column, and where the frozen column sits. */
  view.apply = () => {
    const s = viewSheet();
    for (let i = s.cssRules.length - 1; i >= 0; i--) {
      if (s.cssRules[i].selectorText?.startsWith(scope)) s.deleteRule(i);
    }
    grid.visible.forEach((name, i) => {
      const w = Number(widths[name]);
      if (!Number.isFinite(w) || w < MIN) return;
      const px = `${Math.round(Math.min(w, MAX))}px`;
      s.insertRule(`${scope} [data-c="${i}"] { width: ${px}; min-width: ${px}; max-width: ${px}; }`, s.cssRules.length);
    });
    // the frozen label column sits just right of the row selector, however wide that renders
    const sel = table.tHead?.querySelector("th.sel");
    if (sel) s.insertRule(`${scope} [data-c="0"] { left: ${sel.getBoundingClientRect().width}px; }`, s.cssRules.length);
  };

  /** Handles on each header's right edge; the first visible column is frozen. */
  view.decorate = () => {
    for (const th of table.tHead.querySelectorAll("th[data-c]")) {
      const c = grid.col(Number(th.dataset.c));
      if (!c) continue;
      th.append(el("span", { class: "col-resize", role: "separator", tabindex: "-1", "aria-orientation": "vertical",
        "aria-label": `Resize ${c.label} (drag, or arrows; double-click for automatic)`, title: "Drag to resize",
        dataset: { resize: c.name } }));
    }
    view.apply();
  };

  const save = (name, w) => {
    if (w === null) delete widths[name];
    else widths[name] = Math.round(Math.max(MIN, Math.min(MAX, w)));
    store.set(key, widths);
    view.apply();
  };

  let drag = null;
  table.addEventListener("pointerdown", (e) => {
    const handle = e.target.closest(".col-resize");
    if (!handle || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const th = handle.closest("th");
    drag = { name: handle.dataset.resize, x: e.clientX, w: th.getBoundingClientRect().width, handle };
    handle.setPointerCapture?.(e.pointerId);
    table.classList.add("is-resizing");
  });
  table.addEventListener("pointermove", (e) => {
    if (!drag) return;
    widths[drag.name] = Math.round(Math.max(MIN, Math.min(MAX, drag.w + e.clientX - drag.x)));
    view.apply();
  });
  const end = (e) => {
    if (!drag) return;
    save(drag.name, drag.w + e.clientX - drag.x);
    drag.handle.releasePointerCapture?.(e.pointerId);
    drag = null;
    table.classList.remove("is-resizing");
  };
  table.addEventListener("pointerup", end);
  table.addEventListener("pointercancel", end);
  table.addEventListener("click", (e) => { if (e.target.closest(".col-resize")) e.stopPropagation(); }, true);
  table.addEventListener("dblclick", (e) => {
    const handle = e.target.closest(".col-resize");
    if (!handle) return;
    e.stopPropagation();
    save(handle.dataset.resize, null);
  });
  table.addEventListener("keydown", (e) => {
    const handle = e.target.closest?.(".col-resize");
    if (!handle || (e.key !== "ArrowLeft" && e.key !== "ArrowRight")) return;
    e.preventDefault();
    e.stopPropagation();
    const w = handle.closest("th").getBoundingClientRect().width;
    save(handle.dataset.resize, w + (e.key === "ArrowRight" ? STEP : -STEP));
  }, true);

  view.decorate();
  return view;
}
