// Source folders the user picked (a repository, Go's $GOROOT/src, the
// module cache…): their file lists, kept in the page and never uploaded.
// A file is read only when a listing needs it. A profile's path is found
// as pprof finds it under a source root, its leading directories dropped
// one by one until a file of the folder matches (so /build/ci/app/main.go
// finds app/main.go in a checkout of the app), and, failing that, in a
// sub-folder ending with the path.

const MAX_BYTES = 10 * 1024 * 1024;

export class SourceRoots {
  constructor() {
    this.roots = []; // { name, files: Map(relative path -> File | FileSystemFileHandle), byBase: Map(basename -> [paths]), resolved: Set(profile paths) }
    this.cache = new Map(); // profile path -> Promise of { lines, root, rel } (or a rejection with the sentence)
  }

  // A root from <input type=file webkitdirectory>: paths are "folder/a/b.go".
  addFileList(files) {
    const byRoot = new Map();
    for (const f of files) {
      const rel = f.webkitRelativePath || f.name;
      const cut = rel.indexOf('/');
      const root = cut > 0 ? rel.slice(0, cut) : '';
      if (!byRoot.has(root)) byRoot.set(root, []);
      byRoot.get(root).push([cut > 0 ? rel.slice(cut + 1) : rel, f]);
    }
    for (const [name, list] of byRoot) this.add(name || 'files', list);
  }

  // A root from a dropped folder (a FileSystemDirectoryEntry).
  async addEntry(dir) {
    const list = [];
    const walk = async (d, prefix) => {
      const reader = d.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) {
          if (e.isDirectory) await walk(e, `${prefix}${e.name}/`);
          else list.push([`${prefix}${e.name}`, await new Promise((res, rej) => e.file(res, rej))]);
        }
      }
    };
    await walk(dir, '');
    this.add(dir.name, list);
  }

  // A root from the File System Access API (a FileSystemDirectoryHandle).
  async addHandle(handle) {
    const list = [];
    const walk = async (d, prefix) => {
      for await (const [name, h] of d.entries()) {
        if (h.kind === 'directory') await walk(h, `${prefix}${name}/`);
        else list.push([`${prefix}${name}`, h]);
      }
    };
    await walk(handle, '');
    this.add(handle.name, list);
  }

  add(name, list) {
    const files = new Map(list);
    const byBase = new Map();
    for (const p of files.keys()) {
      const b = p.slice(p.lastIndexOf('/') + 1);
      if (!byBase.has(b)) byBase.set(b, []);
      byBase.get(b).push(p);
    }
    // The same folder chosen again (after editing it, say) replaces the old one.
    this.roots = this.roots.filter((r) => r.name !== name);
    this.roots.push({ name, files, byBase, resolved: new Set() });
    this.cache.clear(); // a new root may find what was missing
  }

  // The root and file a profile path means, or null.
  find(path) {
    const parts = path.split('/').filter((p) => p && p !== '.');
    for (const root of this.roots) {
      for (let k = 0; k < parts.length; k++) {
        const suffix = parts.slice(k).join('/');
        if (root.files.has(suffix)) return { root, rel: suffix };
      }
    }
    // A folder above the sources: a file whose path ends with the profile's.
    const want = parts.join('/');
    for (const root of this.roots) {
      const hit = (root.byBase.get(parts.at(-1)) || []).find((p) => p.endsWith(`/${want}`));
      if (hit) return { root, rel: hit };
    }
    return null;
  }

  // The lines of the file a profile names `path` (split as Go's scanner
  // splits them), or a rejection whose message says why there are none.
  lines(path) {
    if (!this.cache.has(path)) {
      const p = this.read(path);
      p.catch(() => {});
      this.cache.set(path, p);
    }
    return this.cache.get(path);
  }

  async read(path) {
    const hit = this.find(path);
    if (!hit) {
      const where = this.roots.length ? this.roots.map((r) => r.name).join(', ') : 'no source folder yet';
      throw new Error(`Not found: the profile records ${path}; searched ${where}.`);
    }
    const f = hit.root.files.get(hit.rel);
    const file = f instanceof File ? f : await f.getFile();
    if (file.size > MAX_BYTES) throw new Error(`${hit.rel} is ${(file.size / 1e6).toFixed(1)} MB: source files over 10 MB are not shown.`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.subarray(0, 8192).includes(0)) throw new Error(`${hit.rel} is not a text file.`);
    hit.root.resolved.add(path);
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), root: hit.root.name, rel: hit.rel };
  }

  // "repo: 3 of the profile's files; goroot: 1" for the roots line.
  summary() {
    return this.roots.map((r) => `${r.name} (${r.files.size} files, ${r.resolved.size} found)`).join(' · ');
  }
}

// Folders remembered in this browser (File System Access API handles kept in
// IndexedDB): the next visit only asks for permission again. Nothing but the
// handle (the browser's own reference to the folder) is stored.
const DB = 'pprof-lens';
const STORE = 'source-folders';

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, f) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const out = f(t.objectStore(STORE));
    t.oncomplete = () => { d.close(); resolve(out?.result); };
    t.onerror = () => { d.close(); reject(t.error); };
  });
}

export const remembered = {
  async list() {
    try {
      const d = await db();
      return await new Promise((resolve, reject) => {
        const out = [];
        const req = d.transaction(STORE).objectStore(STORE).openCursor();
        req.onsuccess = () => { const c = req.result; if (c) { out.push(c.value); c.continue(); } else { d.close(); resolve(out); } };
        req.onerror = () => { d.close(); reject(req.error); };
      });
    } catch { return []; } // storage refused (a private window, a policy): nothing remembered
  },
  async add(handle) { try { await tx('readwrite', (s) => s.put(handle, handle.name)); return true; } catch { return false; } },
  async forget(name) { try { await tx('readwrite', (s) => s.delete(name)); } catch { /* nothing kept */ } },
};
