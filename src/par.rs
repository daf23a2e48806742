//! Two pieces of work at once: on two cores natively (the command line),
//! one after the other in WebAssembly (the page has one thread).

/// Runs `a` and `b`, natively `b` on a second thread; returns both results.
/// A panic in either is raised again here.
pub fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::scope(|s| {
            let hb = s.spawn(b);
            let ra = a();
            (ra, hb.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        })
    }
    #[cfg(target_arch = "wasm32")]
    {
        (a(), b())
    }
}

/// True where [`both`] runs its work at once.
pub const PARALLEL: bool = cfg!(not(target_arch = "wasm32"));

/// Fewer items than this are not worth a second thread.
pub const MIN_ITEMS: usize = 20_000;

/// `0..n` split in two halves when a pass over `n` items is worth two cores
/// (natively, [`MIN_ITEMS`] or more); else all of them in the first.
pub fn halves(n: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let mid = if PARALLEL && n >= MIN_ITEMS { n / 2 } else { n };
    (0..mid, mid..n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_gives_both_results_and_raises_a_panic() {
        assert_eq!(super::both(|| 1, || "two"), (1, "two"));
        assert_eq!(super::halves(10), (0..10, 10..10));
        assert_eq!(super::halves(super::MIN_ITEMS), (0..super::MIN_ITEMS / 2, super::MIN_ITEMS / 2..super::MIN_ITEMS));
        let r = std::panic::catch_unwind(|| super::both(|| 1, || -> u8 { panic!("second") }));
        assert!(r.is_err());
    }
}
