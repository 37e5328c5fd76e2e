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
      new window.TomSelect(select, {
        plugins: multiple ? ["remove_button"] : [],
        maxOptions: null, // all units, not the first 50
        // An optional single select keeps its empty choice ("— none —") as one to pick again.
        allowEmptyOption: !multiple && !select.required,
        closeAfterSelect: !multiple,
        hidePlaceholder: multiple,
        lockOptgroupOrder: true, // departments, districts, towns: the groups keep their order
        placeholder: select.getAttribute("data-placeholder") || undefined,
        // After a pick the search starts afresh, with every unit offered again.
        onItemAdd: multiple
          ? function () {
              this.setTextboxValue("");
              this.refreshOptions(false);
            }
          : undefined,
      });
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
