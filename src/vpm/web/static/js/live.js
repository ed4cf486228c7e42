// Following a show live (docs/REALTIME.md): Server-Sent Events with resume from the last event id,
// presence, and the connection indicator; one connection per browser (live-core.js). Without a
// stream on the server the page still works.
import { $, el, readJSON, initials, colourFor, timeAgo, uid } from "./util.js";
import { conn, probe } from "./conn.js";
import { displayName } from "./identity.js";
import { toast } from "./toast.js";
import { Relays, tabLock } from "./live-core.js";

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

/** How this tab reaches its stream: a SharedWorker holding one connection for every tab of the
 * browser; else the tab elected leader (Web Locks) relays over a BroadcastChannel; else its own. */
function transport(url, doc, hello, receive) {
  const setMode = (mode) => { document.documentElement.dataset.live = mode; };
  const version = new URL(document.querySelector("script[src*='/js/app.js']")?.src || location.href).searchParams.get("v") || "";
  let post = null;
  if (typeof SharedWorker === "function") {
    try {
      const worker = new SharedWorker(`/static/js/live-worker.js?v=${encodeURIComponent(version)}`, { type: "module", name: "vpm-live" });
      worker.port.onmessage = (m) => { if (m.data?.url === url) receive(m.data); };
      worker.port.start();
      worker.onerror = () => { post = withoutWorker(url, hello, receive, setMode); post(hello()); };
      setMode("shared");
      post = (msg) => worker.port.postMessage(msg);
    } catch { /* no module workers here */ }
  }
  if (!post) post = withoutWorker(url, hello, receive, setMode);
  return (msg) => post(msg);
}

function withoutWorker(url, hello, receive, setMode) {
  if (globalThis.navigator?.locks?.request && typeof BroadcastChannel === "function") {
    const channel = new BroadcastChannel(`vpm-live:${url}`);
    let relays = null; // set while this tab is the leader
    const deliver = (u, msg) => { const out = { ...msg, url: u }; channel.postMessage(out); receive(out); };
    channel.onmessage = (m) => {
      const msg = m.data || {};
      if (["hello", "bye", "retry"].includes(msg.t)) { if (relays) relays.handle(msg); return; }
      if (msg.t === "who") { channel.postMessage(hello()); return; }
      if (!relays) receive(msg);
    };
    setMode("follower");
    navigator.locks.request(`vpm-live-leader:${url}`, () => {
      relays = new Relays(deliver);
      setMode("leader");
      relays.handle(hello());
      channel.postMessage({ t: "who", url }); // the other tabs say hello again to their new leader
      return new Promise(() => {}); // leader until this tab closes
    });
    return (msg) => (relays ? relays.handle(msg) : channel.postMessage(msg));
  }
  const relays = new Relays((u, msg) => receive({ ...msg, url: u }));
  setMode("own");
  return (msg) => relays.handle(msg);
}

const day = (iso) => (iso ? new Date(`${String(iso).slice(0, 10)}T12:00:00`).toLocaleDateString("en-GB",
  { weekday: "short", day: "numeric", month: "short" }).replace(",", "") : "");

/** The top bar follows the show's header (name, client, venue, dates) as anyone changes it. */
function trackShowHeader() {
  const pid = document.body.dataset.productionId;
  const name = $("[data-show-name]");
  const meta = $("[data-show-meta]");
  if (!pid || !name) return;
  onChange((ev) => {
    if (ev.entity_type !== "production" || ev.entity_id !== pid || !ev.data || ev.op === "delete") return;
    const d = ev.data;
    if (d.show_name !== undefined) name.textContent = d.show_name;
    if (meta && "venue" in d) {
      const dates = day(d.load_in) + (d.load_out ? ` – ${day(d.load_out)}` : "");
      meta.textContent = [d.client, d.venue, dates].filter(Boolean).map((p) => ` · ${p}`).join("");
    }
  });
}

export function startLive() {
  trackCounts();
  trackShowHeader();
  const body = document.body;
  const url = body.dataset.stream || body.dataset.showsStream;
  if (!url) {
    conn.set("online");
    return;
  }
  let lastId = Number(body.dataset.lastEventId || 0);
  const doc = uid();
  const client = clientId();
  const hello = () => ({ t: "hello", url, doc, client, page: location.pathname, name: displayName() || "someone", lastId });
  // held while this page is open: the relay checks it to drop tabs that closed without a word
  navigator.locks?.request?.(tabLock(doc), () => new Promise(() => {})).catch(() => {});

  const receive = async (msg) => {
    if (msg.t === "state") {
      if (msg.state === "live") conn.set("live");
      else conn.set((await probe()) ? "reconnecting" : "offline");
    } else if (msg.t === "change") {
      if (msg.id && msg.id <= lastId) return; // already had it (a replay for a tab that joined later)
      let ev;
      try { ev = JSON.parse(msg.data); } catch { return; }
      if (msg.id) lastId = msg.id;
      for (const fn of changeHandlers) {
        try { fn(ev); } catch (err) { console.warn("change handler failed", err); }
      }
    } else if (msg.t === "presence") {
      let data;
      try { data = JSON.parse(msg.data); } catch { return; }
      renderPresence(data.users || []);
      for (const fn of presenceHandlers) fn(data.users || []);
    } else if (msg.t === "reset") {
      const reason = msg.reason || "";
      if (body.dataset.productionId && reason.startsWith("deleted")) {
        toast(`This show is no longer available${reason ? ` (${reason})` : ""}. Back to the show list…`, "warn", 0);
        setTimeout(() => location.assign("/"), 2500);
      } else {
        // fell behind or cannot resume: what is on screen may be stale, so fetch it afresh
        toast("Catching up with changes…", "info", 2000);
        setTimeout(() => location.reload(), 500);
      }
    } else if (msg.t === "denied") {
      if (msg.status === 401) location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      else location.reload(); // no longer allowed, or the show is gone: the page says which
    }
  };

  const post = transport(url, doc, hello, receive);
  post(hello());
  document.addEventListener("vpm:online", () => post({ t: "retry", url, doc }));
  window.addEventListener("pagehide", () => post({ t: "bye", url, doc }));
  window.addEventListener("pageshow", (e) => { if (e.persisted) post(hello()); });
}
