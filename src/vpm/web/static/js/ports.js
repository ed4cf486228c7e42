// A device's ports: label, connector and format edited in place (PATCH /api/ports/{id}), what feeds
// each input (pick an output, a cable is POSTed), where each output goes, add / delete ports.
import { $, el, readJSON, SaveQueue } from "./util.js";
import { get, patch, post, del, ApiError, OfflineError } from "./api.js";
import { resolveConflict, confirmDialog, newFormat } from "./dialogs.js";
import { Combo } from "./combo.js";
import { toast } from "./toast.js";
import { onChange } from "./live.js";

const PORT_WORDS = { label: "Label", connector: "Connector", format_id: "Format", expected_format_id: "Expected format", notes: "Notes" };

export function initPorts(section) {
  const deviceId = section.dataset.deviceId;
  const pid = section.dataset.productionId;
  const data = readJSON($("script[data-ports-data]", section));
  const body = $("[data-ports-body]", section);
  const readonly = !!document.querySelector("form.record-form[data-readonly='1']");
  // a cable snake's ports are lines: each runs A → B (input at the A end) or back B → A
  const snake = section.dataset.slug === "cable-snakes";
  let ports = data.ports;
  const feeds = data.feeds;     // input port id -> {connection_id, version, port_id, label, device_id}
  const routes = data.routes;   // output port id -> [{connection_id, port_id, label, device_id}]
  const options = data.options; // {port: [...], format: [...]}
  const combos = new Map();
  const deferred = new Set();

  const portLabel = (id) => options.port.find((o) => o.id === id)?.label || id;
  const deviceHref = (id) => (id ? `/productions/${pid}/devices/${id}` : null);
  const fedInputs = () => new Set(Object.keys(feeds));

  function render() {
    for (const c of combos.values()) c.destroy();
    combos.clear();
    body.replaceChildren();
    for (const [direction, title] of [["in", "Inputs"], ["out", "Outputs"]]) {
      const list = ports.filter((p) => p.direction === direction);
      body.append(el("h3", { text: `${title} (${list.length})` }));
      if (!list.length) { body.append(el("p", { class: "muted", text: `No ${title.toLowerCase()}.` })); continue; }
      const head = el("tr", {}, el("th", { scope: "col", text: "#" }), el("th", { scope: "col", text: "Label" }),
        el("th", { scope: "col", text: "Connector" }),
        el("th", { scope: "col", text: direction === "in" ? "Expected format (EDID)" : "Format" }),
        el("th", { scope: "col", text: direction === "in" ? "Fed by" : "Goes to" }),
        snake ? el("th", { scope: "col", text: "Runs" }) : null,
        el("th", { scope: "col" }, el("span", { class: "sr-only", text: "Actions" })));
      const tbody = el("tbody", { dataset: { direction } });
      for (const p of list) tbody.append(renderRow(p));
      body.append(el("div", { class: "table-scroll" }, el("table", { class: "ports" }, el("thead", {}, head), tbody)));
    }
  }

  function renderRow(p) {
    const fmtField = p.direction === "in" ? "expected_format_id" : "format_id";
    const tr = el("tr", { dataset: { portId: p.id, version: p.version } });
    const text = (name, attrs = {}) => {
      const input = el("input", { type: "text", name, value: p[name] ?? "", "aria-label": `${PORT_WORDS[name]} of ${p.label}`, ...attrs });
      input.disabled = readonly;
      input.addEventListener("change", () => savePort(p.id, { [name]: input.value.trim() || (name === "notes" ? null : "") }));
      return input;
    };
    const fmt = el("input", { type: "text", "aria-label": `${PORT_WORDS[fmtField]} of ${p.label}` });
    fmt.disabled = readonly;
    const fmtCell = el("td", {}, el("span", { class: "combo-cell" }, fmt));
    tr.append(el("td", { class: "num", text: p.card_slot ? `${p.card_slot}.${p.card_port ?? p.index}` : String(p.index) }),
      el("td", {}, text("label", { maxlength: 80 })), el("td", {}, text("connector", { list: "connector-list", maxlength: 40 })),
      fmtCell);
    const wire = el("td", { class: "wire" });
    if (p.direction === "in") {
      const feed = feeds[p.id];
      const pick = el("input", { type: "text", "aria-label": `Feed of ${p.label}`, placeholder: "Pick an output…" });
      pick.disabled = readonly;
      wire.append(el("span", { class: "combo-cell" }, pick));
      if (feed) {
        wire.append(el("span", { class: "feed-info" },
          el("a", { href: deviceHref(feed.device_id), text: "device ↗", title: "Open the device that feeds this input" }),
          feed.cable_type ? el("span", { class: "muted small", text: ` ${feed.cable_type}${feed.length_ft ? ` · ${feed.length_ft} ft` : ""}` }) : null,
          readonly ? null : el("button", { type: "button", class: "btn small ghost", text: "Disconnect", dataset: { disconnect: feed.connection_id, version: feed.version } })));
      }
      combos.set(`${p.id}:feed`, new Combo(pick, {
        options: options.port, filter: { direction: "out" }, strict: true, value: feed ? feed.port_id : null,
        onPick: (out) => connect(out, p.id),
      }));
    } else {
      const dests = routes[p.id] || [];
      const list = el("ul", { class: "routes" });
      for (const d of dests) {
        list.append(el("li", {}, el("a", { href: deviceHref(d.device_id), text: d.label }),
          readonly ? null : el("button", { type: "button", class: "btn small ghost", "aria-label": `Disconnect ${d.label}`, text: "×",
            dataset: { disconnect: d.connection_id, version: d.version } })));
      }
      const pick = el("input", { type: "text", "aria-label": `Route ${p.label} to an input`, placeholder: "Route to an input…" });
      pick.disabled = readonly;
      wire.append(list, el("span", { class: "combo-cell" }, pick));
      const fed = fedInputs();
      combos.set(`${p.id}:route`, new Combo(pick, {
        options: options.port.map((o) => (o.direction === "in" && fed.has(o.id) ? { ...o, label: `${o.label} (fed)` } : o)),
        filter: { direction: "in" }, strict: true, value: null, onPick: (inp) => inp && connect(p.id, inp),
      }));
    }
    tr.append(wire);
    if (snake) tr.append(el("td", {}, runsPicker(p)));
    tr.append(el("td", { class: "actions" }, readonly ? null : el("button", { type: "button", class: "btn small ghost danger",
      "aria-label": `Delete port ${p.label}`, text: "Delete", dataset: { deletePort: p.id } })));
    combos.set(`${p.id}:fmt`, new Combo(fmt, {
      options: options.format, value: p[fmtField], allowEmpty: true,
      extra: [{ label: "New format…", action: async () => {
        const id = await newFormat();
        if (id && !options.format.some((o) => o.id === id)) options.format.unshift({ id, label: id, group: "custom" });
        return id;
      } }],
      onPick: (v) => savePort(p.id, { [fmtField]: v }),
    }));
    return tr;
  }

  // Turning a line round swaps its two ends (the A end's input becomes an output): the server moves
  // both, so the whole list is read again; a line with cables is refused with the cables named.
  function runsPicker(p) {
    const pick = el("select", { "aria-label": `Direction of line ${p.index}`, dataset: { runs: p.id } },
      el("option", { value: "A>B", text: "A → B" }), el("option", { value: "B>A", text: "B → A (run back)" }));
    pick.value = p.runs || "A>B";
    pick.disabled = readonly;
    pick.addEventListener("change", async () => {
      try {
        await patch(`/api/ports/${p.id}`, { version: p.version, runs: pick.value });
        await refreshPorts(true); // drawn even if the live events already brought both ends' versions
        toast(`Line ${p.index} now runs ${pick.value === "B>A" ? "B → A" : "A → B"}.`, "info", 2500);
      } catch (err) {
        toast(err instanceof OfflineError ? err.message : `Line ${p.index}: ${err.message}`, "error", 0);
        pick.value = p.runs || "A>B";
      }
    });
    return pick;
  }

  function replacePort(next) {
    const i = ports.findIndex((p) => p.id === next.id);
    if (i >= 0 && ports[i].version > next.version) return;
    if (i >= 0) ports[i] = next; else ports.push(next);
    ports.sort((a, b) => (a.direction > b.direction) - (a.direction < b.direction) || (a.card_slot || 0) - (b.card_slot || 0) || a.index - b.index);
    rerenderPort(next.id, i < 0);
  }

  function rerenderPort(id, structural = false) {
    const tr = body.querySelector(`tr[data-port-id="${CSS.escape(id)}"]`);
    if (structural || !tr) { render(); return; }
    if (tr.contains(document.activeElement)) { deferred.add(id); return; }
    const p = ports.find((x) => x.id === id);
    for (const key of [...combos.keys()]) if (key.startsWith(`${id}:`)) { combos.get(key).destroy(); combos.delete(key); }
    tr.replaceWith(renderRow(p));
  }

  body.addEventListener("focusout", (e) => {
    const tr = e.target.closest("tr[data-port-id]");
    if (!tr) return;
    setTimeout(() => {
      const id = tr.dataset.portId;
      if (deferred.has(id) && !tr.contains(document.activeElement)) { deferred.delete(id); rerenderPort(id); }
    }, 200);
  });

  const queue = new SaveQueue();
  function savePort(id, fields) {
    const p = ports.find((x) => x.id === id);
    if (!p) return null;
    return queue.run(id, fields, p.version, (from) => sendPort(id, fields, from));
  }

  async function sendPort(id, fields, base) {
    const p = ports.find((x) => x.id === id);
    if (!p) return null;
    const url = `/api/ports/${id}`;
    const bodyJson = { version: base, ...fields };
    try {
      const saved = await patch(url, bodyJson);
      replacePort(saved);
      return saved;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.conflicts) {
        try {
          const saved = await resolveConflict(url, bodyJson, err, (f) => PORT_WORDS[f] || f);
          replacePort(saved);
          return saved;
        } catch (again) { toast(again.message, "error"); }
      } else {
        toast(err instanceof OfflineError ? err.message : `${p.label}: ${err.message}`, "error");
        rerenderPort(id);
      }
      return null;
    }
  }

  async function connect(fromPort, toPort) {
    if (!fromPort) {
      const feed = feeds[toPort];
      if (feed) await disconnect(feed.connection_id, feed.version);
      return;
    }
    try {
      const existing = feeds[toPort];
      if (existing && existing.port_id === fromPort) return;
      if (existing) {
        const ok = await confirmDialog(`This input is fed by ${existing.label}. Replace that cable with one from ${portLabel(fromPort)}?`, "Replace");
        if (!ok) { render(); return; }
        await del(`/api/connections/${existing.connection_id}?version=${existing.version}`);
        dropConnection(existing.connection_id);
      }
      const made = await post(`/api/productions/${pid}/connections`, { from_port_id: fromPort, to_port_id: toPort });
      addConnection(made);
      toast(`Patched ${portLabel(fromPort)} → ${portLabel(toPort)}.`, "info", 2500);
    } catch (err) {
      toast(err instanceof OfflineError ? err.message : `Not patched: ${err.message}`, "error");
      render();
    }
  }

  async function disconnect(connectionId, version) {
    try {
      await del(`/api/connections/${connectionId}${version ? `?version=${version}` : ""}`);
      dropConnection(connectionId);
    } catch (err) {
      toast(err.message, "error");
    }
  }

  const own = (portId) => ports.some((p) => p.id === portId);
  const deviceOf = (portId) => options.port.find((o) => o.id === portId)?.device_id;

  function addConnection(c) {
    const from = String(c.from_port_id);
    const to = String(c.to_port_id);
    const entry = { connection_id: String(c.id), version: c.version, cable_type: c.cable_type, length_ft: c.length_ft };
    let touched = false;
    if (own(to)) { feeds[to] = { ...entry, port_id: from, label: portLabel(from), device_id: deviceOf(from) }; touched = true; }
    if (own(from)) {
      routes[from] = (routes[from] || []).filter((d) => d.connection_id !== entry.connection_id);
      routes[from].push({ ...entry, port_id: to, label: portLabel(to), device_id: deviceOf(to) });
      touched = true;
    }
    if (touched) render();
  }

  function dropConnection(connectionId) {
    let touched = false;
    for (const [k, f] of Object.entries(feeds)) if (f.connection_id === connectionId) { delete feeds[k]; touched = true; }
    for (const [k, list] of Object.entries(routes)) {
      const kept = list.filter((d) => d.connection_id !== connectionId);
      if (kept.length !== list.length) { routes[k] = kept; touched = true; }
    }
    if (touched) render();
  }

  section.addEventListener("click", async (e) => {
    const add = e.target.closest("[data-action=add-port]");
    if (add) {
      try {
        replacePort(await post(`/api/productions/${pid}/ports`, { device_id: deviceId, direction: add.dataset.direction }));
      } catch (err) { toast(err.message, "error"); }
      return;
    }
    const dis = e.target.closest("[data-disconnect]");
    if (dis) { await disconnect(dis.dataset.disconnect, dis.dataset.version); return; }
    const rm = e.target.closest("[data-delete-port]");
    if (rm) {
      const p = ports.find((x) => x.id === rm.dataset.deletePort);
      if (!p || !(await confirmDialog(`Delete port ${p.label}? Its cables are disconnected.`, "Delete port"))) return;
      try {
        await del(`/api/ports/${p.id}`);
        ports = ports.filter((x) => x.id !== p.id);
        for (const [k, f] of Object.entries(feeds)) if (k === p.id || f.port_id === p.id) delete feeds[k];
        delete routes[p.id];
        render();
      } catch (err) { toast(err.message, "error"); }
    }
  });

  // The device's own ports as the server has them now (after its spec changed, a card came or went):
  // redrawn only when a port came, went or changed, so a save elsewhere on the page costs nothing.
  function syncPorts(next, force = false) {
    if (!Array.isArray(next)) return;
    const sig = (list) => list.map((p) => `${p.id}:${p.version}`).sort().join(",");
    if (!force && sig(next) === sig(ports)) return;
    ports = next;
    render();
  }

  async function refreshPorts(force = false) {
    try { syncPorts((await get(`/api/${section.dataset.slug}/${deviceId}`)).ports, force); } catch (err) { toast(err.message, "error"); }
  }

  // ---- cards of a modular frame: what is fitted, and the frame's catalogue to add from
  const cardsBox = $("[data-cards-body]", section);
  const cardsUrl = `/api/productions/${pid}/devices/${deviceId}/cards`;
  let specId = data.spec_id ?? null;

  async function loadCards() {
    try { showCards(await get(cardsUrl)); } catch { cardsBox.hidden = true; }
  }

  function showCards(table) {
    if (!cardsBox) return;
    const bankWord = { in: "IN", out: "OUT", io: "I/O" };
    if (!table.catalogue.length && !table.cards.length) {
      // a frame that takes cards but whose library entry lists none (Ross Acuity, Ultrix ...): say why
      // it has no ports and where its cards are added, rather than showing nothing
      const slots = Math.max(0, ...Object.values(table.slots || {}).map(Number).filter((n) => n > 0));
      if (table.spec_id && slots) {
        cardsBox.hidden = false;
        cardsBox.replaceChildren(el("h3", { text: "Cards" }),
          el("p", { class: "muted", dataset: { noCards: "" } },
            `This frame takes cards (${slots} slots) but its library entry lists none, so no ports came with it. Add its cards to `,
            el("a", { href: `/library/equipment-specs/${table.spec_id}`, text: "its spec in the library" }),
            ", or add ports here by hand."));
        return;
      }
      cardsBox.hidden = true; cardsBox.replaceChildren(); return;
    }
    cardsBox.hidden = false;
    const list = el("ul", { class: "cards-list" });
    for (const c of table.cards) {
      list.append(el("li", { dataset: { bank: c.bank, slot: c.slot } },
        el("strong", { text: `${bankWord[c.bank]} slot ${c.slot}` }), ` · ${c.name || "card"} (${c.ports.length} ports) `,
        readonly ? null : el("button", { type: "button", class: "btn small ghost danger", text: "Remove",
          "aria-label": `Remove the card in ${bankWord[c.bank]} slot ${c.slot}`, dataset: { removeCard: `${c.bank}/${c.slot}` } })));
    }
    const pick = el("select", { "aria-label": "Card to add" },
      ...table.catalogue.map((c) => el("option", { value: c.id, text: `${c.name} (${bankWord[c.bank]}${c.width > 1 ? `, ${c.width} slots wide` : ""})` })));
    const slot = el("input", { type: "number", min: 1, max: 256, class: "narrow", "aria-label": "Slot for the card", placeholder: "slot" });
    const form = readonly || !table.catalogue.length ? null : el("form", { class: "inline-form", dataset: { addCard: "" } },
      pick, slot, el("button", { type: "submit", class: "btn small", text: "Add card" }));
    form?.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        showCards(await post(cardsUrl, { card_id: pick.value, slot: Number(slot.value) }));
        await refreshPorts();
      } catch (err) { toast(err instanceof OfflineError ? err.message : `Card not added: ${err.message}`, "error"); }
    });
    cardsBox.replaceChildren(el("h3", { text: `Cards (${table.cards.length})` }),
      table.cards.length ? list : el("p", { class: "muted", text: "No cards fitted." }), form);
  }

  cardsBox?.addEventListener("click", async (e) => {
    const rm = e.target.closest("[data-remove-card]");
    if (!rm) return;
    try {
      showCards(await del(`${cardsUrl}/${rm.dataset.removeCard}`));
      await refreshPorts();
    } catch (err) { toast(err.message, "error", 0); }
  });

  function deviceChanged(next) {
    if (!next || !next.ports) return;
    syncPorts(next.ports);
    if ((next.equipment_spec_id ?? null) !== specId) { specId = next.equipment_spec_id ?? null; loadCards(); }
  }
  document.addEventListener("vpm:saved", (e) => { if (e.detail.id === deviceId) deviceChanged(e.detail.data); });

  onChange((ev) => {
    if (ev.entity_id === deviceId && ev.op === "update" && ev.data) { deviceChanged(ev.data); return; }
    if (ev.entity_type === "port") {
      const d = ev.data || {};
      if (d.device_id === deviceId) {
        if (ev.op === "delete") { ports = ports.filter((p) => p.id !== ev.entity_id); render(); }
        else if (d.id) replacePort(d);
      }
      return;
    }
    if (ev.entity_type === "connection") {
      if (ev.op === "delete") dropConnection(ev.entity_id);
      else if (ev.data && ev.data.from_port_id) {
        dropConnection(String(ev.data.id));
        addConnection(ev.data);
      }
    }
  });

  render();
  loadCards();
}
