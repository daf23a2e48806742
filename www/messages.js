// Messages to the user (errors, mostly). A message about a file stays until
// it is dismissed or that file is dealt with (opened, closed); the same
// sentence is never shown twice; at most a few are shown and the older
// ones collapse into "N more", which expands on a click.

const SHOWN = 3;

export class Messages {
  constructor(el) {
    this.el = el;
    this.list = []; // { text, kind, file }, oldest first
    this.expanded = false;
  }

  // Shows `text`; `file` names the file it is about (cleared with it).
  show(text, { kind = 'error', file = '' } = {}) {
    this.list = this.list.filter((m) => m.text !== text);
    this.list.push({ text, kind, file });
    this.render();
  }

  // Removes the messages about `file` (it was opened or closed).
  clear(file) {
    const n = this.list.length;
    this.list = this.list.filter((m) => m.file !== file);
    if (this.list.length !== n) this.render();
  }

  dismiss(m) {
    this.list = this.list.filter((x) => x !== m);
    this.render();
  }

  render() {
    const hidden = this.expanded ? 0 : Math.max(0, this.list.length - SHOWN);
    const rows = this.list.slice(hidden).map((m) => {
      const div = document.createElement('div');
      div.className = `msg ${m.kind}`;
      const span = document.createElement('span');
      span.textContent = m.text;
      const close = document.createElement('button');
      close.type = 'button'; close.textContent = '×'; close.title = 'Dismiss';
      close.addEventListener('click', () => this.dismiss(m));
      div.append(span, close);
      return div;
    });
    if (hidden) {
      const more = document.createElement('button');
      more.type = 'button'; more.className = 'msg-more';
      more.textContent = `${hidden} more`;
      more.title = 'Show the older messages';
      more.addEventListener('click', () => { this.expanded = true; this.render(); });
      rows.unshift(more);
    }
    if (!hidden && this.list.length <= SHOWN) this.expanded = false;
    this.el.replaceChildren(...rows);
  }
}
