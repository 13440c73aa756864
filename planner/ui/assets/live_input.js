// A text input that never loses what a person is typing.
//
// The server sends {label, help, text, shown, version, stamp, disabled, ack, own, scope, unsaved}:
// ``text`` is the value as it is edited (48.000,5), ``shown`` as it reads while the input is not
// being edited (48.000,50 €); focusing the input shows ``text``, all of it selected.
//
// Typing: while the person types, the input keeps their text whatever arrives (a change by
// someone else only updates what the input will show once it is left). The typing is based on
// the value the input showed when the person focused it: a value arriving while the input has
// focus replaces the text only while all of it is selected (typing then replaces it whole);
// with the caret placed inside the old text, the old text stays, so a keystroke is never merged
// into a value the person did not see, and the edit is based on the version they saw (a
// conflict if the field moved on).
//
// Committing: leaving the input (Tab, a click elsewhere) or Enter sends one "commit" event with
// the text, the version and text the typing began on, and a nonce. The server writes it against
// that version (someone's change meanwhile comes back as a conflict) and answers with the nonce
// (``ack``). Until then the commit is pending: the input keeps the committed text, also when it
// is focused again, and typing on it is based on the commit once the server confirms it as this
// person's own write (``own``). A commit the server has not confirmed is sent again (same
// nonce: the server takes it once) whenever the page is drawn again, for instance after a lost
// connection or a server restart; after a moment it is marked "not saved". Pending commits and
// unsent typing are kept in the tab's session storage, so a reload shows them again, marked.
// A click on a page link while a commit is pending waits for the server's answer, then follows
// the link. Escape takes the typing back. Nothing is sent unless the text differs from what the
// typing began on.
//
// Choices and switches (``mode`` "choice": a <select> of ``options``, pairs of the stored
// option and its name; "switch": a checkbox in the role of a switch) commit the same way: a
// pick or a flip is one commit of the option (``on``/``off``), based on the version and value
// the input showed when the person picked, with a nonce, kept and sent again until the server
// answers it. A value arriving while the person has the list open is held back, so the list
// stays open and the pick is based on what it showed (a conflict if the field moved on); it
// shows once the list is closed (the browser's :open says so; where it has none, the presses
// that open the list until a pick, Escape or leaving it). A pick made while an earlier one
// waits for its answer is sent once that one is written, based on it; when that one became a
// conflict or was refused, it is sent on the version the person saw (the conflict then holds
// the later pick). Nothing is sent but by a person's pick or flip.

const STORE = "plan-input:";
const MARK_AFTER_MS = 2500; // a commit unconfirmed for this long is marked "not saved"
const RESEND_AFTER_MS = 1000; // a commit unconfirmed for this long is sent again on a redraw
const RETRY_MS = 3000; // an unconfirmed commit is sent again this often, RETRIES times at most
const RETRIES = 20;

function remember(self) {
  try {
    const key = STORE + self.key;
    if (self.pending) {
      const { text, version, showed, nonce, first } = self.pending;
      const commit = { text, version, showed, nonce, first };
      sessionStorage.setItem(key, JSON.stringify({ scope: self.scope, commit }));
    } else if (self.dirty) {
      const draft = { text: self.input.value, version: self.baseVersion, showed: self.baseText };
      sessionStorage.setItem(key, JSON.stringify({ scope: self.scope, draft }));
    } else {
      sessionStorage.removeItem(key);
    }
  } catch (error) {
    // no session storage (private mode): the input still works, without surviving a reload
  }
}

function recall(key) {
  try {
    return JSON.parse(sessionStorage.getItem(STORE + key) || "null");
  } catch (error) {
    return null;
  }
}

function nonce() {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
}

const inputs = (window.__planInputs = window.__planInputs || new Set());

function anyPending() {
  for (const self of inputs) {
    if (!self.root.isConnected) inputs.delete(self);
    else if (self.pending) return true;
  }
  return false;
}

// A page link clicked while a commit waits for the server: follow it once the server answered.
if (!window.__planInputLinks) {
  window.__planInputLinks = { held: null };
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || !link.closest('[data-testid="stSidebarNav"], [data-testid="stSidebar"]')) return;
      if (!anyPending()) return;
      event.preventDefault();
      event.stopPropagation();
      window.__planInputLinks.held = link.getAttribute("href");
    },
    true,
  );
}

function followHeldLink() {
  const links = window.__planInputLinks;
  if (!links || links.held === null || anyPending()) return;
  const href = links.held;
  links.held = null;
  const link = Array.from(document.querySelectorAll("a[href]")).find(
    (a) => a.getAttribute("href") === href,
  );
  if (link) link.click();
}

