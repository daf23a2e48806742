//! The statistics of a comparison, in one place for the diff, the series
//! and the page: is a function's change of share between two profiles more
//! than sampling noise? Counts are compared as two proportions (the
//! function's count against the rest of its side): Fisher's exact test
//! where counts are small, the pooled normal approximation where they are
//! large; the interval of the change is Agresti and Caffo's (one success
//! and one failure added to each side), which keeps its coverage at small
//! counts. Many functions are tested at once: Benjamini and Hochberg's
//! procedure holds the false discovery rate over the whole family.

/// The level tests are run at (and the false discovery rate held at).
pub const ALPHA: f64 = 0.05;

/// The verdict on one function's change.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Test {
    /// The change of its share of the side's total, in percentage points.
    pub delta: f64,
    /// The change's 95% interval, in percentage points.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The test's p-value.
    pub p: f64,
    /// Significant after the false discovery rate correction.
    pub significant: bool,
}

/// ln(n!) by Stirling's series above 256, exactly below.
fn ln_factorial(n: u64) -> f64 {
    if n < 256 {
        return (2..=n).map(|i| (i as f64).ln()).sum();
    }
    let x = n as f64 + 1.0;
    // ln Γ(x), Stirling with three correction terms.
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
        + 1.0 / (1260.0 * x.powi(5))
}

/// Fisher's exact test, two-sided, on the table [[a, b], [c, d]]: the sum of
/// the probabilities of every table with the same margins no more likely
/// than the one seen.
pub fn fisher(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (r1, r2, c1) = (a + b, c + d, a + c);
    let n = r1 + r2;
    let ln_p = |x: u64| -> f64 {
        // P(top-left = x) with the margins fixed (hypergeometric).
        ln_factorial(r1) + ln_factorial(r2) + ln_factorial(c1) + ln_factorial(n - c1)
            - ln_factorial(n)
            - ln_factorial(x)
            - ln_factorial(r1 - x)
            - ln_factorial(c1 - x)
            - ln_factorial(r2 + x - c1)
    };
    let lo = c1.saturating_sub(r2);
    let hi = r1.min(c1);
    let seen = ln_p(a);
    let mut p = 0.0;
    for x in lo..=hi {
        let q = ln_p(x);
        if q <= seen + 1e-7 {
            p += q.exp();
        }
    }
    p.min(1.0)
}

