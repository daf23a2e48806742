//! One sort for the many small orders of the reports and the page (rows,
//! neighbours, groups, tags). Every `sort_by` closure is a copy of the
//! standard sort in the page's wasm, several kilobytes each; sorting ids
//! through one comparator object keeps a single copy. Hot loops over
//! millions of items keep their own specialised sorts.

use std::cmp::Ordering;

/// Sorts ids with `cmp`, stably.
pub fn sort_ids(ids: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    ids.sort_by(|&a, &b| cmp(a, b));
}

/// Sorts `v` with `cmp`, stably (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let mut ids: Vec<u32> = (0..v.len() as u32).collect();
    sort_ids(&mut ids, &|a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, &ids);
}

/// Reorders `v` so that its item `i` is the old item `ids[i]`.
fn permute<T>(v: &mut [T], ids: &[u32]) {
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        let mut i = start;
        while !done[i] {
            done[i] = true;
            let j = ids[i] as usize;
            if j == start {
                break;
            }
            v.swap(i, j);
            i = j;
        }
    }
}

/// Sorts `ids` by `names[id]` in byte order, equal names by id (what a
/// stable sort of increasing ids gives).
///
/// Most-significant-digit first, eight bytes a round: names share long
/// prefixes (package paths), and comparing them pairwise reads two strings
/// scattered in memory per comparison, a cache miss each. Here each name is
/// read once a round, about five rounds for Go names.
pub fn sort_by_name<S: AsRef<str>>(ids: &mut [u32], names: &[S]) {
    // A round's key: the next eight bytes (zero-padded, big-endian) and how
    // many there were, so that a name sorts before those it is a prefix of.
    let mut keyed: Vec<(u128, u32)> = ids.iter().map(|&i| (0, i)).collect();
    let mut work = vec![(0usize, keyed.len(), 0usize)];
    while let Some((lo, hi, at)) = work.pop() {
        for e in &mut keyed[lo..hi] {
            let rest = names[e.1 as usize].as_ref().as_bytes().get(at..).unwrap_or_default();
            let n = rest.len().min(8);
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&rest[..n]);
            e.0 = (u64::from_be_bytes(w) as u128) << 8 | n as u128;
        }
        keyed[lo..hi].sort_unstable();
        let mut i = lo;
        while i < hi {
            let k = keyed[i].0;
            let j = i + keyed[i..hi].iter().take_while(|e| e.0 == k).count();
            // Names that tie on eight bytes and go on are told apart later.
            if j - i > 1 && k & 0xff == 8 {
                work.push((i, j, at + 8));
            }
            i = j;
        }
    }
    for (d, e) in ids.iter_mut().zip(keyed) {
        *d = e.1;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_sort_as_a_stable_byte_order() {
        let parts =
            ["", "a", "ab", "github.com/acme/svc/pkg1", "github.com/acme/svc/pkg12", "é", "\u{ffff}", "zz", "a\0"];
        let mut names = Vec::new();
        for x in parts {
            for y in parts {
                for z in parts {
                    names.push(format!("{x}{y}{z}"));
                }
            }
        }
        let mut want: Vec<u32> = (0..names.len() as u32).collect();
        want.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut got: Vec<u32> = (0..names.len() as u32).collect();
        super::sort_by_name(&mut got, &names);
        assert_eq!(got, want);
        // A subset, in any order.
        let mut some: Vec<u32> = (0..names.len() as u32).rev().step_by(3).collect();
        let mut want = some.clone();
        want.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]).then(a.cmp(&b)));
        super::sort_by_name(&mut some, &names);
        assert_eq!(some, want);
    }

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut v: Vec<(u32, char)> = vec![(3, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (3, 'e'), (0, 'f')];
        let mut want = v.clone();
        want.sort_by_key(|x| x.0);
        super::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, want);
        let mut w: Vec<u32> = (0..50).map(|i| (i * 37) % 50).collect();
        super::sort_by(&mut w, |a, b| b.cmp(a));
        assert_eq!(w, (0..50).rev().collect::<Vec<u32>>());
    }
}
