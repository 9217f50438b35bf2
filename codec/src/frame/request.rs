//! What a client asks for: the Event Stream Request (type 2, docs/protocol.md §3) and, in extended mode,
//! the Streaming Information the server offers (2051) and the Streaming Request that answers it
//! (2049, §4).

use super::flags::RequestFlags;
use super::types::InitialTimestamp;
use super::wire::{EventStreamRequestBody, EventTypeRequest, ServiceHeader};
use super::*;
use crate::error::{DecodeError, ErrorKind};
use crate::parse::{header_complete, sat32};

/// Event Stream Request (docs/protocol.md §3): where to start and what to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventStreamRequest {
    /// Where to start.
    pub initial_timestamp: InitialTimestamp,
    /// What to send.
    pub flags: RequestFlags,
}

impl EventStreamRequest {
    pub(super) fn parse(m: &Message<'_>) -> Result<Self, DecodeError> {
        let Ok(body) = zerocopy::FromBytes::ref_from_bytes(m.body) else {
            return Err(m.body_length_error(sat32(EventStreamRequestBody::LEN)));
        };
        let body: &EventStreamRequestBody = body;
        Ok(EventStreamRequest {
            initial_timestamp: InitialTimestamp::from_wire(body.initial_timestamp.get()),
            flags: RequestFlags(body.flags.get()),
        })
    }
}

/// What a service structure's Length field counts (docs/protocol.md §4.2, §12 item 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServiceLengthConvention {
    /// The length counts the whole service structure, including its 8 bytes of service ID and
    /// length: what the FireSIGHT field table says and what Cisco's client sends. Used when
    /// encoding by default.
    #[default]
    IncludingHeader,
    /// The length counts the bytes after the service ID and length fields: what the guide's
    /// worked example (Guide 5.3 p.61) shows.
    ExcludingHeader,
}

impl ServiceLengthConvention {
    /// Bytes the length field does not count.
    const fn uncounted(self) -> usize {
        match self {
            ServiceLengthConvention::IncludingHeader => 0,
            ServiceLengthConvention::ExcludingHeader => 8,
        }
    }

    /// A stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            ServiceLengthConvention::IncludingHeader => "including_header",
            ServiceLengthConvention::ExcludingHeader => "excluding_header",
        }
    }
}

/// One Streaming Service structure (docs/protocol.md §4.1): service ID, flags, initial timestamp and a
/// list of (version, event type) entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Service<'a> {
    /// Service ID (6667 = eStreamer).
    pub service_id: u32,
    /// 0 from the server; the request flags from the client.
    pub flags: u32,
    /// 0 from the server; the initial timestamp from the client.
    pub initial_timestamp: u32,
    /// The entries exactly as on the wire (in Streaming Information normally empty; a (0, 0)
    /// terminator, if present, is included).
    pub entries: &'a [EventTypeRequest],
}

/// Validates a list of services filling `body` exactly, in one convention, and returns the
/// convention. Tries the including convention first (Cisco's client), then the excluding one.
fn service_convention(body: &[u8], base: usize) -> Result<ServiceLengthConvention, DecodeError> {
    let mut first_error = None;
    for conv in [
        ServiceLengthConvention::IncludingHeader,
        ServiceLengthConvention::ExcludingHeader,
    ] {
        match walk_services(body, base, conv, |_| Ok(())) {
            Ok(()) => return Ok(conv),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(DecodeError::invalid(
        base,
        ErrorKind::ServiceLength { declared: 0 },
    )))
}

/// Walks services filling `body`, calling `f` on each. Errors carry absolute offsets.
fn walk_services<'a>(
    body: &'a [u8],
    base: usize,
    conv: ServiceLengthConvention,
    mut f: impl FnMut(Service<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut pos = 0usize;
    let mut rest = body;
    while !rest.is_empty() {
        let at = base + pos;
        let (h, after) = header_complete::<ServiceHeader>(rest, at)?;
        let declared = h.length.get();
        let total = usize::try_from(declared)
            .ok()
            .and_then(|l| l.checked_add(conv.uncounted()))
            .filter(|&t| t >= ServiceHeader::LEN && t <= rest.len())
            .ok_or(DecodeError::invalid(
                at + 4,
                ErrorKind::ServiceLength { declared },
            ))?;
        let list = after
            .get(..total - ServiceHeader::LEN)
            .ok_or(DecodeError::invalid(
                at + 4,
                ErrorKind::ServiceLength { declared },
            ))?;
        let entries = event_type_list(list, at + ServiceHeader::LEN)?;
        f(Service {
            service_id: h.service_id.get(),
            flags: h.flags.get(),
            initial_timestamp: h.initial_timestamp.get(),
            entries,
        })?;
        rest = rest.get(total..).unwrap_or_default();
        pos += total;
    }
    Ok(())
}

fn event_type_list(list: &[u8], offset: usize) -> Result<&[EventTypeRequest], DecodeError> {
    <[EventTypeRequest] as zerocopy::FromBytes>::ref_from_bytes(list).map_err(|_| {
        DecodeError::invalid(
            offset,
            ErrorKind::MisalignedEventTypeList {
                len: sat32(list.len()),
            },
        )
    })
}

/// Streaming Information (type 2051, docs/protocol.md §4.1): the services the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamingInformation<'a> {
    body: &'a [u8],
    convention: ServiceLengthConvention,
}

