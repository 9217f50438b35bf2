//! `serde::Serialize` for decoded values, views and records (feature `serde`), for users who
//! bring their own serializer. The project's JSON Lines schema is the `estreamer-json` crate's;
//! this is the plain form of the same data:
//!
//! * a view or a nested block: a map of its data fields in wire order (a length field that its
//!   text carries is left out), then `trailing` (hex) when bytes follow the last field;
//! * numbers as numbers; IPv4, 16-byte addresses, UUIDs and MACs in their text form; text as a
//!   string (invalid UTF-8 replaced); opaque bytes as lowercase hex; an absent optional field
//!   as none; a list of blocks as a sequence of maps;
//! * a [`Located`] record: `record_type`, `position`, `record`;
//! * a [`Record`]: `layout` (its name, when it has one),
//!   `header` (the fields of the header before its block, when there is one), then `fields`,
//!   or for a block without a layout here `block_type` and `data` (hex); an unknown record:
//!   `data` alone.

use core::fmt::Write as _;
use std::string::String;

use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};

use super::{Nested, Value};
use crate::records::Record;
use crate::stream::Located;

/// Bytes as lowercase hex.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = String::with_capacity(self.0.len() * 2);
        for b in self.0 {
            let _ = write!(out, "{b:02x}");
        }
        s.serialize_str(&out)
    }
}

/// Text form of a value that has one.
struct Shown<T>(T);

impl<T: core::fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::U8(v) => s.serialize_u8(v),
            Value::U16(v) => s.serialize_u16(v),
            Value::U32(v) => s.serialize_u32(v),
            Value::U64(v) => s.serialize_u64(v),
            Value::I32(v) => s.serialize_i32(v),
            Value::Ipv4(v) => s.collect_str(&v),
            Value::Ip16(v) => Shown(v).serialize(s),
            Value::Uuid(v) => Shown(v).serialize(s),
            Value::Mac(v) => Shown(v).serialize(s),
            Value::Bytes(b) => Hex(b).serialize(s),
            Value::Text(t) => s.collect_str(&t),
            Value::Computed | Value::Absent => s.serialize_none(),
            Value::Nested(n) => n.serialize(s),
        }
    }
}

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_list {
            let mut seq = s.serialize_seq(None)?;
            for item in self.items() {
                seq.serialize_element(&item)?;
            }
            return seq.end();
        }
        let mut failed = None;
        let mut map = s.serialize_map(None)?;
        let walked = self.for_each(|name, v| {
            if failed.is_none() {
                failed = map.serialize_entry(name, &v).err();
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        walked.map_err(S::Error::custom)?;
        map.end()
    }
}

/// A map of the fields `visit` passes, then `trailing`.
pub(crate) fn fields<'a, S: Serializer>(
    s: S,
    visit: impl FnOnce(&mut dyn FnMut(&'static str, Value<'a>)),
    trailing: &[u8],
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    let mut failed = None;
    visit(&mut |name, v| {
        if failed.is_none() {
            failed = map.serialize_entry(name, &v).err();
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    if !trailing.is_empty() {
        map.serialize_entry("trailing", &Hex(trailing))?;
    }
    map.end()
}

/// The header fields of a record (see the module documentation).
struct Header<'r, 'a>(&'r Record<'a>);

impl Serialize for Header<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fields(s, |f| self.0.visit_prefix(f), &[])
    }
}

/// The body fields of a record.
struct Body<'r, 'a>(&'r Record<'a>);

impl Serialize for Body<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let trailing = self.0.parts().and_then(|p| p.trailing().ok());
        fields(
            s,
            |f| {
                self.0.visit_fields(f);
            },
            trailing.unwrap_or_default(),
        )
    }
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            Record::Unknown(_, body) => map.serialize_entry("data", &Hex(body))?,
            _ => {
                if let Some(p) = self.parts() {
                    map.serialize_entry("layout", p.layout.name)?;
                }
                if self.prefix().is_some() {
                    map.serialize_entry("header", &Header(self))?;
                }
                match self.raw_block() {
                    Some(b) => {
                        map.serialize_entry("block_type", &b.block_type)?;
                        map.serialize_entry("data", &Hex(b.data))?;
                    }
                    None => map.serialize_entry("fields", &Body(self))?,
                }
            }
        }
        map.end()
    }
}

impl Serialize for Located<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("record_type", &self.event.record_type().0)?;
        map.serialize_entry("position", &self.position)?;
        map.serialize_entry("record", &self.record)?;
        map.end()
    }
}
