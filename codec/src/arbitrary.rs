//! `Arbitrary` for the encodable structures (feature `arbitrary`), for structured fuzzing and
//! property tests: every generated value is one the encoder accepts, so
//! `decode(encode(value)) == value` must hold for all of them.

use arbitrary::{Arbitrary, Result, Unstructured};
use zerocopy::FromBytes;
use zerocopy::byteorder::big_endian::U16;

use crate::frame::RequestFlags;
use crate::frame::wire::EventTypeRequest;
use crate::frame::{
    ErrorMessage, EventData, EventStreamRequest, HostData, HostDataRequest, Service,
    ServiceLengthConvention, StreamingRequest,
};
use crate::frame::{EventCode, InitialTimestamp, MessageType, RecordType};
use crate::values::Text;

macro_rules! newtype_arbitrary {
    ($($ty:ident($int:ty)),*) => {$(
        impl<'a> Arbitrary<'a> for $ty {
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                Ok($ty(<$int>::arbitrary(u)?))
            }
        }
    )*};
}

newtype_arbitrary!(
    RequestFlags(u32),
    MessageType(u16),
    RecordType(u32),
    EventCode(u16)
);

impl<'a> Arbitrary<'a> for InitialTimestamp {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(InitialTimestamp::from_wire(u32::arbitrary(u)?))
    }
}

impl<'a> Arbitrary<'a> for EventTypeRequest {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(EventTypeRequest {
            version: U16::new(u16::arbitrary(u)?),
            code: U16::new(u16::arbitrary(u)?),
        })
    }
}

impl<'a> Arbitrary<'a> for EventStreamRequest {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(EventStreamRequest {
            initial_timestamp: InitialTimestamp::arbitrary(u)?,
            flags: RequestFlags::arbitrary(u)?,
        })
    }
}

impl<'a> Arbitrary<'a> for HostDataRequest {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(HostDataRequest {
            data_type: u32::arbitrary(u)?,
            flags: u32::arbitrary(u)?,
            start_address: <[u8; 4]>::arbitrary(u)?,
            end_address: <[u8; 4]>::arbitrary(u)?,
        })
    }
}

impl<'a> Arbitrary<'a> for ErrorMessage<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let code = i32::arbitrary(u)?;
        let len = u.int_in_range(0..=usize::from(u16::MAX))?.min(u.len());
        Ok(ErrorMessage {
            code,
            text: Text(u.bytes(len)?),
        })
    }
}

impl<'a> Arbitrary<'a> for HostData<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let block_type = u32::arbitrary(u)?;
        Ok(HostData {
            block_type,
            data: <&'a [u8]>::arbitrary(u)?,
        })
    }
}

impl<'a> Arbitrary<'a> for EventData<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let record_type_word = u32::arbitrary(u)?;
        let extension = if bool::arbitrary(u)? {
            Some((u32::arbitrary(u)?, u32::arbitrary(u)?))
        } else {
            None
        };
        let body = <&'a [u8]>::arbitrary(u)?;
        let mut d = match extension {
            Some((archive_timestamp, reserved)) => {
                EventData::extended(RecordType(0), archive_timestamp, reserved, body)
            }
            None => EventData::standard(RecordType(0), body),
        };
        d.record_type_word = record_type_word;
        Ok(d)
    }
}

/// Up to `max` (version, event type) entries borrowed from the fuzzer's bytes.
fn entries<'a>(u: &mut Unstructured<'a>, max: usize) -> Result<&'a [EventTypeRequest]> {
    let n = u
        .int_in_range(0..=max)?
        .min(u.len() / EventTypeRequest::LEN);
    let bytes = u.bytes(n * EventTypeRequest::LEN)?;
    <[EventTypeRequest]>::ref_from_bytes(bytes).map_err(|_| arbitrary::Error::IncorrectFormat)
}

impl<'a> Arbitrary<'a> for ServiceLengthConvention {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(if bool::arbitrary(u)? {
            ServiceLengthConvention::IncludingHeader
        } else {
            ServiceLengthConvention::ExcludingHeader
        })
    }
}

impl<'a> Arbitrary<'a> for StreamingRequest<'a> {
    /// The entries stop before any (0, 0) pair: inside a request it would be the terminator.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let all = entries(u, 64)?;
        let end = all
            .iter()
            .position(EventTypeRequest::is_terminator)
            .unwrap_or(all.len());
        Ok(StreamingRequest {
            service_id: u32::arbitrary(u)?,
            flags: RequestFlags::arbitrary(u)?,
            initial_timestamp: InitialTimestamp::arbitrary(u)?,
            entries: all.get(..end).unwrap_or_default(),
            convention: ServiceLengthConvention::arbitrary(u)?,
        })
    }
}

impl<'a> Arbitrary<'a> for Service<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Service {
            service_id: u32::arbitrary(u)?,
            flags: u32::arbitrary(u)?,
            initial_timestamp: u32::arbitrary(u)?,
            entries: entries(u, 16)?,
        })
    }
}
