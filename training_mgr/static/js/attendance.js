// A day's attendance (templates/attendance/day.html) on a poor connection. A tap on a mark is kept in the
// browser (localStorage) at once and sent in the background; without a connection the marks wait there (the
// page says how many) and are sent when it returns. Each mark has its own id, so a mark sent twice is
// recorded once, and says how long ago it was made, so the phone's clock does not matter. When someone
// changed the same mark later, the server keeps theirs and the row says so.
(function () {
  "use strict";
  const form = document.querySelector("form.attendance-day[data-marks-url]");
  if (!form) {
    return;
  }
  const url = form.dataset.marksUrl;
  const csrf = form.querySelector("[name=csrf_token]").value;
  const key = "training-mgr:marks:" + url;
  const pending = document.getElementById("marks-pending");

  const stored = window.trainingMgrQueue(key, pending);
  const load = stored.load, save = stored.save, newId = stored.newId;

  function row(registration) {
    return form.querySelector('[data-registration="' + registration + '"]');
  }

  function say(registration, message) {
    const place = row(registration) && row(registration).querySelector("[data-row-message]");
    if (place) {
      place.textContent = message || "";
      place.hidden = !message;
    }
  }

  function queueMark(registration, status) {
    const note = form.querySelector("#note-" + registration);
    const queue = load().filter(function (item) { return item.registration_id !== registration; });
    queue.push({id: newId(), registration_id: registration, status: status, note: note ? note.value : "", at: Date.now()});
    save(queue);
    flush();
  }

  function showTotals(totals) {
    Object.keys(totals || {}).forEach(function (mark) {
      const place = document.querySelector('[data-total="' + mark + '"]');
      if (place) {
        place.textContent = String(totals[mark]);
      }
    });
  }

  let sending = false;
  async function flush() {
    if (sending) {
      return;
    }
    const batch = load();
    if (!batch.length) {
      return;
    }
    sending = true;
    try {
      const now = Date.now();
      let response;
      try {
        response = await stored.send(url, csrf, {marks: batch.map(function (item) {
          return {id: item.id, registration_id: item.registration_id, status: item.status, note: item.note,
                  age_ms: now - item.at};
        })});
      } catch (error) {
        return;  // no connection: the marks stay here
      }
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || type.indexOf("application/json") === -1) {
        return;  // logged out, or refused as a whole: keep them and try again later
      }
      const answer = await response.json();
      const done = new Set();
      answer.results.forEach(function (result) {
        done.add(result.id);
        if (result.result === "kept_later" || result.result === "refused") {
          say(result.registration_id, result.message);
          const chosen = form.querySelector("#mark-" + result.registration_id + "-" + result.status);
          if (chosen) {
            chosen.checked = true;
          } else if (row(result.registration_id)) {  // no mark stands (withdrawn since, say): the tap is undone
            row(result.registration_id).querySelectorAll("input.btn-check").forEach(function (input) {
              input.checked = false;
            });
          }
        } else {
          say(result.registration_id, "");
        }
      });
      save(load().filter(function (item) { return !done.has(item.id); }));
      showTotals(answer.totals);
    } finally {
      sending = false;
    }
  }

  form.addEventListener("change", function (event) {
    const input = event.target;
    if (input.classList.contains("btn-check") && input.checked) {
      queueMark(Number(input.closest("[data-registration]").dataset.registration), input.value);
    }
  });
  function sayOffline() {
    const place = document.getElementById("marks-offline");
    place.textContent = form.dataset.offline;
    place.hidden = false;
  }
  form.addEventListener("submit", function (event) {
    if (!navigator.onLine) {
      event.preventDefault();  // the marks were kept as they were tapped; the notes go with the next tap or save
      sayOffline();
    }
  });
  // "Mark everyone else present" without a connection: the people shown without a mark are marked present here
  // and kept like taps, instead of the browser leaving the page for its offline error
  const everyone = document.getElementById("all-present");
  if (everyone) {
    everyone.addEventListener("submit", function (event) {
      if (navigator.onLine) {
        return;
      }
      event.preventDefault();
      form.querySelectorAll("[data-registration]").forEach(function (place) {
        const present = place.querySelector("input.btn-check[value=present]");
        if (present && !place.querySelector("input.btn-check:checked")) {
          present.checked = true;
          queueMark(Number(place.dataset.registration), "present");
        }
      });
      sayOffline();
    });
  }
  window.addEventListener("online", function () {
    document.getElementById("marks-offline").hidden = true;
    flush();
  });
  window.setInterval(flush, 5000);
  save(load());
  flush();
})();
