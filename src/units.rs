//! Units and number formatting exactly as pprof's `internal/measurement`
//! prints them: unit sniffing and auto-scaling, `%.2f` labels with ".00"
//! trimmed, and percentages with `%5.2f`/`%5.2g`.

struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

struct UnitType {
    default: (&'static str, f64),
    units: &'static [Unit],
}

const UNIT_TYPES: &[UnitType] = &[
    UnitType {
        default: ("B", 1.0),
        units: &[
            Unit { name: "B", aliases: &["b", "byte"], factor: 1.0 },
            Unit { name: "kB", aliases: &["kb", "kbyte", "kilobyte"], factor: 1024.0 },
            Unit { name: "MB", aliases: &["mb", "mbyte", "megabyte"], factor: 1048576.0 },
            Unit { name: "GB", aliases: &["gb", "gbyte", "gigabyte"], factor: 1073741824.0 },
            Unit { name: "TB", aliases: &["tb", "tbyte", "terabyte"], factor: 1099511627776.0 },
            Unit { name: "PB", aliases: &["pb", "pbyte", "petabyte"], factor: 1125899906842624.0 },
        ],
    },
    UnitType {
        default: ("s", 1e9),
        units: &[
            Unit { name: "ns", aliases: &["ns", "nanosecond"], factor: 1.0 },
            Unit { name: "us", aliases: &["μs", "us", "microsecond"], factor: 1e3 },
            Unit { name: "ms", aliases: &["ms", "millisecond"], factor: 1e6 },
            Unit { name: "s", aliases: &["s", "sec", "second"], factor: 1e9 },
            Unit { name: "hrs", aliases: &["hour", "hr"], factor: 3600e9 },
        ],
    },
    UnitType {
        default: ("GCU", 1.0),
        units: &[
            Unit { name: "n*GCU", aliases: &["nanogcu"], factor: 1e-9 },
            Unit { name: "u*GCU", aliases: &["microgcu"], factor: 1e-6 },
            Unit { name: "m*GCU", aliases: &["milligcu"], factor: 1e-3 },
            Unit { name: "GCU", aliases: &["gcu"], factor: 1.0 },
            Unit { name: "k*GCU", aliases: &["kilogcu"], factor: 1e3 },
            Unit { name: "M*GCU", aliases: &["megagcu"], factor: 1e6 },
            Unit { name: "G*GCU", aliases: &["gigagcu"], factor: 1e9 },
            Unit { name: "T*GCU", aliases: &["teragcu"], factor: 1e12 },
            Unit { name: "P*GCU", aliases: &["petagcu"], factor: 1e15 },
        ],
    },
];

impl UnitType {
    fn sniff(&self, unit: &str) -> Option<&Unit> {
        if unit.is_ascii() {
            // The common case, without an allocation per value formatted.
            let u = match unit.len() > 2 && unit.ends_with(['s', 'S']) {
                true => &unit[..unit.len() - 1],
                false => unit,
            };
            return self.units.iter().find(|x| x.aliases.iter().any(|a| a.eq_ignore_ascii_case(u)));
        }
        let mut u = unit.to_lowercase();
        if u.len() > 2 {
            if let Some(t) = u.strip_suffix('s') {
                u = t.to_string();
            }
        }
        self.units.iter().find(|x| x.aliases.contains(&u.as_str()))
    }

