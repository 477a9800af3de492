// Forms marked data-confirm ask before they submit. This lives here, not in onsubmit
// attributes, because the Content-Security-Policy blocks inline handlers.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// On a phone the main menu folds behind a button. The button starts hidden and the menu open,
// so without this script every link stays reachable; with it, the button says whether the menu
// is open (aria-expanded) and Escape closes it again, returning focus to the button.
const menuButton = document.querySelector(".nav-burger[aria-controls]");
if (menuButton) {
  const setMenuOpen = (isOpen) => menuButton.setAttribute("aria-expanded", String(isOpen));
  menuButton.hidden = false;
  setMenuOpen(false);
  menuButton.addEventListener("click", () => {
    setMenuOpen(menuButton.getAttribute("aria-expanded") !== "true");
  });
  document.getElementById(menuButton.getAttribute("aria-controls")).addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setMenuOpen(false);
        menuButton.focus();
      }
    },
  );
}
