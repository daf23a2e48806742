//! Strings that are not valid UTF-8. Producers write them (Latin-1 paths,
//! names cut in the middle of a character) and pprof reads them as bytes.
//! The core keeps text as Rust strings: the CLI maps each invalid byte to a
//! private code point (U+10FF00 + byte) and writes the byte back on output,
//! so its text stays identical to pprof's; the page shows U+FFFD instead.

/// First of the 256 code points standing for invalid bytes.
const ESCAPE: u32 = 0x10FF00;

/// `bytes` as text: unchanged when valid UTF-8; else each invalid byte
/// escaped (`raw`, for byte-exact output) or replaced by U+FFFD.
pub fn from_bytes(bytes: Vec<u8>, raw: bool) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) if !raw => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len() + 8);
            let mut rest = &bytes[..];
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        return out;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        // The prefix is valid: checked by from_utf8 just now.
                        out.push_str(std::str::from_utf8(good).unwrap_or_default());
                        let n = e.error_len().unwrap_or(bad.len());
                        for &b in &bad[..n] {
                            out.push(char::from_u32(ESCAPE + b as u32).unwrap_or('\u{FFFD}'));
                        }
                        rest = &bad[n..];
                    }
                }
            }
        }
    }
}

/// `text` as bytes, escaped invalid bytes written back as they were.
pub fn to_bytes(text: &str) -> std::borrow::Cow<'_, [u8]> {
    let escaped = |c: char| (ESCAPE..=ESCAPE + 0xFF).contains(&(c as u32));
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if escaped(c) {
            out.push((c as u32 - ESCAPE) as u8);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{from_bytes, to_bytes};

    #[test]
    fn invalid_bytes_survive_the_round_trip() {
        for bytes in [&b"caf\xe9"[..], b"trunc\xe2\x82", b"ok \xc3\xa9 \xff\xfe end", b"plain"] {
            let s = from_bytes(bytes.to_vec(), true);
            assert_eq!(&*to_bytes(&s), bytes, "{s:?}");
        }
        assert_eq!(from_bytes(b"caf\xe9".to_vec(), false), "caf\u{FFFD}");
        // One character per invalid byte, as Go counts runes.
        assert_eq!(from_bytes(b"a\xe2\x82b".to_vec(), true).chars().count(), 4);
    }
}
