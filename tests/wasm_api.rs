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

fn message(e: wasm_bindgen::JsError) -> String {
    let v: JsValue = e.into();
    get(&v, "message").as_string().unwrap()
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
    let l = s.flame(0, 0, 0, u32::MAX, 0.0).unwrap();
    let x: Float64Array = get(&l, "x").dyn_into().unwrap();
    let lo: Uint32Array = get(&l, "lo").dyn_into().unwrap();
    let hi: Uint32Array = get(&l, "hi").dyn_into().unwrap();
    let depth: Uint32Array = get(&l, "depth").dyn_into().unwrap();
    assert!(x.length() > 10);
    let root = s.box_info(0, 0, 0, u32::MAX).unwrap();
    assert_eq!(get(&root, "name").as_string().unwrap(), "all samples");
    assert_eq!(get(&root, "total").as_string().unwrap(), "224685.61kB");
    let first = s.box_info(0, lo.get_index(0), hi.get_index(0), depth.get_index(0)).unwrap();
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
    assert!(message(e).contains("parsing focus regexp"));
    assert!(s.top(0, "cum", true).is_ok());
    assert!(s.info(0).is_ok());
}
