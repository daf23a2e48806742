//! Exporting a refined view as a profile: read back, it gives the view's
//! numbers (all sample types), and go tool pprof's reading of it is the
//! same as ours (checked in scripts/make-oracles.sh's spirit by the page tests).

use pprof_lens::aggregate::Prepared;
use pprof_lens::encode::encode_view_gz;
use pprof_lens::report::top;
use pprof_lens::{ModelOptions, Profile, Query};
use std::path::Path;

fn corpus(name: &str) -> Profile {
    let data = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap();
    pprof_lens::load(&data, &Default::default(), &ModelOptions::default()).unwrap()
}

fn rows(pr: &Prepared) -> Vec<(String, i64, i64)> {
    top(pr).rows.into_iter().map(|r| (format!("{} {}", r.name, r.inline_label), r.flat, r.cum)).collect()
}

#[test]
fn an_exported_view_reads_back_with_the_same_numbers() {
    type SetQuery = Box<dyn Fn(&mut Query)>;
    let cases: Vec<(&str, SetQuery)> = vec![
        ("go-leaky/cpu.pb.gz", Box::new(|_q: &mut Query| {})),
        (
            "go-leaky/cpu.pb.gz",
            Box::new(|q: &mut Query| {
                q.filters.focus = "sortRecords|encodeOrders".into();
                q.filters.ignore = "insertionSort".into();
                q.filters.hide = "runtime".into();
            }),
        ),
        ("go-leaky/cpu.pb.gz", Box::new(|q: &mut Query| q.filters.show_from = "sortRecords".into())),
        ("go-leaky/cpu.pb.gz", Box::new(|q: &mut Query| q.filters.tagfocus = "handler=^/api/users$".into())),
        ("go-leaky/heap.6.pb.gz", Box::new(|q: &mut Query| q.filters.tagfocus = "1kb:64kb".into())),
        ("go-leaky/heap.6.pb.gz", Box::new(|q: &mut Query| q.filters.show = "main".into())),
        ("node/node.cpu.pb.gz", Box::new(|q: &mut Query| q.filters.ignore = "node:".into())),
        ("synth/small.cpu.pb.gz", Box::new(|_q: &mut Query| {})),
    ];
    for (file, set) in cases {
        let p = corpus(file);
        let types = p.sample_types.len();
        for vi in 0..types {
            let mut q = Query::default();
            q.nodefraction = 0.0;
            q.sample_index = vi.to_string();
            set(&mut q);
            let pr = Prepared::new(vec![p.clone()], vec![], q.clone()).unwrap();
            let gz = encode_view_gz(&pr);
            let back = pprof_lens::load(&gz, &Default::default(), &ModelOptions::default()).unwrap();
            let mut plain = Query::default();
            plain.nodefraction = 0.0;
            plain.sample_index = vi.to_string();
            let pr2 = Prepared::new(vec![back], vec![], plain).unwrap();
            assert_eq!(rows(&pr2), rows(&pr), "{file} type {vi} {q:?}");
            assert_eq!(pr2.profile.time_nanos, pr.profile.time_nanos);
        }
    }
}