function build(parentElement) {
  const root = document.createElement("div");
  root.className = "plan-input";
  root.innerHTML =
    '<div class="plan-input-head"><label></label><span class="plan-input-note"></span>' +
    '<span class="plan-input-help" tabindex="0">?</span></div>' +
    '<input type="text" autocomplete="off" spellcheck="false" maxlength="200">';
  parentElement.appendChild(root);
  const input = root.querySelector("input");
  const self = {
    root,
    input,
    key: "",
    scope: "",
    dirty: false,
    baseText: "",
    baseVersion: 0,
    focusText: null, // what the input showed when focused, and its version
    focusVersion: 0,
    pending: null, // the commit on its way: {text, version, showed, nonce, at}
    rebase: false, // typing began on the pending commit: base it on it once confirmed
    shown: null,
    send: null,
    marked: null,
  };
  inputs.add(self);
  const resting = () => {
    if (!self.dirty && !self.pending && document.activeElement !== input) {
      input.value = self.shown.display;
    }
  };
  self.resting = resting;
  input.addEventListener("focus", () => {
    if (self.dirty) return;
    if (self.pending) {
      input.value = self.pending.text; // what was committed, not the value before it
      self.focusText = self.pending.text;
      self.focusVersion = self.pending.version;
    } else {
      input.value = self.shown.text;
      self.focusText = self.shown.text;
      self.focusVersion = self.shown.version;
    }
    input.select();
  });
  input.addEventListener("input", () => {
    if (!self.dirty) {
      self.dirty = true;
      self.baseText = self.focusText !== null ? self.focusText : self.shown.text;
      self.baseVersion = self.focusText !== null ? self.focusVersion : self.shown.version;
      self.rebase = Boolean(self.pending) && self.baseText === self.pending.text;
      if (self.rebase) {
        self.baseText = self.pending.showed; // until confirmed: based on what the commit was
        self.baseVersion = self.pending.version;
      }
    }
    remember(self);
  });
  const commit = () => {
    if (!self.dirty) return;
    self.dirty = false;
    const base = self.rebase && self.pending ? self.pending.text : self.baseText;
    if (input.value === base) {
      remember(self);
      return; // typed back to where it began: nothing to send
    }
    if (self.rebase && self.pending) return keepTyping(); // wait for the commit it builds on
    self.restored = false;
    self.pending = {
      text: input.value,
      version: self.baseVersion,
      showed: self.baseText,
      nonce: nonce(),
      first: Date.now(),
      at: Date.now(),
    };
    remember(self);
    transmit(self);
  };
  const keepTyping = () => {
    // the person typed on a commit the server has not confirmed yet: keep the text as typing,
    // committed once that commit is confirmed (see the render below)
    self.dirty = true;
    self.queued = true;
    remember(self);
  };
  input.addEventListener("blur", () => {
    commit();
    resting();
    self.focusText = null;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      if (self.dirty) commit();
      else if (self.pending) {
        self.pending.tries = 0;
        transmit(self); // send the unconfirmed commit again
      }
    }
    if (event.key === "Escape" && self.dirty) {
      self.dirty = false;
      self.rebase = false;
      self.queued = false;
      input.value = self.pending ? self.pending.text : self.shown.text;
      remember(self);
    }
  });
  self.commit = commit;
  root.__planInput = self;
  return self;
}

function transmit(self) {
  const sent = self.pending;
  if (!sent || !self.send) return;
  sent.at = Date.now();
  sent.tries = (sent.tries || 0) + 1;
  self.send("commit", {
    text: sent.text,
    version: sent.version,
    showed: sent.showed,
    nonce: sent.nonce,
  });
  clearTimeout(self.marked);
  self.marked = setTimeout(() => mark(self), MARK_AFTER_MS);
  // no answer (a server that restarted did not know this input yet, a connection that was
  // down): send it again, for about a minute; after that Enter in the field sends it again
  clearTimeout(self.retry);
  self.retry = setTimeout(() => {
    if (self.pending === sent && sent.tries < RETRIES) transmit(self);
  }, RETRY_MS);
}

function mark(self) {
  const late = self.pending && Date.now() - self.pending.first >= MARK_AFTER_MS;
  const unsaved = Boolean(late) || (self.dirty && self.restored);
  self.root.classList.toggle("plan-input-unsaved", unsaved);
  self.root.querySelector(".plan-input-note").textContent = unsaved ? self.unsavedText : "";
}

export default function (args) {
  const mode = args.data.mode || "text";
  if (mode === "text") return renderText(args);
  return renderPick(args, mode);
}

