//! Bad input is a first-class case: every hostile file gets a typed error
//! whose message says what is wrong; nothing panics, hangs or allocates
//! without bound.

use pprof_lens::proto::{Function, Line, Location, ProfileMessage, Sample, ValueType};
use pprof_lens::synth::{gzip, Builder};
use pprof_lens::{report, DecodeOptions, ErrorKind, ModelOptions, Prepared, Query};
use prost::Message;
use std::path::Path;

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap()
}

/// Decode → model → aggregate → report, as a user's load would.
fn full(data: &[u8]) -> pprof_lens::Result<String> {
    full_with(data, &DecodeOptions::default(), &ModelOptions::default())
}

fn full_with(data: &[u8], d: &DecodeOptions, m: &ModelOptions) -> pprof_lens::Result<String> {
    let p = pprof_lens::load(data, d, m)?;
    let pr = Prepared::new(vec![p], vec![], Query::default())?;
    Ok(report::top_text(&pr) + &report::traces_text(&pr))
}

fn inflate(gz: &[u8]) -> Vec<u8> {
    // Our own decoder is under test elsewhere; use miniz directly past the 10-byte header.
    miniz_oxide::inflate::decompress_to_vec(&gz[10..gz.len() - 8]).unwrap()
}

#[test]
fn empty_file_says_empty() {
    let e = full(b"").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Empty);
    assert!(e.message.contains("empty"), "{}", e.message);
}

#[test]
fn every_truncation_of_a_gzipped_profile_is_an_error() {
    let gz = corpus("go-leaky/mutex.pb.gz");
    assert!(full(&gz).is_ok());
    for n in 0..gz.len() {
        let e = full(&gz[..n]).expect_err(&format!("prefix {n} accepted"));
        assert!(
            matches!(
                e.kind,
                ErrorKind::Empty
                    | ErrorKind::TruncatedGzip
                    | ErrorKind::CorruptGzip
                    | ErrorKind::NotAProfile
                    | ErrorKind::Protobuf
            ),
            "prefix {n}: {:?} {}",
            e.kind,
            e.message
        );
        assert!(!e.message.is_empty());
    }
    let e = full(&gz[..gz.len() / 2]).unwrap_err();
    assert!(e.message.starts_with("truncated gzip stream"), "{}", e.message);
}

#[test]
fn every_truncation_of_a_raw_profile_is_handled() {
    for name in ["go-leaky/mutex.pb.gz", "go-leaky/goroutine.end.pb.gz", "node/node.cpu.pb.gz"] {
        let raw = inflate(&corpus(name));
        assert!(full(&raw).is_ok());
        let mut errors = 0;
        for n in 0..raw.len() {
            // A cut at a field boundary can still be a (smaller) valid profile, as
            // for pprof; anything else must be a typed error. Never a panic.
            if let Err(e) = full(&raw[..n]) {
                errors += 1;
                assert!(!e.message.is_empty());
            }
        }
        assert!(errors > raw.len() / 2, "{name}: only {errors} of {} prefixes rejected", raw.len());
    }
}

#[test]
fn flipped_bytes_never_panic() {
    for name in ["go-leaky/mutex.pb.gz", "go-leaky/threadcreate.pb.gz", "node/node.heap.pb.gz"] {
        let gz = corpus(name);
        let raw = inflate(&gz);
        for data in [&gz, &raw] {
            for i in 0..data.len() {
                for mask in [0x01u8, 0x80, 0xff] {
                    let mut d = data.clone();
                    d[i] ^= mask;
                    if let Err(e) = full(&d) {
                        assert!(!e.message.is_empty());
                    }
                }
            }
        }
        // In the gzipped form, a flip in the deflate data or trailer is caught by the CRC.
        let mut d = gz.clone();
        let mid = gz.len() / 2;
        d[mid] ^= 0x01;
        let e = full(&d).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::CorruptGzip | ErrorKind::TruncatedGzip), "{name}: {}", e.message);
    }
}

