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

/** Findings of the signal check: counts per severity, then the worst first with their devices and fix. */
export function initSignalCheck(section) {
  let timer = null;
  const run = () => runSignalCheck(section);
  onChange((ev) => {
    if (!["port", "connection", "router_crosspoint", "production"].includes(ev.entity_type) && !kindOf(ev.entity_type)?.device) return;
    clearTimeout(timer);
    timer = setTimeout(run, 1000);
  });
  run();
}

async function runSignalCheck(section) {
  const out = section.querySelector("#signal-findings");
  const pid = document.body.dataset.productionId;
  const rank = { error: 0, critical: 0, warning: 1, warn: 1, info: 2 };
  try {
    const data = await get(section.dataset.url);
    const items = (Array.isArray(data) ? data : data.findings || data.items || []).slice()
      .sort((a, b) => (rank[(a.severity || "info").toLowerCase()] ?? 3) - (rank[(b.severity || "info").toLowerCase()] ?? 3));
    out.replaceChildren();
    out.classList.remove("muted");
    if (!items.length) { out.append(el("p", { text: "No findings: the patch passes every check." })); return; }
    const counts = data.summary || {};
    if (!data.summary) for (const f of items) { const s = (f.severity || "info").toLowerCase(); counts[s] = (counts[s] || 0) + 1; }
    out.append(el("p", {}, ...Object.entries(counts).filter(([, n]) => n).map(([s, n]) => el("span", { class: `badge sev-${s}`, text: `${n} ${s}` })), " "));
    const ul = el("ul", { class: "findings" });
    for (const f of items.slice(0, 5)) {
      const sev = (f.severity || "info").toLowerCase();
      const devices = (f.devices || []).map((d) => el("a", { href: `/productions/${pid}/devices/${d.id}`, class: "small", text: d.label }));
      ul.append(el("li", {}, el("span", { class: `badge sev-${sev}`, text: sev }), " ", el("span", { text: f.message || f.rule || "" }),
        devices.length ? el("span", { class: "finding-devices" }, " ", ...devices.flatMap((a, i) => (i ? [", ", a] : [a]))) : null,
        f.fix ? el("div", { class: "muted small", text: f.fix }) : null));
    }
    out.append(ul);
    if (items.length > 5) out.append(el("p", { class: "muted", text: `and ${items.length - 5} more` }));
  } catch (err) {
    out.textContent = `The signal check could not run: ${err.message}`;
  }
}
