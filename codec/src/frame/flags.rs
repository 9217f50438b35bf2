//! Request flags (docs/protocol.md §3.2) and the version each event family will be sent in.
//!
//! Flag bit *n* is mask `1 << n`, counted from the least-significant bit, as in every client's
//! code (the guide's structure diagrams number columns from the other end; docs/protocol.md §3.2).
//!
//! Confidence markers in the constants' documentation: **G** stated in a guide excerpt, **E** an
//! eNcore constant, **S** a constant name in Sourcefire's Perl SDK only (meaning inferred from the
//! name), **?** no source identifies the bit (docs/protocol.md §12 item 1).

use core::fmt;

use crate::frame::EventCode;
use crate::frame::types::parse_u32;
use crate::frame::wire::EventTypeRequest;

/// The 32-bit request flags word of an Event Stream Request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RequestFlags(pub u32);

/// What one flag bit means, for tables and `estreamer flags`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagInfo {
    /// Bit number (mask `1 << bit`).
    pub bit: u8,
    /// The constant's name, as accepted by [`RequestFlags::from_str`](core::str::FromStr).
    pub name: &'static str,
    /// What the bit asks for.
    pub meaning: &'static str,
    /// Which sources back the meaning: G guide, E eNcore, S SFStreamer name only, ? none.
    pub confidence: &'static str,
    /// The event family and version the bit requests, if it requests a versioned family.
    pub requests: Option<(EventCode, u16)>,
}

