//! Message framing and the typed message bodies (WIRE.md §2-§6).
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

use crate::error::{DecodeError, ErrorKind};
use crate::flags::RequestFlags;
use crate::parse::{header_complete, header_streaming, sat32, take_streaming};
use crate::text::Text;
use crate::types::{InitialTimestamp, MessageType, RecordType};
use crate::wire::{
    BlockHeader, BundleHeader, ErrorHeader, EventStreamRequestBody, EventTypeRequest,
    HostRequestBody, MessageHeader, RecordHeader, RecordHeaderExtension, ServiceHeader,
};

/// The eStreamer service ID in Streaming Information and Streaming Request (0x1A0B).
pub const ESTREAMER_SERVICE_ID: u32 = 6667;

/// Default upper bound on a message body: 16 MiB.
///
/// No source gives a maximum bundle size; eNcore has none. 16 MiB is far above any bundle seen
/// in practice yet bounds the memory a hostile or corrupt length can make a streaming decoder
/// reserve. Configure with [`DecodeOptions::max_message_length`].
pub const DEFAULT_MAX_MESSAGE_LENGTH: u32 = 16 * 1024 * 1024;

/// Which record header form Event Data messages carry (WIRE.md §6.1-§6.4).
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
    /// Record header form of Event Data messages.
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

// ---------------------------------------------------------------------------------------------
// Error (type 1)

/// Error message body (WIRE.md §5.2): a signed code and a text that may be empty, may end in a
/// NUL the length counts, and need not be UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorMessage<'a> {
    /// Error code; clients use -1 for their own errors.
    pub code: i32,
    /// The text bytes exactly as sent (see [`Text`] for lossy rendering).
    pub text: Text<'a>,
}

impl<'a> ErrorMessage<'a> {
    /// An error message with this code and text.
    pub const fn new(code: i32, text: &'a [u8]) -> Self {
        ErrorMessage {
            code,
            text: Text(text),
        }
    }

