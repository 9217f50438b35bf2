//! Discovery (RNA), user activity (RUA), VPN and correlation records (the `discovery` and
//! `user` families of `codec/src/records/`, and the connection chunk): every layout round-trips bit-exact through its generated
//! `View` and `Repr`, every catalogue row decodes generically (discovery header with and without
//! the IPv6 address, then each block type it dispatches on), and the cases the sources leave
//! open behave as documented.
//!
//! Records are built here by a small hand-written encoder driven by the layout description
//! (one value per field from a seed, nested lists with 0, 1 or 2 items), independent of the
//! codec's encoder; the values it wrote are then compared with what the codec decodes.

#[path = "common/keys.rs"]
mod keys;
use keys::EVENT_DATA_KEYS;

use std::collections::BTreeSet;

use estreamer_codec::layout::{self, Kind, Layout, Nested, Value};
use estreamer_codec::records::catalogue::Entry;
use estreamer_codec::records::catalogue::{self, Shape};
use estreamer_codec::records::connection::connection_chunk;
use estreamer_codec::records::discovery::*;
use estreamer_codec::records::user::{
    user_information_data_50, user_information_data_60, user_login_information_54,
    user_update_message_information, vpn_session,
};
use estreamer_codec::records::{self as records};
use estreamer_codec::{
    DecodeError, ErrorKind, Ip16, Mac, Record, RecordParts, RecordType, Text, Uuid,
};

/// The layouts this file covers: the discovery and user families' (but the discovery event
/// header, tested with every row, and the user block 57 of the typed user records) and the
/// connection chunk.
fn covered_layouts() -> Vec<&'static Layout> {
    records::discovery::LAYOUTS
        .iter()
        .chain(records::user::LAYOUTS)
        .copied()
        .filter(|l| l.name != "discovery_header" && l.name != "user")
        .chain([&connection_chunk::LAYOUT])
        .collect()
}

/// The catalogue rows decoded generically through them.
fn entries() -> Vec<&'static Entry> {
    let covered = covered_layouts();
    catalogue::entries()
        .filter(|e| e.shape.layouts().iter().all(|l| covered.contains(l)))
        .collect()
}

/// A field value, written by the test encoder or read back from the codec.
#[derive(Debug, Clone, PartialEq, Eq)]
enum V {
    Int(u64),
    Bytes(Vec<u8>),
    Text(Vec<u8>),
    Absent,
    /// A block: its type and fields.
    Block(u32, Vec<(String, V)>),
    /// A list: its items (blocks).
    List(Vec<V>),
}

/// Deterministic value source.
struct Seed(u32);

