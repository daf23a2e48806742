// Goroutine groups of a goroutine profile or text dump: how many goroutines
// share each stack and state, what they wait on, and for how long.

export class GoroutinesView {
  constructor(el, client) { Object.assign(this, { el, client }); }

  async show(key, info) {
    const isGoroutine = info.sampleTypes.length === 1 && info.sampleTypes[0].type === 'goroutine';
    this.el.box.hidden = !isGoroutine;
    if (!isGoroutine) return;
    const r = await this.client.goroutines(key);
    const col = (s) => s.split('\n');
    const [count, state, blocked, wait, fn, created, labels] = [r.count, r.state, r.blockedOn, r.wait, r.function, r.createdBy, r.labels].map(col);
    this.el.tbody.replaceChildren(...count.slice(0, r.groups).map((c, i) => {
      const tr = document.createElement('tr');
      for (const [text, cls] of [[c, 'num'], [state[i], ''], [blocked[i], ''], [wait[i], 'num'], [fn[i], ''], [created[i], ''], [labels[i], 'labels']]) {
        const td = document.createElement('td'); td.className = cls; td.textContent = text; tr.append(td);
      }
      return tr;
    }));
  }
}
