// The equipment library: create a spec, add a spec to a show as a new device.
import { $, $$, el, readJSON } from "./util.js";
import { patch, post } from "./api.js";
import { toast } from "./toast.js";

export function initNewSpec(form) {
  const panel = $("#new-spec");
  const opener = $("#new-spec-open");
  const error = $("#new-spec-error");
  opener?.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    opener.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) form.elements.manufacturer.focus();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const body = {
      category: form.elements.category.value,
      manufacturer: form.elements.manufacturer.value.trim(),
      model: form.elements.model.value.trim(),
    };
    try {
      const made = await post("/api/equipment-specs", body);
      location.assign(`/library/equipment-specs/${made.slug}`);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
}

export function initAddToShow(section) {
  const form = section.querySelector("[data-add-to-show]");
  if (!form) return;
  const error = section.querySelector("[data-add-error]");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const pid = form.elements.production_id.value;
    const body = { equipment_spec_id: section.dataset.specId };
    const label = form.elements.label.value.trim();
    if (label) body.label = label;
    try {
      const made = await post(`/api/productions/${pid}/${section.dataset.deviceSlug}`, body);
      toast(`Added ${made.label} with ${made.ports.length} ports.`, "info");
      location.assign(`/productions/${pid}/${section.dataset.deviceSlug}/${made.id}`);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
}

// A spec's port template and slot layout, edited as a whole and saved in one PATCH (`layout`):
// the server checks every port and slot and answers 422 naming the place (that field is marked) or
// 409 naming the devices an edit would orphan; nothing is saved while something is refused.
const PORT_KEYS = ["direction", "index", "key", "label", "connector", "format"];

function parseSlots(text) {
  const out = [];
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = part.match(/^(\d+)\s*(?:-\s*(\d+))?$/);
    if (!m) return null;
    const [a, b] = [Number(m[1]), Number(m[2] || m[1])];
    for (let n = a; n <= b; n++) out.push(n);
  }
  return out;
}

function slotText(list) {
  const runs = [];
  for (const n of [...list].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n; else runs.push([n, n]);
  }
  return runs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}

