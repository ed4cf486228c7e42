// A searchable picker for references (a device, a port, a spec, a format): an input with a list
// that filters as you type. Options matching the field's filter (e.g. outputs only) come first.
import { el, uid } from "./util.js";

const MAX = 60;

function matches(option, filter) {
  return Object.entries(filter || {}).every(([k, v]) => v === null || v === undefined || option[k] === v);
}

export function optionLabel(options, id) {
  if (id === null || id === undefined || id === "") return "";
  const hit = (options || []).find((o) => o.id === String(id));
  return hit ? hit.label : String(id).slice(0, 8) + "…";
}

export class Combo {
  /**
   * @param input   the text input
   * @param opts    {options, filter, value, strict, allowEmpty, extra: [{label, action}], onPick(id, option)}
   *                strict: only options that match the filter are offered (an input is fed by an output).
   */
  constructor(input, opts) {
    this.input = input;
    this.opts = opts;
    this.value = opts.value ?? null;
    this.active = -1;
    this.items = [];
    this.list = el("ul", { class: "combo-list", role: "listbox", id: `combo-${uid()}`, hidden: true });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.autocomplete = "off";
    input.after(this.list);
    input.value = optionLabel(opts.options, this.value);
    input.addEventListener("input", () => this.open(input.value));
    input.addEventListener("focus", () => input.select());
    input.addEventListener("keydown", (e) => this.key(e));
    input.addEventListener("blur", () => setTimeout(() => this.closeAndRevert(), 150));
    this.list.addEventListener("mousedown", (e) => e.preventDefault());
  }

  ranked(text) {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    const hit = (o) => words.every((w) => o.label.toLowerCase().includes(w) || (o.group || "").toLowerCase().includes(w));
    const needle = text.trim().toLowerCase();
    const score = (o) => (o.label.toLowerCase() === needle ? 0 : o.label.toLowerCase().startsWith(needle) ? 1 : 2);
    const all = (this.opts.options || []).filter(hit).map((o, i) => [score(o), i, o])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
    const first = all.filter((o) => matches(o, this.opts.filter));
    const rest = this.opts.strict ? [] : all.filter((o) => !matches(o, this.opts.filter));
    return [...first, ...rest];
  }

  open(text = "") {
    const found = this.ranked(text === optionLabel(this.opts.options, this.value) ? "" : text);
    this.items = [];
    this.list.replaceChildren();
    if (this.opts.allowEmpty) this.items.push({ id: null, label: "— none —" });
    this.items.push(...found.slice(0, MAX));
    for (const extra of this.opts.extra || []) this.items.push({ id: undefined, label: extra.label, action: extra.action });
    let group = null;
    this.items.forEach((o, i) => {
      if (o.group && o.group !== group && o.id) {
        group = o.group;
        this.list.append(el("li", { class: "combo-group", role: "presentation", text: group }));
      }
      const li = el("li", { role: "option", id: `${this.list.id}-${i}`, class: o.action ? "combo-extra" : "",
        "aria-selected": String(o.id === this.value), dataset: { index: i }, text: o.label });
      li.addEventListener("click", () => this.pick(i));
      this.list.append(li);
    });
    if (found.length > MAX) this.list.append(el("li", { class: "combo-more muted", role: "presentation", text: `${found.length - MAX} more — type to narrow` }));
    if (!this.items.length) this.list.append(el("li", { class: "muted", role: "presentation", text: "Nothing matches" }));
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    const start = this.items.findIndex((o) => o.id && o.id === this.value);
    this.highlight(text ? this.items.findIndex((o) => o.id) : Math.max(0, start));
  }

  highlight(i) {
    this.active = Math.max(-1, Math.min(i, this.items.length - 1));
    for (const li of this.list.querySelectorAll("[role=option]")) {
      li.classList.toggle("is-active", Number(li.dataset.index) === this.active);
    }
    const cur = this.list.querySelector(`[data-index="${this.active}"]`);
    if (cur) {
      this.input.setAttribute("aria-activedescendant", cur.id);
      cur.scrollIntoView({ block: "nearest" });
    }
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  closeAndRevert() {
    if (this.list.hidden) return;
    this.close();
    this.input.value = optionLabel(this.opts.options, this.value);
  }

  async pick(i) {
    const o = this.items[i];
    if (!o) return;
    this.close();
    if (o.action) {
      const id = await o.action();
      if (id === null || id === undefined) { this.input.value = optionLabel(this.opts.options, this.value); return; }
      return this.setValue(id, true);
    }
    this.setValue(o.id, true);
  }

  setValue(id, fromUser = false) {
    this.value = id === undefined ? null : id;
    this.input.value = optionLabel(this.opts.options, this.value);
    this.input.dataset.value = this.value ?? "";
    if (fromUser && this.opts.onPick) this.opts.onPick(this.value, (this.opts.options || []).find((o) => o.id === this.value));
  }

  key(e) {
    const open = !this.list.hidden;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      e.stopPropagation();
      if (!open) return this.open("");
      this.highlight(this.active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter") {
      if (open && this.active >= 0) { e.preventDefault(); e.stopPropagation(); this.pick(this.active); }
      else if (!open) { e.preventDefault(); e.stopPropagation(); this.open(""); }
    } else if (e.key === "Escape") {
      if (open) { e.preventDefault(); e.stopPropagation(); this.closeAndRevert(); }
    } else if (e.key === "Tab" && open && this.active >= 0 && this.input.value !== optionLabel(this.opts.options, this.value)) {
      this.pick(this.active);
    }
  }

  destroy() { this.list.remove(); }
}
