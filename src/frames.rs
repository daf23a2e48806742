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