    fn parse(b: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let (h, rest) = header_complete::<ErrorHeader>(b, base)?;
        let declared = h.text_length.get();
        let len = usize::from(declared);
        let text_offset = base + ErrorHeader::LEN;
        let Some((text, trailing)) = rest.split_at_checked(len) else {
            return Err(DecodeError::invalid(
                base + 4,
                ErrorKind::LengthOverrun {
                    declared: u32::from(declared),
                    available: sat32(rest.len()),
                },
            ));
        };
        if !trailing.is_empty() {
            return Err(DecodeError::invalid(
                text_offset + len,
                ErrorKind::TrailingBytes {
                    count: sat32(trailing.len()),
                },
            ));
        }
        Ok(ErrorMessage {
            code: h.code.get(),
            text: Text(text),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Event Stream Request (type 2)

/// Event Stream Request (WIRE.md §3): where to start and what to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventStreamRequest {
    /// Where to start.
    pub initial_timestamp: InitialTimestamp,
    /// What to send.
    pub flags: RequestFlags,
}

impl EventStreamRequest {
    fn parse(m: &Message<'_>) -> Result<Self, DecodeError> {
        let Ok(body) = zerocopy::FromBytes::ref_from_bytes(m.body) else {
            return Err(m.body_length_error(sat32(EventStreamRequestBody::LEN)));
        };
        let body: &EventStreamRequestBody = body;
        Ok(EventStreamRequest {
            initial_timestamp: InitialTimestamp::from_wire(body.initial_timestamp.get()),
            flags: RequestFlags(body.flags.get()),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Host Data Request (type 5) and host data (types 6, 7)

/// Host Data Request (WIRE.md §5.3, with the Guide 5.3 4-byte addresses; §12 item 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostDataRequest {
    /// Data type: 6 single host, 7 multiple hosts (5.0+).
    pub data_type: u32,
    /// 0x1 fill host notes, 0x2 fill service banners.
    pub flags: u32,
    /// First IPv4 address of the range, network order.
    pub start_address: [u8; 4],
    /// Last IPv4 address of the range, network order.
    pub end_address: [u8; 4],
}

impl HostDataRequest {
    fn parse(m: &Message<'_>) -> Result<Self, DecodeError> {
        let Ok(body) = zerocopy::FromBytes::ref_from_bytes(m.body) else {
            return Err(m.body_length_error(sat32(HostRequestBody::LEN)));
        };
        let body: &HostRequestBody = body;
        Ok(HostDataRequest {
            data_type: body.data_type.get(),
            flags: body.flags.get(),
            start_address: body.start_address,
            end_address: body.end_address,
        })
    }
}

/// Single / Multiple Host Data body (WIRE.md §5.3): one Full Host Profile block, kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostData<'a> {
    /// Block type of the host profile block.
    pub block_type: u32,
    /// The block's data after its 8-byte header.
    pub data: &'a [u8],
}

impl<'a> HostData<'a> {
    fn parse(b: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let (h, rest) = header_complete::<BlockHeader>(b, base)?;
        let (data, trailing) = block_data(h, rest, base)?;
        if !trailing.is_empty() {
            return Err(DecodeError::invalid(
                base + b.len() - trailing.len(),
                ErrorKind::TrailingBytes {
                    count: sat32(trailing.len()),
                },
            ));
        }
        Ok(HostData {
            block_type: h.block_type.get(),
            data,
        })
    }
}

/// Splits a block's data (length includes the 8-byte header) from what follows it.
pub(crate) fn block_data<'a>(
    h: &BlockHeader,
    rest: &'a [u8],
    block_offset: usize,
) -> Result<(&'a [u8], &'a [u8]), DecodeError> {
    let declared = h.length.get();
    let Some(data_len) = usize::try_from(declared)
        .ok()
        .and_then(|l| l.checked_sub(BlockHeader::LEN))
    else {
        return Err(DecodeError::invalid(
            block_offset + 4,
            ErrorKind::LengthTooSmall {
                declared,
                min: sat32(BlockHeader::LEN),
            },
        ));
    };
    rest.split_at_checked(data_len).ok_or(DecodeError::invalid(
        block_offset + 4,
        ErrorKind::LengthOverrun {
            declared,
            available: sat32(rest.len() + BlockHeader::LEN),
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Streaming Request (2049) and Streaming Information (2051)

/// What a service structure's Length field counts (WIRE.md §4.2, §12 item 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServiceLengthConvention {
    /// The length counts the whole service structure, including its 8 bytes of service ID and
    /// length: what the FireSIGHT field table says and what Cisco's client sends. Used when
    /// encoding by default.
    #[default]
    IncludingHeader,
    /// The length counts the bytes after the service ID and length fields: what the guide's
    /// worked example (Guide 5.3 p.61) shows.
    ExcludingHeader,
}

impl ServiceLengthConvention {
    /// Bytes the length field does not count.
    const fn uncounted(self) -> usize {
        match self {
            ServiceLengthConvention::IncludingHeader => 0,
            ServiceLengthConvention::ExcludingHeader => 8,
        }
    }

    /// A stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            ServiceLengthConvention::IncludingHeader => "including_header",
            ServiceLengthConvention::ExcludingHeader => "excluding_header",
        }
    }
}

/// One Streaming Service structure (WIRE.md §4.1): service ID, flags, initial timestamp and a
/// list of (version, event type) entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Service<'a> {
    /// Service ID (6667 = eStreamer).
    pub service_id: u32,
    /// 0 from the server; the request flags from the client.
    pub flags: u32,
    /// 0 from the server; the initial timestamp from the client.
    pub initial_timestamp: u32,
    /// The entries exactly as on the wire (in Streaming Information normally empty; a (0, 0)
    /// terminator, if present, is included).
    pub entries: &'a [EventTypeRequest],
}

/// Validates a list of services filling `body` exactly, in one convention, and returns the
/// convention. Tries the including convention first (Cisco's client), then the excluding one.
fn service_convention(body: &[u8], base: usize) -> Result<ServiceLengthConvention, DecodeError> {
    let mut first_error = None;
    for conv in [
        ServiceLengthConvention::IncludingHeader,
        ServiceLengthConvention::ExcludingHeader,
    ] {
        match walk_services(body, base, conv, |_| Ok(())) {
            Ok(()) => return Ok(conv),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(DecodeError::invalid(
        base,
        ErrorKind::ServiceLength { declared: 0 },
    )))
}

/// Walks services filling `body`, calling `f` on each. Errors carry absolute offsets.
fn walk_services<'a>(
    body: &'a [u8],
    base: usize,
    conv: ServiceLengthConvention,
    mut f: impl FnMut(Service<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut pos = 0usize;
    let mut rest = body;
    while !rest.is_empty() {
        let at = base + pos;
        let (h, after) = header_complete::<ServiceHeader>(rest, at)?;
        let declared = h.length.get();
        let total = usize::try_from(declared)
            .ok()
            .and_then(|l| l.checked_add(conv.uncounted()))
            .filter(|&t| t >= ServiceHeader::LEN && t <= rest.len())
            .ok_or(DecodeError::invalid(
                at + 4,
                ErrorKind::ServiceLength { declared },
            ))?;
        let list = after
            .get(..total - ServiceHeader::LEN)
            .ok_or(DecodeError::invalid(
                at + 4,
                ErrorKind::ServiceLength { declared },
            ))?;
        let entries = event_type_list(list, at + ServiceHeader::LEN)?;
        f(Service {
            service_id: h.service_id.get(),
            flags: h.flags.get(),
            initial_timestamp: h.initial_timestamp.get(),
            entries,
        })?;
        rest = rest.get(total..).unwrap_or_default();
        pos += total;
    }
    Ok(())
}

fn event_type_list(list: &[u8], offset: usize) -> Result<&[EventTypeRequest], DecodeError> {
    <[EventTypeRequest] as zerocopy::FromBytes>::ref_from_bytes(list).map_err(|_| {
        DecodeError::invalid(
            offset,
            ErrorKind::MisalignedEventTypeList {
                len: sat32(list.len()),
            },
        )
    })
}

/// Streaming Information (type 2051, WIRE.md §4.1): the services the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamingInformation<'a> {
    body: &'a [u8],
    convention: ServiceLengthConvention,
}

impl<'a> StreamingInformation<'a> {
    fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let convention = service_convention(body, base)?;
        Ok(StreamingInformation { body, convention })
    }

    /// The length convention the services use (decided per message; both are accepted).
    pub const fn convention(&self) -> ServiceLengthConvention {
        self.convention
    }

    /// The services, in wire order (validated when the message was decoded).
    pub fn services(&self) -> Services<'a> {
        Services {
            rest: self.body,
            convention: self.convention,
        }
    }

    /// The eStreamer service (6667), if offered.
    pub fn estreamer_service(&self) -> Option<Service<'a>> {
        self.services()
            .find(|s| s.service_id == ESTREAMER_SERVICE_ID)
    }
}

/// Iterator over the services of a validated [`StreamingInformation`].
#[derive(Debug, Clone)]
pub struct Services<'a> {
    rest: &'a [u8],
    convention: ServiceLengthConvention,
}

