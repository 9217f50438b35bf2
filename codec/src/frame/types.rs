//! Open protocol codes: newtypes with named constants.
//!
//! Protocol numbers are never closed enums here: an unknown message type, record type or event
//! code survives decoding and re-encodes unchanged, and `Debug` shows the name when the number
//! is known and the bare number otherwise.

use core::fmt;

/// Defines the named constants of an open code newtype, plus `name()` and a `Debug` that uses it.
macro_rules! open_code_consts {
    ($ty:ident, $int:ty, { $($(#[$m:meta])* $c:ident = $v:literal => $n:literal),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$m])*
                #[doc = concat!("`", $n, "` (", stringify!($v), ").")]
                pub const $c: $ty = $ty($v);
            )*

            /// The snake_case name of this code, if it is a known one.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($v => Some($n),)*
                    _ => None,
                }
            }

            /// Every named code, in ascending order, with its name.
            pub const ALL: &'static [($ty, &'static str)] = &[$(($ty($v), $n)),*];
        }

        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}({}: {})", stringify!($ty), self.0, n),
                    None => write!(f, "{}({})", stringify!($ty), self.0),
                }
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}", self.0),
                }
            }
        }
    };
}

macro_rules! open_code {
    ($(#[$m:meta])* $ty:ident($int:ty)) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $ty(pub $int);

        impl From<$int> for $ty {
            fn from(v: $int) -> Self {
                $ty(v)
            }
        }

        impl From<$ty> for $int {
            fn from(v: $ty) -> Self {
                v.0
            }
        }
    };
}

open_code!(
    /// Message type, the second word of every message header (docs/protocol.md §2).
    MessageType(u16)
);

open_code_consts!(MessageType, u16, {
    /// Keep-alive from the server; acknowledgement / readiness from the client (§5.1).
    NULL = 0 => "null",
    /// Error code and text, either direction (§5.2).
    ERROR = 1 => "error",
    /// The client's first message: initial timestamp and request flags (§3).
    EVENT_STREAM_REQUEST = 2 => "event_stream_request",
    /// One record (§6).
    EVENT_DATA = 4 => "event_data",
    /// Request for host profiles (§5.3).
    HOST_DATA_REQUEST = 5 => "host_data_request",
    /// One host profile (§5.3).
    SINGLE_HOST_DATA = 6 => "single_host_data",
    /// Several host profiles (§5.3).
    MULTIPLE_HOST_DATA = 7 => "multiple_host_data",
    /// The client's extended request: service 6667 and (version, event type) pairs (§4.2).
    STREAMING_REQUEST = 2049 => "streaming_request",
    /// The server's list of services, in reply to an extended request (§4.1).
    STREAMING_INFORMATION = 2051 => "streaming_information",
    /// Several Event Data messages in one, acknowledged with one Null (§4.4).
    MESSAGE_BUNDLE = 4002 => "message_bundle",
});

open_code!(
    /// Record type: the low 16 bits of the first record-header word (docs/protocol.md §6.3, Appendix A).
    ///
    /// The numbers are in [`records::types`](crate::records::types) as associated constants of this
    /// type, e.g. [`RecordType::RULE_MESSAGE_METADATA`] (66) and
    /// [`RecordType::INTRUSION_EVENT`] (400).
    RecordType(u32)
);

open_code!(
    /// Event type code used in extended requests (Streaming Event Type entries, docs/protocol.md §4.3).
    EventCode(u16)
);

open_code_consts!(EventCode, u16, {
    /// Intrusion events (record 400, plus packets and extra data as flagged).
    INTRUSION = 12 => "intrusion",
    /// Metadata.
    METADATA = 21 => "metadata",
    /// Correlation (compliance / policy) events, record 112.
    CORRELATION = 31 => "correlation",
    /// Discovery (RNA host) events.
    DISCOVERY = 61 => "discovery",
    /// Connection events, record 71.
    CONNECTION = 71 => "connection",
    /// User (RUA) events.
    USER = 91 => "user",
    /// Malware (AMP) events, record 125.
    MALWARE = 101 => "malware",
    /// File events, records 500 / 502.
    FILE = 111 => "file",
    /// Impact events, record 9.
    IMPACT = 131 => "impact",
});

impl fmt::LowerHex for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

/// The Initial Timestamp of an Event Stream Request (docs/protocol.md §3.1), with its two special values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitialTimestamp {
    /// 0: start with the oldest data the server has.
    Genesis,
    /// 0xFFFFFFFF: only data arriving after the client connects.
    Now,
    /// Any other value: UNIX seconds to start from. Use the archive timestamp of the last record
    /// processed (a bookmark), not an event's own time (Guide 5.3 p.29).
    ///
    /// Constructing `At(0)` or `At(u32::MAX)` by hand is allowed but encodes as the special
    /// value; [`InitialTimestamp::from_wire`] never produces them.
    At(u32),
}

impl InitialTimestamp {
    /// Wire value meaning "oldest data".
    pub const GENESIS_VALUE: u32 = 0;
    /// Wire value meaning "now".
    pub const NOW_VALUE: u32 = u32::MAX;

    /// Interprets a wire value.
    pub const fn from_wire(v: u32) -> Self {
        match v {
            Self::GENESIS_VALUE => InitialTimestamp::Genesis,
            Self::NOW_VALUE => InitialTimestamp::Now,
            s => InitialTimestamp::At(s),
        }
    }

    /// The wire value.
    pub const fn to_wire(self) -> u32 {
        match self {
            InitialTimestamp::Genesis => Self::GENESIS_VALUE,
            InitialTimestamp::Now => Self::NOW_VALUE,
            InitialTimestamp::At(s) => s,
        }
    }

    /// "genesis", "now" or "unix_seconds": a stable name for the kind of value.
    pub const fn kind_name(self) -> &'static str {
        match self {
            InitialTimestamp::Genesis => "genesis",
            InitialTimestamp::Now => "now",
            InitialTimestamp::At(_) => "unix_seconds",
        }
    }
}

impl fmt::Display for InitialTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitialTimestamp::Genesis => f.write_str("genesis"),
            InitialTimestamp::Now => f.write_str("now"),
            InitialTimestamp::At(s) => write!(f, "{s}"),
        }
    }
}

/// Error from parsing an [`InitialTimestamp`] from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseTimestampError;

impl fmt::Display for ParseTimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected genesis, now, or UNIX seconds (decimal or 0x hex)")
    }
}

impl core::error::Error for ParseTimestampError {}

impl core::str::FromStr for InitialTimestamp {
    type Err = ParseTimestampError;

    /// Accepts `genesis` (or `oldest`), `now`, or a number (decimal or `0x` hex) of UNIX seconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("genesis") || s.eq_ignore_ascii_case("oldest") {
            return Ok(InitialTimestamp::Genesis);
        }
        if s.eq_ignore_ascii_case("now") {
            return Ok(InitialTimestamp::Now);
        }
        parse_u32(s)
            .map(InitialTimestamp::from_wire)
            .ok_or(ParseTimestampError)
    }
}

/// Parses a u32 written in decimal or as `0x` hex.
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}
