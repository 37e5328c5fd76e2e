// The report page (lists/report.html): a chip fills "work done" with its sentence without a round trip
// (without JavaScript the chip posts and the server fills it), and a form is sent once however often
// its button is tapped (the submission key already makes a second report harmless).
document.addEventListener("DOMContentLoaded", () => {
  for (const chip of document.querySelectorAll("button[data-fill]")) {
    chip.addEventListener("click", (event) => {
      event.preventDefault();
      const box = document.getElementById(chip.dataset.target);
      if (!box) return;
      const sentence = chip.dataset.fill;
      const text = box.value.trim();
      box.value = !text ? sentence : text.includes(sentence) ? text : `${text}\n${sentence}`;
      box.classList.remove("is-invalid");
      box.dispatchEvent(new Event("input", { bubbles: true }));
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
// Back to a page from the browser's cache: its form may be sent again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-once]")) {
    delete form.dataset.sent;
    form.classList.remove("ls-sending");
  }
});
