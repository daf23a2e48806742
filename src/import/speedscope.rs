//! speedscope's JSON file format (`https://www.speedscope.app/file-format-
//! schema.json`): shared frames, then profiles, each either sampled (stacks
//! of frame indices, root first, with weights) or evented (frames opened
//! and closed at times). Every profile of the file goes in, its name as
//! the label `profile`; evented ones become one sample per interval between
//! events, weighted by its length.

use super::builder::Importer;
use super::json::{self, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::proto::{self, Label};

const WHAT: &str = "speedscope file";

fn bad(why: String) -> Error {
    Error::new(ErrorKind::Invalid, format!("{WHAT}: {why}"))
}

/// True when `head` is a JSON object that names speedscope's schema, or
/// starts with its `shared` frames or its `profiles`.
pub fn looks_like_speedscope(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start();
    t.starts_with('{')
        && (t.contains("speedscope.app/file-format-schema")
            || (t.contains("\"shared\"") && t.contains("\"frames\"") && t.contains("\"profiles\"")))
}

/// A unit's sample type and how many of its base unit one value is.
fn unit_of(unit: &str) -> Result<(&'static str, &'static str, f64)> {
    Ok(match unit {
        "nanoseconds" => ("time", "nanoseconds", 1.0),
        "microseconds" => ("time", "nanoseconds", 1e3),
        "milliseconds" => ("time", "nanoseconds", 1e6),
        "seconds" => ("time", "nanoseconds", 1e9),
        "bytes" => ("space", "bytes", 1.0),
        "none" | "" => ("weight", "count", 1.0),
        u => return Err(bad(format!("unknown unit \"{u}\""))),
    })
}

/// Reads a speedscope file into samples/count and the profiles' values
/// (time in nanoseconds, bytes, or plain weights). A frame index outside
/// the frames, a negative weight, events out of time order or a close that
/// does not match the open frame is named.
pub fn parse(data: &[u8]) -> Result<proto::Profile> {
    let v = json::parse(data).map_err(bad)?;
    let frames = v.get("shared").and_then(|s| s.get("frames")).and_then(Value::arr).unwrap_or(&[]);
    let profiles = v.get("profiles").and_then(Value::arr).ok_or_else(|| bad("no \"profiles\" list".into()))?;
    if profiles.is_empty() {
        return Err(Error::new(ErrorKind::Empty, format!("{WHAT}: no profile in the file")));
    }
    let unit = profiles[0].get("unit").and_then(Value::str).unwrap_or("none");
    let (ty, base, scale) = unit_of(unit)?;
    let mut b = Importer::default();
    b.str("");
    b.types(&[("samples", "count"), (ty, base)], (ty, base), 0);
    let c = b.str("converted from a speedscope file");
    b.h.comment.push(c);
    let key = b.str("profile");
    // A location per frame, made when first used.
    let mut locs: Vec<Option<u64>> = vec![None; frames.len()];
    let mut loc = |b: &mut Importer, i: f64| -> Result<u64> {
        let k = i as usize;
        if i < 0.0 || i.fract() != 0.0 || k >= frames.len() {
            return Err(bad(format!("frame {i} is not one of the {} frames", frames.len())));
        }
        if let Some(id) = locs[k] {
            return Ok(id);
        }
        let f = &frames[k];
        let name = f.get("name").and_then(Value::str).unwrap_or("(unnamed)");
        let file = f.get("file").and_then(Value::str).unwrap_or("");
        let line = f.get("line").and_then(Value::num).unwrap_or(0.0).max(0.0) as i64;
        let id = b.location(name, file, line);
        locs[k] = Some(id);
        Ok(id)
    };
    let mut s = proto::SampleColumns::started();
    let push = |b: &mut Importer, s: &mut proto::SampleColumns, stack: &[u64], w: f64, name: &str| -> Result<()> {
        if w < 0.0 || !w.is_finite() {
            return Err(bad(format!("profile \"{name}\": a negative weight ({w})")));
        }
        for &id in stack.iter().rev() {
            s.location_ids.push(id);
        }
        s.values.extend_from_slice(&[1, (w * scale).round() as i64]);
        let str = b.str(name);
        s.labels.push(&Label { key, str, ..Default::default() });
        s.end_sample();
        Ok(())
    };
    for p in profiles {
        let name = p.get("name").and_then(Value::str).unwrap_or("").to_string();
        let u = p.get("unit").and_then(Value::str).unwrap_or("none");
        if unit_of(u)?.0 != ty {
            return Err(bad(format!(
                "profile \"{name}\" is in {u}, the first one in {unit}: one file, one kind of value"
            )));
        }
        let scale_here = unit_of(u)?.2 / scale;
        match p.get("type").and_then(Value::str) {
            Some("sampled") => {
                let samples = p.get("samples").and_then(Value::arr).unwrap_or(&[]);
                let weights = p.get("weights").and_then(Value::arr).unwrap_or(&[]);
                let mut stack = Vec::new();
                for (k, st) in samples.iter().enumerate() {
                    stack.clear();
                    for f in st.arr().unwrap_or(&[]) {
                        stack.push(loc(&mut b, f.num().unwrap_or(-1.0))?);
                    }
                    let w = weights.get(k).and_then(Value::num).unwrap_or(1.0);
                    if !stack.is_empty() {
                        push(&mut b, &mut s, &stack, w * scale_here, &name)?;
                    }
                }
            }
            Some("evented") => {
                let mut open: Vec<(f64, u64)> = Vec::new(); // frame index, location
                let mut last = p.get("startValue").and_then(Value::num).unwrap_or(f64::NEG_INFINITY);
                for e in p.get("events").and_then(Value::arr).unwrap_or(&[]) {
                    let at = e.get("at").and_then(Value::num).unwrap_or(0.0);
                    let f = e.get("frame").and_then(Value::num).unwrap_or(-1.0);
                    if at < last && last.is_finite() {
                        return Err(bad(format!("profile \"{name}\": an event at {at} after one at {last}")));
                    }
                    if !open.is_empty() && at > last {
                        let stack: Vec<u64> = open.iter().map(|x| x.1).collect();
                        push(&mut b, &mut s, &stack, (at - last) * scale_here, &name)?;
                    }
                    last = at;
                    match e.get("type").and_then(Value::str) {
                        Some("O") => {
                            let id = loc(&mut b, f)?;
                            open.push((f, id));
                        }
                        Some("C") => match open.pop() {
                            Some((g, _)) if g == f => {}
                            Some((g, _)) => {
                                return Err(bad(format!(
                                    "profile \"{name}\": frame {f} closes at {at} while frame {g} is open"
                                )))
                            }
                            None => {
                                return Err(bad(format!(
                                    "profile \"{name}\": frame {f} closes at {at} but none is open"
                                )))
                            }
                        },
                        t => return Err(bad(format!("profile \"{name}\": an event of type {t:?} (O or C)"))),
                    }
                }
            }
            t => return Err(bad(format!("profile \"{name}\" is of type {t:?} (sampled or evented)"))),
        }
    }
    Ok(proto::Profile { header: b.h, samples: s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speedscope_is_told_and_bad_files_named() {
        assert!(looks_like_speedscope(br#"{"$schema":"https://www.speedscope.app/file-format-schema.json"}"#));
        assert!(looks_like_speedscope(br#"{"shared":{"frames":[]},"profiles":[]}"#));
        assert!(!looks_like_speedscope(br#"{"nodes":[]}"#));
        let err = |t: &str| parse(t.as_bytes()).unwrap_err().message;
        let base = |p: &str| format!(r#"{{"shared":{{"frames":[{{"name":"a"}},{{"name":"b"}}]}},"profiles":[{p}]}}"#);
        assert!(err(&base(r#"{"type":"sampled","unit":"none","samples":[[0,7]],"weights":[1]}"#))
            .contains("frame 7 is not one of the 2"));
        assert!(err(&base(r#"{"type":"sampled","unit":"none","samples":[[0]],"weights":[-2]}"#))
            .contains("negative weight"));
        let ev = r#"{"type":"evented","unit":"none","events":[{"type":"O","at":0,"frame":0},{"type":"C","at":1,"frame":1}]}"#;
        assert!(err(&base(ev)).contains("frame 1 closes at 1 while frame 0 is open"));
        let late = r#"{"type":"evented","unit":"none","events":[{"type":"O","at":5,"frame":0},{"type":"C","at":1,"frame":0}]}"#;
        assert!(err(&base(late)).contains("an event at 1 after one at 5"));
        assert!(err(r#"{"shared":{"frames":[]},"profiles":[{"#).contains("truncated"));
    }
}
