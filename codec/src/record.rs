//! Typed records: dispatch from an Event Data record to the view of its layout (WIRE.md §8-§9,
//! Appendix C).
//!
//! Records whose body is a block are dispatched on the block type found on the wire, never on
//! a configured version (intrusion blocks 81/85 insert a byte at offset 84, so reading them with
//! another layout misreads every later field; WIRE.md §9.3). A block type this crate has no
//! layout for yields the raw block; a record type it has no layout for yields the raw record.
//! Both re-encode bit-exact. A known layout whose bytes are malformed is an error for that
//! record only.

use crate::block::Block;
use crate::error::DecodeError;
use crate::layout::{Layout, Value, Walked};
use crate::message::EventData;
use crate::records::{
    access_control_policy, access_control_rule, classification, connection_160, connection_163,
    connection_168, connection_169, connection_170, connection_171, connection_173, connection_174,
    discovery_header, extra_data, extra_data_metadata, file_event_56, file_event_79, geolocation,
    id_name, impact_alert, intrusion_event_41, intrusion_event_60, intrusion_event_81,
    intrusion_event_85, ioc_name, malware_event_62, malware_event_80, network_analysis_policy,
    packet, priority, rule_message, rule_message_legacy, user, uuid_name,
};
use crate::types::RecordType;
use crate::values::{Ip16, Timestamp, Uuid};

