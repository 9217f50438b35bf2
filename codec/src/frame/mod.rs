//! Message framing and the typed message bodies (docs/protocol.md §2-§6).
//!
//! Decoding is two steps, each zero-copy:
//!
//! 1. **Framing** ([`decode_message`], or [`decode_frame`] without the version check): the 8-byte
//!    header and the body it declares, in streaming mode. A short buffer is
//!    [`DecodeError::Incomplete`] with the exact shortfall; a declared length above the
//!    configured maximum is an error before anything is buffered.
//! 2. **Body** ([`Message::decode_body`]): the typed view of the body, in complete mode: a field
//!    that overruns the message is [`DecodeError::Invalid`] with its absolute offset.
//!
//! Offsets in errors are absolute: counted from the start of the buffer passed to the framing
//! function, also for messages found inside a bundle. An error about a length field points at
//! that length field; an error about a version points at the header.

mod bundle;
mod control;
#[cfg(feature = "alloc")]
pub(crate) mod encode;
mod event_data;
mod flags;
mod host;
mod request;
#[macro_use]
pub(crate) mod types;
pub mod wire;

pub use bundle::{Bundle, BundleMessages};
pub use control::ErrorMessage;
pub use event_data::{EventData, Extension, RecordHeaderForm};
pub use flags::{
    FlagInfo, ParseFlagsError, RequestFlags, Resolved, VersionResolution, VersionSource,
};
pub(crate) use host::block_data;
pub use host::{HostData, HostDataRequest};
pub use request::{
    EventStreamRequest, Service, ServiceLengthConvention, Services, StreamingInformation,
    StreamingRequest,
};
pub use types::{EventCode, InitialTimestamp, MessageType, ParseTimestampError, RecordType};

use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_streaming, take_streaming};
use wire::MessageHeader;

/// The eStreamer service ID in Streaming Information and Streaming Request (0x1A0B).
pub const ESTREAMER_SERVICE_ID: u32 = 6667;

/// Default upper bound on a message body: 16 MiB.
///
/// No source gives a maximum bundle size; eNcore has none. 16 MiB is far above any bundle seen
/// in practice yet bounds the memory a hostile or corrupt length can make a streaming decoder
/// reserve. Configure with [`DecodeOptions::max_message_length`].
pub const DEFAULT_MAX_MESSAGE_LENGTH: u32 = 16 * 1024 * 1024;

/// Which record header form Event Data messages carry (docs/protocol.md §6.1-§6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderMode {
    /// 8-byte header: the session did not set request flag bit 23. Strict: a record whose length
    /// does not fit an 8-byte header is an error.
    Standard,
    /// 16-byte header with archive timestamp and reserved word: the session set bit 23. Strict.
    Extended,
    /// Decide per message from the lengths, as eNcore does (§6.4): `message length - record
    /// length` must be 8 or 16. Unambiguous, since the candidates differ by 8. The default,
    /// because sources disagree on whether FMC-generated records carry the extension when bit 23
    /// is set (§12 item 8).
    #[default]
    Auto,
}

impl HeaderMode {
    /// The strict mode a session with these flags asked for.
    pub const fn for_flags(flags: RequestFlags) -> Self {
        if flags.contains(RequestFlags::ARCHIVE_TIMESTAMPS) {
            HeaderMode::Extended
        } else {
            HeaderMode::Standard
        }
    }
}

/// Options for decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecodeOptions {
    /// Largest accepted message body, in bytes (after the 8-byte header).
    pub max_message_length: u32,
    /// Record header form of Event Data messages: what [`Records`](crate::Records) and
    /// [`RecordReader`](crate::RecordReader) decode with. Framing alone does not need it;
    /// [`Message::decode_body`] takes the mode of its own.
    pub header_mode: HeaderMode,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_message_length: DEFAULT_MAX_MESSAGE_LENGTH,
            header_mode: HeaderMode::Auto,
        }
    }
}

/// A framed message: its header and its body, borrowed from the input.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Message<'a> {
    header: &'a MessageHeader,
    body: &'a [u8],
    offset: usize,
}

impl core::fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message")
            .field("offset", &self.offset)
            .field("version", &self.version())
            .field("message_type", &self.message_type())
            .field("length", &self.length())
            .finish()
    }
}

/// Frames one message at the start of `buf` without checking the header version.
///
/// Returns the message and the number of bytes it occupies (8 + body length). Use this to walk
/// a stream that has a bad message in it; [`decode_message`] is the strict form.
pub fn decode_frame(
    buf: &[u8],
    max_message_length: u32,
) -> Result<(Message<'_>, usize), DecodeError> {
    frame_at(buf, 0, max_message_length)
}