impl<'a> StreamingInformation<'a> {
    pub(super) fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let convention = service_convention(body, base)?;
        Ok(StreamingInformation { body, convention })
    }

    /// The length convention the services use (decided per message; both are accepted).
    pub const fn convention(&self) -> ServiceLengthConvention {
        self.convention
    }

    /// The services, in wire order (validated when the message was decoded).
    pub fn services(&self) -> Services<'a> {
        Services {
            rest: self.body,
            convention: self.convention,
        }
    }

    /// The eStreamer service (6667), if offered.
    pub fn estreamer_service(&self) -> Option<Service<'a>> {
        self.services()
            .find(|s| s.service_id == ESTREAMER_SERVICE_ID)
    }
}

/// Iterator over the services of a validated [`StreamingInformation`].
#[derive(Debug, Clone)]
pub struct Services<'a> {
    rest: &'a [u8],
    convention: ServiceLengthConvention,
}

impl<'a> Iterator for Services<'a> {
    type Item = Service<'a>;

    fn next(&mut self) -> Option<Service<'a>> {
        // The list was validated at construction; any inconsistency simply ends the iteration.
        let (h, after) = zerocopy::FromBytes::ref_from_prefix(self.rest).ok()?;
        let h: &ServiceHeader = h;
        let total = usize::try_from(h.length.get())
            .ok()?
            .checked_add(self.convention.uncounted())?;
        let list = after.get(..total.checked_sub(ServiceHeader::LEN)?)?;
        let entries = <[EventTypeRequest] as zerocopy::FromBytes>::ref_from_bytes(list).ok()?;
        self.rest = self.rest.get(total..)?;
        Some(Service {
            service_id: h.service_id.get(),
            flags: h.flags.get(),
            initial_timestamp: h.initial_timestamp.get(),
            entries,
        })
    }
}

impl core::iter::FusedIterator for Services<'_> {}

/// Streaming Request (type 2049, docs/protocol.md §4.2): one service (6667) with the request flags,
/// initial timestamp and the (version, event type) entries asked for.
///
/// Decoding accepts both length conventions and requires exactly one service whose list ends
/// with the (0, 0) terminator; `entries` excludes the terminator. Encoding writes the terminator
/// and the convention in `convention` (including by default, as Cisco's client does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamingRequest<'a> {
    /// Service ID (6667).
    pub service_id: u32,
    /// Copy of the Event Stream Request's flags.
    pub flags: RequestFlags,
    /// Copy of the Event Stream Request's initial timestamp.
    pub initial_timestamp: InitialTimestamp,
    /// The requests, without the terminator.
    pub entries: &'a [EventTypeRequest],
    /// The Service Length convention.
    pub convention: ServiceLengthConvention,
}

impl<'a> StreamingRequest<'a> {
    /// A request for service 6667, in the including convention.
    pub const fn new(
        flags: RequestFlags,
        initial_timestamp: InitialTimestamp,
        entries: &'a [EventTypeRequest],
    ) -> Self {
        StreamingRequest {
            service_id: ESTREAMER_SERVICE_ID,
            flags,
            initial_timestamp,
            entries,
            convention: ServiceLengthConvention::IncludingHeader,
        }
    }

    pub(super) fn parse(body: &'a [u8], base: usize) -> Result<Self, DecodeError> {
        let (h, _) = header_complete::<ServiceHeader>(body, base)?;
        let declared = h.length.get();
        let total = body.len();
        let convention = match usize::try_from(declared) {
            Ok(l) if l == total => ServiceLengthConvention::IncludingHeader,
            Ok(l) if l.checked_add(8) == Some(total) => ServiceLengthConvention::ExcludingHeader,
            _ => {
                return Err(DecodeError::invalid(
                    base + 4,
                    ErrorKind::ServiceLength { declared },
                ));
            }
        };
        let list_offset = base + ServiceHeader::LEN;
        let list = body.get(ServiceHeader::LEN..).unwrap_or_default();
        let all = event_type_list(list, list_offset)?;
        let Some(term) = all.iter().position(EventTypeRequest::is_terminator) else {
            return Err(DecodeError::invalid(
                base + total,
                ErrorKind::MissingTerminator,
            ));
        };
        let after = all.len() - term - 1;
        if after != 0 {
            return Err(DecodeError::invalid(
                list_offset + (term + 1) * EventTypeRequest::LEN,
                ErrorKind::TrailingBytes {
                    count: sat32(after * EventTypeRequest::LEN),
                },
            ));
        }
        Ok(StreamingRequest {
            service_id: h.service_id.get(),
            flags: RequestFlags(h.flags.get()),
            initial_timestamp: InitialTimestamp::from_wire(h.initial_timestamp.get()),
            entries: all.get(..term).unwrap_or_default(),
            convention,
        })
    }
}
