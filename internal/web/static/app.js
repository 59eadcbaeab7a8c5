// caselink's own script: keyboard shortcuts where a page offers them. No
// inline script anywhere (the pages' Content-Security-Policy forbids it).
(() => {
  "use strict";
  // Elements with data-key="s" are clicked by pressing s, unless the user
  // is typing in a field.
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    const target = document.querySelector(`[data-key="${CSS.escape(e.key)}"]`);
    if (target instanceof HTMLElement) {
      e.preventDefault();
      target.click();
    }
  });
})();
