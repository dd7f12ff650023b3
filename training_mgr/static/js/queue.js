// What a page has still to send, kept in the browser (localStorage) until the server has it: the check-in
// scanner's scans (checkin.js) and a day's attendance marks (attendance.js). ``pending`` is the element that
// shows how many are waiting (hidden when none); its [data-pending] child holds the number.
window.trainingMgrQueue = function (key, pending) {
  "use strict";

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(key)) || [];
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    window.localStorage.setItem(key, JSON.stringify(items));
    pending.hidden = items.length === 0;
    pending.querySelector("[data-pending]").textContent = String(items.length);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // POST ``payload`` as JSON with the page's CSRF token; rejects when there is no connection
  function send(url, csrf, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(payload),
    });
  }

  return {load: load, save: save, newId: newId, send: send};
};
