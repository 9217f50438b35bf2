//! Data blocks (docs/protocol.md §7): `u32 type, u32 length (including these 8 bytes), data`.
//!
//! The block series (1 or 2) is not on the wire: it follows from the record that carries the
//! block. Series 1 and 2 reuse numbers for different blocks, so there are two open newtypes,
//! [`BlockType1`] and [`BlockType2`].
//!
//! [`Block`] is a validated view of one block; [`Blocks`] a fused, allocation-free iterator over
//! consecutive blocks (a list's items, a record's blocks) that reports absolute offsets and
//! stops at the first error. A block whose length is below 8, or that overruns its parent, is an
//! error at the offending block's offset (its length field). Nesting is capped at
//! [`MAX_NESTING`] levels.

use crate::error::{DecodeError, ErrorKind};
use crate::frame::block_data;
use crate::frame::wire::BlockHeader;
use crate::parse::{header_complete, sat32};
use crate::values::Text;

/// Deepest block nesting decoded (a record's outer block is depth 1). No source nests deeper
/// than 4 (connection event > URL list > URL block > string); 16 leaves room and bounds the
/// work a hostile input can cause.
pub const MAX_NESTING: u8 = 16;

open_code!(
    /// A series-1 block type (discovery, connection, user and other "RNA" records; docs/protocol.md §7.3).
    BlockType1(u32)
);