impl Seed {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        self.0 >> 4
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Writes the fields of `layout` (no block header) with values from `s`; each List gets
/// `items` items (fewer below the top nesting levels). Returns the values written.
fn write_fields(
    layout: &Layout,
    s: &mut Seed,
    items: usize,
    depth: usize,
    out: &mut Vec<u8>,
) -> Vec<(String, V)> {
    let mut written = Vec::new();
    for f in layout.fields {
        let v = match f.kind {
            Kind::U8 => {
                let x = s.next() as u8;
                out.push(x);
                V::Int(x.into())
            }
            Kind::U16 => {
                let x = s.next() as u16;
                out.extend_from_slice(&x.to_be_bytes());
                V::Int(x.into())
            }
            Kind::U32 => {
                let x = s.next();
                out.extend_from_slice(&x.to_be_bytes());
                V::Int(x.into())
            }
            Kind::U64 => {
                let x = (u64::from(s.next()) << 36) | u64::from(s.next());
                out.extend_from_slice(&x.to_be_bytes());
                V::Int(x)
            }
            Kind::Ipv4 | Kind::Ip16 | Kind::Uuid | Kind::Mac | Kind::Bytes(_) => {
                let b = s.bytes(f.kind.fixed_size().unwrap());
                out.extend_from_slice(&b);
                V::Bytes(b)
            }
            Kind::StringBlock => {
                let text = format!("{}={}", f.name, s.next() % 1000).into_bytes();
                out.extend_from_slice(&0u32.to_be_bytes());
                out.extend_from_slice(&(8 + text.len() as u32).to_be_bytes());
                out.extend_from_slice(&text);
                V::Text(text)
            }
            Kind::BlobBlock => {
                let n = (s.next() % 6) as usize;
                let b = s.bytes(n);
                out.extend_from_slice(&10u32.to_be_bytes());
                out.extend_from_slice(&(8 + n as u32).to_be_bytes());
                out.extend_from_slice(&b);
                V::Bytes(b)
            }
            Kind::List(item) => {
                // Series-1 List (11) or Generic List (31), both decoded alike (docs/protocol.md §7.2).
                let list_type = if s.next() % 2 == 0 { 11u32 } else { 31 };
                let start = out.len();
                out.extend_from_slice(&list_type.to_be_bytes());
                out.extend_from_slice(&[0; 4]);
                let n = if depth < 3 { items } else { 0 };
                let vs = (0..n)
                    .map(|_| write_block(item, s, items, depth + 1, out))
                    .collect();
                let len = (out.len() - start) as u32;
                out[start + 4..start + 8].copy_from_slice(&len.to_be_bytes());
                V::List(vs)
            }
            Kind::Block(l) => write_block(l, s, items, depth + 1, out),
            other => panic!("{}: kind {other:?} is not used by these layouts", f.name),
        };
        written.push((f.name.to_owned(), v));
    }
    written
}

/// Writes a whole block of `layout` (header with the computed length, then its fields).
fn write_block(layout: &Layout, s: &mut Seed, items: usize, depth: usize, out: &mut Vec<u8>) -> V {
    let t = layout.block_type.expect("a block layout");
    let start = out.len();
    out.extend_from_slice(&t.to_be_bytes());
    out.extend_from_slice(&[0; 4]);
    let fields = write_fields(layout, s, items, depth, out);
    let len = (out.len() - start) as u32;
    out[start + 4..start + 8].copy_from_slice(&len.to_be_bytes());
    V::Block(t, fields)
}

/// The encoding of `layout` as it appears in a record body (with its header for a block
/// layout) and the values written.
fn synth(layout: &Layout, seed: u32, items: usize) -> (Vec<u8>, Vec<(String, V)>) {
    let mut s = Seed(seed);
    let mut out = Vec::new();
    let fields = if layout.block_type.is_some() {
        match write_block(layout, &mut s, items, 0, &mut out) {
            V::Block(_, f) => f,
            _ => unreachable!(),
        }
    } else {
        write_fields(layout, &mut s, items, 0, &mut out)
    };
    (out, fields)
}

fn from_value(v: Value<'_>) -> V {
    match v {
        Value::U8(x) => V::Int(x.into()),
        Value::U16(x) => V::Int(x.into()),
        Value::U32(x) => V::Int(x.into()),
        Value::U64(x) => V::Int(x),
        Value::I32(x) => V::Int(u64::from(x as u32)),
        Value::Ipv4(a) => V::Bytes(a.octets().to_vec()),
        Value::Ip16(a) => V::Bytes(a.0.to_vec()),
        Value::Uuid(u) => V::Bytes(u.0.to_vec()),
        Value::Mac(m) => V::Bytes(m.0.to_vec()),
        Value::Bytes(b) => V::Bytes(b.to_vec()),
        Value::Text(t) => V::Text(t.as_bytes().to_vec()),
        Value::Absent => V::Absent,
        Value::Computed => panic!("decoding never yields a computed length"),
        Value::Nested(n) if n.is_list => V::List(n.items().map(|i| nested(&i)).collect()),
        Value::Nested(n) => nested(&n),
    }
}

fn nested(n: &Nested<'_>) -> V {
    let mut fields = Vec::new();
    n.for_each(|name, v| fields.push((name.to_owned(), from_value(v))))
        .unwrap();
    V::Block(n.block_type(), fields)
}

/// The fields of decoded parts, and where they end.
fn walked(p: &RecordParts<'_>) -> (Vec<(String, V)>, usize) {
    let mut fields = Vec::new();
    let w = p
        .for_each(|name, v| fields.push((name.to_owned(), from_value(v))))
        .unwrap();
    (fields, w.end)
}

/// Re-encodes decoded parts through the layout walker and the layout encoder.
fn encode_parts(p: &RecordParts<'_>, out: &mut Vec<u8>) {
    let mut values = Vec::new();
    let w = layout::walk(p.layout, p.bytes, p.offset, |_, _, v| values.push(v)).unwrap();
    layout::encode_fields(p.layout, &values, &p.bytes[w.end..], out).unwrap();
}

/// Re-encodes a decoded record: its header prefix, then its fields or raw block.
fn reencode(r: &Record<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some(pre) = r.prefix() {
        encode_parts(&pre, &mut out);
    }
    match (r.parts(), r.raw_block(), r) {
        (Some(p), _, _) => encode_parts(&p, &mut out),
        (None, Some(b), _) => estreamer_codec::encode_block(&mut out, b.block_type, |o| {
            o.extend_from_slice(b.data);
            Ok(())
        })
        .unwrap(),
        (None, None, Record::Unknown(_, body)) => out.extend_from_slice(body),
        (None, None, other) => panic!("{other:?}"),
    }
    out
}

/// A discovery event header (docs/protocol.md §6.5): 40 bytes, or 56 with Has IPv6 = 1.
fn header(has_ipv6: bool) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&7u32.to_be_bytes()); // 0 device ID
    h.extend_from_slice(&[192, 0, 2, 9]); // 4 legacy IP
    h.extend_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]); // 8 MAC
    h.push(u8::from(has_ipv6)); // 14 has IPv6
    h.push(0); // 15 reserved
    h.extend_from_slice(&1_700_000_000u32.to_be_bytes()); // 16 second
    h.extend_from_slice(&123_456u32.to_be_bytes()); // 20 microsecond
    h.extend_from_slice(&1000u32.to_be_bytes()); // 24 event type
    h.extend_from_slice(&1u32.to_be_bytes()); // 28 subtype
    h.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]); // 32 file number, file position
    if has_ipv6 {
        h.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    }
    assert_eq!(h.len(), if has_ipv6 { 56 } else { 40 });
    h
}

