//! Records: every record type this crate decodes, by family, and the record table that
//! dispatches an Event Data record to the view of its layout.
//!
//! Each family is one file, and each file is one `layouts!` declaration: the family's layouts
//! (the wire structures, field by field) and its rows of the record table (which record types
//! use which layouts). Everything else is generated from those rows, once for the whole table:
//! the [`Record`] enum and the enums of its multi-layout variants ([`IntrusionEvent`],
//! [`ConnectionEvent`], ...), the dispatch on the record type and on the block type found on
//! the wire, [`Record::parts`], the typed visits, the [catalogue](CATALOGUE) and the
//! list of every layout ([`LAYOUTS`]). Adding a record layout is one edit in one family file.
//!
//! | Family | Records |
//! |---|---|
//! | [`intrusion`] | intrusion event (400) in blocks 41, 60, 81, 85; packet (2); extra data (110, 111); impact alert (9) |
//! | [`connection`] | connection statistics (71) in blocks 160-174; connection chunk (73) |
//! | [`file_malware`] | file events (500, 502) in blocks 56, 79; malware event (125) in blocks 62, 80 |
//! | [`discovery`] | the discovery event header; host, server, client and user-input discovery records; correlation event (112) |
//! | [`user`] | user (62, 98); user activity and VPN records |
//! | [`metadata`] | rule message (66, 5), classification (67), priority (4) and every other name a code or UUID is rendered with |
//!
//! Records whose body is a block are dispatched on the block type on the wire, never on a
//! configured version (intrusion blocks 81/85 insert a byte at offset 84, so reading them with
//! another layout misreads every later field). A block type this crate has no layout for yields
//! the raw block; a record type it has no layout for yields the raw record. Both re-encode
//! bit-exact. A known layout whose bytes are malformed is an error for that record only.
//!
//! # The declaration
//!
//! A family file reads:
//!
//! ```text
//! layouts! {
//!     family NAME;
//!
//!     /// Documentation of the layout.
//!     mod MODULE;
//!     name = "NAME", block = Some(TYPE) | None, series = One | Two;
//!     { /// doc
//!       FIELD: KIND, ... }                  // the fields, in wire order
//!
//!     mod MODULE; name = ..;
//!     from BASE;                            // BASE's fields
//!     from BASE until FIELD;                // BASE's fields before FIELD
//!     from BASE { after FIELD { ... } end { ... } }   // inserted after FIELD, appended
//!
//!     /// Documentation of the variant.
//!     record N "Name", N "Name" as Variant [with type]: [discovery] SHAPE;
//! }
//! ```
//!
//! A field's `KIND` is one of [`Kind`](crate::layout::Kind)'s, written in snake case
//! (`u32`, `ip16`, `uuid`, `string`, `text32`, `bytes[16]`, `block(path)`, `list(path)`, ...).
//! Field documentation never gives the offset: each field whose offset is fixed gets
//! "Offset N:" generated (from the start of the block, its type field, for block layouts; of
//! the body otherwise). Each layout module `m` holds `LAYOUT`, `FIELDS`, the typed zero-copy
//! `View` and the encodable `Repr`, and the family declares the aliases `<M>View` and `<M>Repr`
//! beside it ([`metadata::RuleMessageView`], [`intrusion::IntrusionEvent85View`], ...).
//!
//! A row's `SHAPE` is `fields L` (the body is layout `L`'s fields), `block L` or
//! `block [L, ...]` (the body is one block, decoded with the layout of its wire type) or
//! `block { V L, ... }` (the same, each layout a variant `V` of the row's own enum).
//! `discovery` puts the discovery event header first. A row `as Variant` gets a typed variant
//! of [`Record`] (`with type`: with its [`RecordType`], for rows of several record types); a row
//! without one decodes as [`Record::Generic`], walked through its layouts.

use crate::block::Block;
use crate::error::DecodeError;
use crate::frame::{EventData, RecordType};
use crate::layout::{Layout, Value, Walked};

pub mod catalogue;
pub mod types;

#[macro_use]
pub mod intrusion;
#[macro_use]
pub mod connection;
#[macro_use]
pub mod file_malware;
#[macro_use]
pub mod discovery;
#[macro_use]
pub mod user;
#[macro_use]
pub mod metadata;

