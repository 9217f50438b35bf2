//! Records out of a stream: every Event Data message, top-level or inside a Message Bundle,
//! decoded, with where it was found.
//!
//! [`Records`] walks a complete buffer; [`RecordReader`] (feature `std`) reads any
//! [`std::io::Read`] with the bounded memory of a [`MessageReader`](super::MessageReader).
//! Both yield the same items for the same bytes, however they arrive.
//!
//! Messages that carry no record (Null, requests, Streaming Information, host data, Error
//! messages) are passed over: use [`Messages`] to see them. Every error is yielded, with the
//! position it was found at, and decoding goes on wherever the framing allows: after a record
//! that does not decode, after a bundle member with a bad header version, after a top-level
//! message with a bad header version. Only a length that loses the framing ends the walk (a
//! bundle's, or the stream's).

use crate::error::{DecodeError, ErrorKind};
use crate::frame::{Body, Bundle, DecodeOptions, EventData, HeaderMode, Message, MessageType};
use crate::records::Record;

use super::Messages;

/// Where a record was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Position {
    /// Absolute stream offset of the Event Data message that carries the record (for a bundle
    /// member, of the member's own header).
    pub offset: usize,
    /// The bundle the record came in, if any.
    pub bundle: Option<InBundle>,
    /// The record header's archive timestamp, when the header has the extended form (request
    /// flag bit 23) and was decoded.
    pub archive_timestamp: Option<u32>,
}

/// A bundle member's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InBundle {
    /// The bundle's sequence number (1 for a session's first bundle).
    pub sequence_number: u32,
    /// The member's index in the bundle, from 0, counting every member.
    pub index: u32,
}

impl core::fmt::Display for Position {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "offset {}", self.offset)?;
        if let Some(b) = self.bundle {
            write!(f, " (bundle {} member {})", b.sequence_number, b.index)?;
        }
        Ok(())
    }
}

/// A decoded record and where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located<'a> {
    /// Where the record was found.
    pub position: Position,
    /// The Event Data message: record type, header, body bytes.
    pub event: EventData<'a>,
    /// The decoded record.
    pub record: Record<'a>,
}

/// A message or record that did not decode, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordError {
    /// Where the failing message starts (`archive_timestamp` is set when the record header
    /// decoded and the record's body did not).
    pub position: Position,
    /// What is wrong.
    pub error: DecodeError,
}

impl core::fmt::Display for RecordError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "message at {}: {}", self.position, self.error)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// One item: a record, or why there is none.
pub type RecordResult<'a> = Result<Located<'a>, RecordError>;

const fn at(offset: usize, bundle: Option<InBundle>) -> Position {
    Position {
        offset,
        bundle,
        archive_timestamp: None,
    }
}

/// Where a framing error is reported: at the frame it is about, which the error names (a bad
/// header version at the header, a length above the maximum at the length, 4 bytes in), except
/// `Incomplete` at the end of the stream, at the end of what arrived (`after`).
fn frame_error_at(error: &DecodeError, after: usize) -> usize {
    match *error {
        DecodeError::Incomplete { .. } => after,
        DecodeError::Invalid {
            offset,
            kind: ErrorKind::MessageTooLarge { .. },
            ..
        } => offset.saturating_sub(4),
        DecodeError::Invalid { offset, .. } => offset,
    }
}

/// The item of one message, `None` when it is not Event Data.
#[inline]
fn record_of<'a>(
    m: &Message<'a>,
    mode: HeaderMode,
    bundle: Option<InBundle>,
) -> Option<RecordResult<'a>> {
    if m.message_type() != MessageType::EVENT_DATA {
        return None;
    }
    Some(decode_event(m, mode, bundle))
}

/// Decodes an Event Data message's record.
#[inline]
fn decode_event<'a>(
    m: &Message<'a>,
    mode: HeaderMode,
    bundle: Option<InBundle>,
) -> RecordResult<'a> {
    let mut position = at(m.offset(), bundle);
    let event = match EventData::parse(m.body(), m.body_offset(), mode) {
        Ok(e) => e,
        Err(error) => return Err(RecordError { position, error }),
    };
    position.archive_timestamp = event.archive_timestamp();
    match Record::decode(&event) {
        Ok(record) => Ok(Located {
            position,
            event,
            record,
        }),
        Err(error) => Err(RecordError { position, error }),
    }
}

/// An open bundle: how far into its members the walk is.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Bytes of members already walked.
    skip: usize,
    /// Index of the next member.
    index: u32,
}

/// A bundle member that yields an item: an Event Data message, or the error of a member that
/// does not frame. Framed only, not decoded.
struct Found<'a> {
    member: Result<Message<'a>, DecodeError>,
    /// Bytes into the members where it starts.
    start: usize,
    index: u32,
}

