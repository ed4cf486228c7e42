// The IP plan page: click a free address to assign it; the subnet grid refreshes after changes.
import { $, readJSON } from "./util.js";
import { post, ApiError } from "./api.js";
import { Combo } from "./combo.js";
import { toast } from "./toast.js";
import { onChange, emitLocal } from "./live.js";

export function initIpPlan(root) {
  const pid = root.dataset.productionId;
  const dialog = $("#ip-dialog");
  const form = $("#ip-form");
  const error = $("#ip-error");
  const options = readJSON("ref-options") || {};
  const deviceInput = form.elements.device_id;
  const combo = new Combo(deviceInput, {
    options: options.device || [], value: null, allowEmpty: true,
    onPick: (id, o) => { if (o && !form.elements.device_name.value) form.elements.device_name.value = o.label.split(" · ")[0]; },
  });

  async function refreshGrid() {
    const grid = document.getElementById("ip-grid");
    if (!grid) return;
    const url = `/productions/${pid}/ip-plan?net=${encodeURIComponent(grid.dataset.subnet)}`;
    const r = await fetch(url, { headers: { Accept: "text/html", "HX-Request": "true", "HX-Target": "ip-grid" }, cache: "no-store" });
    if (!r.ok) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = (await r.text()).trim();
    const fresh = tpl.content.getElementById("ip-grid");
    if (fresh) document.getElementById("ip-grid")?.replaceWith(fresh);
  }

  root.addEventListener("click", (e) => {
    const free = e.target.closest("button[data-assign]");
    if (!free) return;
    form.reset();
    combo.setValue(null);
    const ip = free.dataset.assign;
    form.elements.ip.value = ip;
    form.elements.subnet.value = `${ip.split(".").slice(0, 3).join(".")}.0/24`;
    const third = Number(ip.split(".")[2]);
    const cat = { 3: "CAMS", 4: "LED", 0: "NETWORK" }[third];
    if (cat) form.elements.category.value = cat;
    $("[data-ip-title]", dialog).textContent = ip;
    error.hidden = true;
    dialog.showModal();
    form.elements.device_name.focus();
  });

  form.addEventListener("submit", async (e) => {
    if (e.submitter && e.submitter.value !== "save") return;
    e.preventDefault();
    const v = (name) => form.elements[name].value.trim();
    const body = {
      ip: v("ip"), device_name: v("device_name") || null, category: v("category"), subnet: v("subnet") || null,
      vlan: v("vlan") ? Number.parseInt(v("vlan"), 10) : null, notes: v("notes") || null,
      device_id: deviceInput.dataset.value || null,
    };
    try {
      const made = await post(`/api/productions/${pid}/ip-addresses`, body);
      dialog.close();
      toast(`${made.ip} assigned.`, "info", 2500);
      emitLocal({ entity_type: "ip_address", entity_id: made.id, op: "create", data: made });
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : err.message;
      error.hidden = false;
    }
  });

  let timer = null;
  onChange((ev) => {
    if (ev.entity_type !== "ip_address") return;
    clearTimeout(timer);
    timer = setTimeout(refreshGrid, 150);
  });
}