function renderText({ parentElement, data, setTriggerValue }) {
  const found = parentElement.querySelector(".plan-input");
  const self = found ? found.__planInput : build(parentElement);
  self.send = setTriggerValue;
  self.key = data.key || "";
  self.scope = data.scope || "";
  self.unsavedText = data.unsaved || "";
  const { input, root } = self;
  if (!found) {
    // a new input (a reload, a page drawn anew): what this tab had not saved comes back, marked
    const kept = recall(self.key);
    if (kept && kept.scope === self.scope && kept.commit) {
      self.pending = { ...kept.commit, at: 0 };
      self.restoredCommit = true;
      input.value = kept.commit.text;
    } else if (kept && kept.scope === self.scope && kept.draft) {
      self.dirty = true;
      self.restored = true;
      self.baseText = kept.draft.showed;
      self.baseVersion = kept.draft.version;
      input.value = kept.draft.text;
    }
  }
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
  if (self.pending && data.ack === self.pending.nonce) {
    // the server took the commit (written, refused or a conflict, each shown by the page)
    const confirmed = self.pending;
    self.pending = null;
    if (!data.ok && window.__planInputLinks) {
      window.__planInputLinks.held = null; // refused or a conflict: stay and show why
    }
    if (self.rebase && self.dirty) {
      self.rebase = false;
      if (data.own && data.version >= confirmed.version) {
        self.baseText = data.text; // the person's own write: typing goes on from it
        self.baseVersion = data.version;
      }
      if (self.queued && document.activeElement !== input) {
        self.queued = false;
        self.commit();
      }
    }
    remember(self);
  } else if (self.pending && Date.now() - self.pending.at >= RESEND_AFTER_MS) {
    setTimeout(() => transmit(self), 0); // not confirmed: the connection or server was lost
  } else if (self.pending && self.restoredCommit) {
    self.restoredCommit = false;
    setTimeout(() => transmit(self), 0); // restored from this tab's storage: send it again
  }
  if (!self.dirty && !self.pending) {
    if (document.activeElement === input) {
      const all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      if (changed && all) {
        // focused, nothing typed yet, all selected: show the new value, still selected, so
        // what the person types next replaces it
        input.value = data.text;
        input.select();
        self.focusText = data.text;
        self.focusVersion = data.version;
      }
      // caret placed inside the old text: it stays, and typing is based on what was seen
    } else if (changed || input.value !== display) {
      input.value = display;
    }
  }
  mark(self);
  followHeldLink();
}

// --- choices and switches -------------------------------------------------------------------

// A press anywhere but on an open list's own input closed it without a pick: show what arrived.
if (!window.__planPicks) {
  window.__planPicks = true;
  document.addEventListener(
    "mousedown",
    (event) => {
      for (const self of inputs) {
        if (self.picking && event.target !== self.input) {
          self.picking = false;
          showPick(self);
        }
      }
    },
    true,
  );
}

function buildPick(parentElement, mode) {
  const root = document.createElement("div");
  root.className = "plan-input plan-pick plan-pick-" + mode;
  if (mode === "choice") {
    root.innerHTML =
      '<div class="plan-input-head"><label></label><span class="plan-input-note"></span>' +
      '<span class="plan-input-help" tabindex="0">?</span></div><select></select>';
  } else {
    root.innerHTML =
      '<div class="plan-switch-row"><label class="plan-switch">' +
      '<input type="checkbox" role="switch"><span class="plan-switch-track"></span>' +
      '<span class="plan-switch-label"></span></label><span class="plan-input-note"></span>' +
      '<span class="plan-input-help" tabindex="0">?</span></div>';
  }
  parentElement.appendChild(root);
  const input = root.querySelector(mode === "choice" ? "select" : "input");
  const self = {
    root,
    input,
    mode,
    key: "",
    scope: "",
    dirty: false, // never: a pick is sent at once (the shared helpers read it)
    pending: null, // the pick on its way: {text, version, showed, nonce, first, at}
    queued: null, // a pick made while the one before it waits for its answer
    picking: false, // the list is open (choice): what arrives is held back
    shown: null, // the value as the server sent it last: {text, version, disabled, options}
    displayed: null, // the value the input shows, and its version: a pick's base
    send: null,
    marked: null,
  };
  inputs.add(self);
  const value = () => (mode === "choice" ? input.value : input.checked ? "on" : "off");
  input.addEventListener("change", () => {
    self.picking = false;
    pick(self, value());
  });
  if (mode === "choice") {
    const opening = new Set([" ", "Enter", "ArrowDown", "ArrowUp", "F4"]);
    input.addEventListener("mousedown", () => {
      self.picking = true; // the press opens the list
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" || event.key === "Tab") {
        self.picking = false;
        setTimeout(() => showPick(self), 0);
      } else if (opening.has(event.key) || event.altKey) self.picking = true;
    });
    input.addEventListener("blur", () => {
      self.picking = false;
      showPick(self);
    });
  }
  root.__planInput = self;
  return self;
}

