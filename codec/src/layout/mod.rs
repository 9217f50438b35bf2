//! Declarative record and block layouts: one description per layout drives decoding, encoding,
//! JSON output, the coverage catalogue and the tests.
//!
//! A [`Layout`] is a static list of [`Field`]s (name and wire [`Kind`]). From it:
//!
//! * [`walk`] decodes any layout generically, zero-copy, into [`Value`]s (the JSON writer and the
//!   catalogue use this);
//! * [`encode_fields`] writes values back, computing every length;
//! * the `layout!` macro, given the same field list once, also generates a typed view
//!   (`View<'a>`) with one accessor per field - fixed-offset fields are read at compile-time
//!   offsets, fields after the first variable-length one at offsets found once when the view is
//!   built - and an owned representation (`Repr<'a>`) that encodes.
//!
//! Strictness: a field that runs past the end of its record or block is an error at that
//! field's absolute offset; a nested String or BLOB block must carry its primitive type;
//! bytes after the last field are kept as `trailing` and re-encoded verbatim, so a newer
//! layout that only appends still round-trips bit-exact.

use core::net::Ipv4Addr;

use crate::error::{DecodeError, ErrorKind};
use crate::frame::wire::BlockHeader;
use crate::parse::sat32;
use crate::values::Text;
use crate::values::{Ip16, Mac, Uuid};

/// The wire type of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// u8.
    U8,
    /// Big-endian u16.
    U16,
    /// Big-endian u32.
    U32,
    /// Big-endian u64.
    U64,
    /// Big-endian signed 32-bit.
    I32,
    /// 4-byte IPv4 address.
    Ipv4,
    /// 16-byte address (IPv6 or IPv4-mapped).
    Ip16,
    /// 16-byte UUID.
    Uuid,
    /// 6-byte MAC address.
    Mac,
    /// Fixed-size opaque bytes.
    Bytes(usize),
    /// A nested String block: `u32 type (0), u32 length (incl. 8), text`.
    StringBlock,
    /// A nested BLOB block: `u32 type (1 in series 2, 10 in series 1), u32 length, bytes`.
    BlobBlock,
    /// Inline text after a u16 length.
    Text16,
    /// Inline text after a u32 length.
    Text32,
    /// Inline opaque bytes after a u32 length.
    Bytes32,
    /// A u16 length whose text comes later, in the next [`Kind::Counted`] field.
    Len16,
    /// Text whose length was given by the previous [`Kind::Len16`] field.
    Counted,
    /// A u32 holding the length of the whole structure, from its first field to its end
    /// (for records whose body is a block of a type the layout does not fix; docs/protocol.md Appendix C.11, C.13).
    /// Decoding requires it to equal the body length; encoding computes it.
    BlockLen,
    /// A 16-byte address present only when the u8 at the given offset (from the start of the
    /// layout's data) is 1: the discovery event header's IPv6 Address (docs/protocol.md §6.5).
    OptIp16(usize),
    /// A nested block of the given layout (its type must match when the layout fixes one).
    Block(&'static Layout),
    /// A List block (series 1: type 11 or 31; series 2: type 2 or 3) whose items are blocks of
    /// the given layout.
    List(&'static Layout),
}

impl Kind {
    /// The size on the wire when it does not depend on the data.
    pub const fn fixed_size(self) -> Option<usize> {
        match self {
            Kind::U8 => Some(1),
            Kind::U16 | Kind::Len16 => Some(2),
            Kind::U32 | Kind::I32 | Kind::Ipv4 | Kind::BlockLen => Some(4),
            Kind::U64 => Some(8),
            Kind::Ip16 | Kind::Uuid => Some(16),
            Kind::Mac => Some(6),
            Kind::Bytes(n) => Some(n),
            Kind::StringBlock
            | Kind::BlobBlock
            | Kind::Text16
            | Kind::Text32
            | Kind::Bytes32
            | Kind::Counted
            | Kind::OptIp16(_)
            | Kind::Block(_)
            | Kind::List(_) => None,
        }
    }

    /// A short name for tables.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::U8 => "u8",
            Kind::U16 => "u16",
            Kind::U32 => "u32",
            Kind::U64 => "u64",
            Kind::I32 => "i32",
            Kind::Ipv4 => "ip4",
            Kind::Ip16 => "ip16",
            Kind::Uuid => "uuid",
            Kind::Mac => "mac",
            Kind::Bytes(_) => "bytes",
            Kind::StringBlock => "string block",
            Kind::BlobBlock => "blob block",
            Kind::Text16 => "u16 + text",
            Kind::Text32 => "u32 + text",
            Kind::Bytes32 => "u32 + bytes",
            Kind::Len16 => "u16 length",
            Kind::Counted => "text",
            Kind::BlockLen => "u32 length",
            Kind::OptIp16(_) => "optional ip16",
            Kind::Block(_) => "block",
            Kind::List(_) => "list",
        }
    }
}

/// One field of a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field {
    /// snake_case name, as in the JSON output.
    pub name: &'static str,
    /// Wire type.
    pub kind: Kind,
    /// What the field means (its documentation in the layout table, one paragraph).
    pub doc: &'static str,
}

/// Block series, which decides the BLOB primitive's type number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    /// Series 1 (BLOB = 10).
    One,
    /// Series 2 (BLOB = 1).
    Two,
}

impl Series {
    /// The BLOB primitive's block type in this series.
    pub const fn blob_type(self) -> u32 {
        match self {
            Series::One => 10,
            Series::Two => 1,
        }
    }

    /// The List primitive's block type in this series (11 or 2).
    pub const fn list_type(self) -> u32 {
        match self {
            Series::One => 11,
            Series::Two => 2,
        }
    }

    /// The Generic List primitive's block type in this series (31 or 3), decoded like a List.
    pub const fn generic_list_type(self) -> u32 {
        match self {
            Series::One => 31,
            Series::Two => 3,
        }
    }
}

/// A record body or block layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Layout {
    /// snake_case name.
    pub name: &'static str,
    /// For a block: its block type (the fields follow the 8-byte block header). `None` for a
    /// record body that is not a block.
    pub block_type: Option<u32>,
    /// The series of the nested primitives.
    pub series: Series,
    /// The fields in wire order.
    pub fields: &'static [Field],
    /// What the layout is (its documentation in the layout table, one paragraph).
    pub doc: &'static str,
}

impl Layout {
    /// Bytes before the first variable-length field (after the block header, for blocks).
    // Const evaluation over static layout tables, index bounded by the loop: never input data.
    #[allow(clippy::indexing_slicing)]
    pub const fn fixed_len(&self) -> usize {
        let mut i = 0;
        let mut n = 0;
        while i < self.fields.len() {
            match self.fields[i].kind.fixed_size() {
                Some(s) => n += s,
                None => return n,
            }
            i += 1;
        }
        n
    }

    /// Index of the first variable-length field (the number of fields if none is).
    // Const evaluation over static layout tables, index bounded by the loop: never input data.
    #[allow(clippy::indexing_slicing)]
    pub const fn first_variable(&self) -> usize {
        let mut i = 0;
        while i < self.fields.len() {
            if self.fields[i].kind.fixed_size().is_none() {
                return i;
            }
            i += 1;
        }
        self.fields.len()
    }

    /// The smallest encoded size of the fields (every variable part empty).
    // Const evaluation over static layout tables, index bounded by the loop: never input data.
    #[allow(clippy::indexing_slicing)]
    pub const fn min_len(&self) -> usize {
        let mut i = 0;
        let mut n = 0;
        while i < self.fields.len() {
            n += match self.fields[i].kind {
                Kind::StringBlock | Kind::BlobBlock | Kind::List(_) => 8,
                Kind::Block(l) => 8 + l.min_len(),
                Kind::OptIp16(_) => 0,
                Kind::Text16 => 2,
                Kind::Text32 | Kind::Bytes32 => 4,
                Kind::Counted => 0,
                k => match k.fixed_size() {
                    Some(s) => s,
                    None => 0,
                },
            };
            i += 1;
        }
        n
    }
}

