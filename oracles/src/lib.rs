//! Fuzz oracles: one function per target of the `fuzz/` crate, each asserting a property of the
//! codec on arbitrary input, not only that it does not panic (STYLE.md §3.9, habits 2-4).
//!
//! | target | property |
//! |---|---|
//! | [`decode_message`] | whatever decodes (messages, bundle members, records) re-encodes to exactly the bytes it came from; every error lies inside the structure it is about |
//! | [`roundtrip_values`] | `decode(encode(v)) == v` for values built by the `Arbitrary` impls (feature `arbitrary`) |
//! | [`stream_chunks`] | `StreamDecoder`, `MessageReader` and `RecordReader` fed in pieces yield what one-shot `Messages` and `Records` yield |
//! | [`metadata_render`] | rendering never invents a SID; the cache survives snapshot and reload |
//! | [`layouts`] | every catalogued record type: typed views agree with the generic walker, and what decodes re-encodes bit-exact |
//! | [`session`] | the client session fed any server bytes: sends only client messages in order, acknowledges each bundle once, reports why it ended |
//!
//! The same functions run under `cargo test` on stable over every `testdata` vector and every
//! file of `testdata/regressions/` (the tests at the end of this file), so a crash found by the
//! fuzzer and committed there stays fixed.
//!
//! Memory: decoding is zero-copy; the oracles allocate only re-encodings (each no longer than
//! the bytes it reproduces), owned copies of yielded messages, the stream decoder's buffer (at
//! most the bytes fed plus one 64 KiB read) and metadata strings (lossy UTF-8: at most 3 bytes
//! per input byte). An input of n bytes therefore allocates O(n) + 64 KiB, whatever lengths it
//! declares; the fuzz runs enforce this with `-malloc_limit_mb` (see `fuzz/README.md`).

// The oracles exist to panic when a property fails. They live in this crate of their own, not in
// the codec, so the codec library holds no panicking code at all (STYLE.md §3.9 puts them in the
// codec behind a cfg; the project's no-panic rule for codec/ wins).
#![forbid(unsafe_code)]
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{self, Read};
use std::vec::Vec;

use estreamer_codec::Record;
use estreamer_codec::block::{Block, Blocks};
use estreamer_codec::frame::wire::{BundleHeader, MessageHeader};
use estreamer_codec::layout::{self, Layout, Nested, TypedView, Value};
use estreamer_codec::records;
use estreamer_codec::records::catalogue::{self, Shape};
use estreamer_codec::{
    Body, DecodeError, DecodeOptions, ErrorKind, EventData, HeaderMode, Message, MessageReader,
    MessageType, Messages, ReadError, RecordReader, RecordType, Records, StreamDecoder,
    encode_body,
};

const MODES: [HeaderMode; 3] = [HeaderMode::Auto, HeaderMode::Standard, HeaderMode::Extended];

/// The bytes of a framed message in `data`, checked against the message view: its header, and
/// its body as the very slice the view holds (offsets are absolute in `data`).
fn frame_bytes<'a>(data: &'a [u8], m: &Message<'_>) -> &'a [u8] {
    let len = MessageHeader::LEN + m.body().len();
    assert_eq!(m.length() as usize, m.body().len(), "{m:?}: length field");
    let raw = data
        .get(m.offset()..)
        .and_then(|r| r.get(..len))
        .unwrap_or_else(|| panic!("{m:?} lies outside the {}-byte input", data.len()));
    assert_eq!(
        &raw[..MessageHeader::LEN],
        zerocopy::IntoBytes::as_bytes(m.header()),
        "{m:?}: header is not at its offset"
    );
    assert!(
        core::ptr::eq(raw[MessageHeader::LEN..].as_ptr(), m.body().as_ptr()),
        "{m:?}: body is not at body_offset()"
    );
    raw
}

