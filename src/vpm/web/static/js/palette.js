// Show-wide search (Ctrl+K or the top bar's Search): type, arrows to choose, Enter to open the
// record, Esc to close. Results come from GET /api/productions/{id}/search, best first.
import { $, el } from "./util.js";
import { get } from "./api.js";

const KIND_TEXT = { device: "Device", port: "Port", cable: "Cable", ip: "IP", checklist: "Checklist" };

export function initPalette() {
  const pid = document.body.dataset.productionId;
  if (!pid) return;
  const dialog = el("dialog", { id: "search-dialog", class: "dialog wide palette", "aria-label": "Search this show" });
  const input = el("input", { type: "search", id: "search-input", placeholder: "Device, port (CAM 1 OUT 1), cable, IP, checklist…",
    autocomplete: "off", spellcheck: "false", role: "combobox", "aria-expanded": "true", "aria-controls": "search-results",
    "aria-autocomplete": "list" });
  const list = el("ul", { id: "search-results", class: "palette-results", role: "listbox", "aria-label": "Results" });
  const status = el("p", { class: "muted small palette-status", role: "status", "aria-live": "polite" });
  dialog.append(input, status, list);
  document.body.append(dialog);

  let results = [];
  let active = 0;
  let timer = null;
  let asked = 0;

  const paint = () => {
    list.replaceChildren(...results.map((r, i) => {
      const li = el("li", { id: `search-hit-${i}`, role: "option", class: "palette-hit", "aria-selected": String(i === active),
        dataset: { url: r.url, kind: r.kind } },
      el("span", { class: "palette-kind", text: KIND_TEXT[r.kind] || r.kind }),
      el("span", { class: "palette-title", text: r.title }),
      el("span", { class: "palette-detail muted small", text: r.detail }));
      return li;
    }));
    input.setAttribute("aria-activedescendant", results.length ? `search-hit-${active}` : "");
    list.children[active]?.scrollIntoView({ block: "nearest" });
  };

  const run = async () => {
    const q = input.value.trim();
    const ticket = ++asked;
    if (!q) { results = []; status.textContent = "Type to search devices, ports, cables, IPs and checklist items."; paint(); return; }
    try {
      const data = await get(`/api/productions/${pid}/search?${new URLSearchParams({ q, limit: "20" })}`);
      if (ticket !== asked) return; // a newer query is on its way
      results = data.results || [];
      active = 0;
      status.textContent = results.length ? `${results.length} found` : `Nothing in this show matches “${q}”.`;
      paint();
    } catch (err) {
      if (ticket === asked) status.textContent = err.message;
    }
  };

  const open = () => {
    if (!dialog.open) dialog.showModal();
    input.select();
    run();
  };
  const go = (i) => {
    const hit = results[i];
    if (!hit) return;
    dialog.close();
    location.assign(hit.url);
  };

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!results.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + results.length) % results.length;
      paint();
    } else if (e.key === "Enter") {
      e.preventDefault();
      clearTimeout(timer);
      if (results.length) go(active);
    }
  });
  list.addEventListener("click", (e) => {
    const li = e.target.closest("li[role=option]");
    if (li) go([...list.children].indexOf(li));
  });
  $("#search-open")?.addEventListener("click", open);
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k") {
      e.preventDefault();
      open();
    }
  }, true);
}
