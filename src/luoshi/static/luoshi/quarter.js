// The quarter-confirmation page (ledger/quarter_confirm.html): a row's correction fields show only while
// its "correct as shown" switch is off (without JavaScript they are always shown, and the server
// ignores them for a row left on); the form is sent once however often its button is tapped.
document.addEventListener("DOMContentLoaded", () => {
  for (const toggle of document.querySelectorAll("input[data-fix]")) {
    const fix = document.getElementById(toggle.dataset.fix);
    if (!fix) continue;
    const show = () => {
      fix.classList.toggle("d-none", toggle.checked);
      fix.disabled = toggle.checked;
    };
    toggle.addEventListener("change", show);
    show();
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
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-once]")) {
    delete form.dataset.sent;
    form.classList.remove("ls-sending");
  }
});
