//! A small JSON reader for the importers of JSON formats (V8's
//! `.cpuprofile` and `.heapprofile`): values as a tree, read without
//! recursion (a `.heapprofile` nests one object per frame, thousands deep),
//! and every error said with its byte offset.

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Value>),
    /// An object's members, in order.
    Obj(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            _ => None,
        }
    }
    /// The string, if this is one.
    pub fn str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The elements, if this is an array.
    pub fn arr(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }
}

impl Drop for Value {
    /// Without recursion: a value nested a million deep is dropped in a
    /// loop, not a million nested calls (which overflow the stack).
    fn drop(&mut self) {
        let mut todo: Vec<Value> = Vec::new();
        let take = |v: &mut Value, todo: &mut Vec<Value>| match v {
            Value::Arr(a) => todo.append(a),
            Value::Obj(m) => todo.extend(m.drain(..).map(|(_, v)| v)),
            _ => {}
        };
        take(self, &mut todo);
        while let Some(mut v) = todo.pop() {
            take(&mut v, &mut todo);
        }
    }
}

enum Frame {
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>, String),
}

/// Parses `text` as one JSON value (whitespace around it allowed), or says
/// what is wrong and where.
pub fn parse(text: &[u8]) -> Result<Value, String> {
    let mut p = Reader { b: text, i: 0 };
    let mut stack: Vec<Frame> = Vec::new();
    'value: loop {
        // A value starts here.
        p.ws();
        let mut v = match p.peek()? {
            b'{' => {
                p.i += 1;
                p.ws();
                if p.peek()? == b'}' {
                    p.i += 1;
                    Value::Obj(Vec::new())
                } else {
                    let key = p.key()?;
                    stack.push(Frame::Obj(Vec::new(), key));
                    continue 'value;
                }
            }
            b'[' => {
                p.i += 1;
                p.ws();
                if p.peek()? == b']' {
                    p.i += 1;
                    Value::Arr(Vec::new())
                } else {
                    stack.push(Frame::Arr(Vec::new()));
                    continue 'value;
                }
            }
            b'"' => Value::Str(p.string()?),
            b't' => p.word("true", Value::Bool(true))?,
            b'f' => p.word("false", Value::Bool(false))?,
            b'n' => p.word("null", Value::Null)?,
            b'-' | b'0'..=b'9' => Value::Num(p.number()?),
            c => return Err(p.err(&format!("unexpected {}", shown(c)))),
        };
        // The value goes into its container; then a comma or the end.
        loop {
            match stack.last_mut() {
                None => {
                    p.ws();
                    if p.i < p.b.len() {
                        return Err(p.err("more text after the JSON value"));
                    }
                    return Ok(v);
                }
                Some(Frame::Arr(a)) => a.push(v),
                Some(Frame::Obj(m, key)) => m.push((std::mem::take(key), v)),
            }
            p.ws();
            let c = p.peek()?;
            p.i += 1;
            match (c, stack.last_mut()) {
                (b',', Some(Frame::Arr(_))) => continue 'value,
                (b',', Some(Frame::Obj(_, key))) => {
                    p.ws();
                    *key = p.key()?;
                    continue 'value;
                }
                (b']', Some(Frame::Arr(_))) | (b'}', Some(Frame::Obj(..))) => {
                    v = match stack.pop() {
                        Some(Frame::Arr(a)) => Value::Arr(a),
                        Some(Frame::Obj(m, _)) => Value::Obj(m),
                        None => unreachable!("a container was open"),
                    };
                }
                _ => {
                    p.i -= 1;
                    return Err(p.err(&format!("expected ',' or the end of the container, found {}", shown(c))));
                }
            }
        }
    }
}

