//! The one error type of the core: a kind the caller can match on, and a
//! sentence a user can read.

use std::fmt;

/// What went wrong, coarsely; the message says precisely.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input had no bytes.
    Empty,
    /// The bytes are not a pprof profile at all (an image, JSON, text...).
    NotAProfile,
    /// A gzip stream that is corrupt (bad header, bad deflate data, bad checksum).
    CorruptGzip,
    /// A gzip stream that ends before it is complete.
    TruncatedGzip,
    /// A size limit was reached (decompressed bytes, samples, stack depth).
    TooLarge,
    /// The protobuf encoding is broken or truncated.
    Protobuf,
    /// The protobuf decodes but its contents are inconsistent (ids, indices, counts).
    Invalid,
    /// The user's request cannot be satisfied (unknown sample type, bad regex...).
    BadQuery,
    /// Several profiles cannot be combined (different sample types...).
    Incompatible,
}

/// An error with a kind and a human sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What is wrong, as a sentence for the user.
    pub message: String,
    /// For a refused request, the field that failed (`"focus"`, `"tagfocus"`…),
    /// so a form can show the sentence next to it.
    pub field: Option<&'static str>,
}

impl Error {
    /// Makes an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), field: None }
    }

    /// The same error, naming the request field that failed.
    pub fn in_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// A short name of the kind, for the page ("bad-query", "incompatible"…).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            ErrorKind::Empty => "empty",
            ErrorKind::NotAProfile => "not-a-profile",
            ErrorKind::CorruptGzip => "corrupt-gzip",
            ErrorKind::TruncatedGzip => "truncated-gzip",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::Protobuf => "protobuf",
            ErrorKind::Invalid => "invalid",
            ErrorKind::BadQuery => "bad-query",
            ErrorKind::Incompatible => "incompatible",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Formats a byte count for messages: "512 B", "1.2 MB", "2 GiB".
pub fn human_bytes(n: u64) -> String {
    const GIB: u64 = 1 << 30;
    if n >= GIB && n.is_multiple_of(GIB) {
        return format!("{} GiB", n / GIB);
    }
    if n >= 1_000_000_000 {
        format!("{:.1} GB", n as f64 / 1e9)
    } else if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else if n >= 1_000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        format!("{} B", n)
    }
}
