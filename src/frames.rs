//! Ground floor: what a frame's name says about Go programs, shared by the
//! goroutine-dump importer and the reports: whether a function is the
//! program's own code, and what runtime wait a stack is blocked in.

/// True when `name` looks like the program's own code rather than a
/// standard library or runtime frame: Go packages of the standard library
/// have no dot in their first path element (`fmt`, `runtime/pprof`), the
/// program's are `main` or live under a domain (`example.com/svc/...`).
/// Names without a package (other languages) count as own code.
pub fn is_own_code(name: &str) -> bool {
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let Some(dot) = name[last_slash..].find('.') else { return true };
    let pkg = &name[..last_slash + dot];
    if pkg.contains(' ') || pkg.contains('(') {
        return true;
    }
    pkg == "main" || pkg.split('/').next().is_some_and(|first| first.contains('.'))
}

/// The wait a goroutine stack is in, named from its runtime frames.
pub fn blocked_on<S: AsRef<str>>(frames: &[S]) -> String {
    // The sync primitive a goroutine waits in, named as Go 1.20 and later
    // name the wait (older Go says "semacquire" for all of them).
    let sync = frames.iter().find_map(|n| {
        let n = n.as_ref();
        Some(match n {
            "sync.(*WaitGroup).Wait" => "sync.WaitGroup.Wait",
            "sync.(*Cond).Wait" => "sync.Cond.Wait",
            "sync.(*Mutex).Lock" | "sync.(*Mutex).lockSlow" => "sync.Mutex.Lock",
            "sync.(*RWMutex).Lock" => "sync.RWMutex.Lock",
            "sync.(*RWMutex).RLock" => "sync.RWMutex.RLock",
            _ => return None,
        })
    });
    if let Some(s) = sync {
        return s.to_string();
    }
    frames
        .iter()
        .find_map(|n| {
            let n = n.as_ref();
            Some(match n {
                _ if n.starts_with("runtime.chanrecv") => "chan receive",
                _ if n.starts_with("runtime.chansend") => "chan send",
                "runtime.selectgo" | "runtime.block" => "select",
                _ if n.starts_with("sync.(*Mutex)") || n.starts_with("sync.(*RWMutex)") => "mutex",
                _ if n.starts_with("sync.runtime_Semacquire") || n.starts_with("runtime.semacquire") => {
                    "semaphore (sync)"
                }
                _ if n.starts_with("internal/poll.") || n == "runtime.netpollblock" => "IO wait",
                "time.Sleep" => "sleep",
                "sync.runtime_notifyListWait" => "sync.Cond wait",
                _ => return None,
            })
        })
        .unwrap_or("")
        .to_string()
}

/// The name pprof's symbolizer gives a function whose name is empty or its
/// system name (`demangleSingleFunction` with the default options, for a
/// name that is not mangled): a name that looks like demangled C++ (it has
/// `<>[]` or `::`, and is neither Java's `class.<init>` nor a Go generic
/// method `(*T[…]).M`) loses its parenthesised and then its angle-bracketed
/// parts. Names mangled by a compiler (`_Z…`, `_R…`) are kept as they are:
/// pprof demangles them, pprof-lens does not yet.
pub fn symbolizer_name(system: &str) -> std::borrow::Cow<'_, str> {
    let looks_cpp = !system.contains(".<")
        && !system.contains("]).")
        && (system.contains(['<', '>', '[', ']']) || system.contains("::"));
    if !looks_cpp {
        return std::borrow::Cow::Borrowed(system);
    }
    let name = remove_matching(system, b'(', b')');
    std::borrow::Cow::Owned(remove_matching(&name, b'<', b'>'))
}

/// pprof's `removeMatching`: drops each outermost `start…end` span,
/// nested ones with it; an unmatched `end` leaves the name as it is.
fn remove_matching(name: &str, start: u8, end: u8) -> String {
    let mut name = name.as_bytes().to_vec();
    let (mut nesting, mut first, mut current) = (0i64, 0usize, 0usize);
    while let Some(index) = name[current..].iter().position(|&b| b == start || b == end) {
        current += index;
        if name[current] == start {
            nesting += 1;
            if nesting == 1 {
                first = current;
            }
        } else {
            nesting -= 1;
            if nesting < 0 {
                return String::from_utf8_lossy(&name).into_owned();
            }
            if nesting == 0 {
                name.drain(first..=current);
                current = first;
                continue;
            }
        }
        current += 1;
    }
    // Only ASCII bytes were removed from a valid string.
    String::from_utf8(name).unwrap_or_default()
}

#[cfg(test)]
mod name_tests {
    use super::symbolizer_name;

    #[test]
    fn every_branch_of_pprofs_name_rule() {
        let cases = [
            // C++ demangled: parameters, then template arguments, go.
            ("ns::Foo::bar(int, char const*)", "ns::Foo::bar"),
            ("std::vector<int, std::allocator<int> >::push_back(int const&)", "std::vector::push_back"),
            ("Foo::operator()(int) const", "Foo::operator const"),
            // Go generics whose shape has a method set.
            (
                "loser.New[go.shape.uint64,go.shape.interface { At() storage.SeriesRef; Err() error; Next() bool }]",
                "loser.New[go.shape.uint64,go.shape.interface { At storage.SeriesRef; Err error; Next bool }]",
            ),
            // Go generic methods and Java constructors are left alone.
            ("main.(*Cache[...]).Put", "main.(*Cache[...]).Put"),
            ("java.lang.Thread.<init>(java.lang.Runnable)", "java.lang.Thread.<init>(java.lang.Runnable)"),
            // Plain names, and unbalanced ones, stay.
            ("main.(*Server).handle", "main.(*Server).handle"),
            ("a::b)c(d", "a::b)c(d"),
            ("a::b(c", "a::b(c"),
        ];
        for (system, want) in cases {
            assert_eq!(symbolizer_name(system), want, "{system}");
        }
    }
}
