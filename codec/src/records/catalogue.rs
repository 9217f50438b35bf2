//! The record catalogue: for every record type this crate decodes, its name and the shape of
//! its body (which layouts, in which arrangement). The rows are the record table's
//! ([`records`](crate::records)), one per record type, sorted; they drive the generic decoding
//! of the record types without a typed variant ([`Record::Generic`](crate::Record::Generic))
//! and the coverage table (`estreamer catalogue`).

use crate::layout::Layout;

/// How a record body is built from layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The body is the layout's fields.
    Body(&'static Layout),
    /// The body is one block, decoded with the layout whose block type matches the wire; any
    /// other block type stays raw.
    Block(&'static [&'static Layout]),
    /// The discovery event header ([`discovery_header`](crate::records::discovery::discovery_header)),
    /// then one block dispatched as in `Block`.
    DiscoveryBlock(&'static [&'static Layout]),
    /// The discovery event header, then the layout's fields (no block).
    DiscoveryBody(&'static Layout),
}

impl Shape {
    /// Every layout the shape can use.
    pub fn layouts(&self) -> &[&'static Layout] {
        match self {
            Shape::Body(l) | Shape::DiscoveryBody(l) => core::slice::from_ref(l),
            Shape::Block(ls) | Shape::DiscoveryBlock(ls) => ls,
        }
    }

    /// True when the body starts with the discovery event header.
    pub const fn has_discovery_header(&self) -> bool {
        matches!(self, Shape::DiscoveryBlock(_) | Shape::DiscoveryBody(_))
    }
}

/// One catalogue row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The record type.
    pub record_type: u32,
    /// What the record is (the Integration Guide's name).
    pub name: &'static str,
    /// Its body.
    pub shape: Shape,
    /// The typed [`Record`](crate::Record) variant it decodes to (`"IntrusionEvent"`, ...), or
    /// `None` for [`Record::Generic`](crate::Record::Generic).
    pub variant: Option<&'static str>,
}

/// The catalogue row for a record type, if any.
pub fn lookup(record_type: u32) -> Option<&'static Entry> {
    let all = crate::records::CATALOGUE;
    all.binary_search_by_key(&record_type, |e| e.record_type)
        .ok()
        .and_then(|i| all.get(i))
}

/// Every row, sorted by record type.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    crate::records::CATALOGUE.iter()
}
