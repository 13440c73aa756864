// What the page does for a table cell being typed in, beyond Streamlit's table.
//
// 1. Enter or Tab right after the last typed character still saves the cell. Streamlit's table
//    (the glide data grid) takes a cell's value from its editor as last drawn when Enter or Tab
//    leaves the cell. A key that follows the last character within a few milliseconds, before
//    the editor has been drawn with it, left the cell with nothing saved and nothing said
//    (about one cell in three typed at machine speed; never with 20 ms between the keys on a
//    quiet machine, more on a busy one). Such a key is held until the editor has had HOLD ms
//    since its last input, then given to the editor; any other key arriving meanwhile releases
//    it first, so the order stays.
// 2. Text typed into a cell whose table is built anew under it (someone added or deleted rows,
//    or the person's own edit of another cell was taken) is not dropped with the old table: a
//    table drawn with a token (the server's name for the table as drawn) reports the cell and
//    its text as one "lost" event, and the server saves it or says why it cannot.
// 3. A button clicked right after a cell's edit goes with that edit. Streamlit's table tells
//    the server of its edits 150 ms after the last one (unless the edit ended with a click
//    outside the table); a button clicked meanwhile (Save, at once after Enter) sent its click
//    with the table as it was before, and the server saved or refused that older table (2 Saves
//    in 8 at machine speed). Such a click is held until the page has sent something to the
//    server at least EDIT_SENT ms after the table's last edit (the table's edit: on a busy
//    machine its timer fires late, and a fixed wait was outrun), or SYNC_MAX ms after the edit
//    when nothing was sent (an edit that changed nothing), then given to the button.
// 4. Below a form's table (its edits reach the server only with the form's button), the cells
//    typed since the table was drawn are kept in the page; when the server draws the table
//    anew under another token (the UI language was switched) before the form was sent, they
//    come back as one "kept" event, and the server shows them in the new table. With them
//    comes the whole table as the page last showed it (each row's cells as its grid gives
//    them to screen readers: the stored values, a choice's too), read at each input of the
//    person in it and a moment later: a choice changed and rows added or deleted come along.
//    The same is kept in the tab's session storage until the form is sent, and sent back when
//    the table is drawn again for the same version after the page was left or reloaded.
// 5. Below a live table whose server names the cells typed and not saved ("unsaved": the
//    actuals), those are kept in the tab's session storage as the server last named them; a
//    table drawn anew after the page was left or reloaded sends them back as one "unsaved"
//    event (the server knows none of them after a reload, and none typed since it last drew
//    the table after the page was left). Once the server says the table was saved and names
//    none, or names none for a table it drew before, the tab forgets them.
// 6. Keys typed while a cell's editor opens go into it. A character typed on a chosen cell opens
//    the cell's editor with that character; the keys that followed before the editor had the
//    focus went to the table, which dropped them (7777 typed 60 ms apart on a busy machine
//    left "7" in the cell, 2 times in 10). From such a character until the editor has the
//    focus (OPENING_MS after the last of them at most), the characters typed (and a key
//    leaving the cell) are held, then given to the editor in their order.

const EDITOR = '[id^="gdg-overlay-"]';
const GRID = '[data-testid="stDataFrame"]';
const CELL = /^glide-cell-(\d+)-(\d+)$/;
const HOLD = 150;
const OPENING_MS = 1000;
const WATCH_MS = 200;
const EDIT_SENT = 150; // Streamlit's table sends its edits 150 ms after the last one
const SYNC_MAX = 800;
const SYNC_POLL = 20;
const KEYED = /(?:^|\s)(st-key-\S+)/;
const SNAPSHOTS_MS = [150, 500]; // after a person's input in a table, when it shows its effect
const STORED = "plan-form-table:"; // + the component's name: a table's cells not sent or saved yet

// a form table's state kept for the tab (the page left or reloaded before the form was sent)
function keep(self) {
  const changed = self.seen !== null && JSON.stringify(self.seen) !== self.drawn;
  try {
    if (changed || self.typed.size > 0) {
      const cells = Array.from(self.typed.values());
      const kept = { token: self.token, cells, rows: changed ? self.seen : null };
      sessionStorage.setItem(stored(self), JSON.stringify(kept));
    } else {
      sessionStorage.removeItem(stored(self));
    }
  } catch (error) {
    // storage full or refused: the table is kept for a language switch only
  }
}

function kept(self) {
  try {
    return JSON.parse(sessionStorage.getItem(stored(self)) || "null");
  } catch (error) {
    return null;
  }
}

