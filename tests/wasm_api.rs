//! The wasm API (`src/wasm.rs`) as the page uses it, run by
//! wasm-bindgen-test (in Node): load, view, top, flame, tree info, search,
//! and errors that leave loaded profiles intact.
#![cfg(target_arch = "wasm32")]

use js_sys::{Float64Array, Reflect, Uint32Array};
use pprof_lens::wasm::Session;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const HEAP: &[u8] = include_bytes!("data/go-leaky/heap.6.pb.gz");
const ORACLE: &str = include_str!("data/go-leaky/expected/heap.6.alloc_objects.top.txt");

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn message(e: JsValue) -> String {
    get(&e, "message").as_string().unwrap()
}

fn view(s: &mut Session, id: u32, sample_index: u32) -> JsValue {
    let req = js_sys::Object::new();
    Reflect::set(&req, &"sampleIndex".into(), &JsValue::from_f64(sample_index as f64)).unwrap();
    s.view(id, req.into()).unwrap()
}

#[wasm_bindgen_test]
fn load_view_and_top_match_pprof() {
    let mut s = Session::new();
    let info = s.load("heap.6.pb.gz", HEAP, None).unwrap();
    assert_eq!(get(&info, "name").as_string().unwrap(), "heap.6.pb.gz");
    assert_eq!(get(&info, "defaultIndex").as_f64().unwrap(), 3.0);
    let v = view(&mut s, 0, 0);
    assert_eq!(get(&v, "sampleType").as_string().unwrap(), "alloc_objects");
    let top = s.top(0, "flat", true).unwrap();
    let names: Vec<String> = get(&top, "name").as_string().unwrap().lines().map(String::from).collect();
    let flat_text: Vec<String> = get(&top, "flatText").as_string().unwrap().lines().map(String::from).collect();
    let rows: Vec<&str> = ORACLE.lines().skip_while(|l| !l.trim_start().starts_with("flat")).skip(1).collect();
    assert_eq!(names.len(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let f: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(flat_text[i], f[0], "row {i}");
        assert!(row.contains(&names[i]), "row {i}: {row} vs {}", names[i]);
    }
    let flat: Float64Array = get(&top, "flat").dyn_into().unwrap();
    assert_eq!(flat.length() as usize, rows.len());
}

#[wasm_bindgen_test]
fn flame_layout_tree_info_and_search() {
    let mut s = Session::new();
    s.load("heap.6.pb.gz", HEAP, None).unwrap();
    view(&mut s, 0, 3);
    let l = s.flame(0, 0, 0, 0, u32::MAX, 0.0).unwrap();
    let x: Float64Array = get(&l, "x").dyn_into().unwrap();
    let lo: Uint32Array = get(&l, "lo").dyn_into().unwrap();
    let hi: Uint32Array = get(&l, "hi").dyn_into().unwrap();
    let depth: Uint32Array = get(&l, "depth").dyn_into().unwrap();
    assert!(x.length() > 10);
    let root = s.box_info(0, 0, 0, 0, u32::MAX).unwrap();
    assert_eq!(get(&root, "name").as_string().unwrap(), "all samples");
    assert_eq!(get(&root, "total").as_string().unwrap(), "224685.61kB");
    let first = s.box_info(0, 0, lo.get_index(0), hi.get_index(0), depth.get_index(0)).unwrap();
    assert!(!get(&first, "name").as_string().unwrap().is_empty());
    let r = s.search(0, "^main\\.readDetails$").unwrap();
    assert_eq!(get(&r, "pct").as_string().unwrap(), "68.33%");
    let e = s.search(0, "(").unwrap_err();
    assert!(message(e).starts_with("invalid regex"));
}

#[wasm_bindgen_test]
fn bad_input_errors_and_the_loaded_profile_survives() {
    let mut s = Session::new();
    s.load("heap.6.pb.gz", HEAP, None).unwrap();
    view(&mut s, 0, 3);
    let e = s.load("empty", &[], None).unwrap_err();
    assert!(message(e).starts_with("empty file"));
    let e = s.load("half", &HEAP[..HEAP.len() / 2], None).unwrap_err();
    assert!(message(e).starts_with("truncated gzip stream"));
    // A bad filter is refused and the previous view is kept.
    let req = js_sys::Object::new();
    Reflect::set(&req, &"focus".into(), &"(".into()).unwrap();
    let e = s.view(0, req.into()).unwrap_err();
    // The error carries its kind and the field that failed, not only a sentence.
    assert_eq!(get(&e, "kind").as_string().unwrap(), "bad-query");
    assert_eq!(get(&e, "field").as_string().unwrap(), "focus");
    assert!(message(e).contains("parsing focus regexp"));
    assert!(s.top(0, "cum", true).is_ok());
    assert!(s.info(0).is_ok());
}

const HEAP1: &[u8] = include_bytes!("data/go-leaky/heap.1.pb.gz");
const CPU: &[u8] = include_bytes!("data/go-leaky/cpu.pb.gz");
const DIFF: &str = include_str!("data/go-leaky/expected-extra/diff_base.all.txt");
const BASE: &str = include_str!("data/go-leaky/expected-extra/base.all.txt");

fn lines(o: &JsValue, k: &str) -> Vec<String> {
    get(o, k).as_string().unwrap().lines().map(String::from).collect()
}

fn compare_view(s: &mut Session, id: u32, mode: &str, normalize: bool) -> Result<JsValue, JsValue> {
    let req = js_sys::Object::new();
    Reflect::set(&req, &"sampleIndex".into(), &JsValue::from_f64(3.0)).unwrap();
    Reflect::set(&req, &"mode".into(), &mode.into()).unwrap();
    Reflect::set(&req, &"normalize".into(), &JsValue::from_bool(normalize)).unwrap();
    s.view(id, req.into())
}

#[wasm_bindgen_test]
fn compare_matches_pprof_diff_base_and_base() {
    let mut s = Session::new();
    s.load("heap.1.pb.gz", HEAP1, None).unwrap();
    s.load("heap.6.pb.gz", HEAP, None).unwrap();
    let info = s.compare(&[0], &[1], "heap.1 → heap.6").unwrap();
    let id = get(&info, "id").as_f64().unwrap() as u32;
    for (mode, oracle) in [("diff_base", DIFF), ("base", BASE)] {
        let v = compare_view(&mut s, id, mode, false).unwrap();
        assert!(get(&v, "compare").as_bool().unwrap());
        let top = s.top(id, "flat", true).unwrap();
        let (ft, fp, cp) = (lines(&top, "flatText"), lines(&top, "flatPct"), lines(&top, "cumPct"));
        let rows: Vec<&str> = oracle.lines().skip_while(|l| !l.trim_start().starts_with("flat")).skip(1).collect();
        assert_eq!(ft.len(), rows.len(), "{mode}");
        for (i, row) in rows.iter().enumerate() {
            let f: Vec<&str> = row.split_whitespace().collect();
            assert_eq!((ft[i].as_str(), fp[i].as_str(), cp[i].as_str()), (f[0], f[1], f[4]), "{mode} row {i}");
        }
        // Each side's own values, and the new/gone marks.
        let (names, base, new) = (lines(&top, "name"), lines(&top, "baseCum"), lines(&top, "newCum"));
        let i = names.iter().position(|n| n == "main.readDetails").unwrap();
        // heap.6 on its own: 153536.02kB (heap.6.all.txt).
        assert_eq!(new[i], "153536.02kB");
        assert_ne!(base[i], new[i]);
    }
    // The merged flame graph carries each box's change and both sides in its tooltip.
    let l = s.flame(id, 0, 0, 0, u32::MAX, 0.0).unwrap();
    let change: js_sys::Float32Array = get(&l, "change").dyn_into().unwrap();
    let x: Float64Array = get(&l, "x").dyn_into().unwrap();
    assert_eq!(change.length(), x.length());
    let root = s.box_info(id, 0, 0, 0, u32::MAX).unwrap();
    assert_eq!(get(&root, "base").as_string().unwrap(), "38428.90kB");
    // Side by side: a box of the new side is found in the merged tree.
    let n = s.flame(id, 2, 0, 0, u32::MAX, 0.0).unwrap();
    let (lo, hi, depth): (Uint32Array, Uint32Array, Uint32Array) =
        (get(&n, "lo").dyn_into().unwrap(), get(&n, "hi").dyn_into().unwrap(), get(&n, "depth").dyn_into().unwrap());
    let k = s.locate(id, 2, &[lo.get_index(0), hi.get_index(0), depth.get_index(0)], 0, true).unwrap();
    assert_eq!(Uint32Array::from(k).length(), 3);
}

#[wasm_bindgen_test]
fn compare_refusals_are_clear_and_lose_nothing() {
    let mut s = Session::new();
    s.load("heap.6.pb.gz", HEAP, None).unwrap();
    s.load("cpu.pb.gz", CPU, None).unwrap();
    let e = message(s.compare(&[0], &[1], "x").unwrap_err());
    assert!(e.contains("different kinds of profile"), "{e}");
    assert!(e.contains("inuse_space/bytes") && e.contains("cpu/nanoseconds"), "{e}");
    let e = message(s.compare(&[0], &[0], "x").unwrap_err());
    assert!(e.contains("both the base and the new"), "{e}");
    assert!(s.info(0).is_ok() && s.info(1).is_ok());
    assert!(s.info(2).is_err(), "no comparison was added");
}