macro_rules! flags {
    ($($(#[$m:meta])* $bit:literal $name:ident, $conf:literal, $req:expr, $meaning:literal;)*) => {
        impl RequestFlags {
            $(
                #[doc = concat!("Bit ", stringify!($bit), ": ", $meaning, " (confidence ", $conf, ").")]
                $(#[$m])*
                pub const $name: RequestFlags = RequestFlags(1 << $bit);
            )*

            /// Every bit, 0 to 31, with its name and meaning.
            pub const BITS: [FlagInfo; 32] = [
                $(FlagInfo {
                    bit: $bit,
                    name: stringify!($name),
                    meaning: $meaning,
                    confidence: $conf,
                    requests: $req,
                }),*
            ];
        }
    };
}

const fn v(code: EventCode, version: u16) -> Option<(EventCode, u16)> {
    Some((code, version))
}

flags! {
    0 PACKET_DATA, "G, E, S", None, "packet data (record 2) for intrusion events";
    1 METADATA_V1, "G, S", v(EventCode::METADATA, 1), "version 1 metadata";
    2 INTRUSION, "G, S", v(EventCode::INTRUSION, 1),
        "intrusion events, the original request bit (legacy records)";
    3 DISCOVERY_V1, "S", v(EventCode::DISCOVERY, 1), "discovery (RNA) events, version 1";
    4 CORRELATION_V1, "S", v(EventCode::CORRELATION, 1), "correlation (policy) events, version 1";
    5 IMPACT_ALERTS, "G, E, S", v(EventCode::IMPACT, 1), "intrusion impact alerts (record 9)";
    6 INTRUSION_IMPACT_FLAGS, "G, E, S", v(EventCode::INTRUSION, 2),
        "intrusion events with impact flags (4.x records 104/105)";
    7 DISCOVERY_V2, "S", v(EventCode::DISCOVERY, 2), "discovery events, version 2";
    8 CONNECTION_V1, "S", v(EventCode::CONNECTION, 1), "connection (flow) data, version 1";
    9 CORRELATION_V2, "S", v(EventCode::CORRELATION, 2), "correlation events, version 2";
    10 DISCOVERY_V3, "S", v(EventCode::DISCOVERY, 3), "discovery events, version 3";
    11 HOST_DATA_ONLY, "G, S", None,
        "suppress default event streaming: host-data-only session (legacy servers)";
    12 CONNECTION_V3, "S", v(EventCode::CONNECTION, 3), "connection data, version 3";
    13 CORRELATION_V3, "S", v(EventCode::CORRELATION, 3), "correlation events, version 3";
    14 METADATA_V2, "G, S", v(EventCode::METADATA, 2), "version 2 metadata (rule message 66, ...)";
    15 METADATA_V3, "G, S", v(EventCode::METADATA, 3), "version 3 metadata";
    16 WAIT_FOR_CONFIG, "S", None, "SFStreamer's \"wait for config\"; meaning undocumented";
    17 DISCOVERY_V4, "S", v(EventCode::DISCOVERY, 4), "discovery events, version 4";
    18 CONNECTION_V4, "S", v(EventCode::CONNECTION, 4), "connection data, version 4";
    19 CORRELATION_V4, "S", v(EventCode::CORRELATION, 4), "correlation events, version 4";
    20 METADATA_V4, "G, E, S", v(EventCode::METADATA, 4),
        "version 4 metadata, current since 4.7 (rule message, classification, priority, ...)";
    21 USER_ACTIVITY, "S", v(EventCode::USER, 1), "user activity (RUA) events";
    22 CORRELATION_V5, "S", v(EventCode::CORRELATION, 5), "correlation events, version 5";
    23 ARCHIVE_TIMESTAMPS, "G, E, S", None,
        "extended event header: archive timestamp and reserved word in every record header";
    24 DISCOVERY_V5, "S", v(EventCode::DISCOVERY, 5), "discovery events, version 5";
    25 BIT_25, "?", None, "not identified";
    26 BIT_26, "?", None, "not identified";
    27 EXTRA_DATA, "G, E", None, "intrusion event extra data (record 110; 111 with metadata)";
    28 BIT_28, "?", None, "not identified";
    29 POLICY, "E (name only)", None, "eNcore's unused POLICY constant; meaning not found";
    30 EXTENDED_REQUESTS, "G, E", None,
        "extended requests: the server answers with Streaming Information (2051)";
    31 BIT_31, "-", None, "unused";
}

impl RequestFlags {
    /// No bits set.
    pub const EMPTY: RequestFlags = RequestFlags(0);

    /// The flags Cisco's eNcore sends with its default configuration: packets, impact alerts,
    /// intrusion (bit 6), metadata v4, archive timestamps, extra data and extended requests
    /// (0x48900061, docs/protocol.md §3.2 and Appendix B.1). Also this crate's recommended request.
    pub const ENCORE_DEFAULT: RequestFlags = RequestFlags(0x4890_0061);

    /// The raw word.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True when every bit of `other` is set in `self`.
    pub const fn contains(self, other: RequestFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of both.
    #[must_use]
    pub const fn union(self, other: RequestFlags) -> RequestFlags {
        RequestFlags(self.0 | other.0)
    }

    /// The bits set, each with its description, lowest bit first.
    pub fn iter(self) -> impl Iterator<Item = &'static FlagInfo> {
        Self::BITS
            .iter()
            .filter(move |info| self.0 & (1u32 << info.bit) != 0)
    }

    /// Looks a bit up by its constant name, ASCII case-insensitive; `-` is accepted for `_`.
    pub fn from_name(name: &str) -> Option<RequestFlags> {
        Self::BITS
            .iter()
            .find(|info| {
                info.name.len() == name.len()
                    && info.name.bytes().zip(name.bytes()).all(|(a, b)| {
                        let b = if b == b'-' { b'_' } else { b };
                        a.eq_ignore_ascii_case(&b)
                    })
            })
            .map(|info| RequestFlags(1 << info.bit))
    }
}

impl core::ops::BitOr for RequestFlags {
    type Output = RequestFlags;
    fn bitor(self, rhs: RequestFlags) -> RequestFlags {
        self.union(rhs)
    }
}

impl core::ops::BitOrAssign for RequestFlags {
    fn bitor_assign(&mut self, rhs: RequestFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for RequestFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestFlags({:#010x}: {})", self.0, self)
    }
}

/// Lists the names of the bits set, joined by `|`; `EMPTY` when none is.
impl fmt::Display for RequestFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("EMPTY");
        }
        for (i, info) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(info.name)?;
        }
        Ok(())
    }
}

impl fmt::LowerHex for RequestFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

/// Error from parsing [`RequestFlags`] from text: the token that is neither a name nor a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseFlagsError;

impl fmt::Display for ParseFlagsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "expected flag names (e.g. METADATA_V4,ARCHIVE_TIMESTAMPS) separated by ',' '|' or \
             '+', or a number (0x hex or decimal)",
        )
    }
}

