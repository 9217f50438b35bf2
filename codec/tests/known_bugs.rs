//! Codec defects found while checking the vectors, each pinned by a regression test. A defect
//! not yet fixed is `#[ignore]`d with its reason (run those with `-- --ignored`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "common/keys.rs"]
mod keys;
use keys::EVENT_DATA_KEYS;

use estreamer_codec::{Body, DecodeOptions, HeaderMode, MessageType, Messages, encode_body};

/// `Bundle` derives `PartialEq`, so equality includes the private `messages_offset` (where the
/// bundle was decoded). `EventData` deliberately compares wire content only. Result: a bundle
/// that is not at offset 0 is not equal to the decoding of its own encoding, although every
/// byte is the same.
#[test]
fn bundle_equality_ignores_position() {
    // A Null (docs/protocol.md Appendix B.3) then a bundle with no inner message: connection 1, sequence 2.
    let bytes = [
        0, 1, 0, 0, 0, 0, 0, 0, // Null at 0
        0, 1, 0x0f, 0xa2, 0, 0, 0, 8, // bundle at 8: version 1, type 4002, length 8
        0, 0, 0, 1, 0, 0, 0, 2, // connection id 1, sequence number 2
    ];
    let messages: Vec<_> = Messages::new(&bytes, DecodeOptions::default())
        .map(Result::unwrap)
        .collect();
    let bundle = messages[1];
    assert_eq!(bundle.message_type(), MessageType::MESSAGE_BUNDLE);
    let body = bundle.decode_body(HeaderMode::Auto).unwrap();
    let mut encoded = Vec::new();
    encode_body(&mut encoded, 1, bundle.message_type(), &body).unwrap();
    assert_eq!(encoded, &bytes[8..]);
    let (again, _) = estreamer_codec::decode_message(&encoded, &DecodeOptions::default()).unwrap();
    let again = again.decode_body(HeaderMode::Auto).unwrap();
    let (Body::Bundle(a), Body::Bundle(b)) = (&body, &again) else {
        panic!("not bundles")
    };
    assert_eq!(a.messages_bytes(), b.messages_bytes());
    assert_eq!(
        (a.connection_id, a.sequence_number),
        (b.connection_id, b.sequence_number)
    );
    // Same content, decoded at offsets 8 and 0:
    assert_eq!(body, again, "equal wire content must compare equal");
}

/// The keys `--render` adds to an intrusion event object.
const RENDERED_KEYS: &[&str] = &[
    "gid",
    "sid",
    "rev",
    "rule_rendered",
    "sid_status",
    "rule_message",
    "classification",
    "classification_description",
    "priority",
    "device",
    "intrusion_policy",
    "access_control_policy",
    "access_control_rule",
    "interface_ingress",
    "interface_egress",
    "security_zone_ingress",
    "security_zone_egress",
    "network_analysis_policy",
    "user",
    "client_application",
    "application_protocol",
    "web_application",
    "source_country_name",
    "destination_country_name",
    "ioc",
    "ssl_actual_action_name",
    "ssl_flow_status_name",
];

/// Every layout whose fields `estreamer decode` writes at the top level of an object: the
/// main layouts of every record of the table.
fn top_level_layouts() -> Vec<&'static estreamer_codec::layout::Layout> {
    let mut out: Vec<&'static estreamer_codec::layout::Layout> = Vec::new();
    for e in estreamer_codec::records::catalogue::entries() {
        for l in e.shape.layouts() {
            if !out.contains(l) {
                out.push(l);
            }
        }
    }
    out
}

/// The JSON key(s) a field produces: its name, and `<name>_hex` for text.
fn keys_of(f: &estreamer_codec::layout::Field) -> Vec<String> {
    use estreamer_codec::layout::Kind;
    // A u16 length whose text comes later is not written (RecordParts::for_each skips it).
    if f.kind == Kind::Len16 {
        return Vec::new();
    }
    let mut keys = vec![f.name.to_owned()];
    if matches!(
        f.kind,
        Kind::StringBlock | Kind::Text16 | Kind::Text32 | Kind::Counted
    ) {
        keys.push(format!("{}_hex", f.name));
    }
    keys
}

