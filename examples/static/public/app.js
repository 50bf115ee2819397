// Served precompressed (app.js.br, app.js.zst or app.js.gz) to a browser that accepts one.
const status = document.querySelector("#status");
const logo = document.querySelector("#logo");

function describe() {
  status.textContent = `JavaScript ran; the image is ${logo.naturalWidth}x${logo.naturalHeight}.`;
  status.dataset.ran = "yes";
}

if (logo.complete) describe();
else logo.addEventListener("load", describe, { once: true });