impl core::error::Error for ParseFlagsError {}

impl core::str::FromStr for RequestFlags {
    type Err = ParseFlagsError;

    /// Parses `0x48900061`, `1216348257`, `METADATA_V4|ARCHIVE_TIMESTAMPS`, or a mix of names
    /// and numbers separated by `,`, `|`, `+` or whitespace. `EMPTY` is 0.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut flags = RequestFlags::EMPTY;
        let mut any = false;
        for token in s
            .split(|c: char| c == ',' || c == '|' || c == '+' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            any = true;
            if token.eq_ignore_ascii_case("EMPTY") {
                continue;
            }
            let bits = parse_u32(token)
                .map(RequestFlags)
                .or_else(|| RequestFlags::from_name(token))
                .ok_or(ParseFlagsError)?;
            flags |= bits;
        }
        if any { Ok(flags) } else { Err(ParseFlagsError) }
    }
}

/// Where a resolved version was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionSource {
    /// A request flag (the bit number).
    Flag(u8),
    /// An extended request entry (Streaming Request, docs/protocol.md §4.2).
    Extended,
}

/// The version the server will send for one event family, and what asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resolved {
    /// The event family.
    pub code: EventCode,
    /// The version that will be sent: the newest of every version asked for.
    pub version: u16,
    /// The request that asked for that newest version (a flag wins a tie, since flags are sent
    /// first).
    pub source: VersionSource,
    /// How many requests (flags and extended entries) asked for this family.
    pub requests: u32,
}

/// Which version the server sends for each event family, given the request flags and the
/// extended (version, event type) requests of a session.
///
/// The rule (Cisco's TAC troubleshooting note, docs/protocol.md §3.2 "Version precedence"; not yet
/// observed against a live server, §12 item 2): when several flags or extended requests ask for
/// the same data in different versions, **the newest version is sent**. For example discovery
/// requested at version 1 and 6 plus an extended request for version 3 gives version 6.
///
/// Flag bits request the versions listed in [`RequestFlags::BITS`] (`requests`); bits that do not
/// select a versioned family (packets, archive timestamps, extended mode, ...) take no part.
/// Extended entries with version 0 or code 0 (the list terminator) are ignored.
///
/// Computes on demand from borrowed inputs: no allocation.
#[derive(Debug, Clone, Copy)]
pub struct VersionResolution<'a> {
    flags: RequestFlags,
    extended: &'a [EventTypeRequest],
}

impl<'a> VersionResolution<'a> {
    /// Resolution for a session that sends `flags` and, in extended mode, `extended`.
    pub const fn new(flags: RequestFlags, extended: &'a [EventTypeRequest]) -> Self {
        VersionResolution { flags, extended }
    }

    /// The version the server will send for `code`, or `None` when nothing asks for it.
    pub fn version_for(&self, code: EventCode) -> Option<Resolved> {
        let mut best: Option<Resolved> = None;
        let mut consider = |version: u16, source: VersionSource| {
            if version == 0 {
                return;
            }
            match &mut best {
                Some(b) => {
                    b.requests = b.requests.saturating_add(1);
                    if version > b.version {
                        b.version = version;
                        b.source = source;
                    }
                }
                None => {
                    best = Some(Resolved {
                        code,
                        version,
                        source,
                        requests: 1,
                    })
                }
            }
        };
        for info in self.flags.iter() {
            if let Some((c, version)) = info.requests {
                if c == code {
                    consider(version, VersionSource::Flag(info.bit));
                }
            }
        }
        for entry in self.extended {
            if entry.code.get() == code.0 && code.0 != 0 {
                consider(entry.version.get(), VersionSource::Extended);
            }
        }
        best
    }