/// A record's field names are written as top-level keys next to the message keys, so a field
/// named like a message key produces an object with the same key twice (RFC 8259 §4: names
/// SHOULD be unique; JSON parsers keep one of the two, most the last, so the header value is
/// lost). Today: record 66's `message_length` (u16 length of the rule message, docs/protocol.md §8.1)
/// repeats the message header's `message_length`: for Appendix B.6 the object holds
/// `"message_length":82` then `"message_length":16`, and serde_json, Python and jq all read 16.
#[test]
fn layout_field_names_do_not_repeat_message_keys() {
    let mut clashes = Vec::new();
    for layout in top_level_layouts() {
        let mut taken: Vec<String> = EVENT_DATA_KEYS.iter().map(|k| (*k).to_owned()).collect();
        if layout.block_type.is_some() {
            taken.extend(["block_type".to_owned(), "block_length".to_owned()]);
        }
        for f in layout.fields {
            for k in keys_of(f) {
                if taken.contains(&k) {
                    clashes.push(format!("{}.{}: key {k:?}", layout.name, f.name));
                }
                taken.push(k);
            }
        }
    }
    assert!(clashes.is_empty(), "duplicate JSON keys: {clashes:#?}");
}

/// With `--render`, an intrusion event object gets the rendered names after its typed fields;
/// four of the rendered keys are also intrusion field names, so the object holds each of them
/// twice: the number from the event, then the name (or null). docs/protocol.md §9.3 names the fields
/// Source Country, Destination Country, SSL Actual Action and SSL Flow Status; the README
/// (`--render`) uses the same words for the names. A parser keeps the name and loses the code
/// (e.g. `"source_country":840` then `"source_country":"United States"`), and without metadata
/// the code becomes null.
#[test]
fn intrusion_field_names_do_not_repeat_rendered_keys() {
    let mut clashes = Vec::new();
    let intrusion = estreamer_codec::records::catalogue::lookup(400).expect("record 400");
    for layout in intrusion.shape.layouts() {
        for f in layout.fields {
            for k in keys_of(f) {
                if RENDERED_KEYS.contains(&k.as_str()) {
                    clashes.push(format!("{}.{}", layout.name, f.name));
                }
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "duplicate JSON keys with --render: {clashes:#?}"
    );
}

/// testdata/README.md's error-offset convention: a length field inside a body is pointed at
/// directly, and so it is for record 4's u16 name length, record 67's, String blocks and the
/// u32 lengths. Record 66 keeps its u16 Message Length at body offset 16, 34 bytes before the
/// text (docs/protocol.md §8.1); when the text overruns the body the error points at the text (body
/// offset 50) instead of at the length field (body offset 16).
#[test]
fn rule_message_overrun_points_at_its_length_field() {
    use estreamer_codec::{DecodeError, ErrorKind, Record, RecordType};
    // Body at absolute offset 100: GID, rule ID, revision, SID (16 bytes), message length 20,
    // two UUIDs (32 bytes), then only 5 of the 20 message bytes.
    let mut body = vec![0u8; 16];
    body.extend_from_slice(&20u16.to_be_bytes());
    body.extend_from_slice(&[0u8; 32]);
    body.extend_from_slice(b"hello");
    // Record 4 for comparison: the overrun is reported at its u16 length (body offset 4).
    let mut priority = vec![0, 0, 0, 1, 0, 10];
    priority.extend_from_slice(b"abc");
    assert_eq!(
        Record::decode_body(RecordType(4), &priority, 100),
        Err(DecodeError::Invalid {
            offset: 104,
            kind: ErrorKind::LengthOverrun {
                declared: 10,
                available: 3
            },
            location: Some(estreamer_codec::Location {
                layout: "priority",
                field: "name"
            }),
        })
    );
    let err = Record::decode_body(RecordType(66), &body, 100).unwrap_err();
    let DecodeError::Invalid { offset, kind, .. } = err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(kind, ErrorKind::LengthOverrun { declared: 20, .. }),
        "{kind:?}"
    );
    assert_eq!(offset, 116, "expected the message_length field at 100 + 16");
}
