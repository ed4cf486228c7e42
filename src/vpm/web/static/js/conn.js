// The connection indicator and the offline rule: while the server cannot be reached, writes are
// refused (with a message) instead of being lost.
import { $ } from "./util.js";

const LABELS = {
  idle: "Connecting…",
  live: "Live",
  online: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};
const TITLES = {
  live: "Connected: changes by others appear as they happen.",
  online: "Connected to the server; live updates are not available on this server, reload to see others' changes.",
  reconnecting: "The live connection dropped; the server still answers. Reconnecting and catching up…",
  offline: "The server cannot be reached. Changes are refused until it is back.",
};

const listeners = new Set();
let probing = null;

export const conn = {
  state: "idle",
  set(state) {
    if (state === this.state) return;
    this.state = state;
    const node = $("#conn");
    if (node) {
      node.dataset.state = state;
      node.querySelector(".conn-text").textContent = LABELS[state] || state;
      node.title = TITLES[state] || "";
    }
    const banner = $("#offline-banner");
    if (banner) banner.hidden = state !== "offline";
    document.documentElement.dataset.conn = state;
    for (const fn of listeners) fn(state);
    if (state === "offline") startProbe();
  },
  on(fn) { listeners.add(fn); return () => listeners.delete(fn); },
  get offline() { return this.state === "offline"; },
};

/** Is the server there? (Used when a request or the stream fails.) */
export async function probe() {
  try {
    const r = await fetch("/health", { cache: "no-store", headers: { Accept: "application/json" } });
    return r.status < 500 || r.status === 503;
  } catch {
    return false;
  }
}

function startProbe() {
  if (probing) return;
  const tick = async () => {
    if (await probe()) {
      probing = null;
      // the live module (if any) reconnects and sets "live"; without it we are simply online again
      conn.set(document.body.dataset.stream || document.body.dataset.showsStream ? "reconnecting" : "online");
      document.dispatchEvent(new CustomEvent("vpm:online"));
      return;
    }
    probing = setTimeout(tick, 3000);
  };
  probing = setTimeout(tick, 1500);
}

window.addEventListener("offline", () => conn.set("offline"));
window.addEventListener("online", () => { if (conn.offline) startProbe(); });