#[test]
fn non_profiles_are_named() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let e = full(png).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    assert!(e.message.contains("PNG image"), "{}", e.message);

    let e = full(br#"{"nodes": [], "samples": [1, 2, 3]}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    assert!(e.message.contains("JSON"), "{}", e.message);

    // A text goroutine dump is not an error: it is read as a goroutine profile.
    let dump = corpus("go-leaky/goroutine.end.debug1.txt");
    assert!(full(&dump).unwrap().contains("of 121 total"));
    assert!(full(&gzip(&dump, 6)).unwrap().contains("of 121 total"), "gzipped dumps too");

    let e = full(b"goroutine 1 [running]\nnot really\n").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotAProfile);
    assert!(e.message.contains("goroutine"), "{}", e.message);

    let e = full(b"Lorem ipsum dolor sit amet\n").unwrap_err();
    assert!(e.message.contains("a text file, starting with \"Lorem ipsum"), "{}", e.message);

    // Go's ?debug=1 heap text is read (as pprof reads it), names from its # lines.
    let text = full(&corpus("go-leaky/heap.debug1.txt")).unwrap();
    assert!(text.contains("of 224685.61kB total") && text.contains("main.readDetails"), "{text}");
    let e = full(b"heap profile: 1: 2 [3: 4] @ heap/8\n1: x [1: 2] @ 0x1\n").unwrap_err();
    assert!(e.message.contains("\"x\" is not a number"), "{}", e.message);
}