open_code_consts!(BlockType1, u32, {
    /// String primitive: text, length = block length - 8.
    STRING = 0 => "string",
    /// Three strings: subserver.
    SUBSERVER = 1 => "subserver",
    /// u16 protocol.
    PROTOCOL = 4 => "protocol",
    /// u32 value.
    INTEGER = 7 => "integer",
    /// BLOB primitive: opaque bytes.
    BLOB = 10 => "blob",
    /// List primitive: item blocks.
    LIST = 11 => "list",
    /// VLAN data.
    VLAN_DATA = 14 => "vlan_data",
    /// Legacy intrusion impact alert (IPv4).
    INTRUSION_IMPACT_ALERT_LEGACY = 20 => "intrusion_impact_alert_legacy",
    /// Generic list primitive.
    GENERIC_LIST = 31 => "generic_list",
    /// String information.
    STRING_INFORMATION = 35 => "string_information",
    /// Server banner.
    SERVER_BANNER = 37 => "server_banner",
    /// Attribute list item.
    ATTRIBUTE_LIST_ITEM = 39 => "attribute_list_item",
    /// Operating system data (3.5).
    OPERATING_SYSTEM_DATA = 53 => "operating_system_data",
    /// Attribute definition (4.7).
    ATTRIBUTE_DEFINITION = 55 => "attribute_definition",
    /// User protocol.
    USER_PROTOCOL = 57 => "user_protocol",
    /// User client application list.
    USER_CLIENT_APPLICATION_LIST = 60 => "user_client_application_list",
    /// IP range specification (4.7-5.1.1).
    IP_RANGE_SPECIFICATION = 61 => "ip_range_specification",
    /// Attribute specification.
    ATTRIBUTE_SPECIFICATION = 62 => "attribute_specification",
    /// MAC address specification.
    MAC_ADDRESS_SPECIFICATION = 63 => "mac_address_specification",
    /// Fix data.
    FIX_DATA = 67 => "fix_data",
    /// User server.
    USER_SERVER = 76 => "user_server",
    /// User server list.
    USER_SERVER_LIST = 77 => "user_server_list",
    /// User hosts (4.7).
    USER_HOSTS = 78 => "user_hosts",
    /// User vulnerability change (4.7).
    USER_VULNERABILITY_CHANGE = 80 => "user_vulnerability_change",
    /// User criticality change (4.7).
    USER_CRITICALITY_CHANGE = 81 => "user_criticality_change",
    /// User attribute value (4.7).
    USER_ATTRIBUTE_VALUE = 82 => "user_attribute_value",
    /// User protocol list (4.7).
    USER_PROTOCOL_LIST = 83 => "user_protocol_list",
    /// Host vulnerability (4.9).
    HOST_VULNERABILITY = 85 => "host_vulnerability",
    /// Identity data.
    IDENTITY_DATA = 94 => "identity_data",
    /// Host MAC address (4.9).
    HOST_MAC_ADDRESS = 95 => "host_mac_address",
    /// Host server data (4.10).
    HOST_SERVER_DATA = 103 => "host_server_data",
    /// Generic scan results (4.10).
    GENERIC_SCAN_RESULTS = 108 => "generic_scan_results",
    /// Scan vulnerability (4.10).
    SCAN_VULNERABILITY = 109 => "scan_vulnerability",
    /// Full host profile (5.0+).
    FULL_HOST_PROFILE = 111 => "full_host_profile",
    /// Full host client application (5.0).
    FULL_HOST_CLIENT_APPLICATION = 112 => "full_host_client_application",
    /// Server information (5.0).
    SERVER_INFORMATION = 117 => "server_information",
    /// User information data (5.0).
    USER_INFORMATION_DATA = 120 => "user_information_data",
    /// User login information data (5.0).
    USER_LOGIN_INFORMATION_DATA = 121 => "user_login_information_data",
    /// Host client application (5.0).
    HOST_CLIENT_APPLICATION = 122 => "host_client_application",
    /// Web application data (5.0).
    WEB_APPLICATION_DATA = 123 => "web_application_data",
    /// User vulnerability data (5.0).
    USER_VULNERABILITY_DATA = 124 => "user_vulnerability_data",
    /// User login information (5.4).
    USER_LOGIN_INFORMATION_54 = 127 => "user_login_information_54",
    /// Operating system fingerprint (5.1).
    OPERATING_SYSTEM_FINGERPRINT = 130 => "operating_system_fingerprint",
    /// Mobile device information (5.1).
    MOBILE_DEVICE_INFORMATION = 131 => "mobile_device_information",
    /// User product data (5.1).
    USER_PRODUCT_DATA = 134 => "user_product_data",
    /// Connection chunk (5.1.1).
    CONNECTION_CHUNK = 136 => "connection_chunk",
    /// User client application (5.1.1).
    USER_CLIENT_APPLICATION = 138 => "user_client_application",
    /// Host profile data (5.2).
    HOST_PROFILE_DATA = 139 => "host_profile_data",
    /// IP address range data (5.2), two 16-byte addresses.
    IP_ADDRESS_RANGE_DATA = 141 => "ip_address_range_data",
    /// Scan result data (5.2).
    SCAN_RESULT_DATA = 142 => "scan_result_data",
    /// Host IP address.
    HOST_IP_ADDRESS = 143 => "host_ip_address",
    /// Attribute address (5.2).
    ATTRIBUTE_ADDRESS = 146 => "attribute_address",
    /// IOC state (5.3).
    IOC_STATE = 150 => "ioc_state",
    /// Intrusion impact alert (5.3+, record 9).
    INTRUSION_IMPACT_ALERT = 153 => "intrusion_impact_alert",
    /// User information data (6.0).
    USER_INFORMATION_DATA_60 = 155 => "user_information_data_60",
    /// Correlation event (5.4, record 112).
    CORRELATION_EVENT = 156 => "correlation_event",
    /// User login information data (6.2).
    USER_LOGIN_INFORMATION_DATA_62 = 158 => "user_login_information_data_62",
    /// User login information (6.0).
    USER_LOGIN_INFORMATION_60 = 159 => "user_login_information_60",
    /// Connection statistics (6.0, record 71).
    CONNECTION_STATISTICS_160 = 160 => "connection_statistics_160",
    /// Connection statistics (6.1+, record 71).
    CONNECTION_STATISTICS_163 = 163 => "connection_statistics_163",
    /// User login information (6.1).
    USER_LOGIN_INFORMATION_61 = 165 => "user_login_information_61",
    /// User information, VPN session (6.2).
    USER_INFORMATION_VPN_SESSION = 166 => "user_information_vpn_session",
    /// User information, VPN logoff / update message (6.2).
    USER_INFORMATION_VPN_LOGOFF = 167 => "user_information_vpn_logoff",
    /// Connection statistics 168 (record 71).
    CONNECTION_STATISTICS_168 = 168 => "connection_statistics_168",
    /// Connection statistics 169 (record 71).
    CONNECTION_STATISTICS_169 = 169 => "connection_statistics_169",
    /// Connection statistics 170 (record 71).
    CONNECTION_STATISTICS_170 = 170 => "connection_statistics_170",
    /// Connection statistics 171 (record 71).
    CONNECTION_STATISTICS_171 = 171 => "connection_statistics_171",
    /// Connection statistics 173 (record 71).
    CONNECTION_STATISTICS_173 = 173 => "connection_statistics_173",
    /// Connection statistics 174 (record 71), newest known.
    CONNECTION_STATISTICS_174 = 174 => "connection_statistics_174",
});

