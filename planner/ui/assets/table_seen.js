// Which version of a table a person saw when they began editing one of its cells.
//
// The server sends {token, base}: ``token`` names the table as this run shows it, ``base`` the
// table its cell edits are checked against (kept while someone else's change is shown, so
// typing begun before that change arrived is a conflict). When a cell editor of the table opens
// while the two differ, the person begins on what the page shows now: one "seen" event with
// ``token`` tells the server so. Nothing is written by it; an editor already open when the
// change arrived sends nothing, and its edit stays based on what it began on.

const GRID = '[data-testid="stDataFrame"]';

if (!window.__planTableSeen) {
  window.__planTableSeen = { last: null, watchers: new Set() };
  const seen = window.__planTableSeen;
  const touched = (event) => {
    const grid = event.target instanceof Element ? event.target.closest(GRID) : null;
    if (grid) seen.last = grid;
  };
  document.addEventListener("pointerdown", touched, true);
  document.addEventListener("keydown", touched, true);
  document.addEventListener(
    "focusin",
    (event) => {
      // a cell's editor opens in the page's overlay, outside its grid, or in the grid itself
      const target = event.target;
      if (!(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) return;
      if (!target.closest("#portal, " + GRID)) return;
      for (const self of seen.watchers) {
        if (!self.root.isConnected) seen.watchers.delete(self);
        else if (seen.last && self.grid() === seen.last) self.began();
      }
    },
    true,
  );
}

function build(parentElement) {
  const root = document.createElement("span");
  root.className = "plan-table-seen";
  parentElement.appendChild(root);
  const self = { root, token: null, base: null, sent: null, send: null };
  self.grid = () => tableBefore(root);
  self.began = () => {
    if (self.token === null || self.token === self.base || self.sent === self.token) return;
    self.sent = self.token;
    self.send("seen", { token: self.token });
  };
  root.__planTableSeen = self;
  window.__planTableSeen.watchers.add(self);
  return self;
}

export default function ({ parentElement, data, setTriggerValue }) {
  const found = parentElement.querySelector(".plan-table-seen");
  const self = found ? found.__planTableSeen : build(parentElement);
  self.send = setTriggerValue;
  self.token = data.token;
  self.base = data.base;
}
