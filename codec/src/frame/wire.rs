//! Fixed-size wire layouts, one `#[repr(C)]` zerocopy struct each.
//!
//! Every struct here is the single source of truth for its layout: parsing borrows it straight
//! from the input (`ref_from_prefix`, zero-copy, no alignment requirement because every field is
//! a byte array) and encoding writes the same struct (`as_bytes`). All fields are big-endian
//! (docs/protocol.md §0). The `LEN` constant of each struct is checked against `size_of` at compile time.

use zerocopy::byteorder::big_endian::{I32, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

macro_rules! wire_struct {
    ($(#[$m:meta])* $name:ident, $len:expr, { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug, Clone, Copy,
                 PartialEq, Eq, Hash, Default)]
        #[repr(C)]
        pub struct $name { $($(#[$fm])* pub $field: $ty),* }
        impl $name {
            /// Size of this structure on the wire, in bytes.
            pub const LEN: usize = $len;
        }
        const _: () = assert!(core::mem::size_of::<$name>() == $name::LEN);
    };
}

wire_struct!(
    /// The 8-byte header in front of every message, both directions (docs/protocol.md §2).
    MessageHeader, 8, {
        /// Header version: always 1 on a standalone message; 0 or 1 inside a bundle (§4.4).
        version: U16,
        /// Message type (see [`MessageType`](crate::MessageType)).
        message_type: U16,
        /// Number of bytes after this header.
        length: U32,
    }
);

wire_struct!(
    /// Body of an Event Stream Request, type 2 (docs/protocol.md §3).
    EventStreamRequestBody, 8, {
        /// Initial timestamp: 0 = oldest data, 0xFFFFFFFF = now, otherwise UNIX seconds.
        initial_timestamp: U32,
        /// Request flags (see [`RequestFlags`](crate::RequestFlags)).
        flags: U32,
    }
);

wire_struct!(
    /// Fixed part of a Streaming Service structure, shared by Streaming Information (2051) and
    /// Streaming Request (2049) (docs/protocol.md §4.1-§4.2). The (version, event type) list follows.
    ServiceHeader, 16, {
        /// Service ID; 6667 is eStreamer.
        service_id: U32,
        /// Service length, in one of two conventions (see [`ServiceLengthConvention`](crate::ServiceLengthConvention)).
        length: U32,
        /// 0 from the server; a copy of the request flags from the client.
        flags: U32,
        /// 0 from the server; a copy of the initial timestamp from the client.
        initial_timestamp: U32,
    }
);

wire_struct!(
    /// One Streaming Event Type entry: version first, then event type code (docs/protocol.md §4.2).
    EventTypeRequest, 4, {
        /// Requested version of the event family.
        version: U16,
        /// Event type code (see [`EventCode`](crate::EventCode)).
        code: U16,
    }
);

wire_struct!(
    /// Fixed part of a Message Bundle body, type 4002 (docs/protocol.md §4.4). Inner messages follow.
    BundleHeader, 8, {
        /// Identifies the client connection.
        connection_id: U32,
        /// 1 for the first bundle of a connection, then +1 per bundle.
        sequence_number: U32,
    }
);

wire_struct!(
    /// Fixed part of an Error message body, type 1 (docs/protocol.md §5.2). The text follows.
    ErrorHeader, 6, {
        /// Error code; signed; clients use -1 for their own errors.
        code: I32,
        /// Length of the error text that follows.
        text_length: U16,
    }
);

wire_struct!(
    /// Body of a Host Data Request, type 5 (docs/protocol.md §5.3, Guide 5.3 layout with 4-byte addresses).
    HostRequestBody, 16, {
        /// Data type: 6 = single host, 7 = multiple hosts (5.0+); older values in docs/protocol.md §5.3.
        data_type: U32,
        /// 0x1 = fill host notes, 0x2 = fill service banners.
        flags: U32,
        /// First IPv4 address of the requested range.
        start_address: [u8; 4],
        /// Last IPv4 address of the requested range.
        end_address: [u8; 4],
    }
);

wire_struct!(
    /// Standard record header, 8 bytes (docs/protocol.md §6.1).
    RecordHeader, 8, {
        /// Record type word (6.x guides: flag bit, netmap ID and record type; docs/protocol.md §6.3).
        record_type: U32,
        /// Bytes of record body after the record header.
        record_length: U32,
    }
);

wire_struct!(
    /// The two words the extended record header adds after [`RecordHeader`] when request flag
    /// bit 23 is set (docs/protocol.md §6.2).
    RecordHeaderExtension, 8, {
        /// UNIX seconds when the FMC archived the event; 0 for FMC-generated data.
        archive_timestamp: U32,
        /// Reserved for future use (eNcore calls it `checksum`); kept verbatim.
        reserved: U32,
    }
);

wire_struct!(
    /// Block header, series 1 and series 2 alike (docs/protocol.md §7.1). The length includes these
    /// 8 bytes.
    BlockHeader, 8, {
        /// Block type, a number within the block's series.
        block_type: U32,
        /// Block length including this header.
        length: U32,
    }
);
