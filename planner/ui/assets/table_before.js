// The table drawn right before a marker element (its own element or one of its ancestors'
// earlier siblings, up to eight levels): shared by the tables' page components, which are
// drawn below their table.
function tableBefore(root) {
  const selector = '[data-testid="stDataFrame"]';
  let node = root;
  for (let depth = 0; node && depth < 8; depth += 1, node = node.parentElement) {
    for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
      const grid = before.matches(selector) ? before : before.querySelector(selector);
      if (grid) return grid;
    }
  }
  return null;
}