impl<'a> Iterator for Services<'a> {
    type Item = Service<'a>;

    fn next(&mut self) -> Option<Service<'a>> {
        // The list was validated at construction; any inconsistency simply ends the iteration.
        let (h, after) = zerocopy::FromBytes::ref_from_prefix(self.rest).ok()?;
        let h: &ServiceHeader = h;
        let total = usize::try_from(h.length.get())
            .ok()?
            .checked_add(self.convention.uncounted())?;
        let list = after.get(..total.checked_sub(ServiceHeader::LEN)?)?;
        let entries = <[EventTypeRequest] as zerocopy::FromBytes>::ref_from_bytes(list).ok()?;
        self.rest = self.rest.get(total..)?;
        Some(Service {
            service_id: h.service_id.get(),
            flags: h.flags.get(),
            initial_timestamp: h.initial_timestamp.get(),
            entries,
        })
    }
}

impl core::iter::FusedIterator for Services<'_> {}

/// Streaming Request (type 2049, WIRE.md §4.2): one service (6667) with the request flags,
/// initial timestamp and the (version, event type) entries asked for.
///
/// Decoding accepts both length conventions and requires exactly one service whose list ends
/// with the (0, 0) terminator; `entries` excludes the terminator. Encoding writes the terminator
/// and the convention in `convention` (including by default, as Cisco's client does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamingRequest<'a> {
    /// Service ID (6667).
    pub service_id: u32,
    /// Copy of the Event Stream Request's flags.
    pub flags: RequestFlags,
    /// Copy of the Event Stream Request's initial timestamp.
    pub initial_timestamp: InitialTimestamp,
    /// The requests, without the terminator.
    pub entries: &'a [EventTypeRequest],
    /// The Service Length convention.
    pub convention: ServiceLengthConvention,
}