/// Offset of field `i` when every field before it has a fixed size (else 0; the typed views use
/// this only for such fields).
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub const fn fixed_offset(fields: &[Field], i: usize) -> usize {
    let mut j = 0;
    let mut n = 0;
    while j < i && j < fields.len() {
        n += match fields[j].kind.fixed_size() {
            Some(s) => s,
            None => return 0,
        };
        j += 1;
    }
    n
}

/// A decoded field value, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    /// u8.
    U8(u8),
    /// u16 (also a [`Kind::Len16`] length).
    U16(u16),
    /// u32.
    U32(u32),
    /// u64.
    U64(u64),
    /// i32.
    I32(i32),
    /// IPv4 address.
    Ipv4(Ipv4Addr),
    /// 16-byte address.
    Ip16(Ip16),
    /// UUID.
    Uuid(Uuid),
    /// MAC address.
    Mac(Mac),
    /// Opaque bytes (fixed-size, BLOB or u32-prefixed).
    Bytes(&'a [u8]),
    /// Text (String block, u16/u32-prefixed or counted).
    Text(Text<'a>),
    /// A length the encoder computes (a [`Kind::Len16`] field in a `Repr`).
    Computed,
    /// An optional field that is absent ([`Kind::OptIp16`] with its flag not set).
    Absent,
    /// A nested block or list, validated: walk it with [`Nested::for_each`] (a list's items with
    /// [`Nested::items`]).
    Nested(Nested<'a>),
}

/// A nested block or list found by the walker: its layout and its bytes. Equality (and
/// hashing) compares the layout, the form and the bytes; the position is ignored.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Nested<'a> {
    /// For a block: the block's layout. For a list: the items' layout.
    pub layout: &'static Layout,
    /// True for a list of blocks, false for one block.
    pub is_list: bool,
    /// The whole nested block (list), header included: what the encoder writes back.
    pub bytes: &'a [u8],
    /// Absolute offset of `bytes`.
    pub offset: usize,
}

impl PartialEq for Nested<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.layout == other.layout && self.is_list == other.is_list && self.bytes == other.bytes
    }
}

impl core::hash::Hash for Nested<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.layout, self.is_list, self.bytes).hash(state);
    }
}

impl<'a> Nested<'a> {
    #[doc(hidden)]
    pub const fn at(
        layout: &'static Layout,
        is_list: bool,
        bytes: &'a [u8],
        offset: usize,
    ) -> Self {
        Nested {
            layout,
            is_list,
            bytes,
            offset,
        }
    }

    /// A nested block or list from its already-encoded bytes (for building a `Repr`).
    pub const fn new(layout: &'static Layout, is_list: bool, bytes: &'a [u8]) -> Self {
        Nested {
            layout,
            is_list,
            bytes,
            offset: 0,
        }
    }

    /// The block type on the wire.
    pub fn block_type(&self) -> u32 {
        u32::from_be_bytes(read::arr(self.bytes, 0))
    }

    /// For a block: walks its data fields (`f(name, value)`; see [`for_each_data_field`]).
    pub fn for_each(&self, f: impl FnMut(&'static str, Value<'a>)) -> Result<Walked, DecodeError> {
        let data = self.bytes.get(BlockHeader::LEN..).unwrap_or_default();
        for_each_data_field(self.layout, data, self.offset + BlockHeader::LEN, f)
    }

    /// For a list: its items, each a nested block of the items' layout.
    pub fn items(&self) -> impl Iterator<Item = Nested<'a>> + 'a {
        let layout = self.layout;
        let data = self.bytes.get(BlockHeader::LEN..).unwrap_or_default();
        crate::block::Blocks::new(data, self.offset + BlockHeader::LEN, 1)
            .map_while(Result::ok)
            .map(move |b| Nested {
                layout,
                is_list: false,
                bytes: b.whole(),
                offset: b.offset(),
            })
    }
}

/// Walks `layout` over `data` (absolute offset `base`) and passes each data field to
/// `f(name, value)`: every field but a [`Kind::Len16`] length, whose text (the following
/// [`Kind::Counted`] field) carries it. What JSON output and other generic consumers use.
pub fn for_each_data_field<'a>(
    layout: &Layout,
    data: &'a [u8],
    base: usize,
    mut f: impl FnMut(&'static str, Value<'a>),
) -> Result<Walked, DecodeError> {
    let fields = layout.fields;
    walk(layout, data, base, |i, _, v| {
        if let Some(fld) = fields.get(i) {
            if fld.kind != Kind::Len16 {
                f(fld.name, v);
            }
        }
    })
}

/// What [`walk`] found: where each field starts and where the fields end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walked {
    /// Offset (within the data walked) just after the last field.
    pub end: usize,
}

fn overrun(offset: usize, declared: usize, available: usize) -> DecodeError {
    DecodeError::invalid(
        offset,
        ErrorKind::LengthOverrun {
            declared: sat32(declared),
            available: sat32(available),
        },
    )
}

fn take(data: &[u8], pos: usize, n: usize, base: usize) -> Result<&[u8], DecodeError> {
    data.get(pos..)
        .and_then(|rest| rest.get(..n))
        .ok_or_else(|| overrun(base + pos, n, data.len().saturating_sub(pos)))
}

fn array<const N: usize>(data: &[u8], pos: usize, base: usize) -> Result<[u8; N], DecodeError> {
    let s = take(data, pos, N, base)?;
    let mut a = [0u8; N];
    a.copy_from_slice(s);
    Ok(a)
}

