// Goroutine groups of a goroutine profile, goroutine leak profile or text
// dump: how many goroutines share each stack and state, what they wait on,
// for how long, and whether the runtime's leak detector flagged them.
// Clicking a group shows only its goroutines in the flame graph and the
// table (the `group` refinement); clicking it again shows all.

const isGoroutineType = (t) => t === 'goroutine' || t === 'goroutineleak';

export class GoroutinesView {
  // `onPick(group)`: refine the view to one group ('' for all).
  constructor(el, client, { onPick } = {}) { Object.assign(this, { el, client, onPick }); }

  async show(key, info, query = {}) {
    const isGoroutine = info.sampleTypes.length === 1 && isGoroutineType(info.sampleTypes[0].type);
    this.el.box.hidden = !isGoroutine;
    if (!isGoroutine) return;
    const r = await this.client.goroutines(key);
    const col = (s) => s.split('\n');
    const [count, state, blocked, wait, fn, created, labels, sample, leaked] =
      [r.count, r.state, r.blockedOn, r.wait, r.function, r.createdBy, r.labels, r.sample, r.leaked].map(col);
    const picked = /^\d+/.exec(query.group || '')?.[0] ?? null;
    this.el.tbody.replaceChildren(...count.slice(0, r.groups).map((c, i) => {
      const tr = document.createElement('tr');
      tr.dataset.sample = sample[i];
      tr.title = sample[i] === picked ? 'Click to show every group again' : 'Click to show only these goroutines in the flame graph and the table';
      if (sample[i] === picked) tr.className = 'picked';
      for (const [text, cls] of [[c, 'num'], [state[i], ''], [blocked[i], ''], [wait[i], 'num'], [fn[i], ''], [created[i], ''], [labels[i], 'labels']]) {
        const td = document.createElement('td'); td.className = cls; td.textContent = text; tr.append(td);
      }
      if (leaked[i]) {
        const b = document.createElement('span');
        b.className = 'badge leaked'; b.textContent = 'leaked';
        b.title = "The runtime's leak detector found these goroutines blocked forever: nothing can ever wake them";
        tr.cells[2].prepend(b, ' ');
      }
      const what = `${c} goroutine${c === '1' ? '' : 's'} in ${fn[i]}${blocked[i] ? `, ${blocked[i]}` : ''}`;
      tr.addEventListener('click', () => this.onPick?.(sample[i] === picked ? '' : `${sample[i]} (${what})`));
      return tr;
    }));
  }
}
