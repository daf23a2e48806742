//! The builder text importers share: interns strings, functions and
//! locations into a [`proto::ProfileHeader`] as a text profile is read, so
//! importers build the decode stage's output directly (no protobuf round
//! trip).

use crate::proto::{self, Function, Line, Location};
use std::collections::HashMap;

/// Interns strings, functions and locations while a text profile (a
/// goroutine dump, a Go `?debug=1` profile) is imported.
#[derive(Default)]
pub(crate) struct Importer {
    pub(crate) h: proto::ProfileHeader,
    strings: HashMap<String, i64>,
    functions: HashMap<(String, String), u64>,
    locations: HashMap<(u64, i64), u64>,
}

impl Importer {
    /// The sample types, ("type", "unit") pairs, and the period's type and value.
    pub(crate) fn types(&mut self, types: &[(&str, &str)], period_type: (&str, &str), period: i64) {
        for (t, u) in types {
            let vt = proto::ValueType { r#type: self.str(t), unit: self.str(u) };
            self.h.sample_type.push(vt);
        }
        self.h.period_type = Some(proto::ValueType { r#type: self.str(period_type.0), unit: self.str(period_type.1) });
        self.h.period = period;
    }

    /// The string's index, added to the table the first time.
    pub(crate) fn str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.strings.get(s) {
            return i;
        }
        let i = self.h.string_table.len() as i64;
        self.h.string_table.push(s.as_bytes().to_vec());
        self.strings.insert(s.to_string(), i);
        i
    }

    /// The function of a name and file, added the first time.
    pub(crate) fn function(&mut self, func: &str, file: &str) -> u64 {
        let key = (func.to_string(), file.to_string());
        if let Some(&id) = self.functions.get(&key) {
            return id;
        }
        let id = self.h.function.len() as u64 + 1;
        let (name, filename) = (self.str(func), self.str(file));
        self.h.function.push(Function { id, name, system_name: name, filename, start_line: 1 });
        self.functions.insert(key, id);
        id
    }

    /// The location of one frame named by function, file and line (a text
    /// names no binary: no mapping, no address), added the first time.
    pub(crate) fn location(&mut self, func: &str, file: &str, line: i64) -> u64 {
        let func = self.function(func, file);
        *self.locations.entry((func, line)).or_insert_with(|| {
            let id = self.h.location.len() as u64 + 1;
            self.h.location.push(Location {
                id,
                mapping_id: 0,
                address: 0,
                line: vec![Line { function_id: func, line }],
                is_folded: false,
            });
            id
        })
    }
}
