/* Drafts from a text (lists/drafting.html): a field chosen by hand loses its "not recognised" mark; an item
 * left out (its box unticked) is dimmed. The page works the same without it. */
(function () {
  "use strict";

  function init() {
    var preview = document.getElementById("drafting-preview");
    if (!preview) {
      return;
    }
    preview.addEventListener("change", function (event) {
      var target = event.target;
      var marked = target.closest ? target.closest(".ls-unrecognised") : null;
      if (marked && target.value) {
        marked.classList.remove("ls-unrecognised");
        var note = marked.querySelector(".ls-unrecognised-note");
        if (note) {
          note.hidden = true;
        }
      }
      if (target.name && /-include$/.test(target.name)) {
        var row = target.closest("tr");
        if (row) {
          row.classList.toggle("ls-left-out", !target.checked);
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