#[test]
fn gzip_bomb_stops_at_the_limit() {
    let zeros = vec![0u8; 64 << 20];
    let bomb = gzip(&zeros, 9);
    assert!(bomb.len() < 200_000, "bomb is {} bytes", bomb.len());
    let opts = DecodeOptions::default().with_max_decompressed(8 << 20);
    let e = pprof_lens::decode(&bomb, &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert!(e.message.contains("decompressed size exceeds 8.4 MB"), "{}", e.message);
    assert!(e.message.contains("--max-decompressed"), "says how to raise it: {}", e.message);
    // Multi-member: each member is small, the sum is not.
    let mut multi = Vec::new();
    for _ in 0..20 {
        multi.extend(gzip(&zeros[..1 << 20], 9));
    }
    let e = pprof_lens::decode(&multi, &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn multi_member_gzip_is_read_whole() {
    let raw = inflate(&corpus("go-leaky/mutex.pb.gz"));
    let (a, b) = raw.split_at(raw.len() / 3);
    let mut two = gzip(a, 6);
    two.extend(gzip(b, 6));
    let p = pprof_lens::decode(&two, &DecodeOptions::default()).unwrap();
    let whole = pprof_lens::decode(&raw, &DecodeOptions::default()).unwrap();
    assert_eq!(p, whole);
}

#[test]
fn a_100000_frame_stack_loads_by_default_and_the_flag_still_limits() {
    let mut b = Builder::new(&[("samples", "count")]);
    let stack: Vec<String> = (0..100_000).map(|i| format!("f{}", i % 1000)).collect();
    b.folded(&stack.join(";"), &[1], &[]);
    b.folded("main;leaf", &[2], &[]);
    let data = b.encode();
    // pprof reads it: so does the default.
    let out = full(&data).unwrap();
    // Recursion counts once per sample: f0..f999 each have cum 1 of total 3.
    assert!(out.contains("  f999\n") || out.contains(" f999\n"), "{out}");
    assert!(out.contains("Showing nodes accounting for 3, 100% of 3 total"), "{out}");
    // The limit is still there for who sets it.
    let e =
        full_with(&data, &DecodeOptions::default(), &ModelOptions::default().with_max_stack_depth(50_000)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert!(e.message.contains("100000 frames") && e.message.contains("--max-stack-depth"), "{}", e.message);
}

#[test]
fn a_string_table_not_starting_with_the_empty_string_is_refused() {
    let mut m = minimal();
    m.string_table[0] = "samples".into();
    expect_invalid(m, "the string table must start with the empty string, but its first entry is \"samples\"");
    let mut m = minimal();
    m.string_table.clear();
    m.sample_type.clear();
    m.function.clear();
    let e = full(&m.encode_to_vec()).unwrap_err();
    assert!(e.message.contains("string table is empty") || e.kind == ErrorKind::Invalid, "{}", e.message);
}

#[test]
fn a_known_field_with_the_wrong_wire_type_is_refused_by_name() {
    // Field 2 (sample) sent as a varint: the profile is not silently empty.
    let mut data = minimal().encode_to_vec();
    data.extend_from_slice(&[2 << 3, 7]);
    let e = full(&data).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protobuf, "{}", e.message);
    assert!(e.message.contains("field sample holds a varint"), "{}", e.message);
    // Inside a sample: a label sent as a varint.
    let mut m = minimal();
    m.sample.clear();
    let mut data = m.encode_to_vec();
    let sample = [0x0a, 0x01, 0x01, 0x12, 0x01, 0x05, 3 << 3, 9];
    data.push(2 << 3 | 2);
    data.push(sample.len() as u8);
    data.extend_from_slice(&sample);
    let e = full(&data).unwrap_err();
    assert!(e.message.contains("field sample.label holds a varint"), "{}", e.message);
    // A header field (string_table, field 6) sent as a varint.
    let mut data = minimal().encode_to_vec();
    data.extend_from_slice(&[6 << 3, 1]);
    let e = full(&data).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protobuf, "{}", e.message);
    assert!(e.message.contains("string_table"), "{}", e.message);
}

fn minimal() -> ProfileMessage {
    ProfileMessage {
        sample_type: vec![ValueType { r#type: 1, unit: 2 }],
        string_table: vec!["".into(), "samples".into(), "count".into(), "main".into()],
        function: vec![Function { id: 1, name: 3, ..Default::default() }],
        location: vec![Location { id: 1, line: vec![Line { function_id: 1, line: 3 }], ..Default::default() }],
        sample: vec![Sample { location_id: vec![1], value: vec![5], label: vec![] }],
        ..Default::default()
    }
}

fn expect_invalid(m: ProfileMessage, needle: &str) {
    let e = full(&m.encode_to_vec()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid, "{}", e.message);
    assert!(e.message.contains(needle), "want {needle:?} in {:?}", e.message);
}

#[test]
fn dangling_ids_and_bad_indices_are_named() {
    assert!(full(&minimal().encode_to_vec()).is_ok());

    let mut m = minimal();
    m.sample[0].location_id = vec![999];
    expect_invalid(m, "sample 0 refers to location id 999, which does not exist");

    let mut m = minimal();
    m.location[0].line[0].function_id = 77;
    expect_invalid(m, "location id 1 has a line with function id 77, which does not exist");

    let mut m = minimal();
    m.function[0].name = 1000;
    expect_invalid(m, "string index 1000 is outside the string table (4 entries) in function id 1");

    let mut m = minimal();
    m.function[0].filename = -3;
    expect_invalid(m, "string index -3");

    let mut m = minimal();
    m.sample[0].value = vec![1, 2];
    expect_invalid(m, "sample 0 has 2 values but the profile has 1 sample types");

    let mut m = minimal();
    m.location.push(m.location[0].clone());
    expect_invalid(m, "multiple locations with the same id 1");

    let mut m = minimal();
    m.function[0].id = 0;
    expect_invalid(m, "reserved id 0");

    let mut m = minimal();
    m.sample_type.clear();
    expect_invalid(m, "missing sample type");

    // Label string indices, as the file gave them, even past 32 bits.
    let label = |key, str, num_unit| pprof_lens::proto::Label { key, str, num: 0, num_unit };
    for (l, needle) in [
        (label(-1, 0, 0), "string index -1 is outside the string table (4 entries) in a label of sample 0"),
        (label(1, 1 << 40, 0), "string index 1099511627776 is outside"),
        (label(1, 0, 9), "string index 9 is outside"),
        (label(1, i64::MIN, 0), "string index -9223372036854775808"),
    ] {
        let mut m = minimal();
        m.sample[0].label = vec![label(1, 3, 0), l.clone(), l];
        expect_invalid(m, needle);
    }
    // Empty labels are dropped; the others are kept, numbers of string
    // labels cleared.
    let mut m = minimal();
    m.sample.push(m.sample[0].clone());
    m.sample[0].label = vec![label(1, 0, 0), label(2, 3, 0), label(1, 0, 0)];
    m.sample[1].label = vec![pprof_lens::proto::Label { key: 3, str: 0, num: 7, num_unit: 2 }, label(1, 0, 0)];
    m.sample[0].label[1].num = 5;
    let p = pprof_lens::load(&m.encode_to_vec(), &DecodeOptions::default(), &ModelOptions::default()).unwrap();
    let l = &p.samples.labels;
    assert_eq!(p.samples.label_start, vec![0, 1, 2]);
    assert_eq!(
        (l.key.clone(), l.str.clone(), l.num.clone(), l.unit.clone()),
        (vec![2, 3], vec![3, 0], vec![0, 7], vec![0, 2])
    );
    // A label field with the wrong wire type is malformed.
    let mut m = minimal();
    m.sample.clear();
    let mut data = m.encode_to_vec();
    let sample = [0x0a, 0x01, 0x01, 0x12, 0x01, 0x05, 3 << 3 | 2, 2, 1 << 3 | 2, 0];
    data.extend_from_slice(&[2 << 3 | 2, sample.len() as u8]);
    data.extend_from_slice(&sample);
    let e = full(&data).unwrap_err();
    assert!(e.message.contains("malformed sample"), "{}", e.message);

    // An unknown mapping id is tolerated, as pprof does.
    let mut m = minimal();
    m.location[0].mapping_id = 42;
    assert!(full(&m.encode_to_vec()).is_ok());
}

#[test]
fn huge_length_prefix_is_rejected_without_allocating() {
    // Field 2 (sample), length-delimited, claiming 2^40 bytes.
    let mut d = vec![0x12];
    let mut n: u64 = 1 << 40;
    while n >= 0x80 {
        d.push((n as u8) | 0x80);
        n >>= 7;
    }
    d.push(n as u8);
    d.extend_from_slice(&[0u8; 16]);
    let e = full(&d).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Protobuf | ErrorKind::NotAProfile), "{}", e.message);
}

#[test]
fn cli_exits_nonzero_with_one_line() {
    let dir = std::env::temp_dir().join(format!("pprof-lens-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("empty.pb.gz");
    std::fs::write(&f, b"").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pprof-lens")).arg("top").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("empty.pb.gz: empty file"), "{err}");
    assert!(out.stdout.is_empty());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["top", "-sample_index=nope"])
        .arg(corpus_path("go-leaky/heap.6.pb.gz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sample_index \"nope\" must be one of: [alloc_objects alloc_space inuse_objects inuse_space]"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pprof-lens"))
        .args(["top", "-focus=("])
        .arg(corpus_path("go-leaky/cpu.pb.gz"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parsing focus regexp"));
    std::fs::remove_dir_all(&dir).ok();
}

fn corpus_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

#[test]
fn ids_beyond_32_bits_are_fine() {
    let mut m = minimal();
    m.location[0].id = 1 << 40;
    m.sample[0].location_id = vec![1 << 40];
    m.sample.push(Sample { location_id: vec![1 << 40, 1 << 40], value: vec![2], label: vec![] });
    let out = full(&m.encode_to_vec()).unwrap();
    assert!(out.contains("Showing nodes accounting for 7, 100% of 7 total"), "{out}");
}

#[test]
fn hostile_text_and_legacy_profiles_get_sentences_not_panics() {
    // Division overflow in the heap text's block size, a Java heap sample of
    // count -1, a legacy CPU stack longer than the file, a thread header only.
    let cases: [&[u8]; 6] = [
        b"heap profile: 1: 2 [3: 4] @ heap/8\n-1: -9223372036854775808 [1: 2] @ 0x1\n",
        b"--- heapz 1 ---\nformat = java\nresolution = bytes\n -9223372036854775808 -1 @ 0x1\n",
        b"\0\0\0\0\x03\0\0\0\0\0\0\0\x10\0\0\0\0\0\0\0\x01\0\0\0\xff\xff\xff\x7f",
        b"--- threadz 1 ---\n--- Thread zz (name: x/1) stack: ---\n",
        b"--- mutex:\ncycles/second=99999999999999999999\n",
        b"heap profile: 1: 2 [3: 4] @ heapprofile\n1: 2 [3: 4] @ 0x10\n\nMAPPED_LIBRARIES:\nffffffff-00000001 r-xp 00000000 00:00 0 /x\n",
    ];
    for c in cases {
        // Either read or refused with a sentence; never a panic.
        if let Err(e) = full(c) {
            assert!(!e.message.is_empty());
        }
    }
}
