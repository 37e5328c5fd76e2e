/* The ledger's tree: a task's sub-tasks fold and unfold with the ▾ before its title (rows carry their
 * data-path, "00001.002.001"; a subtree is every row whose path starts with the task's and a dot).
 * Without JavaScript the buttons stay hidden and every row shows. */
(function () {
  "use strict";

  function rowsUnder(table, path) {
    var prefix = path + ".";
    return Array.prototype.filter.call(table.querySelectorAll("tr[data-path]"), function (tr) {
      return tr.getAttribute("data-path").indexOf(prefix) === 0;
    });
  }

  function toggle(button) {
    var table = button.closest("table");
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "▾" : "▸";
    rowsUnder(table, button.getAttribute("data-path")).forEach(function (tr) {
      tr.hidden = !open;
      // Unfolding shows the whole subtree again, each of its own toggles open.
      var inner = tr.querySelector("button.ledger-toggle");
      if (inner && open) {
        inner.setAttribute("aria-expanded", "true");
        inner.textContent = "▾";
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("button.ledger-toggle"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { toggle(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
