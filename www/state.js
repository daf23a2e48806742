// One view state per tab (a profile or a comparison): everything the user
// chose and where they are in it. The page keeps one such object per tab;
// leaving a tab saves what its views show into it, coming back restores
// exactly that, and a newly opened profile starts clean. The URL hash's
// format lives here alone (toHash/fromHash); tabs.js reads location.hash and
// writes what toHash makes with history.replaceState.
//
// A tab's state (all plain data, so it can be copied and compared):
//   sampleIndex  number   the sample type shown (index into the profile's types)
//   query        object   refinements: focus, ignore, hide, show, show_from,
//                         tagfocus, tagignore (pprof's syntax), group (one
//                         goroutine group: "N (what it is)"), granularity
//                         ('functions', 'filefunctions', 'files', 'lines',
//                         'addresses') and noinlines
//   search       string   the flame graph's search (a regex; '' for none)
//   zoomPath     string   frame names from the root to the zoomed frame,
//                         newline-joined ('' when not zoomed)
//   selected     string   the selected function's name ('' for none)
//   sort         object   the table's order: { by: 'flat'|'cum'|'name', desc }
//   filter       string   the table's row filter (a regex)
//   scroll       number   the table's scroll offset in pixels
//   flip         boolean  flame (root at the bottom) instead of icicle
//   source       boolean  the Source panel is open (for the selected function;
//                         nothing else about sources is kept or linked)
//   graph        boolean  the Graph view is open
//   graphNodes   number   its node count (0: pprof's 80; 4294967295: all)
//   trim         boolean  the table trimmed as go tool pprof -top trims it
//                         (-nodefraction=0.005, "Dropped N nodes"); all rows if false
//   compare      object   comparisons only, else null: { baseKeys, newKeys,
//                         mode: 'diff_base'|'base', normalize, sideBySide,
//                         palette: 'rg'|'cb', hideNoise (rows that are noise hidden) }

export const FILTERS = ['focus', 'ignore', 'hide', 'show', 'show_from', 'tagfocus', 'tagignore', 'group'];

export const emptyQuery = () => ({
  focus: '', ignore: '', hide: '', show: '', show_from: '', tagfocus: '', tagignore: '', group: '', granularity: 'functions', noinlines: false,
});

// The refinements that narrow a view (granularity and noinlines only regroup it).
export const activeFilters = (q) => FILTERS.filter((f) => q[f]).map((f) => `${f}=${q[f]}`);

export function newTabState({ sampleIndex = 0, compare = null, query = {} } = {}) {
  return {
    sampleIndex,
    query: { ...emptyQuery(), ...query },
    search: '',
    zoomPath: '',
    selected: '',
    sort: { by: 'flat', desc: true },
    filter: '',
    scroll: 0,
    flip: false,
    source: false,
    graph: false,
    graphNodes: 0,
    trim: false,
    compare: compare && { mode: 'diff_base', normalize: false, sideBySide: false, palette: 'rg', hideNoise: false, ...compare },
  };
}

// A new view of the same tab (another sample type): the table back at the
// top and the zoom reset; refinements, search and selection stay.
export function freshView(state) {
  state.scroll = 0;
  state.zoomPath = '';
}

// The hash's format. Version 1 (no `v`) had the same keys; each new version
// says here how an older link is read.
export const HASH_VERSION = 2;

// The URL hash of a tab: its file name, sample type, refinements, zoom,
// selection and search; never profile data. Comparisons have none.
export function toHash(state, { name, sampleTypes }) {
  const h = new URLSearchParams();
  if (!state || state.compare) return '';
  h.set('v', String(HASH_VERSION));
  h.set('file', name);
  h.set('type', sampleTypes[state.sampleIndex]?.type ?? '');
  for (const [k, v] of Object.entries(state.query)) {
    if (v && !(k === 'granularity' && v === 'functions')) h.set(k, v === true ? '1' : v);
  }
  if (state.zoomPath) h.set('zoom', state.zoomPath);
  if (state.selected) h.set('sel', state.selected);
  if (state.search) h.set('search', state.search);
  if (state.source) h.set('src', '1');
  if (state.graph) h.set('graph', String(state.graphNodes || 1));
  if (state.trim) h.set('trim', '1');
  if (state.sort.by !== 'flat' || !state.sort.desc) h.set('sort', `${state.sort.by}${state.sort.desc ? '' : '-asc'}`);
  return h.toString();
}

// Reads a hash: null when it names no file; else { file, apply(state, info) }
// that puts the link's view into the state of the tab opening that file.
export function fromHash(hash) {
  const h = new URLSearchParams(hash.replace(/^#/, ''));
  const file = h.get('file');
  if (!file) return null;
  const version = Number(h.get('v') || 1);
  return {
    file,
    version,
    apply(state, { sampleTypes }) {
      const t = sampleTypes.findIndex((x) => x.type === h.get('type'));
      if (t >= 0) state.sampleIndex = t;
      const q = emptyQuery();
      for (const k of Object.keys(q)) {
        const v = h.get(k);
        if (v !== null) q[k] = typeof q[k] === 'boolean' ? v === '1' : v;
      }
      state.query = q;
      state.zoomPath = h.get('zoom') || '';
      state.selected = h.get('sel') || '';
      state.search = h.get('search') || '';
      state.source = h.get('src') === '1';
      state.trim = h.get('trim') === '1';
      // graph=1 opens the Graph view; another number is its node count.
      const graph = Number(h.get('graph') || 0);
      state.graph = graph > 0;
      state.graphNodes = graph > 1 ? graph : 0;
      // Version 2 added the table's order.
      const sort = version >= 2 ? h.get('sort') : null;
      if (sort) {
        const [by, dir] = sort.split('-');
        if (['flat', 'cum', 'name'].includes(by)) state.sort = { by, desc: dir !== 'asc' };
      }
    },
  };
}
