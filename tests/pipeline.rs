//! The native decoder inflates big gzipped profiles on one thread while a
//! second decodes the samples as they arrive (src/decode.rs, `pipelined`).
//! It must give exactly what the plain path gives: the same profile, and
//! for every bad file the same sentence.

use pprof_lens::import::{decode, gunzip_bytes};
use pprof_lens::synth::{generate, gzip, Spec};
use pprof_lens::{DecodeOptions, ErrorKind};
use prost::Message;

/// A generated profile whose gzip is over the pipeline's 1 MB threshold.
fn big() -> (Vec<u8>, Vec<u8>) {
    let raw = generate(Spec { stacks: 30_000, functions: 5_000, seed: 11 }).encode_to_vec();
    let gz = gzip(&raw, 1);
    assert!(gz.len() > 1 << 20, "the fixture is {} bytes gzipped", gz.len());
    (raw, gz)
}

/// The error the plain path gives for `gz` (gunzip, then decode the bytes).
fn plain(gz: &[u8]) -> pprof_lens::Result<pprof_lens::proto::Profile> {
    let raw = gunzip_bytes(gz, DecodeOptions::default().max_decompressed)?;
    decode(&raw, &DecodeOptions::default())
}

#[test]
fn a_big_profile_decodes_to_what_the_plain_path_gives() {
    let (raw, gz) = big();
    let piped = decode(&gz, &DecodeOptions::default()).unwrap();
    assert_eq!(piped, decode(&raw, &DecodeOptions::default()).unwrap());
    assert!(piped.samples.len() == 30_000);
    // Several members and zero padding after the last (the pipeline leaves
    // them to the plain path): the whole stream, as gzip reads it.
    let mut two = gz.clone();
    two.extend(gzip(&raw, 1));
    let both = decode(&two, &DecodeOptions::default()).unwrap();
    assert_eq!(both, plain(&two).unwrap());
    assert_eq!(both.samples.len(), 60_000);
    let mut padded = gz.clone();
    padded.extend([0u8; 16]);
    assert_eq!(decode(&padded, &DecodeOptions::default()).unwrap(), piped);
}

#[test]
fn every_broken_big_file_gets_the_plain_paths_sentence() {
    let (_, gz) = big();
    let same = |bytes: &[u8], what: &str| {
        let a = decode(bytes, &DecodeOptions::default()).expect_err(what);
        let b = plain(bytes).expect_err(what);
        assert_eq!((a.kind, &a.message), (b.kind, &b.message), "{what}");
        a
    };
    // Cut anywhere: a truncated stream.
    for k in 1..8 {
        let e = same(&gz[..gz.len() * k / 8], "cut");
        assert!(matches!(e.kind, ErrorKind::TruncatedGzip | ErrorKind::CorruptGzip), "{e:?}");
    }
    // A flipped byte inside the deflate data or its CRC, a trailer that lies.
    for at in [gz.len() / 3, gz.len() / 2, gz.len() - 6, gz.len() - 2] {
        let mut bad = gz.clone();
        bad[at] ^= 0x55;
        let e = same(&bad, "flipped");
        assert!(matches!(e.kind, ErrorKind::CorruptGzip | ErrorKind::TruncatedGzip | ErrorKind::Protobuf), "{e:?}");
    }
    // A limit below the size: refused before anything is held.
    let small = DecodeOptions::default().with_max_decompressed(1 << 20);
    let e = decode(&gz, &small).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e:?}");
}

#[test]
fn big_files_that_are_not_profiles_or_are_bad_protobuf_are_named() {
    // Incompressible bytes after a PNG signature: not a profile, said so.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = 1u64;
    png.extend((0..3_000_000).map(|_| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 56) as u8
    }));
    let e = decode(&gzip(&png, 1), &DecodeOptions::default()).unwrap_err();
    assert_eq!(e.message, "not a pprof profile: this is a PNG image");
    // A sample sent as a varint after a megabyte of good samples: refused,
    // naming the field, as the plain path does.
    let (mut raw, _) = big();
    raw.extend([0x10, 0x01]);
    let mut junk = raw.clone();
    let mut y = 7u64;
    junk.extend((0..2_000_000).flat_map(|_| {
        y = y.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        // Field 15 (unknown, skipped) holding a varint.
        [0x78, ((y >> 57) & 0x7f) as u8]
    }));
    let gz = gzip(&junk, 1);
    assert!(gz.len() > 1 << 20);
    let e = decode(&gz, &DecodeOptions::default()).unwrap_err();
    assert_eq!(e.message, decode(&junk, &DecodeOptions::default()).unwrap_err().message);
    assert!(e.message.contains("field sample holds a varint"), "{}", e.message);
}

/// Every profile of tests/data, fed in pieces of every shape to the page's
/// streamed decoder (the browser inflates; the core decodes as bytes
/// arrive): the same profile as decoding the whole. A file it refuses is one
/// the whole decode refuses too (the page then names the error from that).
#[test]
fn the_streamed_decoder_gives_what_the_whole_decode_gives() {
    use pprof_lens::import::StreamDecoder;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.to_string_lossy().contains("expected") {
                files.push(p);
            }
        }
    }
    let mut checked = 0;
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
            match gunzip_bytes(&bytes, 1 << 30) {
                Ok(r) => r,
                Err(_) => continue,
            }
        } else {
            bytes
        };
        let whole = decode(&raw, &DecodeOptions::default());
        for piece in [1usize, 7, 4096, 65536, usize::MAX] {
            let mut s = StreamDecoder::new(DecodeOptions::default());
            let fed = raw.chunks(piece.min(raw.len().max(1))).try_for_each(|c| s.feed(c));
            let streamed = fed.and_then(|_| s.finish());
            match (&whole, &streamed) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{} in pieces of {piece}", f.display()),
                (Ok(_), Err(e)) => panic!("{} in pieces of {piece}: refused streamed: {}", f.display(), e.message),
                (Err(_), _) => {}
            }
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked} files");
}