/// The next member of `b` from `open` on that yields an item, and where the walk goes on after
/// it; `None` at the bundle's end.
#[inline]
fn find<'a>(b: &Bundle<'a>, open: Open) -> Option<(Found<'a>, Open)> {
    let mut it = b.messages_from(open.skip);
    let mut index = open.index;
    loop {
        let start = it.walked(b);
        let member = it.next()?;
        let next = Open {
            skip: it.walked(b),
            index: index.wrapping_add(1),
        };
        match member {
            Ok(m) if m.message_type() != MessageType::EVENT_DATA => index = next.index,
            member => {
                let found = Found {
                    member,
                    start,
                    index,
                };
                return Some((found, next));
            }
        }
    }
}

/// Decodes the member `find` found.
#[inline]
fn member<'a>(b: &Bundle<'a>, found: Found<'a>, mode: HeaderMode) -> RecordResult<'a> {
    let here = Some(InBundle {
        sequence_number: b.sequence_number,
        index: found.index,
    });
    match found.member {
        Ok(m) => decode_event(&m, mode, here),
        Err(error) => Err(RecordError {
            position: at(b.messages_offset() + found.start, here),
            error,
        }),
    }
}

/// What a top-level message gives: a record or an error now, a bundle to open, or nothing.
enum Top<'a> {
    Item(RecordResult<'a>),
    Bundle(Bundle<'a>),
    Nothing,
}

#[inline]
fn top<'a>(m: &Message<'a>, mode: HeaderMode) -> Top<'a> {
    if m.message_type() == MessageType::MESSAGE_BUNDLE {
        return match m.decode_body(mode) {
            Ok(Body::Bundle(b)) => Top::Bundle(b),
            Ok(_) => Top::Nothing,
            Err(error) => Top::Item(Err(RecordError {
                position: at(m.offset(), None),
                error,
            })),
        };
    }
    match record_of(m, mode, None) {
        Some(item) => Top::Item(item),
        None => Top::Nothing,
    }
}

/// Every record of a complete buffer, bundles opened.
///
/// Messages that carry no record (Null, requests, Streaming Information, host data, Error
/// messages) are passed over: use [`Messages`] to see them. Every error is yielded, with the
/// position it was found at, and decoding goes on wherever the framing allows: after a record
/// that does not decode, after a bundle member with a bad header version, after a top-level
/// message with a bad header version. Only a length that loses the framing ends the walk (a
/// bundle's, or the stream's).
///
/// The header mode is [`DecodeOptions::header_mode`].
///
/// ```
/// use estreamer_codec::{encode_message, DecodeOptions, MessageType, Record, Records};
/// // A Null message, then Event Data with a record of an unknown type (9999), 8-byte header.
/// let mut stream = vec![0u8, 1, 0, 0, 0, 0, 0, 0];
/// stream.extend_from_slice(&[0, 1, 0, 4, 0, 0, 0, 10]); // version 1, Event Data, length 10
/// stream.extend_from_slice(&[0, 0, 0x27, 0x0f, 0, 0, 0, 2, 0xab, 0xcd]); // type, length, body
/// let items: Vec<_> = Records::new(&stream, DecodeOptions::default()).collect();
/// assert_eq!(items.len(), 1);
/// let r = items[0].as_ref().unwrap();
/// assert_eq!(r.position.offset, 8);
/// assert!(matches!(r.record, Record::Unknown(t, b"\xab\xcd") if t.0 == 9999));
/// ```
#[derive(Debug, Clone)]
pub struct Records<'a> {
    messages: Messages<'a>,
    mode: HeaderMode,
    open: Option<(Bundle<'a>, Open)>,
}

impl<'a> Records<'a> {
    /// The records of `buf`, whose first byte is at stream offset 0.
    pub const fn new(buf: &'a [u8], opts: DecodeOptions) -> Self {
        Records {
            messages: Messages::new(buf, opts),
            mode: opts.header_mode,
            open: None,
        }
    }

    /// Offset of the next top-level message not yet decoded.
    pub const fn position(&self) -> usize {
        self.messages.position()
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = RecordResult<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((b, open)) = self.open {
                match find(&b, open) {
                    Some((found, next)) => {
                        self.open = Some((b, next));
                        return Some(member(&b, found, self.mode));
                    }
                    None => self.open = None,
                }
            }
            let m = match self.messages.next()? {
                Ok(m) => m,
                Err(error) => {
                    return Some(Err(RecordError {
                        position: at(frame_error_at(&error, self.messages.position()), None),
                        error,
                    }));
                }
            };
            match top(&m, self.mode) {
                Top::Item(item) => return Some(item),
                Top::Bundle(b) => self.open = Some((b, Open { skip: 0, index: 0 })),
                Top::Nothing => {}
            }
        }
    }
}

impl core::iter::FusedIterator for Records<'_> {}

#[cfg(feature = "std")]
pub use self::reader::RecordReader;

