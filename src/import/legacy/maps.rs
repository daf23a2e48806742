//! The memory map legacy profiles end with (`MAPPED_LIBRARIES:` or
//! `--- Memory map: ---`, then `/proc/self/maps` lines or pprof's brief
//! form), turned into mappings as pprof does: executable entries only,
//! adjacent pieces merged, the main binary first, and each address given
//! the mapping that holds it (or one covering everything, as pprof makes).

use regex::Regex;
use std::sync::OnceLock;

/// One mapping read from the map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapEntry {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub limit: u64,
    /// File offset of `start`.
    pub offset: u64,
    /// The object file.
    pub file: String,
    /// Its build id.
    pub build_id: String,
}

/// True for a line that starts the memory map section.
pub fn is_sentinel(line: &str) -> bool {
    line.contains("--- Memory map: ---") || line.contains("MAPPED_LIBRARIES:")
}

fn regexes() -> &'static (Regex, Regex) {
    static RX: OnceLock<(Regex, Regex)> = OnceLock::new();
    RX.get_or_init(|| {
        let hex = r"(?:0x)?([[:xdigit:]]+)";
        let range = format!(r"\s*{hex}[\s-]?\s*{hex}:?");
        let perm = r"(?:\s+([-rwxp]+))?";
        let space_hex = r"(?:\s+([[:xdigit:]]+))?";
        let space_string = r"(?:\s+(\S+))?";
        let proc = format!(r"^{range}{perm}{space_hex}\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+{space_string}");
        let brief = format!(r"^{range}{perm}{space_string}(?:\s+\(@([[:xdigit:]]+)\))?{space_hex}");
        (Regex::new(&proc).expect("a valid map regex"), Regex::new(&brief).expect("a valid map regex"))
    })
}

/// pprof's `parseMappingEntry`: `None` for a line that is not a mapping
/// or not executable.
fn entry(line: &str) -> Option<MapEntry> {
    let (proc, brief) = regexes();
    let g = |c: &regex::Captures, i: usize| c.get(i).map_or("", |m| m.as_str()).to_string();
    let (start, end, perm, offset, file, build_id) = if let Some(c) = proc.captures(line) {
        (g(&c, 1), g(&c, 2), g(&c, 3), g(&c, 4), g(&c, 5), String::new())
    } else if let Some(c) = brief.captures(line) {
        (g(&c, 1), g(&c, 2), g(&c, 3), g(&c, 5), g(&c, 4), g(&c, 6))
    } else {
        return None;
    };
    if !perm.is_empty() && !perm.contains('x') {
        return None;
    }
    let hex = |s: &str| u64::from_str_radix(s, 16).ok();
    Some(MapEntry {
        start: hex(&start)?,
        limit: hex(&end)?,
        offset: if offset.is_empty() { 0 } else { hex(&offset)? },
        file,
        build_id,
    })
}

/// The mappings of a memory map section (the lines after the sentinel),
/// merged and ordered as pprof's `massageMappings` does.
pub fn parse<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<MapEntry> {
    let all: Vec<MapEntry> = lines.filter_map(entry).collect();
    // Adjacent pieces of one file become one mapping.
    let mut out: Vec<MapEntry> = Vec::new();
    for m in all {
        if let Some(last) = out.last_mut() {
            let same = |a: &str, b: &str| a.is_empty() || b.is_empty() || a == b;
            let offsets = last.offset == 0
                || m.offset == 0
                || last.offset.wrapping_add(last.limit.wrapping_sub(last.start)) == m.offset;
            if same(&last.file, &m.file) && same(&last.build_id, &m.build_id) && last.limit == m.start && offsets {
                last.limit = m.limit;
                if !m.file.is_empty() {
                    last.file = m.file;
                }
                if !m.build_id.is_empty() {
                    last.build_id = m.build_id;
                }
                continue;
            }
        }
        out.push(m);
    }
    // The main binary first: the first file that is not a library or [special].
    static LIB: OnceLock<Regex> = OnceLock::new();
    let lib = LIB.get_or_init(|| Regex::new(r"([.]so$|[.]so[._][0-9]+)").expect("a valid regex"));
    if let Some(i) = out.iter().position(|m| {
        let f = m.file.replace("(deleted)", "");
        let f = f.trim();
        !f.is_empty() && !lib.is_match(f) && !f.starts_with('[')
    }) {
        out.swap(0, i);
    }
    out
}

/// pprof's `remapMappingIDs`: each address's mapping (an index into the
/// returned list, which may gain pprof's mapping covering everything), with
/// its adjustments of the main binary's start.
pub fn assign(mut maps: Vec<MapEntry>, addresses: &[u64]) -> (Vec<MapEntry>, Vec<Option<usize>>) {
    if maps.len() > 1 && maps[0].file.starts_with("/anon_hugepage") && maps[0].limit == maps[1].start {
        maps.remove(0);
    }
    if let Some(m) = maps.first_mut() {
        if m.start.wrapping_sub(m.offset) == 0x400000 {
            m.start = 0x400000;
            m.offset = 0;
        }
    }
    let mut fake = None;
    let mut out = Vec::with_capacity(addresses.len());
    for &a in addresses {
        if a == 0 {
            out.push(None);
            continue;
        }
        if let Some(i) = maps.iter().position(|m| m.start <= a && a < m.limit) {
            out.push(Some(i));
            continue;
        }
        if let Some(i) = maps.iter().position(|m| m.offset != 0 && m.start.wrapping_sub(m.offset) <= a && a < m.start) {
            maps[i].start = maps[i].start.wrapping_sub(maps[i].offset);
            maps[i].offset = 0;
            out.push(Some(i));
            continue;
        }
        let i = *fake.get_or_insert_with(|| {
            maps.push(MapEntry { limit: u64::MAX, ..Default::default() });
            maps.len() - 1
        });
        out.push(Some(i));
    }
    (maps, out)
}

#[cfg(test)]
mod tests {
    use super::{assign, parse};

    #[test]
    fn executable_entries_merged_main_binary_first() {
        let text = "7f00-7f10 r-xp 00000000 08:01 1 /lib/libc.so.6\n\
                    5500-5510 r--p 00000000 00:00 2 /tmp/prog\n\
                    5510-5520 r-xp 00001000 00:00 2 /tmp/prog\n\
                    0x6000-0x7000 /opt/brief (@1000) abc123\n";
        let m = parse(text.lines());
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!((m[0].file.as_str(), m[0].start, m[0].offset), ("/tmp/prog", 0x5510, 0x1000));
        assert_eq!((m[2].file.as_str(), m[2].build_id.as_str(), m[2].offset), ("/opt/brief", "abc123", 0x1000));
        let (maps, at) = assign(m, &[0x5512, 0x7f05, 0x9999, 0]);
        assert_eq!(at, [Some(0), Some(1), Some(3), None]);
        assert_eq!(maps[3].limit, u64::MAX, "pprof's mapping for what no entry holds");
    }
}
