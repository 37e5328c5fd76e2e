// The public problems' pages (public/problem_*.html). A form marked data-once is sent once however often
// its button is tapped (the services and the form tokens already store a double post once). On the
// hotline's entry form: the episode select shows only for the TV programme or a newspaper column, the
// dispatch fields only when "accept and dispatch now" is ticked, and Ctrl+Enter (⌘+Enter) saves from
// any field, the content's box included. Without JavaScript every field shows and the button saves.
(function () {
  "use strict";

  function once(root) {
    for (const form of root.querySelectorAll("form[data-once]")) {
      if (form.dataset.onceBound) continue;
      form.dataset.onceBound = "1";
      form.addEventListener("submit", (event) => {
        if (event.defaultPrevented) return; // a data-confirm declined
        if (form.dataset.sent) {
          event.preventDefault();
          return;
        }
        form.dataset.sent = "1";
        form.classList.add("ls-sending");
      });
    }
  }

  function toggles() {
    const episode = document.getElementById("episode-field");
    const channel = document.getElementById("id_channel");
    if (episode && channel) {
      const onAir = (episode.dataset.onAir || "").split(" ");
      const show = () => episode.classList.toggle("d-none", !onAir.includes(channel.value));
      channel.addEventListener("change", show);
      show();
    }
    for (const box of document.querySelectorAll("[data-shown-by]")) {
      const check = document.getElementById(box.dataset.shownBy);
      if (!check) continue;
      // A field with an error stays shown, so that the message can be read.
      const show = () => box.classList.toggle("d-none", !check.checked && !box.querySelector(".is-invalid"));
      check.addEventListener("change", show);
      show();
    }
    for (const form of document.querySelectorAll("form[data-submit-keys]")) {
      form.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    once(document);
    toggles();
  });
  // The triage page's possible duplicates come in by htmx: their forms too are sent once.
  document.addEventListener("htmx:afterSwap", (event) => once(event.target));
  // Back to a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", () => {
    for (const form of document.querySelectorAll("form[data-once]")) {
      delete form.dataset.sent;
      form.classList.remove("ls-sending");
    }
  });
})();
