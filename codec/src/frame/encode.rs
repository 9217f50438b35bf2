//! Encoders: every decoded structure can be written back, and hand-built ones written fresh.
//!
//! Lengths are never passed in: each length field is written as a placeholder, the body is
//! appended, and the real value is patched in afterwards (byteorder on the patched slice), so a
//! length can never disagree with what follows it. The fixed parts are the same zerocopy structs
//! the decoder borrows, written with `as_bytes`.

use alloc::vec::Vec;

use byteorder::{BigEndian, ByteOrder};
use zerocopy::IntoBytes;
use zerocopy::byteorder::big_endian::{I32, U16, U32};

use crate::error::EncodeError;
use crate::frame::MessageType;
use crate::frame::wire::{
    BundleHeader, ErrorHeader, EventStreamRequestBody, EventTypeRequest, HostRequestBody,
    MessageHeader, RecordHeader, ServiceHeader,
};
use crate::frame::{
    Body, Bundle, ErrorMessage, EventData, EventStreamRequest, HostData, HostDataRequest, Message,
    Service, ServiceLengthConvention, StreamingInformation, StreamingRequest,
};

/// A structure that encodes to a complete message (header included).
pub trait Encode {
    /// Appends the message to `out`, with header version `version` (1 for standalone messages;
    /// bundles may carry 0, docs/protocol.md §4.4).
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError>;

    /// Appends the message to `out` with header version 1.
    fn encode(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.encode_with_version(1, out)
    }

    /// The message as a new vector, header version 1.
    fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode(&mut out)?;
        Ok(out)
    }
}

fn overflow(length: usize, max: usize) -> EncodeError {
    EncodeError::LengthOverflow { length, max }
}

/// Writes `value` as a big-endian u32 at `at` in `out` (a placeholder written earlier).
fn patch_u32(out: &mut [u8], at: usize, value: u32) {
    if let Some(slot) = out.get_mut(at..at + 4) {
        BigEndian::write_u32(slot, value);
    }
}

/// Appends a u32 placeholder and returns its position.
fn placeholder(out: &mut Vec<u8>) -> usize {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    at
}

/// Patches the u32 length at `at` with the number of bytes written since `from`, plus `extra`.
fn patch_len(out: &mut [u8], at: usize, from: usize, extra: usize) -> Result<(), EncodeError> {
    let len = out.len() - from + extra;
    let v = u32::try_from(len).map_err(|_| overflow(len, u32::MAX as usize))?;
    patch_u32(out, at, v);
    Ok(())
}

/// Writes one message: header (length back-patched), then whatever `body` appends.
///
/// On error `out` is restored to its length before the call.
pub fn encode_message(
    out: &mut Vec<u8>,
    version: u16,
    message_type: MessageType,
    body: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let result = (|| {
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&message_type.0.to_be_bytes());
        let at = placeholder(out);
        let body_start = out.len();
        body(out)?;
        patch_len(out, at, body_start, 0)
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Writes a block: type, length (back-patched, including the 8-byte header), then `data`.
pub fn encode_block(
    out: &mut Vec<u8>,
    block_type: u32,
    data: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    out.extend_from_slice(&block_type.to_be_bytes());
    let at = placeholder(out);
    data(out)?;
    patch_len(out, at, start, 0)
}

/// Writes a Message Bundle: header, connection ID, sequence number, then the inner messages
/// that `messages` appends (each a complete message, e.g. written with
/// [`Encode::encode_with_version`] and version 0 or 1).
pub fn encode_bundle(
    out: &mut Vec<u8>,
    connection_id: u32,
    sequence_number: u32,
    messages: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    encode_bundle_with_version(out, 1, connection_id, sequence_number, messages)
}

fn encode_bundle_with_version(
    out: &mut Vec<u8>,
    version: u16,
    connection_id: u32,
    sequence_number: u32,
    messages: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    encode_message(out, version, MessageType::MESSAGE_BUNDLE, |out| {
        let h = BundleHeader {
            connection_id: U32::new(connection_id),
            sequence_number: U32::new(sequence_number),
        };
        out.extend_from_slice(h.as_bytes());
        messages(out)
    })
}

/// The Null message (8 bytes; docs/protocol.md §5.1, Appendix B.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Null;

impl Null {
    /// The encoded Null message with header version 1.
    pub const BYTES: [u8; 8] = [0, 1, 0, 0, 0, 0, 0, 0];
}

impl Encode for Null {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, MessageType::NULL, |_| Ok(()))
    }
}

impl Encode for ErrorMessage<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let text = self.text.as_bytes();
        let len = u16::try_from(text.len()).map_err(|_| overflow(text.len(), u16::MAX.into()))?;
        encode_message(out, version, MessageType::ERROR, |out| {
            let h = ErrorHeader {
                code: I32::new(self.code),
                text_length: U16::new(len),
            };
            out.extend_from_slice(h.as_bytes());
            out.extend_from_slice(text);
            Ok(())
        })
    }
}

impl Encode for EventStreamRequest {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, MessageType::EVENT_STREAM_REQUEST, |out| {
            let b = EventStreamRequestBody {
                initial_timestamp: U32::new(self.initial_timestamp.to_wire()),
                flags: U32::new(self.flags.bits()),
            };
            out.extend_from_slice(b.as_bytes());
            Ok(())
        })
    }
}

impl Encode for HostDataRequest {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, MessageType::HOST_DATA_REQUEST, |out| {
            let b = HostRequestBody {
                data_type: U32::new(self.data_type),
                flags: U32::new(self.flags),
                start_address: self.start_address,
                end_address: self.end_address,
            };
            out.extend_from_slice(b.as_bytes());
            Ok(())
        })
    }
}

