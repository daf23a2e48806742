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
    benjamini_hochberg_weighted(p, &vec![1.0; p.len()])
}

/// The weighted procedure of Genovese, Roeder and Wasserman (2006): each
/// p-value divided by its weight (the weights scaled to a mean of 1, fixed
/// before the test), then [`benjamini_hochberg`]'s step-up. The false
/// discovery rate is held at [`ALPHA`] all the same; the power goes where
/// the weights put it. A weight of 0 is never a discovery.
pub fn benjamini_hochberg_weighted(p: &[f64], w: &[f64]) -> Vec<bool> {
    let m = p.len();
    let sum: f64 = w.iter().sum();
    let q: Vec<f64> = (0..m)
        .map(|i| {
            let w = if sum > 0.0 { w[i] * m as f64 / sum } else { 1.0 };
            if w > 0.0 {
                p[i] / w
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let p = &q;
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

/// How much more than sampling alone replicated profiles vary: a profile's
/// statistic (a share of its total, or a count) varies by `phi` times its
/// sampling variance plus `c` times its square (runs that differ by a few
/// per cent of each function's cost). Sampling alone is `phi` = 1, `c` = 0;
/// neither goes below.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dispersion {
    /// The sampling variance's factor (quasi-binomial, quasi-Poisson).
    pub phi: f64,
    /// The squared coefficient of variation between runs (negative binomial).
    pub c: f64,
    /// The variance of `phi`'s estimate (0: known, or held at 1).
    pub var_phi: f64,
    /// The variance of `c`'s estimate (0: known, or held at 0).
    pub var_c: f64,
    /// Their covariance.
    pub cov: f64,
}

impl Dispersion {
    /// Sampling noise only.
    pub const SAMPLING: Dispersion = Dispersion { phi: 1.0, c: 0.0, var_phi: 0.0, var_c: 0.0, cov: 0.0 };

    /// Fitted to groups of replicates (one function on one side: its count
    /// and its profile's total in each profile), shares or counts. Each
    /// group's sample variance over its sampling variance, y, is expected
    /// to be `phi` + `c` x, x its mean squared over that variance; the two
    /// are fitted by least squares weighted by each group's degrees of
    /// freedom over its expected y squared (y's variance is 2 E[y]² / df),
    /// four rounds, neither below sampling's. The estimates' covariance is
    /// kept for the tests' degrees of freedom.
    pub fn fit(groups: &[Vec<(f64, f64)>], shares: bool) -> Dispersion {
        // (observed over sampling variance, mean² over sampling variance, df)
        let mut pts: Vec<(f64, f64, f64)> = Vec::new();
        for g in groups.iter().filter(|g| g.len() >= 2) {
            let r = g.len() as f64;
            let vals: Vec<f64> = g.iter().map(|&(k, n)| if shares { k / n } else { k }).collect();
            let m = vals.iter().sum::<f64>() / r;
            let s2 = vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (r - 1.0);
            let b = g.iter().map(|&(_, n)| sampling_variance(m, n, shares)).sum::<f64>() / r;
            if b > 0.0 {
                pts.push((s2 / b, m * m / b, r - 1.0));
            }
        }
        let mut d = Dispersion::SAMPLING;
        for _ in 0..4 {
            let (mut sw, mut sx, mut sxx, mut sy, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &(y, x, df) in &pts {
                let w = df / (d.phi + d.c * x).powi(2);
                sw += w;
                sx += w * x;
                sxx += w * x * x;
                sy += w * y;
                sxy += w * x * y;
            }
            if sw <= 0.0 {
                break;
            }
            let det = sw * sxx - sx * sx;
            let mut next = if det > 1e-9 * sw * sxx {
                let (phi, c) = ((sy * sxx - sx * sxy) / det, (sw * sxy - sx * sy) / det);
                Dispersion { phi, c, var_phi: 2.0 * sxx / det, var_c: 2.0 * sw / det, cov: -2.0 * sx / det }
            } else {
                Dispersion { phi: sy / sw, c: 0.0, var_phi: 2.0 / sw, var_c: 0.0, cov: 0.0 }
            };
            if next.c < 0.0 {
                next = Dispersion { phi: sy / sw, c: 0.0, var_phi: 2.0 / sw, var_c: 0.0, cov: 0.0 };
            }
            if next.phi < 1.0 {
                let c = if sxx > 0.0 { ((sxy - sx) / sxx).max(0.0) } else { 0.0 };
                // Held at sampling's, but no better known than the fit
                // knows it: a c of 0 leaves phi's uncertainty in the tests.
                next = if c > 0.0 {
                    Dispersion { phi: 1.0, c, var_phi: 0.0, var_c: 2.0 / sxx, cov: 0.0 }
                } else {
                    Dispersion { phi: 1.0, c: 0.0, var_phi: 2.0 / sw, var_c: 0.0, cov: 0.0 }
                };
            }
            d = next;
        }
        d
    }

    /// One profile's variance of the statistic at `m` (a share or a count)
    /// with `n` sampled in all.
    fn variance(&self, m: f64, n: f64, shares: bool) -> f64 {
        self.phi * sampling_variance(m, n, shares) + self.c * m * m
    }
}

/// Sampling alone: a share's binomial variance, a count's Poisson one.
fn sampling_variance(m: f64, n: f64, shares: bool) -> f64 {
    if shares {
        if n > 0.0 {
            m * (1.0 - m) / n
        } else {
            0.0
        }
    } else {
        m
    }
}

/// Compares one function over replicated profiles, each given as (its
/// count, its profile's sampled total): the change of the side's mean share
/// (`shares`, in points) or mean count (in points of the base's mean
/// total), its 95% interval and the p-value of Student's t with the
/// variance `d` gives (the pooled mean under no change) and Satterthwaite's
/// degrees of freedom for it. `significant` is left to the family's
/// correction.
pub fn replicated(base: &[(f64, f64)], new: &[(f64, f64)], shares: bool, d: &Dispersion) -> Test {
    let stat = |&(k, n): &(f64, f64)| {
        if shares {
            if n > 0.0 {
                k / n
            } else {
                0.0
            }
        } else {
            k
        }
    };
    let mean = |s: &[(f64, f64)]| s.iter().map(stat).sum::<f64>() / s.len().max(1) as f64;
    let var_of_mean = |s: &[(f64, f64)], m: f64| {
        s.iter().map(|&(_, n)| d.variance(m, n, shares)).sum::<f64>() / (s.len().max(1) as f64).powi(2)
    };
    let (mb, mn) = (mean(base), mean(new));
    let scale = if shares { 100.0 } else { 100.0 / (base.iter().map(|x| x.1).sum::<f64>() / base.len().max(1) as f64) };
    if base.is_empty() || new.is_empty() || !scale.is_finite() {
        return Test { delta: 0.0, low: f64::NEG_INFINITY, high: f64::INFINITY, p: 1.0, significant: false };
    }
    let all: Vec<(f64, f64)> = base.iter().chain(new).copied().collect();
    let pooled = if shares {
        all.iter().map(|x| x.0).sum::<f64>() / all.iter().map(|x| x.1).sum::<f64>().max(1.0)
    } else {
        mean(&all)
    };
    let v0 = var_of_mean(base, pooled) + var_of_mean(new, pooled);
    // Satterthwaite: V = phi B + c M with B and M known, so V's variance
    // is that of the fit's estimates, and its degrees of freedom 2 V² / Var(V).
    let part = |s: &[(f64, f64)]| -> (f64, f64) {
        let r2 = (s.len() as f64).powi(2);
        (
            s.iter().map(|&(_, n)| sampling_variance(pooled, n, shares)).sum::<f64>() / r2,
            pooled * pooled * s.len() as f64 / r2,
        )
    };
    let ((b1, m1), (b2, m2)) = (part(base), part(new));
    let (bb, mm) = (b1 + b2, m1 + m2);
    let var_v = bb * bb * d.var_phi + mm * mm * d.var_c + 2.0 * bb * mm * d.cov;
    let df = if var_v > 0.0 { 2.0 * v0 * v0 / var_v } else { f64::INFINITY };
    let s0 = v0.sqrt();
    let p = if s0 > 0.0 {
        two_sided_t((mn - mb) / s0, df)
    } else if mn == mb {
        1.0
    } else {
        0.0
    };
    let se = (var_of_mean(base, mb) + var_of_mean(new, mn)).sqrt();
    let delta = (mn - mb) * scale;
    let q = t_quantile_975(df);
    Test { delta, low: delta - q * se * scale, high: delta + q * se * scale, p, significant: false }
}

/// Student's t's two tails beyond |t| with `df` degrees of freedom (the
/// normal's when `df` is infinite or above 1e6).
fn two_sided_t(t: f64, df: f64) -> f64 {
    if !df.is_finite() || df > 1e6 {
        return two_sided_normal(t);
    }
    let df = df.max(1.0);
    incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
}

/// The t quantile at 97.5% (bisection on [`two_sided_t`]).
fn t_quantile_975(df: f64) -> f64 {
    if !df.is_finite() || df > 1e6 {
        return 1.959964;
    }
    let (mut lo, mut hi) = (1.9, 20.0);
    if df < 1.0 {
        hi = 100.0;
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if two_sided_t(mid, df) > 0.05 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularised incomplete beta function I_x(a, b) (Lentz's continued
/// fraction, on the side where it converges fast).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - incomplete_beta(b, a, 1.0 - x);
    }
    let tiny = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..300 {
        let m = m as f64;
        for num in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + num * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            f *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-12 {
            break;
        }
    }
    front * f / a
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
    fn student_t_tails_match_tables() {
        // Both by numerical integration of the density: 0.1019395 and 0.0062057.
        assert!((two_sided_t(2.0, 5.0) - 0.1019395).abs() < 1e-6, "{}", two_sided_t(2.0, 5.0));
        assert!((two_sided_t(3.0, 24.0) - 0.0062057).abs() < 1e-6, "{}", two_sided_t(3.0, 24.0));
        assert!((t_quantile_975(10.0) - 2.228139).abs() < 1e-5);
        assert!((two_sided_t(1.959964, f64::INFINITY) - 0.05).abs() < 1e-6);
    }

    #[test]
    fn weights_move_power_and_a_zero_weight_is_never_found() {
        // 0.02 alone fails at 0.05/4 unweighted; weighted 2.5 of a mean 1, it passes.
        assert_eq!(benjamini_hochberg_weighted(&[0.02, 0.3, 0.5, 0.9], &[1.0; 4]), [false; 4]);
        assert_eq!(
            benjamini_hochberg_weighted(&[0.02, 0.3, 0.5, 0.9], &[2.5, 0.5, 0.5, 0.5]),
            [true, false, false, false]
        );
        assert_eq!(benjamini_hochberg_weighted(&[0.0, 0.3], &[0.0, 1.0]), [false, false]);
    }

    #[test]
    fn dispersion_is_found_in_runs_that_vary_and_not_in_sampling() {
        // Shares that vary exactly as binomial draws of 2,000: no more than sampling.
        let exact: Vec<Vec<(f64, f64)>> = vec![vec![(500.0, 2000.0), (510.0, 2000.0), (490.0, 2000.0)]; 20];
        let d = Dispersion::fit(&exact, true);
        assert!(d.phi < 1.2 && d.c < 1e-4, "{d:?}");
        // Shares 0.20, 0.25, 0.30 of 2,000: a spread of 5 points, five times sampling's.
        let wide: Vec<Vec<(f64, f64)>> = vec![vec![(400.0, 2000.0), (500.0, 2000.0), (600.0, 2000.0)]; 20];
        let d = Dispersion::fit(&wide, true);
        let sd = d.variance(0.25, 2000.0, true).sqrt();
        assert!((sd - 0.05).abs() < 0.005, "{d:?} sd {sd}");
        // Too few replicates: sampling alone.
        assert_eq!(Dispersion::fit(&[vec![(5.0, 10.0)]], true), Dispersion::SAMPLING);
    }

    #[test]
    fn replicated_changes_are_tested_against_the_runs_spread() {
        let b = [(500.0, 2000.0), (520.0, 2000.0), (480.0, 2000.0)];
        let n = [(650.0, 2150.0), (640.0, 2150.0), (660.0, 2150.0)];
        let t = replicated(&b, &n, true, &Dispersion::SAMPLING);
        assert!(t.p < 1e-6 && t.low > 0.0 && (t.delta - 5.2326).abs() < 1e-3, "{t:?}");
        // The same change among runs that vary by ten points is noise.
        let t = replicated(&b, &n, true, &Dispersion { c: 0.16, ..Dispersion::SAMPLING });
        assert!(t.p > 0.05 && t.low < 0.0, "{t:?}");
        let t = replicated(
            &[(100.0, 1000.0), (110.0, 1000.0)],
            &[(160.0, 1100.0), (150.0, 1100.0)],
            false,
            &Dispersion::SAMPLING,
        );
        assert!((t.delta - 5.0).abs() < 1e-9 && t.p < 1e-3, "{t:?}");
    }

    #[test]
    fn benjamini_hochberg_steps_up() {
        assert_eq!(benjamini_hochberg(&[0.01, 0.04, 0.03, 0.5]), [true, false, false, false]);
        assert_eq!(benjamini_hochberg(&[0.01, 0.02, 0.03, 0.04]), [true, true, true, true]);
        assert_eq!(benjamini_hochberg(&[]), Vec::<bool>::new());
    }
}
