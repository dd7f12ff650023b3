// The projector's self check-in code (templates/checkin/projector.html): fetch the next code when this one changes.
(function () {
  "use strict";
  const image = document.getElementById("projector-qr");
  if (!image) {
    return;
  }
  const link = document.getElementById("projector-link");

  function next(seconds) {
    window.setTimeout(refresh, Math.max(1, seconds) * 1000 + 200);
  }

  async function refresh() {
    try {
      const response = await fetch(image.dataset.codeUrl, {credentials: "same-origin", cache: "no-store"});
      const code = await response.json();
      image.src = code.qr;
      link.textContent = code.url;
      next(code.seconds);
    } catch (error) {
      next(5);  // no connection: try again soon
    }
  }

  next(Number(image.dataset.seconds));
})();