    fn convert(&self, value: i64, from: &str, to: &str) -> Option<(f64, String)> {
        let f = self.sniff(from)?;
        let v = value as f64 * f.factor;
        if to == "minimum" || to == "auto" {
            let mut best = 0.0;
            let mut name = "";
            for u in self.units {
                if u.factor >= best && v / u.factor >= 1.0 {
                    best = u.factor;
                    name = u.name;
                }
            }
            if best != 0.0 {
                return Some((v / best, name.to_string()));
            }
            return Some((v / self.default.1, self.default.0.to_string()));
        }
        match self.sniff(to) {
            Some(t) => Some((v / t.factor, t.name.to_string())),
            None => Some((v / self.default.1, self.default.0.to_string())),
        }
    }
}

/// True when `a` and `b` name units of the same kind (or are equal).
pub fn compatible_units(a: &str, b: &str) -> bool {
    a == b || UNIT_TYPES.iter().any(|t| t.sniff(a).is_some() && t.sniff(b).is_some())
}

/// True when `unit` is one pprof knows how to scale (bytes, time, …).
pub fn is_known_unit(unit: &str) -> bool {
    UNIT_TYPES.iter().any(|t| t.sniff(unit).is_some())
}

/// Converts `value` in `from` units to `to` units ("minimum"/"auto" pick the
/// largest unit keeping the value ≥ 1). Returns the value and the unit name
/// ("" for plain counts).
pub fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value.wrapping_neg() > 0 {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for t in UNIT_TYPES {
        if let Some(r) = t.convert(value, from, to) {
            return r;
        }
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// `value` scaled to `to` units and printed with two decimals, ".00" trimmed.
pub fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, u) = scale(value, from, to);
    let mut s = String::with_capacity(12);
    match hundredths(v.abs()) {
        Some(n) => {
            if v < 0.0 {
                s.push('-');
            }
            push_hundredths(&mut s, n);
            s.pop(); // the '%'
        }
        None => s = format!("{v:.2}"),
    }
    if s.ends_with(".00") {
        s.truncate(s.len() - 3);
    }
    if s == "0" || s == "-0" {
        return "0".to_string();
    }
    s.push_str(&u);
    s
}

/// `value` auto-scaled, as pprof's `measurement.Label`.
pub fn label(value: i64, unit: &str) -> String {
    scaled_label(value, unit, "auto")
}

/// `ratio` (at least 1) rounded to two decimals, times 100, by integer
/// arithmetic, when that rounding is unambiguous (it is far from a tie,
/// where the product by 100 could round either way): tables format tens of
/// thousands of these, and float formatting with a precision is the slow
/// part. `None` otherwise.
fn hundredths(ratio: f64) -> Option<u64> {
    let scaled = ratio * 100.0;
    if !(0.0..1e9).contains(&scaled) || (scaled - scaled.floor() - 0.5).abs() < 1e-6 {
        return None;
    }
    Some(scaled.round() as u64)
}

/// Appends `n` hundredths as "I.FF%", digit by digit (formatting machinery
/// costs more than the rest of a table sort).
fn push_hundredths(out: &mut String, n: u64) {
    let mut buf = [0u8; 24];
    let mut i = buf.len() - 4;
    buf[i..].copy_from_slice(&[b'.', b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8, b'%']);
    let mut int = n / 100;
    loop {
        i -= 1;
        buf[i] = b'0' + (int % 10) as u8;
        int /= 10;
        if int == 0 {
            break;
        }
    }
    // Only ASCII digits, '.' and '%' were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// `value` as a percentage of `total`, six characters wide as pprof prints it.
pub fn percentage(value: i64, total: i64) -> String {
    let mut s = String::with_capacity(8);
    push_percentage(&mut s, value, total);
    format!("{s:>6}")
}

/// Appends [`percentage`] without its leading spaces to `out` (with no
/// allocation in the common case).
pub fn push_percentage(out: &mut String, value: i64, total: i64) {
    use std::fmt::Write;
    let ratio = if total != 0 { (value as f64 / total as f64).abs() * 100.0 } else { 0.0 };
    if (99.95..=100.05).contains(&ratio) {
        out.push_str("100%");
    } else if ratio >= 1.0 {
        match hundredths(ratio) {
            Some(n) => push_hundredths(out, n),
            None => {
                let _ = write!(out, "{ratio:.2}%");
            }
        }
    } else {
        out.push_str(&go_g2(ratio));
        out.push('%');
    }
}

/// Go's `%.2g`: two significant digits, shortest of fixed or exponent form,
/// trailing zeros removed.
pub fn go_g2(v: f64) -> String {
    small_g2(v).unwrap_or_else(|| go_g2_exact(v))
}

/// [`go_g2`] of a `v` in [0.0001, 1) (percentages of table rows) by integer
/// arithmetic, when rounding it to two digits is unambiguous; `None` otherwise.
fn small_g2(v: f64) -> Option<String> {
    if !(0.0001..1.0).contains(&v) {
        return None;
    }
    // v = 0.(zeros)DD…: `zeros` zeros after the point before the digits.
    let zeros = [0.1, 0.01, 0.001, 0.0001].iter().position(|&p| v >= p)?;
    let scaled = v * [100.0, 1e3, 1e4, 1e5][zeros];
    if (scaled - scaled.floor() - 0.5).abs() < 1e-6 {
        return None;
    }
    let n = scaled.round() as u32;
    if !(10..100).contains(&n) {
        return None;
    }
    let mut s = String::with_capacity(8);
    s.push_str("0.");
    for _ in 0..zeros {
        s.push('0');
    }
    s.push((b'0' + (n / 10) as u8) as char);
    if !n.is_multiple_of(10) {
        s.push((b'0' + (n % 10) as u8) as char);
    }
    Some(s)
}

/// [`go_g2`] through Rust's exact float formatting.
fn go_g2_exact(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let e_form = format!("{v:.1e}"); // like "1.2e-5", correctly rounded
    let (mant, exp) = e_form.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    if !(-4..2).contains(&exp) {
        let mant = mant.strip_suffix(".0").unwrap_or(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (1 - exp).max(0) as usize;
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    // Rebuild from the rounded digits to avoid double rounding.
    let neg = digits.starts_with('-');
    let digits = digits.trim_start_matches('-');
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if exp >= 0 {
        let int_len = (exp + 1) as usize;
        let (a, b) = if digits.len() > int_len { digits.split_at(int_len) } else { (digits, "") };
        s.push_str(a);
        for _ in digits.len()..int_len {
            s.push('0');
        }
        let b = b.trim_end_matches('0');
        if !b.is_empty() {
            s.push('.');
            s.push_str(b);
        }
    } else {
        s.push_str("0.");
        for _ in 0..(-exp - 1) {
            s.push('0');
        }
        s.push_str(digits.trim_end_matches('0'));
    }
    let _ = decimals;
    s
}

/// Formats nanoseconds since the epoch as pprof does ("Jan 2, 2006 at 3:04pm (MST)"), in UTC.
pub fn format_time(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (h, min) = (sod / 3600, (sod % 3600) / 60);
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let ampm = if h < 12 { "am" } else { "pm" };
    format!("{} {}, {} at {}:{:02}{} (UTC)", MONTHS[(m - 1) as usize], d, y, h12, min, ampm)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    /// A xorshift sequence from `seed`: test values.
    fn xorshift(mut x: u64) -> impl Iterator<Item = u64> {
        std::iter::repeat_with(move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
    }

    #[test]
    fn percentages_are_the_float_formatting() {
        // pprof's percentage written with Rust's float formatting.
        let reference = |value: i64, total: i64| {
            let ratio = if total != 0 { (value as f64 / total as f64).abs() * 100.0 } else { 0.0 };
            if (99.95..=100.05).contains(&ratio) {
                "  100%".to_string()
            } else if ratio >= 1.0 {
                format!("{ratio:5.2}%")
            } else {
                format!("{:>5}%", super::go_g2(ratio))
            }
        };
        for (i, x) in (0..300_000u64).zip(xorshift(0x9e37_79b9_7f4a_7c15u64)) {
            let total = ((x >> 20) % (1 << (i % 40 + 1))) as i64 - (i % 7 == 0) as i64;
            let value = (x >> 3) as i64 % (total.abs() * 5 + 1) - (i % 5 == 0) as i64 * total;
            let mut pushed = String::new();
            super::push_percentage(&mut pushed, value, total);
            let want = reference(value, total);
            assert_eq!(super::percentage(value, total), want, "{value} / {total}");
            assert_eq!(pushed, want.trim_start(), "{value} / {total}");
        }
    }

    #[test]
    fn fast_g2_and_labels_are_the_exact_formatting() {
        for (i, x) in (0..1_000_000u64).zip(xorshift(0x2545_f491_4f6c_dd1du64)) {
            // Percentages below 1, and round ones and their neighbours.
            let v = match i % 4 {
                0 => (x >> 11) as f64 / (1u64 << 53) as f64,
                1 => ((x >> 11) as f64 / (1u64 << 53) as f64) * 10f64.powi(-((i % 6) as i32)),
                2 => (1 + x % 999) as f64 / 10f64.powi((1 + i % 5) as i32),
                _ => f64::from_bits(((1 + x % 999) as f64 / 10f64.powi((1 + i % 5) as i32)).to_bits() + (x >> 62) - 1),
            };
            if let Some(fast) = super::small_g2(v) {
                assert_eq!(fast, super::go_g2_exact(v), "{v:e}");
            }
            // A value and a unit scaled as pprof does, against `{:.2}`.
            let value = (x >> 16) as i64 % 10_000_000_000 - (i % 3 == 0) as i64 * 5_000_000_000;
            for (from, to) in [("nanoseconds", "ms"), ("bytes", "MB"), ("count", "count"), ("Bytes", "auto")] {
                let (v, u) = super::scale(value, from, to);
                let s = format!("{v:.2}");
                let s = s.strip_suffix(".00").unwrap_or(&s);
                let want = if s == "0" || s == "-0" { "0".to_string() } else { format!("{s}{u}") };
                assert_eq!(super::scaled_label(value, from, to), want, "{value} {from} → {to}");
            }
        }
    }

    #[test]
    fn units_are_sniffed_in_any_case() {
        assert_eq!(scaled_label(1536, "BYTES", "kB"), "1.50kB");
        assert_eq!(scaled_label(2_000_000, "Nanoseconds", "ms"), "2ms");
        assert_eq!(scaled_label(3, "SECONDS", "ms"), "3000ms");
        // pprof drops a final "s" from units longer than two bytes: "μs" is
        // three, so it is not sniffed as microseconds (nor here).
        assert_eq!(scaled_label(3_000, "μs", "ms"), "3000ms");
    }

    #[test]
    fn two_decimals_is_the_float_formatting() {
        for (i, x) in (0..2_000_000u64).zip(xorshift(0x2545_f491_4f6c_dd1du64)) {
            let total = (x >> 40) as i64 + 1;
            let value = ((x >> 8) % (total as u64 + 1)) as i64;
            let ratio = (value as f64 / total as f64) * 100.0;
            let ratio = if i % 3 == 0 { 1.0 + (i % 10_000) as f64 / 1000.0 } else { ratio };
            if ratio >= 1.0 {
                if let Some(n) = super::hundredths(ratio) {
                    let mut s = String::new();
                    super::push_hundredths(&mut s, n);
                    assert_eq!(s, format!("{ratio:.2}%"), "{ratio}");
                }
            }
        }
    }

    use super::*;

    #[test]
    fn percentages_match_pprof() {
        assert_eq!(percentage(5, 1000), "  0.5%");
        assert_eq!(percentage(32, 100000), "0.032%");
        assert_eq!(percentage(598, 1000000), " 0.06%");
        assert_eq!(percentage(1000, 1000), "  100%");
        assert_eq!(percentage(5604, 10000), "56.04%");
        assert_eq!(percentage(72, 10_000_000), "0.00072%");
        assert_eq!(percentage(1, 100_000_000), "1e-06%");
        assert_eq!(percentage(0, 10), "    0%");
        assert_eq!(percentage(4846, 1000), "484.60%");
    }

    #[test]
    fn labels_match_pprof() {
        assert_eq!(scaled_label(5_960_000_000, "nanoseconds", "s"), "5.96s");
        assert_eq!(scaled_label(1152 * 1024, "bytes", "kB"), "1152kB");
        assert_eq!(scaled_label(0, "bytes", "kB"), "0");
        assert_eq!(scaled_label(120, "count", "count"), "120");
        assert_eq!(label(6_330_000_000, "nanoseconds"), "6.33s");
        assert_eq!(scaled_label(-977888, "bytes", "byte"), "-977888B");
    }

    #[test]
    fn time_like_pprof() {
        // 2026-11-27 07:32:10 UTC
        assert_eq!(format_time(1_795_764_730_000_000_000), "Nov 27, 2026 at 7:32am (UTC)");
        assert_eq!(format_time(0), "Jan 1, 1970 at 12:00am (UTC)");
    }
}
