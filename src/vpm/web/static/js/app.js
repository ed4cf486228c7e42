// Entry point of every page: identity, connection, shortcuts, then each [data-module] on the page.
// When everything is wired the root element gets data-ready="1" (tests and the benchmark wait for it).
import { $$, refreshTimes } from "./util.js";
import { initIdentity, displayName } from "./identity.js";
import { headerSafe } from "./api.js";
import { initShortcuts } from "./shortcuts.js";
import { installCommitOnLeave } from "./commit.js";
import { startLive } from "./live.js";
import { initGrid } from "./grid.js";
import { initRecordForm, initRecordActions, initHistory } from "./records.js";
import { initPorts } from "./ports.js";
import { initChecklist } from "./checklist.js";
import { initIpPlan } from "./ipplan.js";
import { initNewShow, initShowList } from "./shows.js";
import { initNewSpec, initAddToShow, initSpecLayout } from "./library.js";
import { initRecentChanges, initSignalCheck } from "./dashboard.js";
import { initPalette } from "./palette.js";
import { initImportForm } from "./import.js";
import { initPatch } from "./patch.js";

const MODULES = {
  grid: initGrid,
  "record-form": initRecordForm,
  "record-actions": initRecordActions,
  history: initHistory,
  ports: initPorts,
  checklist: initChecklist,
  ipplan: initIpPlan,
  "new-show": initNewShow,
  "new-spec": initNewSpec,
  "add-to-show": initAddToShow,
  "spec-layout": initSpecLayout,
  "recent-changes": initRecentChanges,
  "signal-check": initSignalCheck,
  "import-form": initImportForm,
  patch: initPatch,
};

function boot() {
  initIdentity();
  initShortcuts();
  installCommitOnLeave();
  initPalette();
  if (document.body.dataset.page === "shows") initShowList();
  for (const node of $$("[data-module]")) {
    const init = MODULES[node.dataset.module];
    if (!init) continue;
    try {
      init(node);
    } catch (err) {
      console.error(`${node.dataset.module} failed to start`, err);
    }
  }
  refreshTimes();
  setInterval(() => refreshTimes(), 60000);
  startLive();
  document.addEventListener("htmx:afterSwap", (e) => refreshTimes(e.target));
  document.addEventListener("htmx:configRequest", (e) => {
    const who = headerSafe(displayName());
    if (who) e.detail.headers["X-VPM-User"] = who;
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("vpm_csrf="));
    if (csrf && e.detail.verb !== "get") e.detail.headers["X-CSRF-Token"] = decodeURIComponent(csrf.slice(9));
  });
  document.documentElement.dataset.ready = "1";
  performance.mark("vpm-ready");
}

boot();
