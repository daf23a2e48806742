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

#[cfg(test)]
mod tests {
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