/// Frames one message at the start of `buf` and checks that its header version is 1.
///
/// Returns the message and the number of bytes consumed. `Incomplete { needed }` when `buf`
/// ends early, with the exact number of further bytes needed; `Invalid` on a declared length
/// above `opts.max_message_length` (offset of the length field) or a wrong header version
/// (offset of the header), both reported as soon as the 8 header bytes are there, in that
/// order (the same order as [`Messages`](crate::Messages) and the stream decoders).
pub fn decode_message<'a>(
    buf: &'a [u8],
    opts: &DecodeOptions,
) -> Result<(Message<'a>, usize), DecodeError> {
    let (header, _) = header_streaming::<MessageHeader>(buf)?;
    let declared = header.length.get();
    if declared > opts.max_message_length {
        // Checked before the version, as the stream decoders do: framing is lost either way.
        return Err(DecodeError::invalid(
            4,
            ErrorKind::MessageTooLarge {
                declared,
                max: opts.max_message_length,
            },
        ));
    }
    let version = header.version.get();
    if version != 1 {
        return Err(DecodeError::invalid(
            0,
            ErrorKind::UnsupportedHeaderVersion { found: version },
        ));
    }
    frame_at(buf, 0, opts.max_message_length)
}

/// Frames a message at the start of `buf`, which sits at absolute `offset`.
pub(crate) fn frame_at(
    buf: &[u8],
    offset: usize,
    max_message_length: u32,
) -> Result<(Message<'_>, usize), DecodeError> {
    let (header, rest) = header_streaming::<MessageHeader>(buf)?;
    let declared = header.length.get();
    if declared > max_message_length {
        return Err(DecodeError::invalid(
            offset + 4,
            ErrorKind::MessageTooLarge {
                declared,
                max: max_message_length,
            },
        ));
    }
    // u32 -> usize cannot truncate on the 32- and 64-bit targets this crate supports; on a
    // 16-bit target an oversized length saturates and is reported as incomplete.
    let len = usize::try_from(declared).unwrap_or(usize::MAX);
    let (_, body) = take_streaming(rest, len)?;
    let total = MessageHeader::LEN + body.len();
    Ok((
        Message {
            header,
            body,
            offset,
        },
        total,
    ))
}

impl<'a> Message<'a> {
    /// A message view over a header and body (e.g. to encode a body built by hand).
    pub const fn new(header: &'a MessageHeader, body: &'a [u8], offset: usize) -> Self {
        Message {
            header,
            body,
            offset,
        }
    }

    /// The wire header.
    pub const fn header(&self) -> &'a MessageHeader {
        self.header
    }

    /// Header version (1; 0 or 1 inside a bundle).
    pub const fn version(&self) -> u16 {
        self.header.version.get()
    }

    /// Message type.
    pub const fn message_type(&self) -> MessageType {
        MessageType(self.header.message_type.get())
    }

    /// Declared body length (equal to `body().len()`).
    pub const fn length(&self) -> u32 {
        self.header.length.get()
    }

    /// The body bytes after the 8-byte header.
    pub const fn body(&self) -> &'a [u8] {
        self.body
    }

    /// Absolute offset of the header in the decoded buffer.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Absolute offset of the first body byte.
    pub const fn body_offset(&self) -> usize {
        self.offset + MessageHeader::LEN
    }

    /// Decodes the body according to the message type. Unknown types yield [`Body::Unknown`].
    #[inline]
    pub fn decode_body(&self, header_mode: HeaderMode) -> Result<Body<'a>, DecodeError> {
        let base = self.body_offset();
        let b = self.body;
        Ok(match self.message_type() {
            MessageType::NULL => {
                if !b.is_empty() {
                    return Err(self.body_length_error(0));
                }
                Body::Null
            }
            MessageType::ERROR => Body::Error(ErrorMessage::parse(b, base)?),
            MessageType::EVENT_STREAM_REQUEST => {
                Body::EventStreamRequest(EventStreamRequest::parse(self)?)
            }
            MessageType::EVENT_DATA => Body::EventData(EventData::parse(b, base, header_mode)?),
            MessageType::HOST_DATA_REQUEST => Body::HostDataRequest(HostDataRequest::parse(self)?),
            MessageType::SINGLE_HOST_DATA | MessageType::MULTIPLE_HOST_DATA => {
                Body::HostData(HostData::parse(b, base)?)
            }
            MessageType::STREAMING_REQUEST => {
                Body::StreamingRequest(StreamingRequest::parse(b, base)?)
            }
            MessageType::STREAMING_INFORMATION => {
                Body::StreamingInformation(StreamingInformation::parse(b, base)?)
            }
            MessageType::MESSAGE_BUNDLE => Body::Bundle(Bundle::parse(b, base)?),
            _ => Body::Unknown(b),
        })
    }

    fn body_length_error(&self, expected: u32) -> DecodeError {
        DecodeError::invalid(
            self.offset + 4,
            ErrorKind::BodyLength {
                found: self.length(),
                expected,
            },
        )
    }
}

/// A decoded message body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body<'a> {
    /// Null (type 0).
    Null,
    /// Error (type 1).
    Error(ErrorMessage<'a>),
    /// Event Stream Request (type 2).
    EventStreamRequest(EventStreamRequest),
    /// Event Data (type 4): one record.
    EventData(EventData<'a>),
    /// Host Data Request (type 5).
    HostDataRequest(HostDataRequest),
    /// Single or Multiple Host Data (types 6, 7).
    HostData(HostData<'a>),
    /// Streaming Request (type 2049).
    StreamingRequest(StreamingRequest<'a>),
    /// Streaming Information (type 2051).
    StreamingInformation(StreamingInformation<'a>),
    /// Message Bundle (type 4002).
    Bundle(Bundle<'a>),
    /// A message type this crate does not know: the body, untouched.
    Unknown(&'a [u8]),
}
