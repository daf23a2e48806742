function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function sortMany() { const a = []; for (let i = 0; i < 200000; i++) a.push((i * 7919) % 100003); a.sort((x, y) => x - y); return a.length; }
function makeStrings() { let s = 0; for (let i = 0; i < 100000; i++) s += JSON.stringify({ i, v: [i, i + 1] }).length; return s; }
const keep = [];
function leak() { for (let i = 0; i < 2000; i++) keep.push(new Array(64).fill(i)); }
const t0 = Date.now();
while (Date.now() - t0 < 1500) { fib(24); sortMany(); makeStrings(); leak(); }
console.log('done', keep.length);
