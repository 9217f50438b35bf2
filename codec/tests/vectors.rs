//! The hand-verified vectors of `testdata/` against the codec: expected objects, bit-exact
//! round trips (messages and typed records), truncation and mutation sweeps, and field-level
//! checks of docs/protocol.md Appendix B.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::BTreeSet;

use common::{
    Event, Vector, all_vectors, events, hostile_vectors, objects, record_vectors, valid_vectors,
    vector,
};
use estreamer_codec::{
    Body, DecodeError, DecodeOptions, ErrorKind, EventCode, HeaderMode, InitialTimestamp, Message,
    MessageType, Messages, Record, RecordHeaderForm, RecordType, RequestFlags,
    ServiceLengthConvention, decode_frame, decode_message, encode_body,
};

const MODES: [HeaderMode; 3] = [HeaderMode::Auto, HeaderMode::Standard, HeaderMode::Extended];

/// The exact bytes a message occupies in `whole`.
fn raw<'a>(whole: &'a [u8], m: &Message<'_>) -> &'a [u8] {
    &whole[m.offset()..m.offset() + 8 + m.body().len()]
}

fn encode(m: &Message<'_>, body: &Body<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_body(&mut out, m.version(), m.message_type(), body)
        .unwrap_or_else(|e| panic!("encoding {m:?} failed: {e}"));
    out
}

/// Decoded content equality that ignores where a bundle was decoded (see `known_bugs.rs`).
fn same_content(a: &Body<'_>, b: &Body<'_>) -> bool {
    match (a, b) {
        (Body::Bundle(x), Body::Bundle(y)) => {
            x.connection_id == y.connection_id
                && x.sequence_number == y.sequence_number
                && x.messages_bytes() == y.messages_bytes()
        }
        _ => a == b,
    }
}

/// Re-encodes `m` (whose body decoded to `body`) and checks it against its bytes in `whole`;
/// then decodes the encoding again, at the original offset and at offset 0.
fn check_round_trip(whole: &[u8], m: &Message<'_>, body: &Body<'_>, mode: HeaderMode, ctx: &str) {
    let enc = encode(m, body);
    assert_eq!(
        enc,
        raw(whole, m),
        "{ctx}: re-encoding {m:?} is not bit-exact"
    );
    let (m2, used) = decode_frame(&enc, u32::MAX).unwrap();
    assert_eq!(used, enc.len(), "{ctx}");
    let at_same_offset = Message::new(m2.header(), m2.body(), m.offset());
    assert_eq!(
        at_same_offset.decode_body(mode).as_ref(),
        Ok(body),
        "{ctx}: decode(encode(x)) != x for {m:?}"
    );
    let fresh = m2.decode_body(mode).unwrap();
    assert!(
        same_content(&fresh, body),
        "{ctx}: decode(encode(x)) != x at offset 0 for {m:?}"
    );
}

#[test]
fn vector_files_are_well_formed() {
    let valid = valid_vectors();
    let hostile = hostile_vectors();
    let records = record_vectors();
    assert!(valid.len() >= 25, "only {} valid vectors", valid.len());
    assert!(records.len() >= 20, "only {} record vectors", records.len());
    assert!(
        records.iter().filter(|v| v.render).count() >= 2,
        "expected the '# render: yes' vectors in testdata/records"
    );
    for v in valid.iter().chain(&hostile) {
        assert!(
            !v.render || v.name.starts_with("records/"),
            "{}: '# render: yes' belongs in testdata/records",
            v.name
        );
    }
    assert!(
        hostile.len() >= 25,
        "only {} hostile vectors",
        hostile.len()
    );
    for v in &valid {
        assert!(
            v.expect_valid,
            "{}: a file in vectors/ must be '# expect: valid'",
            v.name
        );
    }
    for v in &hostile {
        assert!(
            !v.expect_valid,
            "{}: a file in hostile/ must be '# expect: error'",
            v.name
        );
    }
    for v in valid.iter().chain(&hostile) {
        assert!(!v.bytes.is_empty(), "{}: no bytes", v.name);
        assert!(!v.title.is_empty(), "{}", v.name);
        assert!(
            !v.expectations.is_empty(),
            "{}: no '#>' expectation",
            v.name
        );
        for (index, _) in &v.expectations {
            assert!(
                *index < v.objects,
                "{}: '#> {index}' but '# objects: {}'",
                v.name,
                v.objects
            );
        }
        let mut indices: Vec<usize> = v.expectations.iter().map(|(i, _)| *i).collect();
        indices.sort_unstable();
        indices.dedup();
        assert_eq!(
            indices.len(),
            v.expectations.len(),
            "{}: two '#>' lines for one object",
            v.name
        );
        assert_eq!(
            indices.len(),
            v.objects,
            "{}: not every object has an expectation",
            v.name
        );
    }
}