/// Checks one layout's generated `View` and `Repr` on synthesized encodings: decoded values
/// are the written ones, the view covers everything, the repr re-encodes bit-exact, and bytes
/// after the last field are kept and written back.
macro_rules! typed_round_trip {
    ($names:ident; $($m:ident),* $(,)?) => {$(
        $names.insert($m::LAYOUT.name);
        for (seed, items) in [(1u32, 0usize), (2, 1), (3, 2)] {
            let (bytes, want) = synth(&$m::LAYOUT, seed, items);
            let ctx = format!("{} (items {items})", $m::LAYOUT.name);
            let head = if $m::LAYOUT.block_type.is_some() { 8 } else { 0 };
            let base = 1000 + head;
            let v = $m::View::parse(&bytes[head..], base).unwrap_or_else(|e| panic!("{ctx}: {e}"));
            assert_eq!(v.offset(), base, "{ctx}");
            assert!(v.trailing().is_empty(), "{ctx}");
            assert_eq!(v.fields_len(), bytes.len() - head, "{ctx}");
            let got: Vec<(String, V)> = $m::FIELDS
                .iter()
                .zip(v.values())
                .map(|(f, x)| (f.name.to_owned(), from_value(x)))
                .collect();
            assert_eq!(got, want, "{ctx}");
            let mut again = Vec::new();
            v.to_repr().encode(&mut again).unwrap();
            assert_eq!(again, bytes, "{ctx}: repr re-encoding");
            // A newer layout's appended bytes stay trailing bytes, written back verbatim (for a
            // block, inside it: its length grows).
            let mut longer = bytes.clone();
            longer.extend_from_slice(&[0xde, 0xad]);
            if head == 8 {
                let len = longer.len() as u32;
                longer[4..8].copy_from_slice(&len.to_be_bytes());
            }
            let v = $m::View::parse(&longer[head..], base).unwrap();
            assert_eq!(v.trailing(), &[0xde, 0xad], "{ctx}");
            let mut again = Vec::new();
            v.to_repr().encode(&mut again).unwrap();
            assert_eq!(again, longer, "{ctx}: repr re-encoding with trailing bytes");
            // Every cut through the fields is an error.
            for cut in 0..bytes.len() - head {
                assert!($m::View::parse(&bytes[head..head + cut], base).is_err(), "{ctx}: cut {cut}");
            }
        }
    )*};
}

#[test]
fn every_layout_round_trips_through_its_view_and_repr() {
    let mut names = BTreeSet::new();
    typed_round_trip!(names;
        network_protocol, transport_protocol, hops, port, host_ip_address, host_type,
        subserver, protocol, integer, vlan_data, string_information, server_banner,
        mac_address_specification, fix_data, ip_address_range_data, web_application_data,
        host_vulnerability, identity_data, host_mac_address, mobile_device_information,
        operating_system_fingerprint, server_information, host_server_data,
        host_client_application, full_host_client_application, host_profile_data,
        connection_chunk, user_product_data, user_protocol, user_protocol_list,
        user_client_application, user_client_application_list, user_hosts, user_server,
        user_server_list, user_vulnerability_data, user_vulnerability_change,
        user_criticality_change, user_attribute_value, generic_scan_results_data,
        scan_vulnerability_data, scan_result_data, ioc_state, user_information_data_60,
        user_information_data_50, user_update_message_information, vpn_session,
        user_login_information_54, correlation_event,
    );
    // The one layout the macro cannot express (no fields) is covered by the catalogue test.
    names.insert(discovery_header_only::LAYOUT.name);
    let layouts = covered_layouts();
    let all: BTreeSet<_> = layouts.iter().map(|l| l.name).collect();
    assert_eq!(
        names, all,
        "typed round trip and the families list different layouts"
    );
    assert_eq!(all.len(), layouts.len(), "a layout name is used twice");
}

