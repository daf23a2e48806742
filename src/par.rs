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

#[cfg(test)]
mod tests {
    #[test]
    fn both_gives_both_results_and_raises_a_panic() {
        assert_eq!(super::both(|| 1, || "two"), (1, "two"));
        let r = std::panic::catch_unwind(|| super::both(|| 1, || -> u8 { panic!("second") }));
        assert!(r.is_err());
    }
}
