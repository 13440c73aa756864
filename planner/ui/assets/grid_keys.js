// Enter or Tab right after the last typed character of a table cell still saves that cell.
//
// Streamlit's table (the glide data grid) takes a cell's value from its editor as last drawn
// when Enter or Tab leaves the cell. A key that follows the last character within a few
// milliseconds, before the editor has been drawn with it, left the cell with nothing saved and
// nothing said (about one cell in three typed at machine speed; never with 20 ms between the
// keys). Such a key is held until the editor has had HOLD ms since its last input, then given to
// the editor; any other key arriving meanwhile releases it first, so the order stays.

const EDITOR = '[id^="gdg-overlay-"]';
const HOLD = 50;

if (!window.__planGridKeys) {
  window.__planGridKeys = true;
  let lastInput = -Infinity;
  let held = null;
  const inEditor = (target) => target instanceof Element && target.closest(EDITOR) !== null;
  const release = () => {
    if (held === null) return;
    const { target, init, timer } = held;
    held = null;
    clearTimeout(timer);
    if (target.isConnected) target.dispatchEvent(new KeyboardEvent("keydown", init));
  };
  document.addEventListener(
    "input",
    (event) => {
      if (inEditor(event.target)) lastInput = performance.now();
    },
    true,
  );
  document.addEventListener("pointerdown", release, true);
  document.addEventListener(
    "keydown",
    (event) => {
      if (!event.isTrusted) return; // the held key, given back
      release();
      const leaves = event.key === "Tab" || (event.key === "Enter" && !event.shiftKey);
      if (!leaves || event.isComposing || !inEditor(event.target)) return;
      const since = performance.now() - lastInput;
      if (since >= HOLD) return;
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
}

export default function () {}
