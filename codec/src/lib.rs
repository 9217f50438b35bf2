//! # estreamer-codec
//!
//! Zero-copy parsers and matching encoders for Cisco's eStreamer protocol: the binary stream on
//! which a Firepower / FireSIGHT Management Center sends intrusion, connection, discovery, file,
//! malware and metadata events to SIEM clients (TCP 8302, TLS with a client certificate).
//!
//! The crate does no I/O of its own (the optional [`StreamDecoder`] and [`MessageReader`] wrap
//! a caller's bytes or reader), never panics on any input, and allocates nothing on the decode
//! path: every view borrows from the input buffer.
//!
//! ```
//! use estreamer_codec::{decode_message, Body, DecodeOptions, HeaderMode};
//!
//! // docs/protocol.md Appendix B.4: Error, code -1, text "bye".
//! let bytes = [0, 1, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff, 0, 3, b'b', b'y', b'e'];
//! let (msg, used) = decode_message(&bytes, &DecodeOptions::default()).unwrap();
//! assert_eq!(used, bytes.len());
//! match msg.decode_body(HeaderMode::Auto).unwrap() {
//!     Body::Error(e) => {
//!         assert_eq!(e.code, -1);
//!         assert_eq!(e.text.as_bytes(), b"bye");
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
//!
//! ## The rendered SID of every intrusion event of a capture
//!
//! [`Records`] opens the bundles and decodes every record, with its position or a typed error;
//! [`names::Metadata::observe`] learns the rule messages as they pass and renders each event
//! with the SID its rule's author wrote (an event carries only the FMC's internal rule ID).
//! This is `examples/sids.rs`, run as `cargo run -q -p estreamer-codec --example sids -- FILE`:
//!
#![cfg_attr(feature = "std", doc = concat!("```no_run\n", include_str!("../examples/sids.rs"), "```"))]
//!
//! ## References
//!
//! Section numbers (§) in this crate's documentation are those of the project's protocol
//! reference, `docs/protocol.md` in the repository; every record's fields are in
//! `docs/records.md`, generated from the same layout table as this crate's views.
//!
//! ## Modules
//! * [`frame`]: the message header and every message body ([`Body`]): requests, flags
//!   ([`RequestFlags`], [`VersionResolution`]), Event Data ([`EventData`]), Message Bundles
//!   ([`Bundle`]), host data, errors; [`frame::wire`] holds the zerocopy fixed headers used both
//!   to parse and to encode.
//! * [`block`]: the series-1 and series-2 block header and block lists.
//! * [`layout`]: the engine every record layout is built with: the field kinds, the walker
//!   and the encoder behind each layout's typed `View` and `Repr`.
//! * [`records`]: every record layout by family and the record table: [`Record`], the
//!   dispatch on record type and block type, the catalogue.
//! * [`names`] (feature `std`): the metadata cache ([`names::Metadata`]) that joins events with
//!   rule messages, classifications and the other names.
//! * [`stream`]: whole streams: [`Messages`] over a slice, [`StreamDecoder`] and
//!   [`MessageReader`] over a reader, (feature `tokio`) a `tokio_util` codec.
//! * [`values`]: the value types fields decode to ([`Ip16`], [`Uuid`], [`Text`], ...).
//! * [`Encode`] and the `encode_*` functions: the other direction (feature `alloc`).
//!
//! ## Features
//! * `std` (default): [`StreamDecoder`], [`MessageReader`]; implies `alloc`.
//! * `alloc`: the encoders.
//! * `tokio`: a `tokio_util::codec::{Decoder, Encoder}`.
//! * `arbitrary`: `Arbitrary` impls for structured fuzzing.
//! * `serde`: `Serialize` for records, views, values and positions (the plain form
//!   `layout::ser` describes; the JSON Lines schema is the `estreamer-json` crate's), and
//!   `Serialize`/`Deserialize` for the metadata cache's snapshot file format.
//!
//! Without default features the crate is `no_std` and decodes only.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

#[cfg(feature = "alloc")]
extern crate alloc;

// `layouts!` and `records_table!`, in scope in every module.
#[macro_use]
extern crate estreamer_codec_macros;

#[macro_use]
pub mod frame;
#[macro_use]
pub mod layout;
pub mod block;
mod error;
#[cfg(feature = "std")]
pub mod names;
mod parse;
pub mod records;
pub mod stream;
pub mod values;

#[cfg(feature = "arbitrary")]
mod arbitrary;

pub use block::{Block, BlockType1, BlockType2, Blocks};
pub use error::{DecodeError, EncodeError, ErrorKind, Location};
pub use frame::wire::EventTypeRequest;
pub use frame::{
    Body, Bundle, BundleMessages, DEFAULT_MAX_MESSAGE_LENGTH, DecodeOptions, ESTREAMER_SERVICE_ID,
    ErrorMessage, EventCode, EventData, EventStreamRequest, Extension, FlagInfo, HeaderMode,
    HostData, HostDataRequest, InitialTimestamp, Message, MessageType, ParseFlagsError,
    ParseTimestampError, RecordHeaderForm, RecordType, RequestFlags, Resolved, Service,
    ServiceLengthConvention, Services, StreamingInformation, StreamingRequest, VersionResolution,
    VersionSource, decode_frame, decode_message,
};
pub use records::{
    ConnectionBlock, ConnectionEvent, FileEvent, Generic, IntrusionEvent, MalwareEvent, Record,
    RecordParts,
};
pub use stream::{InBundle, Located, Messages, Position, RecordError, RecordResult, Records};
#[cfg(feature = "std")]
pub use stream::{MessageReader, ReadError, RecordReader, StreamDecoder};
pub use values::{Ip16, Mac, Text, Timestamp, Uuid};

#[cfg(feature = "alloc")]
pub use frame::encode::{
    Encode, HostDataMessage, Null, encode_block, encode_body, encode_bundle, encode_message,
    encode_streaming_information,
};

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