impl<'a> StreamingRequest<'a> {
    /// A request for service 6667, in the including convention.
    pub const fn new(
        flags: RequestFlags,
        initial_timestamp: InitialTimestamp,
        entries: &'a [EventTypeRequest],
    ) -> Self {
        StreamingRequest {
            service_id: ESTREAMER_SERVICE_ID,
            flags,
            initial_timestamp,
            entries,
            convention: ServiceLengthConvention::IncludingHeader,
        }
    }

    fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let (h, _) = header_complete::<ServiceHeader>(body, base)?;
        let declared = h.length.get();
        let total = body.len();
        let convention = match usize::try_from(declared) {
            Ok(l) if l == total => ServiceLengthConvention::IncludingHeader,
            Ok(l) if l.checked_add(8) == Some(total) => ServiceLengthConvention::ExcludingHeader,
            _ => {
                return Err(DecodeError::invalid(
                    base + 4,
                    ErrorKind::ServiceLength { declared },
                ));
            }
        };
        let list_offset = base + ServiceHeader::LEN;
        let list = body.get(ServiceHeader::LEN..).unwrap_or_default();
        let all = event_type_list(list, list_offset)?;
        let Some(term) = all.iter().position(EventTypeRequest::is_terminator) else {
            return Err(DecodeError::invalid(
                base + total,
                ErrorKind::MissingTerminator,
            ));
        };
        let after = all.len() - term - 1;
        if after != 0 {
            return Err(DecodeError::invalid(
                list_offset + (term + 1) * EventTypeRequest::LEN,
                ErrorKind::TrailingBytes {
                    count: sat32(after * EventTypeRequest::LEN),
                },
            ));
        }
        Ok(StreamingRequest {
            service_id: h.service_id.get(),
            flags: RequestFlags(h.flags.get()),
            initial_timestamp: InitialTimestamp::from_wire(h.initial_timestamp.get()),
            entries: all.get(..term).unwrap_or_default(),
            convention,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Message Bundle (4002)

/// Message Bundle (type 4002, WIRE.md §4.4): connection ID, sequence number and complete
/// messages back to back. Acknowledge each bundle with one Null.
///
/// Equality (and hashing) compares the wire content; the position the bundle was decoded at is
/// ignored.
#[derive(Debug, Clone, Copy, Eq)]
pub struct Bundle<'a> {
    /// Identifies the client connection.
    pub connection_id: u32,
    /// 1 for the first bundle, +1 per bundle.
    pub sequence_number: u32,
    messages: &'a [u8],
    messages_offset: usize,
}

impl PartialEq for Bundle<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.connection_id == other.connection_id
            && self.sequence_number == other.sequence_number
            && self.messages == other.messages
    }
}

impl core::hash::Hash for Bundle<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.connection_id, self.sequence_number, self.messages).hash(state);
    }
}

impl<'a> Bundle<'a> {
    /// A bundle view over already-encoded inner messages (`messages` is their concatenation).
    pub const fn new(connection_id: u32, sequence_number: u32, messages: &'a [u8]) -> Self {
        Bundle {
            connection_id,
            sequence_number,
            messages,
            messages_offset: 0,
        }
    }

    fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let (h, messages) = header_complete::<BundleHeader>(body, base)?;
        Ok(Bundle {
            connection_id: h.connection_id.get(),
            sequence_number: h.sequence_number.get(),
            messages,
            messages_offset: base + BundleHeader::LEN,
        })
    }

    /// The inner messages' bytes, back to back.
    pub const fn messages_bytes(&self) -> &'a [u8] {
        self.messages
    }

    /// Stream offset of the first inner message (0 for a view made with [`Bundle::new`]).
    pub const fn messages_offset(&self) -> usize {
        self.messages_offset
    }

    /// The inner messages. Each is framed with its own 8-byte header, whose version may be 0 or
    /// 1 (§4.4, §12 item 6).
    ///
    /// A member with any other version is an `UnsupportedHeaderVersion` error at its absolute
    /// offset, and when its declared length still fits in the bundle the walk goes on after
    /// it: a damaged version costs that member only (Management Centers hit by Cisco bug
    /// CSCve44987 send wrong versions with intact lengths). A length that overruns the bundle
    /// loses the framing: that error ends the iteration.
    ///
    /// Inner messages of any type are yielded: the guide and eNcore expect only Event Data (4),
    /// but this crate passes other types through rather than drop data.
    pub fn messages(&self) -> BundleMessages<'a> {
        BundleMessages {
            rest: self.messages,
            offset: self.messages_offset,
        }
    }
}