/// Decodes one field at `pos`; returns its value and size.
fn field<'a>(
    kind: Kind,
    series: Series,
    data: &'a [u8],
    pos: usize,
    base: usize,
    pending: &mut Option<(usize, usize)>,
) -> Result<(Value<'a>, usize), DecodeError> {
    Ok(match kind {
        Kind::U8 => (Value::U8(u8::from_be_bytes(array(data, pos, base)?)), 1),
        Kind::U16 => (Value::U16(u16::from_be_bytes(array(data, pos, base)?)), 2),
        Kind::Len16 => {
            let n = u16::from_be_bytes(array(data, pos, base)?);
            *pending = Some((usize::from(n), pos));
            (Value::U16(n), 2)
        }
        Kind::U32 => (Value::U32(u32::from_be_bytes(array(data, pos, base)?)), 4),
        Kind::BlockLen => {
            let declared = u32::from_be_bytes(array(data, pos, base)?);
            let len = usize::try_from(declared).unwrap_or(usize::MAX);
            if len > data.len() {
                return Err(DecodeError::invalid(
                    base + pos,
                    ErrorKind::LengthOverrun {
                        declared,
                        available: sat32(data.len()),
                    },
                ));
            }
            if len < data.len() {
                return Err(DecodeError::invalid(
                    base + len,
                    ErrorKind::TrailingBytes {
                        count: sat32(data.len() - len),
                    },
                ));
            }
            (Value::U32(declared), 4)
        }
        Kind::I32 => (Value::I32(i32::from_be_bytes(array(data, pos, base)?)), 4),
        Kind::U64 => (Value::U64(u64::from_be_bytes(array(data, pos, base)?)), 8),
        Kind::Ipv4 => (Value::Ipv4(Ipv4Addr::from(array::<4>(data, pos, base)?)), 4),
        Kind::Ip16 => (Value::Ip16(Ip16(array(data, pos, base)?)), 16),
        Kind::Uuid => (Value::Uuid(Uuid(array(data, pos, base)?)), 16),
        Kind::Mac => (Value::Mac(Mac(array(data, pos, base)?)), 6),
        Kind::Bytes(n) => (Value::Bytes(take(data, pos, n, base)?), n),
        Kind::StringBlock | Kind::BlobBlock => {
            let expected = match kind {
                Kind::StringBlock => 0,
                _ => series.blob_type(),
            };
            let h: [u8; 8] = array(data, pos, base)?;
            let [t0, t1, t2, t3, l0, l1, l2, l3] = h;
            let found = u32::from_be_bytes([t0, t1, t2, t3]);
            if found != expected {
                return Err(DecodeError::invalid(
                    base + pos,
                    ErrorKind::UnexpectedBlockType { found, expected },
                ));
            }
            let declared = u32::from_be_bytes([l0, l1, l2, l3]);
            let len = usize::try_from(declared).unwrap_or(usize::MAX);
            if len < BlockHeader::LEN {
                return Err(DecodeError::invalid(
                    base + pos + 4,
                    ErrorKind::LengthTooSmall {
                        declared,
                        min: sat32(BlockHeader::LEN),
                    },
                ));
            }
            let available = data.len().saturating_sub(pos);
            if len > available {
                return Err(DecodeError::invalid(
                    base + pos + 4,
                    ErrorKind::LengthOverrun {
                        declared,
                        available: sat32(available),
                    },
                ));
            }
            let content = take(data, pos + BlockHeader::LEN, len - BlockHeader::LEN, base)?;
            let v = match kind {
                Kind::StringBlock => Value::Text(Text(content)),
                _ => Value::Bytes(content),
            };
            (v, len)
        }
        Kind::Text16 => {
            let n = usize::from(u16::from_be_bytes(array(data, pos, base)?));
            let s = take(data, pos + 2, n, base)
                .map_err(|_| overrun(base + pos, n, data.len().saturating_sub(pos + 2)))?;
            (Value::Text(Text(s)), 2 + n)
        }
        Kind::Text32 | Kind::Bytes32 => {
            let declared = u32::from_be_bytes(array(data, pos, base)?);
            let n = usize::try_from(declared).unwrap_or(usize::MAX);
            let s = take(data, pos + 4, n, base)
                .map_err(|_| overrun(base + pos, n, data.len().saturating_sub(pos + 4)))?;
            let v = match kind {
                Kind::Text32 => Value::Text(Text(s)),
                _ => Value::Bytes(s),
            };
            (v, 4usize.saturating_add(n))
        }
        Kind::Counted => {
            let (n, len_at) = pending.take().unwrap_or((0, pos));
            // An overrun is reported at the length field, as for every other length.
            let s = take(data, pos, n, base)
                .map_err(|_| overrun(base + len_at, n, data.len().saturating_sub(pos)))?;
            (Value::Text(Text(s)), n)
        }
        Kind::OptIp16(flag_at) => {
            if data.get(flag_at) == Some(&1) {
                (Value::Ip16(Ip16(array(data, pos, base)?)), 16)
            } else {
                (Value::Absent, 0)
            }
        }
        Kind::Block(layout) => {
            let b = nested_block(data, pos, base)?;
            if let Some(t) = layout.block_type {
                if b.block_type != t {
                    return Err(DecodeError::invalid(
                        base + pos,
                        ErrorKind::UnexpectedBlockType {
                            found: b.block_type,
                            expected: t,
                        },
                    ));
                }
            }
            check_exact(layout, b.data, b.data_offset())?;
            let n = b.length();
            (
                Value::Nested(Nested {
                    layout,
                    is_list: false,
                    bytes: b.whole(),
                    offset: b.offset(),
                }),
                n,
            )
        }
        Kind::List(layout) => {
            let b = nested_block(data, pos, base)?;
            if b.block_type != series.list_type() && b.block_type != series.generic_list_type() {
                return Err(DecodeError::invalid(
                    base + pos,
                    ErrorKind::UnexpectedBlockType {
                        found: b.block_type,
                        expected: series.list_type(),
                    },
                ));
            }
            for item in crate::block::Blocks::new(b.data, b.data_offset(), 2) {
                let item = item?;
                if let Some(t) = layout.block_type {
                    if item.block_type != t {
                        return Err(DecodeError::invalid(
                            item.offset(),
                            ErrorKind::UnexpectedBlockType {
                                found: item.block_type,
                                expected: t,
                            },
                        ));
                    }
                }
                check_exact(layout, item.data, item.data_offset())?;
            }
            let n = b.length();
            (
                Value::Nested(Nested {
                    layout,
                    is_list: true,
                    bytes: b.whole(),
                    offset: b.offset(),
                }),
                n,
            )
        }
    })
}

/// A nested block at `pos` of `data` (absolute offset `base` of `data[0]`).
fn nested_block(
    data: &[u8],
    pos: usize,
    base: usize,
) -> Result<crate::block::Block<'_>, DecodeError> {
    let rest = data.get(pos..).unwrap_or_default();
    crate::block::Block::parse(rest, base + pos).map(|(b, _)| b)
}

/// Walks `layout` over a nested block's data. Bytes after the last field are allowed (a newer
/// version of the nested block that appends), as at the top level.
fn check_exact(layout: &Layout, data: &[u8], base: usize) -> Result<(), DecodeError> {
    walk(layout, data, base, |_, _, _| {}).map(|_| ())
}

/// The end of a String (`expected` 0) or BLOB block at `pos`: its header's type must be
/// `expected`, its length at least the header's and within `data`.
#[inline(always)]
pub(crate) fn skip_block(data: &[u8], pos: usize, expected: u32) -> Option<usize> {
    let h = u64::from_be_bytes(*data.get(pos..)?.first_chunk::<8>()?);
    if (h >> 32) as u32 != expected {
        return None;
    }
    let len = (h & 0xffff_ffff) as usize;
    if len < BlockHeader::LEN {
        return None;
    }
    fit(data, pos, len)
}

/// `pos + n` when that is within `data`.
#[inline(always)]
pub(crate) fn fit(data: &[u8], pos: usize, n: usize) -> Option<usize> {
    let end = pos.checked_add(n)?;
    (end <= data.len()).then_some(end)
}

/// The position after the nested block or list `kind` at `pos`, or `None` if it does not
/// decode: the walker's own check of it (no values kept). A view's generated validation
/// (`View::check`, see `check_field!`) checks every other kind inline and calls this for its
/// nested blocks and lists; on `None` the walk gives the precise error.
#[inline]
pub(crate) fn skip_nested(
    kind: Kind,
    series: Series,
    data: &[u8],
    pos: usize,
    pending: &mut Option<(usize, usize)>,
) -> Option<usize> {
    let mut p = *pending;
    let r = field(kind, series, data, pos, 0, &mut p)
        .ok()
        .map(|(_, n)| pos + n);
    *pending = p;
    r
}

/// Decodes `fields[from..]` of `layout` from `data` starting at `pos`; `base` is the absolute
/// offset of `data[0]`. Calls `f(index, position, value)` for each field. A pending
/// [`Kind::Len16`] length from before `from` must be passed in `pending`.
pub fn walk_from<'a>(
    layout: &Layout,
    from: usize,
    data: &'a [u8],
    mut pos: usize,
    base: usize,
    mut pending: Option<(usize, usize)>,
    mut f: impl FnMut(usize, usize, Value<'a>),
) -> Result<Walked, DecodeError> {
    let fields = layout.fields.get(from..).unwrap_or_default();
    for (i, fld) in fields.iter().enumerate() {
        let (v, size) = field(fld.kind, layout.series, data, pos, base, &mut pending)
            .map_err(|e| e.located(layout.name, fld.name))?;
        f(from + i, pos, v);
        pos = pos.saturating_add(size);
    }
    Ok(Walked { end: pos })
}