function pick(self, value) {
  if (self.pending) {
    self.queued = value; // sent once the pick before it is answered (see renderPick)
    return;
  }
  const base = self.displayed;
  if (!base || value === base.text) return; // back to what it showed: nothing to send
  send(self, value, base.version, base.text);
}

function send(self, value, version, showed) {
  // one commit of the pick ``value``, based on ``version`` of the field, which showed ``showed``
  self.restored = false;
  const at = Date.now();
  self.pending = { text: value, version, showed, nonce: nonce(), first: at, at };
  remember(self);
  transmit(self);
}

function listOpen(self) {
  // the choice's list is open: the browser says so (:open), else the presses that open it do
  if (self.mode !== "choice") return false;
  try {
    return self.input.matches(":open");
  } catch (error) {
    return self.picking;
  }
}

function showPick(self) {
  // what the input shows when nobody is picking: a pick on its way, else the stored value
  if (!self.shown) return;
  clearTimeout(self.held);
  if (listOpen(self)) {
    self.held = setTimeout(() => showPick(self), 200); // shown once the list is closed
    return;
  }
  const { input, root, shown } = self;
  if (self.mode === "choice") {
    const wanted = JSON.stringify(shown.options);
    if (self.optionsShown !== wanted) {
      self.optionsShown = wanted;
      input.replaceChildren(
        ...shown.options.map(([option, name]) => {
          const element = document.createElement("option");
          element.value = option;
          element.textContent = name;
          return element;
        }),
      );
    }
  }
  const text = self.queued !== null ? self.queued : self.pending ? self.pending.text : shown.text;
  if (self.mode === "choice") {
    if (input.value !== text) input.value = text;
  } else {
    input.checked = text === "on";
    input.setAttribute("aria-checked", String(text === "on"));
  }
  input.disabled = shown.disabled;
  root.classList.toggle("plan-input-disabled", shown.disabled);
  self.displayed = { text: shown.text, version: shown.version };
}

function renderPick({ parentElement, data, setTriggerValue }, mode) {
  const found = parentElement.querySelector(".plan-pick");
  const self = found ? found.__planInput : buildPick(parentElement, mode);
  self.send = setTriggerValue;
  self.key = data.key || "";
  self.scope = data.scope || "";
  self.unsavedText = data.unsaved || "";
  const { input, root } = self;
  if (!found) {
    // a new input (a reload, a page drawn anew): a pick this tab had not saved comes back
    const kept = recall(self.key);
    if (kept && kept.scope === self.scope && kept.commit) {
      self.pending = { ...kept.commit, at: 0 };
      self.restoredCommit = true;
    }
  }
  const label = root.querySelector(mode === "choice" ? "label" : ".plan-switch-label");
  const help = root.querySelector(".plan-input-help");
  label.textContent = data.label;
  input.setAttribute("aria-label", data.label);
  help.title = data.help || "";
  help.hidden = !data.help;
  self.shown = {
    text: data.text,
    version: data.version,
    disabled: Boolean(data.disabled),
    options: data.options || [],
  };
  if (self.pending && data.ack === self.pending.nonce) {
    // the server took the pick (written, refused or a conflict, each shown by the page)
    const confirmed = self.pending;
    self.pending = null;
    const queued = self.queued;
    self.queued = null;
    remember(self);
    showPick(self);
    // the pick made meanwhile goes on from this one once it is written (or changed nothing);
    // after a refusal or a conflict it is sent on the version the person saw, so it becomes
    // the conflict the page shows (or is refused again): never dropped, and never based on a
    // value the page did not show
    const based = data.own || data.version === confirmed.version;
    if (queued !== null && data.ok && based) pick(self, queued);
    else if (queued !== null && queued !== confirmed.text) {
      send(self, queued, confirmed.version, confirmed.showed);
    }
  } else if (self.pending && Date.now() - self.pending.at >= RESEND_AFTER_MS) {
    setTimeout(() => transmit(self), 0); // not confirmed: the connection or server was lost
  } else if (self.pending && self.restoredCommit) {
    self.restoredCommit = false;
    setTimeout(() => transmit(self), 0); // restored from this tab's storage: send it again
  }
  showPick(self);
  mark(self);
  followHeldLink();
}
