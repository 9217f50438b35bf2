//! The record catalogue: for every record type this crate decodes, its name and the shape of
//! its body (which layouts, in which arrangement). It drives the generic decoding of the long
//! tail of record types ([`Record::Generic`](crate::Record::Generic)) and the coverage table
//! (`estreamer catalogue`); the hot records (intrusion, connection, file, malware, rule
//! message, ...) have hand-written typed dispatch in [`Record`](crate::Record) and are listed
//! here too, for the table.

use crate::layout::Layout;
use crate::records;

/// How a record body is built from layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The body is the layout's fields.
    Body(&'static Layout),
    /// The body is one block, decoded with the layout whose block type matches the wire; any
    /// other block type stays raw.
    Block(&'static [&'static Layout]),
    /// The discovery event header (WIRE.md §6.5), then one block dispatched as in `Block`.
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
    /// What the record is (Appendix A's name).
    pub name: &'static str,
    /// Its body.
    pub shape: Shape,
}

const fn e(record_type: u32, name: &'static str, shape: Shape) -> Entry {
    Entry {
        record_type,
        name,
        shape,
    }
}

use Shape::{Block, Body, DiscoveryBlock};

/// The catalogue tables, searched in order (later tables may add record types).
pub static TABLES: &[&[Entry]] = &[
    CORE,
    crate::records_discovery::ENTRIES,
    crate::records_metadata::ENTRIES,
];

