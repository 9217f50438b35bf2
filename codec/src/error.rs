//! Decode and encode errors.
//!
//! Decoding distinguishes two outcomes that a streaming caller must treat differently:
//!
//! * [`DecodeError::Incomplete`]: the buffer ends before the structure does. Not an error on a
//!   socket: read at least `needed` more bytes and try again.
//! * [`DecodeError::Invalid`]: these bytes can never decode. The error names what was wrong
//!   ([`ErrorKind`], which carries the violated bound) and where (`offset`, an absolute byte
//!   offset from the start of the buffer handed to the decoder, also for errors found inside a
//!   bundle or a nested structure). An error found inside a record layout also names the
//!   layout and the field ([`Location`]).
//!
//! Both are `Copy`, allocation-free and usable without `std`.

use core::fmt;

/// Why a byte sequence is not a valid eStreamer structure, with the bound it violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A message header whose version is not 1 (or, inside a bundle, not 0 or 1).
    ///
    /// FMC releases 6.1.0.3 to 6.2 have a known bug (Cisco bug ID CSCve44987) that makes the
    /// server send a wrong header version; the fix is an FMC upgrade.
    UnsupportedHeaderVersion {
        /// The version found on the wire.
        found: u16,
    },
    /// A declared message length above the decoder's configured maximum. Nothing was buffered.
    MessageTooLarge {
        /// The length the header declares (bytes after the 8-byte header).
        declared: u32,
        /// The configured maximum.
        max: u32,
    },
    /// A length field smaller than the fixed part it must cover.
    LengthTooSmall {
        /// The declared length.
        declared: u32,
        /// The smallest valid value.
        min: u32,
    },
    /// A length that runs past the end of the structure that contains it (a bundle's inner
    /// message, a streaming service, an error text, a block, a field). `declared` is the length
    /// field's value, or, for a fixed-size part that does not fit its parent (e.g. a record
    /// header in a 4-byte body), that part's size.
    LengthOverrun {
        /// The declared length.
        declared: u32,
        /// The bytes actually available for it in the parent.
        available: u32,
    },
    /// An Event Data record length that disagrees with the message length: the record header
    /// plus the record length must equal the message length exactly.
    RecordLengthMismatch {
        /// The Record Length field.
        record_length: u32,
        /// The message length (bytes after the message header).
        message_length: u32,
        /// The record header size the decoder expected (8 or 16), or 0 in
        /// [`HeaderMode::Auto`](crate::HeaderMode::Auto) when neither size fits.
        header_len: u8,
    },
    /// A fixed-size message body of the wrong size.
    BodyLength {
        /// The body length found.
        found: u32,
        /// The body length this message type requires.
        expected: u32,
    },
    /// Bytes left over after a structure that must fill its parent exactly.
    TrailingBytes {
        /// How many bytes are left over.
        count: u32,
    },
    /// A list of (version, event type) pairs whose size is not a multiple of 4.
    MisalignedEventTypeList {
        /// The size of the list in bytes.
        len: u32,
    },
    /// A Streaming Request service whose (version, event type) list lacks the (0, 0) terminator.
    /// (Entries after the terminator are [`ErrorKind::TrailingBytes`].)
    MissingTerminator,
    /// A Streaming Request or Streaming Information body whose service lengths fit neither the
    /// including nor the excluding convention (docs/protocol.md §4.2, §12 item 4).
    ServiceLength {
        /// The service length field of the first service that does not fit.
        declared: u32,
    },
    /// Blocks nested deeper than the decoder's cap ([`MAX_NESTING`](crate::block::MAX_NESTING)).
    NestingTooDeep {
        /// The cap.
        max: u8,
    },
    /// A nested block whose type is not the one its position requires (e.g. a String block
    /// field whose header does not say type 0).
    UnexpectedBlockType {
        /// The type found on the wire.
        found: u32,
        /// The type required.
        expected: u32,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ErrorKind::UnsupportedHeaderVersion { found } => write!(
                f,
                "unsupported message header version {found} (expected 1); FMC 6.1.0.3-6.2 sends \
                 wrong versions because of Cisco bug CSCve44987: upgrade the FMC"
            ),
            ErrorKind::MessageTooLarge { declared, max } => write!(
                f,
                "declared message length {declared} exceeds the configured maximum {max}"
            ),
            ErrorKind::LengthTooSmall { declared, min } => {
                write!(f, "declared length {declared} is below the minimum {min}")
            }
            ErrorKind::LengthOverrun {
                declared,
                available,
            } => write!(
                f,
                "declared length {declared} overruns its parent ({available} bytes available)"
            ),
            ErrorKind::RecordLengthMismatch {
                record_length,
                message_length,
                header_len: 0,
            } => write!(
                f,
                "record length {record_length} does not fit message length {message_length} \
                 with either an 8- or a 16-byte record header"
            ),
            ErrorKind::RecordLengthMismatch {
                record_length,
                message_length,
                header_len,
            } => write!(
                f,
                "record length {record_length} + {header_len}-byte record header != message \
                 length {message_length}"
            ),
            ErrorKind::BodyLength { found, expected } => {
                write!(f, "message body is {found} bytes, expected {expected}")
            }
            ErrorKind::TrailingBytes { count } => write!(f, "{count} trailing bytes"),
            ErrorKind::MisalignedEventTypeList { len } => write!(
                f,
                "event type list of {len} bytes is not a whole number of 4-byte entries"
            ),
            ErrorKind::MissingTerminator => write!(
                f,
                "event type list does not end with the (version 0, type 0) terminator"
            ),
            ErrorKind::ServiceLength { declared } => write!(
                f,
                "service length {declared} fits neither the including nor the excluding convention"
            ),
            ErrorKind::NestingTooDeep { max } => {
                write!(f, "blocks nested deeper than {max} levels")
            }
            ErrorKind::UnexpectedBlockType { found, expected } => {
                write!(f, "block type {found} where type {expected} is required")
            }
        }
    }
}

