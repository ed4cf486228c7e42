// The show list: create (empty, with the default checklist, from a template, or a copy), archive,
// delete with confirmation, restore; live refresh when another device changes the list.
import { $ } from "./util.js";
import { post, patch, del, ApiError } from "./api.js";
import { confirmDialog } from "./dialogs.js";
import { toast } from "./toast.js";
import { onChange } from "./live.js";

function formValues(form) {
  const out = {};
  for (const name of ["show_name", "client", "venue", "room", "load_in", "load_out"]) {
    const v = form.elements[name].value.trim();
    if (v) out[name] = name.startsWith("load_") ? `${v}:00`.slice(0, 19) : v;
  }
  return out;
}

export function initNewShow(form) {
  const panel = $("#new-show");
  const opener = $("#new-show-open");
  const error = $("#new-show-error");
  const sourceField = $("#ns-source-field");
  const toggle = (open) => {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    if (open) form.elements.show_name.focus();
  };
  opener.addEventListener("click", () => toggle(panel.hidden));
  $("#new-show-cancel").addEventListener("click", () => toggle(false));
  form.addEventListener("change", (e) => {
    if (e.target.name === "start") sourceField.hidden = !["template", "duplicate"].includes(e.target.value);
    if (e.target.name === "load_in" && !form.elements.load_out.value && e.target.value) {
      const d = new Date(e.target.value);
      d.setDate(d.getDate() + 1);
      const pad = (n) => String(n).padStart(2, "0");
      form.elements.load_out.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const values = formValues(form);
    if (!values.show_name) {
      error.textContent = "Give the show a name.";
      error.hidden = false;
      form.elements.show_name.focus();
      return;
    }
    const start = form.elements.start.value;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      let made;
      if (start === "template" || start === "duplicate") {
        const source = form.elements.source.value;
        made = await post(`/api/productions/${source}/duplicate`, {
          ...values, include_connections: start === "duplicate", include_ip_plan: start === "duplicate",
          checklist: start === "duplicate" ? "copy" : "default",
        });
      } else {
        made = await post("/api/productions", { ...values, checklist_template: start === "checklist" });
      }
      location.assign(`/productions/${made.id}`);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : err.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
}

export function initShowList() {
  const list = () => $("#show-list");
  document.addEventListener("click", async (e) => {
    const button = e.target.closest("#show-list button[data-action]");
    if (!button) return;
    const card = button.closest("[data-id]");
    const id = card.dataset.id;
    const version = Number(card.dataset.version);
    try {
      switch (button.dataset.action) {
        case "archive-show":
          await patch(`/api/productions/${id}`, { version, status: "ARCHIVED" });
          toast("Archived: it is under the Archived tab.", "info");
          break;
        case "unarchive-show":
          await patch(`/api/productions/${id}`, { version, status: "PLANNING" });
          toast("Back in the current shows.", "info");
          break;
        case "delete-show":
          if (!(await confirmDialog(`Delete “${button.dataset.name}”? Anyone who has it open is sent back to the show list. It stays under Deleted, where it can be restored.`, "Delete show"))) return;
          await del(`/api/productions/${id}`);
          toast("Deleted: it is under the Deleted tab.", "info");
          break;
        case "restore-show":
          await post(`/api/productions/${id}/restore`);
          toast("Restored.", "info");
          break;
        default:
          return;
      }
      await refresh();
    } catch (err) {
      toast(err.message, "error");
    }
  });

  async function refresh() {
    const r = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.getElementById("show-list");
    if (fresh && list()) list().replaceWith(document.adoptNode(fresh));
  }

  let timer = null;
  onChange((ev) => {
    if (ev.entity_type !== "production") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  });
  return refresh;
}