// where a form's table is kept: by the component's name and the plan (``scope``)
const stored = (self) => `${STORED}${self.name}@${self.scope}`;

// the table a token names: the token without its language (``key|language``)
const tableOf = (token) => (typeof token === "string" ? token.slice(0, token.lastIndexOf("|")) : null);

// a table's rows as its grid gives them to screen readers, rows without any text left out
function rowsOf(grid) {
  if (grid === null || !grid.isConnected) return null;
  const rows = [];
  for (const row of grid.querySelectorAll("tr")) {
    const cells = Array.from(row.querySelectorAll("td"), (cell) => cell.textContent || "");
    if (cells.some((text) => text !== "")) rows.push(cells);
  }
  return rows;
}

if (!window.__planGridKeys) {
  const keys = { watchers: new Set(), lastGrid: null, pending: null, timer: null, sent: new Set() };
  window.__planGridKeys = keys;
  let lastInput = -Infinity;
  let held = null;
  let lastEdit = -Infinity; // when a table's cell may last have been edited
  const edited = () => {
    lastEdit = performance.now();
  };
  // when the page last sent something to the server (Streamlit's one websocket)
  let lastSent = -Infinity;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    lastSent = performance.now();
    return send.call(this, data);
  };
  // whether a table's last edit has reached the server (or never will: it changed nothing)
  const synced = () => lastSent >= lastEdit + EDIT_SENT || performance.now() - lastEdit >= SYNC_MAX;
  // a form's table as the page shows it: taken at a person's input (before it, the first time
  // under a token: the table as drawn) and a moment after it; never on a timer, which would
  // also take the table of a closed expander or one drawn anew
  const snapshot = () => {
    for (const self of keys.watchers) {
      if (!self.form || !self.root.isConnected) continue;
      const rows = rowsOf(self.grid());
      if (rows === null) continue;
      if (self.drawn === null) self.drawn = JSON.stringify(rows);
      self.seen = rows;
      if (self.name !== null && self.token !== null) keep(self);
    }
  };
  const snapshotSoon = (event) => {
    // in a table, or anywhere while a cell's editor is open (a choice's list may lie outside)
    const open = document.querySelector(EDITOR) !== null;
    if (!(open || inGrid(event.target) || inEditor(event.target))) return;
    snapshot();
    for (const ms of SNAPSHOTS_MS) setTimeout(snapshot, ms);
  };
  for (const type of ["pointerdown", "keydown", "input"]) {
    document.addEventListener(type, snapshotSoon, true);
  }
  const inGrid = (target) => target instanceof Element && target.closest(GRID) !== null;
  const inEditor = (target) => target instanceof Element && target.closest(EDITOR) !== null;
  const leaves = (event) =>
    event.key === "Tab" || event.key === "Escape" || (event.key === "Enter" && !event.shiftKey);

  // the keys typed while a cell's editor opens (see 6. above)
  let opening = null; // { until, keys: [keydown inits] }
  const character = (event) =>
    event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing;
  const typedWhileOpening = (event) => {
    if (!event.isTrusted || inEditor(event.target) || !inGrid(event.target)) return false;
    const now = performance.now();
    if (opening === null || now > opening.until) {
      opening = character(event) && document.querySelector(EDITOR) === null ? { until: now + OPENING_MS, keys: [] } : null;
      return false; // the first: the table opens the cell's editor with it
    }
    if (event.key === "Escape") {
      opening = null; // the edit given up, and what was typed with it
      return false;
    }
    // a key leaving the cell is held too once characters are (before the editor is drawn: it
    // would have left the cell with the first character alone); else, as Tab on a read-only
    // table, it goes to the table
    const holding = opening.keys.length > 0 || document.querySelector(EDITOR) !== null;
    if (!character(event) && !(leaves(event) && holding)) return false;
    const last = opening.keys[opening.keys.length - 1];
    if (last && leaves(last)) return false; // after a key leaving the cell: for the table
    opening.keys.push({ key: event.key, code: event.code, shiftKey: event.shiftKey, bubbles: true, cancelable: true, composed: true });
    opening.until = now + OPENING_MS; // a busy machine may take its time to draw the editor
    event.stopImmediatePropagation();
    event.preventDefault();
    return true;
  };
  const opened = (event) => {
    const input = event.target;
    if (opening === null || !inEditor(input) || !("value" in input)) return;
    const keys = opening.keys;
    opening = null;
    const text = keys.filter((init) => init.key.length === 1).map((init) => init.key).join("");
    if (text !== "") {
      // as the browser types: the value set past React's own setter, then an input event
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), "value").set;
      setter.call(input, input.value + text);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    const leaving = keys.find((init) => init.key.length !== 1);
    // given once the editor was drawn with the text (as 1. holds an Enter typed at once)
    if (leaving) setTimeout(() => input.isConnected && input.dispatchEvent(new KeyboardEvent("keydown", leaving)), HOLD);
  };
  document.addEventListener("focusin", opened, true);

  const release = () => {
    if (held === null) return;
    const { target, init, timer } = held;
    held = null;
    clearTimeout(timer);
    if (target.isConnected) target.dispatchEvent(new KeyboardEvent("keydown", init));
  };

  // a cell's edit given up with Escape: no longer typed
  const forget = (pending) => {
    for (const self of keys.watchers) {
      if (self.form && self.name === pending.name) self.typed.delete(`${pending.row}:${pending.column}`);
    }
  };

  const owner = (grid) => {
    for (const self of keys.watchers) {
      if (!self.root.isConnected) keys.watchers.delete(self);
      else if (self.token !== null && self.grid() === grid) return self;
    }
    return null;
  };

  const watch = () => {
    const pending = keys.pending;
    if (pending === null) {
      clearInterval(keys.timer);
      keys.timer = null;
      return;
    }
    if (pending.editor.isConnected) return;
    keys.pending = null;
    if (pending.grid.isConnected || pending.text === "") return; // closed by the grid itself
    for (const self of keys.watchers) {
      // the marker of that table on the page now (the old one may be gone with its table)
      if (self.root.isConnected && self.name === pending.name && !self.form) {
        self.send("lost", { token: pending.token, row: pending.row, column: pending.column, text: pending.text });
        return;
      }
    }
  };

  const touched = (event) => {
    const grid = event.target instanceof Element ? event.target.closest(GRID) : null;
    if (grid) keys.lastGrid = grid;
  };
  document.addEventListener("pointerdown", touched, true);
  document.addEventListener(
    "pointerdown",
    (event) => {
      release();
      // a click that closes a cell's editor or lands in a table may edit a cell
      if (document.querySelector(EDITOR) !== null || inGrid(event.target)) edited();
      if (!inEditor(event.target)) keys.pending = null; // a click elsewhere: the grid saves it
    },
    true,
  );
  document.addEventListener(
    "input",
    (event) => {
      if (!inEditor(event.target)) return;
      lastInput = performance.now();
      const grid = keys.lastGrid;
      const self = grid && grid.isConnected ? owner(grid) : null;
      const cell = self ? grid.querySelector('[aria-selected="true"][data-testid^="glide-cell-"]') : null;
      const found = cell ? CELL.exec(cell.getAttribute("data-testid")) : null;
      if (found === null) {
        keys.pending = null;
        return;
      }
      const was = keys.pending;
      keys.pending = {
        editor: event.target,
        grid,
        name: self.name,
        // the table the typing began on, kept while the same editor stays open
        token: was && was.editor === event.target ? was.token : self.token,
        column: Number(found[1]),
        row: Number(found[2]),
        text: event.target.value,
      };
      if (self.form) self.typed.set(`${found[2]}:${found[1]}`, [Number(found[2]), Number(found[1]), event.target.value]);
      if (keys.timer === null) keys.timer = setInterval(watch, WATCH_MS);
    },
    true,
  );
  document.addEventListener(
    "keydown",
    (event) => {
      if (typedWhileOpening(event)) return;
      touched(event);
      if (inEditor(event.target) || inGrid(event.target)) edited(); // typed, deleted or pasted
      if (!event.isTrusted) {
        if (inEditor(event.target) && leaves(event)) keys.pending = null; // the held key, given back
        return;
      }
      release();
      if (!leaves(event) || event.isComposing || !inEditor(event.target)) return;
      const since = performance.now() - lastInput;
      if (event.key === "Escape" && keys.pending !== null) forget(keys.pending);
      if (event.key === "Escape" || since >= HOLD) {
        keys.pending = null; // the cell is left: the grid saves or drops it as asked
        return;
      }
      event.stopImmediatePropagation();
      event.preventDefault();
      const init = {
        key: event.key,
        code: event.code,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        bubbles: true,
        cancelable: true,
        composed: true,
      };
      held = { target: event.target, init, timer: setTimeout(release, HOLD - since) };
    },
    true,
  );

  // the button again, found by its key where the run drew it anew meanwhile
  const again = (button, keyed) => {
    if (button.isConnected || keyed === null) return button;
    return document.querySelector(`.${CSS.escape(keyed)} button`);
  };
  document.addEventListener(
    "click",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const button = target ? target.closest("button") : null;
      const form = button ? button.closest('[data-testid="stForm"]') : null;
      for (const self of keys.watchers) {
        const grid = self.form ? self.grid() : null;
        if (form !== null && grid !== null && form.contains(grid)) {
          self.typed.clear(); // sent
          if (self.name !== null) sessionStorage.removeItem(stored(self));
          self.drawn = null;
          self.seen = null;
        }
      }
      if (!event.isTrusted || button === null || inGrid(button) || inEditor(button)) return;
      if (synced()) return;
      event.stopImmediatePropagation();
      event.preventDefault();
      const owner = button.closest('[class*="st-key-"]');
      const found = owner ? KEYED.exec(owner.className) : null;
      const keyed = found ? found[1] : null;
      const give = () => {
        if (!synced()) {
          setTimeout(give, SYNC_POLL);
          return;
        }
        const now = again(button, keyed);
        if (now !== null && now.isConnected) now.click();
      };
      setTimeout(give, SYNC_POLL);
    },
    true,
  );
}