pub use catalogue::{Entry, Shape};

// The record table: each family's macro hands its rows on to the next, the last to
// `records_table!`, which builds the table from all of them.
__records_intrusion! {
    [__records_connection, __records_file_malware, __records_discovery, __records_user,
     __records_metadata, records_table]
}

/// A catalogued record decoded through its layouts (see [`catalogue`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generic<'a> {
    /// The record type.
    pub record_type: RecordType,
    /// The discovery event header, for shapes that start with it.
    pub prefix: Option<RecordParts<'a>>,
    /// The fields, or the raw block when its type has no layout.
    pub main: Result<RecordParts<'a>, Block<'a>>,
}

impl<'a> Generic<'a> {
    fn decode(
        t: RecordType,
        shape: &Shape,
        body: &'a [u8],
        base: usize,
    ) -> Result<Self, DecodeError> {
        let (prefix, rest, at) = if shape.has_discovery_header() {
            let h = discovery::discovery_header::View::parse(body, base)?;
            let n = h.fields_len();
            let parts = RecordParts {
                layout: &discovery::discovery_header::LAYOUT,
                bytes: body.get(..n).unwrap_or_default(),
                offset: base,
            };
            (Some(parts), h.trailing(), base + n)
        } else {
            (None, body, base)
        };
        let checked = |layout: &'static Layout, bytes: &'a [u8], offset: usize| {
            crate::layout::walk(layout, bytes, offset, |_, _, _| {}).map(|_| RecordParts {
                layout,
                bytes,
                offset,
            })
        };
        let main = match shape {
            Shape::Body(l) | Shape::DiscoveryBody(l) => Ok(checked(l, rest, at)?),
            Shape::Block(ls) | Shape::DiscoveryBlock(ls) => {
                let b = Block::parse_exact(rest, at)?;
                match ls.iter().find(|l| l.block_type == Some(b.block_type)) {
                    Some(l) => Ok(checked(l, b.data, b.data_offset())?),
                    None => Err(b),
                }
            }
        };
        Ok(Generic {
            record_type: t,
            prefix,
            main,
        })
    }
}

impl<'a> Record<'a> {
    /// Decodes the body of an Event Data record.
    ///
    /// A `Record` is up to 152 bytes (a connection event holds two views). When it is only
    /// read, bind it by reference where it was returned rather than moving it out of the
    /// `Result`: `let Ok(r) = &Record::decode(&d) else { .. }`. The move is a 152-byte copy
    /// per record, about a tenth of the cost of decoding one and reading every field.
    #[inline]
    pub fn decode(rec: &EventData<'a>) -> Result<Record<'a>, DecodeError> {
        Self::decode_body(rec.record_type(), rec.body, rec.body_offset())
    }

    /// Calls `f(name, value)` for every field of the header that precedes the record's block
    /// (see [`prefix`](Self::prefix)): the same as `prefix().for_each(f)`, through the typed
    /// view where there is one. Does nothing when there is no such header.
    #[inline]
    pub fn visit_prefix(&self, f: impl FnMut(&'static str, Value<'a>)) {
        if let Some(h) = self.typed_header() {
            h.visit_data(f);
        } else if let Record::Generic(Generic {
            prefix: Some(p), ..
        }) = self
        {
            let _ = p.for_each(f);
        }
    }

    /// [`visit_prefix`](Self::visit_prefix) with each field's index in the prefix layout's
    /// fields instead of its name.
    #[inline]
    pub fn visit_prefix_indexed(&self, f: impl FnMut(usize, Value<'a>)) {
        if let Some(h) = self.typed_header() {
            h.visit_data_indexed(f);
        } else if let Record::Generic(Generic {
            prefix: Some(p), ..
        }) = self
        {
            let _ = p.for_each_indexed(f);
        }
    }

    /// A header that precedes the record's block (the discovery event header of discovery,
    /// user and connection records), as parts to walk.
    pub fn prefix(&self) -> Option<RecordParts<'a>> {
        if let Some(h) = self.typed_header() {
            return Some(RecordParts {
                layout: &discovery::discovery_header::LAYOUT,
                bytes: h.bytes().get(..h.fields_len()).unwrap_or_default(),
                offset: h.offset(),
            });
        }
        match self {
            Record::Generic(g) => g.prefix,
            _ => None,
        }
    }
}

impl PartialEq for RecordParts<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.layout == other.layout && self.bytes == other.bytes
    }
}

