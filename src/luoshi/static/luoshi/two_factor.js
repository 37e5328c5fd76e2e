// Recovery codes: print them, or copy them (the clipboard needs HTTPS or localhost; elsewhere the codes are
// selected, for Ctrl+C). No inline handlers: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  function say(text) {
    var status = document.getElementById("copy-status");
    if (status) status.textContent = text;
  }
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      window.print();
      return;
    }
    var button = target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var lines = Array.prototype.map.call(source.querySelectorAll("li"), function (li) {
      return li.textContent.trim();
    });
    var fallback = function () {
      select(source);
      say(button.getAttribute("data-select"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(lines.join("\n")).then(function () {
        say(button.getAttribute("data-copied"));
      }, fallback);
    } else {
      fallback();
    }
  });
})();