/// Decodes every field of `layout` from `data` (a record body, or a block's data after its
/// header); `base` is the absolute offset of `data[0]`.
pub fn walk<'a>(
    layout: &Layout,
    data: &'a [u8],
    base: usize,
    f: impl FnMut(usize, usize, Value<'a>),
) -> Result<Walked, DecodeError> {
    walk_from(layout, 0, data, 0, base, None, f)
}

#[cfg(feature = "alloc")]
pub use self::enc::encode_fields;

#[cfg(feature = "serde")]
pub mod ser;

#[cfg(feature = "alloc")]
mod enc {
    use alloc::vec::Vec;

    use super::{Kind, Layout, Value};
    use crate::error::EncodeError;

    fn overflow(length: usize, max: usize) -> EncodeError {
        EncodeError::LengthOverflow { length, max }
    }

    fn bytes_of<'a>(v: &Value<'a>) -> &'a [u8] {
        match v {
            Value::Bytes(b) => b,
            Value::Text(t) => t.as_bytes(),
            _ => &[],
        }
    }

    /// Writes `values` (one per field, in order) per `layout`, then `trailing` verbatim. For a
    /// block layout the 8-byte header is written first with the length computed. A value whose
    /// variant does not match its field's kind writes zeros of the field's size.
    pub fn encode_fields(
        layout: &Layout,
        values: &[Value<'_>],
        trailing: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let start = out.len();
        let mut block_len_at = None;
        if let Some(t) = layout.block_type {
            out.extend_from_slice(&t.to_be_bytes());
            out.extend_from_slice(&[0; 4]);
        }
        for (i, (fld, v)) in layout.fields.iter().zip(values).enumerate() {
            match (fld.kind, v) {
                (Kind::U8, Value::U8(x)) => out.push(*x),
                (Kind::U16, Value::U16(x)) => out.extend_from_slice(&x.to_be_bytes()),
                (Kind::U32, Value::U32(x)) => out.extend_from_slice(&x.to_be_bytes()),
                (Kind::U64, Value::U64(x)) => out.extend_from_slice(&x.to_be_bytes()),
                (Kind::I32, Value::I32(x)) => out.extend_from_slice(&x.to_be_bytes()),
                (Kind::Ipv4, Value::Ipv4(x)) => out.extend_from_slice(&x.octets()),
                (Kind::Ip16, Value::Ip16(x)) => out.extend_from_slice(&x.0),
                (Kind::Uuid, Value::Uuid(x)) => out.extend_from_slice(&x.0),
                (Kind::Mac, Value::Mac(x)) => out.extend_from_slice(&x.0),
                (Kind::Bytes(n), v) => {
                    let b = bytes_of(v);
                    let b = b.get(..n).unwrap_or(b);
                    out.extend_from_slice(b);
                    out.resize(out.len() + (n - b.len()), 0);
                }
                (Kind::StringBlock | Kind::BlobBlock, v) => {
                    let t = match fld.kind {
                        Kind::StringBlock => 0,
                        _ => layout.series.blob_type(),
                    };
                    let b = bytes_of(v);
                    let len = b.len() + 8;
                    let l = u32::try_from(len).map_err(|_| overflow(len, u32::MAX as usize))?;
                    out.extend_from_slice(&t.to_be_bytes());
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(b);
                }
                (Kind::Text16, v) => {
                    let b = bytes_of(v);
                    let l =
                        u16::try_from(b.len()).map_err(|_| overflow(b.len(), u16::MAX.into()))?;
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(b);
                }
                (Kind::Text32 | Kind::Bytes32, v) => {
                    let b = bytes_of(v);
                    let l =
                        u32::try_from(b.len()).map_err(|_| overflow(b.len(), u32::MAX as usize))?;
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(b);
                }
                (Kind::Len16, _) => {
                    // The length of the next Counted field.
                    let counted = layout
                        .fields
                        .iter()
                        .zip(values)
                        .skip(i + 1)
                        .find(|(f, _)| f.kind == Kind::Counted)
                        .map(|(_, v)| bytes_of(v).len())
                        .unwrap_or(0);
                    let l =
                        u16::try_from(counted).map_err(|_| overflow(counted, u16::MAX.into()))?;
                    out.extend_from_slice(&l.to_be_bytes());
                }
                (Kind::Counted, v) => out.extend_from_slice(bytes_of(v)),
                (Kind::OptIp16(_), Value::Ip16(x)) => out.extend_from_slice(&x.0),
                (Kind::OptIp16(_), _) => {}
                (Kind::Block(_) | Kind::List(_), Value::Nested(n)) => {
                    out.extend_from_slice(n.bytes)
                }
                (Kind::BlockLen, _) => {
                    block_len_at = Some(out.len());
                    out.extend_from_slice(&[0; 4]);
                }
                (k, _) => {
                    let n = k.fixed_size().unwrap_or(0);
                    out.resize(out.len() + n, 0);
                }
            }
        }
        out.extend_from_slice(trailing);
        if let Some(at) = block_len_at {
            let len = out.len() - start;
            let l = u32::try_from(len).map_err(|_| overflow(len, u32::MAX as usize))?;
            if let Some(slot) = out.get_mut(at..at + 4) {
                slot.copy_from_slice(&l.to_be_bytes());
            }
        }
        if layout.block_type.is_some() {
            let len = out.len() - start;
            let l = u32::try_from(len).map_err(|_| overflow(len, u32::MAX as usize))?;
            if let Some(slot) = out.get_mut(start + 4..start + 8) {
                slot.copy_from_slice(&l.to_be_bytes());
            }
        }
        Ok(())
    }
}

/// Readers used by the generated views: the view validated the bounds when it was built, so
/// these never fall back to their defaults on a view's own data.
pub(crate) mod read {
    use crate::values::Text;

    #[inline]
    pub(crate) fn arr<const N: usize>(d: &[u8], p: usize) -> [u8; N] {
        match d.get(p..).and_then(|s| s.first_chunk::<N>()) {
            Some(a) => *a,
            None => [0; N],
        }
    }
    #[inline]
    #[allow(dead_code)]
    pub(crate) fn u8_(d: &[u8], p: usize) -> u8 {
        d.get(p).copied().unwrap_or(0)
    }
    #[inline]
    pub(crate) fn bytes(d: &[u8], p: usize, n: usize) -> &[u8] {
        d.get(p..).and_then(|s| s.get(..n)).unwrap_or_default()
    }
    #[inline]
    pub(crate) fn text16(d: &[u8], p: usize) -> Text<'_> {
        let n = usize::from(u16::from_be_bytes(arr(d, p)));
        Text(bytes(d, p + 2, n))
    }
    #[inline]
    pub(crate) fn bytes32(d: &[u8], p: usize) -> &[u8] {
        let n = u32::from_be_bytes(arr(d, p)) as usize;
        bytes(d, p + 4, n)
    }
}

/// Marker for a length the encoder computes: the `Repr` type of [`Kind::Len16`] fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Computed;

/// True when decoding must walk every field, not only the variable tail: the layout has a
/// field whose value is checked ([`Kind::BlockLen`]).
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn needs_full_walk(fields: &[Field]) -> bool {
    let mut i = 0;
    while i < fields.len() {
        if let Kind::BlockLen = fields[i].kind {
            return true;
        }
        i += 1;
    }
    false
}

/// Zeros standing in for a run of fixed-size fields that does not fit (which a view's
/// validation rules out): as long as the longest such run of any layout (checked at compile
/// time in each layout).
pub(crate) static ZEROS: [u8; MAX_RUN] = [0; MAX_RUN];

/// The longest run of fixed-size fields after a variable-length one that a layout may have.
pub(crate) const MAX_RUN: usize = 1024;

