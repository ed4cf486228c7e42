// Following a show live (docs/REALTIME.md): Server-Sent Events with resume from the last event id,
// presence, and the connection indicator. Without a stream on the server the page still works.
import { $, el, readJSON, initials, colourFor, timeAgo, uid } from "./util.js";
import { conn, probe } from "./conn.js";
import { displayName } from "./identity.js";
import { toast } from "./toast.js";

const kinds = readJSON("kinds-data") || {};
const changeHandlers = new Set();
const presenceHandlers = new Set();

export const slugOf = (entityType) => kinds[entityType]?.slug;
export const kindOf = (entityType) => kinds[entityType];
export function onChange(fn) { changeHandlers.add(fn); }
export function onPresence(fn) { presenceHandlers.add(fn); }

/** Let the page's own writes reach the same handlers when there is no stream to echo them. */
export function emitLocal(ev) {
  if (document.body.dataset.stream && conn.state === "live") return;
  for (const fn of changeHandlers) fn(ev);
}

function clientId() {
  try {
    let id = sessionStorage.getItem("vpm.client");
    if (!id) { id = uid(); sessionStorage.setItem("vpm.client", id); }
    return id;
  } catch {
    return uid();
  }
}

function renderPresence(users) {
  const me = displayName();
  const box = $("#presence");
  if (box) {
    box.replaceChildren();
    const shown = users.slice(0, 4);
    for (const u of shown) {
      const dot = el("span", { class: "avatar", title: `${u.name}${u.name === me ? " (you)" : ""} — since ${timeAgo(u.since)}`,
        text: initials(u.name) });
      dot.style.backgroundColor = colourFor(u.name);
      box.append(dot);
    }
    if (users.length > shown.length) box.append(el("span", { class: "avatar more", text: `+${users.length - shown.length}` }));
    box.title = users.length ? `Here: ${users.map((u) => u.name).join(", ")}` : "";
  }
  const list = $("#presence-list");
  if (list) {
    list.replaceChildren();
    if (!users.length) list.append(el("li", { class: "muted", text: "Only you." }));
    for (const u of users) {
      const dot = el("span", { class: "avatar", "aria-hidden": "true", text: initials(u.name) });
      dot.style.backgroundColor = colourFor(u.name);
      const pages = (u.pages || []).map((p) => p.replace(/^\/productions\/[^/]+/, "") || "/ (dashboard)");
      list.append(el("li", {}, dot, el("strong", { text: u.name + (u.name === me ? " (you)" : "") }),
        el("span", { class: "muted small", text: ` on ${pages.join(", ") || "this show"}${u.connections > 1 ? ` · ${u.connections} tabs` : ""}` })));
    }
  }
}

/** Keep the sidebar's per-kind counts right as rows come and go. */
function trackCounts() {
  const pid = document.body.dataset.productionId;
  if (!pid) return;
  onChange((ev) => {
    const kind = kinds[ev.entity_type];
    if (!kind || kind.scope !== "production" || !["create", "delete", "restore"].includes(ev.op)) return;
    if (ev.op === "delete" && kind.slug.endsWith("-types")) return;
    const count = document.querySelector(`#sidebar a[href="/productions/${pid}/${kind.page}"] .count`);
    if (!count) return;
    const n = Math.max(0, (Number(count.textContent) || 0) + (ev.op === "delete" ? -1 : 1));
    count.textContent = String(n);
  });
}

export function startLive() {
  trackCounts();
  const body = document.body;
  const url = body.dataset.stream || body.dataset.showsStream;
  if (!url) {
    conn.set("online");
    return;
  }
  let lastId = Number(body.dataset.lastEventId || 0);
  let source = null;
  let retry = 0;
  let timer = null;
  const client = clientId();

  const connect = () => {
    clearTimeout(timer);
    const params = new URLSearchParams({ name: displayName() || "someone", page: location.pathname, client });
    if (lastId) params.set("last_event_id", String(lastId));
    source = new EventSource(`${url}?${params}`);
    source.onopen = () => { retry = 0; conn.set("live"); };
    source.addEventListener("change", (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (m.lastEventId) lastId = Math.max(lastId, Number(m.lastEventId) || 0);
      for (const fn of changeHandlers) {
        try { fn(ev); } catch (err) { console.warn("change handler failed", err); }
      }
    });
    source.addEventListener("presence", (m) => {
      let data;
      try { data = JSON.parse(m.data); } catch { return; }
      renderPresence(data.users || []);
      for (const fn of presenceHandlers) fn(data.users || []);
    });
    source.addEventListener("reset", (m) => {
      let reason = "";
      try { reason = JSON.parse(m.data).reason || ""; } catch { /* keep empty */ }
      source.close();
      if (body.dataset.productionId && reason.startsWith("deleted")) {
        toast(`This show is no longer available${reason ? ` (${reason})` : ""}. Back to the show list…`, "warn", 0);
        setTimeout(() => location.assign("/"), 2500);
      } else {
        // fell behind or cannot resume: what is on screen may be stale, so fetch it afresh
        toast("Catching up with changes…", "info", 2000);
        setTimeout(() => location.reload(), 500);
      }
    });
    source.onerror = async () => {
      source.close();
      conn.set((await probe()) ? "reconnecting" : "offline");
      retry += 1;
      timer = setTimeout(connect, Math.min(10000, 500 * 2 ** Math.min(retry, 5)));
    };
  };
  connect();
  document.addEventListener("vpm:online", () => { if (!source || source.readyState === EventSource.CLOSED) connect(); });
  window.addEventListener("pagehide", () => source && source.close());
}