// a live table's cells typed and not saved, as the server names them (see 5. above)
function unsaved(self, named, setTriggerValue) {
  const cells = Array.isArray(named.cells) ? named.cells : [];
  try {
    if (named.saved === true && cells.length === 0) {
      sessionStorage.removeItem(stored(self)); // saved, and nothing typed since
      return;
    }
    const before = self.token === null ? kept(self) : null; // drawn anew: left or reloaded
    const sent = window.__planGridKeys.sent;
    const once = before !== null ? `${stored(self)}=${JSON.stringify(before)}` : "";
    if (before !== null && Array.isArray(before.cells) && before.cells.length > 0 && !sent.has(once)) {
      // what the server knew when the page was left (it may know some of it still): it takes
      // them back and names them all again in its next run; sent once per page load
      sent.add(once);
      setTriggerValue("unsaved", before);
    } else if (cells.length > 0) {
      sessionStorage.setItem(stored(self), JSON.stringify(named));
    } else if (self.token !== null || sent.has(once)) {
      // saved, or none typed any more (also when the table was drawn anew after the server
      // had them back)
      sessionStorage.removeItem(stored(self));
    }
  } catch (error) {
    // storage refused: the cells are kept while the page stays open only
  }
}

function build(parentElement) {
  const root = document.createElement("span");
  root.className = "plan-grid-keys";
  parentElement.appendChild(root);
  const self = { root, name: null, scope: "", token: null, send: null, form: false, typed: new Map() };
  self.grid = () => tableBefore(root);
  self.drawn = null; // a form's table as drawn under its token, and as last seen
  self.seen = null;
  root.__planGridKeys = self;
  window.__planGridKeys.watchers.add(self);
  return self;
}

