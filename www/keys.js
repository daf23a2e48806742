// Keyboard: `/` search, Esc zoom out (and close menus and help), arrows
// move a cursor through the frames, `+`/Enter zoom in, `-` out, `0` reset,
// `?` the list of shortcuts.
import { ROOT } from './views/flame.js';

const $ = (id) => document.getElementById(id);

export function wireKeys({ shownFlame }) {
  window.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    if (e.key === 'Escape') {
      if (typing) e.target.blur();
      if (!$('shortcuts').hidden) { $('shortcuts').hidden = true; return; }
      shownFlame().zoomOutOne();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const f = shownFlame();
    const keys = {
      '/': () => $('search').focus(),
      '?': () => { $('shortcuts').hidden = !$('shortcuts').hidden; },
      ArrowLeft: () => f.moveCursor('left'),
      ArrowRight: () => f.moveCursor('right'),
      ArrowUp: () => f.moveCursor(f.flip ? 'down' : 'up'),
      ArrowDown: () => f.moveCursor(f.flip ? 'up' : 'down'),
      '+': () => f.zoomCursor(),
      '=': () => f.zoomCursor(),
      Enter: () => f.zoomCursor(),
      '-': () => f.zoomOutOne(),
      0: () => f.zoomTo(ROOT),
    };
    const act = keys[e.key];
    if (!act || $('view').hidden) { if (e.key === '?') keys['?'](); return; }
    e.preventDefault();
    act();
  });
  $('helpBtn').addEventListener('click', () => { $('shortcuts').hidden = !$('shortcuts').hidden; });
  $('shortcuts').addEventListener('click', (e) => { if (e.target === $('shortcuts')) $('shortcuts').hidden = true; });
}
