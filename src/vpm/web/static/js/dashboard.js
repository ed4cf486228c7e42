// Dashboard extras: recent changes grow live; signal-check findings when the server offers them.
import { el, timeAgo } from "./util.js";
import { get } from "./api.js";
import { onChange, kindOf } from "./live.js";

const VERBS = { create: "added", update: "changed", delete: "deleted", restore: "restored" };

function nameOf(data) {
  return data?.label || data?.show_name || data?.title || data?.ip || data?.name || "";
}

export function initRecentChanges(list) {
  const pid = document.body.dataset.productionId;
  onChange((ev) => {
    const kind = kindOf(ev.entity_type);
    const label = kind ? kind.label.toLowerCase() : ev.entity_type.replace(/_/g, " ");
    const name = nameOf(ev.data) || "(unnamed)";
    let href = null;
    if (kind && ev.op !== "delete") {
      href = kind.slug === "productions" ? `/productions/${ev.entity_id}`
        : kind.scope === "production" ? `/productions/${pid}/${kind.slug}/${ev.entity_id}` : `/library/${kind.slug}/${ev.entity_id}`;
    }
    const fields = Object.keys(ev.changes || {}).map((f) => f.replace(/_id$/, "").replace(/_/g, " "));
    const li = el("li", { class: "flash" }, el("strong", { text: ev.actor || "someone" }), ` ${VERBS[ev.op] || ev.op} ${label} `,
      href ? el("a", { href, text: name }) : name,
      ev.op === "update" && fields.length ? el("span", { class: "muted", text: ` (${fields.join(", ")})` }) : null,
      " ", el("span", { class: "muted small" }, el("time", { datetime: ev.created_at, "data-ago": "", text: timeAgo(ev.created_at) })));
    list.querySelector("li.muted:only-child")?.remove();
    list.prepend(li);
    while (list.children.length > 25) list.lastElementChild.remove();
  });
}

/** Findings of the signal check, whatever the exact shape: a list of {severity, message, ...}. */
export async function initSignalCheck(section) {
  const out = section.querySelector("#signal-findings");
  try {
    const data = await get(section.dataset.url);
    const items = Array.isArray(data) ? data : data.findings || data.items || data.issues || [];
    out.replaceChildren();
    out.classList.remove("muted");
    if (!items.length) { out.append(el("p", { text: "No findings: every input that should have a signal has one." })); return; }
    const counts = {};
    for (const f of items) { const s = (f.severity || f.level || "info").toLowerCase(); counts[s] = (counts[s] || 0) + 1; }
    out.append(el("p", {}, ...Object.entries(counts).map(([s, n]) => el("span", { class: `badge sev-${s}`, text: `${n} ${s}` }))));
    const ul = el("ul", { class: "findings" });
    for (const f of items.slice(0, 12)) {
      const sev = (f.severity || f.level || "info").toLowerCase();
      const text = f.message || f.text || f.reason || f.detail || JSON.stringify(f);
      const href = f.url || f.href || null;
      ul.append(el("li", {}, el("span", { class: `badge sev-${sev}`, text: sev }), " ", href ? el("a", { href, text }) : text));
    }
    out.append(ul);
    if (items.length > 12) out.append(el("p", { class: "muted", text: `and ${items.length - 12} more` }));
  } catch (err) {
    out.textContent = `The signal check is not available: ${err.message}`;
  }
}
