// Detail forms: every field saves on change with the version the edit started from; live changes
// from others update the fields you are not editing; a 409 opens the conflict chooser.
import { $, $$, readJSON, words, SaveQueue } from "./util.js";
import { patch, post, del, ApiError, OfflineError, learnLabels } from "./api.js";
import { resolveConflict, confirmDialog, newFormat } from "./dialogs.js";
import { Combo } from "./combo.js";
import { readInput, writeInput, same, display } from "./values.js";
import { toast } from "./toast.js";
import { onChange, slugOf } from "./live.js";

const shared = new Map();
const queue = new SaveQueue();

/** One record shared by every form showing it (a page may show it twice). */
export function sharedRecord(slug, id, data) {
  const key = `${slug}:${id}`;
  if (!shared.has(key)) {
    const listeners = new Set();
    shared.set(key, {
      data,
      listen(fn) { listeners.add(fn); },
      update(next) {
        if (!next || (this.data && next.version < this.data.version)) return;
        this.data = next;
        for (const fn of listeners) fn(next);
      },
    });
  }
  return shared.get(key);
}

function titleOf(r) {
  return r.label || r.show_name || r.title || r.ip || r.name || `${r.manufacturer || ""} ${r.model || ""}`.trim() || r.id;
}

export function initRecordForm(form) {
  const slug = form.dataset.entity;
  const id = form.dataset.id;
  const meta = (readJSON("entity-meta") || {})[slug];
  if (!meta) return;
  learnLabels(meta.columns);
  const cols = Object.fromEntries(meta.columns.map((c) => [c.name, c]));
  const rec = sharedRecord(slug, id, readJSON("record-data"));
  const options = readJSON("ref-options") || {};
  const url = `/api/${slug}/${encodeURIComponent(id)}`;
  const started = {};
  const combos = {};
  const readonly = form.dataset.readonly === "1";

  const fieldBox = (name) => form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
  const showError = (name, text) => {
    const box = fieldBox(name);
    const small = box?.querySelector(".field-error");
    if (!small) return toast(`${cols[name]?.label || name}: ${text}`, "error");
    small.textContent = text || "";
    small.hidden = !text;
    box.classList.toggle("has-error", !!text);
  };

  function save(name, value) {
    const col = cols[name];
    if (readonly || !col) return null;
    if (same(value, rec.data[name])) { delete started[name]; return null; }
    const base = started[name] ?? rec.data.version;
    delete started[name];
    return queue.run(`${slug}:${id}`, { [name]: value }, base, (from) => send(name, value, from));
  }

  async function send(name, value, base) {
    const col = cols[name];
    const body = { version: base, [name]: value };
    const box = fieldBox(name);
    box?.classList.add("is-saving");
    showError(name, "");
    try {
      const saved = await patch(url, body);
      rec.update(saved);
      document.dispatchEvent(new CustomEvent("vpm:saved", { detail: { slug, id: String(id), data: saved } }));
      box?.classList.add("is-saved");
      setTimeout(() => box?.classList.remove("is-saved"), 1200);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.conflicts) {
        try {
          rec.update(await resolveConflict(url, body, err, (f) => cols[f]?.label || words(f),
            (f, v) => display(cols[f] || null, v, options)));
        }
        catch (again) { toast(again.message, "error"); }
      } else if (err instanceof ApiError && err.status === 422) {
        const mine = (err.body.errors || []).filter((e) => e.field === name || e.field.endsWith(`.${name}`));
        showError(name, mine.length ? mine.map((e) => e.reason).join("; ") : err.message);
        return;
      } else {
        toast(err instanceof OfflineError ? err.message : `${col.label}: ${err.message}`, "error");
        revert(name);
      }
    } finally {
      box?.classList.remove("is-saving");
    }
    return rec.data;
  }

  function revert(name) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) writeInput(input, cols[name], rec.data[name], combos[name]);
  }

  for (const input of $$("input[name], select[name], textarea[name]", form)) {
    const name = input.name;
    const col = cols[name];
    if (!col) continue;
    if (readonly) { input.disabled = true; continue; }
    input.addEventListener("focus", () => { if (!(name in started)) started[name] = rec.data.version; });
    if (col.editor === "ref") {
      const extra = col.ref === "format" ? [{ label: "New format…", action: newFormat }] : [];
      combos[name] = new Combo(input, {
        options: options[col.ref] || [], filter: col.ref_filter, value: rec.data[name], allowEmpty: col.nullable,
        extra, onPick: (v) => save(name, v),
      });
      continue;
    }
    input.addEventListener("change", () => {
      const r = readInput(input, col);
      if (r.error) return showError(name, r.error);
      if (r.skip) return;
      save(name, r.value);
    });
    if (input.tagName === "INPUT" && input.type !== "checkbox") {
      input.addEventListener("keydown", (e) => {
        if (e.key === "Escape") { showError(name, ""); revert(name); delete started[name]; input.blur(); }
      });
    }
  }

  rec.listen((data) => {
    for (const input of $$("input[name], select[name], textarea[name]", form)) {
      const col = cols[input.name];
      // a refused value stays in its field (with the reason) until corrected or Esc
      if (!col || document.activeElement === input || fieldBox(input.name)?.classList.contains("has-error")) continue;
      writeInput(input, col, data[input.name], combos[input.name]);
    }
    for (const out of $$("output[id^='f-']", form.parentElement)) {
      const name = out.id.slice(2);
      if (name in data) out.textContent = cols[name] ? (display(cols[name], data[name], options) || "—") : String(data[name]);
    }
    for (const dd of $$("[data-derived]")) {
      const v = data[dd.dataset.derived];
      dd.textContent = v === null || v === undefined ? "—" : display(null, v) || "none";
    }
    // the figures list is formatted on the server (one formatter): read it again
    if (document.getElementById("derived-figures") && form.dataset.secondary !== "1") refreshFigures();
    const title = $("[data-live-title]");
    if (title && form.dataset.secondary !== "1") title.textContent = titleOf(data);
    for (const node of $$("[data-live-field]")) if (node.dataset.liveField in data) node.textContent = data[node.dataset.liveField];
    form.dataset.version = data.version;
  });

  onChange((ev) => {
    if (slugOf(ev.entity_type) !== slug || ev.entity_id !== String(id)) return;
    if (ev.op === "delete") {
      toast(`${ev.actor} deleted this ${meta.label.toLowerCase()}.`, "warn", 0);
      form.dataset.readonly = "1";
      for (const input of $$("input, select, textarea", form)) input.disabled = true;
      return;
    }
    if (ev.data && ev.data.version !== undefined) rec.update(ev.data);
  });
}