/// A decoded record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record<'a> {
    /// Record 66.
    RuleMessage(rule_message::View<'a>),
    /// Record 5 (legacy rule message).
    RuleMessageLegacy(rule_message_legacy::View<'a>),
    /// Record 67.
    Classification(classification::View<'a>),
    /// Record 4.
    Priority(priority::View<'a>),
    /// Record 400.
    IntrusionEvent(IntrusionEvent<'a>),
    /// Record 110.
    ExtraData(extra_data::View<'a>),
    /// Record 111.
    ExtraDataMetadata(extra_data_metadata::View<'a>),
    /// Record 2.
    Packet(packet::View<'a>),
    /// Record 9 (block 153).
    ImpactAlert(impact_alert::View<'a>),
    /// Records 115, 116, 117, 118, 127, 322 (UUID to name).
    UuidName(RecordType, uuid_name::View<'a>),
    /// Record 119.
    AccessControlRule(access_control_rule::View<'a>),
    /// Records 145, 146, 147.
    AccessControlPolicy(RecordType, access_control_policy::View<'a>),
    /// The ID / length / name records (WIRE.md C.1).
    IdName(RecordType, id_name::View<'a>),
    /// Record 520.
    Geolocation(geolocation::View<'a>),
    /// Record 161.
    IocName(ioc_name::View<'a>),
    /// Record 700.
    NetworkAnalysisPolicy(network_analysis_policy::View<'a>),
    /// Records 62, 98 (block 57).
    User(RecordType, user::View<'a>),
    /// Record 71: discovery header and a connection statistics block.
    Connection(ConnectionEvent<'a>),
    /// A record type of the [catalogue](crate::catalogue) without a typed variant here: its
    /// fields, walked through its layout.
    Generic(Generic<'a>),
    /// Records 500 (file event), 502 (file malware event) with block 56.
    FileEvent56(RecordType, file_event_56::View<'a>),
    /// Records 500, 502 with block 79.
    FileEvent79(RecordType, file_event_79::View<'a>),
    /// Record 125 with block 62.
    MalwareEvent62(malware_event_62::View<'a>),
    /// Record 125 with block 80.
    MalwareEvent80(malware_event_80::View<'a>),
    /// A known record type whose body is a block of a type this crate has no layout for: the
    /// block, raw.
    RawBlock(RecordType, Block<'a>),
    /// A record type this crate has no layout for: the body, raw.
    Unknown(RecordType, &'a [u8]),
}

/// Record 400 in the layout its block type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntrusionEvent<'a> {
    /// Block 41 (5.3).
    V41(intrusion_event_41::View<'a>),
    /// Block 60 (6.0+, request v9).
    V60(intrusion_event_60::View<'a>),
    /// Block 81 (request v10).
    V81(intrusion_event_81::View<'a>),
    /// Block 85 (request v11).
    V85(intrusion_event_85::View<'a>),
}

/// Record 71 (WIRE.md §10): the discovery event header, then one series-1 connection
/// statistics block, dispatched on its wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionEvent<'a> {
    /// The discovery event header (40 or 56 bytes).
    pub header: discovery_header::View<'a>,
    /// The connection block.
    pub block: ConnectionBlock<'a>,
}

/// A connection statistics block in the layout its type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionBlock<'a> {
    /// Block 160 (6.0).
    V160(connection_160::View<'a>),
    /// Block 163 (6.1+).
    V163(connection_163::View<'a>),
    /// Block 168.
    V168(connection_168::View<'a>),
    /// Block 169.
    V169(connection_169::View<'a>),
    /// Block 170.
    V170(connection_170::View<'a>),
    /// Block 171.
    V171(connection_171::View<'a>),
    /// Block 173.
    V173(connection_173::View<'a>),
    /// Block 174 (newest known).
    V174(connection_174::View<'a>),
    /// A block type with no layout here (older or newer than those above): raw.
    Raw(Block<'a>),
}

impl<'a> ConnectionEvent<'a> {
    fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let header = discovery_header::View::parse(body, base)?;
        let rest = header.trailing();
        let at = base + (body.len() - rest.len());
        let b = Block::parse_exact(rest, at)?;
        let (d, o) = (b.data, b.data_offset());
        let block = match b.block_type {
            160 => ConnectionBlock::V160(connection_160::View::parse(d, o)?),
            163 => ConnectionBlock::V163(connection_163::View::parse(d, o)?),
            168 => ConnectionBlock::V168(connection_168::View::parse(d, o)?),
            169 => ConnectionBlock::V169(connection_169::View::parse(d, o)?),
            170 => ConnectionBlock::V170(connection_170::View::parse(d, o)?),
            171 => ConnectionBlock::V171(connection_171::View::parse(d, o)?),
            173 => ConnectionBlock::V173(connection_173::View::parse(d, o)?),
            174 => ConnectionBlock::V174(connection_174::View::parse(d, o)?),
            _ => ConnectionBlock::Raw(b),
        };
        Ok(ConnectionEvent { header, block })
    }
}

/// A catalogued record decoded through its layouts (see [`crate::catalogue`]).
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
        shape: &crate::catalogue::Shape,
        body: &'a [u8],
        base: usize,
    ) -> Result<Self, DecodeError> {
        use crate::catalogue::Shape;
        let (prefix, rest, at) = if shape.has_discovery_header() {
            let h = discovery_header::View::parse(body, base)?;
            let n = h.fields_len();
            let parts = RecordParts {
                layout: &discovery_header::LAYOUT,
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

/// The ID / length / name record types (WIRE.md C.1).
pub const ID_NAME_RECORDS: &[u32] = &[
    55, 58, 59, 60, 61, 63, 90, 91, 96, 109, 120, 121, 122, 123, 128, 129, 130, 131, 281, 300, 302,
    350, 510, 515, 516, 517, 518, 519, 602, 604, 605, 606, 607, 608, 613,
];

/// The UUID String Mapping record types (WIRE.md C.2).
pub const UUID_NAME_RECORDS: &[u32] = &[115, 116, 117, 118, 127, 322];

/// The main part's visit of every [`Record`] variant: the typed view's `$visit` (`visit_data` or
/// `visit_data_indexed`), or the generic walk's `$walk` for [`Record::Generic`]. One list of the
/// typed variants for the named and the indexed visit, each dispatching straight to the view (a
/// named visit through the indexed one would look every name up in a slice whose length the
/// compiler does not know: a bounds check per field).
macro_rules! each_view {
    ($self:ident, $f:ident, $visit:ident, $walk:ident) => {{
        macro_rules! v {
            ($v:expr) => {{
                $v.$visit($f);
                Some(Walked {
                    end: $v.fields_len(),
                })
            }};
        }
        match $self {
            Record::RuleMessage(v) => v!(v),
            Record::RuleMessageLegacy(v) => v!(v),
            Record::Classification(v) => v!(v),
            Record::Priority(v) => v!(v),
            Record::IntrusionEvent(IntrusionEvent::V41(v)) => v!(v),
            Record::IntrusionEvent(IntrusionEvent::V60(v)) => v!(v),
            Record::IntrusionEvent(IntrusionEvent::V81(v)) => v!(v),
            Record::IntrusionEvent(IntrusionEvent::V85(v)) => v!(v),
            Record::ExtraData(v) => v!(v),
            Record::ExtraDataMetadata(v) => v!(v),
            Record::Packet(v) => v!(v),
            Record::ImpactAlert(v) => v!(v),
            Record::UuidName(_, v) => v!(v),
            Record::AccessControlRule(v) => v!(v),
            Record::AccessControlPolicy(_, v) => v!(v),
            Record::IdName(_, v) => v!(v),
            Record::Geolocation(v) => v!(v),
            Record::IocName(v) => v!(v),
            Record::NetworkAnalysisPolicy(v) => v!(v),
            Record::User(_, v) => v!(v),
            Record::FileEvent56(_, v) => v!(v),
            Record::FileEvent79(_, v) => v!(v),
            Record::MalwareEvent62(v) => v!(v),
            Record::MalwareEvent80(v) => v!(v),
            Record::Connection(c) => match &c.block {
                ConnectionBlock::V160(v) => v!(v),
                ConnectionBlock::V163(v) => v!(v),
                ConnectionBlock::V168(v) => v!(v),
                ConnectionBlock::V169(v) => v!(v),
                ConnectionBlock::V170(v) => v!(v),
                ConnectionBlock::V171(v) => v!(v),
                ConnectionBlock::V173(v) => v!(v),
                ConnectionBlock::V174(v) => v!(v),
                ConnectionBlock::Raw(_) => None,
            },
            Record::Generic(g) => g.main.ok()?.$walk($f).ok(),
            Record::RawBlock(..) | Record::Unknown(..) => None,
        }
    }};
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

    /// Decodes a record body of type `t` whose first byte is at absolute offset `base`.
    pub fn decode_body(
        t: RecordType,
        body: &'a [u8],
        base: usize,
    ) -> Result<Record<'a>, DecodeError> {
        Ok(match t.0 {
            66 => Record::RuleMessage(rule_message::View::parse(body, base)?),
            5 => Record::RuleMessageLegacy(rule_message_legacy::View::parse(body, base)?),
            67 => Record::Classification(classification::View::parse(body, base)?),
            4 => Record::Priority(priority::View::parse(body, base)?),
            2 => Record::Packet(packet::View::parse(body, base)?),
            71 => Record::Connection(ConnectionEvent::parse(body, base)?),
            400 => {
                let b = Block::parse_exact(body, base)?;
                let (d, o) = (b.data, b.data_offset());
                match b.block_type {
                    41 => Record::IntrusionEvent(IntrusionEvent::V41(
                        intrusion_event_41::View::parse(d, o)?,
                    )),
                    60 => Record::IntrusionEvent(IntrusionEvent::V60(
                        intrusion_event_60::View::parse(d, o)?,
                    )),
                    81 => Record::IntrusionEvent(IntrusionEvent::V81(
                        intrusion_event_81::View::parse(d, o)?,
                    )),
                    85 => Record::IntrusionEvent(IntrusionEvent::V85(
                        intrusion_event_85::View::parse(d, o)?,
                    )),
                    _ => Record::RawBlock(t, b),
                }
            }
            // Records whose body is one block: parse it, then dispatch on its wire type.
            _ => {
                let one = |ty: u32| -> Result<Result<Block<'a>, Block<'a>>, DecodeError> {
                    let b = Block::parse_exact(body, base)?;
                    Ok(if b.block_type == ty { Ok(b) } else { Err(b) })
                };
                macro_rules! blk {
                    ($ty:expr, |$v:ident| $make:expr, $module:ident) => {
                        match one($ty)? {
                            Ok(b) => {
                                let $v = $module::View::parse(b.data, b.data_offset())?;
                                $make
                            }
                            Err(b) => Record::RawBlock(t, b),
                        }
                    };
                }
                match t.0 {
                    500 | 502 => match one(56)? {
                        Ok(b) => Record::FileEvent56(
                            t,
                            file_event_56::View::parse(b.data, b.data_offset())?,
                        ),
                        Err(b) if b.block_type == 79 => Record::FileEvent79(
                            t,
                            file_event_79::View::parse(b.data, b.data_offset())?,
                        ),
                        Err(b) => Record::RawBlock(t, b),
                    },
                    125 => match one(62)? {
                        Ok(b) => Record::MalwareEvent62(malware_event_62::View::parse(
                            b.data,
                            b.data_offset(),
                        )?),
                        Err(b) if b.block_type == 80 => Record::MalwareEvent80(
                            malware_event_80::View::parse(b.data, b.data_offset())?,
                        ),
                        Err(b) => Record::RawBlock(t, b),
                    },
                    110 => blk!(4, |v| Record::ExtraData(v), extra_data),
                    111 => blk!(5, |v| Record::ExtraDataMetadata(v), extra_data_metadata),
                    9 => blk!(153, |v| Record::ImpactAlert(v), impact_alert),
                    119 => blk!(15, |v| Record::AccessControlRule(v), access_control_rule),
                    145..=147 => blk!(
                        64,
                        |v| Record::AccessControlPolicy(t, v),
                        access_control_policy
                    ),
                    520 => blk!(28, |v| Record::Geolocation(v), geolocation),
                    161 => blk!(39, |v| Record::IocName(v), ioc_name),
                    62 | 98 => blk!(57, |v| Record::User(t, v), user),
                    700 => Record::NetworkAnalysisPolicy(network_analysis_policy::View::parse(
                        body, base,
                    )?),
                    n if UUID_NAME_RECORDS.contains(&n) => {
                        blk!(14, |v| Record::UuidName(t, v), uuid_name)
                    }
                    n if ID_NAME_RECORDS.contains(&n) => {
                        Record::IdName(t, id_name::View::parse(body, base)?)
                    }
                    n => match crate::catalogue::lookup(n) {
                        Some(entry) => {
                            Record::Generic(Generic::decode(t, &entry.shape, body, base)?)
                        }
                        None => Record::Unknown(t, body),
                    },
                }
            }
        })
    }

    /// The layout, the bytes its fields cover and their absolute offset, and the block type
    /// for block layouts: what a generic consumer (JSON, catalogue) needs to walk the fields.
    /// `None` for raw records and raw blocks.
    pub fn parts(&self) -> Option<RecordParts<'a>> {
        macro_rules! p {
            ($v:expr, $module:ident) => {
                RecordParts {
                    layout: &$module::LAYOUT,
                    bytes: $v.bytes(),
                    offset: $v.offset(),
                }
            };
        }
        Some(match self {
            Record::RuleMessage(v) => p!(v, rule_message),
            Record::RuleMessageLegacy(v) => p!(v, rule_message_legacy),
            Record::Classification(v) => p!(v, classification),
            Record::Priority(v) => p!(v, priority),
            Record::IntrusionEvent(IntrusionEvent::V41(v)) => p!(v, intrusion_event_41),
            Record::IntrusionEvent(IntrusionEvent::V60(v)) => p!(v, intrusion_event_60),
            Record::IntrusionEvent(IntrusionEvent::V81(v)) => p!(v, intrusion_event_81),
            Record::IntrusionEvent(IntrusionEvent::V85(v)) => p!(v, intrusion_event_85),
            Record::ExtraData(v) => p!(v, extra_data),
            Record::ExtraDataMetadata(v) => p!(v, extra_data_metadata),
            Record::Packet(v) => p!(v, packet),
            Record::ImpactAlert(v) => p!(v, impact_alert),
            Record::UuidName(_, v) => p!(v, uuid_name),
            Record::AccessControlRule(v) => p!(v, access_control_rule),
            Record::AccessControlPolicy(_, v) => p!(v, access_control_policy),
            Record::IdName(_, v) => p!(v, id_name),
            Record::Geolocation(v) => p!(v, geolocation),
            Record::IocName(v) => p!(v, ioc_name),
            Record::NetworkAnalysisPolicy(v) => p!(v, network_analysis_policy),
            Record::User(_, v) => p!(v, user),
            Record::FileEvent56(_, v) => p!(v, file_event_56),
            Record::FileEvent79(_, v) => p!(v, file_event_79),
            Record::MalwareEvent62(v) => p!(v, malware_event_62),
            Record::MalwareEvent80(v) => p!(v, malware_event_80),
            Record::Connection(c) => match &c.block {
                ConnectionBlock::V160(v) => p!(v, connection_160),
                ConnectionBlock::V163(v) => p!(v, connection_163),
                ConnectionBlock::V168(v) => p!(v, connection_168),
                ConnectionBlock::V169(v) => p!(v, connection_169),
                ConnectionBlock::V170(v) => p!(v, connection_170),
                ConnectionBlock::V171(v) => p!(v, connection_171),
                ConnectionBlock::V173(v) => p!(v, connection_173),
                ConnectionBlock::V174(v) => p!(v, connection_174),
                ConnectionBlock::Raw(_) => return None,
            },
            Record::Generic(g) => return g.main.ok(),
            Record::RawBlock(..) | Record::Unknown(..) => return None,
        })
    }

    /// Calls `f(name, value)` for every data field of the record's main part: the same fields,
    /// values and order as [`parts`](Self::parts)`.for_each(f)`, but for the typed variants read
    /// through the view's accessors (validated when the record was decoded) instead of walking
    /// the layout again; [`Record::Generic`] records walk their layout. Returns where the fields
    /// end within [`RecordParts::bytes`] (trailing bytes follow), or `None` when the record has
    /// no parts (raw blocks, unknown records) or a generic walk fails.
    #[inline]
    pub fn visit_fields(&self, f: impl FnMut(&'static str, Value<'a>)) -> Option<Walked> {
        each_view!(self, f, visit_data, for_each)
    }

    /// Calls `f(name, value)` for every field of the header that precedes the record's block
    /// (see [`prefix`](Self::prefix)): the same as `prefix().for_each(f)`, through the typed
    /// view where there is one. Does nothing when there is no such header.
    #[inline]
    pub fn visit_prefix(&self, f: impl FnMut(&'static str, Value<'a>)) {
        match self {
            Record::Connection(c) => c.header.visit_data(f),
            Record::Generic(g) => {
                if let Some(p) = g.prefix {
                    let _ = p.for_each(f);
                }
            }
            _ => {}
        }
    }

    /// [`visit_fields`](Self::visit_fields) with each field's index in the layout's fields
    /// ([`RecordParts::layout`]) instead of its name.
    ///
    /// Calls `f(index, value)` for every data field of the record's main part: the same fields,
    /// values and order as [`parts`](Self::parts)`.for_each(f)`, but for the typed variants read
    /// through the view's accessors (validated when the record was decoded) instead of walking
    /// the layout again; [`Record::Generic`] records walk their layout. Returns where the fields
    /// end within [`RecordParts::bytes`] (trailing bytes follow), or `None` when the record has
    /// no parts (raw blocks, unknown records) or a generic walk fails.
    #[inline]
    pub fn visit_fields_indexed(&self, f: impl FnMut(usize, Value<'a>)) -> Option<Walked> {
        each_view!(self, f, visit_data_indexed, for_each_indexed)
    }

    /// [`visit_prefix`](Self::visit_prefix) with each field's index in the prefix layout's
    /// fields instead of its name.
    ///
    /// Calls `f(index, value)` for every field of the header that precedes the record's block
    /// (see [`prefix`](Self::prefix)): the same as `prefix().for_each(f)`, through the typed
    /// view where there is one. Does nothing when there is no such header.
    #[inline]
    pub fn visit_prefix_indexed(&self, f: impl FnMut(usize, Value<'a>)) {
        match self {
            Record::Connection(c) => c.header.visit_data_indexed(f),
            Record::Generic(g) => {
                if let Some(p) = g.prefix {
                    let _ = p.for_each_indexed(f);
                }
            }
            _ => {}
        }
    }

    /// A header that precedes the record's block (the discovery event header of discovery,
    /// user and connection records), as parts to walk.
    pub fn prefix(&self) -> Option<RecordParts<'a>> {
        match self {
            Record::Generic(g) => g.prefix,
            Record::Connection(c) => Some(RecordParts {
                layout: &discovery_header::LAYOUT,
                bytes: c
                    .header
                    .bytes()
                    .get(..c.header.fields_len())
                    .unwrap_or_default(),
                offset: c.header.offset(),
            }),
            _ => None,
        }
    }

    /// The raw block of a known record whose block type has no layout here.
    pub fn raw_block(&self) -> Option<Block<'a>> {
        match self {
            Record::Generic(g) => g.main.err(),
            Record::RawBlock(_, b) => Some(*b),
            Record::Connection(ConnectionEvent {
                block: ConnectionBlock::Raw(b),
                ..
            }) => Some(*b),
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

macro_rules! common {
    ($(#[$m:meta])* $name:ident -> $ty:ty) => {
        $(#[$m])*
        pub fn $name(&self) -> $ty {
            match self {
                IntrusionEvent::V41(v) => v.$name(),
                IntrusionEvent::V60(v) => v.$name(),
                IntrusionEvent::V81(v) => v.$name(),
                IntrusionEvent::V85(v) => v.$name(),
            }
        }
    };
}

impl IntrusionEvent<'_> {
    /// The block type the event came in.
    pub const fn block_type(&self) -> u32 {
        match self {
            IntrusionEvent::V41(_) => 41,
            IntrusionEvent::V60(_) => 60,
            IntrusionEvent::V81(_) => 81,
            IntrusionEvent::V85(_) => 85,
        }
    }

    common!(/// Managed device ID.
        device_id -> u32);
    common!(/// Event ID.
        event_id -> u32);
    common!(/// Event time, seconds.
        event_second -> u32);
    common!(/// Event time, microseconds.
        event_microsecond -> u32);
    common!(/// The FMC-internal rule number: join with record 66 for the SID, never show it as
        /// the SID.
        rule_id -> u32);
    common!(/// Generator ID.
        generator_id -> u32);
    common!(/// Rule revision.
        rule_revision -> u32);
    common!(/// Classification ID (record 67).
        classification_id -> u32);
    common!(/// Priority ID (record 4).
        priority_id -> u32);
    common!(/// Source address.
        source_ip -> Ip16);
    common!(/// Destination address.
        destination_ip -> Ip16);
    common!(/// Source port or ICMP type.
        source_port_or_icmp_type -> u16);
    common!(/// Destination port or ICMP code.
        destination_port_or_icmp_code -> u16);
    common!(/// IANA protocol number.
        ip_protocol_id -> u8);
    common!(/// Impact flags.
        impact_flags -> u8);
    common!(/// Impact level.
        impact -> u8);
    common!(/// Blocked.
        blocked -> u8);
    common!(/// Intrusion policy UUID (record 118).
        intrusion_policy_uuid -> Uuid);
    common!(/// User ID.
        user_id -> u32);
    common!(/// Web application ID (record 109).
        web_application_id -> u32);
    common!(/// Client application ID (record 55).
        client_application_id -> u32);
    common!(/// Application protocol ID (record 63).
        application_protocol_id -> u32);
    common!(/// Access control rule ID (record 119).
        access_control_rule_id -> u32);
    common!(/// Access control policy UUID (records 117, 145).
        access_control_policy_uuid -> Uuid);
    common!(/// Ingress interface UUID (record 116).
        interface_ingress_uuid -> Uuid);
    common!(/// Egress interface UUID (record 116).
        interface_egress_uuid -> Uuid);
    common!(/// Ingress security zone UUID (record 115).
        security_zone_ingress_uuid -> Uuid);
    common!(/// Egress security zone UUID (record 115).
        security_zone_egress_uuid -> Uuid);
    common!(/// Source country (record 520).
        source_country -> u16);
    common!(/// Destination country (record 520).
        destination_country -> u16);
    common!(/// IOC number (record 161).
        ioc_number -> u16);

    /// The event time: seconds and microseconds.
    pub fn event_time(&self) -> Timestamp {
        Timestamp {
            seconds: self.event_second(),
            microseconds: self.event_microsecond(),
        }
    }

    /// Blocked reason (blocks 81 and 85 only).
    pub fn blocked_reason(&self) -> Option<u8> {
        match self {
            IntrusionEvent::V81(v) => Some(v.blocked_reason()),
            IntrusionEvent::V85(v) => Some(v.blocked_reason()),
            _ => None,
        }
    }

    /// Network analysis policy UUID (record 700; not in block 41).
    pub fn network_analysis_policy_uuid(&self) -> Option<Uuid> {
        match self {
            IntrusionEvent::V41(_) => None,
            IntrusionEvent::V60(v) => Some(v.network_analysis_policy_uuid()),
            IntrusionEvent::V81(v) => Some(v.network_analysis_policy_uuid()),
            IntrusionEvent::V85(v) => Some(v.network_analysis_policy_uuid()),
        }
    }

    /// SSL actual action (record 606; not in block 41).
    pub fn ssl_actual_action(&self) -> Option<u16> {
        match self {
            IntrusionEvent::V41(_) => None,
            IntrusionEvent::V60(v) => Some(v.ssl_actual_action()),
            IntrusionEvent::V81(v) => Some(v.ssl_actual_action()),
            IntrusionEvent::V85(v) => Some(v.ssl_actual_action()),
        }
    }

    /// SSL flow status (record 608; not in block 41).
    pub fn ssl_flow_status(&self) -> Option<u16> {
        match self {
            IntrusionEvent::V41(_) => None,
            IntrusionEvent::V60(v) => Some(v.ssl_flow_status()),
            IntrusionEvent::V81(v) => Some(v.ssl_flow_status()),
            IntrusionEvent::V85(v) => Some(v.ssl_flow_status()),
        }
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
        let Some(entry) = crate::catalogue::lookup(t.0) else {
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
