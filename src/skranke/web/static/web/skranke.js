// Starts the DKFDS components (mobile menu, accordions, alerts). Kept in a
// file because the Content Security Policy allows no inline scripts.
"use strict";
if (window.DKFDS) {
  window.DKFDS.init();
}
