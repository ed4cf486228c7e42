// Paperwork pages: the Print button (no inline handlers: the pages run under script-src 'self').
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
