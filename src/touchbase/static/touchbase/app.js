// Forms marked data-confirm ask before they submit. This lives here, not in onsubmit
// attributes, because the Content-Security-Policy blocks inline handlers.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
