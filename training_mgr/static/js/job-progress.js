// The job page: poll the job's JSON status and move the bar; reload once the job has finished (to show the
// download link or the reason it failed). Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  const box = document.getElementById("job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") {
    return;
  }
  const bar = document.getElementById("job-bar");
  const text = document.getElementById("job-progress-text");
  const note = document.getElementById("job-note");
  const every = parseInt(box.dataset.refreshMs, 10) || 2000;

  function show(status) {
    text.textContent = status.progress;
    note.textContent = status.note || "";
    note.hidden = !status.note;
    if (status.total) {
      bar.max = status.total;
      bar.value = status.done;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        show(status);
        if (status.status === "done" || status.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () { window.setTimeout(poll, every * 2); });
  }
  window.setTimeout(poll, every);
})();
