// Dialogs built on <dialog>: confirmation, the 409 conflict chooser, new format.
import { $, el } from "./util.js";
import { patch, post, ApiError } from "./api.js";

function openDialog(dialog, focus) {
  return new Promise((resolve) => {
    const done = () => { dialog.removeEventListener("close", done); resolve(dialog.returnValue); };
    dialog.returnValue = "";
    dialog.addEventListener("close", done);
    dialog.showModal();
    if (focus) focus.focus();
  });
}

export async function confirmDialog(text, okLabel = "Delete") {
  const dialog = $("#confirm-dialog");
  $("#confirm-text", dialog).textContent = text;
  const ok = $("#confirm-ok", dialog);
  ok.textContent = okLabel;
  return (await openDialog(dialog, ok)) === "ok";
}

export function show(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Someone else changed a field we changed. Ask, per field, keep mine or take theirs; then send the
 * kept fields (and the other fields of our edit) again with the version the server has now.
 * Returns the record as it ends up. ``label`` names a field, ``value`` shows a value (linked
 * records by their label).
 */
export async function resolveConflict(url, sent, error, label = (f) => f, value = (f, v) => show(v)) {
  let body = error.body;
  let mine = { ...sent };
  delete mine.version;
  for (let round = 0; round < 5; round++) {
    const dialog = $("#conflict-dialog");
    const rows = $("#conflict-rows", dialog);
    rows.replaceChildren();
    const who = body.current?.updated_by ? `${body.current.updated_by} changed` : "Someone changed";
    $("#conflict-text", dialog).textContent =
      `${who} ${body.conflicts.length === 1 ? "this field" : "these fields"} after you started editing. Choose, per field, which value stays.`;
    for (const c of body.conflicts) {
      const name = `conflict-${c.field}`;
      rows.append(el("tr", {},
        el("th", { scope: "row", text: label(c.field) }),
        el("td", {}, el("label", { class: "choice" },
          el("input", { type: "radio", name, value: "mine", checked: true }), " ", el("span", { class: "mine", text: value(c.field, c.yours) || "—" }))),
        el("td", {}, el("label", { class: "choice" },
          el("input", { type: "radio", name, value: "theirs" }), " ",
          el("span", { class: "theirs", text: value(c.field, c.theirs) || "—" }), el("span", { class: "muted small", text: ` (v${c.their_version})` })))));
    }
    const answer = await openDialog(dialog, $("#conflict-apply", dialog));
    const keep = {};
    if (answer === "apply") {
      for (const c of body.conflicts) {
        const picked = dialog.querySelector(`input[name="conflict-${CSS.escape(c.field)}"]:checked`);
        if (picked && picked.value === "mine") keep[c.field] = mine[c.field];
      }
    }
    const conflicted = new Set(body.conflicts.map((c) => c.field));
    const others = Object.fromEntries(Object.entries(mine).filter(([k]) => !conflicted.has(k)));
    const resend = { ...others, ...keep };
    if (!Object.keys(resend).length) return body.current;
    try {
      return await patch(url, { version: body.version, ...resend });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 409 || !err.body.conflicts) throw err;
      body = err.body;
      mine = resend;
    }
  }
  throw new Error("The record keeps changing; reload the page and try again.");
}

/** The "new format…" dialog: creates a custom format and resolves to its id (or null). */
export async function newFormat() {
  const dialog = $("#format-dialog");
  const form = $("#format-form", dialog);
  const error = $("#format-error", dialog);
  form.reset();
  error.hidden = true;
  for (;;) {
    const answer = await openDialog(dialog, form.elements.h_res);
    if (answer !== "create") return null;
    const body = {
      h_res: parseInt(form.elements.h_res.value, 10), v_res: parseInt(form.elements.v_res.value, 10),
      frame_rate: parseFloat(form.elements.frame_rate.value), interlaced: form.elements.interlaced.checked,
      blanking: form.elements.blanking.value,
    };
    try {
      const made = await post("/api/formats", body);
      return made.id;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.existing_id) return err.body.existing_id;
      error.textContent = err.message;
      error.hidden = false;
    }
  }
}
