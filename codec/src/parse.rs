//! Internal parsing helpers: zerocopy views under nom, with errors mapped to [`DecodeError`].
//!
//! nom stays an implementation detail: the public API returns this crate's errors only.

use nom::Parser;
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

use crate::error::{DecodeError, ErrorKind};

/// nom parser for a fixed zerocopy layout, in streaming mode: a short input is
/// `Incomplete(exact shortfall)`.
pub(crate) fn zc<'a, H>(i: &'a [u8]) -> nom::IResult<&'a [u8], &'a H, ()>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned + 'a,
{
    match H::ref_from_prefix(i) {
        Ok((h, rest)) => Ok((rest, h)),
        Err(_) => Err(nom::Err::Incomplete(nom::Needed::new(
            core::mem::size_of::<H>().saturating_sub(i.len()),
        ))),
    }
}

/// Streaming `take(n)`: a short input is `Incomplete(exact shortfall)`.
pub(crate) fn take_streaming(i: &[u8], n: usize) -> Result<(&[u8], &[u8]), DecodeError> {
    match nom::bytes::streaming::take::<usize, &[u8], ()>(n).parse(i) {
        Ok((rest, taken)) => Ok((rest, taken)),
        Err(nom::Err::Incomplete(nom::Needed::Size(needed))) => Err(DecodeError::Incomplete {
            needed: needed.get(),
        }),
        Err(_) => Err(DecodeError::Incomplete {
            needed: n.saturating_sub(i.len()),
        }),
    }
}

/// A fixed layout at the start of `i`, in streaming mode.
pub(crate) fn header_streaming<'a, H>(i: &'a [u8]) -> Result<(&'a H, &'a [u8]), DecodeError>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned + 'a,
{
    match zc::<H>(i) {
        Ok((rest, h)) => Ok((h, rest)),
        Err(nom::Err::Incomplete(nom::Needed::Size(n))) => {
            Err(DecodeError::Incomplete { needed: n.get() })
        }
        Err(_) => Err(DecodeError::Incomplete {
            needed: core::mem::size_of::<H>().saturating_sub(i.len()),
        }),
    }
}

/// A fixed layout at the start of `i` inside a complete parent: a short input is an overrun of
/// the parent, reported at `offset` (where the layout starts).
pub(crate) fn header_complete<'a, H>(
    i: &'a [u8],
    offset: usize,
) -> Result<(&'a H, &'a [u8]), DecodeError>
where
    H: FromBytes + KnownLayout + Immutable + Unaligned + 'a,
{
    nom::combinator::complete(zc::<H>)
        .parse(i)
        .map(|(rest, h)| (h, rest))
        .map_err(|_| {
            DecodeError::invalid(
                offset,
                ErrorKind::LengthOverrun {
                    declared: sat32(core::mem::size_of::<H>()),
                    available: sat32(i.len()),
                },
            )
        })
}

/// Saturating usize -> u32 for error bounds.
pub(crate) fn sat32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
