//! Text fields: bytes as sent, rendered lossily.
//!
//! eStreamer text is not declared to be in any charset, may or may not end with a NUL, and may
//! contain one (docs/protocol.md §11.5). A decoder must never reject a record for its text, so text is
//! kept as bytes and rendered on demand, with invalid UTF-8 replaced by U+FFFD.

use core::fmt;

/// A text field: the exact bytes from the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Text<'a>(pub &'a [u8]);

impl<'a> Text<'a> {
    /// The bytes exactly as sent.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The bytes without trailing NULs (a terminator some senders count in the length).
    pub fn trim_nul(&self) -> Text<'a> {
        let mut b = self.0;
        while let [rest @ .., 0] = b {
            b = rest;
        }
        Text(b)
    }

    /// True when the bytes are valid UTF-8 (rendering then replaces nothing).
    pub fn is_utf8(&self) -> bool {
        core::str::from_utf8(self.0).is_ok()
    }

    /// The text as `&str` when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.0).ok()
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.0.len()
    }

    /// True when empty.
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Lossy UTF-8: invalid sequences become U+FFFD. No allocation.
impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            if !chunk.invalid().is_empty() {
                f.write_str("\u{FFFD}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"")?;
        for chunk in self.0.utf8_chunks() {
            write!(f, "{}", chunk.valid().escape_debug())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        write!(f, "\"")
    }
}