#[cfg(feature = "alloc")]
impl Record<'_> {
    /// Encodes the record body (what follows the record header) through its layouts: every
    /// typed or generic record is written from its field values (lengths recomputed), raw blocks
    /// and unknown records verbatim. For a record decoded from canonical bytes this reproduces
    /// them exactly.
    pub fn encode_body(&self, out: &mut alloc::vec::Vec<u8>) -> Result<(), crate::EncodeError> {
        if let Some(pre) = self.prefix() {
            pre.encode(out)?;
        }
        if let Some(parts) = self.parts() {
            return parts.encode(out);
        }
        if let Some(b) = self.raw_block() {
            return crate::encode_block(out, b.block_type, |o| {
                o.extend_from_slice(b.data);
                Ok(())
            });
        }
        if let Record::Unknown(_, body) = self {
            out.extend_from_slice(body);
        }
        Ok(())
    }
}

/// What a generic consumer needs to walk a typed record's fields. Equality compares the
/// layout and the bytes; the position they were decoded at is ignored.
#[derive(Debug, Clone, Copy, Eq)]
pub struct RecordParts<'a> {
    /// The layout.
    pub layout: &'static Layout,
    /// The bytes the fields cover (for a block layout: the block's data after its header),
    /// trailing bytes included.
    pub bytes: &'a [u8],
    /// Absolute offset of `bytes`.
    pub offset: usize,
}

impl<'a> RecordParts<'a> {
    /// Walks every data field: `f(name, value)`. A u16 length whose text comes later (record
    /// 66's message length) is not passed: the text carries it, and its name would repeat the
    /// message header's `message_length`. Returns the end of the fields (trailing bytes follow).
    /// The view was validated, so this does not fail on a view's own bytes.
    pub fn for_each(&self, f: impl FnMut(&'static str, Value<'a>)) -> Result<Walked, DecodeError> {
        crate::layout::for_each_data_field(self.layout, self.bytes, self.offset, f)
    }

    /// [`for_each`](Self::for_each) with each field's index in [`Layout::fields`] instead of
    /// its name.
    pub fn for_each_indexed(
        &self,
        mut f: impl FnMut(usize, Value<'a>),
    ) -> Result<Walked, DecodeError> {
        let fields = self.layout.fields;
        crate::layout::walk(self.layout, self.bytes, self.offset, |i, _, v| {
            if fields
                .get(i)
                .is_some_and(|fld| fld.kind != crate::layout::Kind::Len16)
            {
                f(i, v);
            }
        })
    }

    /// Writes the fields back through the layout (for a block layout, with its header and a
    /// recomputed length), then the trailing bytes.
    #[cfg(feature = "alloc")]
    pub fn encode(&self, out: &mut alloc::vec::Vec<u8>) -> Result<(), crate::EncodeError> {
        let mut values = alloc::vec::Vec::with_capacity(self.layout.fields.len());
        let walked = crate::layout::walk(self.layout, self.bytes, self.offset, |_, _, v| {
            values.push(v)
        })
        .map_err(|_| crate::EncodeError::LengthOverflow { length: 0, max: 0 })?;
        let trailing = self.bytes.get(walked.end..).unwrap_or_default();
        crate::layout::encode_fields(self.layout, &values, trailing, out)
    }

    /// Bytes after the last field.
    pub fn trailing(&self) -> Result<&'a [u8], DecodeError> {
        let w = self.for_each(|_, _| {})?;
        Ok(self.bytes.get(w.end..).unwrap_or_default())
    }
}

/// A typed view's validation (`View::parse`, unrolled per layout) must accept exactly what the
/// generic layout walk accepts, and fail with the walk's error: checked by decoding every record
/// of the `testdata/` vectors both ways, whole, cut at every length and with bytes overwritten.
#[cfg(test)]
#[cfg(feature = "std")]
mod validation_matches_walk {
    extern crate std;
    use std::path::{Path, PathBuf};
    use std::vec::Vec;
    use std::{format, fs, string::String};