    /// Every family something asks for, in ascending event-code order.
    pub fn iter(&self) -> impl Iterator<Item = Resolved> + '_ {
        // Walk event codes in ascending order without allocating: repeatedly find the smallest
        // requested code above the previous one.
        let mut last: Option<u16> = None;
        core::iter::from_fn(move || {
            let next = self.next_code_after(last)?;
            last = Some(next);
            self.version_for(EventCode(next))
        })
    }

    fn next_code_after(&self, after: Option<u16>) -> Option<u16> {
        let above = |c: u16| after.is_none_or(|a| c > a);
        let from_flags = self
            .flags
            .iter()
            .filter_map(|info| info.requests.map(|(c, _)| c.0));
        let from_ext = self
            .extended
            .iter()
            .filter(|e| e.version.get() != 0 && e.code.get() != 0)
            .map(|e| e.code.get());
        from_flags.chain(from_ext).filter(|&c| above(c)).min()
    }
}

impl EventTypeRequest {
    /// An entry asking for `version` of the family `code`.
    pub const fn new(code: EventCode, version: u16) -> Self {
        EventTypeRequest {
            version: zerocopy::byteorder::big_endian::U16::new(version),
            code: zerocopy::byteorder::big_endian::U16::new(code.0),
        }
    }

    /// The (0, 0) list terminator.
    pub const TERMINATOR: EventTypeRequest = EventTypeRequest::new(EventCode(0), 0);

    /// The family asked for.
    pub const fn event_code(&self) -> EventCode {
        EventCode(self.code.get())
    }

    /// The version asked for.
    pub const fn event_version(&self) -> u16 {
        self.version.get()
    }

    /// True for the (0, 0) terminator.
    pub const fn is_terminator(&self) -> bool {
        self.version.get() == 0 && self.code.get() == 0
    }

    /// The list eNcore 3.8.4 sends (docs/protocol.md §4.3, Appendix B.2).
    pub const ENCORE_3_8_4: [EventTypeRequest; 9] = [
        EventTypeRequest::new(EventCode::INTRUSION, 9),
        EventTypeRequest::new(EventCode::METADATA, 4),
        EventTypeRequest::new(EventCode::CORRELATION, 9),
        EventTypeRequest::new(EventCode::DISCOVERY, 11),
        EventTypeRequest::new(EventCode::CONNECTION, 14),
        EventTypeRequest::new(EventCode::USER, 7),
        EventTypeRequest::new(EventCode::MALWARE, 7),
        EventTypeRequest::new(EventCode::FILE, 6),
        EventTypeRequest::new(EventCode::IMPACT, 2),
    ];

    /// The list eNcore 5.2.11 sends (docs/protocol.md §4.3, Appendix B.2b): intrusion v11 (block 85),
    /// connection v17, malware v8 (block 80), file v7 (block 79). This crate's default.
    pub const ENCORE_5_2_11: [EventTypeRequest; 9] = [
        EventTypeRequest::new(EventCode::INTRUSION, 11),
        EventTypeRequest::new(EventCode::METADATA, 4),
        EventTypeRequest::new(EventCode::CORRELATION, 9),
        EventTypeRequest::new(EventCode::DISCOVERY, 11),
        EventTypeRequest::new(EventCode::CONNECTION, 17),
        EventTypeRequest::new(EventCode::USER, 7),
        EventTypeRequest::new(EventCode::MALWARE, 8),
        EventTypeRequest::new(EventCode::FILE, 7),
        EventTypeRequest::new(EventCode::IMPACT, 2),
    ];
}
