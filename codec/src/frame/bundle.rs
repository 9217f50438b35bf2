//! The Message Bundle (type 4002, docs/protocol.md §4.4): many messages in one, acknowledged with one
//! Null.

use super::wire::{BundleHeader, MessageHeader};
use super::*;
use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_complete, sat32};

/// Message Bundle (type 4002, docs/protocol.md §4.4): connection ID, sequence number and complete
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

    pub(super) fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
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

impl<'a> Bundle<'a> {
    /// The inner messages from `skip` bytes into them on (a member boundary).
    pub(crate) fn messages_from(&self, skip: usize) -> BundleMessages<'a> {
        BundleMessages {
            rest: self.messages.get(skip..).unwrap_or_default(),
            offset: self.messages_offset + skip.min(self.messages.len()),
        }
    }
}

impl BundleMessages<'_> {
    /// Bytes of `b`'s members walked so far (all of them once the walk is over).
    pub(crate) const fn walked(&self, b: &Bundle<'_>) -> usize {
        if self.rest.is_empty() {
            b.messages.len()
        } else {
            self.offset - b.messages_offset
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