/// Every layout a row of this module's catalogue can reach (its blocks and, recursively, the
/// blocks of their lists), plus `vpn_session`, is in the families' `LAYOUTS`, and the other
/// way round.
#[test]
fn layouts_lists_exactly_the_reachable_layouts() {
    fn reach(l: &'static Layout, seen: &mut BTreeSet<&'static str>) {
        if seen.insert(l.name) {
            for f in l.fields {
                if let Kind::List(i) | Kind::Block(i) = f.kind {
                    reach(i, seen);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for e in entries() {
        for l in e.shape.layouts() {
            reach(l, &mut seen);
        }
    }
    reach(&vpn_session::LAYOUT, &mut seen);
    let layouts = covered_layouts();
    let all: BTreeSet<_> = layouts.iter().map(|l| l.name).collect();
    assert_eq!(seen, all);
    for l in layouts {
        assert_eq!(l.series, layout::Series::One, "{}", l.name);
    }
}

/// Every row: the discovery header (40 or 56 bytes) then each block the row dispatches on, or
/// the plain fields, decodes generically to the written values and re-encodes bit-exact; every
/// strict prefix of the body is an error.
#[test]
fn every_catalogue_row_decodes_and_reencodes() {
    let mut checked = 0;
    for e in entries() {
        assert_eq!(catalogue::lookup(e.record_type), Some(e));
        let t = RecordType(e.record_type);
        for (i, l) in e.shape.layouts().iter().enumerate() {
            for has_ipv6 in [false, true] {
                if !e.shape.has_discovery_header() && has_ipv6 {
                    continue;
                }
                let (fields, want) = synth(l, e.record_type * 10 + i as u32, 1);
                let mut body = if e.shape.has_discovery_header() {
                    header(has_ipv6)
                } else {
                    Vec::new()
                };
                let prefix = body.len();
                body.extend_from_slice(&fields);
                let ctx = format!("record {} with {} (IPv6 {has_ipv6})", e.record_type, l.name);
                let r = Record::decode_body(t, &body, 16).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert!(matches!(r, Record::Generic(_)), "{ctx}: {r:?}");
                match r.prefix() {
                    Some(pre) => {
                        assert_eq!(pre.layout.name, "discovery_header", "{ctx}");
                        assert_eq!((pre.offset, pre.bytes.len()), (16, prefix), "{ctx}");
                        let (h, _) = walked(&pre);
                        assert_eq!(h[0], ("device_id".to_owned(), V::Int(7)), "{ctx}");
                        let v6 = &h.last().unwrap().1;
                        assert_eq!(*v6 == V::Absent, !has_ipv6, "{ctx}");
                    }
                    None => assert_eq!(prefix, 0, "{ctx}"),
                }
                let parts = r.parts().unwrap();
                assert_eq!(parts.layout, *l, "{ctx}");
                let head = if l.block_type.is_some() { 8 } else { 0 };
                assert_eq!(parts.offset, 16 + prefix + head, "{ctx}");
                let (got, end) = walked(&parts);
                assert_eq!(got, want, "{ctx}");
                assert_eq!(prefix + head + end, body.len(), "{ctx}");
                assert_eq!(reencode(&r), body, "{ctx}: re-encoding");
                let mut via = Vec::new();
                r.encode_body(&mut via).unwrap();
                assert_eq!(via, body, "{ctx}: Record::encode_body");
                let again = Record::decode_body(t, &body, 16).unwrap();
                assert_eq!(again, r, "{ctx}");
                for cut in 0..body.len() {
                    assert!(
                        Record::decode_body(t, &body[..cut], 16).is_err(),
                        "{ctx}: cut {cut}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "only {checked}");
}

/// The records of docs/protocol.md Appendix A this module decodes, and those it leaves raw.
#[test]
fn catalogue_rows_are_the_appendix_a_discovery_records() {
    let rows: Vec<u32> = entries().iter().map(|e| e.record_type).collect();
    let mut want: Vec<u32> = Vec::new();
    want.extend(10..=17);
    want.extend(19..=29);
    want.extend([31, 34, 35, 42, 44, 45, 51, 52, 73]);
    want.extend(74..=89);
    want.extend([92, 93, 94, 95, 101, 102, 103, 107, 112, 160, 170, 171]);
    assert_eq!(rows, want);
    // No eNcore layout for their blocks (53, 55): raw.
    for t in [18, 46, 47, 48, 53] {
        assert!(catalogue::lookup(t).is_none(), "{t}");
        let mut body = header(false);
        body.extend_from_slice(&[0, 0, 0, 53, 0, 0, 0, 8]);
        let r = Record::decode_body(RecordType(t), &body, 0).unwrap();
        assert_eq!(r, Record::Unknown(RecordType(t), &body[..]));
    }
    // Record 112 has no discovery header; every other row has one.
    for e in entries() {
        assert_eq!(
            e.shape.has_discovery_header(),
            e.record_type != 112,
            "{}",
            e.record_type
        );
    }
}

/// Records whose body is the discovery header alone (19, 20, 21, 44): both header sizes, and
/// bytes after the header kept as trailing bytes.
#[test]
fn header_only_records() {
    for t in [19, 20, 21, 44] {
        for has_ipv6 in [false, true] {
            let body = header(has_ipv6);
            let r = Record::decode_body(RecordType(t), &body, 0).unwrap();
            let parts = r.parts().unwrap();
            assert_eq!(parts.layout.name, "discovery_header_only");
            assert_eq!(parts.offset, body.len());
            assert!(parts.bytes.is_empty());
            assert_eq!(r.prefix().unwrap().bytes, &body[..]);
            assert_eq!(reencode(&r), body);
            let mut longer = body.clone();
            longer.extend_from_slice(&[1, 2, 3]);
            let r = Record::decode_body(RecordType(t), &longer, 0).unwrap();
            assert_eq!(r.parts().unwrap().trailing().unwrap(), &[1, 2, 3]);
            assert_eq!(reencode(&r), longer);
        }
    }
}

/// A block type the row does not list stays a raw block after the decoded header.
#[test]
fn unlisted_block_types_stay_raw_after_the_header() {
    for (t, block) in [(10u32, 111u32), (92, 158), (95, 165), (160, 8), (11, 139)] {
        let mut body = header(true);
        body.extend_from_slice(&block.to_be_bytes());
        body.extend_from_slice(&12u32.to_be_bytes());
        body.extend_from_slice(&[9, 8, 7, 6]);
        let r = Record::decode_body(RecordType(t), &body, 0).unwrap();
        let b = r.raw_block().unwrap();
        assert_eq!((b.block_type, b.data), (block, &[9u8, 8, 7, 6][..]));
        assert_eq!(r.prefix().unwrap().bytes.len(), 56);
        assert!(r.parts().is_none());
        assert_eq!(reencode(&r), body);
    }
    // Record 112 without a header: the same.
    let body = [0, 0, 0, 128, 0, 0, 0, 8];
    let r = Record::decode_body(RecordType(112), &body, 0).unwrap();
    assert_eq!(r.raw_block().unwrap().block_type, 128);
    assert!(r.prefix().is_none());
}

/// A nested list item or block of the wrong type is an error at the item (the layouts fix
/// their item types).
#[test]
fn wrong_item_type_is_an_error_at_the_item() {
    // Block 103 (at absolute offset 100) whose web application list holds a block 7 where
    // block 123 items are expected.
    let mut b = Vec::new();
    b.extend_from_slice(&103u32.to_be_bytes());
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&80u16.to_be_bytes()); // 8 port
    b.extend_from_slice(&1u32.to_be_bytes()); // 10 hits
    b.extend_from_slice(&2u32.to_be_bytes()); // 14 last used
    b.extend_from_slice(&[0, 0, 0, 11, 0, 0, 0, 8]); // 18 empty server information list
    b.extend_from_slice(&3u32.to_be_bytes()); // 26 confidence
    b.extend_from_slice(&[0, 0, 0, 11, 0, 0, 0, 20]); // 30 web application list, one item
    b.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 12, 0, 0, 0, 5]); // 38 a block 7, not 123
    let len = b.len() as u32;
    b[4..8].copy_from_slice(&len.to_be_bytes());
    let e = host_server_data::View::parse(&b[8..], 108).unwrap_err();
    assert_eq!(
        e,
        DecodeError::Invalid {
            offset: 138,
            kind: ErrorKind::UnexpectedBlockType {
                found: 7,
                expected: 123
            },
            location: Some(estreamer_codec::Location {
                layout: "host_server_data",
                field: "web_applications"
            }),
        }
    );
    // The list itself must be a List (11) or Generic List (31).
    b[30 + 3] = 2;
    let e = host_server_data::View::parse(&b[8..], 108).unwrap_err();
    assert_eq!(
        e,
        DecodeError::Invalid {
            offset: 130,
            kind: ErrorKind::UnexpectedBlockType {
                found: 2,
                expected: 11
            },
            location: Some(estreamer_codec::Location {
                layout: "host_server_data",
                field: "web_applications"
            }),
        }
    );
}

fn ip(s: &str) -> Ip16 {
    Ip16::from_addr(s.parse().unwrap())
}

fn enc(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v = Vec::new();
    f(&mut v);
    v
}

/// A List block (type 11) around already-encoded items.
fn list(items: &[Vec<u8>]) -> Vec<u8> {
    enc(|o| {
        estreamer_codec::encode_block(o, 11, |o| {
            for i in items {
                o.extend_from_slice(i);
            }
            Ok(())
        })
        .unwrap()
    })
}

/// Block 167 built through its `Repr`, followed by a VPN session list in eNcore's reading
/// (items without block headers): the block decodes up to Description, the list is the view's
/// trailing bytes (re-encoded verbatim), and `vpn_session` reads the items from them.
#[test]
fn block_167_keeps_the_vpn_session_list_as_trailing_bytes() {
    let session = |index: u32, profile: &'static str| {
        enc(|o| {
            vpn_session::Repr {
                index,
                vpn_type: 2,
                group_policy: Text(b"DfltGrpPolicy"),
                vpn_connection_profile: Text(profile.as_bytes()),
                client_ip: ip("203.0.113.5"),
                country_code: 840,
                client_os: Text(b"win"),
                client_application: Text(b"AnyConnect"),
                connection_duration: 3600,
                bytes_transmitted: 1 << 40,
                bytes_received: 12_345,
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        })
    };
    let items = [session(1, "vpn-a"), session(2, "vpn-bb")];
    let vpn_list = list(&items);
    let repr = user_update_message_information::Repr {
        timestamp: 1_700_000_100,
        ipv4_address: "198.51.100.20".parse().unwrap(),
        username: Text(b"alice"),
        domain: Text(b"EXAMPLE"),
        user_id: 5,
        realm_id: 3,
        endpoint_profile_id: 0,
        security_group_id: 0,
        protocol: 710,
        port: 443,
        range_start: 0,
        start_port: 1024,
        end_port: 65535,
        email: Text(b""),
        ipv6_address: ip("2001:db8::20"),
        location_ipv6_address: ip("::"),
        login_type: 1,
        authentication_type: 2,
        reported_by: Text(b"ftd-1"),
        description: Text(b"VPN login"),
        trailing: &vpn_list,
    };
    let block = enc(|o| repr.encode(o).unwrap());
    let mut body = header(false);
    body.extend_from_slice(&block);
    for t in [170, 171, 95, 93] {
        let r = Record::decode_body(RecordType(t), &body, 0).unwrap();
        let parts = r.parts().unwrap();
        assert_eq!(parts.layout.name, "user_update_message_information");
        assert_eq!(parts.trailing().unwrap(), &vpn_list[..]);
        assert_eq!(reencode(&r), body);
    }
    let v = user_update_message_information::View::parse(&block[8..], 48).unwrap();
    assert_eq!(v.to_repr(), repr);
    assert_eq!(v.username(), Text(b"alice"));
    assert_eq!(v.description(), Text(b"VPN login"));
    assert_eq!(v.ipv6_address(), ip("2001:db8::20"));
    // eNcore's reading of the list: header, then items back to back.
    let data = &v.trailing()[8..];
    let (mut at, mut profiles) = (0, Vec::new());
    while at < data.len() {
        let s = vpn_session::View::parse(&data[at..], 0).unwrap();
        profiles.push((s.index(), s.vpn_connection_profile().as_str().unwrap()));
        at += s.fields_len();
    }
    assert_eq!(profiles, [(1, "vpn-a"), (2, "vpn-bb")]);
    // A block 167 that ends at Description (no list) decodes too.
    let bare = enc(|o| {
        user_update_message_information::Repr {
            trailing: &[],
            ..repr
        }
        .encode(o)
        .unwrap()
    });
    let v = user_update_message_information::View::parse(&bare[8..], 0).unwrap();
    assert!(v.trailing().is_empty());
    assert_eq!(bare.len(), block.len() - vpn_list.len());
}

/// Block 139 built through the generated `Repr`s of its nested blocks: the fields after the
/// nine fingerprint lists and the other lists sit where the lists' lengths put them.
#[test]
fn host_profile_through_reprs() {
    let mobile = enc(|o| {
        mobile_device_information::Repr {
            device_string: Text(b"Pixel"),
            last_seen: 10,
            mobile: 1,
            jailbroken: 0,
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    let mobiles = list(&[mobile]);
    let fp = enc(|o| {
        operating_system_fingerprint::Repr {
            fingerprint_uuid: Uuid([0xab; 16]),
            fingerprint_type: 1,
            source_type: 0,
            source_id: 0,
            last_seen: 11,
            ttl_difference: 0,
            mobile_devices: Nested::new(&mobile_device_information::LAYOUT, true, &mobiles),
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    let fps = list(&[fp]);
    let empty = list(&[]);
    let mac = enc(|o| {
        host_mac_address::Repr {
            ttl: 64,
            mac_address: Mac([2, 0, 0, 0, 0, 1]),
            primary: 1,
            last_seen: 12,
            trailing: &[],
        }
        .encode(o)
        .unwrap()
    });
    let macs = list(&[mac]);
    let protos = list(&[
        enc(|o| {
            protocol::Repr {
                protocol: 0x0800,
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
        enc(|o| {
            protocol::Repr {
                protocol: 0x86dd,
                trailing: &[],
            }
            .encode(o)
            .unwrap()
        }),
    ]);
    let l = |layout: &'static Layout, b: &'static [u8]| Nested::new(layout, true, b);
    let fps: &'static [u8] = fps.leak();
    let empty: &'static [u8] = empty.leak();
    let macs: &'static [u8] = macs.leak();
    let protos: &'static [u8] = protos.leak();
    let os = &operating_system_fingerprint::LAYOUT;
    let repr = host_profile_data::Repr {
        ip_address: ip("10.0.0.5"),
        hops: 1,
        primary_secondary: 0,
        server_fingerprints: l(os, fps),
        client_fingerprints: l(os, empty),
        smb_fingerprints: l(os, empty),
        dhcp_fingerprints: l(os, empty),
        mobile_device_fingerprints: l(os, empty),
        ipv6_server_fingerprints: l(os, empty),
        ipv6_client_fingerprints: l(os, empty),
        ipv6_dhcp_fingerprints: l(os, empty),
        user_agent_fingerprints: l(os, empty),
        tcp_servers: l(&host_server_data::LAYOUT, empty),
        udp_servers: l(&host_server_data::LAYOUT, empty),
        network_protocols: l(&protocol::LAYOUT, protos),
        transport_protocols: l(&protocol::LAYOUT, empty),
        host_mac_addresses: l(&host_mac_address::LAYOUT, macs),
        host_last_seen: 1_700_000_000,
        host_type: 0,
        mobile: 1,
        jailbroken: 0,
        vlan_presence: 1,
        vlan_id: 100,
        vlan_type: 0,
        vlan_priority: 3,
        client_applications: l(&full_host_client_application::LAYOUT, empty),
        netbios_name: Text(b"HOST5"),
        trailing: &[],
    };
    let block = enc(|o| repr.encode(o).unwrap());
    let v = host_profile_data::View::parse(&block[8..], 8).unwrap();
    // Not `v.to_repr() == repr`: a decoded `Nested` carries its absolute offset, a built one 0,
    // and `Nested`'s equality compares the offsets too. The encodings are equal.
    assert_eq!(enc(|o| v.to_repr().encode(o).unwrap()), block);
    assert_eq!(v.vlan_id(), 100);
    assert_eq!(v.netbios_name(), Text(b"HOST5"));
    let fp = v.server_fingerprints().items().next().unwrap();
    assert_eq!(fp.block_type(), 130);
    let fpv = operating_system_fingerprint::View::parse(&fp.bytes[8..], fp.offset + 8).unwrap();
    assert_eq!(fpv.fingerprint_uuid(), Uuid([0xab; 16]));
    let m = fpv.mobile_devices().items().next().unwrap();
    let mv = mobile_device_information::View::parse(&m.bytes[8..], 0).unwrap();
    assert_eq!(mv.device_string(), Text(b"Pixel"));
    let protocols: Vec<u16> = v
        .network_protocols()
        .items()
        .map(|p| protocol::View::parse(&p.bytes[8..], 0).unwrap().protocol())
        .collect();
    assert_eq!(protocols, [0x0800, 0x86dd]);
    let mut body = header(true);
    body.extend_from_slice(&block);
    let r = Record::decode_body(RecordType(10), &body, 0).unwrap();
    assert_eq!(reencode(&r), body);
}

/// The discovery-body records built through their `Repr`s after both header sizes.
#[test]
fn plain_field_bodies_through_reprs() {
    let cases: Vec<(u32, Vec<u8>)> = vec![
        (
            13,
            enc(|o| {
                network_protocol::Repr {
                    network_protocol: 0x0806,
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            14,
            enc(|o| {
                transport_protocol::Repr {
                    transport_protocol: 17,
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            22,
            enc(|o| {
                hops::Repr {
                    hops: 4,
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            25,
            enc(|o| {
                port::Repr {
                    port: 8443,
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            29,
            enc(|o| {
                host_ip_address::Repr {
                    ip_address: ip("2001:db8::7"),
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
        (
            31,
            enc(|o| {
                host_type::Repr {
                    host_type: 2,
                    trailing: &[],
                }
                .encode(o)
                .unwrap()
            }),
        ),
    ];
    let sizes = [2, 1, 1, 2, 16, 4];
    for ((t, fields), size) in cases.iter().zip(sizes) {
        assert_eq!(fields.len(), size, "record {t}");
        for has_ipv6 in [false, true] {
            let mut body = header(has_ipv6);
            body.extend_from_slice(fields);
            let r = Record::decode_body(RecordType(*t), &body, 0).unwrap();
            let parts = r.parts().unwrap();
            assert_eq!(parts.offset, if has_ipv6 { 56 } else { 40 });
            assert_eq!(parts.bytes, &fields[..]);
            assert_eq!(reencode(&r), body);
        }
    }
    let v = host_ip_address::View::parse(&cases[4].1, 0).unwrap();
    assert_eq!(v.ip_address().to_string(), "2001:db8::7");
}

/// Record 112 (block 156) built through its `Repr`; the fields after the event description sit
/// where its length puts them.
#[test]
fn correlation_event_through_repr() {
    let repr = correlation_event::Repr {
        device_id: 7,
        correlation_event_second: 1_700_000_000,
        event_id: 55,
        policy_id: 3,
        rule_id: 4,
        priority: 1,
        event_description: Text(b"host scan"),
        event_type: 1,
        event_device_id: 8,
        signature_id: 2_000_015,
        signature_generator_id: 1,
        trigger_event_second: 1_699_999_999,
        trigger_event_microsecond: 5,
        device_event_id: 66,
        event_defined_mask: 0xffff_ffff,
        event_impact_flags: 0x07,
        ip_protocol: 6,
        network_protocol: 0x0800,
        source_ipv4_address: "192.0.2.1".parse().unwrap(),
        source_host_type: 0,
        source_vlan_id: 10,
        source_os_fingerprint_uuid: Uuid([1; 16]),
        source_criticality: 2,
        source_user_id: 9,
        source_port: 51_000,
        source_server_id: 0,
        destination_ipv4_address: "192.0.2.2".parse().unwrap(),
        destination_host_type: 1,
        destination_vlan_id: 11,
        destination_os_fingerprint_uuid: Uuid([2; 16]),
        destination_criticality: 3,
        destination_user_id: 0,
        destination_port: 80,
        destination_server_id: 676,
        impact: 1,
        blocked: 0,
        intrusion_policy_uuid: Uuid([3; 16]),
        rule_action: 1,
        netbios_name: Text(b""),
        url_category: 0,
        url_reputation: 0,
        url: Text(b"http://example.com/"),
        client_application_id: 0,
        client_application_version: Text(b""),
        access_control_policy_uuid: Uuid([4; 16]),
        access_control_rule_id: 268_435_456,
        ingress_interface_uuid: Uuid([5; 16]),
        egress_interface_uuid: Uuid([6; 16]),
        ingress_zone_uuid: Uuid([7; 16]),
        egress_zone_uuid: Uuid::NIL,
        source_ip: ip("192.0.2.1"),
        destination_ip: ip("192.0.2.2"),
        source_country: 840,
        destination_country: 276,
        security_intelligence_uuid: Uuid::NIL,
        security_context: &[0; 16],
        ssl_policy_uuid: Uuid::NIL,
        ssl_rule_id: 0,
        ssl_actual_action: 0,
        ssl_flow_status: 0,
        ssl_certificate_fingerprint: &[0xaa; 20],
        trailing: &[],
    };
    let block = enc(|o| repr.encode(o).unwrap());
    let sizes = [
        8,                              // block header
        6 * 4,                          // device ID .. priority
        8 + 9,                          // event description
        1 + 7 * 4 + 1 + 1 + 2,          // event type .. network protocol
        4 + 1 + 2 + 16 + 2 + 4 + 2 + 4, // source IPv4 .. source server ID
        4 + 1 + 2 + 16 + 2 + 4 + 2 + 4, // destination
        1 + 1 + 16 + 4,                 // impact, blocked, intrusion policy, rule action
        8,                              // NetBIOS name (empty)
        4 + 4,                          // URL category, reputation
        8 + 19,                         // URL
        4,                              // client application ID
        8,                              // client application version (empty)
        16 + 4,                         // access control policy, rule
        4 * 16,                         // interfaces, zones
        2 * 16,                         // addresses
        2 + 2,                          // countries
        16 + 16 + 16,                   // security intelligence, security context, SSL policy
        3 * 4,                          // SSL rule, actual action, flow status
        20,                             // SSL certificate fingerprint
    ];
    assert_eq!(block.len(), sizes.iter().sum::<usize>());
    assert_eq!(block.len(), 429);
    let v = correlation_event::View::parse(&block[8..], 8).unwrap();
    assert_eq!(v.to_repr(), repr);
    assert_eq!(v.event_type(), 1);
    assert_eq!(v.url(), Text(b"http://example.com/"));
    let r = Record::decode_body(RecordType(112), &block, 0).unwrap();
    assert!(r.prefix().is_none());
    assert_eq!(reencode(&r), block);
}

/// The JSON keys `estreamer decode` writes for these records are unique: a top-level layout's
/// fields (and their `_hex` companions) never repeat the message and record keys, the
/// `discovery_header` object or each other; a nested block's fields never repeat `block_type`
/// or `trailing_bytes`.
#[test]
fn json_keys_are_unique() {
    let top: Vec<&str> = EVENT_DATA_KEYS
        .iter()
        .copied()
        .chain(["discovery_header"])
        .collect();
    fn check(l: &Layout, mut taken: Vec<String>, clashes: &mut Vec<String>) {
        for f in l.fields {
            let mut ks = vec![f.name.to_owned()];
            if f.kind == Kind::StringBlock {
                ks.push(format!("{}_hex", f.name));
            }
            for k in ks {
                if taken.contains(&k) {
                    clashes.push(format!("{}.{}: {k}", l.name, f.name));
                }
                taken.push(k);
            }
            if let Kind::List(i) | Kind::Block(i) = f.kind {
                // A nested object: `block_type`, the fields, `trailing_bytes`.
                let nested = vec!["block_type".to_owned(), "trailing_bytes".to_owned()];
                check(i, nested, clashes);
            }
        }
    }
    let mut clashes = Vec::new();
    for e in entries() {
        for l in e.shape.layouts() {
            let mut taken: Vec<String> = top.iter().map(|k| (*k).to_owned()).collect();
            if l.block_type.is_some() {
                taken.extend(["block_type".to_owned(), "block_length".to_owned()]);
            }
            check(l, taken, &mut clashes);
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
    // The shapes only use the discovery header as a prefix.
    for e in entries() {
        assert!(matches!(
            e.shape,
            Shape::DiscoveryBlock(_) | Shape::DiscoveryBody(_) | Shape::Block(_)
        ));
    }
}