impl ErrorKind {
    /// A stable snake_case name for this kind, used in machine-readable output.
    pub const fn name(&self) -> &'static str {
        match self {
            ErrorKind::UnsupportedHeaderVersion { .. } => "unsupported_header_version",
            ErrorKind::MessageTooLarge { .. } => "message_too_large",
            ErrorKind::LengthTooSmall { .. } => "length_too_small",
            ErrorKind::LengthOverrun { .. } => "length_overrun",
            ErrorKind::RecordLengthMismatch { .. } => "record_length_mismatch",
            ErrorKind::BodyLength { .. } => "body_length",
            ErrorKind::TrailingBytes { .. } => "trailing_bytes",
            ErrorKind::MisalignedEventTypeList { .. } => "misaligned_event_type_list",
            ErrorKind::MissingTerminator => "missing_terminator",
            ErrorKind::ServiceLength { .. } => "service_length",
            ErrorKind::NestingTooDeep { .. } => "nesting_too_deep",
            ErrorKind::UnexpectedBlockType { .. } => "unexpected_block_type",
        }
    }
}

/// The error returned by every decoding function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// The input ends before the structure does: read at least `needed` more bytes.
    ///
    /// Only the outer framing (the 8-byte message header and the body it declares) is decoded in
    /// streaming mode; inside a complete message a field that overruns its parent is
    /// [`DecodeError::Invalid`].
    Incomplete {
        /// The exact number of further bytes needed to complete the structure being decoded.
        needed: usize,
    },
    /// The input can never decode.
    Invalid {
        /// Absolute byte offset of the offending field, from the start of the buffer given to
        /// the decoder.
        offset: usize,
        /// What is wrong, with the violated bound.
        kind: ErrorKind,
        /// The layout and field being decoded, when the error is inside a record layout (for
        /// a nested block, the innermost).
        location: Option<Location>,
    },
}

/// Where inside a record layout decoding failed: the layout's and the field's names, as in
/// [`Layout`](crate::layout::Layout) and the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    /// The layout (`intrusion_event_85`, `rule_message`, ...).
    pub layout: &'static str,
    /// The field.
    pub field: &'static str,
}

impl DecodeError {
    pub(crate) const fn invalid(offset: usize, kind: ErrorKind) -> Self {
        DecodeError::Invalid {
            offset,
            kind,
            location: None,
        }
    }

    /// The error, located in `field` of `layout` unless it already names a (nested, so more
    /// precise) location.
    #[cold]
    pub(crate) fn located(self, layout: &'static str, field: &'static str) -> Self {
        match self {
            DecodeError::Invalid {
                offset,
                kind,
                location: None,
            } => DecodeError::Invalid {
                offset,
                kind,
                location: Some(Location { layout, field }),
            },
            other => other,
        }
    }

    /// The layout and field of an [`Invalid`](DecodeError::Invalid) error found inside a
    /// record layout.
    pub const fn location(&self) -> Option<Location> {
        match self {
            DecodeError::Invalid { location, .. } => *location,
            DecodeError::Incomplete { .. } => None,
        }
    }

    /// The offset of an [`Invalid`](DecodeError::Invalid) error, `None` for `Incomplete`.
    pub const fn offset(&self) -> Option<usize> {
        match self {
            DecodeError::Incomplete { .. } => None,
            DecodeError::Invalid { offset, .. } => Some(*offset),
        }
    }

    /// The kind of an [`Invalid`](DecodeError::Invalid) error, `None` for `Incomplete`.
    pub const fn kind(&self) -> Option<ErrorKind> {
        match self {
            DecodeError::Incomplete { .. } => None,
            DecodeError::Invalid { kind, .. } => Some(*kind),
        }
    }

    /// True for [`DecodeError::Incomplete`].
    pub const fn is_incomplete(&self) -> bool {
        matches!(self, DecodeError::Incomplete { .. })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Incomplete { needed } => {
                write!(f, "incomplete input: {needed} more bytes needed")
            }
            DecodeError::Invalid {
                offset,
                kind,
                location: None,
            } => write!(f, "at byte offset {offset}: {kind}"),
            DecodeError::Invalid {
                offset,
                kind,
                location: Some(Location { layout, field }),
            } => write!(
                f,
                "at byte offset {offset}, field `{field}` of layout `{layout}`: {kind}"
            ),
        }
    }
}

impl core::error::Error for DecodeError {}

/// The error returned by encoders: the only thing that can go wrong is a length that does not
/// fit its wire field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// A computed length does not fit the field that carries it.
    LengthOverflow {
        /// The length that was computed.
        length: usize,
        /// The largest value the field holds.
        max: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::LengthOverflow { length, max } => {
                write!(f, "length {length} does not fit its field (max {max})")
            }
        }
    }
}

impl core::error::Error for EncodeError {}
