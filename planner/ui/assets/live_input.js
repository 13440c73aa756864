// A text input that never loses what a person is typing.
//
// The server sends {label, help, text, shown, version, stamp, disabled}: ``text`` is the value
// as it is edited (48.000,5), ``shown`` as it reads while the input is not being edited
// (48.000,50 €); focusing the input shows ``text``, all of it selected. While the person types, the
// input keeps their text whatever arrives (a change by someone else only updates what the
// input will show once it is left). Leaving the input (Tab, a click elsewhere) or Enter
// sends one "commit" event with the text and the version and text the input showed when the
// typing began: the server writes it against that version, so a change someone made in the
// meantime comes back as a conflict, never overwritten and never lost. Escape takes the
// typing back. Nothing is sent unless the text differs from what the typing began on.

function build(parentElement) {
  const root = document.createElement("div");
  root.className = "plan-input";
  root.innerHTML =
    '<div class="plan-input-head"><label></label><span class="plan-input-help" tabindex="0">?</span></div>' +
    '<input type="text" autocomplete="off" spellcheck="false" maxlength="200">';
  parentElement.appendChild(root);
  const input = root.querySelector("input");
  const self = {
    root,
    input,
    dirty: false,
    pending: false, // a commit is on its way: its text stays until the server answers
    baseText: "",
    baseVersion: 0,
    shown: null,
    send: null,
  };
  const resting = () => {
    if (!self.dirty && !self.pending && document.activeElement !== input) {
      input.value = self.shown.display;
    }
  };
  input.addEventListener("focus", () => {
    if (!self.dirty) {
      input.value = self.shown.text;
      input.select();
    }
  });
  input.addEventListener("input", () => {
    if (!self.dirty) {
      self.dirty = true;
      self.baseText = self.shown.text;
      self.baseVersion = self.shown.version;
    }
  });
  const commit = () => {
    if (!self.dirty) return;
    self.dirty = false;
    if (input.value === self.baseText) {
      input.value = self.shown.text; // typed back to where it began: nothing to send
      resting();
      return;
    }
    self.pending = true;
    self.send("commit", { text: input.value, version: self.baseVersion, showed: self.baseText });
  };
  input.addEventListener("blur", () => {
    commit();
    resting();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") commit();
    if (event.key === "Escape") {
      self.dirty = false;
      input.value = self.shown.text;
    }
  });
  root.__planInput = self;
  return self;
}

export default function ({ parentElement, data, setTriggerValue }) {
  const found = parentElement.querySelector(".plan-input");
  const self = found ? found.__planInput : build(parentElement);
  self.send = setTriggerValue;
  const { input, root } = self;
  const label = root.querySelector("label");
  const help = root.querySelector(".plan-input-help");
  label.textContent = data.label;
  input.setAttribute("aria-label", data.label);
  help.title = data.help || "";
  help.hidden = !data.help;
  input.disabled = Boolean(data.disabled);
  root.classList.toggle("plan-input-disabled", Boolean(data.disabled));
  const display = data.shown || data.text;
  const changed =
    !self.shown ||
    self.shown.text !== data.text ||
    self.shown.display !== display ||
    self.shown.stamp !== data.stamp;
  self.shown = { text: data.text, display, version: data.version, stamp: data.stamp };
  if (changed) self.pending = false;
  if (changed && !self.dirty) {
    if (document.activeElement === input) {
      // focused, nothing typed yet: show the new value and keep it selected if it was, so
      // what the person types next replaces it rather than being appended to it
      const all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      input.value = data.text;
      if (all) input.select();
    } else {
      input.value = display;
    }
  }
}
