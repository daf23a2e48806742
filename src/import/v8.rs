//! V8's profiles as Chrome DevTools and Node.js save them: the CPU profile
//! (`.cpuprofile`: `node --cpu-prof`, DevTools' Performance panel; a node
//! tree, each sample a node id with the time since the one before) and the
//! sampling heap profile (`.heapprofile`: `node --heap-prof`, DevTools'
//! Memory panel; a nested tree of frames with the bytes allocated there
//! and still held).

use super::builder::Importer;
use super::json::{self, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::proto;

/// True when `head` starts a JSON object whose first member is V8's CPU
/// profile node list (`{"nodes":[{"id":1,"callFrame":…`).
pub fn looks_like_cpuprofile(head: &[u8]) -> bool {
    starts(head, &["{", "\"nodes\"", ":", "[", "{"]) && contains(head, b"\"callFrame\"")
}

/// True when `head` starts V8's sampling heap profile (`{"head":{"callFrame":…`).
pub fn looks_like_heapprofile(head: &[u8]) -> bool {
    starts(head, &["{", "\"head\"", ":", "{"]) && contains(head, b"\"callFrame\"")
}

fn starts(head: &[u8], tokens: &[&str]) -> bool {
    let mut i = 0;
    for t in tokens {
        while i < head.len() && head[i].is_ascii_whitespace() {
            i += 1;
        }
        if !head[i..].starts_with(t.as_bytes()) {
            return false;
        }
        i += t.len();
    }
    true
}

fn contains(head: &[u8], what: &[u8]) -> bool {
    head.windows(what.len()).any(|w| w == what)
}

fn bad(what: &str, why: String) -> Error {
    Error::new(ErrorKind::Invalid, format!("{what}: {why}"))
}

/// A frame of V8's `callFrame`: (function, file, line), lines 1-based.
fn frame(v: &Value) -> (String, String, i64) {
    let cf = v.get("callFrame");
    let get = |k: &str| cf.and_then(|c| c.get(k));
    let name = get("functionName").and_then(Value::str).unwrap_or("");
    let url = get("url").and_then(Value::str).unwrap_or("");
    let line = get("lineNumber").and_then(Value::num).unwrap_or(-1.0);
    let name = if name.is_empty() { "(anonymous)" } else { name };
    (name.to_string(), url.to_string(), if line >= 0.0 { line as i64 + 1 } else { 0 })
}

/// A non-negative integer member, or a sentence.
fn count(v: &Value, key: &str, what: &str) -> Result<Option<i64>> {
    match v.get(key).map(|x| x.num()) {
        None => Ok(None),
        Some(Some(n)) if n >= 0.0 && n.fract() == 0.0 && n < 9.0e15 => Ok(Some(n as i64)),
        Some(_) => Err(bad(what, format!("\"{key}\" is not a count of zero or more"))),
    }
}

fn start(b: &mut Importer, types: &[(&str, &str)], period: (&str, &str, i64), comment: &str) -> proto::SampleColumns {
    b.str("");
    b.types(types, (period.0, period.1), period.2);
    let c = b.str(comment);
    b.h.comment.push(c);
    proto::SampleColumns::started()
}

fn push_sample(s: &mut proto::SampleColumns, leaf_first: impl Iterator<Item = u64>, values: &[i64]) {
    for id in leaf_first {
        s.location_ids.push(id);
    }
    s.values.extend_from_slice(values);
    s.end_sample();
}

/// Reads a `.cpuprofile`: sample types samples/count and cpu/nanoseconds,
/// a sample's time the interval until the next sample (the last one's
/// until `endTime`), as DevTools counts it; `(root)` left out, `(program)`,
/// `(idle)` and `(garbage collector)` kept as frames. A profile without a
/// `samples` list uses each node's `hitCount`.
pub fn parse_cpuprofile(data: &[u8]) -> Result<proto::Profile> {
    const WHAT: &str = "V8 CPU profile (.cpuprofile)";
    let v = json::parse(data).map_err(|e| bad(WHAT, e))?;
    let nodes = v.get("nodes").and_then(Value::arr).ok_or_else(|| bad(WHAT, "no \"nodes\" list".into()))?;
    let mut index: crate::fxmap::FxMap<i64, usize> = Default::default();
    for (i, n) in nodes.iter().enumerate() {
        let id = count(n, "id", WHAT)?.ok_or_else(|| bad(WHAT, format!("node {i} has no \"id\"")))?;
        if index.insert(id, i).is_some() {
            return Err(bad(WHAT, format!("two nodes have the id {id}")));
        }
    }
    let mut parent = vec![usize::MAX; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        for c in n.get("children").and_then(Value::arr).unwrap_or(&[]) {
            let id = c.num().map(|x| x as i64).unwrap_or(-1);
            let &ci = index.get(&id).ok_or_else(|| bad(WHAT, format!("a child id {id} names no node")))?;
            if parent[ci] != usize::MAX && parent[ci] != i {
                return Err(bad(WHAT, format!("node {id} has two parents")));
            }
            parent[ci] = i;
        }
    }
    // Hits and time per node.
    let mut hits = vec![0i64; nodes.len()];
    let mut nanos = vec![0i64; nodes.len()];
    let samples = v.get("samples").and_then(Value::arr).unwrap_or(&[]);
    if samples.is_empty() {
        for (i, n) in nodes.iter().enumerate() {
            hits[i] = count(n, "hitCount", WHAT)?.unwrap_or(0);
        }
    } else {
        let deltas = v.get("timeDeltas").and_then(Value::arr).unwrap_or(&[]);
        let end = v.get("endTime").and_then(Value::num);
        let mut t = v.get("startTime").and_then(Value::num).unwrap_or(0.0);
        let mut times: Vec<f64> = Vec::with_capacity(samples.len());
        for k in 0..samples.len() {
            t += deltas.get(k).and_then(Value::num).unwrap_or(0.0);
            times.push(t);
        }
        for (k, s) in samples.iter().enumerate() {
            let id = s.num().map(|x| x as i64).unwrap_or(-1);
            let &i = index.get(&id).ok_or_else(|| bad(WHAT, format!("sample {k} names no node ({id})")))?;
            let next = times.get(k + 1).copied().or(end).unwrap_or(times[k]);
            hits[i] += 1;
            // Microseconds; samples out of order count no time.
            nanos[i] += ((next - times[k]).max(0.0) * 1000.0) as i64;
        }
    }
    let mut b = Importer::default();
    let mut s = start(
        &mut b,
        &[("samples", "count"), ("cpu", "nanoseconds")],
        ("cpu", "nanoseconds", 0),
        "converted from a V8 CPU profile",
    );
    if let (Some(a), Some(z)) = (v.get("startTime").and_then(Value::num), v.get("endTime").and_then(Value::num)) {
        b.h.duration_nanos = ((z - a).max(0.0) * 1000.0) as i64;
    }
    let frames: Vec<(String, String, i64)> = nodes.iter().map(frame).collect();
    let mut stack = Vec::new();
    for i in 0..nodes.len() {
        if hits[i] == 0 && nanos[i] == 0 {
            continue;
        }
        stack.clear();
        let mut at = i;
        while at != usize::MAX {
            if stack.len() > nodes.len() {
                return Err(bad(WHAT, "the node tree has a cycle".into()));
            }
            if frames[at].0 != "(root)" || parent[at] != usize::MAX {
                stack.push(b.location(&frames[at].0, &frames[at].1, frames[at].2));
            }
            at = parent[at];
        }
        if !stack.is_empty() {
            push_sample(&mut s, stack.iter().copied(), &[hits[i], nanos[i]]);
        }
    }
    // The mean interval between samples, as the sampling period.
    b.h.period = nanos.iter().sum::<i64>() / hits.iter().sum::<i64>().max(1);
    Ok(proto::Profile { header: b.h, samples: s })
}

/// Reads a `.heapprofile`: sample types objects/count (the samples taken
/// at each frame, from `samples`) and space/bytes (`selfSize`).
pub fn parse_heapprofile(data: &[u8]) -> Result<proto::Profile> {
    const WHAT: &str = "V8 heap profile (.heapprofile)";
    let v = json::parse(data).map_err(|e| bad(WHAT, e))?;
    let head = v.get("head").ok_or_else(|| bad(WHAT, "no \"head\" node".into()))?;
    let mut objects: crate::fxmap::FxMap<i64, i64> = Default::default();
    for s in v.get("samples").and_then(Value::arr).unwrap_or(&[]) {
        let id = count(s, "nodeId", WHAT)?.unwrap_or(-1);
        *objects.entry(id).or_insert(0) += 1;
    }
    let mut b = Importer::default();
    let mut s = start(
        &mut b,
        &[("objects", "count"), ("space", "bytes")],
        ("space", "bytes", 0),
        "converted from a V8 sampling heap profile",
    );
    // Depth-first, each node with its location stack (root first).
    let mut todo: Vec<(&Value, usize)> = vec![(head, 0)];
    let mut path: Vec<u64> = Vec::new();
    while let Some((n, depth)) = todo.pop() {
        path.truncate(depth);
        let (name, file, line) = frame(n);
        let root = depth == 0 && name == "(root)";
        if !root {
            path.push(b.location(&name, &file, line));
        }
        let size = count(n, "selfSize", WHAT)?.unwrap_or(0);
        let id = count(n, "id", WHAT)?.unwrap_or(-1);
        let objs = objects.get(&id).copied().unwrap_or(0);
        if (size > 0 || objs > 0) && !path.is_empty() {
            push_sample(&mut s, path.iter().rev().copied(), &[objs, size]);
        }
        for c in n.get("children").and_then(Value::arr).unwrap_or(&[]).iter().rev() {
            todo.push((c, path.len()));
        }
    }
    Ok(proto::Profile { header: b.h, samples: s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v8_files_are_told_apart() {
        assert!(looks_like_cpuprofile(br#"{"nodes":[{"id":1,"callFrame":{"functionName":"(root)"}}]}"#));
        assert!(looks_like_cpuprofile(b"{ \"nodes\" : [ { \"id\": 1, \"callFrame\": {} } ] }"));
        assert!(!looks_like_cpuprofile(br#"{"head":{"callFrame":{}}}"#));
        assert!(looks_like_heapprofile(br#"{"head":{"callFrame":{"functionName":"(root)"},"selfSize":0}}"#));
        assert!(!looks_like_heapprofile(br#"{"nodes":[]}"#));
    }

    #[test]
    fn hostile_v8_files_get_a_sentence() {
        let err = |t: &str| parse_cpuprofile(t.as_bytes()).unwrap_err().message;
        assert!(err(r#"{"nodes":[{"id":1,"callFrame":{}"#).contains("truncated"));
        let cycle = r#"{"nodes":[{"id":1,"callFrame":{"functionName":"a"},"children":[2]},{"id":2,"callFrame":{"functionName":"b"},"children":[1]}],"samples":[2],"timeDeltas":[1]}"#;
        assert!(err(cycle).contains("cycle"), "{}", err(cycle));
        let neg = r#"{"nodes":[{"id":1,"callFrame":{"functionName":"a"},"hitCount":-4}]}"#;
        assert!(err(neg).contains("\"hitCount\" is not a count"));
        let orphan = r#"{"nodes":[{"id":1,"callFrame":{}}],"samples":[7],"timeDeltas":[1]}"#;
        assert!(err(orphan).contains("sample 0 names no node (7)"));
        let heap = r#"{"head":{"callFrame":{"functionName":"(root)"},"selfSize":-1,"id":1,"children":[]}}"#;
        assert!(parse_heapprofile(heap.as_bytes()).unwrap_err().message.contains("\"selfSize\" is not a count"));
    }
}