/// Fused iterator over a bundle's inner messages (see [`Bundle::messages`]).
#[derive(Debug, Clone)]
pub struct BundleMessages<'a> {
    rest: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for BundleMessages<'a> {
    type Item = Result<Message<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let (result, used) = match inner_message(self.rest, self.offset) {
            Ok((m, used)) => (Ok(m), used),
            Err((e, skip)) => (Err(e), skip),
        };
        match self.rest.get(used..) {
            Some(rest) if used > 0 => {
                self.rest = rest;
                self.offset += used;
            }
            _ => self.rest = &[],
        }
        Some(result)
    }
}

impl core::iter::FusedIterator for BundleMessages<'_> {}

/// Frames the member at the start of `buf` (absolute `offset`): the message and its size, or
/// the error and how many bytes to step over to the next member (0: the framing is lost).
#[inline]
fn inner_message(buf: &[u8], offset: usize) -> Result<(Message<'_>, usize), (DecodeError, usize)> {
    let (h, rest) = header_complete::<MessageHeader>(buf, offset).map_err(|e| (e, 0))?;
    let declared = h.length.get();
    let body = usize::try_from(declared).ok().and_then(|l| rest.get(..l));
    let version = h.version.get();
    if version > 1 {
        let skip = body.map_or(0, |b| MessageHeader::LEN + b.len());
        return Err((
            DecodeError::invalid(
                offset,
                ErrorKind::UnsupportedHeaderVersion { found: version },
            ),
            skip,
        ));
    }
    let body = body.ok_or((
        DecodeError::invalid(
            offset + 4,
            ErrorKind::LengthOverrun {
                declared,
                available: sat32(rest.len()),
            },
        ),
        0,
    ))?;
    Ok((
        Message {
            header: h,
            body,
            offset,
        },
        MessageHeader::LEN + body.len(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Event Data (type 4) and the record header

/// Which record header an Event Data message carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordHeaderForm {
    /// 8 bytes: record type and length.
    Standard,
    /// 16 bytes: plus archive timestamp and the reserved word.
    Extended,
}

impl RecordHeaderForm {
    /// Size on the wire.
    pub const fn size(self) -> usize {
        match self {
            RecordHeaderForm::Standard => RecordHeader::LEN,
            RecordHeaderForm::Extended => RecordHeader::LEN + RecordHeaderExtension::LEN,
        }
    }

    /// A stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            RecordHeaderForm::Standard => "standard",
            RecordHeaderForm::Extended => "extended",
        }
    }
}

/// The two words the extended record header adds (WIRE.md §6.2), as native integers (the wire
/// layout is [`RecordHeaderExtension`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Extension {
    /// UNIX seconds when the FMC archived the event; 0 for FMC-generated data.
    pub archive_timestamp: u32,
    /// Reserved (eNcore's `checksum`), kept verbatim.
    pub reserved: u32,
}

/// Event Data (type 4, WIRE.md §6): exactly one record, its header and its body (borrowed).
///
/// The record type word is read the way the 6.x guides describe it (§6.3): bit 31 a header-form
/// flag, bits 30-16 the Netmap ID of the domain, bits 15-0 the record type. With netmap 0 and
/// flag 0 (every source's examples) this equals reading a plain u32, as eNcore does; with a
/// non-zero Netmap ID, [`record_type`](Self::record_type) still names the record correctly where a
/// u32 reading would see an unknown type. The raw word is kept and re-encoded verbatim.
#[derive(Debug, Clone, Copy, Eq)]
pub struct EventData<'a> {
    /// The raw first record-header word.
    pub record_type_word: u32,
    /// The extension words, when the record came with the 16-byte header.
    pub extension: Option<Extension>,
    /// The record body, after the record header.
    pub body: &'a [u8],
    body_offset: usize,
}

/// Equality (and hashing) compares the wire content; the position the record was decoded at is
/// ignored.
impl PartialEq for EventData<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.record_type_word == other.record_type_word
            && self.extension == other.extension
            && self.body == other.body
    }
}

