/* The public report form (public/citizen_form.html) and the copy button of the page that shows a new
   tracking code (public/citizen_submitted.html). No outside service: the form proves it is not a bot by a
   proof of work. It fetches a signed challenge from /api/v1/public/challenge and finds a nonce such that
   SHA-256(UTF-8 of challenge + nonce) begins with `difficulty` zero bits, while the person types; then it
   posts the report as JSON to /api/v1/public/problems (no cookie, no CSRF token needed) and opens the page
   with the tracking code. crypto.subtle exists only in secure contexts (https, localhost): on an intranet
   over plain http the compact SHA-256 below does the same work. */
(function () {
  "use strict";

  // --- SHA-256 (FIPS 180-4) over bytes: the fallback where crypto.subtle is missing ---------------------
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var W = new Uint32Array(64);

  function sha256(bytes) {
    var n = bytes.length, total = ((n + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(total);
    m.set(bytes);
    m[n] = 0x80;
    var bits = n * 8;
    m[total - 4] = bits >>> 24; m[total - 3] = bits >>> 16; m[total - 2] = bits >>> 8; m[total - 1] = bits;
    m[total - 5] = Math.floor(n / 0x20000000);  // bits above 2^32 (messages over 512 MB: never here)
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    var h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var off = 0; off < total; off += 64) {
      var i, t1, t2, x, y;
      for (i = 0; i < 16; i++) {
        W[i] = (m[off + 4 * i] << 24) | (m[off + 4 * i + 1] << 16) | (m[off + 4 * i + 2] << 8) | m[off + 4 * i + 3];
      }
      for (i = 16; i < 64; i++) {
        x = W[i - 15]; y = W[i - 2];
        W[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
               (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[i - 7] + W[i - 16];
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (i = 0; i < 64; i++) {
        t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
              ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
              ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    var out = new Uint8Array(32), words = [h0, h1, h2, h3, h4, h5, h6, h7];
    for (var j = 0; j < 8; j++) {
      out[4 * j] = words[j] >>> 24; out[4 * j + 1] = words[j] >>> 16;
      out[4 * j + 2] = words[j] >>> 8; out[4 * j + 3] = words[j];
    }
    return out;
  }

  var encoder = new TextEncoder();

  function zeroBits(digest) {
    var bits = 0;
    for (var i = 0; i < digest.length; i++) {
      if (digest[i] === 0) { bits += 8; continue; }
      return bits + Math.clz32(digest[i]) - 24;
    }
    return bits;
  }

  var subtle = window.isSecureContext && window.crypto && window.crypto.subtle;

  function pause() { return new Promise(function (resolve) { setTimeout(resolve, 0); }); }

  // A nonce for the challenge, in batches that leave the page responsive.
  async function solve(challenge, bits) {
    var n = 0, i;
    for (;;) {
      if (subtle) {
        var batch = [];
        for (i = 0; i < 256; i++) batch.push(subtle.digest("SHA-256", encoder.encode(challenge + (n + i))));
        var digests = await Promise.all(batch);
        for (i = 0; i < digests.length; i++) {
          if (zeroBits(new Uint8Array(digests[i])) >= bits) return String(n + i);
        }
        n += 256;
      } else {
        for (i = 0; i < 4000; i++, n++) {
          if (zeroBits(sha256(encoder.encode(challenge + n))) >= bits) return String(n);
        }
        await pause();
      }
    }
  }

  // --- The form ------------------------------------------------------------------------------------------
  var form = document.getElementById("public-form");
  var FIELDS = ["category", "content", "place", "reporter_name", "reporter_contact"];
  var FRESH_MS = 8 * 60 * 1000;  // a challenge lives 10 minutes on the server: use it within 8

  function lang() { return document.documentElement.lang || "zh-hans"; }

  function newWork() {
    var started = Date.now();
    var promise = fetch(form.dataset.challengeUrl, { headers: { "Accept-Language": lang() }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("challenge " + r.status); return r.json(); })
      .then(function (c) {
        return solve(c.challenge, c.difficulty).then(function (nonce) { return { challenge: c.challenge, nonce: nonce }; });
      });
    promise.catch(function () {});  // reported when the form is sent
    return { started: started, promise: promise };
  }

  function clearErrors() {
    var box = document.getElementById("form-error");
    box.classList.add("d-none");
    box.textContent = "";
    FIELDS.forEach(function (name) {
      var input = document.getElementById("id_" + name);
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      document.getElementById("id_" + name + "_error").textContent = "";
    });
  }

  function showError(message, field) {
    var box = document.getElementById("form-error");
    box.textContent = "";
    var input = field && FIELDS.indexOf(field) >= 0 ? document.getElementById("id_" + field) : null;
    if (input) {
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
      document.getElementById("id_" + field + "_error").textContent = message;
      var link = document.createElement("a");
      link.href = "#id_" + field;
      link.textContent = form.dataset.msgFix + " " + message;
      link.className = "alert-link";
      box.appendChild(link);
    } else {
      box.textContent = message;
    }
    box.classList.remove("d-none");
    (input || box).focus();
  }

  function progress(text) { document.getElementById("form-progress").textContent = text || ""; }

  if (form) {
    var fieldset = document.getElementById("public-fieldset");
    var button = document.getElementById("public-submit");
    var work = newWork();
    fieldset.disabled = false;

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearErrors();
      var data = {};
      FIELDS.forEach(function (name) { data[name] = document.getElementById("id_" + name).value; });
      var missing = ["category", "content"].filter(function (name) { return !data[name].trim(); });
      if (missing.length) { showError(form.dataset.msgRequired, missing[0]); return; }
      button.disabled = true;
      try {
        for (var attempt = 0; attempt < 2; attempt++) {
          if (Date.now() - work.started > FRESH_MS) work = newWork();
          progress(form.dataset.msgWorking);
          var proof = await work.promise;
          progress(form.dataset.msgSending);
          var response = await fetch(form.action, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Accept-Language": lang() },
            body: JSON.stringify(Object.assign({}, data, proof)),
            credentials: "omit"
          });
          var answer = await response.json().catch(function () { return {}; });
          if (response.ok && answer.tracking_code) {
            window.location.assign(form.dataset.sentUrl.replace("CODE", encodeURIComponent(answer.tracking_code)));
            return;
          }
          if (response.status === 400 && (answer.field === "challenge" || answer.field === "nonce")) {
            work = newWork();  // expired or already used: once more with a fresh one
            continue;
          }
          progress("");
          showError(answer.detail || form.dataset.msgNetwork, answer.field);
          return;
        }
        progress("");
        showError(form.dataset.msgNetwork, null);
      } catch (e) {
        work = newWork();
        progress("");
        showError(form.dataset.msgNetwork, null);
      } finally {
        button.disabled = false;
      }
    });
  }

  // --- The copy button of the tracking code --------------------------------------------------------------
  var copy = document.getElementById("copy-code");
  if (copy) {
    var result = document.getElementById("copy-result");
    copy.addEventListener("click", function () {
      var code = copy.dataset.code;
      function selectIt() {
        var range = document.createRange();
        range.selectNodeContents(document.getElementById("tracking-code"));
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return selection;
      }
      function fallback() {
        selectIt();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        result.textContent = ok ? copy.dataset.msgCopied : copy.dataset.msgFailed;
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(code).then(function () { result.textContent = copy.dataset.msgCopied; }, fallback);
      } else {
        fallback();
      }
    });
  }
})();
