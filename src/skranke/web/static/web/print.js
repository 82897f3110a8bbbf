// The print button of the citizen's access report. Kept in a file because the
// Content Security Policy allows no inline scripts; without JavaScript the
// button stays hidden and the browser's own print still works.
"use strict";
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