fn shown(c: u8) -> String {
    if c.is_ascii_graphic() {
        format!("'{}'", c as char)
    } else {
        format!("byte 0x{c:02x}")
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {}", self.i)
    }
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn peek(&self) -> Result<u8, String> {
        self.b.get(self.i).copied().ok_or_else(|| format!("the JSON ends too early (truncated at byte {})", self.i))
    }
    fn key(&mut self) -> Result<String, String> {
        if self.peek()? != b'"' {
            return Err(self.err("expected a member name in quotes"));
        }
        let k = self.string()?;
        self.ws();
        if self.peek()? != b':' {
            return Err(self.err("expected ':' after a member name"));
        }
        self.i += 1;
        Ok(k)
    }
    fn word(&mut self, w: &str, v: Value) -> Result<Value, String> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(v)
        } else {
            Err(self.err("unexpected word"))
        }
    }
    /// A number: digits, a fraction and an exponent read by hand (the
    /// standard float parser would add 20 KB to the page for profiles whose
    /// numbers are ids, counts and microseconds; the last digit of a long
    /// fraction may round differently, which no importer here can see).
    fn number(&mut self) -> Result<f64, String> {
        let start = self.i;
        let bad = |i: usize| format!("a malformed number at byte {i}");
        let neg = self.b.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let digits = |r: &mut Self| {
            let (mut v, mut n) = (0f64, 0i32);
            while let Some(d) = r.b.get(r.i).filter(|c| c.is_ascii_digit()) {
                v = v * 10.0 + f64::from(d - b'0');
                n += 1;
                r.i += 1;
            }
            (v, n)
        };
        let (mut v, n) = digits(self);
        if n == 0 {
            return Err(bad(start));
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            let (f, k) = digits(self);
            if k == 0 {
                return Err(bad(start));
            }
            v += f / 10f64.powi(k);
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let sign = match self.b.get(self.i) {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.i += 1;
            }
            let (e, k) = digits(self);
            if k == 0 {
                return Err(bad(start));
            }
            v *= 10f64.powi(if sign < 0 { -(e.min(400.0) as i32) } else { e.min(400.0) as i32 });
        }
        Ok(if neg { -v } else { v })
    }
    fn string(&mut self) -> Result<String, String> {
        let start = self.i;
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = *self.b.get(self.i).ok_or_else(|| format!("a string from byte {start} never ends (truncated)"))?;
            self.i += 1;
            match c {
                b'"' => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = *self.b.get(self.i).ok_or_else(|| self.err("the JSON ends in an escape"))?;
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) && self.b[self.i..].starts_with(b"\\u") {
                                self.i += 2;
                                let lo = self.hex4()?;
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            out.extend(ch.to_string().as_bytes());
                        }
                        _ => return Err(self.err("a bad escape in a string")),
                    }
                }
                _ => out.push(c),
            }
        }
    }
    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.b.get(self.i..self.i + 4).ok_or_else(|| self.err("the JSON ends in a \\u escape"))?;
        let s = std::str::from_utf8(h).map_err(|_| self.err("a bad \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("a bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_errors() {
        let v = parse(br#" {"a": [1, -2.5e3, "x\n\u00e9\ud83d\ude00", true, null, {}], "b": {"c": []}} "#).unwrap();
        assert_eq!(v.get("a").and_then(|a| a.arr()).map(|a| a.len()), Some(6));
        assert_eq!(v.get("a").unwrap().arr().unwrap()[1].num(), Some(-2500.0));
        assert_eq!(v.get("a").unwrap().arr().unwrap()[2].str(), Some("x\né😀"));
        assert!(v.get("b").unwrap().get("c").unwrap().arr().unwrap().is_empty());
        // Deep nesting needs no recursion.
        let deep = format!("{}1{}", "[".repeat(200_000), "]".repeat(200_000));
        assert!(parse(deep.as_bytes()).is_ok());
        assert!(parse(br#"{"a": [1, 2"#).unwrap_err().contains("truncated"));
        assert!(parse(br#"{"a" 1}"#).unwrap_err().contains("expected ':'"));
        assert!(parse(br#"[1 2]"#).unwrap_err().contains("expected ','"));
        assert!(parse(br#"[1] x"#).unwrap_err().contains("more text"));
        assert!(parse(br#""abc"#).unwrap_err().contains("never ends"));
        assert!(parse(b"").unwrap_err().contains("truncated"));
    }
}