/// An `Invalid` error must point inside `[lo, hi]`, the structure it is about (`hi` included:
/// a missing terminator or a short fixed part is reported where it should have been).
#[track_caller]
fn assert_within(e: &DecodeError, lo: usize, hi: usize, what: &str) {
    if let DecodeError::Invalid { offset, .. } = e {
        assert!(
            (lo..=hi).contains(offset),
            "{what}: error {e:?} outside its structure [{lo}, {hi}]"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// decode_message

/// Target `decode_message`: frames `data` with [`Messages`] and decodes every body in every
/// header mode, recursing into bundles and decoding every Event Data record with
/// [`Record::decode`]. Whatever decodes must re-encode to exactly the bytes it was decoded from
/// (messages through [`encode_body`] with their own version and type, records through
/// [`Record::encode_body`]); every field of a decoded record must walk; every error must lie
/// inside the input and inside the structure it is about.
pub fn decode_message(data: &[u8]) {
    let opts = DecodeOptions::default();
    // The framing function agrees with the iterator's first item.
    let first = Messages::new(data, opts).next();
    let framed = estreamer_codec::decode_message(data, &opts);
    match (&first, &framed) {
        (None, Err(DecodeError::Incomplete { needed: 8 })) => assert!(data.is_empty()),
        (Some(Ok(a)), Ok((b, used))) => {
            assert_eq!(a, b);
            assert_eq!(*used, MessageHeader::LEN + a.body().len());
        }
        (Some(Err(a)), Err(b)) => assert_eq!(a, b),
        _ => panic!("decode_message gave {framed:?}, Messages {first:?}"),
    }

    let mut work: Vec<Message<'_>> = Vec::new();
    let mut end = 0;
    for item in Messages::new(data, opts) {
        match item {
            Ok(m) => {
                frame_bytes(data, &m);
                assert!(m.offset() >= end, "{m:?} overlaps the message before");
                end = m.offset() + MessageHeader::LEN + m.body().len();
                work.push(m);
            }
            Err(DecodeError::Invalid { offset, kind, .. }) => {
                assert!(offset < data.len(), "framing error {kind:?} at {offset}");
            }
            Err(DecodeError::Incomplete { needed }) => assert!(needed > 0),
        }
    }
    // Bundles push their members: an explicit stack, so nesting depth costs no call stack.
    while let Some(m) = work.pop() {
        check_message(data, &m, &mut work);
    }
}

fn check_message<'a>(data: &'a [u8], m: &Message<'a>, work: &mut Vec<Message<'a>>) {
    let raw = frame_bytes(data, m);
    let (lo, hi) = (m.offset(), m.offset() + raw.len());
    let mut results = Vec::with_capacity(MODES.len());
    for mode in MODES {
        let result = m.decode_body(mode);
        match &result {
            Ok(body) => {
                let mut out = Vec::new();
                encode_body(&mut out, m.version(), m.message_type(), body)
                    .unwrap_or_else(|e| panic!("{m:?}: decoded body does not encode: {e}"));
                assert_eq!(out, raw, "{m:?} ({mode:?}) re-encodes differently");
            }
            Err(e) => assert_within(e, lo, hi, "message body"),
        }
        results.push(result);
        if m.message_type() != MessageType::EVENT_DATA {
            // The header mode only matters for Event Data.
            break;
        }
    }
    match results.first() {
        Some(Ok(Body::EventData(ed))) => {
            // A strict mode succeeds only with its own header form, and then as Auto does.
            for (mode, r) in MODES.iter().zip(&results).skip(1) {
                let form_fits = match mode {
                    HeaderMode::Standard => ed.extension.is_none(),
                    _ => ed.extension.is_some(),
                };
                match r {
                    Ok(b) => assert_eq!(b, &Body::EventData(*ed), "{mode:?} vs Auto"),
                    Err(e) => assert!(!form_fits, "{mode:?} rejects what Auto reads: {e:?}"),
                }
            }
            check_event_data(data, ed);
        }
        Some(Err(_)) => {
            for r in results.iter().skip(1) {
                assert!(r.is_err(), "a strict mode decodes what Auto rejects: {r:?}");
            }
        }
        Some(Ok(Body::Bundle(b))) => {
            let body_lo = m.body_offset() + BundleHeader::LEN;
            // After a member whose framing is lost (its length) nothing more comes; after a
            // member with a bad version only (its length intact) the walk goes on past it.
            let mut lost = false;
            let mut next_at = body_lo;
            for inner in b.messages() {
                assert!(!lost, "bundle iterator goes on after the framing was lost");
                match inner {
                    Ok(im) => {
                        frame_bytes(data, &im);
                        assert!(im.offset() >= next_at && im.offset() < hi, "{im:?}");
                        assert!(im.version() <= 1, "{im:?}");
                        next_at = im.offset() + MessageHeader::LEN + im.body().len();
                        work.push(im);
                    }
                    Err(e) => {
                        assert_within(&e, body_lo, hi, "bundle member");
                        match e {
                            DecodeError::Invalid {
                                offset,
                                kind: ErrorKind::UnsupportedHeaderVersion { .. },
                                ..
                            } => {
                                assert!(offset >= next_at, "{e:?} before {next_at}");
                                next_at = offset + MessageHeader::LEN;
                            }
                            _ => lost = true,
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn check_event_data(data: &[u8], ed: &EventData<'_>) {
    let lo = ed.body_offset();
    let hi = lo + ed.body.len();
    let at = data.get(lo..hi).expect("record body inside the input");
    assert!(core::ptr::eq(at.as_ptr(), ed.body.as_ptr()), "body_offset");
    match Record::decode(ed) {
        Ok(rec) => check_record(&rec, ed.body),
        Err(e) => assert_within(&e, lo, hi, "record"),
    }
}

/// A decoded record: re-encodes to `body`, walks, and its typed views agree with the walker.
fn check_record(rec: &Record<'_>, body: &[u8]) {
    let mut out = Vec::new();
    rec.encode_body(&mut out)
        .unwrap_or_else(|e| panic!("{rec:?} does not encode: {e}"));
    assert_eq!(out, body, "{rec:?} re-encodes differently");
    if let Some(p) = rec.prefix() {
        check_parts(p.layout, p.bytes, p.offset);
    }
    match (rec.parts(), rec.raw_block()) {
        (Some(p), None) => {
            check_parts(p.layout, p.bytes, p.offset);
        }
        (None, Some(b)) => assert_eq!(b.length(), b.whole().len()),
        (None, None) => assert!(matches!(rec, Record::Unknown(..)), "{rec:?}"),
        (Some(_), Some(_)) => panic!("{rec:?} has both fields and a raw block"),
    }
    check_typed_views(rec);
}

/// The encoding a layout gives `bytes` (the fields and trailing bytes): for a block layout, the
/// block header first.
fn layout_encoding(layout: &Layout, bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 8);
    if let Some(t) = layout.block_type {
        v.extend_from_slice(&t.to_be_bytes());
        let len = u32::try_from(bytes.len() + 8).expect("bodies fit u32");
        v.extend_from_slice(&len.to_be_bytes());
    }
    v.extend_from_slice(bytes);
    v
}

/// Walks `layout` over `bytes` (which must decode), checks the walk against
/// [`for_each_data_field`](layout::for_each_data_field), re-encodes, and recurses into nested
/// blocks and lists. Returns the values.
fn check_parts<'a>(layout: &'static Layout, bytes: &'a [u8], offset: usize) -> Vec<Value<'a>> {
    let mut values = Vec::with_capacity(layout.fields.len());
    let mut last = 0;
    let walked = layout::walk(layout, bytes, offset, |i, pos, v| {
        assert_eq!(i, values.len(), "{}: field order", layout.name);
        assert!(pos >= last, "{}: positions go back", layout.name);
        last = pos;
        values.push(v);
    })
    .unwrap_or_else(|e| panic!("{}: decoded fields do not walk: {e}", layout.name));
    assert_eq!(values.len(), layout.fields.len(), "{}", layout.name);
    assert!(
        walked.end <= bytes.len(),
        "{}: end past the bytes",
        layout.name
    );
    let mut data_fields = Vec::new();
    layout::for_each_data_field(layout, bytes, offset, |n, v| data_fields.push((n, v)))
        .expect("for_each_data_field after walk");
    let expected: Vec<_> = layout
        .fields
        .iter()
        .zip(&values)
        .filter(|(f, _)| f.kind != layout::Kind::Len16)
        .map(|(f, v)| (f.name, *v))
        .collect();
    assert_eq!(data_fields, expected, "{}", layout.name);
    let mut out = Vec::new();
    layout::encode_fields(layout, &values, &bytes[walked.end..], &mut out)
        .unwrap_or_else(|e| panic!("{}: walked values do not encode: {e}", layout.name));
    assert_eq!(out, layout_encoding(layout, bytes), "{}", layout.name);
    for v in &values {
        if let Value::Nested(n) = v {
            check_nested(n);
        }
    }
    values
}

fn check_nested(n: &Nested<'_>) {
    assert!(n.bytes.len() >= 8, "{n:?}");
    let declared = u32::from_be_bytes(n.bytes[4..8].try_into().unwrap());
    assert_eq!(declared as usize, n.bytes.len(), "{n:?}: block length");
    let data = &n.bytes[8..];
    if n.is_list {
        let mut count = 0;
        for item in Blocks::new(data, n.offset + 8, 1) {
            item.unwrap_or_else(|e| panic!("{n:?}: a validated list's item fails: {e}"));
            count += 1;
        }
        let items: Vec<Nested<'_>> = n.items().collect();
        assert_eq!(items.len(), count, "{n:?}: items");
        for item in &items {
            assert!(!item.is_list);
            check_nested(item);
        }
    } else {
        if let Some(t) = n.layout.block_type {
            assert_eq!(n.block_type(), t, "{n:?}");
        }
        let values = check_parts(n.layout, data, n.offset + 8);
        let mut seen = 0;
        n.for_each(|_, _| seen += 1)
            .expect("a validated nested block walks");
        let data_fields = n
            .layout
            .fields
            .iter()
            .filter(|f| f.kind != layout::Kind::Len16)
            .count();
        assert_eq!(seen, data_fields);
        assert_eq!(values.len(), n.layout.fields.len());
    }
}

/// One typed view against the generic walker: the same values in the same order, the same end
/// of fields, and its `Repr` encodes to the same bytes.
fn check_view(v: &dyn TypedView<'_>) {
    let layout = v.layout();
    let (bytes, offset) = (v.bytes(), v.offset());
    let mut repr = Vec::new();
    v.encode_repr(&mut repr).unwrap_or_else(|e| {
        panic!(
            "{}: a decoded view's Repr does not encode: {e}",
            layout.name
        )
    });
    let mut visited = Vec::new();
    v.visit_all(&mut |n, x| visited.push((n, x)));
    let mut walked = Vec::new();
    let w = layout::walk(layout, bytes, offset, |_, _, x| walked.push(x))
        .unwrap_or_else(|e| panic!("{}: a view's bytes do not walk: {e}", layout.name));
    let names: Vec<&str> = layout.fields.iter().map(|f| f.name).collect();
    let visited_names: Vec<&str> = visited.iter().map(|(n, _)| *n).collect();
    assert_eq!(visited_names, names, "{}: visit order", layout.name);
    let visited_values: Vec<Value<'_>> = visited.iter().map(|(_, x)| *x).collect();
    assert_eq!(visited_values, walked, "{}: visit values", layout.name);
    assert_eq!(v.fields_len(), w.end, "{}: fields_len", layout.name);
    assert_eq!(v.trailing(), &bytes[w.end..], "{}: trailing", layout.name);
    assert_eq!(
        repr,
        layout_encoding(layout, bytes),
        "{}: Repr",
        layout.name
    );
}

/// Every typed view of the record against the walker: the record table hands out each one
/// (the discovery event header and the block of a connection event, ...), so a typed variant
/// added to the table is checked without an edit here. A typed record without a view (a
/// connection event whose block has no layout) must have its raw block.
fn check_typed_views(rec: &Record<'_>) {
    let mut views = 0;
    rec.for_each_view(|v| {
        check_view(v);
        views += 1;
    });
    let typed = !matches!(
        rec,
        Record::Generic(_) | Record::RawBlock(..) | Record::Unknown(..)
    );
    assert_eq!(typed, views > 0, "{rec:?}: typed views");
    if typed && rec.parts().is_none() {
        assert!(
            rec.raw_block().is_some(),
            "{rec:?}: neither a view nor a raw block"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// roundtrip_values

/// Target `roundtrip_values`: builds values with the crate's `Arbitrary` impls from `data`,
/// encodes each, decodes it, and asserts the result equals the value (and, for bundles and
/// Streaming Information, that re-encoding reproduces the bytes).
#[cfg(feature = "arbitrary")]
pub fn roundtrip_values(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    for _ in 0..64 {
        if u.is_empty() || roundtrip_one(&mut u).is_err() {
            break;
        }
    }
}

#[cfg(feature = "arbitrary")]
fn decoded(bytes: &[u8], mode: HeaderMode) -> (Message<'_>, Body<'_>) {
    let (m, used) = estreamer_codec::decode_message(bytes, &DecodeOptions::default())
        .unwrap_or_else(|e| panic!("an encoded message does not frame: {e:?}"));
    assert_eq!(used, bytes.len());
    let body = m
        .decode_body(mode)
        .unwrap_or_else(|e| panic!("an encoded body does not decode: {e:?}"));
    (m, body)
}

#[cfg(feature = "arbitrary")]
fn roundtrip_one(u: &mut arbitrary::Unstructured<'_>) -> arbitrary::Result<()> {
    use arbitrary::Arbitrary;
    use estreamer_codec::{
        Encode, ErrorMessage, EventStreamRequest, HostData, HostDataMessage, HostDataRequest,
        InitialTimestamp, Null, RequestFlags, Service, ServiceLengthConvention, StreamingRequest,
    };

    let encode = |v: &dyn Encode| v.to_bytes().expect("an Arbitrary value encodes");
    match u.choose_index(10)? {
        0 => {
            let v = EventStreamRequest::arbitrary(u)?;
            assert_eq!(
                decoded(&encode(&v), HeaderMode::Auto).1,
                Body::EventStreamRequest(v)
            );
            let ts = v.initial_timestamp;
            assert_eq!(ts.to_string().parse::<InitialTimestamp>(), Ok(ts));
            assert_eq!(InitialTimestamp::from_wire(ts.to_wire()), ts);
        }
        1 => {
            let v = StreamingRequest::arbitrary(u)?;
            assert_eq!(
                decoded(&encode(&v), HeaderMode::Auto).1,
                Body::StreamingRequest(v)
            );
        }
        2 => {
            let v = ErrorMessage::arbitrary(u)?;
            assert_eq!(decoded(&encode(&v), HeaderMode::Auto).1, Body::Error(v));
        }
        3 => {
            let v = EventData::arbitrary(u)?;
            let bytes = encode(&v);
            assert_eq!(decoded(&bytes, HeaderMode::Auto).1, Body::EventData(v));
            let strict = match v.extension {
                Some(_) => HeaderMode::Extended,
                None => HeaderMode::Standard,
            };
            assert_eq!(decoded(&bytes, strict).1, Body::EventData(v));
        }
        4 => {
            let v = HostDataRequest::arbitrary(u)?;
            assert_eq!(
                decoded(&encode(&v), HeaderMode::Auto).1,
                Body::HostDataRequest(v)
            );
        }
        5 => {
            let message_type = if bool::arbitrary(u)? {
                MessageType::SINGLE_HOST_DATA
            } else {
                MessageType::MULTIPLE_HOST_DATA
            };
            let v = HostDataMessage {
                message_type,
                data: HostData::arbitrary(u)?,
            };
            let bytes = encode(&v);
            let (m, body) = decoded(&bytes, HeaderMode::Auto);
            assert_eq!(m.message_type(), message_type);
            assert_eq!(body, Body::HostData(v.data));
        }
        6 => {
            let v = RequestFlags::arbitrary(u)?;
            // Display names the known bits only; hex keeps every bit.
            let known = RequestFlags(u32::MAX)
                .iter()
                .fold(0u32, |a, i| a | 1 << i.bit);
            assert_eq!(
                v.to_string().parse::<RequestFlags>(),
                Ok(RequestFlags(v.bits() & known)),
                "{v:?}"
            );
            assert_eq!(format!("{v:#x}").parse::<RequestFlags>(), Ok(v));
            for info in v.iter() {
                let one = RequestFlags::from_name(info.name).expect("a listed name parses");
                assert!(v.contains(one));
            }
        }
        7 => {
            let connection_id = u32::arbitrary(u)?;
            let sequence_number = u32::arbitrary(u)?;
            let n = u.int_in_range(0..=16)?;
            let mut members = Vec::with_capacity(n);
            for _ in 0..n {
                members.push((EventData::arbitrary(u)?, u16::from(bool::arbitrary(u)?)));
            }
            let mut bytes = Vec::new();
            estreamer_codec::encode_bundle(&mut bytes, connection_id, sequence_number, |out| {
                for (rec, version) in &members {
                    rec.encode_with_version(*version, out)?;
                }
                Ok(())
            })
            .expect("a bundle of Arbitrary records encodes");
            let (_, body) = decoded(&bytes, HeaderMode::Auto);
            let Body::Bundle(b) = body else {
                panic!("a bundle decodes as {body:?}")
            };
            assert_eq!(
                (b.connection_id, b.sequence_number),
                (connection_id, sequence_number)
            );
            let inner: Vec<Message<'_>> = b
                .messages()
                .map(|r| r.expect("an encoded member frames"))
                .collect();
            assert_eq!(inner.len(), members.len());
            for (m, (rec, version)) in inner.iter().zip(&members) {
                assert_eq!(m.version(), *version);
                assert_eq!(m.decode_body(HeaderMode::Auto), Ok(Body::EventData(*rec)));
            }
            assert_eq!(encode(&b), bytes);
            let view =
                estreamer_codec::Bundle::new(connection_id, sequence_number, b.messages_bytes());
            assert_eq!(encode(&view), bytes);
        }
        8 => {
            let convention = ServiceLengthConvention::arbitrary(u)?;
            let n = u.int_in_range(0..=8)?;
            let mut services = Vec::with_capacity(n);
            for _ in 0..n {
                services.push(Service::arbitrary(u)?);
            }
            let mut bytes = Vec::new();
            estreamer_codec::encode_streaming_information(
                &mut bytes,
                convention,
                services.iter().copied(),
            )
            .expect("Arbitrary services encode");
            let (_, body) = decoded(&bytes, HeaderMode::Auto);
            let Body::StreamingInformation(info) = body else {
                panic!("Streaming Information decodes as {body:?}")
            };
            // Both conventions are accepted, and some lists tile both ways: the bytes must
            // survive, and in the convention they were written in, the services too.
            if info.convention() == convention {
                assert_eq!(info.services().collect::<Vec<_>>(), services);
            }
            let mut again = Vec::new();
            estreamer_codec::encode_streaming_information(
                &mut again,
                info.convention(),
                info.services(),
            )
            .expect("decoded services encode");
            assert_eq!(again, bytes);
        }
        _ => {
            let bytes = encode(&Null);
            assert_eq!(bytes, Null::BYTES);
            assert_eq!(decoded(&bytes, HeaderMode::Auto).1, Body::Null);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// stream_chunks

/// One item a decoder yielded, owned so that the results of different decoders compare.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Message {
        offset: usize,
        version: u16,
        message_type: u16,
        body: Vec<u8>,
    },
    Error(DecodeError),
}

impl Outcome {
    fn of(m: &Message<'_>) -> Self {
        Outcome::Message {
            offset: m.offset(),
            version: m.version(),
            message_type: m.message_type().0,
            body: m.body().to_vec(),
        }
    }
}

fn is_fatal(e: &DecodeError) -> bool {
    matches!(
        e,
        DecodeError::Invalid {
            kind: estreamer_codec::ErrorKind::MessageTooLarge { .. },
            ..
        }
    )
}

/// Every item of one-shot [`Messages`], and its final position.
fn one_shot(data: &[u8], opts: DecodeOptions) -> (Vec<Outcome>, usize) {
    let mut it = Messages::new(data, opts);
    let items = it
        .by_ref()
        .map(|r| match r {
            Ok(m) => Outcome::of(&m),
            Err(e) => Outcome::Error(e),
        })
        .collect();
    (items, it.position())
}

/// Takes every item out of `dec`; true when decoding hit a fatal error.
fn drain(dec: &mut StreamDecoder, out: &mut Vec<Outcome>) -> bool {
    loop {
        match dec.next_message() {
            Ok(Some(m)) => out.push(Outcome::of(&m)),
            Ok(None) => return false,
            Err(e) => {
                out.push(Outcome::Error(e));
                if is_fatal(&e) {
                    assert_eq!(dec.next_message().err(), Some(e), "fatal errors repeat");
                    return true;
                }
            }
        }
    }
}

type StreamResult = (Vec<Outcome>, Result<(), DecodeError>, usize);

/// Feeds `chunks` to a fresh [`StreamDecoder`]: its items, `finish()` and final position.
fn run_stream<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, opts: DecodeOptions) -> StreamResult {
    let mut dec = StreamDecoder::new(opts);
    let mut out = Vec::new();
    'feed: for chunk in chunks {
        let mut rest = chunk;
        while !rest.is_empty() {
            let n = dec.feed(rest);
            assert!(n <= rest.len());
            assert!(
                dec.buffered() <= dec.capacity_limit(),
                "buffer above its limit"
            );
            rest = &rest[n..];
            let before = out.len();
            if drain(&mut dec, &mut out) {
                break 'feed;
            }
            assert!(
                n > 0 || out.len() > before,
                "decoder took and yielded nothing"
            );
        }
    }
    let finish = dec.finish();
    (out, finish, dec.position())
}

/// A reader that hands out chunks whose sizes come from `sizes` and fails with `Interrupted` now
/// and then (never twice in a row).
struct ChunkReader<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    calls: usize,
    interrupted: bool,
}

impl<'a> ChunkReader<'a> {
    fn new(data: &'a [u8], sizes: &'a [u8]) -> Self {
        ChunkReader {
            data,
            sizes,
            calls: 0,
            interrupted: false,
        }
    }
}

impl Read for ChunkReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = match self.sizes.len() {
            0 => 0,
            len => self.sizes[self.calls % len],
        };
        self.calls += 1;
        if !self.interrupted && k % 7 == 3 {
            self.interrupted = true;
            return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
        }
        self.interrupted = false;
        let n = (1 + usize::from(k % 61))
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything a [`MessageReader`] over a [`ChunkReader`] yields, and its final position.
fn run_reader(data: &[u8], sizes: &[u8], opts: DecodeOptions) -> (Vec<Outcome>, usize) {
    let mut r = MessageReader::new(ChunkReader::new(data, sizes), opts);
    let mut out = Vec::new();
    // Each call yields an item, or reads at least one byte first.
    for _ in 0..2 * data.len() + 16 {
        match r.next_message() {
            Ok(Some(m)) => out.push(Outcome::of(&m)),
            Ok(None) => return (out, r.position()),
            Err(ReadError::Decode(e)) => {
                out.push(Outcome::Error(e));
                if is_fatal(&e) {
                    return (out, r.position());
                }
            }
            Err(ReadError::Io(e)) => panic!("MessageReader passed on a retryable error: {e}"),
        }
    }
    panic!("MessageReader did not come to an end");
}

/// Target `stream_chunks`: splits `data` at points taken from the data itself and feeds the
/// pieces to a [`StreamDecoder`] (and a [`MessageReader`] over a reader that returns pieces);
/// both must yield exactly what one-shot [`Messages`] yields, in the same order, with `finish()`
/// reporting the final `Incomplete` (or the fatal error) and the same final position. Runs with
/// the default maximum and with a small one, so that the capacity limit is exercised.
pub fn stream_chunks(data: &[u8]) {
    let small = DecodeOptions {
        max_message_length: u32::try_from(data.len() / 2).unwrap_or(u32::MAX),
        ..DecodeOptions::default()
    };
    for opts in [DecodeOptions::default(), small] {
        let (reference, position) = one_shot(data, opts);
        // What a stream decoder yields: the final Incomplete comes from finish() instead; a
        // fatal error is yielded and also returned by finish().
        let expected: StreamResult = match reference.last() {
            Some(Outcome::Error(e @ DecodeError::Incomplete { .. })) => {
                (reference[..reference.len() - 1].to_vec(), Err(*e), position)
            }
            Some(Outcome::Error(e)) if is_fatal(e) => (reference.clone(), Err(*e), position),
            _ => (reference.clone(), Ok(()), position),
        };

        // Chunk sizes from the data: 1 + byte % 29, cycling over the input.
        let mut chunks = Vec::new();
        let mut pos = 0;
        let mut i = 0;
        while pos < data.len() {
            let size = 1 + usize::from(data[i % data.len()] % 29);
            let end = (pos + size).min(data.len());
            chunks.push(&data[pos..end]);
            pos = end;
            i += 1;
        }
        assert_eq!(run_stream(chunks, opts), expected, "chunked, {opts:?}");

        // Two pieces, split where the first four bytes say.
        let split = match data.first_chunk::<4>() {
            Some(b) => u32::from_be_bytes(*b) as usize % (data.len() + 1),
            None => data.len() / 2,
        };
        let (a, b) = data.split_at(split);
        assert_eq!(run_stream([a, b], opts), expected, "split at {split}");

        assert_eq!(run_stream([data], opts), expected, "one chunk");
        if data.len() <= 4096 {
            assert_eq!(run_stream(data.chunks(1), opts), expected, "bytewise");
        }

        let reader = run_reader(data, data.get(1..).unwrap_or_default(), opts);
        assert_eq!(reader, (reference, position), "MessageReader, {opts:?}");

        let records: Vec<String> = Records::new(data, opts).map(|i| format!("{i:?}")).collect();
        let read = run_record_reader(data, data.get(1..).unwrap_or_default(), opts);
        assert_eq!(read, records, "RecordReader, {opts:?}");
    }
}

/// Every item a [`RecordReader`] over a [`ChunkReader`] yields, as text.
fn run_record_reader(data: &[u8], sizes: &[u8], opts: DecodeOptions) -> Vec<String> {
    let mut r = RecordReader::new(ChunkReader::new(data, sizes), opts);
    let mut out = Vec::new();
    // As in `run_reader`: each call yields an item or reads first.
    while out.len() <= 2 * data.len() + 16 {
        match r.next_record() {
            Ok(Some(item)) => out.push(format!("{item:?}")),
            Ok(None) => return out,
            Err(e) => panic!("RecordReader passed on a retryable error: {e}"),
        }
    }
    panic!("RecordReader did not come to an end");
}

// ---------------------------------------------------------------------------------------------
// metadata_render

/// Every record of `data` in stream order (bundle members in place), decoded in Auto mode.
fn records_in_order(data: &[u8]) -> Vec<Record<'_>> {
    let mut records = Vec::new();
    let mut top = Messages::new(data, DecodeOptions::default());
    let mut bundles: Vec<estreamer_codec::BundleMessages<'_>> = Vec::new();
    loop {
        let next = match bundles.last_mut() {
            Some(it) => match it.next() {
                Some(x) => x,
                None => {
                    bundles.pop();
                    continue;
                }
            },
            None => match top.next() {
                Some(x) => x,
                None => break,
            },
        };
        let Ok(m) = next else { continue };
        match m.decode_body(HeaderMode::Auto) {
            Ok(Body::EventData(ed)) => {
                if let Ok(r) = Record::decode(&ed) {
                    records.push(r);
                }
            }
            Ok(Body::Bundle(b)) => bundles.push(b.messages()),
            _ => {}
        }
    }
    records
}

/// Target `metadata_render`: feeds every record of `data`, in stream order, to a
/// [`Metadata`](estreamer_codec::names::Metadata) cache and renders every intrusion event when it
/// appears. A rendered SID is always the Rendered Signature ID of the last record 66 (or legacy
/// 5) ingested for the event's (Generator ID, Rule ID), and `None` before one arrived: never the
/// event's rule ID unless a record 66 says so. A snapshot reloads to a cache that snapshots and
/// renders the same.
pub fn metadata_render(data: &[u8]) {
    use estreamer_codec::names::{Metadata, Rendered};

    let records = records_in_order(data);
    let mut md = Metadata::new();
    let mut sids: HashMap<(u32, u32), u32> = HashMap::new();
    let mut ingested = 0u64;
    let mut events = Vec::new();
    for rec in &records {
        match rec {
            Record::RuleMessage(v) => {
                sids.insert((v.generator_id(), v.rule_id()), v.rendered_signature_id());
            }
            Record::RuleMessageLegacy(v) => {
                sids.insert((v.generator_id(), v.rule_id()), v.rendered_signature_id());
            }
            _ => {}
        }
        if md.ingest(rec) {
            ingested += 1;
        }
        if let Record::IntrusionEvent(ev) = rec {
            let r: Rendered<'_> = md.render(ev);
            let key = (ev.generator_id(), ev.rule_id());
            assert_eq!(r.sid, sids.get(&key).copied(), "SID for {key:?}");
            assert_eq!(
                (r.generator_id, r.rule_id, r.rule_revision),
                (ev.generator_id(), ev.rule_id(), ev.rule_revision())
            );
            assert_eq!(r.sid.is_some(), r.rule_message.is_some());
            assert_eq!(
                r.signature().map(|s| s.to_string()),
                r.sid
                    .map(|sid| format!("{}:{sid}:{}", ev.generator_id(), ev.rule_revision()))
            );
            if ev.user_id() == 0 {
                assert_eq!(r.user, None, "user ID 0 is never looked up");
            }
            if ev.intrusion_policy_uuid().is_nil() {
                assert_eq!(r.intrusion_policy, None, "a nil UUID is never looked up");
            }
            if ev.security_zone_ingress_uuid().is_nil() {
                assert_eq!(r.security_zone_ingress, None);
            }
            events.push(*ev);
        }
    }
    assert_eq!(md.records_ingested(), ingested);

    let snap = md.snapshot();
    assert_eq!(md.snapshot(), snap, "snapshots are deterministic");
    let reloaded = Metadata::from_snapshot(snap.clone())
        .unwrap_or_else(|e| panic!("a snapshot does not reload: {e}"));
    assert_eq!(
        reloaded.snapshot(),
        snap,
        "snapshot -> from_snapshot -> snapshot"
    );
    assert_eq!(reloaded.len(), md.len());
    let mut merged = Metadata::new();
    merged.merge(md.clone());
    assert_eq!(merged.snapshot(), snap);
    for ev in &events {
        assert_eq!(reloaded.render(ev), md.render(ev), "render after reload");
    }
}

// ---------------------------------------------------------------------------------------------
// layouts

/// What decoding a body of a catalogue shape must give, computed with the generic walker only.
struct Expected<'a> {
    /// The discovery event header's bytes, for shapes that start with it.
    prefix: Option<&'a [u8]>,
    /// The layout and the bytes it covers, or the raw block's type and data.
    main: Result<(&'static Layout, &'a [u8]), RawBlock<'a>>,
}

/// A block of a type the shape has no layout for: its type and data.
type RawBlock<'a> = (u32, &'a [u8]);

fn expected_decode<'a>(shape: &Shape, body: &'a [u8]) -> Result<Expected<'a>, DecodeError> {
    let (prefix, rest, at) = if shape.has_discovery_header() {
        let w = layout::walk(
            &records::discovery::discovery_header::LAYOUT,
            body,
            0,
            |_, _, _| {},
        )?;
        (Some(&body[..w.end]), &body[w.end..], w.end)
    } else {
        (None, body, 0)
    };
    let main = match *shape {
        Shape::Body(l) | Shape::DiscoveryBody(l) => {
            layout::walk(l, rest, at, |_, _, _| {})?;
            Ok((l, rest))
        }
        Shape::Block(ls) | Shape::DiscoveryBlock(ls) => {
            let b = Block::parse_exact(rest, at)?;
            match ls.iter().find(|l| l.block_type == Some(b.block_type)) {
                Some(l) => {
                    layout::walk(l, b.data, b.data_offset(), |_, _, _| {})?;
                    Ok((*l, b.data))
                }
                None => Err((b.block_type, b.data)),
            }
        }
    };
    Ok(Expected { prefix, main })
}

/// Layouts compare by identity: name, block type and field count (a deep comparison would
/// dominate the fuzzer's time).
fn same_layout(a: &Layout, b: &Layout) -> bool {
    a.name == b.name && a.block_type == b.block_type && a.fields.len() == b.fields.len()
}

type Rows = (Vec<(&'static catalogue::Entry, bool)>, Vec<&'static Layout>);

/// The catalogue rows decoding uses (the first row of each record type, as
/// [`catalogue::lookup`] finds it) and every layout of every row, once; computed once.
/// A row is marked `true` when an earlier row has the same shape: decoding it must agree with
/// the catalogue all the same, but its fields need not be checked again.
fn catalogue_rows() -> &'static Rows {
    static ROWS: std::sync::OnceLock<Rows> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let mut rows: Vec<(&'static catalogue::Entry, bool)> = Vec::new();
        let mut layouts: Vec<&'static Layout> = vec![&records::discovery::discovery_header::LAYOUT];
        for entry in catalogue::entries() {
            if !rows.iter().any(|(r, _)| r.record_type == entry.record_type) {
                let same_shape = |r: &catalogue::Entry| {
                    r.shape.has_discovery_header() == entry.shape.has_discovery_header()
                        && r.shape.layouts().len() == entry.shape.layouts().len()
                        && r.shape
                            .layouts()
                            .iter()
                            .zip(entry.shape.layouts())
                            .all(|(a, b)| same_layout(a, b))
                };
                let repeat = rows.iter().any(|(r, _)| same_shape(r));
                rows.push((entry, repeat));
            }
            for l in entry.shape.layouts() {
                if !layouts.iter().any(|s| same_layout(s, l)) {
                    layouts.push(l);
                }
            }
        }
        (rows, layouts)
    })
}

/// Decodes `body` as every catalogued record type and checks the result against the walker.
fn check_body_as_every_type(body: &[u8]) {
    let (rows, layouts) = catalogue_rows();
    for &(entry, repeat) in rows {
        let t = entry.record_type;
        let got = Record::decode_body(RecordType(t), body, 0);
        let want = expected_decode(&entry.shape, body);
        match (&got, &want) {
            (Ok(rec), Ok(exp)) => {
                assert_eq!(
                    rec.prefix().map(|p| p.bytes),
                    exp.prefix,
                    "record {t} prefix"
                );
                match (rec.parts(), rec.raw_block(), exp.main) {
                    (Some(p), None, Ok((l, bytes))) => {
                        assert!(
                            same_layout(p.layout, l),
                            "record {t}: layout {}",
                            p.layout.name
                        );
                        assert_eq!(p.bytes, bytes, "record {t} fields");
                    }
                    (None, Some(b), Err(raw)) => {
                        assert_eq!((b.block_type, b.data), raw, "record {t} raw block")
                    }
                    (parts, raw, _) => panic!(
                        "record {t}: parts {parts:?} and raw block {raw:?}, the catalogue shape \
                         gives {:?}",
                        exp.main.map(|(l, _)| l.name)
                    ),
                }
                if !repeat {
                    check_record(rec, body);
                }
            }
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "record {t}: typed and generic errors differ");
                assert_within(a, 0, body.len(), "record body");
            }
            _ => panic!(
                "record {t}: Record::decode_body gives {got:?}, the catalogue shape {:?}",
                want.as_ref().map(|_| ())
            ),
        }
    }
    // Every layout on its own: whatever walks re-encodes to the bytes it walked.
    for l in layouts {
        if layout::walk(l, body, 0, |_, _, _| {}).is_ok() {
            check_parts(l, body, 0);
        }
    }
}

/// Target `layouts`: decodes `data` as the body of every record type of the catalogue
/// (`Record::decode_body(RecordType(t), data, 0)`), and every record body found in `data` read
/// as a stream (at most 16) likewise. Typed dispatch must agree with the catalogue's shape
/// walked generically (same fields, same raw block, same error); whatever decodes re-encodes
/// bit-exact through [`Record::encode_body`], through its layout and through its typed `Repr`;
/// every field, nested block and list item walks.
pub fn layouts(data: &[u8]) {
    check_body_as_every_type(data);
    let mut bodies = 0;
    for m in Messages::new(data, DecodeOptions::default()).flatten() {
        if bodies == 16 {
            break;
        }
        if let Ok(Body::EventData(ed)) = m.decode_body(HeaderMode::Auto) {
            check_body_as_every_type(ed.body);
            bodies += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// session

/// Target `session`: the client's sans-I/O [`Session`](estreamer_client::session::Session) fed
/// whatever a server might send. The first byte picks the configuration (extended or plain
/// request, acknowledgement policy); the rest arrives in pieces whose sizes come from the data.
/// Whatever arrives, the session never panics, and
/// * everything it ever transmits frames as client messages only: first one Event Stream
///   Request, then Streaming Requests (one at most, only in extended mode, only after a
///   Streaming Information), Nulls and at most one Error at the very end;
/// * it acknowledges (guide policy) exactly the bundles and standalone Event Data messages it
///   handed out (also those whose record header does not decode), each once, and never after
///   it closed;
/// * the events it hands out are exactly the top-level messages one-shot [`Messages`] frames,
///   up to the first fatal error, and once closed it hands out nothing more;
/// * closing without having received anything (not even bytes that failed to decode) is
///   reported as client authentication failure
///   ([`CloseReason::ClosedBeforeFirstMessage`](estreamer_client::session::CloseReason)).
pub fn session(data: &[u8]) {
    use estreamer_client::session::{AckPolicy, CloseReason, Event, Phase, Session, SessionConfig};
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let extended = pick & 1 == 1;
    let ack = if pick & 2 == 0 {
        AckPolicy::Guide
    } else {
        AckPolicy::EveryMessage
    };
    let mut flags = estreamer_codec::RequestFlags::ENCORE_DEFAULT;
    if !extended {
        flags = estreamer_codec::RequestFlags(
            flags.0 & !estreamer_codec::RequestFlags::EXTENDED_REQUESTS.0,
        );
    }
    let config = SessionConfig {
        flags,
        ack,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config);
    let mut sent = Vec::new();
    let mut handed = 0u64;
    let mut data_units = 0u64;
    let mut streaming_info = 0u64;
    let mut keepalives = 0u64;
    let mut ended: Option<CloseReason> = None;
    let mut pos = 0;
    let mut i = 0;
    while pos < rest.len() && ended.is_none() {
        let size = 1 + usize::from(rest[i % rest.len()] % 61) * 7;
        i += 1;
        let end = (pos + size).min(rest.len());
        let mut piece = &rest[pos..end];
        pos = end;
        while !piece.is_empty() && ended.is_none() {
            let n = s.receive(piece);
            piece = &piece[n..];
            loop {
                match s.poll() {
                    Ok(Some(ev)) => {
                        handed += 1;
                        match ev {
                            Event::Bundle { bundle, .. } => {
                                data_units += 1;
                                for m in bundle.messages() {
                                    let _ = m.map(|m| m.decode_body(HeaderMode::Auto));
                                }
                            }
                            Event::EventData { .. } => data_units += 1,
                            Event::KeepAlive => keepalives += 1,
                            Event::StreamingInformation { .. } => streaming_info += 1,
                            Event::ServerError { .. } => {
                                assert_eq!(s.phase(), Phase::Closed);
                            }
                            // An Event Data message whose record header does not decode is
                            // reported and acknowledged like any Event Data.
                            Event::BadEventData { message, .. } => {
                                assert_eq!(message.message_type(), MessageType::EVENT_DATA);
                                data_units += 1
                            }
                            Event::Other(m) => {
                                assert_ne!(m.message_type(), MessageType::EVENT_DATA, "{m:?}")
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(reason) => {
                        assert_eq!(s.phase(), Phase::Closed);
                        ended = Some(reason);
                        break;
                    }
                }
            }
            if s.phase() == Phase::Closed && ended.is_none() {
                // Closed by a server Error: nothing more is handed out.
                assert!(matches!(s.poll(), Ok(None)));
                ended = s.close_reason().cloned();
            }
            sent.extend_from_slice(s.transmit());
            let n = s.transmit().len();
            s.sent(n);
        }
    }
    let stats = s.stats();
    let reason = s.closed_by_peer();
    if stats.messages == 0 && ended.is_none() {
        assert_eq!(reason, CloseReason::ClosedBeforeFirstMessage);
    }
    if let Some(e) = &ended {
        assert_eq!(&reason, e, "the first reason stays");
    }
    assert_eq!(
        handed,
        stats.messages.min(handed),
        "one event per message at most"
    );

    // What the client sent: client messages only, in the allowed order.
    let mut nulls = 0u64;
    let mut requests = 0;
    let mut errors = 0;
    for (k, m) in Messages::new(&sent, DecodeOptions::default()).enumerate() {
        let m = m.expect("the client's bytes frame");
        assert_eq!(m.version(), 1);
        let body = m
            .decode_body(HeaderMode::Auto)
            .expect("the client's messages decode");
        assert_eq!(errors, 0, "nothing after an Error");
        match body {
            Body::EventStreamRequest(r) => {
                assert_eq!(k, 0, "the Event Stream Request comes first");
                assert_eq!(r.flags, flags);
            }
            Body::StreamingRequest(r) => {
                assert!(extended, "a Streaming Request only in extended mode");
                assert_eq!(r.service_id, estreamer_client::session::ESTREAMER_SERVICE);
                requests += 1;
            }
            Body::Null => nulls += 1,
            Body::Error(e) => {
                assert_eq!(e.code, -1);
                errors += 1;
            }
            other => panic!("a client never sends {other:?}"),
        }
    }
    assert!(requests <= 1 && requests <= streaming_info);
    assert_eq!(nulls, stats.acks);
    match ack {
        // Each data unit acknowledged once, when the caller came back for more (the last one
        // may still be pending).
        AckPolicy::Guide => assert!(
            nulls == data_units || nulls + 1 == data_units,
            "{nulls} acks, {data_units} units"
        ),
        AckPolicy::EveryMessage => {
            assert!(nulls <= data_units + keepalives + streaming_info + handed)
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every oracle over every `testdata` vector and every file of `testdata/regressions/`.

    use std::path::{Path, PathBuf};
    use std::string::String;
    use std::vec::Vec;

    /// The bytes of a `.hex` vector: on each line, the hex digits before the first `#`.
    fn hex_bytes(text: &str) -> Vec<u8> {
        let digits: String = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        assert!(digits.len() % 2 == 0, "odd number of hex digits");
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digits"))
            .collect()
    }

    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    /// Every input: `testdata/**/*.hex` (parsed) and `testdata/**/*.bin` (raw), which includes
    /// the regressions.
    fn corpus() -> Vec<(String, Vec<u8>)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let mut paths = Vec::new();
        walk(&root, &mut paths);
        paths.sort();
        let mut out = Vec::new();
        for p in paths {
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            match p.extension().and_then(|e| e.to_str()) {
                Some("hex") => out.push((name, hex_bytes(&std::fs::read_to_string(&p).unwrap()))),
                Some("bin") => out.push((name, std::fs::read(&p).unwrap())),
                _ => {}
            }
        }
        assert!(out.len() > 100, "testdata not found ({} inputs)", out.len());
        out
    }

    fn run(oracle: fn(&[u8])) {
        for (name, bytes) in corpus() {
            let r = std::panic::catch_unwind(|| oracle(&bytes));
            assert!(r.is_ok(), "oracle fails on testdata/{name}");
        }
    }

    #[test]
    fn decode_message_over_testdata() {
        run(super::decode_message);
    }

    #[cfg(feature = "arbitrary")]
    #[test]
    fn roundtrip_values_over_testdata() {
        run(super::roundtrip_values);
    }

    #[test]
    fn stream_chunks_over_testdata() {
        run(super::stream_chunks);
    }

    #[test]
    fn metadata_render_over_testdata() {
        run(super::metadata_render);
    }

    #[test]
    fn layouts_over_testdata() {
        run(super::layouts);
    }

    #[test]
    fn session_over_testdata() {
        // The first byte picks the configuration: every vector in all four.
        for pick in 0u8..4 {
            for (name, bytes) in corpus() {
                let mut input = vec![pick];
                input.extend_from_slice(&bytes);
                let r = std::panic::catch_unwind(|| super::session(&input));
                assert!(
                    r.is_ok(),
                    "session oracle fails on testdata/{name} with pick {pick}"
                );
            }
        }
    }

    #[test]
    fn hex_parser_reads_the_documented_format() {
        let text = "# title: x\n00 01   # 0x00 version\n0a0B  # 0x02 type\n#> 0 {}\n";
        assert_eq!(hex_bytes(text), [0, 1, 10, 11]);
    }
}
