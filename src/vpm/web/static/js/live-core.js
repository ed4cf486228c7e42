// One live connection shared by every tab of a browser (docs/REALTIME.md, "One connection per
// browser"). A Relay holds the EventSource of one stream URL for the tabs that follow it, and runs
// either in a SharedWorker (live-worker.js) or in the tab elected leader (live.js).
//
// Tabs say hello with their id, page and the newest change id they have; the relay (re)opens the
// stream with `tab=<client> <page>` for each tab (so presence still counts tabs and pages) and the
// smallest change id any tab lacks, so a tab joining late gets what it missed. Every message goes to
// every tab; each tab drops the changes it already has (ids only grow), so a replay is harmless.
// Tab -> relay:  {t:"hello", doc, client, page, name, lastId}  {t:"bye", doc}  {t:"retry"}
// Relay -> tabs: {t:"state", state:"live"|"error"}  {t:"change", id, data}  {t:"presence", data}
//                {t:"reset", reason}  {t:"denied", status}

const RECONNECT_DELAY = 250; // ms: tabs opening or closing together cause one reconnect
const LIVENESS = 5000; // ms between checks that the tabs are still open (their Web Lock is held)

export const tabLock = (doc) => `vpm-tab:${doc}`;

export class Relay {
  /** url: the stream; send(msg): to every tab of this relay; onEmpty(): no tab left. */
  constructor(url, send, onEmpty) {
    this.url = url;
    this.send = send;
    this.onEmpty = onEmpty || (() => {});
    this.tabs = new Map(); // doc -> {client, page, name, lastId}
    this.position = null; // newest change id seen on the stream (null: not connected yet)
    this.source = null;
    this.pending = null; // a source being opened to replace this.source
    this.timer = null;
    this.retry = 0;
    this.state = "idle";
    this.presence = null;
    this.closed = false;
    this.watch = setInterval(() => this.checkTabs(), LIVENESS);
  }

  hello(msg) {
    const known = this.tabs.get(msg.doc);
    this.tabs.set(msg.doc, { client: msg.client, page: msg.page || "", name: msg.name || "", lastId: Number(msg.lastId) || 0 });
    const lastId = Number(msg.lastId) || 0;
    const behind = lastId > 0 && this.position !== null && lastId < this.position;
    if (this.state === "live") this.send({ t: "state", state: "live" });
    if (this.presence) this.send({ t: "presence", data: this.presence });
    if (!this.source && !this.pending) this.connect(0);
    else if (!known || known.page !== msg.page || behind) this.schedule();
  }

  bye(doc) {
    if (!this.tabs.delete(doc)) return;
    if (!this.tabs.size) this.close();
    else this.schedule();
  }

  /** A tab came back online: connect now if the stream is down. */
  poke() {
    if (!this.source && !this.pending) this.connect(0);
  }

  async checkTabs() {
    if (!globalThis.navigator?.locks?.query || !this.tabs.size) return;
    let held;
    try {
      held = new Set((await navigator.locks.query()).held.map((l) => l.name));
    } catch {
      return;
    }
    for (const doc of [...this.tabs.keys()]) if (!held.has(tabLock(doc))) this.bye(doc);
  }

  schedule(delay = RECONNECT_DELAY) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  params() {
    const p = new URLSearchParams();
    let name = "";
    let from = this.position;
    for (const tab of this.tabs.values()) {
      name = tab.name || name;
      p.append("tab", `${tab.client} ${tab.page}`.slice(0, 360));
      if (tab.lastId > 0 && (from === null || tab.lastId < from)) from = tab.lastId;
    }
    if (this.url.includes("/productions/") && !this.url.endsWith("/productions/stream")) p.set("name", name || "someone");
    else p.delete("tab");
    if (from) p.set("last_event_id", String(from));
    return p;
  }

  connect() {
    clearTimeout(this.timer);
    if (this.closed || !this.tabs.size) return;
    if (this.pending) { this.pending.close(); this.pending = null; }
    const source = new EventSource(`${this.url}?${this.params()}`);
    this.pending = source;
    const mine = () => source === this.source || source === this.pending;
    source.onopen = () => {
      if (!mine()) return;
      // the new connection is up: only now drop the old one, so presence never blinks
      if (this.source && this.source !== source) this.source.close();
      this.source = source;
      this.pending = null;
      this.retry = 0;
      this.state = "live";
      this.send({ t: "state", state: "live" });
    };
    source.addEventListener("change", (m) => {
      if (!mine()) return;
      const id = Number(m.lastEventId) || 0;
      if (id) this.position = Math.max(this.position || 0, id);
      for (const tab of this.tabs.values()) tab.lastId = Math.max(tab.lastId, id);
      this.send({ t: "change", id, data: m.data });
    });
    source.addEventListener("presence", (m) => {
      if (!mine()) return;
      this.presence = m.data;
      this.send({ t: "presence", data: m.data });
    });
    source.addEventListener("reset", (m) => {
      if (!mine()) return;
      let reason = "";
      try { reason = JSON.parse(m.data).reason || ""; } catch { /* keep empty */ }
      this.send({ t: "reset", reason });
      this.close(); // the tabs reload or leave; whoever comes back starts afresh
    });
    source.onerror = () => {
      if (!mine()) return;
      source.close();
      if (this.pending === source) this.pending = null;
      if (this.source === source) this.source = null;
      if (this.source) return; // a replacement failed but the old stream still runs
      this.state = "error";
      this.send({ t: "state", state: "error" });
      this.checkAccess();
      this.retry += 1;
      this.schedule(Math.min(10000, 500 * 2 ** Math.min(this.retry, 5)));
    };
    if (this.position === null) this.position = Number(this.params().get("last_event_id")) || 0;
  }

  /** Signed out, access revoked or the show gone: tell the tabs instead of retrying for ever. */
  async checkAccess() {
    const m = this.url.match(/^(.*\/api\/productions\/[^/]+)\/stream$/);
    if (!m) return;
    try {
      const r = await fetch(`${m[1]}/presence`, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } });
      if ([401, 403, 404].includes(r.status)) {
        this.send({ t: "denied", status: r.status });
        this.close();
      }
    } catch { /* the server cannot be reached: the tabs show offline, the retry goes on */ }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.watch);
    for (const s of [this.source, this.pending]) if (s) s.close();
    this.source = this.pending = null;
    this.tabs.clear();
    this.onEmpty();
  }
}

/** Relays by stream URL, created on a tab's hello and dropped when their last tab leaves. */
export class Relays {
  constructor(sendTo) {
    this.sendTo = sendTo; // (url, msg) => void
    this.byUrl = new Map();
  }

  handle(msg) {
    if (!msg || typeof msg.url !== "string") return;
    let relay = this.byUrl.get(msg.url);
    if (msg.t === "hello") {
      if (!relay) {
        relay = new Relay(msg.url, (out) => this.sendTo(msg.url, out), () => {
          if (this.byUrl.get(msg.url) === relay) this.byUrl.delete(msg.url);
        });
        this.byUrl.set(msg.url, relay);
      }
      relay.hello(msg);
    } else if (relay && msg.t === "bye") relay.bye(msg.doc);
    else if (relay && msg.t === "retry") relay.poke();
  }
}
