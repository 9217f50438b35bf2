//! Typed records: repr -> encode -> decode -> repr, dispatch on the wire block type, raw
//! pass-through, truncation and mutation sweeps, and rendering with the metadata cache.

use estreamer_codec::layout::Computed;
use estreamer_codec::names::{Metadata, Snapshot};
use estreamer_codec::records::intrusion::*;
use estreamer_codec::records::metadata::*;
use estreamer_codec::{
    Block, DecodeError, ErrorKind, IntrusionEvent, Ip16, Record, RecordType, Text, Uuid,
};

fn u(n: u8) -> Uuid {
    Uuid([n; 16])
}

fn ip(s: &str) -> Ip16 {
    Ip16::from_addr(s.parse().unwrap())
}

fn enc(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v = Vec::new();
    f(&mut v);
    v
}

fn rule(gid: u32, rule_id: u32, sid: u32, msg: &str) -> Vec<u8> {
    enc(|o| {
        rule_message::Repr {
            generator_id: gid,
            rule_id,
            rule_revision: 0,
            rendered_signature_id: sid,
            message_length: Computed,
            rule_uuid: u(1),
            rule_revision_uuid: u(2),
            message: Text(msg.as_bytes()),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    })
}

fn event85<'a>(rule_id: u32, host: &'a str) -> intrusion_event_85::Repr<'a> {
    intrusion_event_85::Repr {
        device_id: 7,
        event_id: 42,
        event_second: 1_700_000_000,
        event_microsecond: 999_999,
        rule_id,
        generator_id: 1,
        rule_revision: 3,
        classification_id: 35,
        priority_id: 1,
        source_ip: ip("192.0.2.1"),
        destination_ip: ip("2001:db8::1"),
        source_port_or_icmp_type: 65535,
        destination_port_or_icmp_code: 80,
        ip_protocol_id: 6,
        impact_flags: 0x07,
        impact: 2,
        blocked: 14,
        blocked_reason: 7,
        mpls_label: u32::MAX,
        vlan_id: 100,
        pad: 0,
        intrusion_policy_uuid: u(3),
        user_id: 0,
        web_application_id: 0,
        client_application_id: 0,
        application_protocol_id: 676,
        access_control_rule_id: 268_435_456,
        access_control_policy_uuid: u(4),
        interface_ingress_uuid: u(5),
        interface_egress_uuid: u(6),
        security_zone_ingress_uuid: u(7),
        security_zone_egress_uuid: Uuid::NIL,
        connection_timestamp: 1_700_000_000,
        connection_instance_id: 1,
        connection_counter: 2,
        source_country: 840,
        destination_country: 0,
        ioc_number: 0,
        security_context: &[0xaa; 16],
        ssl_certificate_fingerprint: &[0xbb; 20],
        ssl_actual_action: 0,
        ssl_flow_status: 0,
        network_analysis_policy_uuid: u(8),
        http_response_code: 200,
        ingress_vrf: Text(b""),
        egress_vrf: Text(b"vrf-\xff"),
        snort_version: 3,
        original_source_ip: ip("::"),
        http_hostname: Text(host.as_bytes()),
        http_uri: Text(b"/index.html"),
        smtp_attachments: Text(b""),
        smtp_from: Text(b""),
        smtp_headers: Text(b""),
        smtp_to: Text(b""),
        trailing: &[],
    }
}