/// The standard normal's upper tail beyond |z|, both sides.
fn two_sided_normal(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The complementary error function (Numerical Recipes' erfcc, relative
/// error below 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Compares a function's count `k1` of `n1` in the base with `k2` of `n2`
/// in the new profile: the change of share (points), its interval and the
/// p-value (Fisher's exact test below 1,000 counts in the smaller cell
/// sums, the pooled normal approximation above). `significant` is left
/// false: [`benjamini_hochberg`] decides it over the family.
pub fn two_proportions(k1: u64, n1: u64, k2: u64, n2: u64) -> Test {
    let (k1, k2) = (k1.min(n1), k2.min(n2));
    if n1 == 0 || n2 == 0 {
        return Test { delta: 0.0, low: f64::NEG_INFINITY, high: f64::INFINITY, p: 1.0, significant: false };
    }
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    // Agresti–Caffo: one success and one failure more on each side.
    let (a1, a2) = ((k1 as f64 + 1.0) / (n1 as f64 + 2.0), (k2 as f64 + 1.0) / (n2 as f64 + 2.0));
    let se = (a1 * (1.0 - a1) / (n1 as f64 + 2.0) + a2 * (1.0 - a2) / (n2 as f64 + 2.0)).sqrt();
    let d = a2 - a1;
    let p = if k1 + k2 < 1000 || (n1 - k1) + (n2 - k2) < 1000 {
        fisher(k1, n1 - k1, k2, n2 - k2)
    } else {
        let pooled = (k1 + k2) as f64 / (n1 + n2) as f64;
        let s = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
        if s == 0.0 {
            1.0
        } else {
            two_sided_normal((p2 - p1) / s)
        }
    };
    Test {
        delta: (p2 - p1) * 100.0,
        low: (d - 1.96 * se) * 100.0,
        high: (d + 1.96 * se) * 100.0,
        p,
        significant: false,
    }
}

/// Compares two counts of one process at two times (heap snapshots: the
/// objects sampled at a site), each a Poisson draw: the change in points of
/// the base total `n1`, its interval, and the p-value of the exact
/// conditional test (k2 of k1 + k2 against one half) below 1,000 counts,
/// its normal approximation above.
pub fn two_counts(k1: u64, k2: u64, n1: u64) -> Test {
    if n1 == 0 {
        return Test { delta: 0.0, low: f64::NEG_INFINITY, high: f64::INFINITY, p: 1.0, significant: false };
    }
    let (a, b, n) = (k1 as f64, k2 as f64, n1 as f64);
    let se = (a + b).sqrt() / n * 100.0;
    let delta = (b - a) / n * 100.0;
    let m = k1 + k2;
    let p = if m == 0 {
        1.0
    } else if m < 1000 {
        // Two-sided exact binomial: every outcome no more likely than k2.
        let ln_p = |x: u64| ln_factorial(m) - ln_factorial(x) - ln_factorial(m - x) - m as f64 * std::f64::consts::LN_2;
        let seen = ln_p(k2);
        (0..=m).map(ln_p).filter(|&q| q <= seen + 1e-7).map(f64::exp).sum::<f64>().min(1.0)
    } else {
        two_sided_normal((b - a) / (a + b).sqrt())
    };
    Test { delta, low: delta - 1.96 * se, high: delta + 1.96 * se, p, significant: false }
}

/// Benjamini and Hochberg's step-up procedure at [`ALPHA`]: which of the
/// p-values are discoveries, the false discovery rate held over all of them.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<bool> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut cut = 0;
    for (rank, &i) in order.iter().enumerate() {
        if p[i] <= ALPHA * (rank + 1) as f64 / m as f64 {
            cut = rank + 1;
        }
    }
    let mut out = vec![false; m];
    for &i in &order[..cut] {
        out[i] = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_known_tables() {
        // R: fisher.test(matrix(c(3,1,1,3),2))$p.value = 0.4857
        assert!((fisher(3, 1, 1, 3) - 0.485714).abs() < 1e-5);
        // fisher.test(matrix(c(10,2,3,15),2))$p.value = 0.0005367
        assert!((fisher(10, 3, 2, 15) - 0.000537).abs() < 2e-5, "{}", fisher(10, 3, 2, 15));
        assert!((fisher(5, 5, 5, 5) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_normal_tail_and_factorials_are_right() {
        assert!((two_sided_normal(1.959964) - 0.05).abs() < 1e-6);
        assert!((ln_factorial(300) - 1414.905849).abs() < 1e-4, "{}", ln_factorial(300));
    }

    #[test]
    fn equal_shares_are_noise_and_a_big_change_is_not() {
        let t = two_proportions(500, 2000, 510, 2000);
        assert!(t.p > 0.5 && t.low < 0.0 && t.high > 0.0, "{t:?}");
        let t = two_proportions(500, 2000, 650, 2000);
        assert!(t.p < 1e-5 && t.low > 0.0, "{t:?}");
    }

    #[test]
    fn counts_of_one_process_compare_as_poisson_draws() {
        // binom.test(15, 20)$p.value = 0.04139
        assert!((two_counts(5, 15, 100).p - 0.041389).abs() < 1e-5, "{:?}", two_counts(5, 15, 100));
        assert!(two_counts(10_000, 10_050, 100_000).p > 0.5);
        let t = two_counts(10_000, 11_000, 100_000);
        assert!(t.p < 1e-8 && t.low > 0.0 && (t.delta - 1.0).abs() < 1e-9, "{t:?}");
    }

    #[test]
    fn benjamini_hochberg_steps_up() {
        assert_eq!(benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]), [true, false, false, false]);
        assert_eq!(benjamini_hochberg(&[0.01, 0.02, 0.03, 0.04]), [true, true, true, true]);
        assert_eq!(benjamini_hochberg(&[]), Vec::<bool>::new());
    }
}