/// Host data message (6 single, 7 multiple): the message type to use is not part of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostDataMessage<'a> {
    /// [`MessageType::SINGLE_HOST_DATA`] or [`MessageType::MULTIPLE_HOST_DATA`].
    pub message_type: MessageType,
    /// The host profile block.
    pub data: HostData<'a>,
}

impl Encode for HostDataMessage<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, self.message_type, |out| {
            encode_block(out, self.data.block_type, |out| {
                out.extend_from_slice(self.data.data);
                Ok(())
            })
        })
    }
}

fn encode_service(
    out: &mut Vec<u8>,
    service: &Service<'_>,
    convention: ServiceLengthConvention,
    terminate: bool,
) -> Result<(), EncodeError> {
    let start = out.len();
    let h = ServiceHeader {
        service_id: U32::new(service.service_id),
        length: U32::new(0),
        flags: U32::new(service.flags),
        initial_timestamp: U32::new(service.initial_timestamp),
    };
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(service.entries.as_bytes());
    if terminate {
        out.extend_from_slice(EventTypeRequest::TERMINATOR.as_bytes());
    }
    let total = out.len() - start;
    let counted = match convention {
        ServiceLengthConvention::IncludingHeader => total,
        ServiceLengthConvention::ExcludingHeader => total - 8,
    };
    let v = u32::try_from(counted).map_err(|_| overflow(counted, u32::MAX as usize))?;
    patch_u32(out, start + 4, v);
    Ok(())
}

impl Encode for StreamingRequest<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, MessageType::STREAMING_REQUEST, |out| {
            let service = Service {
                service_id: self.service_id,
                flags: self.flags.bits(),
                initial_timestamp: self.initial_timestamp.to_wire(),
                entries: self.entries,
            };
            encode_service(out, &service, self.convention, true)
        })
    }
}

/// Writes a Streaming Information message (2051) offering `services`, each written with its
/// entries as given (no terminator added).
pub fn encode_streaming_information<'s>(
    out: &mut Vec<u8>,
    convention: ServiceLengthConvention,
    services: impl IntoIterator<Item = Service<'s>>,
) -> Result<(), EncodeError> {
    encode_message(out, 1, MessageType::STREAMING_INFORMATION, |out| {
        for s in services {
            encode_service(out, &s, convention, false)?;
        }
        Ok(())
    })
}

impl Encode for StreamingInformation<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, MessageType::STREAMING_INFORMATION, |out| {
            for s in self.services() {
                encode_service(out, &s, self.convention(), false)?;
            }
            Ok(())
        })
    }
}

impl Encode for EventData<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let len = self.body.len();
        let record_length = u32::try_from(len).map_err(|_| overflow(len, u32::MAX as usize))?;
        encode_message(out, version, MessageType::EVENT_DATA, |out| {
            let h = RecordHeader {
                record_type: U32::new(self.record_type_word),
                record_length: U32::new(record_length),
            };
            out.extend_from_slice(h.as_bytes());
            if let Some(ext) = &self.extension {
                out.extend_from_slice(&ext.archive_timestamp.to_be_bytes());
                out.extend_from_slice(&ext.reserved.to_be_bytes());
            }
            out.extend_from_slice(self.body);
            Ok(())
        })
    }
}

impl Encode for Bundle<'_> {
    /// Re-encodes every inner message (each with its own header version and a recomputed
    /// length). The bytes of a member that does not frame (a skipped bad version, or the rest
    /// of the bundle after a length that overruns it) are written as they are, so what was
    /// decoded is what is written.
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_bundle_with_version(
            out,
            version,
            self.connection_id,
            self.sequence_number,
            |out| {
                let bytes = self.messages_bytes();
                let base = self.messages_offset();
                let mut written = 0usize;
                for m in self.messages().flatten() {
                    let at = m.offset().saturating_sub(base);
                    out.extend_from_slice(bytes.get(written..at).unwrap_or_default());
                    m.encode_with_version(m.version(), out)?;
                    written = at + MessageHeader::LEN + m.body().len();
                }
                out.extend_from_slice(bytes.get(written..).unwrap_or_default());
                Ok(())
            },
        )
    }
}

/// A framed message re-encodes as its header type and version with its body verbatim (the
/// length is recomputed, so it always equals the body length).
impl Encode for Message<'_> {
    fn encode_with_version(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        encode_message(out, version, self.message_type(), |out| {
            out.extend_from_slice(self.body());
            Ok(())
        })
    }
}

/// A decoded body re-encodes under the message type it was decoded from; pass that type for
/// [`Body::HostData`] and [`Body::Unknown`] (the other variants imply theirs).
pub fn encode_body(
    out: &mut Vec<u8>,
    version: u16,
    message_type: MessageType,
    body: &Body<'_>,
) -> Result<(), EncodeError> {
    match body {
        Body::Null => Null.encode_with_version(version, out),
        Body::Error(e) => e.encode_with_version(version, out),
        Body::EventStreamRequest(r) => r.encode_with_version(version, out),
        Body::EventData(d) => d.encode_with_version(version, out),
        Body::HostDataRequest(r) => r.encode_with_version(version, out),
        Body::HostData(d) => HostDataMessage {
            message_type,
            data: *d,
        }
        .encode_with_version(version, out),
        Body::StreamingRequest(r) => r.encode_with_version(version, out),
        Body::StreamingInformation(s) => s.encode_with_version(version, out),
        Body::Bundle(b) => b.encode_with_version(version, out),
        Body::Unknown(raw) => encode_message(out, version, message_type, |out| {
            out.extend_from_slice(raw);
            Ok(())
        }),
    }
}
