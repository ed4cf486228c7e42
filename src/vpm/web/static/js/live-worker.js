// The SharedWorker behind live.js: one EventSource per stream for every tab of this browser
// (live-core.js has the rules). Tabs talk to it over their MessagePort.
import { Relays } from "./live-core.js";

const ports = new Map(); // doc -> port

const relays = new Relays((url, msg) => {
  const relay = relays.byUrl.get(url);
  if (!relay) return;
  for (const doc of relay.tabs.keys()) {
    try { ports.get(doc)?.postMessage({ ...msg, url }); } catch { /* that tab is gone */ }
  }
});

function prune() {
  const open = new Set();
  for (const relay of relays.byUrl.values()) for (const doc of relay.tabs.keys()) open.add(doc);
  for (const doc of [...ports.keys()]) if (!open.has(doc)) ports.delete(doc);
}
setInterval(prune, 10000);

self.onconnect = (e) => {
  const port = e.ports[0];
  port.onmessage = (m) => {
    const msg = m.data || {};
    if (msg.t === "hello" && msg.doc) ports.set(msg.doc, port);
    relays.handle(msg);
    if (msg.t === "bye") ports.delete(msg.doc);
  };
  port.start();
};