open_code!(
    /// A series-2 block type (intrusion, file, malware and most metadata records; docs/protocol.md §7.4).
    BlockType2(u32)
);

open_code_consts!(BlockType2, u32, {
    /// String primitive.
    STRING = 0 => "string",
    /// BLOB primitive.
    BLOB = 1 => "blob",
    /// List primitive.
    LIST = 2 => "list",
    /// Generic list primitive.
    GENERIC_LIST = 3 => "generic_list",
    /// Event extra data (record 110).
    EVENT_EXTRA_DATA = 4 => "event_extra_data",
    /// Event extra data metadata (record 111).
    EVENT_EXTRA_DATA_METADATA = 5 => "event_extra_data_metadata",
    /// UUID string mapping (records 115-118, 127, 322).
    UUID_STRING_MAPPING = 14 => "uuid_string_mapping",
    /// Access control policy rule ID (record 119).
    ACCESS_CONTROL_RULE_ID = 15 => "access_control_rule_id",
    /// Malware event (legacy).
    MALWARE_EVENT_LEGACY = 16 => "malware_event_legacy",
    /// ICMP type (record 260).
    ICMP_TYPE = 19 => "icmp_type",
    /// ICMP code (record 270).
    ICMP_CODE = 20 => "icmp_code",
    /// Access control policy rule reason (5.x).
    ACCESS_CONTROL_RULE_REASON_5 = 21 => "access_control_rule_reason_5",
    /// IP reputation category (record 280).
    IP_REPUTATION_CATEGORY = 22 => "ip_reputation_category",
    /// Malware event (5.x).
    MALWARE_EVENT_5 = 24 => "malware_event_5",
    /// Intrusion event 5.1.1.
    INTRUSION_EVENT_25 = 25 => "intrusion_event_25",
    /// Rule documentation data (record 140).
    RULE_DOCUMENTATION_DATA = 27 => "rule_documentation_data",
    /// Geolocation (record 520).
    GEOLOCATION = 28 => "geolocation",
    /// Intrusion event 5.2.x.
    INTRUSION_EVENT_34 = 34 => "intrusion_event_34",
    /// IOC name (record 161).
    IOC_NAME = 39 => "ioc_name",
    /// File event SHA hash (record 511).
    FILE_EVENT_SHA_HASH = 40 => "file_event_sha_hash",
    /// Intrusion event 5.3.
    INTRUSION_EVENT_41 = 41 => "intrusion_event_41",
    /// Intrusion event 5.4+ (guide 6.3 example only).
    INTRUSION_EVENT_45 = 45 => "intrusion_event_45",
    /// SSL certificate details (record 614).
    SSL_CERTIFICATE_DETAILS = 50 => "ssl_certificate_details",
    /// File event 6.0 (records 500, 502).
    FILE_EVENT_56 = 56 => "file_event_56",
    /// User 6.0 (records 62, 98).
    USER = 57 => "user",
    /// Endpoint profile (record 301).
    ENDPOINT_PROFILE = 58 => "endpoint_profile",
    /// Access control policy rule reason 6.0 (record 124).
    ACCESS_CONTROL_RULE_REASON = 59 => "access_control_rule_reason",
    /// Intrusion event 6.0 (record 400).
    INTRUSION_EVENT_60 = 60 => "intrusion_event_60",
    /// ID / name / description (records 320, 321).
    ID_NAME_DESCRIPTION = 61 => "id_name_description",
    /// Malware event 6.0 (record 125).
    MALWARE_EVENT_62 = 62 => "malware_event_62",
    /// Access control policy metadata (records 145-147).
    ACCESS_CONTROL_POLICY = 64 => "access_control_policy",
    /// File event 7.x (records 500, 502).
    FILE_EVENT_79 = 79 => "file_event_79",
    /// Malware event 7.0+ (record 125).
    MALWARE_EVENT_80 = 80 => "malware_event_80",
    /// Intrusion event 6.7-7.1 (record 400).
    INTRUSION_EVENT_81 = 81 => "intrusion_event_81",
    /// Intrusion event, newest known (record 400).
    INTRUSION_EVENT_85 = 85 => "intrusion_event_85",
});

/// One block: its header and its data, borrowed. Equality (and hashing) compares the type and
/// the data; the position the block was decoded at is ignored.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Block<'a> {
    /// The block type (its series follows from context).
    pub block_type: u32,
    /// The bytes after the 8-byte header (`length - 8` of them).
    pub data: &'a [u8],
    whole: &'a [u8],
    offset: usize,
}

