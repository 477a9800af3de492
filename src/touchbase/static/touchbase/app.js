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

// Cadence policies: only the field the chosen scope needs is shown (owner, segment or tag).
// Without this script all stay visible and the server ignores the ones of other scopes.
const showScopeFields = (select) => {
  for (const field of select.form.querySelectorAll("[data-scope]")) {
    field.hidden = field.dataset.scope !== select.value;
  }
};
for (const select of document.querySelectorAll("select[data-scope-switch]")) {
  showScopeFields(select);
}
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-scope-switch]")) {
    showScopeFields(event.target);
  }
});

// Account pickers: a text box (role=combobox) whose suggestions htmx loads into a listbox.
// Here the arrow keys move through them, Enter or a click takes one and puts its id into the
// hidden input, Escape closes the list. Typing again forgets the id until one is chosen.
const isPicker = (element) =>
  element instanceof HTMLElement && element.getAttribute("role") === "combobox";
const pickerParts = (input) => ({
  listbox: document.getElementById(input.getAttribute("aria-controls")),
  hidden: input.closest("[data-picker]").querySelector("[data-picker-value]"),
});
const choosable = (listbox) => [
  ...listbox.querySelectorAll("[role=option]:not([aria-disabled=true])"),
];

const setPickerOpen = (input, listbox, isOpen) => {
  listbox.hidden = !isOpen;
  input.setAttribute("aria-expanded", String(isOpen));
  if (!isOpen) {
    input.removeAttribute("aria-activedescendant");
  }
};

const setActiveOption = (input, listbox, option) => {
  for (const other of listbox.querySelectorAll("[role=option]")) {
    other.setAttribute("aria-selected", String(other === option));
  }
  input.setAttribute("aria-activedescendant", option.id);
  option.scrollIntoView({ block: "nearest" });
};

const chooseOption = (input, option) => {
  const { listbox, hidden } = pickerParts(input);
  input.value = option.dataset.label;
  hidden.value = option.dataset.value;
  setPickerOpen(input, listbox, false);
};

document.addEventListener("htmx:afterSwap", (event) => {
  const listbox = event.detail.target;
  if (listbox.getAttribute("role") !== "listbox") {
    return;
  }
  const input = document.querySelector(`[role=combobox][aria-controls="${listbox.id}"]`);
  if (input) {
    setPickerOpen(input, listbox, listbox.children.length > 0 && document.activeElement === input);
  }
});

document.addEventListener("input", (event) => {
  if (isPicker(event.target)) {
    pickerParts(event.target).hidden.value = "";
  }
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (!isPicker(input)) {
    return;
  }
  const { listbox } = pickerParts(input);
  const options = choosable(listbox);
  const active = document.getElementById(input.getAttribute("aria-activedescendant") || "");
  const index = options.indexOf(active);
  if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
    event.preventDefault();
    setPickerOpen(input, listbox, true);
    const last = options.length - 1;
    const next =
      event.key === "ArrowDown"
        ? (index < 0 || index === last ? 0 : index + 1)
        : (index <= 0 ? last : index - 1);
    setActiveOption(input, listbox, options[next]);
  } else if (event.key === "Enter" && !listbox.hidden) {
    // Enter in an open list takes a suggestion instead of sending the form half-filled.
    event.preventDefault();
    const option = index >= 0 ? active : options.length === 1 ? options[0] : null;
    if (option) {
      chooseOption(input, option);
    }
  } else if (event.key === "Escape" && !listbox.hidden) {
    event.preventDefault();
    setPickerOpen(input, listbox, false);
  }
});

// A press on a suggestion keeps the focus in the text box, so the list is still there on click.
document.addEventListener("mousedown", (event) => {
  if (event.target instanceof Element && event.target.closest("[role=listbox] [role=option]")) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const option =
    event.target instanceof Element &&
    event.target.closest("[role=listbox] [role=option]:not([aria-disabled=true])");
  const input = option && document.querySelector(`[aria-controls="${option.parentElement.id}"]`);
  if (input) {
    chooseOption(input, option);
  }
});
document.addEventListener("focusout", (event) => {
  if (isPicker(event.target)) {
    setPickerOpen(event.target, pickerParts(event.target).listbox, false);
  }
});

// Toasts: the messages of an htmx answer, at the foot of the window (see HtmxMessagesMiddleware).
// They go after ten seconds or with their close button, but never while the pointer rests on
// them or the focus is inside, say on an Undo being reached for: then they wait another round.
const TOAST_MILLISECONDS = 10000;
const toasts = document.getElementById("toasts");
if (toasts) {
  let timer = null;
  const isHeld = () => toasts.matches(":hover") || toasts.contains(document.activeElement);
  const clearLater = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      if (isHeld()) {
        clearLater();
      } else {
        toasts.replaceChildren();
      }
    }, TOAST_MILLISECONDS);
  };
  new MutationObserver(() => {
    if (toasts.children.length) {
      clearLater();
    }
  }).observe(toasts, { childList: true });
  toasts.addEventListener("click", (event) => {
    const close = event.target instanceof Element && event.target.closest("[data-toast-close]");
    if (close) {
      close.closest("[data-toast]").remove();
      // The button is gone with its toast: the focus goes back to the page, not to nowhere.
      document.getElementById("content").focus({ preventScroll: true });
    }
  });
}

