// The checklist page: tick with one click or Space (a note is optional, added inline), edit title / lead days / due date /
// assignee in place, notes, add, reorder, delete. Each item is re-rendered by the server after a
// change (its own or someone else's); expand / collapse is remembered per person in this browser.
import { $, $$, store, debounce, refreshTimes, SaveQueue } from "./util.js";
import { patch, post, del, ApiError, OfflineError } from "./api.js";
import { resolveConflict, confirmDialog } from "./dialogs.js";
import { toast } from "./toast.js";
import { onChange, emitLocal } from "./live.js";

const WORDS = { title: "Title", days_before_show: "Lead days", assignee: "Assigned to", completed: "Done", notes: "Notes" };

export function initChecklist(root) {
  const pid = root.dataset.productionId;
  const loadIn = root.dataset.loadIn ? new Date(root.dataset.loadIn.slice(0, 10) + "T00:00:00") : null;
  const openKey = `vpm.checklist.open.${pid}`;
  const started = new Map();

  // ------------------------------------------------ expand / collapse (per person, per show)
  const openCats = new Set(store.get(openKey, []));
  const wanted = location.hash.startsWith("#item-") ? document.getElementById(location.hash.slice(1)) : null;
  for (const d of $$("details.check-category", root)) {
    d.open = openCats.has(d.dataset.category) || (wanted && d.contains(wanted));
    d.addEventListener("toggle", () => {
      if (d.open) openCats.add(d.dataset.category); else openCats.delete(d.dataset.category);
      store.set(openKey, [...openCats]);
    });
  }
  if (wanted) { wanted.scrollIntoView({ block: "center" }); wanted.classList.add("flash"); }
  root.querySelector("[data-action=expand-all]")?.addEventListener("click", () => { for (const d of $$("details.check-category", root)) d.open = true; });
  root.querySelector("[data-action=collapse-all]")?.addEventListener("click", () => { for (const d of $$("details.check-category", root)) d.open = false; });

  // ------------------------------------------------ filters
  const q = $("#check-q", root);
  const hideDone = root.querySelector("[data-filter=hide-done]");
  const overdueOnly = root.querySelector("[data-filter=overdue-only]");
  const applyFilters = () => {
    const words = (q.value || "").toLowerCase().split(/\s+/).filter(Boolean);
    for (const li of $$(".check-item", root)) {
      const text = li.dataset.search || "";
      const show = words.every((w) => text.includes(w))
        && !(hideDone.checked && li.dataset.completed === "1")
        && !(overdueOnly.checked && li.dataset.overdue !== "1");
      li.hidden = !show;
    }
    if (words.length || overdueOnly.checked) {
      for (const d of $$("details.check-category", root)) if ($$(".check-item:not([hidden])", d).length) d.open = true;
    }
  };
  q.addEventListener("input", debounce(applyFilters, 150));
  hideDone.addEventListener("change", applyFilters);
  overdueOnly.addEventListener("change", applyFilters);

  // ------------------------------------------------ counts
  const recount = () => {
    let total = 0, done = 0, overdue = 0;
    for (const d of $$("details.check-category", root)) {
      const items = $$(".check-item", d);
      const n = items.length;
      const k = items.filter((li) => li.dataset.completed === "1").length;
      const o = items.filter((li) => li.dataset.overdue === "1").length;
      total += n; done += k; overdue += o;
      d.querySelector("[data-cat-done]").textContent = k;
      d.querySelector("[data-cat-total]").textContent = n;
      const bar = d.querySelector("summary progress");
      bar.max = n || 1; bar.value = k;
      const badge = d.querySelector("[data-cat-overdue]");
      badge.textContent = `${o} overdue`;
      badge.hidden = !o;
    }
    const head = document.querySelector(".page-head .head-stat");
    if (head) {
      const bar = head.querySelector("progress");
      if (bar) { bar.max = total || 1; bar.value = done; }
      const frac = head.querySelector(".progress-line .muted");
      if (frac) frac.textContent = `${done}/${total}`;
      const pct = head.querySelector("[data-check-pct]");
      if (pct) pct.textContent = `${total ? Math.round((100 * done) / total) : 0}%`;
      const od = head.querySelector("[data-check-overdue]");
      if (od) { od.textContent = `${overdue} overdue`; od.hidden = !overdue; }
    }
  };

  // ------------------------------------------------ fragments
  const pendingSwap = new Set();
  // An item someone is typing in (focused, or holding text not yet saved) is never swapped: the swap waits
  // until they leave it, so no keystroke is lost to a redraw.
  const TYPED = "input:not([type=checkbox]), textarea";
  const FOCUSABLE = "input, button, summary, select, textarea";
  const busy = (li) => !!li && ((li.contains(document.activeElement) && document.activeElement.matches(TYPED))
    || $$("input[data-save], input[data-due]", li).some((i) => i.value !== i.defaultValue));
  async function refreshItem(id) {
    let li = document.getElementById(`item-${id}`);
    if (busy(li)) { pendingSwap.add(id); return; }
    const r = await fetch(`/productions/${pid}/checklist/items/${id}`, { headers: { Accept: "text/html" }, cache: "no-store" });
    const html = r.ok ? await r.text() : "";
    li = document.getElementById(`item-${id}`); // it may have been swapped meanwhile
    if (busy(li)) { pendingSwap.add(id); return; } // they started typing while the answer was on its way
    if (r.status === 404) { li?.remove(); recount(); return; }
    if (!r.ok) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const fresh = tpl.content.querySelector("li.check-item");
    if (!fresh) return;
    if (li && Number(li.dataset.version) > Number(fresh.dataset.version)) return; // an older answer
    const openNotes = li?.querySelector("details.check-notes")?.open;
    // the keyboard stays where it was (Space on the tick again, Tab on from the Notes toggle or a button)
    const focusedAt = li && li.contains(document.activeElement) ? $$(FOCUSABLE, li).indexOf(document.activeElement) : -1;
    if (openNotes) fresh.querySelector("details.check-notes").open = true;
    const target = root.querySelector(`details.check-category[data-category="${CSS.escape(fresh.dataset.category)}"] [data-items]`);
    if (li && li.parentElement === target) li.replaceWith(fresh);
    else {
      li?.remove();
      const after = $$(".check-item", target).find((x) => Number(x.dataset.sort) > Number(fresh.dataset.sort));
      if (after) after.before(fresh); else target.append(fresh);
    }
    refreshTimes(fresh);
    if (focusedAt >= 0) $$(FOCUSABLE, fresh)[focusedAt]?.focus();
    recount();
    applyFilters();
  }
  root.addEventListener("focusout", (e) => {
    const li = e.target.closest(".check-item");
    if (!li) return;
    setTimeout(() => {
      if (pendingSwap.has(li.dataset.id) && !busy(li)) {
        pendingSwap.delete(li.dataset.id);
        refreshItem(li.dataset.id);
      }
    }, 0);
  });

  // ------------------------------------------------ writes
  const queue = new SaveQueue();
  function save(li, fields, base = null) {
    const id = li.dataset.id;
    return queue.run(id, fields, base, (from) => send(id, fields, from));
  }

  async function send(id, fields, base) {
    const li = document.getElementById(`item-${id}`);
    if (!li) return null;
    const url = `/api/checklist-items/${id}`;
    const body = { version: base ?? Number(li.dataset.version), ...fields };
    let saved = null;
    li.classList.add("is-saving");
    try {
      saved = await patch(url, body);
      li.dataset.version = saved.version;
      markSaved(li, fields);
      emitLocal({ entity_type: "checklist_item", entity_id: id, op: "update", data: saved });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.conflicts) {
        try { saved = await resolveConflict(url, body, err, (f) => WORDS[f] || f); } catch (again) { toast(again.message, "error"); }
        if (saved) markSaved(li, fields);
      } else {
        toast(err instanceof OfflineError ? err.message : `${li.querySelector(".check-title")?.value || "Item"}: ${err.message}`, "error");
        for (const input of $$("input[data-save], input[data-due]", li)) {
          const name = input.matches("[data-due]") ? "days_before_show" : input.name;
          if (name in fields) input.setAttribute("aria-invalid", "true");
        }
      }
    } finally {
      started.delete(id);
      li.classList.remove("is-saving");
      await refreshItem(id);
    }
    return saved;
  }

  // What the server took is no longer "typed but unsaved"; a refused value stays in its field (marked) until fixed.
  function markSaved(li, fields) {
    for (const input of $$("input[data-save], input[data-due]", li)) {
      const name = input.matches("[data-due]") ? "days_before_show" : input.name;
      if (name in fields) { input.defaultValue = input.value; input.removeAttribute("aria-invalid"); }
    }
  }

  root.addEventListener("focusin", (e) => {
    const li = e.target.closest(".check-item");
    if (li && !started.has(li.dataset.id)) started.set(li.dataset.id, Number(li.dataset.version));
  });

  root.addEventListener("change", async (e) => {
    const li = e.target.closest(".check-item");
    if (!li) return;
    const t = e.target;
    if (t.matches("[data-action=toggle]")) {
      // one click (or Space) ticks; a note is optional and added inline under "Notes"
      const saved = await save(li, { completed: t.checked });
      if (!saved) t.checked = !t.checked;
      return;
    }
    if (t.matches("[data-due]")) {
      if (!loadIn) { toast("Set the show's load-in date first (on the dashboard).", "info"); return; }
      if (!t.value) return;
      const due = new Date(t.value + "T00:00:00");
      const days = Math.round((loadIn - due) / 86400000);
      await save(li, { days_before_show: days }, started.get(li.dataset.id));
      return;
    }
    if (t.matches("[data-save]")) {
      let value = t.value.trim();
      if (t.name === "days_before_show") value = value === "" ? null : Number.parseInt(value, 10);
      else if (t.name === "assignee") value = value || null;
      else if (t.name === "title" && !value) { toast("A checklist item needs a title.", "error"); t.value = t.defaultValue; return; }
      await save(li, { [t.name]: value }, started.get(li.dataset.id));
    }
  });

  root.addEventListener("submit", async (e) => {
    const form = e.target;
    e.preventDefault();
    if (form.matches("[data-add-note]")) {
      const li = form.closest(".check-item");
      const text = form.elements.note.value.trim();
      if (!text) return;
      await save(li, { add_note: text });
      return;
    }
    if (form.matches("[data-add-item]")) {
      const title = form.elements.title.value.trim();
      if (!title) return;
      const days = form.elements.days_before_show.value.trim();
      const items = $$(".check-item", form.closest("details"));
      const sort = items.reduce((m, li) => Math.max(m, Number(li.dataset.sort) || 0), 0) + 1;
      try {
        const made = await post(`/api/productions/${pid}/checklist-items`, {
          title, category: form.dataset.category, sort_order: sort,
          days_before_show: days === "" ? null : Number.parseInt(days, 10),
        });
        form.reset();
        form.elements.title.focus();
        emitLocal({ entity_type: "checklist_item", entity_id: made.id, op: "create", data: made });
        await refreshItem(made.id);
      } catch (err) {
        toast(err.message, "error");
      }
    }
  });

  async function move(li, dir) {
    const items = $$(".check-item", li.parentElement);
    const i = items.indexOf(li);
    const j = i + dir;
    if (j < 0 || j >= items.length) return;
    [items[i], items[j]] = [items[j], items[i]];
    const changes = items.map((x, k) => [x, k + 1]).filter(([x, k]) => Number(x.dataset.sort) !== k);
    for (const [x, k] of changes) x.dataset.sort = String(k);
    if (dir < 0) items[j + 1].before(items[j]); else items[j - 1].after(items[j]);
    for (const [x, k] of changes) await save(x, { sort_order: k });
    li.querySelector(`[data-action=move][data-dir="${dir}"]`)?.focus();
  }

  root.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-action]");
    const li = button?.closest(".check-item");
    if (!li) return;
    if (button.dataset.action === "move") await move(li, Number(button.dataset.dir));
    if (button.dataset.action === "delete") {
      const title = li.querySelector(".check-title").value;
      if (!(await confirmDialog(`Delete “${title}” from the checklist?`, "Delete"))) return;
      try {
        await del(`/api/checklist-items/${li.dataset.id}?version=${li.dataset.version}`);
        li.remove();
        recount();
      } catch (err) {
        toast(err.message, "error");
      }
    }
  });

  root.addEventListener("keydown", (e) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    const li = e.target.closest(".check-item");
    if (!li) return;
    e.preventDefault();
    move(li, e.key === "ArrowUp" ? -1 : 1);
  });

  // ------------------------------------------------ live
  const timers = new Map();
  onChange((ev) => {
    if (ev.entity_type !== "checklist_item") return;
    const id = ev.entity_id;
    if (ev.op === "delete") { document.getElementById(`item-${id}`)?.remove(); recount(); return; }
    const li = document.getElementById(`item-${id}`);
    if (li && ev.data && Number(li.dataset.version) >= Number(ev.data.version)) return;
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => refreshItem(id), 60));
  });
  onChange((ev) => {
    if (ev.entity_type === "production" && ev.entity_id === pid && ev.changes && "load_in" in ev.changes) location.reload();
  });
  recount();
}
