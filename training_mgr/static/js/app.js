// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// After a rejected form, take keyboard and screen-reader users to the list of errors (it links to each field).
const errorSummary = document.getElementById("error-summary");
if (errorSummary) {
  errorSummary.focus();
}