/// Record 67 for classification 35, `trojan-activity`.
fn trojan_activity() -> Vec<u8> {
    enc(|o| {
        classification::Repr {
            classification_id: 35,
            name: Text(b"trojan-activity"),
            description: Text(b"A Network Trojan was Detected"),
            classification_uuid: u(1),
            classification_revision_uuid: u(2),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    })
}

#[test]
fn intrusion_85_round_trips_and_dispatches_on_the_block_type() {
    let repr = event85(1_000_003, "example.com");
    let body = enc(|o| repr.encode(o).unwrap());
    // Block 85: 283 fixed bytes (incl. header) + 8 string blocks (8 bytes each + text) + u8 +
    // ip16. Texts: "" + "vrf-\xff" (5) + "example.com" (11) + "/index.html" (11).
    assert_eq!(body.len(), 283 + 8 * 8 + 1 + 16 + 5 + 11 + 11);
    assert_eq!(&body[..4], &85u32.to_be_bytes());
    assert_eq!(&body[4..8], &(body.len() as u32).to_be_bytes());
    // Blocked reason at offset 84, MPLS label at 85 (docs/protocol.md §9.3).
    assert_eq!(body[84], 7);
    assert_eq!(&body[85..89], &[0xff; 4]);
    let r = Record::decode_body(RecordType::INTRUSION_EVENT, &body, 100).unwrap();
    let Record::IntrusionEvent(IntrusionEvent::V85(v)) = r else {
        panic!("{r:?}")
    };
    assert_eq!(v.to_repr(), repr);
    assert_eq!(v.offset(), 108);
    assert_eq!(v.source_ip().to_string(), "192.0.2.1");
    assert_eq!(v.destination_ip().to_string(), "2001:db8::1");
    assert_eq!(v.http_hostname().as_bytes(), b"example.com");
    assert_eq!(v.egress_vrf().as_bytes(), b"vrf-\xff");
    let mut again = Vec::new();
    v.to_repr().encode(&mut again).unwrap();
    assert_eq!(again, body);
}

#[test]
fn block_60_is_not_read_as_85() {
    let r60 = intrusion_event_60::Repr {
        device_id: 1,
        event_id: 2,
        event_second: 3,
        event_microsecond: 4,
        rule_id: 5,
        generator_id: 6,
        rule_revision: 7,
        classification_id: 8,
        priority_id: 9,
        source_ip: ip("10.0.0.1"),
        destination_ip: ip("10.0.0.2"),
        source_port_or_icmp_type: 11,
        destination_port_or_icmp_code: 12,
        ip_protocol_id: 17,
        impact_flags: 1,
        impact: 4,
        blocked: 1,
        mpls_label: 0x0102_0304,
        vlan_id: 5,
        pad: 0,
        intrusion_policy_uuid: u(9),
        user_id: 10,
        web_application_id: 11,
        client_application_id: 12,
        application_protocol_id: 13,
        access_control_rule_id: 14,
        access_control_policy_uuid: u(10),
        interface_ingress_uuid: u(11),
        interface_egress_uuid: u(12),
        security_zone_ingress_uuid: u(13),
        security_zone_egress_uuid: u(14),
        connection_timestamp: 15,
        connection_instance_id: 16,
        connection_counter: 17,
        source_country: 18,
        destination_country: 19,
        ioc_number: 20,
        security_context: &[1; 16],
        ssl_certificate_fingerprint: &[2; 20],
        ssl_actual_action: 21,
        ssl_flow_status: 22,
        network_analysis_policy_uuid: u(15),
        http_response_code: 404,
        trailing: &[],
    };
    let body = enc(|o| r60.encode(o).unwrap());
    assert_eq!(body.len(), 282);
    // MPLS label at offset 84 in block 60.
    assert_eq!(&body[84..88], &[1, 2, 3, 4]);
    let Record::IntrusionEvent(ev) = Record::decode_body(RecordType(400), &body, 0).unwrap() else {
        panic!()
    };
    assert_eq!(ev.block_type(), 60);
    assert_eq!(ev.blocked_reason(), None);
    let IntrusionEvent::V60(v) = ev else { panic!() };
    assert_eq!(v.to_repr(), r60);
    assert_eq!(v.mpls_label(), 0x0102_0304);
    assert_eq!(v.http_response_code(), 404);
}

#[test]
fn unknown_intrusion_block_and_unknown_record_stay_raw() {
    // Block 45 (guide 6.3 example, layout unverified): 278 bytes, raw.
    let mut body = vec![0u8; 278];
    body[..4].copy_from_slice(&45u32.to_be_bytes());
    body[4..8].copy_from_slice(&278u32.to_be_bytes());
    body[8] = 9;
    match Record::decode_body(RecordType(400), &body, 0).unwrap() {
        Record::RawBlock(t, b) => {
            assert_eq!((t.0, b.block_type, b.length()), (400, 45, 278));
            assert_eq!(b.data, &body[8..]);
        }
        other => panic!("{other:?}"),
    }
    match Record::decode_body(RecordType(9999), b"\x01\x02", 0).unwrap() {
        Record::Unknown(t, b) => assert_eq!((t.0, b), (9999, &b"\x01\x02"[..])),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_known_records_are_errors_with_offsets() {
    // A rule message whose message length (16) overruns the body by 1: reported at the length
    // field (body offset 16), as every length is.
    let mut body = rule(1, 2, 3, "0123456789abcdef");
    body.pop();
    let e = Record::decode_body(RecordType(66), &body, 1000).unwrap_err();
    assert_eq!(
        e,
        DecodeError::Invalid {
            offset: 1016,
            kind: ErrorKind::LengthOverrun {
                declared: 16,
                available: 15
            },
            location: Some(estreamer_codec::Location {
                layout: "rule_message",
                field: "message"
            }),
        }
    );
    // A block 85 whose ingress VRF string block claims 100 bytes.
    let repr = event85(1, "h");
    let mut b = enc(|o| repr.encode(o).unwrap());
    b[283 + 4..283 + 8].copy_from_slice(&100u32.to_be_bytes());
    let e = Record::decode_body(RecordType(400), &b, 0).unwrap_err();
    assert_eq!(e.offset(), Some(283 + 4));
    // A String field whose nested block is not a String (type 0).
    let mut b = enc(|o| repr.encode(o).unwrap());
    b[283..287].copy_from_slice(&1u32.to_be_bytes());
    assert_eq!(
        Record::decode_body(RecordType(400), &b, 0).unwrap_err(),
        DecodeError::Invalid {
            offset: 283,
            kind: ErrorKind::UnexpectedBlockType {
                found: 1,
                expected: 0
            },
            location: Some(estreamer_codec::Location {
                layout: "intrusion_event_85",
                field: "ingress_vrf"
            }),
        }
    );
    // Block length below 8.
    let b = [0, 0, 0, 85, 0, 0, 0, 7];
    assert_eq!(
        Record::decode_body(RecordType(400), &b, 0).unwrap_err(),
        DecodeError::Invalid {
            offset: 4,
            kind: ErrorKind::LengthTooSmall {
                declared: 7,
                min: 8
            },
            location: None,
        }
    );
}

#[test]
fn every_prefix_and_mutation_is_an_error_or_a_faithful_decode() {
    let samples: Vec<(u32, Vec<u8>)> = vec![
        (66, rule(1, 1_000_003, 2_000_015, "LOCAL rule")),
        (400, enc(|o| event85(5, "x").encode(o).unwrap())),
        (67, trojan_activity()),
        (
            110,
            enc(|o| {
                extra_data::Repr {
                    device_id: 1,
                    event_id: 2,
                    event_second: 3,
                    extra_data_type: 4,
                    data: b"\x20\x01\x0d\xb8",
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            2,
            enc(|o| {
                packet::Repr {
                    device_id: 1,
                    event_id: 2,
                    event_second: 3,
                    packet_second: 4,
                    packet_microsecond: 5,
                    link_type: 1,
                    packet_data: &[0x45; 60],
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
    ];
    for (t, body) in &samples {
        let full = Record::decode_body(RecordType(*t), body, 0).unwrap();
        assert!(full.parts().is_some(), "{t}");
        for cut in 0..body.len() {
            // A strict prefix never decodes as the typed record it was cut from.
            if let Ok(r) = Record::decode_body(RecordType(*t), &body[..cut], 0) {
                assert!(
                    !matches!(r, Record::RuleMessage(_) | Record::IntrusionEvent(_))
                        || r.parts().unwrap().bytes.len() < body.len(),
                    "{t} cut {cut}"
                );
            }
        }
        for i in 0..body.len() {
            for delta in [1u8, 0x80, 0xff] {
                let mut m = body.clone();
                m[i] = m[i].wrapping_add(delta);
                if let Ok(r) = Record::decode_body(RecordType(*t), &m, 0) {
                    // Whatever decodes re-walks without error.
                    if let Some(p) = r.parts() {
                        p.for_each(|_, _| {}).unwrap();
                    }
                }
            }
        }
    }
}

fn decode(t: u32, body: &[u8]) -> Record<'_> {
    Record::decode_body(RecordType(t), body, 0).unwrap()
}

/// The TAC note's case: an imported local rule whose internal rule ID (1000003) differs from the
/// SID the user entered (2000015). The event must render 2000015, and before record 66 arrives
/// it must render no SID at all.
#[test]
fn rendered_sid_comes_from_record_66_never_from_the_rule_id() {
    let ev_body = enc(|o| event85(1_000_003, "h").encode(o).unwrap());
    let Record::IntrusionEvent(ev) = decode(400, &ev_body) else {
        panic!()
    };
    let mut md = Metadata::new();
    let before = md.render(&ev);
    assert_eq!(before.sid, None);
    assert_eq!(before.rule_id, 1_000_003);
    assert_eq!(before.signature(), None);
    assert_eq!(before.rule_message, None);

    let r66 = rule(1, 1_000_003, 2_000_015, "LOCAL imported rule");
    assert!(md.ingest(&decode(66, &r66)));
    let after = md.render(&ev);
    assert_eq!(after.sid, Some(2_000_015));
    assert_eq!(after.signature().unwrap().to_string(), "1:2000015:3");
    assert_eq!(after.rule_message, Some("LOCAL imported rule"));
    // Another generator's rule with the same rule ID does not match.
    let mut md2 = Metadata::new();
    md2.ingest(&decode(66, &rule(3, 1_000_003, 9, "other gid")));
    assert_eq!(md2.render(&ev).sid, None);
}

#[test]
fn names_for_every_reference_and_snapshot_round_trip() {
    let mut md = Metadata::new();
    let put =
        |md: &mut Metadata, t: u32, body: Vec<u8>| assert!(md.ingest(&decode(t, &body)), "{t}");
    put(&mut md, 66, rule(1, 1_000_003, 2_000_015, "msg"));
    put(&mut md, 67, trojan_activity());
    put(
        &mut md,
        4,
        enc(|o| {
            priority::Repr {
                priority_id: 1,
                name: Text(b"high\0"),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
    );
    let idn = |id: u32, name: &'static str| {
        enc(move |o| {
            id_name::Repr {
                id,
                name: Text(name.as_bytes()),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        })
    };
    put(&mut md, 123, idn(7, "sensor-1"));
    put(&mut md, 63, idn(676, "HTTP"));
    let un = |n: u8, name: &'static str| {
        enc(move |o| {
            uuid_name::Repr {
                uuid: u(n),
                name: Text(name.as_bytes()),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        })
    };
    put(&mut md, 118, un(3, "Balanced Security"));
    put(&mut md, 117, un(4, "Default ACP"));
    put(&mut md, 116, un(5, "outside-if"));
    put(&mut md, 116, un(6, "inside-if"));
    put(&mut md, 115, un(7, "outside"));
    put(
        &mut md,
        119,
        enc(|o| {
            access_control_rule::Repr {
                policy_uuid: u(4),
                rule_id: 268_435_456,
                name: Text(b"Allow web"),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
    );
    put(
        &mut md,
        520,
        enc(|o| {
            geolocation::Repr {
                country_code: 840,
                name: Text(b"USA"),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
    );
    put(
        &mut md,
        700,
        enc(|o| {
            network_analysis_policy::Repr {
                block_type: 0x55,
                block_length: Computed,
                uuid: u(8),
                name: Text(b"Default NAP"),
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
    );
    // A packet is not metadata.
    assert!(!md.ingest(&decode(
        2,
        &enc(|o| {
            packet::Repr {
                device_id: 1,
                event_id: 2,
                event_second: 3,
                packet_second: 4,
                packet_microsecond: 5,
                link_type: 1,
                packet_data: b"",
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        })
    )));

    let ev_body = enc(|o| event85(1_000_003, "h").encode(o).unwrap());
    let Record::IntrusionEvent(ev) = decode(400, &ev_body) else {
        panic!()
    };
    let check = |md: &Metadata| {
        let r = md.render(&ev);
        assert_eq!(r.sid, Some(2_000_015));
        assert_eq!(r.classification, Some("trojan-activity"));
        assert_eq!(
            r.classification_description,
            Some("A Network Trojan was Detected")
        );
        assert_eq!(r.priority, Some("high"));
        assert_eq!(r.device, Some("sensor-1"));
        assert_eq!(r.application_protocol, Some("HTTP"));
        assert_eq!(r.intrusion_policy, Some("Balanced Security"));
        assert_eq!(r.access_control_policy, Some("Default ACP"));
        assert_eq!(r.access_control_rule, Some("Allow web"));
        assert_eq!(r.interface_ingress, Some("outside-if"));
        assert_eq!(r.interface_egress, Some("inside-if"));
        assert_eq!(r.security_zone_ingress, Some("outside"));
        // The egress zone UUID is all zeros: none, not a lookup.
        assert_eq!(r.security_zone_egress, None);
        assert_eq!(r.source_country, Some("USA"));
        assert_eq!(r.network_analysis_policy, Some("Default NAP"));
        assert_eq!(r.user, None);
    };
    check(&md);
    let snap = md.snapshot();
    assert_eq!(snap.format, Snapshot::FORMAT);
    let restored = Metadata::from_snapshot(snap.clone()).unwrap();
    check(&restored);
    assert_eq!(restored.snapshot(), snap);
    let mut bad = snap.clone();
    bad.version = 2;
    assert!(Metadata::from_snapshot(bad).is_err());
    let mut bad = snap;
    bad.uuids[0].uuid = "nope".into();
    assert!(Metadata::from_snapshot(bad).is_err());
}

#[test]
fn blocks_iterate_with_offsets_and_cap_nesting() {
    // Two blocks back to back at absolute offset 10: type 0 "ab", type 1 (empty).
    let buf = [0, 0, 0, 0, 0, 0, 0, 10, b'a', b'b', 0, 0, 0, 1, 0, 0, 0, 8];
    let got: Vec<_> = estreamer_codec::block::Blocks::new(&buf, 10, 1)
        .map(|b| b.map(|b| (b.block_type, b.offset(), b.data.len())))
        .collect();
    assert_eq!(got, vec![Ok((0, 10, 2)), Ok((1, 20, 0))]);
    // A child that overruns its parent: error at its length field, then the iterator is done.
    let buf = [0, 0, 0, 2, 0, 0, 0, 9, 0];
    let mut it = estreamer_codec::block::Blocks::new(&buf[..8], 0, 1);
    assert_eq!(
        it.next(),
        Some(Err(DecodeError::Invalid {
            offset: 4,
            kind: ErrorKind::LengthOverrun {
                declared: 9,
                available: 8
            },
            location: None,
        }))
    );
    assert_eq!(it.next(), None);
    // Nested lists 20 deep: the tree walk stops at the cap with an error.
    let mut nested = vec![0u8, 0, 0, 0, 0, 0, 0, 8];
    for _ in 0..20 {
        let mut outer = vec![0, 0, 0, 2];
        outer.extend_from_slice(&((nested.len() + 8) as u32).to_be_bytes());
        outer.extend_from_slice(&nested);
        nested = outer;
    }
    let e = estreamer_codec::block::validate_tree(&nested, 0, 1, &|t| t == 2).unwrap_err();
    assert!(matches!(
        e,
        DecodeError::Invalid {
            kind: ErrorKind::NestingTooDeep { max: 16 },
            ..
        }
    ));
    let _ = Block::new(0, b"");
}

#[test]
fn catalogue_is_consistent() {
    use estreamer_codec::records::catalogue::{Shape, entries, lookup};
    let mut seen = std::collections::BTreeSet::new();
    for e in entries() {
        assert!(
            seen.insert(e.record_type),
            "record type {} listed twice",
            e.record_type
        );
        assert_eq!(lookup(e.record_type), Some(e));
        match e.shape {
            Shape::Block(ls) | Shape::DiscoveryBlock(ls) => {
                let mut types = std::collections::BTreeSet::new();
                for l in ls {
                    let t = l
                        .block_type
                        .unwrap_or_else(|| panic!("{}: {} is not a block", e.record_type, l.name));
                    assert!(types.insert(t), "{}: block type {t} twice", e.record_type);
                }
            }
            Shape::Body(l) | Shape::DiscoveryBody(l) => {
                assert!(
                    l.block_type.is_none() || e.record_type == 700,
                    "{}: {}",
                    e.record_type,
                    l.name
                );
            }
        }
        // Every catalogued type decodes its minimal body through some layout or stays raw,
        // never panics.
        let _ = Record::decode_body(RecordType(e.record_type), &[], 0);
    }
}

/// `--render` for the other event families: the names a metadata record gives a field's value,
/// including records decoded generically through the catalogue (record 124 here).
#[test]
fn field_names_come_from_typed_and_generic_metadata() {
    use estreamer_codec::layout::Value;
    use estreamer_codec::records::metadata::rule_reason;
    let mut md = Metadata::new();
    let reason = enc(|o| {
        rule_reason::Repr {
            reason_id: 7,
            description: Text(b"IP Block"),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    let r = decode(124, &reason);
    assert!(matches!(r, Record::Generic(_)), "{r:?}");
    assert!(md.ingest(&r));
    let zone = enc(|o| {
        uuid_name::Repr {
            uuid: u(9),
            name: Text(b"dmz"),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    assert!(md.ingest(&decode(115, &zone)));
    let country = enc(|o| {
        geolocation::Repr {
            country_code: 276,
            name: Text(b"Germany"),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    assert!(md.ingest(&decode(520, &country)));
    assert_eq!(
        md.field_name("rule_reason", &Value::U32(7)),
        Some("IP Block")
    );
    assert_eq!(md.field_name("rule_reason", &Value::U32(8)), None);
    assert_eq!(
        md.field_name("ingress_zone", &Value::Uuid(u(9))),
        Some("dmz")
    );
    assert_eq!(md.field_name("egress_zone", &Value::Uuid(Uuid::NIL)), None);
    assert_eq!(
        md.field_name("responder_country", &Value::U16(276)),
        Some("Germany")
    );
    assert_eq!(md.field_name("not_a_reference", &Value::U32(7)), None);
    assert!(Metadata::names_field("ssl_cipher_suite"));
    assert!(!Metadata::names_field("event_second"));
    // Generic metadata survives a snapshot.
    let restored = Metadata::from_snapshot(md.snapshot()).unwrap();
    assert_eq!(
        restored.field_name("rule_reason", &Value::U32(7)),
        Some("IP Block")
    );
}
