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
//! // WIRE.md Appendix B.4: Error, code -1, text "bye".
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
//! ## Layers
//! * [`wire`]: the fixed layouts, zerocopy structs used both to parse and to encode.
//! * [`decode_message`] / [`decode_frame`]: framing, streaming (`Incomplete { needed }`).
//! * [`Message::decode_body`]: the typed bodies ([`Body`]).
//! * [`Messages`], [`StreamDecoder`], [`MessageReader`] and (feature `tokio`)
//!   `tokio_codec::EstreamerCodec`: whole streams.
//! * [`Encode`] and the `encode_*` functions: the other direction (feature `alloc`).
//! * [`RequestFlags`], [`VersionResolution`]: what to ask for and what will be sent.
//!
//! ## Features
//! * `std` (default): [`StreamDecoder`], [`MessageReader`]; implies `alloc`.
//! * `alloc`: the encoders.
//! * `tokio`: a `tokio_util::codec::{Decoder, Encoder}`.
//! * `arbitrary`: `Arbitrary` impls for structured fuzzing.
//! * `serde`: `Serialize`/`Deserialize` for the metadata cache's snapshot file format.
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

#[macro_use]
mod types;
#[macro_use]
pub mod layout;
pub mod block;
pub mod catalogue;
mod error;
mod flags;
mod message;
#[cfg(feature = "std")]
pub mod metadata;
mod parse;
mod record;
pub mod record_types;
pub mod records;
pub mod records_discovery;
pub mod records_metadata;
mod stream;
mod text;
mod values;
pub mod wire;

#[cfg(feature = "alloc")]
mod encode;

#[cfg(feature = "tokio")]
pub mod tokio_codec;

#[cfg(feature = "arbitrary")]
mod arbitrary_impls;

pub use block::{Block, BlockType1, BlockType2, Blocks};
pub use error::{DecodeError, EncodeError, ErrorKind};
pub use flags::{
    FlagInfo, ParseFlagsError, RequestFlags, Resolved, VersionResolution, VersionSource,
};
pub use message::{
    Body, Bundle, BundleMessages, DEFAULT_MAX_MESSAGE_LENGTH, DecodeOptions, ESTREAMER_SERVICE_ID,
    ErrorMessage, EventData, EventStreamRequest, Extension, HeaderMode, HostData, HostDataRequest,
    Message, RecordHeaderForm, Service, ServiceLengthConvention, Services, StreamingInformation,
    StreamingRequest, decode_frame, decode_message,
};
pub use record::{
    ConnectionBlock, ConnectionEvent, Generic, ID_NAME_RECORDS, IntrusionEvent, Record,
    RecordParts, UUID_NAME_RECORDS,
};
pub use stream::Messages;
#[cfg(feature = "std")]
pub use stream::{MessageReader, ReadError, StreamDecoder};
pub use text::Text;
pub use types::{EventCode, InitialTimestamp, MessageType, ParseTimestampError, RecordType};
pub use values::{Ip16, Mac, Timestamp, Uuid};
pub use wire::EventTypeRequest;

#[cfg(feature = "alloc")]
pub use encode::{
    Encode, HostDataMessage, Null, encode_block, encode_body, encode_bundle, encode_message,
    encode_streaming_information,
};

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