let figuresTimer = null;
function refreshFigures() {
  clearTimeout(figuresTimer);
  figuresTimer = setTimeout(async () => {
    const r = await fetch(location.pathname, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!r.ok) return;
    const fresh = new DOMParser().parseFromString(await r.text(), "text/html").getElementById("derived-figures");
    if (fresh) document.getElementById("derived-figures")?.replaceChildren(...fresh.childNodes);
  }, 300);
}

/** Delete / restore / archive buttons of a detail page. */
export function initRecordActions(box) {
  const slug = box.dataset.entity;
  const id = box.dataset.id;
  const url = `/api/${slug}/${encodeURIComponent(id)}`;
  box.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button) return;
    try {
      if (button.dataset.action === "delete") {
        const archive = box.dataset.archive === "1";
        const ok = await confirmDialog(
          archive ? `Archive “${box.dataset.title}”? It leaves the library list; you can unarchive it.`
            : `Delete “${box.dataset.title}”? It can be restored from this page's address or the history.`,
          archive ? "Archive" : "Delete");
        if (!ok) return;
        await del(url);
        toast(archive ? "Archived." : "Deleted.", "info");
        location.reload();
      } else if (button.dataset.action === "restore") {
        await post(`${url}/restore`);
        location.reload();
      }
    } catch (err) {
      toast(err.message, "error");
    }
  });
}

/** The history list: refresh after changes to this record; undo the newest change when offered. */
export function initHistory(list) {
  const slug = list.dataset.entity;
  const id = list.dataset.id;
  const refresh = async () => {
    const r = await fetch(location.pathname, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.getElementById("history");
    if (fresh) list.replaceChildren(...fresh.childNodes);
  };
  let timer = null;
  onChange((ev) => {
    if (slugOf(ev.entity_type) === slug && ev.entity_id === String(id)) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    }
  });
  document.addEventListener("vpm:saved", (e) => {
    if (e.detail?.slug === slug && e.detail?.id === String(id)) { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  });
  list.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-action=undo]");
    if (!button || !list.dataset.undo) return;
    const eventId = Number(button.closest("[data-event-id]")?.dataset.eventId);
    const version = Number(sharedRecord(slug, id, readJSON("record-data")).data?.version) || undefined;
    try {
      await post(list.dataset.undo, { event_id: eventId, version });
      toast("Undone.", "info");
      location.reload();
    } catch (err) {
      toast(err instanceof ApiError && err.status === 409 ? `Not undone: ${err.message}` : err.message, "error");
    }
  });
}
