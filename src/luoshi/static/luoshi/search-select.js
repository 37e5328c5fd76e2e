/* Searchable selects: every <select data-search> becomes a Tom Select picker (vendor/tom-select).
 *
 * Type part of a name to filter; on a touch screen a tap picks an option and a multiple select stays
 * open to pick more, each choice removable with its ×. Without JavaScript (or if Tom Select did not
 * load) the plain select still works. Runs on page load and on every piece of page htmx swaps in.
 */
(function () {
  "use strict";

  function enhance(root) {
    if (typeof window.TomSelect === "undefined" || !root.querySelectorAll) {
      return;
    }
    var selects = root.matches && root.matches("select[data-search]") ? [root] : root.querySelectorAll("select[data-search]");
    Array.prototype.forEach.call(selects, function (select) {
      if (select.tomselect) {
        return;
      }
      var multiple = select.multiple;
      var settings = {
        plugins: multiple ? ["remove_button"] : [],
        maxOptions: null, // all units, not the first 50
        // An optional single select keeps its empty choice ("— none —") as one to pick again.
        allowEmptyOption: !multiple && !select.required,
        closeAfterSelect: !multiple,
        hidePlaceholder: multiple,
        lockOptgroupOrder: true, // departments, districts, towns: the groups keep their order
        // A unit is found by its short names too (its option's data-aliases, lists/forms.py AliasOptions).
        searchField: ["text", "aliases"],
        // Filter at each keystroke: the options are local and few, and a delayed refresh would reopen
        // (and take the focus back to) a picker closed by a quick tap on an option.
        refreshThrottle: 0,
      };
      if (multiple) {
        // After a pick the search starts afresh, with every unit offered again.
        settings.onItemAdd = function () {
          this.setTextboxValue("");
          this.refreshOptions(false);
        };
      }
      // Without one of its own, a select's placeholder is its empty choice ("Choose…").
      if (select.hasAttribute("data-placeholder")) {
        settings.placeholder = select.getAttribute("data-placeholder");
      }
      new window.TomSelect(select, settings);
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(enhance);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  }
})();
