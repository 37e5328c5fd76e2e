// The frontline log (frontline/log.html): a supervised unit's chip picks it as the unit visited and the
// day's kind as "supervised unit"; the form is sent once however often its button is tapped (the
// submission key already makes a second entry harmless).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("id_unit");
  for (const chip of document.querySelectorAll("button[data-unit]")) {
    chip.addEventListener("click", () => {
      if (!select) return;
      if (select.tomselect) {
        select.tomselect.setValue(chip.dataset.unit);
      } else {
        select.value = chip.dataset.unit;
      }
      const kind = document.querySelector('input[name="kind"][value="supervised_unit"]');
      if (kind) kind.checked = true;
      const place = document.getElementById("id_place");
      if (place && !place.value.trim()) place.value = chip.dataset.unitName;
    });
  }
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.classList.add("ls-sending");
    });
  }
});
// Back to the page from the browser's cache: its form may be sent again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-once]")) {
    delete form.dataset.sent;
    form.classList.remove("ls-sending");
  }
});