// The browser's scroll anchoring loses its anchor when htmx replaces a whole region (the
// timeline panel after a log or a delete) and can throw the view thousands of pixels down.
// After a form's answer the view first stays where it was; the handler below then shows
// what the answer is about.
let scrollBeforeSwap = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const config = event.detail.requestConfig;
  scrollBeforeSwap = config && config.verb !== "get" ? window.scrollY : null;
});
document.addEventListener("htmx:afterSwap", () => {
  if (scrollBeforeSwap !== null) {
    window.scrollTo(0, scrollBeforeSwap);
  }
});

// After htmx swaps in the answer to a form, the page may have changed under the reader: a
// form folds up, the timeline grows, and the browser's scroll anchoring can throw the view far
// down. So show what the answer is about: the first field with an error, focused so that it is
// read out; else what the server marked as just saved (data-just-saved). Searches and polls
// (GET) leave the view alone.
document.addEventListener("htmx:afterSettle", (event) => {
  const swapped = event.detail.elt;
  const config = event.detail.requestConfig;
  if (!(swapped instanceof Element) || !config || config.verb === "get") {
    return;
  }
  const invalid = swapped.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus({ preventScroll: true });
    invalid.scrollIntoView({ block: "center" });
    return;
  }
  const saved = swapped.querySelector("[data-just-saved]");
  if (saved) {
    saved.scrollIntoView({ block: "center" });
  }
});

// Log form: a mass channel (newsletter, mailing, webinar) is never a personal touchpoint, so
// its "Personal contact" box is cleared and locked while one is chosen; choosing another
// channel gives back what was ticked before. Without this script the server clears the box
// and says so.
const syncPersonalBox = (select) => {
  const box = select.form && select.form.querySelector("input[name=is_personal]");
  if (!box) {
    return;
  }
  const isMass = select.dataset.massChannels.split(" ").includes(select.value);
  if (isMass && !box.disabled) {
    box.dataset.wasChecked = String(box.checked);
    box.checked = false;
  } else if (!isMass && box.disabled) {
    box.checked = box.dataset.wasChecked !== "false";
  }
  box.disabled = isMass;
};
const syncPersonalBoxes = (root) => {
  for (const select of root.querySelectorAll("select[data-mass-channels]")) {
    syncPersonalBox(select);
  }
};
syncPersonalBoxes(document);
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-mass-channels]")) {
    syncPersonalBox(event.target);
  }
});
// htmx puts a fresh form in after each save.
document.addEventListener("htmx:load", (event) => syncPersonalBoxes(event.detail.elt));

// A button with data-copy="#id" copies that element in one click: a text field as text, a
// rendered signature as formatted HTML with its plain-text version beside it (data-copy-text),
// so a mail program pastes it formatted. The buttons stay hidden without this script: the
// fields can still be selected and copied by hand.
const copyStatus = (button, message) => {
  const status = document.getElementById(button.getAttribute("aria-describedby") || "");
  if (status) {
    status.textContent = message;
  }
};
const copyElement = async (source, textSource) => {
  if (source.matches("textarea, input")) {
    await navigator.clipboard.writeText(source.value);
    return;
  }
  const text = textSource ? textSource.value : source.innerText;
  await navigator.clipboard.write([
    new ClipboardItem({
      "text/html": new Blob([source.innerHTML], { type: "text/html" }),
      "text/plain": new Blob([text], { type: "text/plain" }),
    }),
  ]);
};
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
}
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  const source = button && document.querySelector(button.dataset.copy);
  if (!source) {
    return;
  }
  const textSource = button.dataset.copyText && document.querySelector(button.dataset.copyText);
  try {
    await copyElement(source, textSource);
    copyStatus(button, button.dataset.copied || "");
  } catch {
    // Without clipboard permission: select it, so Ctrl+C (Cmd+C) finishes the job.
    const range = document.createRange();
    range.selectNodeContents(source);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    copyStatus(button, button.dataset.failed || "");
  }
});

// An AMA session's question list is the same text for everyone (hundreds poll it), so which
// questions this viewer voted for and asked come apart, in #ama-me, and are marked here after
// each swap of the list or of #ama-me. The page's first render is already marked.
const markOwnQuestions = () => {
  const me = document.getElementById("ama-me");
  const list = document.getElementById("questions");
  if (!me || !list) {
    return;
  }
  const voted = new Set(me.dataset.voted.split(" ").filter(Boolean));
  const mine = new Set(me.dataset.mine.split(" ").filter(Boolean));
  for (const item of list.querySelectorAll("li.ama-question")) {
    const id = item.id.replace("question-", "");
    const button = item.querySelector("button.vote");
    if (button) {
      button.setAttribute("aria-pressed", String(voted.has(id)));
    }
    const badge = item.querySelector(".badge.mine");
    if (badge) {
      badge.hidden = !mine.has(id);
    }
  }
};
document.addEventListener("htmx:afterSwap", markOwnQuestions);
document.addEventListener("htmx:oobAfterSwap", markOwnQuestions);
