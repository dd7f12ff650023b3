// The officer's check-in scanner (templates/checkin/scanner.html). Every scan goes into a queue kept in the
// browser (localStorage) first and is sent from there, so scans made without a connection are sent when it
// returns; the server decides the time (the phone only says how long ago, by its own clock, the scan was made)
// and one person is marked once however often their badge is read.
(function () {
  "use strict";
  const form = document.getElementById("checkin-form");
  if (!form) {
    return;
  }
  const url = form.getAttribute("action");
  const csrf = form.querySelector("[name=csrf_token]").value;
  const key = "training-mgr:check-in:" + url;
  const result = document.getElementById("scan-result");
  const pending = document.getElementById("checkin-pending");
  const arabic = form.dataset.lang === "ar";
  const recent = new Map();  // code -> when it was last queued: the camera reads one badge many times a second

  const stored = window.trainingMgrQueue(key, pending);
  const load = stored.load, save = stored.save, newId = stored.newId;

  function enqueue(code) {
    code = (code || "").trim();
    const now = Date.now();
    if (!code || (recent.has(code) && now - recent.get(code) < 3000)) {
      return;
    }
    recent.set(code, now);
    const queue = load();
    queue.push({id: newId(), code: code, at: now});
    save(queue);
    flush();
  }

  function beep(ok) {
    try {
      const context = beep.context || (beep.context = new (window.AudioContext || window.webkitAudioContext)());
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.2;
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + (ok ? 0.12 : 0.35));
    } catch (error) {
      // no sound on this browser: the name and the vibration are enough
    }
    if (navigator.vibrate) {
      navigator.vibrate(ok ? 80 : [80, 60, 80]);
    }
  }

  function show(data, ok) {
    const name = (arabic && data.name_ar) || data.name || "";
    result.querySelector("[data-name]").textContent = name;
    result.querySelector("[data-message]").textContent = data.message || "";
    result.className = "checkin-result " + (ok ? (data.already ? "checkin-again" : "checkin-ok") : "checkin-refused");
    result.dataset.status = ok ? data.status : "refused";
    beep(ok);
  }

  // a scan made without a connection: said at once, with its sound, so the officer knows the badge was read
  function kept() {
    result.querySelector("[data-name]").textContent = "";
    result.querySelector("[data-message]").textContent = form.dataset.kept;
    result.className = "checkin-result checkin-kept";
    result.dataset.status = "kept";
    beep(true);
  }

  let sending = false;
  async function flush() {
    if (sending) {
      return;
    }
    sending = true;
    try {
      let queue = load();
      while (queue.length) {
        const item = queue[0];
        let response;
        try {
          response = await stored.send(url, csrf, {code: item.code, client_id: item.id, age_ms: Date.now() - item.at});
        } catch (error) {
          if (Date.now() - queue[queue.length - 1].at < 3000) {
            kept();  // the scan just made waits with the others: say so once, not at every later try
          }
          break;  // no connection: keep the scan, try again later
        }
        const type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("application/json") === -1) {
          show({message: form.dataset.login}, false);
          break;
        }
        if (response.status >= 500 || response.status === 429) {
          break;
        }
        const data = await response.json();
        show(data, response.ok && data.ok);
        Object.keys(data.totals || {}).forEach(function (mark) {  // the day's totals at the top, as they are now
          const place = document.querySelector('[data-total="' + mark + '"]');
          if (place) {
            place.textContent = String(data.totals[mark]);
          }
        });
        queue = load().filter(function (other) { return other.id !== item.id; });
        save(queue);
      }
    } finally {
      sending = false;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const input = form.querySelector("[name=code]");
    enqueue(input.value);
    input.value = "";
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 5000);

  if (window.Html5Qrcode) {
    const reader = new window.Html5Qrcode("reader");
    const start = document.getElementById("start-camera");
    const file = document.getElementById("scan-file");
    start.hidden = false;
    document.getElementById("scan-file-label").hidden = false;
    start.addEventListener("click", function () {
      start.hidden = true;
      reader.start({facingMode: "environment"}, {fps: 10, qrbox: 240}, enqueue).catch(function () {
        start.hidden = false;
        show({message: form.dataset.noCamera}, false);
      });
    });
    // The decoder misses a code now and then at one size and reads it at another: try the photo at three sizes.
    async function resized(chosen, factor) {
      const bitmap = await createImageBitmap(chosen);
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * factor);
      canvas.height = Math.round(bitmap.height * factor);
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/png"); });
      return new File([blob], "photo.png", {type: "image/png"});
    }
    async function scanPhoto(chosen) {
      for (const factor of [1, 0.6, 1.5]) {
        try {
          return await reader.scanFile(factor === 1 ? chosen : await resized(chosen, factor), false);
        } catch (error) {
          // not read at this size: try the next
        }
      }
      throw new Error("no code");
    }
    file.addEventListener("change", function () {
      const chosen = file.files[0];
      if (!chosen) {
        return;
      }
      scanPhoto(chosen).then(enqueue).catch(function () {
        show({message: form.dataset.unreadable}, false);
      });
      file.value = "";
    });
  }
  save(load());
  flush();
})();
