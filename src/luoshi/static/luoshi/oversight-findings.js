// A finding's evidence (oversight/finding_form.html, finding_detail.html): the files chosen on a phone are
// shown as small previews before the form is sent, so the liaison sees he picked the right photos. The
// previews are data: URLs (the Content-Security-Policy allows data: images, not blob: ones).
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-previews]")) {
    const input = document.getElementById(box.dataset.previews);
    if (!input) continue;
    input.addEventListener("change", () => {
      box.replaceChildren();
      for (const file of input.files) {
        if (file.type.startsWith("image/")) {
          const img = document.createElement("img");
          img.width = 72;
          img.height = 72;
          img.alt = file.name;
          img.title = file.name;
          img.className = "img-thumbnail object-fit-cover";
          img.dataset.preview = file.name;
          const reader = new FileReader();
          reader.addEventListener("load", () => {
            img.src = reader.result;
          });
          reader.readAsDataURL(file);
          box.append(img);
        } else {
          const name = document.createElement("span");
          name.className = "badge text-bg-light border text-wrap text-break";
          name.dataset.preview = file.name;
          name.textContent = file.name;
          box.append(name);
        }
      }
    });
  }
});