    use super::{Generic, Record};
    use crate::{Body, DecodeOptions, HeaderMode, Message, Messages, RecordType};

    fn hex_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                hex_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "hex") {
                out.push(p);
            }
        }
    }

    /// The bytes of a vector (hex pairs; `#` starts a comment) and its `# mode:`.
    fn load(p: &Path) -> (Vec<u8>, HeaderMode) {
        let text = fs::read_to_string(p).unwrap_or_default();
        let mut mode = HeaderMode::Auto;
        let mut hex = String::new();
        for line in text.lines() {
            if let Some(m) = line.strip_prefix("# mode:") {
                mode = match m.trim() {
                    "standard" => HeaderMode::Standard,
                    "extended" => HeaderMode::Extended,
                    _ => HeaderMode::Auto,
                };
            }
            let code = line.split('#').next().unwrap_or("");
            hex.extend(code.chars().filter(char::is_ascii_hexdigit));
        }
        let bytes = hex
            .as_bytes()
            .chunks(2)
            .filter_map(|c| u8::from_str_radix(core::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        (bytes, mode)
    }

    /// Typed and generic decoding of one body agree on success, and on the error.
    fn agree(t: RecordType, body: &[u8], base: usize, what: &dyn Fn() -> String) -> bool {
        let Some(entry) = crate::records::catalogue::lookup(t.0) else {
            return false;
        };
        let typed = Record::decode_body(t, body, base);
        if matches!(typed, Ok(Record::Generic(_))) {
            return false;
        }
        let generic = Generic::decode(t, &entry.shape, body, base);
        match (&typed, &generic) {
            (Ok(_), Ok(_)) => {}
            (Err(a), Err(b)) => assert_eq!(a, b, "{}", what()),
            _ => panic!(
                "{}: typed {:?} but walked {:?}",
                what(),
                typed.map(|_| ()),
                generic.map(|_| ())
            ),
        }
        true
    }

    fn records<'a>(
        m: &Message<'a>,
        mode: HeaderMode,
        out: &mut Vec<(RecordType, &'a [u8], usize)>,
    ) {
        match m.decode_body(mode) {
            Ok(Body::EventData(d)) => out.push((d.record_type(), d.body, d.body_offset())),
            Ok(Body::Bundle(b)) => {
                for inner in b.messages().flatten() {
                    records(&inner, mode, out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_vector_record_whole_cut_and_overwritten() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let mut files = Vec::new();
        hex_files(&root, &mut files);
        files.sort();
        assert!(files.len() > 50, "testdata not found at {}", root.display());
        let (mut checked, mut variants) = (0usize, 0usize);
        for f in &files {
            let (bytes, mode) = load(f);
            let mut recs = Vec::new();
            for m in Messages::new(&bytes, DecodeOptions::default()).flatten() {
                records(&m, mode, &mut recs);
            }
            for &(t, body, base) in &recs {
                let name = || format!("{} record {}", f.display(), t.0);
                if !agree(t, body, base, &|| name()) {
                    continue;
                }
                checked += 1;
                for cut in 0..body.len() {
                    let what = || format!("{} cut at {cut}", name());
                    agree(t, body.get(..cut).unwrap_or_default(), base, &what);
                    variants += 1;
                }
                let mut copy = body.to_vec();
                for i in 0..body.len() {
                    let was = copy.get(i).copied().unwrap_or(0);
                    for v in [0x00, 0x01, 0x07, 0x08, 0x09, 0x10, 0x7f, 0xff, was ^ 0x80] {
                        if let Some(b) = copy.get_mut(i) {
                            *b = v;
                        }
                        let what = || format!("{} byte {i} = {v:#04x}", name());
                        agree(t, &copy, base, &what);
                        variants += 1;
                    }
                    if let Some(b) = copy.get_mut(i) {
                        *b = was;
                    }
                }
            }
        }
        assert!(checked >= 60, "only {checked} typed records in the vectors");
        assert!(variants > 100_000, "only {variants} variants");
        std::eprintln!("{checked} records, {variants} variants");
    }
}
