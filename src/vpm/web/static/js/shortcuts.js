// Keyboard shortcuts (listed in the ? help dialog), the theme toggle and the small-screen menu.
import { $, store } from "./util.js";

function typing(target) {
  return target.closest?.("input, select, textarea, [contenteditable], td.cell, dialog[open]");
}

export function toggleTheme() {
  const next = document.documentElement.dataset.theme === "light" ? "dark" : "light";
  document.documentElement.dataset.theme = next;
  store.set("vpm.theme", next);
  try { localStorage.setItem("vpm.theme", next); } catch { /* ignore */ }
}

export function initShortcuts() {
  const help = $("#help-dialog");
  $("#help-open")?.addEventListener("click", () => help.showModal());
  $("#theme-toggle")?.addEventListener("click", toggleTheme);
  const navToggle = $("#nav-toggle");
  navToggle?.addEventListener("click", () => {
    const open = document.body.classList.toggle("nav-open");
    navToggle.setAttribute("aria-expanded", String(open));
  });
  const pid = document.body.dataset.productionId;
  let pending = null;
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) return;
    // a grid cell is being edited (or a typed new row waits): keys belong to the grid
    if (document.querySelector("td.is-editing, tr.new-row td.is-cursor:focus-within")) return;
    if (pending === "g") {
      pending = null;
      const go = {
        s: "/", l: "/library/equipment-specs",
        d: pid && `/productions/${pid}`, c: pid && `/productions/${pid}/checklist`, i: pid && `/productions/${pid}/ip-plan`,
      }[e.key];
      if (go) { e.preventDefault(); location.assign(go); }
      return;
    }
    if (e.key === "?") { e.preventDefault(); help.showModal(); }
    else if (e.key === "/") {
      const search = $("[data-search]");
      if (search) { e.preventDefault(); search.focus(); search.select?.(); }
    } else if (e.key === "g") { pending = "g"; setTimeout(() => { pending = null; }, 1500); }
    else if (e.key === "t") { e.preventDefault(); toggleTheme(); }
    else if (e.key === "n") {
      const cell = document.querySelector("tr.new-row td.cell:not(.ro)");
      if (cell) {
        e.preventDefault();
        cell.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
      } else {
        const add = $("#new-show-open, #new-spec-open");
        if (add) { e.preventDefault(); add.click(); }
      }
    }
  });
}
