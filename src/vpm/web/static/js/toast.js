// Short messages in a live region: what was saved, what was refused and why.
import { el } from "./util.js";

export function toast(message, kind = "info", ms = 5000) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const item = el("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    el("span", { text: message }),
    el("button", { class: "btn icon small ghost", type: "button", "aria-label": "Dismiss", text: "×",
      onclick: () => item.remove() }));
  box.append(item);
  while (box.children.length > 5) box.firstElementChild.remove();
  if (ms) setTimeout(() => item.remove(), kind === "error" ? ms * 2 : ms);
}
