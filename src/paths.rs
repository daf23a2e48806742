//! Ground floor: pprof's rules for source file paths (its `trimPath` and
//! `openSourceFile`, with Go's `filepath` semantics on Unix): which prefix a
//! profile's file name loses, and where a source file is looked for. Pure
//! string functions, so the CLI (reading the disk) and the page (matching a
//! folder the user picked) follow the same rules.

/// The `-source_path` and `-trim_path` a view was asked with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourcePaths {
    /// Roots to look for sources in, `:`-separated (pprof's `-source_path`).
    pub search: String,
    /// Prefixes to trim from profile paths, `:`-separated (`-trim_path`).
    pub trim: String,
}

impl SourcePaths {
    /// pprof's `trimPath`: without `-trim_path`, everything up to and
    /// including the first `/<base of a search root>/` goes; then the
    /// configured prefixes and `/proc/self/cwd/` are trimmed.
    pub fn trim(&self, path: &str) -> String {
        if self.trim.is_empty() {
            for dir in split_list(&self.search) {
                let want = format!("/{}/", base(dir));
                if let Some(found) = path.find(&want) {
                    return path[found + want.len()..].to_string();
                }
            }
        }
        let mut prefixes: Vec<String> = split_list(&self.trim).map(String::from).collect();
        prefixes.push("/proc/self/cwd/./".into());
        prefixes.push("/proc/self/cwd/".into());
        for mut t in prefixes {
            if !t.ends_with('/') {
                t.push('/');
            }
            if let Some(rest) = path.strip_prefix(t.as_str()) {
                return rest.to_string();
            }
        }
        path.to_string()
    }

    /// Where pprof's `openSourceFile` looks for the file a profile calls
    /// `path`, in order: the trimmed path itself when it is absolute, else
    /// under each search root and each of the root's parents.
    pub fn candidates(&self, path: &str) -> Vec<String> {
        let path = self.trim(path);
        if path.starts_with('/') {
            return vec![path];
        }
        let mut out = Vec::new();
        for root in split_list(&self.search) {
            let mut dir = root.to_string();
            loop {
                out.push(join(&dir, &path));
                let parent = dir_of(&dir);
                if parent == dir {
                    break;
                }
                dir = parent;
            }
        }
        out
    }

    /// pprof's sentence when no candidate exists.
    pub fn not_found(&self, path: &str) -> String {
        let trimmed = self.trim(path);
        if trimmed.starts_with('/') {
            format!("open {trimmed}: no such file or directory")
        } else {
            format!("could not find file {trimmed} on path {}", self.search)
        }
    }
}

/// Go's `filepath.SplitList`: "" is no entry.
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    (!s.is_empty()).then(|| s.split(':')).into_iter().flatten()
}

/// Go's `filepath.Base`.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir`.
fn dir_of(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    let d = clean_path(&p[..cut]);
    if d.is_empty() {
        ".".into()
    } else {
        d
    }
}

/// Go's `filepath.Join` of two elements.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean_path(b),
        (false, true) => clean_path(a),
        (false, false) => clean_path(&format!("{a}/{b}")),
    }
}

/// Go's `filepath.Clean` (Unix).
pub fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|&l| l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(search: &str, trim: &str) -> SourcePaths {
        SourcePaths { search: search.into(), trim: trim.into() }
    }

    #[test]
    fn trims_like_pprof() {
        // The base of a search root found in the path: everything up to it goes.
        assert_eq!(sp("/home/me/my-project", "").trim("/build/x/my-project/foo/bar.c"), "foo/bar.c");
        assert_eq!(sp("src", "").trim("example.com/leaky/main.go"), "example.com/leaky/main.go");
        // Configured prefixes (then the heuristic is off), and /proc/self/cwd.
        assert_eq!(sp("/home/me/my-project", "/build/x").trim("/build/x/my-project/foo/bar.c"), "my-project/foo/bar.c");
        assert_eq!(sp("", "").trim("/proc/self/cwd/./a.go"), "a.go");
        assert_eq!(sp("", "/a:/b/").trim("/b/c.go"), "c.go");
    }

    #[test]
    fn looks_under_each_root_and_its_parents() {
        assert_eq!(
            sp("src", "").candidates("example.com/leaky/main.go"),
            ["src/example.com/leaky/main.go", "example.com/leaky/main.go"]
        );
        assert_eq!(
            sp("/r/a:/s", "").candidates("x/y.go"),
            ["/r/a/x/y.go", "/r/x/y.go", "/x/y.go", "/s/x/y.go", "/x/y.go"]
        );
        assert_eq!(
            sp("nowhere", "").not_found("example.com/leaky/main.go"),
            "could not find file example.com/leaky/main.go on path nowhere"
        );
        assert_eq!(sp("", "").candidates("/abs/f.go"), ["/abs/f.go"]);
        assert_eq!(sp("", "").not_found("/abs/f.go"), "open /abs/f.go: no such file or directory");
        assert_eq!(
            (dir_of("src"), dir_of("/a"), dir_of("/"), dir_of("a/b/")),
            (".".into(), "/".into(), "/".into(), "a/b".into())
        );
    }
}