/// Records of WIRE.md §6-§10 and Appendix C.
pub static CORE: &[Entry] = &[
    e(2, "Packet", Body(&records::packet::LAYOUT)),
    e(4, "Priority metadata", Body(&records::priority::LAYOUT)),
    e(
        5,
        "Legacy rule message",
        Body(&records::rule_message_legacy::LAYOUT),
    ),
    e(
        9,
        "Intrusion impact alert",
        Block(&[&records::impact_alert::LAYOUT]),
    ),
    e(62, "User metadata", Block(&[&records::user::LAYOUT])),
    e(
        66,
        "Rule message metadata",
        Body(&records::rule_message::LAYOUT),
    ),
    e(
        67,
        "Classification metadata",
        Body(&records::classification::LAYOUT),
    ),
    e(
        71,
        "Connection statistics",
        DiscoveryBlock(&[
            &records::connection_160::LAYOUT,
            &records::connection_163::LAYOUT,
            &records::connection_168::LAYOUT,
            &records::connection_169::LAYOUT,
            &records::connection_170::LAYOUT,
            &records::connection_171::LAYOUT,
            &records::connection_173::LAYOUT,
            &records::connection_174::LAYOUT,
        ]),
    ),
    e(98, "User", Block(&[&records::user::LAYOUT])),
    e(
        110,
        "Intrusion event extra data",
        Block(&[&records::extra_data::LAYOUT]),
    ),
    e(
        111,
        "Intrusion event extra data metadata",
        Block(&[&records::extra_data_metadata::LAYOUT]),
    ),
    e(
        115,
        "Security zone name",
        Block(&[&records::uuid_name::LAYOUT]),
    ),
    e(116, "Interface name", Block(&[&records::uuid_name::LAYOUT])),
    e(
        117,
        "Access control policy name",
        Block(&[&records::uuid_name::LAYOUT]),
    ),
    e(
        118,
        "Intrusion policy name",
        Block(&[&records::uuid_name::LAYOUT]),
    ),
    e(
        119,
        "Access control rule ID",
        Block(&[&records::access_control_rule::LAYOUT]),
    ),
    e(
        125,
        "Malware event",
        Block(&[
            &records::malware_event_62::LAYOUT,
            &records::malware_event_80::LAYOUT,
        ]),
    ),
    e(127, "AMP cloud name", Block(&[&records::uuid_name::LAYOUT])),
    e(
        145,
        "Access control policy",
        Block(&[&records::access_control_policy::LAYOUT]),
    ),
    e(
        146,
        "Prefilter policy",
        Block(&[&records::access_control_policy::LAYOUT]),
    ),
    e(
        147,
        "Tunnel or prefilter rule",
        Block(&[&records::access_control_policy::LAYOUT]),
    ),
    e(161, "IOC name", Block(&[&records::ioc_name::LAYOUT])),
    e(322, "Sinkhole", Block(&[&records::uuid_name::LAYOUT])),
    e(
        400,
        "Intrusion event",
        Block(&[
            &records::intrusion_event_41::LAYOUT,
            &records::intrusion_event_60::LAYOUT,
            &records::intrusion_event_81::LAYOUT,
            &records::intrusion_event_85::LAYOUT,
        ]),
    ),
    e(
        500,
        "File event",
        Block(&[
            &records::file_event_56::LAYOUT,
            &records::file_event_79::LAYOUT,
        ]),
    ),
    e(
        502,
        "File malware event",
        Block(&[
            &records::file_event_56::LAYOUT,
            &records::file_event_79::LAYOUT,
        ]),
    ),
    e(520, "Geolocation", Block(&[&records::geolocation::LAYOUT])),
    e(
        700,
        "Network analysis policy",
        Body(&records::network_analysis_policy::LAYOUT),
    ),
    // The ID / length / name records (WIRE.md C.1).
    e(
        55,
        "Client application metadata",
        Body(&records::id_name::LAYOUT),
    ),
    e(58, "Criticality metadata", Body(&records::id_name::LAYOUT)),
    e(
        59,
        "Network protocol metadata",
        Body(&records::id_name::LAYOUT),
    ),
    e(60, "Attribute metadata", Body(&records::id_name::LAYOUT)),
    e(61, "Scan type metadata", Body(&records::id_name::LAYOUT)),
    e(
        63,
        "Server (application protocol) metadata",
        Body(&records::id_name::LAYOUT),
    ),
    e(90, "Source type", Body(&records::id_name::LAYOUT)),
    e(91, "Source application", Body(&records::id_name::LAYOUT)),
    e(96, "Source detector", Body(&records::id_name::LAYOUT)),
    e(109, "Web application", Body(&records::id_name::LAYOUT)),
    e(
        120,
        "Access control rule action",
        Body(&records::id_name::LAYOUT),
    ),
    e(121, "URL category", Body(&records::id_name::LAYOUT)),
    e(122, "URL reputation", Body(&records::id_name::LAYOUT)),
    e(123, "Managed device", Body(&records::id_name::LAYOUT)),
    e(128, "Malware event type", Body(&records::id_name::LAYOUT)),
    e(
        129,
        "Malware event subtype",
        Body(&records::id_name::LAYOUT),
    ),
    e(130, "AMP detector type", Body(&records::id_name::LAYOUT)),
    e(131, "AMP file type", Body(&records::id_name::LAYOUT)),
    e(
        281,
        "Security Intelligence source/destination",
        Body(&records::id_name::LAYOUT),
    ),
    e(300, "Realm", Body(&records::id_name::LAYOUT)),
    e(302, "Security group", Body(&records::id_name::LAYOUT)),
    e(350, "Netmap domain", Body(&records::id_name::LAYOUT)),
    e(510, "File type ID", Body(&records::id_name::LAYOUT)),
    e(515, "File storage status", Body(&records::id_name::LAYOUT)),
    e(516, "File sandbox status", Body(&records::id_name::LAYOUT)),
    e(517, "Spero status", Body(&records::id_name::LAYOUT)),
    e(518, "Archive status", Body(&records::id_name::LAYOUT)),
    e(
        519,
        "Static analysis status",
        Body(&records::id_name::LAYOUT),
    ),
    e(602, "SSL cipher suite", Body(&records::id_name::LAYOUT)),
    e(604, "SSL version", Body(&records::id_name::LAYOUT)),
    e(
        605,
        "SSL server certificate status",
        Body(&records::id_name::LAYOUT),
    ),
    e(606, "SSL actual action", Body(&records::id_name::LAYOUT)),
    e(607, "SSL expected action", Body(&records::id_name::LAYOUT)),
    e(608, "SSL flow status", Body(&records::id_name::LAYOUT)),
    e(613, "SSL URL category", Body(&records::id_name::LAYOUT)),
];

/// The catalogue row for a record type, if any.
pub fn lookup(record_type: u32) -> Option<&'static Entry> {
    TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|e| e.record_type == record_type)
}

/// Every row, in table order.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    TABLES.iter().flat_map(|t| t.iter())
}
