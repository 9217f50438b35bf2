//! Connection events (record 71, docs/protocol.md §10): the discovery header's optional IPv6 field and
//! block 174 built by hand at the offsets docs/records.md gives, then decoded through the view.

use estreamer_codec::{ConnectionBlock, Record, RecordType};

/// Block 174 with every string empty: offsets worked out from the §10 table with each String
/// block 8 bytes (header only): client URL at 297, so end(CAV) = 297 + 3*8 = 321, end(HR) =
/// 321 + 80 + 3*8 = 425, end(SSN) = 425 + 69 + 8 = 502, end(DNS) = 502 + 108 + 8 = 618,
/// end(EVE) = 618 + 36 + 8 = 662, then VRFs at 702 and 710, dynamic attributes at 718 and 726,
/// end 734.
const STRINGS_174: [usize; 13] = [
    297, 305, 313, 401, 409, 417, 494, 610, 654, 702, 710, 718, 726,
];
const LEN_174: usize = 734;

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}

fn block_174() -> Vec<u8> {
    let mut b = vec![0u8; LEN_174];
    put(&mut b, 0, &174u32.to_be_bytes());
    put(&mut b, 4, &(LEN_174 as u32).to_be_bytes());
    for at in STRINGS_174 {
        put(&mut b, at + 4, &8u32.to_be_bytes()); // String block, type 0, length 8 (empty)
    }
    put(&mut b, 8, &7u32.to_be_bytes()); // device ID
    put(&mut b, 92 + 10, &[0xff, 0xff, 198, 51, 100, 7]); // responder IP ::ffff:198.51.100.7
    put(&mut b, 150, &0x0102_0304u32.to_be_bytes()); // rule reason (u32)
    put(&mut b, 160, &[6]); // protocol
    put(&mut b, 189, &u64::MAX.to_be_bytes()); // initiator transmitted packets
    put(&mut b, 321 + 28, &8u32.to_be_bytes()); // monitor rule 8
    put(&mut b, 321 + 78, &100u16.to_be_bytes()); // VLAN ID = end(CAV)+78
    put(&mut b, 425 + 43, &0xdead_beefu32.to_be_bytes()); // SSL server cert status end(HR)+43
    put(&mut b, 502 + 36, &[32]); // SSL session ID length end(SSN)+36
    put(&mut b, 502 + 82, &0x1234u16.to_be_bytes()); // source SGT end(SSN)+82
    put(&mut b, 502 + 84, &[1]); // source SGT type
    put(&mut b, 502 + 85, &0x5678u16.to_be_bytes()); // destination SGT end(SSN)+85
    put(&mut b, 502 + 104, &404u32.to_be_bytes()); // HTTP response code end(SSN)+104
    put(&mut b, 618 + 32, &9u32.to_be_bytes()); // threat intelligence category end(DNS)+32
    put(&mut b, 662 + 6, &0xbeefu16.to_be_bytes()); // NAT responder port end(EVE)+6
    b
}

fn header(has_ipv6: bool) -> Vec<u8> {
    let mut h = vec![0u8; 40];
    put(&mut h, 0, &7u32.to_be_bytes());
    put(&mut h, 4, &[192, 0, 2, 9]);
    put(&mut h, 8, &[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
    put(&mut h, 24, &1003u32.to_be_bytes()); // event type: flow
    if has_ipv6 {
        h[14] = 1;
        let mut v6 = [0u8; 16];
        v6[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        v6[15] = 9;
        h.extend_from_slice(&v6);
    }
    h
}

#[test]
fn block_174_fields_sit_where_the_table_says() {
    for has_ipv6 in [false, true] {
        let mut body = header(has_ipv6);
        let block_at = body.len();
        assert_eq!(block_at, if has_ipv6 { 56 } else { 40 });
        body.extend_from_slice(&block_174());
        let r = Record::decode_body(RecordType(71), &body, 0).unwrap();
        let Record::Connection(c) = r else {
            panic!("{r:?}")
        };
        assert_eq!(c.header.event_type(), 1003);
        assert_eq!(c.header.legacy_ip_address().to_string(), "192.0.2.9");
        assert_eq!(c.header.mac_address().to_string(), "00:11:22:33:44:55");
        assert_eq!(
            c.header.ipv6_address().map(|a| a.to_string()),
            has_ipv6.then(|| "2001:db8::9".to_string())
        );
        let ConnectionBlock::V174(v) = c.block else {
            panic!()
        };
        assert_eq!(v.offset(), block_at + 8);
        assert_eq!(v.device_id(), 7);
        assert_eq!(v.responder_ip().to_string(), "198.51.100.7");
        assert_eq!(v.rule_reason(), 0x0102_0304);
        assert_eq!(v.protocol(), 6);
        assert_eq!(v.initiator_transmitted_packets(), u64::MAX);
        assert_eq!(v.monitor_rule_8(), 8);
        assert_eq!(v.vlan_id(), 100);
        assert_eq!(v.ssl_server_certificate_status(), 0xdead_beef);
        assert_eq!(v.ssl_session_id_length(), 32);
        assert_eq!((v.source_sgt(), v.source_sgt_type()), (0x1234, 1));
        assert_eq!(v.destination_sgt(), 0x5678);
        assert_eq!(v.http_response_code(), 404);
        assert_eq!(v.threat_intelligence_category(), 9);
        assert_eq!(v.nat_responder_port(), 0xbeef);
        assert!(v.destination_ip_dynamic_attributes().is_empty());
        assert!(v.trailing().is_empty());
        // Round trip through the owned representation.
        let mut again = Vec::new();
        v.to_repr().encode(&mut again).unwrap();
        assert_eq!(again, block_174());
        let prefix = r.prefix().unwrap();
        assert_eq!(prefix.bytes.len(), block_at);
    }
}

#[test]
fn unknown_connection_block_keeps_the_header_and_the_raw_block() {
    let mut body = header(false);
    body.extend_from_slice(&[0, 0, 0, 172, 0, 0, 0, 12, 1, 2, 3, 4]);
    let r = Record::decode_body(RecordType(71), &body, 0).unwrap();
    let b = r.raw_block().unwrap();
    assert_eq!((b.block_type, b.data), (172, &[1u8, 2, 3, 4][..]));
    assert!(r.prefix().is_some());
    assert!(r.parts().is_none());
}

#[test]
fn truncated_connection_records_are_errors() {
    let mut body = header(true);
    body.extend_from_slice(&block_174());
    for cut in 0..body.len() {
        assert!(
            Record::decode_body(RecordType(71), &body[..cut], 0).is_err(),
            "cut {cut}"
        );
    }
}
