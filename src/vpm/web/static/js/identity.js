// Who is editing: a display name asked once and kept in this browser (accounts may replace it).
import { $, store } from "./util.js";

const KEY = "vpm.user";

/** Signed in (accounts mode): the server knows who we are; otherwise the name kept in this browser. */
export function displayName() {
  return document.body?.dataset.account || store.get(KEY, "") || "";
}

export function setDisplayName(name) {
  store.set(KEY, String(name).trim().slice(0, 60));
  renderWhoami();
}

function renderWhoami() {
  const button = $("#whoami");
  if (button) button.textContent = displayName() || "Set your name";
}

export function askName(force = false) {
  const dialog = $("#identity-dialog");
  if (!dialog || (!force && displayName())) return;
  const input = $("#identity-name", dialog);
  input.value = displayName();
  dialog.showModal();
  input.focus();
}

export function initIdentity() {
  const dialog = $("#identity-dialog");
  renderWhoami();
  if (document.body.dataset.account) {
    $("#whoami")?.setAttribute("title", "Signed in");
    return;
  }
  if (dialog) {
    $("#identity-form", dialog).addEventListener("submit", (e) => {
      const name = $("#identity-name", dialog).value.trim();
      if (!name) { e.preventDefault(); return; }
      setDisplayName(name);
    });
    dialog.addEventListener("cancel", (e) => { if (!displayName()) e.preventDefault(); });
  }
  $("#whoami")?.addEventListener("click", () => askName(true));
  askName(false);
}
