// The Import page: while a workbook is read or written (a full page request), show a progress bar
// and keep the buttons from being pressed twice.
export function initImportForm(form) {
  form.addEventListener("submit", () => {
    const bar = form.querySelector(".import-progress") || document.querySelector(".import-progress");
    if (bar) bar.hidden = false;
    // let the browser read the pressed button's name/value first, then disable
    setTimeout(() => { for (const b of form.querySelectorAll("button")) b.disabled = true; }, 0);
    form.setAttribute("aria-busy", "true");
  });
}
