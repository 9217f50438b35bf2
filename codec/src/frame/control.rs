//! The Error message (type 1, docs/protocol.md §5.2); the Null message (type 0) has no body.

use super::wire::ErrorHeader;
use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_complete, sat32};
use crate::values::Text;

/// Error message body (docs/protocol.md §5.2): a signed code and a text that may be empty, may end in a
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

    pub(super) fn parse(b: &'a [u8], base: usize) -> Result<Self, DecodeError> {
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