/// True when every run fits [`ZEROS`] ([`MAX_RUN`]).
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn runs_fit(runs: &[usize]) -> bool {
    let mut k = 0;
    while k < runs.len() {
        if runs[k] > MAX_RUN {
            return false;
        }
        k += 1;
    }
    true
}

/// Marks "no variable field" in the anchor table.
pub(crate) const NO_ANCHOR: usize = usize::MAX;

/// Number of variable-length fields of a layout.
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn var_count(fields: &[Field]) -> usize {
    let mut i = 0;
    let mut n = 0;
    while i < fields.len() {
        if fields[i].kind.fixed_size().is_none() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// For each field: the number (among the variable-length fields) of the last variable-length
/// field before it, or [`NO_ANCHOR`]; and its offset from that field's end (or from the start
/// when there is none). A field's position is then `end of anchor + relative offset`: a view
/// stores only the ends of its variable-length fields.
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn anchors<const N: usize>(
    fields: &[Field],
) -> ([usize; N], [usize; N], [usize; N]) {
    let mut anchor = [NO_ANCHOR; N];
    let mut rel = [0usize; N];
    let mut var_no = [NO_ANCHOR; N];
    let mut current = NO_ANCHOR;
    let mut off = 0;
    let mut vars = 0;
    let mut i = 0;
    while i < N && i < fields.len() {
        anchor[i] = current;
        rel[i] = off;
        match fields[i].kind.fixed_size() {
            Some(s) => off += s,
            None => {
                var_no[i] = vars;
                current = vars;
                vars += 1;
                off = 0;
            }
        }
        i += 1;
    }
    (anchor, rel, var_no)
}

/// For each variable-length field (numbered as in [`anchors`]), the total size of the
/// fixed-size fields straight after it, up to the next variable-length field or the end: the run
/// a view's validation checked to fit after that field's end. A view reads a field anchored to
/// variable field `k` as one check of the run (`end_k + run_k <= len`, the same for every field of
/// the run, so the compiler keeps one) and a constant offset inside it.
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn runs<const NV: usize>(fields: &[Field]) -> [usize; NV] {
    let mut out = [0usize; NV];
    let mut current = NO_ANCHOR;
    let mut vars = 0;
    let mut i = 0;
    while i < fields.len() {
        match fields[i].kind.fixed_size() {
            Some(s) => {
                if current != NO_ANCHOR && current < NV {
                    out[current] += s;
                }
            }
            None => {
                current = vars;
                vars += 1;
            }
        }
        i += 1;
    }
    out
}

/// Builds the fixed offsets table of a layout.
// Const evaluation over static layout tables, index bounded by the loop: never input data.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn fixed_offsets<const N: usize>(fields: &[Field]) -> [usize; N] {
    let mut a = [0usize; N];
    let mut i = 0;
    while i < N {
        a[i] = fixed_offset(fields, i);
        i += 1;
    }
    a
}

macro_rules! kind_const {
    (opt_ip16 $n:literal) => {
        $crate::layout::Kind::OptIp16($n)
    };
    (block $l:path) => {
        $crate::layout::Kind::Block(&$l)
    };
    (list $l:path) => {
        $crate::layout::Kind::List(&$l)
    };
    (u8) => {
        $crate::layout::Kind::U8
    };
    (u16) => {
        $crate::layout::Kind::U16
    };
    (u32) => {
        $crate::layout::Kind::U32
    };
    (u64) => {
        $crate::layout::Kind::U64
    };
    (i32) => {
        $crate::layout::Kind::I32
    };
    (ipv4) => {
        $crate::layout::Kind::Ipv4
    };
    (ip16) => {
        $crate::layout::Kind::Ip16
    };
    (uuid) => {
        $crate::layout::Kind::Uuid
    };
    (mac) => {
        $crate::layout::Kind::Mac
    };
    (bytes $n:literal) => {
        $crate::layout::Kind::Bytes($n)
    };
    (string) => {
        $crate::layout::Kind::StringBlock
    };
    (blob) => {
        $crate::layout::Kind::BlobBlock
    };
    (text16) => {
        $crate::layout::Kind::Text16
    };
    (text32) => {
        $crate::layout::Kind::Text32
    };
    (bytes32) => {
        $crate::layout::Kind::Bytes32
    };
    (len16) => {
        $crate::layout::Kind::Len16
    };
    (counted) => {
        $crate::layout::Kind::Counted
    };
    (block_len) => {
        $crate::layout::Kind::BlockLen
    };
}

macro_rules! view_ty {
    ($a:lifetime, u8) => { u8 };
    ($a:lifetime, u16) => { u16 };
    ($a:lifetime, u32) => { u32 };
    ($a:lifetime, u64) => { u64 };
    ($a:lifetime, i32) => { i32 };
    ($a:lifetime, ipv4) => { core::net::Ipv4Addr };
    ($a:lifetime, ip16) => { $crate::values::Ip16 };
    ($a:lifetime, uuid) => { $crate::values::Uuid };
    ($a:lifetime, mac) => { $crate::values::Mac };
    ($a:lifetime, bytes $n:literal) => { &$a [u8; $n] };
    ($a:lifetime, string) => { $crate::values::Text<$a> };
    ($a:lifetime, blob) => { &$a [u8] };
    ($a:lifetime, text16) => { $crate::values::Text<$a> };
    ($a:lifetime, text32) => { $crate::values::Text<$a> };
    ($a:lifetime, bytes32) => { &$a [u8] };
    ($a:lifetime, len16) => { u16 };
    ($a:lifetime, counted) => { $crate::values::Text<$a> };
    ($a:lifetime, block_len) => { u32 };
    ($a:lifetime, opt_ip16 $n:literal) => { Option<$crate::values::Ip16> };
    ($a:lifetime, block $l:path) => { $crate::layout::Nested<$a> };
    ($a:lifetime, list $l:path) => { $crate::layout::Nested<$a> };
}

macro_rules! repr_ty {
    ($a:lifetime, len16) => { $crate::layout::Computed };
    ($a:lifetime, block_len) => { $crate::layout::Computed };
    ($a:lifetime, $($k:tt)+) => { view_ty!($a, $($k)+) };
}

macro_rules! read_kind {
    ($d:expr, $p:expr, u8) => {
        $crate::layout::read::u8_($d, $p)
    };
    ($d:expr, $p:expr, u16) => {
        u16::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, len16) => {
        u16::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, u32) => {
        u32::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, block_len) => {
        u32::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, u64) => {
        u64::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, i32) => {
        i32::from_be_bytes($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, ipv4) => {
        core::net::Ipv4Addr::from($crate::layout::read::arr::<4>($d, $p))
    };
    ($d:expr, $p:expr, ip16) => {
        $crate::values::Ip16($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, uuid) => {
        $crate::values::Uuid($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, mac) => {
        $crate::values::Mac($crate::layout::read::arr($d, $p))
    };
    ($d:expr, $p:expr, bytes $n:literal) => {
        match $crate::layout::read::bytes($d, $p, $n).first_chunk::<$n>() {
            Some(a) => a,
            None => &[0u8; $n],
        }
    };
    ($d:expr, $p:expr, text16) => {
        $crate::layout::read::text16($d, $p)
    };
    ($d:expr, $p:expr, text32) => {
        $crate::values::Text($crate::layout::read::bytes32($d, $p))
    };
    ($d:expr, $p:expr, bytes32) => {
        $crate::layout::read::bytes32($d, $p)
    };
}

macro_rules! read_field {
    ($s:expr, $i:expr, u8) => { u8::from_be_bytes($s.at_c::<1, { $i }>()) };
    ($s:expr, $i:expr, u16) => { u16::from_be_bytes($s.at_c::<2, { $i }>()) };
    ($s:expr, $i:expr, len16) => { u16::from_be_bytes($s.at_c::<2, { $i }>()) };
    ($s:expr, $i:expr, u32) => { u32::from_be_bytes($s.at_c::<4, { $i }>()) };
    ($s:expr, $i:expr, block_len) => { u32::from_be_bytes($s.at_c::<4, { $i }>()) };
    ($s:expr, $i:expr, i32) => { i32::from_be_bytes($s.at_c::<4, { $i }>()) };
    ($s:expr, $i:expr, u64) => { u64::from_be_bytes($s.at_c::<8, { $i }>()) };
    ($s:expr, $i:expr, ipv4) => { core::net::Ipv4Addr::from($s.at_c::<4, { $i }>()) };
    ($s:expr, $i:expr, ip16) => { $crate::values::Ip16($s.at_c::<16, { $i }>()) };
    ($s:expr, $i:expr, uuid) => { $crate::values::Uuid($s.at_c::<16, { $i }>()) };
    ($s:expr, $i:expr, mac) => { $crate::values::Mac($s.at_c::<6, { $i }>()) };
    ($s:expr, $i:expr, counted) => { $crate::values::Text($s.var_bytes_c::<{ $i }, 0>()) };
    ($s:expr, $i:expr, string) => {
        $crate::values::Text($s.var_bytes_c::<{ $i }, { $crate::frame::wire::BlockHeader::LEN }>())
    };
    ($s:expr, $i:expr, blob) => { $s.var_bytes_c::<{ $i }, { $crate::frame::wire::BlockHeader::LEN }>() };
    ($s:expr, $i:expr, opt_ip16 $n:literal) => {{
        let sp = $s.var_bytes_c::<{ $i }, 0>();
        match sp.first_chunk::<16>() {
            Some(a) => Some($crate::values::Ip16(*a)),
            None => None,
        }
    }};
    ($s:expr, $i:expr, block $l:path) => {
        $crate::layout::Nested::at(&$l, false, $s.var_bytes_c::<{ $i }, 0>(), $s.base + $s.pos_c::<{ $i }>())
    };
    ($s:expr, $i:expr, list $l:path) => {
        $crate::layout::Nested::at(&$l, true, $s.var_bytes_c::<{ $i }, 0>(), $s.base + $s.pos_c::<{ $i }>())
    };
    ($s:expr, $i:expr, $($k:tt)+) => { read_kind!($s.data, $s.pos_c::<{ $i }>(), $($k)+) };
}

macro_rules! view_value {
    ($v:expr, opt_ip16 $n:literal) => {
        match $v {
            Some(a) => $crate::layout::Value::Ip16(a),
            None => $crate::layout::Value::Absent,
        }
    };
    ($v:expr, block $l:path) => {
        $crate::layout::Value::Nested($v)
    };
    ($v:expr, list $l:path) => {
        $crate::layout::Value::Nested($v)
    };
    ($v:expr, u8) => {
        $crate::layout::Value::U8($v)
    };
    ($v:expr, u16) => {
        $crate::layout::Value::U16($v)
    };
    ($v:expr, len16) => {
        $crate::layout::Value::U16($v)
    };
    ($v:expr, u32) => {
        $crate::layout::Value::U32($v)
    };
    ($v:expr, block_len) => {
        $crate::layout::Value::U32($v)
    };
    ($v:expr, u64) => {
        $crate::layout::Value::U64($v)
    };
    ($v:expr, i32) => {
        $crate::layout::Value::I32($v)
    };
    ($v:expr, ipv4) => {
        $crate::layout::Value::Ipv4($v)
    };
    ($v:expr, ip16) => {
        $crate::layout::Value::Ip16($v)
    };
    ($v:expr, uuid) => {
        $crate::layout::Value::Uuid($v)
    };
    ($v:expr, mac) => {
        $crate::layout::Value::Mac($v)
    };
    ($v:expr, bytes $n:literal) => {
        $crate::layout::Value::Bytes(&$v[..])
    };
    ($v:expr, string) => {
        $crate::layout::Value::Text($v)
    };
    ($v:expr, blob) => {
        $crate::layout::Value::Bytes($v)
    };
    ($v:expr, text16) => {
        $crate::layout::Value::Text($v)
    };
    ($v:expr, text32) => {
        $crate::layout::Value::Text($v)
    };
    ($v:expr, bytes32) => {
        $crate::layout::Value::Bytes($v)
    };
    ($v:expr, counted) => {
        $crate::layout::Value::Text($v)
    };
}

macro_rules! repr_value {
    ($v:expr, block_len) => {{
        let _ = $v;
        $crate::layout::Value::Computed
    }};
    ($v:expr, len16) => {{
        let _ = $v;
        $crate::layout::Value::Computed
    }};
    ($v:expr, $($k:tt)+) => { view_value!($v, $($k)+) };
}

/// One field of a view's unrolled validation (`View::check`): moves `$pos` past the field,
/// records a variable-length field's end in `$ve`, and returns `None` from the enclosing function
/// when the field does not fit. Accepts what the walk accepts, kind by kind.
macro_rules! check_field {
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, string) => {{
        $pos = $crate::layout::skip_block($d, $pos, 0)?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, blob) => {{
        $pos = $crate::layout::skip_block($d, $pos, $series.blob_type())?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, text16) => {{
        let n = u16::from_be_bytes(*$d.get($pos..)?.first_chunk::<2>()?);
        $pos = $crate::layout::fit($d, $pos, 2 + usize::from(n))?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, text32) => {{
        check_field!($d, $pos, $k, $pend, $ve, $series, bytes32);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, bytes32) => {{
        let n = u32::from_be_bytes(*$d.get($pos..)?.first_chunk::<4>()?);
        $pos = $crate::layout::fit($d, $pos, usize::try_from(n).ok()?.checked_add(4)?)?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, len16) => {{
        let n = u16::from_be_bytes(*$d.get($pos..)?.first_chunk::<2>()?);
        $pend = Some((usize::from(n), $pos));
        $pos += 2;
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, counted) => {{
        $pos = $crate::layout::fit($d, $pos, $pend.take().map_or(0, |(n, _)| n))?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, opt_ip16 $n:literal) => {{
        if $d.get($n) == Some(&1) {
            $pos = $crate::layout::fit($d, $pos, 16)?;
        }
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, block $l:path) => {{
        $pos = $crate::layout::skip_nested(kind_const!(block $l), $series, $d, $pos, &mut $pend)?;
        check_field!(@end $pos, $k, $ve);
    }};
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, list $l:path) => {{
        $pos = $crate::layout::skip_nested(kind_const!(list $l), $series, $d, $pos, &mut $pend)?;
        check_field!(@end $pos, $k, $ve);
    }};
    (@end $pos:ident, $k:ident, $ve:ident) => {{
        if let Some(e) = $ve.get_mut($k) {
            *e = $pos as u32;
        }
        $k += 1;
    }};
    // Fixed size: no check here; a later variable field or the final check covers it (the
    // position only grows).
    ($d:ident, $pos:ident, $k:ident, $pend:ident, $ve:ident, $series:expr, $($kind:tt)+) => {{
        $pos += const {
            match kind_const!($($kind)+).fixed_size() {
                Some(n) => n,
                None => 0,
            }
        };
    }};
}

/// Any layout's typed view, as a trait object: what code generic over layouts (an oracle, a
/// serializer, a table of layouts) reads without naming each view type. Every layout's `View`
/// implements it; [`Record::for_each_view`](crate::Record::for_each_view) hands out a record's.
pub trait TypedView<'a> {
    /// The view's layout.
    fn layout(&self) -> &'static Layout;
    /// The bytes the view covers (fields and trailing bytes).
    fn bytes(&self) -> &'a [u8];
    /// Absolute offset of the first field.
    fn offset(&self) -> usize;
    /// Length of the fields (the bytes before [`trailing`](Self::trailing)).
    fn fields_len(&self) -> usize;
    /// Bytes after the last field, kept verbatim.
    fn trailing(&self) -> &'a [u8];
    /// Calls `f(name, value)` for every field in wire order, lengths included.
    fn visit_all(&self, f: &mut dyn FnMut(&'static str, Value<'a>));
    /// Appends the encoding of the view's [`Repr`](crate::records::metadata::rule_message::Repr)
    /// (for a block layout, the whole block with its header).
    #[cfg(feature = "alloc")]
    fn encode_repr(&self, out: &mut alloc::vec::Vec<u8>) -> Result<(), crate::EncodeError>;
}

/// Defines a layout once: its static description (`LAYOUT`, `FIELDS`), a typed zero-copy
/// `View<'a>` with one accessor per field, and an encodable `Repr<'a>`.
macro_rules! layout {
    (
        $(#[$m:meta])*
        mod $module:ident;
        name = $name:literal, block = $block:expr, series = $series:ident, doc = $doc:literal;
        {
            $(
                $(#[$fm:meta])*
                $fname:ident : $kind:ident $([$n:literal])? $(($l:path))? => $fdoc:literal
            ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[allow(clippy::module_name_repetitions)]
        pub mod $module {
            #[allow(unused_imports)]
            use $crate::layout::{Layout, Field, Kind, Series, Value, Walked};
            use $crate::error::DecodeError;

            #[allow(non_camel_case_types, dead_code, clippy::enum_variant_names)]
            #[derive(Clone, Copy)]
            #[repr(usize)]
            enum Idx { $($fname,)* __End }

            /// The fields, in wire order.
            pub const FIELDS: &[Field] = &[
                $(Field {
                    name: stringify!($fname),
                    kind: kind_const!($kind $($n)? $($l)?),
                    doc: $fdoc,
                }),*
            ];

            /// The layout description.
            pub const LAYOUT: Layout = Layout {
                name: $name,
                block_type: $block,
                series: Series::$series,
                fields: FIELDS,
                doc: $doc,
            };

            const N: usize = FIELDS.len();
            const NV: usize = $crate::layout::var_count(FIELDS);
            // Statics, not consts: a const array used in an expression is a fresh temporary at
            // every use, which the optimizer does not always fold; a static is one table.
            static ANCHORS: ([usize; N], [usize; N], [usize; N]) =
                $crate::layout::anchors::<N>(FIELDS);
            const FIXED_LEN: usize = LAYOUT.fixed_len();
            // The same tables as consts, read only in `const { }` blocks by the accessors: the
            // values are then compile-time constants even where the accessor is inlined into
            // another crate (a static's contents are not visible there).
            const ANCHORS_C: ([usize; N], [usize; N], [usize; N]) =
                $crate::layout::anchors::<N>(FIELDS);
            const OFFSETS_C: [usize; N] = $crate::layout::fixed_offsets::<N>(FIELDS);
            const RUNS_C: [usize; NV] = $crate::layout::runs::<NV>(FIELDS);
            const _: () = assert!(
                $crate::layout::runs_fit(&RUNS_C),
                "a run of fixed-size fields longer than layout::ZEROS"
            );
            const FULL_WALK: bool = $crate::layout::needs_full_walk(FIELDS);

            /// Typed zero-copy view, validated once when built; accessors cannot fail.
            /// Equality (and hashing) compares the bytes; the position the view was decoded at is
            /// ignored.
            #[derive(Clone, Copy, Eq)]
            pub struct View<'a> {
                data: &'a [u8],
                /// The fixed-offset part: reads from it need no bounds check at run time.
                fixed: &'a [u8; FIXED_LEN],
                base: usize,
                /// End position of each variable-length field, in order.
                var_end: [u32; NV],
                end: usize,
            }

            impl<'a> View<'a> {
                /// Decodes the fields from `data` (a record body, or a block's data after its
                /// 8-byte header), whose first byte is at absolute offset `base`. Bytes after
                /// the last field are kept as [`trailing`](Self::trailing).
                pub fn parse(data: &'a [u8], base: usize) -> Result<Self, DecodeError> {
                    let Some(fixed) = data.first_chunk::<FIXED_LEN>() else {
                        return Err(Self::error(data, base));
                    };
                    let mut var_end = [0u32; NV];
                    let end = if FULL_WALK {
                        // Field `i` starts where field `i - 1` ends: record the ends of the
                        // variable fields.
                        let mut note = |i: usize, p: usize| {
                            let prev = i.checked_sub(1).and_then(|j| ANCHORS.2.get(j)).copied();
                            if let Some(k) = prev.filter(|&k| k != $crate::layout::NO_ANCHOR) {
                                if let Some(e) = var_end.get_mut(k) {
                                    *e = p as u32;
                                }
                            }
                        };
                        let end = $crate::layout::walk(&LAYOUT, data, base, |i, p, _| note(i, p))?.end;
                        note(N, end);
                        end
                    } else if NV == 0 {
                        FIXED_LEN
                    } else {
                        match Self::check(data, &mut var_end) {
                            Some(end) => end,
                            None => return Err(Self::error(data, base)),
                        }
                    };
                    Ok(View { data, fixed, base, var_end, end })
                }

                /// Why `data` does not decode, once the fast check said it does not: the walk's
                /// precise error (field, bound, offset). Out of line and cold, so the valid
                /// path keeps its registers.
                #[cold]
                #[inline(never)]
                fn error(data: &[u8], base: usize) -> DecodeError {
                    match $crate::layout::walk(&LAYOUT, data, base, |_, _, _| {}) {
                        Err(e) => e,
                        // Unreachable while the check accepts what the walk accepts (tested);
                        // still an error, never a view over unchecked bytes.
                        Ok(_) => $crate::error::DecodeError::invalid(
                            base,
                            $crate::error::ErrorKind::LengthOverrun {
                                declared: FIXED_LEN as u32,
                                available: data.len() as u32,
                            },
                        ),
                    }
                }

                /// The validation `parse` runs, unrolled field by field: fixed-size fields add
                /// their (compile-time) size, variable-length ones are checked as their kind
                /// requires and their ends recorded. Accepts exactly what the walk accepts (the
                /// position only grows, and every variable field and the end are checked
                /// against the length); `None` when anything does not fit, and `parse` then
                /// asks the walk for the precise error.
                #[inline(always)]
                #[allow(unused_mut, unused_variables, unused_assignments, clippy::let_and_return)]
                fn check(data: &[u8], var_end: &mut [u32; NV]) -> Option<usize> {
                    let mut pos = 0usize;
                    let mut k = 0usize;
                    let mut pend: Option<(usize, usize)> = None;
                    $(check_field!(data, pos, k, pend, var_end, LAYOUT.series, $kind $($n)? $($l)?);)*
                    (pos <= data.len()).then_some(pos)
                }

                /// The `M` bytes of fixed-size field `I`, its position resolved at compile time.
                #[inline(always)]
                #[allow(dead_code, clippy::indexing_slicing)]
                fn at_c<const M: usize, const I: usize>(&self) -> [u8; M] {
                    let anchor = const { ANCHORS_C.0[I] };
                    if anchor == $crate::layout::NO_ANCHOR {
                        let p = const { OFFSETS_C[I] };
                        match self.fixed.get(p..).and_then(|s| s.first_chunk::<M>()) {
                            Some(a) => *a,
                            None => [0; M],
                        }
                    } else {
                        let rel = const { ANCHORS_C.1[I] };
                        // The fixed run after the anchor, whose fit `parse` checked: one
                        // check of the same condition for every field of the run (the
                        // compiler keeps one), then a constant offset into a slice of constant
                        // length (no check left).
                        let run = const {
                            let a = ANCHORS_C.0[I];
                            if a == $crate::layout::NO_ANCHOR { 0 } else { RUNS_C[a] }
                        };
                        let end = self.var_end.get(anchor).map_or(0, |&e| e as usize);
                        // Both arms are `run` bytes long (zeros where the run would not fit,
                        // which `parse` rules out), so the choice is a select and the reads
                        // after it are branch-free.
                        let seg = match self.data.get(end..).and_then(|s| s.get(..run)) {
                            Some(seg) => seg,
                            None => $crate::layout::ZEROS.get(..run).unwrap_or_default(),
                        };
                        $crate::layout::read::arr(seg, rel)
                    }
                }

                /// The position of field `I`, resolved at compile time where possible.
                #[inline(always)]
                #[allow(dead_code, clippy::indexing_slicing)]
                fn pos_c<const I: usize>(&self) -> usize {
                    let anchor = const { ANCHORS_C.0[I] };
                    if anchor == $crate::layout::NO_ANCHOR {
                        const { OFFSETS_C[I] }
                    } else {
                        let end = self.var_end.get(anchor).map_or(0, |&e| e as usize);
                        end + const { ANCHORS_C.1[I] }
                    }
                }

                /// The bytes of variable-length field `I` after its first `SKIP` (a String or
                /// BLOB block's header): up to its end, which `parse` recorded (one check,
                /// nothing read again).
                #[inline(always)]
                #[allow(dead_code, clippy::indexing_slicing)]
                fn var_bytes_c<const I: usize, const SKIP: usize>(&self) -> &'a [u8] {
                    let start = self.pos_c::<I>() + SKIP;
                    let end = self
                        .var_end
                        .get(const { ANCHORS_C.2[I] })
                        .map_or(0, |&e| e as usize);
                    self.data.get(start..end).unwrap_or_default()
                }

                $(
                    $(#[$fm])*
                    #[inline]
                    pub fn $fname(&self) -> view_ty!('a, $kind $($n)? $($l)?) {
                        read_field!(self, Idx::$fname as usize, $kind $($n)? $($l)?)
                    }
                )*

                /// Bytes after the last field (a newer layout's additions), kept verbatim.
                pub fn trailing(&self) -> &'a [u8] {
                    self.data.get(self.end..).unwrap_or_default()
                }

                /// Length of the fields (the bytes before [`trailing`](Self::trailing)).
                pub const fn fields_len(&self) -> usize {
                    self.end
                }

                /// The bytes the view covers (fields and trailing bytes).
                pub const fn bytes(&self) -> &'a [u8] {
                    self.data
                }

                /// Absolute offset of the first field.
                pub const fn offset(&self) -> usize {
                    self.base
                }

                /// Every field's value, in wire order (names in [`FIELDS`]).
                pub fn values(&self) -> [Value<'a>; N] {
                    [$(view_value!(self.$fname(), $kind $($n)? $($l)?)),*]
                }

                /// Calls `f(name, value)` for every field in wire order, through the typed
                /// accessors (no array is built; what [`values`](Self::values) does lazily).
                #[inline]
                #[allow(unused_mut, unused_variables)]
                pub fn visit(&self, mut f: impl FnMut(&'static str, Value<'a>)) {
                    $(f(stringify!($fname), view_value!(self.$fname(), $kind $($n)? $($l)?));)*
                }

                /// Calls `f(name, value)` for every data field in wire order: what
                /// [`RecordParts::for_each`](crate::RecordParts::for_each) passes (every field but
                /// a [`Kind::Len16`] length, whose text carries it), read through the typed
                /// accessors of the validated view instead of walking the layout again.
                #[inline]
                #[allow(unused_mut, unused_variables)]
                pub fn visit_data(&self, mut f: impl FnMut(&'static str, Value<'a>)) {
                    $(visit_data_field!(self, f, stringify!($fname), $fname, $kind $($n)? $($l)?);)*
                }

                /// [`visit_data`](Self::visit_data) with each field's index in [`FIELDS`]
                /// instead of its name (for consumers that keep a table per layout).
                #[inline]
                #[allow(unused_mut, unused_variables)]
                pub fn visit_data_indexed(&self, mut f: impl FnMut(usize, Value<'a>)) {
                    $(visit_data_field!(self, f, Idx::$fname as usize, $fname, $kind $($n)? $($l)?);)*
                }

                /// The owned representation (for re-encoding or editing).
                pub fn to_repr(&self) -> Repr<'a> {
                    Repr {
                        $($fname: repr_from_view!(self.$fname(), $kind $($n)? $($l)?),)*
                        trailing: self.trailing(),
                    }
                }
            }

            impl PartialEq for View<'_> {
                fn eq(&self, other: &Self) -> bool {
                    self.data == other.data
                }
            }

            impl core::hash::Hash for View<'_> {
                fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                    self.data.hash(state);
                }
            }

            impl<'a> $crate::layout::TypedView<'a> for View<'a> {
                fn layout(&self) -> &'static Layout {
                    &LAYOUT
                }
                fn bytes(&self) -> &'a [u8] {
                    self.data
                }
                fn offset(&self) -> usize {
                    self.base
                }
                fn fields_len(&self) -> usize {
                    self.end
                }
                fn trailing(&self) -> &'a [u8] {
                    View::trailing(self)
                }
                fn visit_all(&self, f: &mut dyn FnMut(&'static str, Value<'a>)) {
                    self.visit(f)
                }
                #[cfg(feature = "alloc")]
                fn encode_repr(
                    &self,
                    out: &mut alloc::vec::Vec<u8>,
                ) -> Result<(), $crate::error::EncodeError> {
                    self.to_repr().encode(out)
                }
            }

            /// The data fields in wire order, then `trailing` (the form `layout::ser`
            /// describes).
            #[cfg(feature = "serde")]
            impl serde::Serialize for View<'_> {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    $crate::layout::ser::fields(s, |f| self.visit_data(f), self.trailing())
                }
            }

            impl core::fmt::Debug for View<'_> {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    let mut d = f.debug_struct(stringify!($module));
                    $(d.field(stringify!($fname), &self.$fname());)*
                    if !self.trailing().is_empty() {
                        d.field("trailing", &self.trailing());
                    }
                    d.finish()
                }
            }

            /// Owned representation: every field as a value (lengths computed on encode).
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct Repr<'a> {
                $(
                    $(#[$fm])*
                    pub $fname: repr_ty!('a, $kind $($n)? $($l)?),
                )*
                /// Bytes written after the last field, verbatim.
                pub trailing: &'a [u8],
            }

            impl<'a> Repr<'a> {
                /// Every field's value, in wire order.
                pub fn values(&self) -> [Value<'a>; N] {
                    [$(repr_value!(self.$fname, $kind $($n)? $($l)?)),*]
                }

                /// Appends the encoding (for a block layout, the whole block with its header).
                #[cfg(feature = "alloc")]
                pub fn encode(
                    &self,
                    out: &mut alloc::vec::Vec<u8>,
                ) -> Result<(), $crate::error::EncodeError> {
                    $crate::layout::encode_fields(&LAYOUT, &self.values(), self.trailing, out)
                }
            }
        }
    };
}

/// One field of `visit_data`: nothing for a [`Kind::Len16`] length.
macro_rules! visit_data_field {
    ($s:ident, $f:ident, $key:expr, $fname:ident, len16) => {};
    ($s:ident, $f:ident, $key:expr, $fname:ident, $($k:tt)+) => {
        $f($key, view_value!($s.$fname(), $($k)+))
    };
}

macro_rules! repr_from_view {
    ($v:expr, block_len) => {{
        let _ = $v;
        $crate::layout::Computed
    }};
    ($v:expr, len16) => {{
        let _ = $v;
        $crate::layout::Computed
    }};
    ($v:expr, $($k:tt)+) => {
        $v
    };
}
