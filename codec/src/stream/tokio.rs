//! [`tokio_util::codec`] support (feature `tokio`): frame eStreamer messages on an async stream.

use std::io;
use std::vec::Vec;

use bytes::{Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::error::{DecodeError, EncodeError};
use crate::frame::encode::Encode;
use crate::frame::wire::MessageHeader;
use crate::frame::{DecodeOptions, Message, decode_message};

/// Largest single buffer reservation the decoder makes while waiting for a body.
const RESERVE_STEP: usize = 64 * 1024;

/// One framed message that owns its bytes (header and body), as yielded by [`EstreamerCodec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedMessage {
    frame: Bytes,
    offset: usize,
}

impl OwnedMessage {
    /// The whole frame: header and body.
    pub fn frame(&self) -> &Bytes {
        &self.frame
    }

    /// Stream offset of the frame's first byte.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// A borrowed view, for [`Message::decode_body`].
    pub fn message(&self) -> Message<'_> {
        match <MessageHeader as zerocopy::FromBytes>::ref_from_prefix(&self.frame) {
            Ok((header, body)) => Message::new(header, body, self.offset),
            // The frame was validated when it was split off; an 8-byte header is always there.
            Err(_) => Message::new(&EMPTY_HEADER, &[], self.offset),
        }
    }
}

static EMPTY_HEADER: MessageHeader = MessageHeader {
    version: zerocopy::byteorder::big_endian::U16::ZERO,
    message_type: zerocopy::byteorder::big_endian::U16::ZERO,
    length: zerocopy::byteorder::big_endian::U32::ZERO,
};

/// Error of [`EstreamerCodec`].
#[derive(Debug)]
pub enum CodecError {
    /// The transport failed.
    Io(io::Error),
    /// The bytes do not decode.
    Decode(DecodeError),
    /// A message could not be encoded.
    Encode(EncodeError),
}

impl core::fmt::Display for CodecError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CodecError::Io(e) => write!(f, "i/o error: {e}"),
            CodecError::Decode(e) => write!(f, "decode error: {e}"),
            CodecError::Encode(e) => write!(f, "encode error: {e}"),
        }
    }
}

impl std::error::Error for CodecError {}

impl From<io::Error> for CodecError {
    fn from(e: io::Error) -> Self {
        CodecError::Io(e)
    }
}

/// Frames messages for `tokio_util::codec::{FramedRead, FramedWrite, Framed}`.
///
/// Decoding checks the header version and the maximum length as soon as a header is buffered,
/// so a hostile length never makes the buffer grow; any decode error is fatal for the stream.
/// Encoding accepts anything that implements [`Encode`].
#[derive(Debug, Clone, Default)]
pub struct EstreamerCodec {
    opts: DecodeOptions,
    position: usize,
}

impl EstreamerCodec {
    /// A codec with these options.
    pub fn new(opts: DecodeOptions) -> Self {
        EstreamerCodec { opts, position: 0 }
    }
}

impl Decoder for EstreamerCodec {
    type Item = OwnedMessage;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<OwnedMessage>, CodecError> {
        let used = match decode_message(src, &self.opts) {
            Ok((_, used)) => used,
            Err(DecodeError::Incomplete { needed }) => {
                // Grow in bounded steps: a declared length (already checked against the
                // maximum) must not by itself make the buffer allocate megabytes.
                src.reserve(needed.min(RESERVE_STEP));
                return Ok(None);
            }
            Err(DecodeError::Invalid {
                offset,
                kind,
                location,
            }) => {
                return Err(CodecError::Decode(DecodeError::Invalid {
                    offset: self.position + offset,
                    kind,
                    location,
                }));
            }
        };
        let frame = src.split_to(used).freeze();
        let offset = self.position;
        self.position += used;
        Ok(Some(OwnedMessage { frame, offset }))
    }
}

impl<T: Encode> Encoder<T> for EstreamerCodec {
    type Error = CodecError;

    fn encode(&mut self, item: T, dst: &mut BytesMut) -> Result<(), CodecError> {
        let mut v = Vec::new();
        item.encode(&mut v).map_err(CodecError::Encode)?;
        dst.extend_from_slice(&v);
        Ok(())
    }
}
