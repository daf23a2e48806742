// Saved views, as pprof's Config menu keeps them: a name for a view's
// sample type, granularity, refinements, trimming and table order, kept in
// this browser (localStorage) beside the link, applied to any open profile.
// Never profile data.
import { emptyQuery, freshView } from './state.js';

const KEY = 'pprof-lens.views';
const $ = (id) => document.getElementById(id);

function read() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === 'string' && x.query) : [];
  } catch { return []; }
}

function write(views) {
  try { localStorage.setItem(KEY, JSON.stringify(views)); return true; } catch { return false; }
}

export function wireSavedViews({ tabs, messages }) {
  const list = $('savedViews');
  const fill = (chosen = '') => {
    const views = read();
    const head = new Option(views.length ? 'Saved views…' : 'No saved views', '');
    list.replaceChildren(head, ...views.map((v) => new Option(v.name, v.name)));
    list.value = chosen;
    $('deleteView').disabled = !chosen;
  };
  fill();
  $('saveView').addEventListener('click', () => {
    const t = tabs.current();
    const name = $('viewName').value.trim();
    if (!t || t.compare) { messages.show('Saved views: open a profile first (a comparison keeps its own settings)'); return; }
    if (!name) { $('viewName').focus(); messages.show('Saved views: give the view a name first'); return; }
    tabs.save();
    const s = t.state;
    const view = { name, type: t.info.sampleTypes[s.sampleIndex]?.type ?? '', query: { ...s.query }, trim: !!s.trim, sort: { ...s.sort } };
    const views = read().filter((v) => v.name !== name);
    views.push(view);
    views.sort((a, b) => a.name.localeCompare(b.name));
    if (!write(views)) { messages.show('Saved views: this browser does not let the page keep data'); return; }
    $('viewName').value = '';
    fill(name);
  });
  list.addEventListener('change', async () => {
    const view = read().find((v) => v.name === list.value);
    $('deleteView').disabled = !view;
    const t = tabs.current();
    if (!view || !t || t.compare) return;
    tabs.save();
    const s = t.state;
    const prev = structuredClone(s);
    const type = t.info.sampleTypes.findIndex((x) => x.type === view.type);
    if (type >= 0) s.sampleIndex = type;
    s.query = { ...emptyQuery(), ...view.query };
    s.trim = !!view.trim;
    if (view.sort) s.sort = { ...view.sort };
    freshView(s);
    try {
      await tabs.render(t.key);
      $('sampleType').value = String(s.sampleIndex);
      if (view.type && type < 0) messages.show(`${t.name}: the saved view "${view.name}" is of ${view.type}, which this profile does not have: its refinements apply to ${t.info.sampleTypes[s.sampleIndex]?.type}`, { file: t.name });
    } catch (e) {
      Object.assign(s, prev);
      $('sampleType').value = String(s.sampleIndex);
      messages.show(`${t.name}: the saved view "${view.name}" does not apply here: ${e.message}`, { file: t.name });
      await tabs.show(t.key);
    }
  });
  $('deleteView').addEventListener('click', () => {
    if (!list.value) return;
    write(read().filter((v) => v.name !== list.value));
    fill();
  });
}
