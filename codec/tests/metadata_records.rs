//! The metadata records of docs/protocol.md Appendix C that decode through the catalogue
//! (`codec/src/records_metadata.rs`): each layout is built through its `Repr`, decoded with
//! `Record::decode_body` as `Record::Generic`, walked field by field, re-encoded bit-exact (through
//! the typed view and through the generic walker), and cut at every byte. Records 614 and 140
//! (many String blocks) also get hand-computed offsets.

#[path = "common/keys.rs"]
mod keys;
use keys::EVENT_DATA_KEYS;

use estreamer_codec::layout::{self, Computed, Kind, Layout, Value};
use estreamer_codec::records::metadata::*;
use estreamer_codec::{DecodeError, ErrorKind, Record, RecordType, Text, Uuid};

/// Absolute offset the bodies are decoded at: every offset the decoder reports is shifted by it.
const BASE: usize = 100;

fn u(n: u8) -> Uuid {
    Uuid([n; 16])
}

fn t(s: &'static str) -> Text<'static> {
    Text(s.as_bytes())
}

fn vt(s: &'static str) -> Value<'static> {
    Value::Text(Text(s.as_bytes()))
}

/// Encodes through a `Repr`'s `encode`.
/// The location a layout error names.
fn loc(layout: &'static str, field: &'static str) -> Option<estreamer_codec::Location> {
    Some(estreamer_codec::Location { layout, field })
}

fn enc(f: impl FnOnce(&mut Vec<u8>) -> Result<(), estreamer_codec::EncodeError>) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    out
}

/// Everything that holds for any record of a catalogued metadata layout; returns the walked
/// `(position in the walked bytes, value)` of every field (lengths included) for offset checks.
fn check(
    record_type: u32,
    expected_layout: &Layout,
    body: &[u8],
    fields: &[(&str, Value<'_>)],
) -> Vec<usize> {
    let ctx = format!("record {record_type} ({})", expected_layout.name);
    let r = Record::decode_body(RecordType(record_type), body, BASE)
        .unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let Record::Generic(g) = r else {
        panic!("{ctx}: not generic: {r:?}")
    };
    assert_eq!(g.record_type, RecordType(record_type), "{ctx}");
    assert!(g.prefix.is_none(), "{ctx}: metadata records have no header");
    assert!(r.prefix().is_none(), "{ctx}");
    assert!(r.raw_block().is_none(), "{ctx}");
    let parts = r.parts().unwrap_or_else(|| panic!("{ctx}: no parts"));
    assert_eq!(parts.layout.name, expected_layout.name, "{ctx}");
    assert_eq!(*parts.layout, *expected_layout, "{ctx}");

    // Block layouts: the 8-byte header carries the layout's type and the whole body's length.
    let header = match expected_layout.block_type {
        Some(bt) => {
            assert_eq!(body[..4], bt.to_be_bytes(), "{ctx}: block type");
            assert_eq!(
                body[4..8],
                u32::try_from(body.len()).unwrap().to_be_bytes(),
                "{ctx}: block length"
            );
            8
        }
        None => 0,
    };
    assert_eq!(parts.offset, BASE + header, "{ctx}");
    assert_eq!(parts.bytes, &body[header..], "{ctx}");

    // The walk gives exactly the expected fields, in order, and covers the body.
    let mut got = Vec::new();
    let walked = parts.for_each(|name, v| got.push((name, v))).unwrap();
    let got_names: Vec<&str> = got.iter().map(|(n, _)| *n).collect();
    let want_names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    assert_eq!(got_names, want_names, "{ctx}");
    for ((name, g), (_, w)) in got.iter().zip(fields) {
        assert_eq!(g, w, "{ctx}: field {name}");
    }
    assert_eq!(walked.end, parts.bytes.len(), "{ctx}: trailing bytes");
    assert!(parts.trailing().unwrap().is_empty(), "{ctx}");

    // Generic re-encoding from the walked values (lengths are recomputed): bit-exact.
    let mut values = Vec::new();
    let mut positions = Vec::new();
    layout::walk(parts.layout, parts.bytes, parts.offset, |_, p, v| {
        positions.push(p);
        values.push(v);
    })
    .unwrap();
    let mut again = Vec::new();
    layout::encode_fields(parts.layout, &values, &[], &mut again).unwrap();
    assert_eq!(again, body, "{ctx}: generic re-encoding");
    // The same through the record's own encoder.
    let mut via_record = Vec::new();
    r.encode_body(&mut via_record).unwrap();
    assert_eq!(via_record, body, "{ctx}: Record::encode_body");

    // Every strict prefix is an error (a block's length no longer matches, or a field runs
    // past the end).
    for cut in 0..body.len() {
        let r = Record::decode_body(RecordType(record_type), &body[..cut], BASE);
        assert!(r.is_err(), "{ctx}: prefix of {cut} bytes decoded: {r:?}");
    }

    // A block of another type is kept raw, not misread.
    if let Some(bt) = expected_layout.block_type {
        let mut other = body.to_vec();
        other[..4].copy_from_slice(&(bt + 1).to_be_bytes());
        let r = Record::decode_body(RecordType(record_type), &other, BASE).unwrap();
        assert!(r.parts().is_none(), "{ctx}");
        let b = r
            .raw_block()
            .unwrap_or_else(|| panic!("{ctx}: not raw: {r:?}"));
        assert_eq!((b.block_type, b.length()), (bt + 1, body.len()), "{ctx}");
        assert_eq!(b.data, &body[8..], "{ctx}");
    }

    // One byte changed anywhere: an error, or a record that walks and re-encodes to its bytes.
    for i in 0..body.len() {
        for delta in [1u8, 0x80, 0xff] {
            let mut m = body.to_vec();
            m[i] = m[i].wrapping_add(delta);
            let Ok(r) = Record::decode_body(RecordType(record_type), &m, BASE) else {
                continue;
            };
            let Some(p) = r.parts() else { continue };
            let mut values = Vec::new();
            layout::walk(p.layout, p.bytes, p.offset, |_, _, v| values.push(v)).unwrap();
            let mut out = Vec::new();
            layout::encode_fields(p.layout, &values, p.trailing().unwrap(), &mut out).unwrap();
            assert_eq!(out, m, "{ctx}: byte {i} + {delta}");
        }
    }
    positions
}

/// The typed view of a walked record: parses the same bytes, gives back the `Repr` it was built
/// from, and encodes to the body.
macro_rules! typed {
    ($module:ident, $repr:expr, $body:expr, $record_type:expr) => {{
        let r = Record::decode_body(RecordType($record_type), &$body, BASE).unwrap();
        let p = r.parts().unwrap();
        let v = $module::View::parse(p.bytes, p.offset).unwrap();
        assert_eq!(v.to_repr(), $repr);
        assert_eq!(v.offset(), p.offset);
        assert!(v.trailing().is_empty());
        let mut again = Vec::new();
        v.to_repr().encode(&mut again).unwrap();
        assert_eq!(again, $body);
        v
    }};
}

#[test]
fn record_124_rule_reason() {
    let repr = rule_reason::Repr {
        reason_id: 8,
        description: t("IP Block"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 (header) + 4 (reason id) + 8 + 8 (String block "IP Block").
    assert_eq!(body.len(), 28);
    check(
        124,
        &rule_reason::LAYOUT,
        &body,
        &[
            ("reason_id", Value::U32(8)),
            ("description", vt("IP Block")),
        ],
    );
    let v = typed!(rule_reason, repr, body, 124);
    assert_eq!(v.reason_id(), 8);
    assert_eq!(v.description().as_bytes(), b"IP Block");
}

#[test]
fn records_260_270_icmp() {
    let repr = icmp_type::Repr {
        icmp_type: 8,
        protocol: 1,
        description: t("Echo Request"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + 2 + 2 + 8 + 12.
    assert_eq!(body.len(), 32);
    assert_eq!(&body[8..12], &[0, 8, 0, 1]);
    check(
        260,
        &icmp_type::LAYOUT,
        &body,
        &[
            ("icmp_type", Value::U16(8)),
            ("protocol", Value::U16(1)),
            ("description", vt("Echo Request")),
        ],
    );
    typed!(icmp_type, repr, body, 260);

    let repr = icmp_code::Repr {
        icmp_code: 4,
        icmp_type: 1,
        protocol: 58,
        description: t("port unreachable"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + 2 + 2 + 2 + 8 + 16.
    assert_eq!(body.len(), 38);
    assert_eq!(&body[8..14], &[0, 4, 0, 1, 0, 58]);
    check(
        270,
        &icmp_code::LAYOUT,
        &body,
        &[
            ("icmp_code", Value::U16(4)),
            ("icmp_type", Value::U16(1)),
            ("protocol", Value::U16(58)),
            ("description", vt("port unreachable")),
        ],
    );
    let v = typed!(icmp_code, repr, body, 270);
    assert_eq!((v.icmp_code(), v.icmp_type(), v.protocol()), (4, 1, 58));
}

#[test]
fn record_280_si_category() {
    let repr = si_category::Repr {
        list_id: 0x0102_0304,
        access_control_policy_uuid: u(0x5a),
        name: t("Malware"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + 4 + 16 + 8 + 7; the name's String block at 28.
    assert_eq!(body.len(), 43);
    assert_eq!(&body[28..36], &[0, 0, 0, 0, 0, 0, 0, 15]);
    check(
        280,
        &si_category::LAYOUT,
        &body,
        &[
            ("list_id", Value::U32(0x0102_0304)),
            ("access_control_policy_uuid", Value::Uuid(u(0x5a))),
            ("name", vt("Malware")),
        ],
    );
    typed!(si_category, repr, body, 280);
}

#[test]
fn records_132_282_600_uuid_and_string() {
    for (record_type, name) in [
        (132, "ctx-a"),
        (282, "Attackers"),
        (600, "Decrypt policy\0"),
    ] {
        let repr = uuid_string::Repr {
            uuid: u(0x11),
            name: t(name),
            trailing: &[],
        };
        let body = enc(|o| repr.encode(o));
        // No block header: UUID at 0, the String block at 16.
        assert_eq!(body.len(), 16 + 8 + name.len());
        assert_eq!(&body[..16], &[0x11; 16]);
        assert_eq!(&body[16..20], &[0, 0, 0, 0]);
        assert_eq!(
            body[20..24],
            u32::try_from(8 + name.len()).unwrap().to_be_bytes()
        );
        check(
            record_type,
            &uuid_string::LAYOUT,
            &body,
            &[("uuid", Value::Uuid(u(0x11))), ("name", vt(name))],
        );
        typed!(uuid_string, repr, body, record_type);
    }
}

#[test]
fn records_320_321_id_name_description() {
    for (record_type, id, name, description) in [
        (320, 28u32, "AAAA", "IPv6 address"),
        (321, 3, "NXDOMAIN", ""),
    ] {
        let repr = id_name_description::Repr {
            id,
            name: t(name),
            description: t(description),
            trailing: &[],
        };
        let body = enc(|o| repr.encode(o));
        assert_eq!(body.len(), 8 + 4 + 8 + name.len() + 8 + description.len());
        check(
            record_type,
            &id_name_description::LAYOUT,
            &body,
            &[
                ("id", Value::U32(id)),
                ("name", vt(name)),
                ("description", vt(description)),
            ],
        );
        typed!(id_name_description, repr, body, record_type);
    }
}

#[test]
fn record_511_file_sha_hash() {
    let sha: &[u8; 32] = &[0xab; 32];
    let repr = file_sha_hash::Repr {
        sha256: sha,
        file_name: t("setup.exe"),
        disposition: 3,
        user_defined: 1,
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + 32 + (8 + 9) + 1 + 1; the two bytes follow the name's block (ends at 57).
    assert_eq!(body.len(), 59);
    assert_eq!(&body[40..48], &[0, 0, 0, 0, 0, 0, 0, 17]);
    assert_eq!(&body[57..], &[3, 1]);
    check(
        511,
        &file_sha_hash::LAYOUT,
        &body,
        &[
            ("sha256", Value::Bytes(&[0xab; 32])),
            ("file_name", vt("setup.exe")),
            ("disposition", Value::U8(3)),
            ("user_defined", Value::U8(1)),
        ],
    );
    let v = typed!(file_sha_hash, repr, body, 511);
    assert_eq!((v.disposition(), v.user_defined()), (3, 1));
}

#[test]
fn record_530_file_policy_name() {
    let repr = file_policy_name::Repr {
        block_type: 0x4c,
        block_length: Computed,
        uuid: u(0xf0),
        name: t("Block malware"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 4 + 4 + 16 + 8 + 13 = 45: the length word is the whole body.
    assert_eq!(body.len(), 45);
    assert_eq!(&body[..8], &[0, 0, 0, 0x4c, 0, 0, 0, 45]);
    check(
        530,
        &file_policy_name::LAYOUT,
        &body,
        &[
            ("block_type", Value::U32(0x4c)),
            ("block_length", Value::U32(45)),
            ("uuid", Value::Uuid(u(0xf0))),
            ("name", vt("Block malware")),
        ],
    );
    let v = typed!(file_policy_name, repr, body, 530);
    assert_eq!(v.block_length(), 45);

    // The length must be the whole body: one more byte is trailing bytes at its end.
    let mut longer = body.clone();
    longer.push(0);
    assert_eq!(
        Record::decode_body(RecordType(530), &longer, BASE),
        Err(DecodeError::Invalid {
            offset: BASE + 45,
            kind: ErrorKind::TrailingBytes { count: 1 },
            location: loc("file_policy_name", "block_length"),
        })
    );
    // Encoded with trailing bytes, the length covers them and they come back verbatim.
    let with_tail = file_policy_name::Repr {
        trailing: &[0xee, 0xff],
        ..repr
    };
    let body = enc(|o| with_tail.encode(o));
    assert_eq!(&body[4..8], &[0, 0, 0, 47]);
    let r = Record::decode_body(RecordType(530), &body, BASE).unwrap();
    assert_eq!(r.parts().unwrap().trailing().unwrap(), &[0xee, 0xff]);
}

#[test]
fn record_601_ssl_rule_id() {
    let revision: &[u8; 16] = &[
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
        0xff,
    ];
    let repr = ssl_rule_id::Repr {
        policy_revision: revision,
        rule_id: 2,
        name: t("Decrypt - Resign"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 16 + 4 + 8 + 16, no block header.
    assert_eq!(body.len(), 44);
    assert_eq!(&body[16..20], &[0, 0, 0, 2]);
    check(
        601,
        &ssl_rule_id::LAYOUT,
        &body,
        &[
            ("policy_revision", Value::Bytes(revision)),
            ("rule_id", Value::U32(2)),
            ("name", vt("Decrypt - Resign")),
        ],
    );
    typed!(ssl_rule_id, repr, body, 601);
}

#[test]
fn record_614_ssl_certificate_details_offsets() {
    let fingerprint: &[u8; 20] = &[0xf1; 20];
    let public_key: &[u8; 20] = &[0xf2; 20];
    let serial: &[u8; 20] = &[
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x10, 0, 0, 0, 0,
    ];
    let repr = ssl_certificate_details::Repr {
        certificate_fingerprint: fingerprint,
        public_key_sha1: public_key,
        serial_number: serial,
        serial_number_length: 16,
        subject_common_name: t("example.com"),
        subject_organisation: t("Example Org"),
        subject_organisational_unit: t(""),
        subject_country: t("US"),
        issuer_common_name: t("Example CA"),
        issuer_organisation: t("Example Org"),
        issuer_organisational_unit: t("PKI"),
        issuer_country: t("US"),
        valid_start: 1_700_000_000,
        valid_finish: 1_731_536_000,
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // Hand-computed block offsets (docs/protocol.md Appendix C.12): 0 type, 4 length, 8 fingerprint, 28 public
    // key, 48 serial, 68 serial length, 72 subject CN (8 + 11 = 19), 91 subject O (19), 110
    // subject OU (8 + 0), 118 subject country (8 + 2), 128 issuer CN (8 + 10), 146 issuer O
    // (19), 165 issuer OU (8 + 3), 176 issuer country (10), 186 valid start, 190 valid finish,
    // 194 end.
    let block_offsets = [
        8, 28, 48, 68, 72, 91, 110, 118, 128, 146, 165, 176, 186, 190,
    ];
    assert_eq!(body.len(), 194);
    assert_eq!(&body[..8], &[0, 0, 0, 50, 0, 0, 0, 194]);
    assert_eq!(&body[8..28], fingerprint);
    assert_eq!(&body[28..48], public_key);
    assert_eq!(&body[48..68], serial);
    assert_eq!(&body[68..72], &[0, 0, 0, 16]);
    assert_eq!(&body[72..80], &[0, 0, 0, 0, 0, 0, 0, 19]);
    assert_eq!(&body[80..91], b"example.com");
    assert_eq!(&body[110..118], &[0, 0, 0, 0, 0, 0, 0, 8]);
    assert_eq!(&body[118..128], &[0, 0, 0, 0, 0, 0, 0, 10, b'U', b'S']);
    assert_eq!(
        &body[165..176],
        &[0, 0, 0, 0, 0, 0, 0, 11, b'P', b'K', b'I']
    );
    // 1700000000 = 0x6553f100, 1731536000 = 0x67352480.
    assert_eq!(&body[186..190], &[0x65, 0x53, 0xf1, 0x00]);
    assert_eq!(&body[190..194], &[0x67, 0x35, 0x24, 0x80]);
    let positions = check(
        614,
        &ssl_certificate_details::LAYOUT,
        &body,
        &[
            ("certificate_fingerprint", Value::Bytes(fingerprint)),
            ("public_key_sha1", Value::Bytes(public_key)),
            ("serial_number", Value::Bytes(serial)),
            ("serial_number_length", Value::U32(16)),
            ("subject_common_name", vt("example.com")),
            ("subject_organisation", vt("Example Org")),
            ("subject_organisational_unit", vt("")),
            ("subject_country", vt("US")),
            ("issuer_common_name", vt("Example CA")),
            ("issuer_organisation", vt("Example Org")),
            ("issuer_organisational_unit", vt("PKI")),
            ("issuer_country", vt("US")),
            ("valid_start", Value::U32(1_700_000_000)),
            ("valid_finish", Value::U32(1_731_536_000)),
        ],
    );
    // The walker's positions are in the block's data (block offset - 8).
    let expected: Vec<usize> = block_offsets.iter().map(|o| o - 8).collect();
    assert_eq!(positions, expected);
    let v = typed!(ssl_certificate_details, repr, body, 614);
    assert_eq!(v.valid_start(), 1_700_000_000);
    assert_eq!(v.valid_finish(), 1_731_536_000);
    assert_eq!(v.issuer_organisational_unit().as_bytes(), b"PKI");
    assert_eq!(v.fields_len(), 186);
}

#[test]
fn record_140_rule_documentation_offsets() {
    let repr = rule_documentation::Repr {
        signature_id: 2_000_015,
        generator_id: 1,
        revision: 3,
        summary: t("Summary"),
        impact: t("High"),
        detail: t(""),
        affected_systems: t("Linux"),
        attack_scenarios: t("Remote"),
        ease_of_attack: t("Simple"),
        false_positives: t("None known"),
        false_negatives: t("None"),
        corrective_action: t("Patch"),
        contributors: t("Sourcefire"),
        additional_references: t("cve,2024-0001"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // Hand-computed block offsets (docs/protocol.md Appendix C.14): 8 signature ID, 12 generator ID, 16
    // revision, then String blocks of 8 + text bytes: 20 summary (15), 35 impact (12), 47
    // detail (8), 55 affected systems (13), 68 attack scenarios (14), 82 ease of attack (14),
    // 96 false positives (18), 114 false negatives (12), 126 corrective action (13), 139
    // contributors (18), 157 additional references (21), 178 end.
    let block_offsets = [8, 12, 16, 20, 35, 47, 55, 68, 82, 96, 114, 126, 139, 157];
    assert_eq!(body.len(), 178);
    assert_eq!(&body[..8], &[0, 0, 0, 27, 0, 0, 0, 178]);
    // 2000015 = 0x001e848f.
    assert_eq!(&body[8..20], &[0, 0x1e, 0x84, 0x8f, 0, 0, 0, 1, 0, 0, 0, 3]);
    assert_eq!(&body[47..55], &[0, 0, 0, 0, 0, 0, 0, 8]);
    assert_eq!(&body[139..147], &[0, 0, 0, 0, 0, 0, 0, 18]);
    assert_eq!(&body[157..165], &[0, 0, 0, 0, 0, 0, 0, 21]);
    assert_eq!(&body[165..], b"cve,2024-0001");
    let positions = check(
        140,
        &rule_documentation::LAYOUT,
        &body,
        &[
            ("signature_id", Value::U32(2_000_015)),
            ("generator_id", Value::U32(1)),
            ("revision", Value::U32(3)),
            ("summary", vt("Summary")),
            ("impact", vt("High")),
            ("detail", vt("")),
            ("affected_systems", vt("Linux")),
            ("attack_scenarios", vt("Remote")),
            ("ease_of_attack", vt("Simple")),
            ("false_positives", vt("None known")),
            ("false_negatives", vt("None")),
            ("corrective_action", vt("Patch")),
            ("contributors", vt("Sourcefire")),
            ("additional_references", vt("cve,2024-0001")),
        ],
    );
    let expected: Vec<usize> = block_offsets.iter().map(|o| o - 8).collect();
    assert_eq!(positions, expected);
    let v = typed!(rule_documentation, repr, body, 140);
    assert_eq!(v.contributors().as_bytes(), b"Sourcefire");
    assert_eq!(v.additional_references().as_bytes(), b"cve,2024-0001");
}

#[test]
fn records_69_70_correlation() {
    let repr = correlation_policy::Repr {
        policy_id: 12,
        name: t("Policy A"),
        description: t("Watch DMZ"),
        policy_uuid: u(1),
        policy_revision_uuid: u(2),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // docs/protocol.md Appendix C.15: body size 40 + n + d = 40 + 8 + 9; the description's length at 6 + n = 14.
    assert_eq!(body.len(), 57);
    assert_eq!(&body[4..6], &[0, 8]);
    assert_eq!(&body[14..16], &[0, 9]);
    assert_eq!(&body[25..41], &[1; 16]);
    let positions = check(
        69,
        &correlation_policy::LAYOUT,
        &body,
        &[
            ("policy_id", Value::U32(12)),
            ("name", vt("Policy A")),
            ("description", vt("Watch DMZ")),
            ("policy_uuid", Value::Uuid(u(1))),
            ("policy_revision_uuid", Value::Uuid(u(2))),
        ],
    );
    // 0, 4, 6 + n = 14, 8 + n + d = 25, 24 + n + d = 41.
    assert_eq!(positions, [0, 4, 14, 25, 41]);
    typed!(correlation_policy, repr, body, 69);

    let repr = correlation_rule::Repr {
        rule_id: 7,
        name: t("Rule B"),
        description: t(""),
        event_type: t("intrusion"),
        rule_uuid: u(3),
        rule_revision_uuid: u(4),
        whitelist_uuid: Uuid::NIL,
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // Body size 58 + n + d + e = 58 + 6 + 0 + 9.
    assert_eq!(body.len(), 73);
    let positions = check(
        70,
        &correlation_rule::LAYOUT,
        &body,
        &[
            ("rule_id", Value::U32(7)),
            ("name", vt("Rule B")),
            ("description", vt("")),
            ("event_type", vt("intrusion")),
            ("rule_uuid", Value::Uuid(u(3))),
            ("rule_revision_uuid", Value::Uuid(u(4))),
            ("whitelist_uuid", Value::Uuid(Uuid::NIL)),
        ],
    );
    // 0, 4, 6 + n = 12, 8 + n + d = 14, 10 + n + d + e = 25, 41, 57.
    assert_eq!(positions, [0, 4, 12, 14, 25, 41, 57]);
    typed!(correlation_rule, repr, body, 70);
}

#[test]
fn record_54_fingerprint() {
    let repr = fingerprint::Repr {
        fingerprint_uuid: u(0x54),
        name: t("Windows"),
        vendor: t("Microsoft"),
        version: t("11"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 16 + (4 + 7) + (4 + 9) + (4 + 2).
    assert_eq!(body.len(), 46);
    let positions = check(
        54,
        &fingerprint::LAYOUT,
        &body,
        &[
            ("fingerprint_uuid", Value::Uuid(u(0x54))),
            ("name", vt("Windows")),
            ("vendor", vt("Microsoft")),
            ("version", vt("11")),
        ],
    );
    assert_eq!(positions, [0, 16, 27, 40]);
    typed!(fingerprint, repr, body, 54);
}

#[test]
fn record_57_vulnerability() {
    let repr = vulnerability::Repr {
        vulnerability_id: 1234,
        impact: 2,
        exploits: 1,
        remote: 0,
        entry_date: t("2020-01-01"),
        published_date: t("2020-02-01"),
        modified_date: t(""),
        title: t("Overflow"),
        short_description: t("buffer overflow"),
        description: t("A buffer overflow."),
        technical_description: t("len unchecked"),
        solution: t("Upgrade"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 10 fixed + 8 * 4 length words + 10 + 10 + 0 + 8 + 15 + 18 + 13 + 7 = 42 + 81.
    assert_eq!(body.len(), 123);
    assert_eq!(&body[8..10], &[1, 0]);
    let positions = check(
        57,
        &vulnerability::LAYOUT,
        &body,
        &[
            ("vulnerability_id", Value::U32(1234)),
            ("impact", Value::U32(2)),
            ("exploits", Value::U8(1)),
            ("remote", Value::U8(0)),
            ("entry_date", vt("2020-01-01")),
            ("published_date", vt("2020-02-01")),
            ("modified_date", vt("")),
            ("title", vt("Overflow")),
            ("short_description", vt("buffer overflow")),
            ("description", vt("A buffer overflow.")),
            ("technical_description", vt("len unchecked")),
            ("solution", vt("Upgrade")),
        ],
    );
    // 10, 24, 38, 42, 54, 73, 95, 112, end 123.
    assert_eq!(positions, [0, 4, 8, 9, 10, 24, 38, 42, 54, 73, 95, 112]);
    typed!(vulnerability, repr, body, 57);
}

#[test]
fn record_301_endpoint_profile() {
    let repr = endpoint_profile::Repr {
        profile_id: 40,
        profile_name: t("android"),
        full_name: t("Android device"),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + 4 + (8 + 7) + (8 + 14).
    assert_eq!(body.len(), 49);
    check(
        301,
        &endpoint_profile::LAYOUT,
        &body,
        &[
            ("profile_id", Value::U32(40)),
            ("profile_name", vt("android")),
            ("full_name", vt("Android device")),
        ],
    );
    typed!(endpoint_profile, repr, body, 301);
}

#[test]
fn record_106_third_party_vulnerability() {
    let repr = third_party_vulnerability::Repr {
        vulnerability_id: 99,
        scanner_type: 1,
        title: t("Weak cipher"),
        description: t("RC4 enabled"),
        cve_id: t("CVE-2013-2566"),
        bugtraq_id: t(""),
        trailing: &[],
    };
    let body = enc(|o| repr.encode(o));
    // 8 + (4 + 11) + (4 + 11) + (4 + 13) + 4.
    assert_eq!(body.len(), 59);
    let positions = check(
        106,
        &third_party_vulnerability::LAYOUT,
        &body,
        &[
            ("vulnerability_id", Value::U32(99)),
            ("scanner_type", Value::U32(1)),
            ("title", vt("Weak cipher")),
            ("description", vt("RC4 enabled")),
            ("cve_id", vt("CVE-2013-2566")),
            ("bugtraq_id", vt("")),
        ],
    );
    assert_eq!(positions, [0, 4, 8, 23, 38, 55]);
    typed!(third_party_vulnerability, repr, body, 106);
}

/// Every layout of the module, and the record types that use it.
fn layouts() -> Vec<(&'static Layout, &'static [u32])> {
    vec![
        (&rule_reason::LAYOUT, &[124]),
        (&icmp_type::LAYOUT, &[260]),
        (&icmp_code::LAYOUT, &[270]),
        (&si_category::LAYOUT, &[280]),
        (&uuid_string::LAYOUT, &[132, 282, 600]),
        (&id_name_description::LAYOUT, &[320, 321]),
        (&file_sha_hash::LAYOUT, &[511]),
        (&file_policy_name::LAYOUT, &[530]),
        (&ssl_rule_id::LAYOUT, &[601]),
        (&ssl_certificate_details::LAYOUT, &[614]),
        (&rule_documentation::LAYOUT, &[140]),
        (&correlation_policy::LAYOUT, &[69]),
        (&correlation_rule::LAYOUT, &[70]),
        (&fingerprint::LAYOUT, &[54]),
        (&vulnerability::LAYOUT, &[57]),
        (&endpoint_profile::LAYOUT, &[301]),
        (&third_party_vulnerability::LAYOUT, &[106]),
    ]
}

/// The module's catalogue rows are exactly these record types, each with its layout, and the
/// layout names are unique in the whole catalogue.
#[test]
fn catalogue_rows_match_the_layouts() {
    use estreamer_codec::records::catalogue::{Entry, entries, lookup};
    // The metadata family's rows without a typed variant.
    let family = |e: &Entry| {
        e.variant.is_none()
            && e.shape
                .layouts()
                .iter()
                .all(|l| estreamer_codec::records::metadata::LAYOUTS.contains(l))
    };
    let mut listed: Vec<u32> = entries()
        .filter(|e| family(e))
        .map(|e| e.record_type)
        .collect();
    listed.sort_unstable();
    let mut expected: Vec<u32> = layouts()
        .iter()
        .flat_map(|(_, ts)| ts.iter().copied())
        .collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    for (l, types) in layouts() {
        for &rt in types {
            let e = lookup(rt).unwrap_or_else(|| panic!("{rt} not catalogued"));
            assert_eq!(e.shape.layouts(), [l], "{rt}");
            assert!(
                family(e),
                "{rt} is not a generic row of the metadata family"
            );
        }
        // Same name, same layout: a name never stands for two layouts.
        for other in entries().flat_map(|e| e.shape.layouts().iter()) {
            if other.name == l.name {
                assert_eq!(*other, l, "{}", l.name);
            }
        }
    }
}

/// No field of these layouts writes a JSON key that the object already has.
#[test]
fn field_names_do_not_repeat_object_keys() {
    for (l, _) in layouts() {
        let mut taken: Vec<String> = EVENT_DATA_KEYS.iter().map(|k| (*k).to_owned()).collect();
        if l.block_type.is_some() {
            taken.extend(["block_type".to_owned(), "block_length".to_owned()]);
        }
        for f in l.fields {
            let mut keys = vec![f.name.to_owned()];
            if matches!(
                f.kind,
                Kind::StringBlock | Kind::Text16 | Kind::Text32 | Kind::Counted
            ) {
                keys.push(format!("{}_hex", f.name));
            }
            for k in keys {
                assert!(!taken.contains(&k), "{}.{}: key {k}", l.name, f.name);
                taken.push(k);
            }
        }
    }
}

/// Malformed bodies are errors at the field's absolute offset.
#[test]
fn malformed_bodies_are_errors_at_the_field() {
    // Record 69 whose description length (0x40 = 64) overruns the body: reported at the length.
    let repr = correlation_policy::Repr {
        policy_id: 1,
        name: t("n"),
        description: t("d"),
        policy_uuid: u(1),
        policy_revision_uuid: u(2),
        trailing: &[],
    };
    let mut body = enc(|o| repr.encode(o));
    // Name length at 4, name at 6, description length at 7; 42 - 9 = 33 bytes after it.
    body[7..9].copy_from_slice(&[0, 0x40]);
    assert_eq!(
        Record::decode_body(RecordType(69), &body, BASE),
        Err(DecodeError::Invalid {
            offset: BASE + 7,
            kind: ErrorKind::LengthOverrun {
                declared: 64,
                available: 33
            },
            location: loc("correlation_policy", "description"),
        })
    );
    // Record 132 whose name is a BLOB block (type 1), not a String.
    let mut body = enc(|o| {
        uuid_string::Repr {
            uuid: u(1),
            name: t("x"),
            trailing: &[],
        }
        .encode(o)
    });
    body[19] = 1;
    assert_eq!(
        Record::decode_body(RecordType(132), &body, BASE),
        Err(DecodeError::Invalid {
            offset: BASE + 16,
            kind: ErrorKind::UnexpectedBlockType {
                found: 1,
                expected: 0
            },
            location: loc("uuid_string", "name"),
        })
    );
    // Record 614 whose block is 4 bytes shorter than the body: trailing bytes after the block.
    let mut body = vec![0u8; 12];
    body[..8].copy_from_slice(&[0, 0, 0, 50, 0, 0, 0, 8]);
    assert!(matches!(
        Record::decode_body(RecordType(614), &body, BASE),
        Err(DecodeError::Invalid {
            kind: ErrorKind::TrailingBytes { count: 4 },
            ..
        })
    ));
}