export function initSpecLayout(section) {
  const id = section.dataset.id;
  $("[data-action=clone-spec]", section)?.addEventListener("click", async () => {
    try {
      const made = await post(`/api/equipment-specs/${id}/clone`);
      location.assign(`/library/equipment-specs/${made.slug}`);
    } catch (err) { toast(err.message, "error"); }
  });
  if (section.dataset.readonly === "1") return;
  const record = readJSON($("#record-data"));
  const body = $("[data-layout-body]", section);
  const error = $("[data-layout-error]", section);
  const portOf = (p) => Object.fromEntries(PORT_KEYS.map((k) => [k, p[k] ?? null]));
  const layout = {
    ports: (record.ports || []).map(portOf),
    cards: (record.cards || []).map((c) => ({
      key: c.key, name: c.name || "", slot: c.slot_number, width: c.width || 1,
      fits_slots: c.fits_slots || [], ports: c.ports.map(portOf),
    })),
  };
  // cards read as on the frame: input cards by slot, then output cards, then I/O cards, options last
  const BANKS = ["IN", "OUT", "I/O"];
  const bankOf = (c) => {
    const dirs = new Set(c.ports.map((p) => p.direction));
    return dirs.size === 1 ? (dirs.has("in") ? "IN" : "OUT") : dirs.size ? "I/O" : "IN";
  };
  layout.cards.sort((a, b) => (a.slot == null) - (b.slot == null) || BANKS.indexOf(bankOf(a)) - BANKS.indexOf(bankOf(b))
    || (a.slot || 0) - (b.slot || 0) || String(a.key).localeCompare(String(b.key)));

  function input(obj, name, path, label, attrs = {}) {
    const value = obj[name] ?? "";
    const node = attrs.type === "select"
      ? el("select", {}, ...["in", "out"].map((d) => el("option", { value: d, text: d === "in" ? "in" : "out", selected: value === d })))
      : el("input", { type: attrs.type || "text", value: name === "fits_slots" ? slotText(value) : value, ...attrs.extra });
    node.dataset.field = `${path}.${name}`;
    node.setAttribute("aria-label", label);
    node.addEventListener("change", () => {
      const raw = node.value.trim();
      if (name === "fits_slots") obj[name] = parseSlots(raw) ?? raw;
      else if (["index", "slot", "width"].includes(name)) obj[name] = raw === "" ? (name === "width" ? 1 : null) : Number(raw);
      else obj[name] = raw === "" && ["key", "format"].includes(name) ? null : raw;
    });
    return node;
  }

  function portsTable(list, path, what) {
    const tbody = el("tbody");
    list.forEach((p, i) => {
      const at = `${path}[${i}]`;
      const name = `${what} port ${i + 1}`;
      tbody.append(el("tr", {},
        el("td", {}, input(p, "direction", at, `Direction of ${name}`, { type: "select" })),
        el("td", {}, input(p, "index", at, `Number of ${name}`, { type: "number", extra: { min: 1, class: "narrow" } })),
        el("td", {}, input(p, "label", at, `Label of ${name}`, { extra: { maxlength: 80 } })),
        el("td", {}, input(p, "connector", at, `Connector of ${name}`, { extra: { maxlength: 40 } })),
        el("td", {}, input(p, "format", at, `Format of ${name}`, { extra: { maxlength: 60 } })),
        el("td", {}, el("button", { type: "button", class: "btn small ghost danger", text: "Remove", "aria-label": `Remove ${name}`,
          onclick: () => { list.splice(i, 1); render(); } }))));
    });
    const head = el("tr", {}, ...["Direction", "#", "Label", "Connector", "Format", ""].map((t) => el("th", { scope: "col", text: t })));
    return el("div", { class: "table-scroll" }, el("table", { class: "simple layout-ports" }, el("thead", {}, head), tbody));
  }

  const addPort = (list, direction) => { list.push({ direction, index: null, key: null, label: "", connector: "", format: null }); render(); };

  function render() {
    const direct = el("div", { dataset: { layoutPorts: "" } }, el("h3", { text: `Ports of the unit (${layout.ports.length})` }),
      portsTable(layout.ports, "layout.ports", "unit"),
      el("p", {}, el("button", { type: "button", class: "btn small", text: "+ Input", onclick: () => addPort(layout.ports, "in") }), " ",
        el("button", { type: "button", class: "btn small", text: "+ Output", onclick: () => addPort(layout.ports, "out") })));
    const cards = layout.cards.map((c, i) => {
      const at = `layout.cards[${i}]`;
      const name = c.name || c.key || `card ${i + 1}`;
      return el("fieldset", { class: "layout-card", dataset: { card: c.key || "" } },
        el("legend", { text: c.slot ? `${bankOf(c)} slot ${c.slot} · ${name}` : `Option (${bankOf(c)}) · ${name}` }),
        el("div", { class: "form-grid" },
          el("label", {}, "Name ", input(c, "name", at, `Name of card ${i + 1}`, { extra: { maxlength: 120 } })),
          el("label", {}, "Key ", input(c, "key", at, `Key of card ${i + 1}`, { extra: { maxlength: 60 } })),
          el("label", {}, "Slot ", input(c, "slot", at, `Slot of card ${i + 1} (empty: an option)`, { type: "number", extra: { min: 1, class: "narrow" } })),
          el("label", {}, "Width ", input(c, "width", at, `Width of card ${i + 1} in slots`, { type: "number", extra: { min: 1, class: "narrow" } })),
          el("label", {}, "Fits slots ", input(c, "fits_slots", at, `Slots card ${i + 1} fits (e.g. 1-8; empty: any)`, { extra: { placeholder: "any" } }))),
        portsTable(c.ports, `${at}.ports`, `card ${i + 1}`),
        el("p", {}, el("button", { type: "button", class: "btn small", text: "+ Input", onclick: () => addPort(c.ports, "in") }), " ",
          el("button", { type: "button", class: "btn small", text: "+ Output", onclick: () => addPort(c.ports, "out") }), " ",
          el("button", { type: "button", class: "btn small ghost danger", text: "Remove card", onclick: () => { layout.cards.splice(i, 1); render(); } })));
    });
    const actions = el("p", { class: "head-actions" },
      el("button", { type: "button", class: "btn small", text: "+ Card", onclick: () => {
        layout.cards.push({ key: null, name: "", slot: null, width: 1, fits_slots: [], ports: [] }); render();
      } }), " ",
      el("button", { type: "button", class: "btn primary", text: "Save ports and cards", dataset: { action: "save-layout" }, onclick: save }));
    body.replaceChildren(direct, el("h3", { text: `Cards (${layout.cards.length})` }), ...cards, actions);
  }

  async function save() {
    error.hidden = true;
    for (const bad of $$("[aria-invalid=true]", body)) bad.removeAttribute("aria-invalid");
    for (const c of layout.cards) {
      if (!Array.isArray(c.fits_slots)) { fail("layout.cards.fits_slots", `"${c.fits_slots}" is not a list of slots (write 1-8 or 1, 3, 5)`); return; }
    }
    try {
      await patch(`/api/equipment-specs/${id}`, { version: Number(section.dataset.version), layout });
      toast("Ports and cards saved.", "info");
      location.reload();
    } catch (err) {
      const first = err.body?.errors?.[0];
      fail(first?.field, err.body?.detail || err.message);
    }
  }

  function fail(field, message) {
    error.textContent = message;
    error.hidden = false;
    const node = field && body.querySelector(`[data-field="${CSS.escape(field)}"]`);
    if (node) { node.setAttribute("aria-invalid", "true"); node.focus(); }
  }

  render();
}
