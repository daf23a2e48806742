// Getting files in: the Open buttons, dropping (the left half of the window
// opens, the right half compares; a dropped folder becomes a source folder)
// and pasting.
const $ = (id) => document.getElementById(id);

export function wireDrop({ open, compare, folder }) {
  for (const id of ['open', 'open2']) $(id).addEventListener('click', () => $('file').click());
  $('file').addEventListener('change', (e) => { open([...e.target.files]); e.target.value = ''; });
  let depth = 0;
  const onCompareSide = (e) => e.clientX > window.innerWidth / 2;
  window.addEventListener('dragenter', (e) => { e.preventDefault(); depth++; $('dropHint').hidden = false; });
  window.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; $('dropHint').hidden = true; } });
  window.addEventListener('dragover', (e) => {
    e.preventDefault();
    const cmp = onCompareSide(e);
    $('dropCompare').classList.toggle('on', cmp);
    $('dropOpen').classList.toggle('on', !cmp);
  });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0; $('dropHint').hidden = true;
    // Folders are sources for the Source panel; files are profiles.
    const entries = [...(e.dataTransfer?.items || [])].map((it) => it.webkitGetAsEntry?.()).filter(Boolean);
    const dirs = entries.filter((x) => x.isDirectory);
    for (const d of dirs) folder(d);
    const files = [...(e.dataTransfer?.files || [])].filter((f) => !dirs.some((d) => d.name === f.name));
    if (!files.length) return;
    if (onCompareSide(e)) compare(files); else open(files);
  });
  window.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (files.length) { e.preventDefault(); open(files); }
  });
}
