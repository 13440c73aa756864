// A text input that never loses what a person is typing.
//
// The server sends {label, help, text, version, stamp, disabled}. While the person types, the
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
  const self = { root, input, dirty: false, baseText: "", baseVersion: 0, shown: null, send: null };
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
      return;
    }
    self.send("commit", { text: input.value, version: self.baseVersion, showed: self.baseText });
  };
  input.addEventListener("blur", commit);
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
  const changed = !self.shown || self.shown.text !== data.text || self.shown.stamp !== data.stamp;
  self.shown = { text: data.text, version: data.version, stamp: data.stamp };
  if (changed && !self.dirty) input.value = data.text;
}