/// Every `#>` expectation (and `# objects:`) against the objects rendered from the codec API.
#[test]
fn expectations_match_decoded_objects() {
    for v in all_vectors() {
        let evs = events(&v.bytes, v.opts());
        let objects = objects(&evs, v.render);
        assert_eq!(
            objects.len(),
            v.objects,
            "{}: '# objects: {}' but decoding gives {:#?}",
            v.name,
            v.objects,
            objects
        );
        let mut mismatches = Vec::new();
        for (index, expected) in &v.expectations {
            let got = &objects[*index];
            for (key, value) in expected {
                if got.get(key) != Some(value) {
                    mismatches.push(format!(
                        "object {index}, key {key:?}: expected {value}, got {:?}",
                        got.get(key)
                    ));
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{}:\n{}\n objects: {}",
            v.name,
            mismatches.join("\n"),
            serde_json::Value::Array(objects.into_iter().map(serde_json::Value::Object).collect())
        );
        let errors = evs.iter().filter(|e| e.error().is_some()).count();
        if v.expect_valid {
            assert_eq!(errors, 0, "{}: valid vector produced errors", v.name);
        } else {
            assert!(errors > 0, "{}: hostile vector produced no error", v.name);
        }
    }
}

/// Error expectations against the codec's `DecodeError` itself: kind name (`ErrorKind::name`,
/// or "incomplete"), offset for `Invalid`, needed for `Incomplete`, at that position of the
/// object sequence.
#[test]
fn error_expectations_match_decode_errors() {
    let mut checked = 0;
    for v in all_vectors() {
        let evs = events(&v.bytes, v.opts());
        for (index, expected) in &v.expectations {
            let Some(kind) = expected.get("error_kind") else {
                continue;
            };
            let err = evs
                .get(*index)
                .and_then(Event::error)
                .unwrap_or_else(|| panic!("{}: object {index} is not an error", v.name));
            match err {
                DecodeError::Incomplete { needed } => {
                    assert_eq!(kind, "incomplete", "{}: object {index}", v.name);
                    assert_eq!(expected["needed"], needed, "{}: object {index}", v.name);
                }
                DecodeError::Invalid {
                    offset, kind: k, ..
                } => {
                    assert_eq!(kind, k.name(), "{}: object {index}", v.name);
                    assert_eq!(expected["offset"], offset, "{}: object {index}", v.name);
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} error expectations");
}

/// Valid vectors: no error anywhere (bundles included), every message re-encodes bit-exactly,
/// the concatenation of the encodings is the file, and decode(encode(x)) == x.
#[test]
fn valid_vectors_round_trip_bit_exact() {
    for v in valid_vectors() {
        let mode = v.mode;
        let mut concat = Vec::new();
        let mut messages = 0;
        for item in Messages::new(&v.bytes, v.opts()) {
            let m = item.unwrap_or_else(|e| panic!("{}: {e}", v.name));
            let body = m
                .decode_body(mode)
                .unwrap_or_else(|e| panic!("{}: {e}", v.name));
            check_round_trip(&v.bytes, &m, &body, mode, &v.name);
            concat.extend_from_slice(&encode(&m, &body));
            messages += 1;
            if let Body::Bundle(b) = body {
                for inner in b.messages() {
                    let im = inner.unwrap_or_else(|e| panic!("{}: inner: {e}", v.name));
                    let ib = im
                        .decode_body(mode)
                        .unwrap_or_else(|e| panic!("{}: {e}", v.name));
                    assert!(!matches!(ib, Body::Bundle(_)), "{}: nested bundle", v.name);
                    check_round_trip(&v.bytes, &im, &ib, mode, &v.name);
                }
            }
        }
        assert!(messages > 0, "{}", v.name);
        assert_eq!(
            concat, v.bytes,
            "{}: concatenated encodings differ from the file",
            v.name
        );
    }
}

/// Every strict prefix of every valid vector: exactly the complete messages that fit, then one
/// `Incomplete` whose `needed` completes the partial message (or its 8-byte header when the
/// header itself is cut), and nothing else.
#[test]
fn truncation_sweep() {
    for v in valid_vectors() {
        let ends: Vec<usize> = Messages::new(&v.bytes, v.opts())
            .map(|r| {
                let m = r.unwrap();
                m.offset() + 8 + m.body().len()
            })
            .collect();
        for len in 0..v.bytes.len() {
            let prefix = &v.bytes[..len];
            let items: Vec<_> = Messages::new(prefix, v.opts()).collect();
            let complete = ends.iter().take_while(|&&e| e <= len).count();
            let start = if complete == 0 { 0 } else { ends[complete - 1] };
            let ctx = format!("{} prefix {len}", v.name);
            for (i, item) in items.iter().take(complete).enumerate() {
                let m = item
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{ctx}: item {i}: {e}"));
                let m_start = if i == 0 { 0 } else { ends[i - 1] };
                assert_eq!(m.offset(), m_start, "{ctx}");
                assert_eq!(m.offset() + 8 + m.body().len(), ends[i], "{ctx}");
                let body = m
                    .decode_body(v.mode)
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                if let Body::EventData(d) = body {
                    Record::decode(&d).unwrap_or_else(|e| panic!("{ctx}: record: {e}"));
                }
            }
            if start == len {
                assert_eq!(items.len(), complete, "{ctx}: {items:?}");
                continue;
            }
            assert_eq!(items.len(), complete + 1, "{ctx}: {items:?}");
            let have = len - start;
            let full = ends[complete] - start;
            let expected = if have < 8 { 8 - have } else { full - have };
            assert_eq!(
                items[complete],
                Err(DecodeError::Incomplete { needed: expected }),
                "{ctx}: partial message of {full} bytes, {have} present"
            );
            // The single-message framing functions agree on the partial message.
            let partial = &prefix[start..];
            let incomplete = Err(DecodeError::Incomplete { needed: expected });
            assert_eq!(
                decode_frame(partial, u32::MAX).map(|_| ()),
                incomplete,
                "{ctx}"
            );
            assert_eq!(
                decode_message(partial, &v.opts()).map(|_| ()),
                incomplete,
                "{ctx}"
            );
        }
    }
}

/// Every cut inside every bundle of the valid vectors, re-framed as a shorter bundle: the
/// complete inner messages still decode, then exactly one error says where the cut inner message
/// (or its header) overruns the bundle.
#[test]
fn bundle_truncation_sweep() {
    let mut bundles = 0;
    for v in valid_vectors() {
        for m in Messages::new(&v.bytes, v.opts()).map(Result::unwrap) {
            if m.message_type() != MessageType::MESSAGE_BUNDLE {
                continue;
            }
            bundles += 1;
            let body = m.body();
            // Inner message ends, relative to the body.
            let Body::Bundle(b) = m.decode_body(v.mode).unwrap() else {
                panic!()
            };
            let ends: Vec<usize> = b
                .messages()
                .map(|r| {
                    let im = r.unwrap();
                    (im.offset() - m.body_offset()) + 8 + im.body().len()
                })
                .collect();
            for cut in 0..body.len() {
                let ctx = format!(
                    "{}: bundle at {} cut to {cut} body bytes",
                    v.name,
                    m.offset()
                );
                let mut bytes = Vec::new();
                estreamer_codec::encode_message(&mut bytes, 1, MessageType::MESSAGE_BUNDLE, |o| {
                    o.extend_from_slice(&body[..cut]);
                    Ok(())
                })
                .unwrap();
                let (tm, _) = decode_message(&bytes, &v.opts()).unwrap();
                let decoded = tm.decode_body(v.mode);
                if cut < 8 {
                    assert_eq!(
                        decoded,
                        Err(DecodeError::Invalid {
                            offset: 8,
                            kind: ErrorKind::LengthOverrun {
                                declared: 8,
                                available: u32::try_from(cut).unwrap()
                            },
                            location: None,
                        }),
                        "{ctx}"
                    );
                    continue;
                }
                let Ok(Body::Bundle(tb)) = decoded else {
                    panic!("{ctx}: {decoded:?}")
                };
                let items: Vec<_> = tb.messages().collect();
                let complete = ends.iter().take_while(|&&e| e <= cut).count();
                let start = if complete == 0 { 8 } else { ends[complete - 1] };
                for (i, item) in items.iter().take(complete).enumerate() {
                    let im = item
                        .as_ref()
                        .unwrap_or_else(|e| panic!("{ctx}: inner {i}: {e}"));
                    im.decode_body(v.mode).unwrap();
                }
                if start == cut {
                    assert_eq!(items.len(), complete, "{ctx}");
                    continue;
                }
                assert_eq!(items.len(), complete + 1, "{ctx}: {items:?}");
                let have = cut - start;
                // Absolute offsets: the bundle header is 8 bytes, so body offset x is at 8 + x.
                let expected = if have < 8 {
                    DecodeError::Invalid {
                        offset: 8 + start,
                        kind: ErrorKind::LengthOverrun {
                            declared: 8,
                            available: u32::try_from(have).unwrap(),
                        },
                        location: None,
                    }
                } else {
                    let declared = u32::try_from(ends[complete] - start - 8).unwrap();
                    DecodeError::Invalid {
                        offset: 8 + start + 4,
                        kind: ErrorKind::LengthOverrun {
                            declared,
                            available: u32::try_from(have - 8).unwrap(),
                        },
                        location: None,
                    }
                };
                assert_eq!(items[complete], Err(expected), "{ctx}");
            }
        }
    }
    assert!(bundles >= 2, "{bundles}");
}

/// Decodes everything in `bytes` (framing, bodies, bundle inner messages) and checks that each
/// message that decodes re-encodes to exactly its bytes. Returns the number of messages seen.
fn decode_everything(bytes: &[u8], mode: HeaderMode) -> usize {
    fn message(whole: &[u8], m: &Message<'_>, mode: HeaderMode, depth: usize) -> usize {
        let mut seen = 1;
        let enc = match m.decode_body(mode) {
            Ok(body) => {
                if let Body::Bundle(b) = &body {
                    assert!(depth < 64, "bundle nesting too deep");
                    for inner in b.messages().flatten() {
                        seen += message(whole, &inner, mode, depth + 1);
                    }
                }
                if let Body::EventData(d) = &body {
                    // Whatever decodes as a typed record re-encodes to its body and walks it.
                    if let Ok(r) = Record::decode(d) {
                        check_record(d, &r, "mutated input");
                    }
                }
                encode(m, &body)
            }
            Err(_) => {
                let mut out = Vec::new();
                estreamer_codec::Encode::encode_with_version(m, m.version(), &mut out).unwrap();
                out
            }
        };
        assert_eq!(enc, raw(whole, m), "{m:?} does not re-encode to its bytes");
        seen
    }
    let opts = DecodeOptions {
        header_mode: mode,
        ..DecodeOptions::default()
    };
    Messages::new(bytes, opts)
        .flatten()
        .map(|m| message(bytes, &m, mode, 0))
        .sum()
}

/// Every byte of every valid vector set to 0x00, 0xFF and +1, decoded in every header mode:
/// no panic, and whatever decodes re-encodes to its exact bytes.
#[test]
fn mutation_sweep() {
    let mut runs = 0usize;
    for v in valid_vectors() {
        for i in 0..v.bytes.len() {
            let original = v.bytes[i];
            for value in [0x00, 0xFF, original.wrapping_add(1)] {
                let mut mutated = v.bytes.clone();
                mutated[i] = value;
                for mode in MODES {
                    decode_everything(&mutated, mode);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 10_000, "{runs}");
}

/// Hostile vectors too must decode without panicking and re-encode what they frame.
#[test]
fn hostile_vectors_do_not_panic() {
    for v in hostile_vectors() {
        for mode in MODES {
            decode_everything(&v.bytes, mode);
        }
    }
}

fn single(v: &Vector) -> (Message<'_>, Body<'_>) {
    let mut it = Messages::new(&v.bytes, v.opts());
    let m = it.next().unwrap().unwrap();
    assert!(it.next().is_none(), "{}: more than one message", v.name);
    let body = m.decode_body(v.mode).unwrap();
    (m, body)
}

#[test]
fn appendix_b1_event_stream_request() {
    let v = vector("b1_event_stream_request.hex");
    let (m, body) = single(&v);
    assert_eq!(m.version(), 1);
    assert_eq!(m.message_type(), MessageType::EVENT_STREAM_REQUEST);
    assert_eq!(m.length(), 8);
    let Body::EventStreamRequest(r) = body else {
        panic!("{body:?}")
    };
    assert_eq!(r.initial_timestamp, InitialTimestamp::At(0x5F00_0000));
    assert_eq!(r.flags, RequestFlags::ENCORE_DEFAULT);
    assert!(r.flags.contains(
        RequestFlags::PACKET_DATA
            | RequestFlags::IMPACT_ALERTS
            | RequestFlags::INTRUSION_IMPACT_FLAGS
            | RequestFlags::METADATA_V4
            | RequestFlags::ARCHIVE_TIMESTAMPS
            | RequestFlags::EXTRA_DATA
            | RequestFlags::EXTENDED_REQUESTS
    ));
    assert_eq!(r.flags.iter().count(), 7);
    assert_eq!(HeaderMode::for_flags(r.flags), HeaderMode::Extended);
}

fn entries(r: &estreamer_codec::StreamingRequest<'_>) -> Vec<(u16, u16)> {
    r.entries
        .iter()
        .map(|e| (e.version.get(), e.code.get()))
        .collect()
}

#[test]
fn appendix_b2_streaming_requests() {
    let expected_b2 = [
        (9, 12),
        (4, 21),
        (9, 31),
        (11, 61),
        (14, 71),
        (7, 91),
        (7, 101),
        (6, 111),
        (2, 131),
    ];
    let expected_b2b = [
        (11, 12),
        (4, 21),
        (9, 31),
        (11, 61),
        (17, 71),
        (7, 91),
        (8, 101),
        (7, 111),
        (2, 131),
    ];
    for (file, expected) in [
        ("b2_streaming_request_encore_3_8_4.hex", expected_b2),
        ("b2b_streaming_request_encore_5_2_11.hex", expected_b2b),
    ] {
        let v = vector(file);
        let (m, body) = single(&v);
        assert_eq!(m.message_type(), MessageType::STREAMING_REQUEST);
        assert_eq!(m.length(), 56);
        let Body::StreamingRequest(r) = body else {
            panic!("{body:?}")
        };
        assert_eq!(r.service_id, estreamer_codec::ESTREAMER_SERVICE_ID);
        assert_eq!(r.service_id, 6667);
        assert_eq!(r.convention, ServiceLengthConvention::IncludingHeader);
        assert_eq!(r.flags, RequestFlags(0x4890_0061));
        assert_eq!(r.initial_timestamp, InitialTimestamp::At(1_593_835_520));
        assert_eq!(entries(&r), expected, "{file}");
        assert_eq!(EventCode(r.entries[4].code.get()), EventCode::CONNECTION);
    }
    // Guide worked example shape: excluding convention, two entries.
    let v = vector("streaming_request_excluding_guide_example.hex");
    let (m, body) = single(&v);
    assert_eq!(m.length(), 28);
    let Body::StreamingRequest(r) = body else {
        panic!("{body:?}")
    };
    assert_eq!(r.convention, ServiceLengthConvention::ExcludingHeader);
    assert_eq!(entries(&r), [(4, 21), (9, 12)]);
    assert_eq!(r.initial_timestamp, InitialTimestamp::Genesis);
}

#[test]
fn appendix_b3_null_and_b4_error() {
    let v = vector("b3_null.hex");
    let (m, body) = single(&v);
    assert_eq!(
        (m.version(), m.message_type(), m.length()),
        (1, MessageType::NULL, 0)
    );
    assert_eq!(body, Body::Null);
    assert_eq!(v.bytes, estreamer_codec::Null::BYTES);

    let v = vector("b4_error_bye.hex");
    let (m, body) = single(&v);
    assert_eq!(m.length(), 9);
    let Body::Error(e) = body else {
        panic!("{body:?}")
    };
    assert_eq!(e.code, -1);
    assert_eq!(e.text.as_bytes(), b"bye");
    assert_eq!(e.text.as_str(), Some("bye"));
}

#[test]
fn appendix_b5_classification() {
    let v = vector("b5_classification_standard.hex");
    let (m, body) = single(&v);
    assert_eq!(m.length(), 92);
    let Body::EventData(d) = body else {
        panic!("{body:?}")
    };
    assert_eq!(d.header_form(), RecordHeaderForm::Standard);
    assert_eq!(d.record_type(), RecordType::CLASSIFICATION_METADATA);
    assert_eq!(d.record_type(), RecordType(67));
    assert_eq!(d.netmap_id(), 0);
    assert!(!d.type_word_flag());
    assert_eq!(d.record_length(), 84);
    assert_eq!(d.archive_timestamp(), None);
    assert_eq!(d.reserved(), None);
    assert_eq!(d.body_offset(), 16);
    // Body fields (docs/protocol.md §9.2): id 35, name length 15, name, description length 29.
    assert_eq!(&d.body[..4], &35u32.to_be_bytes());
    assert_eq!(&d.body[4..6], &15u16.to_be_bytes());
    assert_eq!(&d.body[6..21], b"trojan-activity");
    assert_eq!(&d.body[21..23], &29u16.to_be_bytes());
    assert_eq!(&d.body[23..52], b"A Network Trojan was Detected");
    assert_eq!(&d.body[52..], &[0u8; 32]);
    // The same through the typed record.
    let Ok(Record::Classification(c)) = Record::decode(&d) else {
        panic!("record 67 is a classification")
    };
    assert_eq!(c.classification_id(), 35);
    assert_eq!(c.name().as_bytes(), b"trojan-activity");
    assert_eq!(c.description().as_bytes(), b"A Network Trojan was Detected");
    assert!(c.classification_uuid().is_nil() && c.classification_revision_uuid().is_nil());
    assert!(c.trailing().is_empty());
}

#[test]
fn appendix_b6_rule_message_extended() {
    let v = vector("b6_rule_message_extended.hex");
    let (m, body) = single(&v);
    assert_eq!(m.length(), 82);
    let Body::EventData(d) = body else {
        panic!("{body:?}")
    };
    assert_eq!(d.header_form(), RecordHeaderForm::Extended);
    assert_eq!(d.record_type(), RecordType::RULE_MESSAGE_METADATA);
    assert_eq!(d.record_type(), RecordType(66));
    assert_eq!(d.archive_timestamp(), Some(0));
    assert_eq!(d.reserved(), Some(0));
    assert_eq!(d.record_length(), 66);
    assert_eq!(d.body.len(), 66);
    assert_eq!(d.body_offset(), 24);
    // docs/protocol.md §8.1: GID 1, Rule ID 1000001, revision 0, rendered SID 2000005, message length 16.
    assert_eq!(&d.body[0..4], &1u32.to_be_bytes());
    assert_eq!(&d.body[4..8], &1_000_001u32.to_be_bytes());
    assert_eq!(&d.body[8..12], &0u32.to_be_bytes());
    assert_eq!(&d.body[12..16], &2_000_005u32.to_be_bytes());
    assert_eq!(&d.body[16..18], &16u16.to_be_bytes());
    assert_eq!(d.body[18..34], (0u8..16).collect::<Vec<_>>()[..]);
    assert_eq!(d.body[34..50], (16u8..32).collect::<Vec<_>>()[..]);
    assert_eq!(&d.body[50..], b"MALWARE-CNC test");
    // The same through the typed record: the rendered SID is not the rule ID.
    let Ok(Record::RuleMessage(r)) = Record::decode(&d) else {
        panic!("record 66 is a rule message")
    };
    assert_eq!((r.generator_id(), r.rule_id()), (1, 1_000_001));
    assert_eq!(r.rendered_signature_id(), 2_000_005);
    assert_eq!(r.message_length(), 16);
    assert_eq!(r.rule_uuid().0, core::array::from_fn(|i| i as u8));
    assert_eq!(r.message().as_bytes(), b"MALWARE-CNC test");
    // Strict modes: only extended accepts it.
    assert!(m.decode_body(HeaderMode::Extended).is_ok());
    assert!(m.decode_body(HeaderMode::Standard).is_err());
}

#[test]
fn appendix_b7_rua_user() {
    let v = vector("b7_rua_user_98.hex");
    let (m, body) = single(&v);
    assert_eq!(m.length(), 37);
    let Body::EventData(d) = body else {
        panic!("{body:?}")
    };
    assert_eq!(d.header_form(), RecordHeaderForm::Standard);
    assert_eq!(d.record_type(), RecordType::USER);
    assert_eq!(d.record_type(), RecordType(98));
    assert_eq!(d.record_length(), 29);
    // Block 57: type 57, length 29, user id 5, protocol 0, String block (0, 13, "alice").
    let words: Vec<u32> = d.body[..24]
        .chunks(4)
        .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(words, [57, 29, 5, 0, 0, 13]);
    assert_eq!(&d.body[24..], b"alice");
    let Ok(Record::User(t, u)) = Record::decode(&d) else {
        panic!("record 98 is a user")
    };
    assert_eq!(t, RecordType(98));
    assert_eq!((u.user_id(), u.protocol()), (5, 0));
    assert_eq!(u.username().as_bytes(), b"alice");
    assert!(m.decode_body(HeaderMode::Standard).is_ok());
    assert!(m.decode_body(HeaderMode::Extended).is_err());
}

#[test]
fn netmap_and_type_word_flag() {
    let v = vector("event_data_netmap.hex");
    let (_, body) = single(&v);
    let Body::EventData(d) = body else {
        panic!("{body:?}")
    };
    assert_eq!(d.record_type_word, 0x0003_0190);
    assert_eq!(d.record_type(), RecordType::INTRUSION_EVENT);
    assert_eq!(d.netmap_id(), 3);
    assert!(!d.type_word_flag());

    let v = vector("event_data_type_word_flag.hex");
    let (_, body) = single(&v);
    let Body::EventData(d) = body else {
        panic!("{body:?}")
    };
    assert_eq!(d.record_type_word, 0x8002_0004);
    assert_eq!(d.record_type(), RecordType::PRIORITY_METADATA);
    assert_eq!(d.netmap_id(), 2);
    assert!(d.type_word_flag());
    assert_eq!(d.reserved(), Some(0x1234_5678));
}

#[test]
fn session_extended_structure() {
    let v = vector("session_extended.hex");
    let items: Vec<_> = Messages::new(&v.bytes, v.opts())
        .map(Result::unwrap)
        .collect();
    let types: Vec<_> = items.iter().map(Message::message_type).collect();
    assert_eq!(
        types,
        [
            MessageType::STREAMING_INFORMATION,
            MessageType::MESSAGE_BUNDLE,
            MessageType::NULL
        ]
    );
    let Body::StreamingInformation(si) = items[0].decode_body(v.mode).unwrap() else {
        panic!()
    };
    assert_eq!(si.estreamer_service().map(|s| s.service_id), Some(6667));
    let Body::Bundle(b) = items[1].decode_body(v.mode).unwrap() else {
        panic!()
    };
    assert_eq!((b.connection_id, b.sequence_number), (42, 1));
    let records: Vec<_> = b
        .messages()
        .map(|r| {
            let m = r.unwrap();
            assert_eq!(m.version(), 0);
            let Body::EventData(d) = m.decode_body(v.mode).unwrap() else {
                panic!()
            };
            (d.record_type().0, d.archive_timestamp())
        })
        .collect();
    assert_eq!(
        records,
        [
            (66, Some(0)),
            (67, Some(0)),
            (2, Some(1_600_000_000)),
            (110, Some(1_600_000_000))
        ]
    );
}

/// Re-encodes a decoded record from its typed parts: each typed view's
/// `View::to_repr().encode()` (through [`TypedView`](estreamer_codec::layout::TypedView); for
/// a record that starts with the discovery event header, the header without its trailing bytes,
/// which are the block), a raw block through `encode_block`, an unknown record's body as is, a
/// generic record through its layouts.
fn reencode_record(r: &Record<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut views = 0;
    let has_header = r.prefix().is_some();
    r.for_each_view(|v| {
        let start = out.len();
        v.encode_repr(&mut out)
            .unwrap_or_else(|e| panic!("encoding {}: {e}", v.layout().name));
        if views == 0 && has_header {
            out.truncate(out.len() - v.trailing().len());
            assert!(out.len() >= start);
        }
        views += 1;
    });
    if views > 0 {
        // A typed record whose block type has no layout: after the header, the block raw.
        if let Some(b) = r.raw_block() {
            estreamer_codec::encode_block(&mut out, b.block_type, |o| {
                o.extend_from_slice(b.data);
                Ok(())
            })
            .unwrap();
        }
        return out;
    }
    let result = match r {
        Record::RawBlock(_, b) => estreamer_codec::encode_block(&mut out, b.block_type, |o| {
            o.extend_from_slice(b.data);
            Ok(())
        }),
        Record::Unknown(_, body) => {
            out.extend_from_slice(body);
            Ok(())
        }
        // Records without a typed variant: through their layouts, generically.
        other => other.encode_body(&mut out),
    };
    result.unwrap_or_else(|e| panic!("encoding {r:?}: {e}"));
    out
}

/// One decoded record: its typed encoding is its body bit for bit and decodes to an equal
/// record; the layout walker covers the body exactly (header prefix + block header + walked
/// fields + trailing bytes).
fn check_record(d: &estreamer_codec::EventData<'_>, r: &Record<'_>, ctx: &str) {
    let enc = reencode_record(r);
    assert_eq!(
        enc, d.body,
        "{ctx}: typed re-encoding of {r:?} is not bit-exact"
    );
    let again = Record::decode_body(d.record_type(), &enc, 0)
        .unwrap_or_else(|e| panic!("{ctx}: decode(encode(record)): {e}"));
    assert_eq!(&again, r, "{ctx}: decode(encode(record)) != record");
    let prefix = match r.prefix() {
        Some(pre) => {
            assert_eq!(pre.offset, d.body_offset(), "{ctx}");
            let w = pre.for_each(|_, _| {}).unwrap();
            assert_eq!(
                w.end,
                pre.bytes.len(),
                "{ctx}: the header prefix walks to its end"
            );
            pre.bytes.len()
        }
        None => 0,
    };
    match r.parts() {
        Some(parts) => {
            let header = if parts.layout.block_type.is_some() {
                8
            } else {
                0
            };
            assert_eq!(
                parts.offset,
                d.body_offset() + prefix + header,
                "{ctx}: {}",
                parts.layout.name
            );
            let walked = parts.for_each(|_, _| {}).unwrap();
            let trailing = parts.trailing().unwrap();
            assert_eq!(
                prefix + header + walked.end + trailing.len(),
                d.body.len(),
                "{ctx}: {}: the walk plus trailing bytes must cover the body",
                parts.layout.name
            );
            assert_eq!(trailing, &parts.bytes[walked.end..], "{ctx}");
        }
        None => match (r.raw_block(), r) {
            (Some(b), _) => assert_eq!(prefix + b.length(), d.body.len(), "{ctx}"),
            (None, Record::Unknown(_, body)) => assert_eq!(*body, d.body, "{ctx}"),
            (None, other) => panic!("{ctx}: {other:?} has neither parts nor raw bytes"),
        },
    }
}

/// Every Event Data message of the valid vectors (bundles included).
fn event_data_of(v: &Vector) -> Vec<(usize, estreamer_codec::EventData<'_>)> {
    fn push<'a>(
        m: &Message<'a>,
        mode: HeaderMode,
        out: &mut Vec<(usize, estreamer_codec::EventData<'a>)>,
    ) {
        match m.decode_body(mode).unwrap() {
            Body::EventData(d) => out.push((m.offset(), d)),
            Body::Bundle(b) => {
                for inner in b.messages() {
                    push(&inner.unwrap(), mode, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for m in Messages::new(&v.bytes, v.opts()) {
        push(&m.unwrap(), v.mode, &mut out);
    }
    out
}

/// Task of the typed records: for every valid vector, each record decodes, re-encodes bit-exact
/// through `View::to_repr().encode()` (or its raw form), and the layout walker covers exactly
/// its body.
#[test]
fn typed_records_reencode_bit_exact() {
    let mut records = 0;
    for v in valid_vectors() {
        for (offset, d) in event_data_of(&v) {
            let ctx = format!("{}: message at {offset}", v.name);
            let r = Record::decode(&d).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            check_record(&d, &r, &ctx);
            records += 1;
        }
    }
    assert!(records >= 80, "only {records} records");
}

/// The record vectors exercise every record layout this crate decodes for intrusion events and
/// their metadata, every intrusion block type of docs/protocol.md §9.3 that has a vector (41, 45, 60, 81,
/// 85), and both raw forms.
#[test]
fn record_vectors_cover_the_layouts() {
    let mut layouts = BTreeSet::new();
    let mut intrusion_blocks = BTreeSet::new();
    let mut record_types = BTreeSet::new();
    for v in record_vectors() {
        for (_, d) in event_data_of(&v) {
            let r = Record::decode(&d).unwrap();
            record_types.insert(d.record_type().0);
            let name = match (r.parts(), r.raw_block()) {
                (Some(p), _) => p.layout.name,
                (None, Some(_)) => "raw_block",
                (None, None) => "raw",
            };
            layouts.insert(name);
            if d.record_type() == RecordType::INTRUSION_EVENT {
                intrusion_blocks.insert(u32::from_be_bytes(d.body[..4].try_into().unwrap()));
            }
        }
    }
    for name in [
        "rule_message",
        "rule_message_legacy",
        "classification",
        "priority",
        "intrusion_event_41",
        "intrusion_event_60",
        "intrusion_event_81",
        "intrusion_event_85",
        "intrusion_event_extra_data",
        "intrusion_event_extra_data_metadata",
        "packet",
        "intrusion_impact_alert",
        "uuid_string_mapping",
        "access_control_rule_id",
        "access_control_policy",
        "id_name",
        "geolocation",
        "ioc_name",
        "network_analysis_policy",
        "user",
        "raw_block",
        "raw",
    ] {
        assert!(layouts.contains(name), "no record vector for layout {name}");
    }
    assert_eq!(
        intrusion_blocks.into_iter().collect::<Vec<_>>(),
        [41, 45, 60, 81, 85]
    );
    for t in [
        2, 4, 5, 9, 62, 63, 66, 67, 98, 110, 111, 115, 116, 117, 118, 119, 123, 145, 161, 400, 520,
        606, 700,
    ] {
        assert!(record_types.contains(&t), "no record vector for record {t}");
    }
}
