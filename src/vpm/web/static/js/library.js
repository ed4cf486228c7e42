// The equipment library: create a spec, add a spec to a show as a new device.
import { $ } from "./util.js";
import { post } from "./api.js";
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