export default function ({ parentElement, data, setTriggerValue }) {
  const found = parentElement.querySelector(".plan-grid-keys");
  const self = found ? found.__planGridKeys : build(parentElement);
  self.send = setTriggerValue;
  self.name = data && typeof data.name === "string" ? data.name : null;
  const token = data && typeof data.token === "string" ? data.token : null;
  self.form = Boolean(data && data.form);
  self.scope = data && typeof data.scope === "string" ? data.scope : "";
  if (!self.form && self.name !== null && data && data.unsaved) unsaved(self, data.unsaved, setTriggerValue);
  const before = self.form && self.token === null && self.name !== null ? kept(self) : null;
  if (before !== null) {
    // the page was left or reloaded before the form was sent: what was done in its table
    // goes back to the server, which shows it in the table, or names what it cannot show (the
    // part was saved meanwhile: the table is another one now)
    setTriggerValue("kept", { token: before.token, cells: before.cells || [], rows: before.rows || null });
    if (tableOf(before.token) !== tableOf(token)) sessionStorage.removeItem(stored(self));
  }
  const changed = self.seen !== null && JSON.stringify(self.seen) !== self.drawn;
  if (self.form && self.token !== null && token !== self.token && (self.typed.size > 0 || changed)) {
    // the table drawn anew before its form was sent: its typed cells and the table as last
    // seen go back to the server
    const rows = changed ? self.seen : null;
    setTriggerValue("kept", { token: self.token, cells: Array.from(self.typed.values()), rows });
  }
  if (token !== self.token) {
    self.typed = new Map();
    self.drawn = null;
    self.seen = null;
  }
  self.token = token;
}
