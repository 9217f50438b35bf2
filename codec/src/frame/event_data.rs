//! Event Data (type 4, docs/protocol.md §6): the record header, standard or extended, and the body.

use super::types::RecordType;
use super::wire::{RecordHeader, RecordHeaderExtension};
use super::*;
use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_complete, sat32};

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

/// The two words the extended record header adds (docs/protocol.md §6.2), as native integers (the wire
/// layout is [`RecordHeaderExtension`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Extension {
    /// UNIX seconds when the FMC archived the event; 0 for FMC-generated data.
    pub archive_timestamp: u32,
    /// Reserved (eNcore's `checksum`), kept verbatim.
    pub reserved: u32,
}

/// Event Data (type 4, docs/protocol.md §6): exactly one record, its header and its body (borrowed).
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