#[cfg(feature = "std")]
mod reader {
    use super::{Open, RecordResult, Top, find, member, top};
    use crate::error::{DecodeError, ErrorKind};
    use crate::frame::{Bundle, DecodeOptions, HeaderMode, Message, MessageType};
    use crate::stream::{MessageReader, ReadError};
    use std::io::Read;

    /// Every record of a [`Read`] stream, bundles opened, in the bounded memory of a
    /// [`MessageReader`]: the streaming form of [`Records`](super::Records), with the same
    /// items for the same bytes.
    ///
    /// Not an [`Iterator`]: each record borrows the reader's buffer until the next call.
    ///
    /// ```
    /// use estreamer_codec::{DecodeOptions, RecordReader};
    /// let stream: &[u8] = &[0, 1, 0, 4, 0, 0, 0, 8, 0, 0, 0x27, 0x0f, 0, 0, 0, 0];
    /// let mut records = RecordReader::new(stream, DecodeOptions::default());
    /// let mut n = 0;
    /// while let Some(item) = records.next_record().unwrap() {
    ///     let r = item.unwrap();
    ///     assert_eq!(r.event.record_type().0, 9999);
    ///     n += 1;
    /// }
    /// assert_eq!(n, 1);
    /// ```
    #[derive(Debug)]
    pub struct RecordReader<R> {
        reader: MessageReader<R>,
        mode: HeaderMode,
        /// The bundle being walked: its stream offset and body length, and how far.
        open: Option<(usize, usize, Open)>,
        /// Framing was lost: the reader would repeat its error.
        ended: bool,
    }

    impl<R: Read> RecordReader<R> {
        /// Reads the records of `reader`.
        pub fn new(reader: R, opts: DecodeOptions) -> Self {
            RecordReader {
                reader: MessageReader::new(reader, opts),
                mode: opts.header_mode,
                open: None,
                ended: false,
            }
        }

        /// Stream offset of the next top-level message not yet decoded.
        pub fn position(&self) -> usize {
            self.reader.position()
        }

        /// The underlying reader.
        pub fn into_inner(self) -> R {
            self.reader.into_inner()
        }

        fn bundle(&self, at: usize, len: usize) -> Option<Bundle<'_>> {
            match top(&self.reader.message_at(at, len)?, self.mode) {
                Top::Bundle(b) => Some(b),
                _ => None,
            }
        }

        fn message(&self, at: usize, len: usize) -> Option<Message<'_>> {
            self.reader.message_at(at, len)
        }

        /// The next record or decoding error, `Ok(None)` at the end of the stream, `Err` when
        /// reading fails (calling again reads on).
        pub fn next_record(&mut self) -> std::io::Result<Option<RecordResult<'_>>> {
            loop {
                if let Some((at, len, open)) = self.open {
                    // The member is framed twice, here and below, so that no borrow of the
                    // buffer is held across the read further down.
                    let found = self.bundle(at, len).and_then(|b| {
                        find(&b, open).map(|(f, next)| {
                            (
                                Open {
                                    skip: f.start,
                                    index: f.index,
                                },
                                next,
                            )
                        })
                    });
                    match found {
                        Some((here, next)) => {
                            self.open = Some((at, len, next));
                            let mode = self.mode;
                            return Ok(self
                                .bundle(at, len)
                                .and_then(|b| find(&b, here).map(|(f, _)| member(&b, f, mode))));
                        }
                        None => self.open = None,
                    }
                }
                if self.ended {
                    return Ok(None);
                }
                let (at, len, kind) = match self.reader.next_message() {
                    Ok(None) => return Ok(None),
                    Ok(Some(m)) => (m.offset(), m.body().len(), m.message_type()),
                    Err(ReadError::Io(e)) => return Err(e),
                    Err(ReadError::Decode(error)) => {
                        let offset = super::frame_error_at(&error, self.position());
                        // Only a bad header version leaves the framing intact (the policy of
                        // `stream`), as it ends `Messages` in the slice form.
                        self.ended = !matches!(
                            error,
                            DecodeError::Invalid {
                                kind: ErrorKind::UnsupportedHeaderVersion { .. },
                                ..
                            }
                        );
                        return Ok(Some(Err(super::RecordError {
                            position: super::at(offset, None),
                            error,
                        })));
                    }
                };
                let opens = kind == MessageType::MESSAGE_BUNDLE && self.bundle(at, len).is_some();
                if opens {
                    self.open = Some((at, len, Open { skip: 0, index: 0 }));
                } else if kind == MessageType::EVENT_DATA || kind == MessageType::MESSAGE_BUNDLE {
                    // A record, or a bundle whose header does not decode: its error.
                    return Ok(self
                        .message(at, len)
                        .and_then(|m| match top(&m, self.mode) {
                            Top::Item(item) => Some(item),
                            _ => None,
                        }));
                }
            }
        }
    }
}
