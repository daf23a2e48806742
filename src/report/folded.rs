//! The view as collapsed ("folded") stacks, for FlameGraph and inferno: one
//! line per distinct stack, frames root first separated by `;`, a space and
//! the value of the view's sample type, with the view's refinements applied.

use crate::aggregate::graph::INLINED;
use crate::error::{Error, ErrorKind, Result};
use crate::fxmap::FxMap;
use crate::Prepared;

/// The view's stacks as folded lines, in the order they first occur; equal
/// stacks are summed. Folded stacks count, so a negative value (a
/// comparison's base) is refused, and `;` in a name becomes `:`.
pub fn folded_text(pr: &Prepared) -> Result<String> {
    let names: Vec<String> = (0..pr.nodes.len()).map(|n| pr.nodes.printable_name(n).replace(';', ":")).collect();
    let mut order: Vec<Vec<u32>> = Vec::new();
    let mut sums: FxMap<Vec<u32>, (usize, i64)> = FxMap::default();
    let mut buf = Vec::new();
    for w in pr.stacks.weighted(&pr.profile, pr.value_index) {
        if w.value < 0 {
            return Err(Error::new(
                ErrorKind::BadQuery,
                "folded stacks cannot hold negative values (a comparison's base): export each profile instead",
            ));
        }
        let key: Vec<u32> = w.stack.expand(&mut buf).iter().map(|&r| r & !INLINED).collect();
        if key.is_empty() {
            continue;
        }
        let next = order.len();
        let e = sums.entry(key).or_insert_with_key(|k| {
            order.push(k.clone());
            (next, 0)
        });
        e.1 = e.1.wrapping_add(w.value);
    }
    let mut out = String::new();
    for k in &order {
        let v = sums[k].1;
        for (i, &n) in k.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(&names[n as usize]);
        }
        out.push(' ');
        out.push_str(&v.to_string());
        out.push('\n');
    }
    Ok(out)
}