impl PartialEq for Block<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.block_type == other.block_type && self.data == other.data
    }
}

impl core::hash::Hash for Block<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.block_type, self.data).hash(state);
    }
}

impl<'a> Block<'a> {
    /// A block with this type and data (for encoding).
    pub const fn new(block_type: u32, data: &'a [u8]) -> Self {
        Block {
            block_type,
            data,
            whole: data,
            offset: 0,
        }
    }

    /// Decodes the block at the start of `buf` (absolute offset `offset`); returns it and the
    /// bytes after it.
    pub fn parse(buf: &'a [u8], offset: usize) -> Result<(Block<'a>, &'a [u8]), DecodeError> {
        let (h, rest) = header_complete::<BlockHeader>(buf, offset)?;
        let (data, after) = block_data(h, rest, offset)?;
        let whole = buf.get(..BlockHeader::LEN + data.len()).unwrap_or_default();
        Ok((
            Block {
                block_type: h.block_type.get(),
                data,
                whole,
                offset,
            },
            after,
        ))
    }

    /// Decodes a block that must fill `buf` exactly.
    pub fn parse_exact(buf: &'a [u8], offset: usize) -> Result<Block<'a>, DecodeError> {
        let (b, rest) = Self::parse(buf, offset)?;
        if !rest.is_empty() {
            return Err(DecodeError::invalid(
                offset + BlockHeader::LEN + b.data.len(),
                ErrorKind::TrailingBytes {
                    count: sat32(rest.len()),
                },
            ));
        }
        Ok(b)
    }

    /// The whole block, header included (the bytes it was decoded from; for a hand-built block
    /// only the data).
    pub fn whole(&self) -> &'a [u8] {
        self.whole
    }

    /// The Block Length field: data length plus the 8-byte header.
    pub const fn length(&self) -> usize {
        BlockHeader::LEN + self.data.len()
    }

    /// Absolute offset of the block header (0 for hand-built blocks).
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Absolute offset of the first data byte.
    pub const fn data_offset(&self) -> usize {
        self.offset + BlockHeader::LEN
    }

    /// The data as text (String blocks; series 1 and 2 both use type 0).
    pub const fn text(&self) -> Text<'a> {
        Text(self.data)
    }

    /// The data as consecutive child blocks (List / Generic List primitives), at nesting depth
    /// `depth + 1`.
    pub fn children(&self, depth: u8) -> Blocks<'a> {
        Blocks::new(self.data, self.data_offset(), depth.saturating_add(1))
    }
}

/// Fused iterator over consecutive blocks filling a slice. Yields each block with its absolute
/// offset; the first malformed block is yielded as an error, after which the iterator is done.
#[derive(Debug, Clone)]
pub struct Blocks<'a> {
    rest: &'a [u8],
    offset: usize,
    depth: u8,
}

impl<'a> Blocks<'a> {
    /// Blocks filling `buf`, which starts at absolute `offset`, at nesting depth `depth`
    /// (1 for a record's top-level blocks). Deeper than [`MAX_NESTING`] is an error.
    pub const fn new(buf: &'a [u8], offset: usize, depth: u8) -> Self {
        Blocks {
            rest: buf,
            offset,
            depth,
        }
    }

    /// The nesting depth of the blocks this iterator yields.
    pub const fn depth(&self) -> u8 {
        self.depth
    }
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Result<Block<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        if self.depth > MAX_NESTING {
            self.rest = &[];
            return Some(Err(DecodeError::invalid(
                self.offset,
                ErrorKind::NestingTooDeep { max: MAX_NESTING },
            )));
        }
        match Block::parse(self.rest, self.offset) {
            Ok((b, after)) => {
                self.offset += b.length();
                self.rest = after;
                Some(Ok(b))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for Blocks<'_> {}

/// Checks a whole block tree: every block of `buf` and, for list-like types that `is_list`
/// names, every child, recursively up to [`MAX_NESTING`]. Returns the number of blocks.
pub fn validate_tree(
    buf: &[u8],
    offset: usize,
    depth: u8,
    is_list: &dyn Fn(u32) -> bool,
) -> Result<usize, DecodeError> {
    let mut n = 0usize;
    for b in Blocks::new(buf, offset, depth) {
        let b = b?;
        n += 1;
        if is_list(b.block_type) {
            n += validate_tree(b.data, b.data_offset(), depth.saturating_add(1), is_list)?;
        }
    }
    Ok(n)
}
