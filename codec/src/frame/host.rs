//! Host Data Request (type 5) and the host data that answers it (types 6 and 7; docs/protocol.md §5.3).

use super::wire::{BlockHeader, HostRequestBody};
use super::*;
use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_complete, sat32};

/// Host Data Request (docs/protocol.md §5.3, with the Guide 5.3 4-byte addresses; §12 item 13).
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
    pub(super) fn parse(m: &Message<'_>) -> Result<Self, DecodeError> {
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

/// Single / Multiple Host Data body (docs/protocol.md §5.3): one Full Host Profile block, kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostData<'a> {
    /// Block type of the host profile block.
    pub block_type: u32,
    /// The block's data after its 8-byte header.
    pub data: &'a [u8],
}

impl<'a> HostData<'a> {
    pub(super) fn parse(b: &'a [u8], base: usize) -> Result<Self, DecodeError> {
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