impl core::hash::Hash for EventData<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.record_type_word, self.extension, self.body).hash(state);
    }
}

impl<'a> EventData<'a> {
    /// A record with the standard 8-byte header.
    pub const fn standard(record_type: RecordType, body: &'a [u8]) -> Self {
        EventData {
            record_type_word: record_type.0,
            extension: None,
            body,
            body_offset: 0,
        }
    }

    /// A record with the extended 16-byte header.
    pub const fn extended(
        record_type: RecordType,
        archive_timestamp: u32,
        reserved: u32,
        body: &'a [u8],
    ) -> Self {
        EventData {
            record_type_word: record_type.0,
            extension: Some(Extension {
                archive_timestamp,
                reserved,
            }),
            body,
            body_offset: 0,
        }
    }

    /// Decodes an Event Data body (everything after the 8-byte message header) that starts at
    /// absolute offset `base`.
    #[inline]
    pub fn parse(b: &'a [u8], base: usize, mode: HeaderMode) -> Result<Self, DecodeError> {
        let (h, after) = header_complete::<RecordHeader>(b, base)?;
        let record_length = h.record_length.get();
        let message_length = sat32(b.len());
        let mismatch = |header_len: u8| {
            DecodeError::invalid(
                base + 4,
                ErrorKind::RecordLengthMismatch {
                    record_length,
                    message_length,
                    header_len,
                },
            )
        };
        let rec_len = usize::try_from(record_length).unwrap_or(usize::MAX);
        let extended = match mode {
            HeaderMode::Standard => false,
            HeaderMode::Extended => true,
            HeaderMode::Auto => match b.len().checked_sub(rec_len) {
                Some(RecordHeader::LEN) => false,
                Some(16) => true,
                _ => return Err(mismatch(0)),
            },
        };
        let (extension, body, header_len) = if extended {
            let expected = RecordHeader::LEN + RecordHeaderExtension::LEN;
            if b.len().checked_sub(rec_len) != Some(expected) {
                return Err(mismatch(16));
            }
            let (ext, body) = header_complete::<RecordHeaderExtension>(after, base + 8)?;
            let ext = Extension {
                archive_timestamp: ext.archive_timestamp.get(),
                reserved: ext.reserved.get(),
            };
            (Some(ext), body, expected)
        } else {
            if b.len().checked_sub(rec_len) != Some(RecordHeader::LEN) {
                return Err(mismatch(8));
            }
            (None, after, RecordHeader::LEN)
        };
        Ok(EventData {
            record_type_word: h.record_type.get(),
            extension,
            body,
            body_offset: base + header_len,
        })
    }

    /// The record type (low 16 bits of the first header word).
    pub const fn record_type(&self) -> RecordType {
        RecordType(self.record_type_word & 0xFFFF)
    }

    /// The Netmap ID (bits 30-16 of the first header word): the domain the event was detected in
    /// on a multi-domain FMC, 0 when unused.
    pub const fn netmap_id(&self) -> u16 {
        ((self.record_type_word >> 16) & 0x7FFF) as u16
    }

    /// Bit 31 of the first header word: the 6.x guides' header-form flag. Its polarity is not
    /// documented (§12 item 7); it is reported, never used to pick the header form.
    pub const fn type_word_flag(&self) -> bool {
        self.record_type_word & 0x8000_0000 != 0
    }

    /// The Record Length field: the body length.
    pub const fn record_length(&self) -> usize {
        self.body.len()
    }

    /// The header form the record came with.
    pub const fn header_form(&self) -> RecordHeaderForm {
        match self.extension {
            Some(_) => RecordHeaderForm::Extended,
            None => RecordHeaderForm::Standard,
        }
    }

    /// The archive ("eStreamer server") timestamp: UNIX seconds when the FMC archived the event,
    /// 0 for FMC-generated data, `None` with the standard header. Use it as the bookmark.
    pub fn archive_timestamp(&self) -> Option<u32> {
        self.extension.map(|e| e.archive_timestamp)
    }

    /// The reserved second extension word (eNcore's `checksum`), kept verbatim.
    pub fn reserved(&self) -> Option<u32> {
        self.extension.map(|e| e.reserved)
    }

    /// Absolute offset of the first body byte in the decoded buffer (0 for hand-built records).
    pub const fn body_offset(&self) -> usize {
        self.body_offset
    }
}
