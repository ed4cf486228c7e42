// Dates, times and numbers are committed when the person presses Enter or leaves the field, never
// per keystroke: Chromium fires `change` on a date input for every completed segment (typing
// 02152027 would save 0002-02-15, 0020-02-15, …) and on a number input for every arrow step.
// While such a field has focus its `change` events are held back; on Enter or blur one `change`
// is sent if the value differs from the one it had when focused (or last committed).

const HELD = new Set(["date", "datetime-local", "time", "month", "week", "number"]);
const held = (t) => t instanceof HTMLInputElement && HELD.has(t.type) && !t.closest("[data-commit=instant]");

export function installCommitOnLeave(root = document) {
  const base = new WeakMap();
  const commit = (t) => {
    if (!base.has(t) || base.get(t) === t.value) return;
    base.set(t, t.value);
    const ev = new Event("change", { bubbles: true });
    ev.vpmCommit = true;
    t.dispatchEvent(ev);
  };
  // which field has focus is tracked here: Chromium reports another activeElement while it
  // dispatches a date field's change
  let focused = null;
  root.addEventListener("focusin", (e) => {
    if (!held(e.target)) return;
    focused = e.target;
    base.set(e.target, e.target.value);
  }, true);
  root.addEventListener("change", (e) => {
    const t = e.target;
    if (held(t) && !e.vpmCommit && focused === t) e.stopImmediatePropagation();
  }, true);
  root.addEventListener("focusout", (e) => {
    if (!held(e.target)) return;
    if (focused === e.target) focused = null;
    commit(e.target);
  }, true);
  root.addEventListener("keydown", (e) => {
    if (!held(e.target)) return;
    if (e.key === "Enter" && !e.isComposing) commit(e.target);
    // Esc: the field's own handler reverts it; that value is then the committed one
    if (e.key === "Escape") setTimeout(() => base.set(e.target, e.target.value), 0);
  }, true);
}
