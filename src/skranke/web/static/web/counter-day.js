// The counter day's pages: print the ticket, send the kiosk back to its start,
// chime on a new call on the display board. In a file because the Content
// Security Policy allows no inline scripts; every page works without it.
"use strict";

document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});

// The kiosk's ticket page returns to the start page by itself, so the next
// citizen does not see the last one's number.
document.querySelectorAll("[data-return-after]").forEach(function (element) {
  var seconds = parseInt(element.getAttribute("data-return-after"), 10);
  var target = element.getAttribute("data-return-to");
  if (seconds > 0 && target) {
    window.setTimeout(function () {
      window.location.assign(target);
    }, seconds * 1000);
  }
});

// Display board: an optional chime. Browsers only play sound after a click,
// so the board shows a button that turns it on.
(function () {
  var button = document.querySelector("[data-chime]");
  if (!button) {
    return;
  }
  var context = null;
  var latest = null;
  button.hidden = false;
  button.addEventListener("click", function () {
    var on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? button.getAttribute("data-on-text") || "Lyd er slået til" : button.getAttribute("data-off-text") || "Slå lyd til";
    if (on && !context && window.AudioContext) {
      context = new window.AudioContext();
    }
  });

  function chime() {
    if (!context || button.getAttribute("aria-pressed") !== "true") {
      return;
    }
    [660, 880].forEach(function (frequency, index) {
      var start = context.currentTime + index * 0.35;
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.32);
    });
  }

  function check() {
    var columns = document.querySelector("[data-latest]");
    var value = columns ? columns.getAttribute("data-latest") : "";
    if (latest !== null && value && value !== latest) {
      chime();
    }
    latest = value;
  }
  check();
  document.body.addEventListener("htmx:afterSwap", check);
})();
