//! Smoke test of the record layouts on WIRE.md Appendix B.6 (replaced by the vector suite).
use estreamer_codec::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn b6() {
    let b = hex(
        "00010004 00000052 00000042 00000042 00000000 00000000 00000001 000f4241 00000000
001e8485 0010 00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f
4d414c57 4152452d 434e4320 74657374",
    );
    let (m, _) = decode_message(&b, &DecodeOptions::default()).unwrap();
    let Body::EventData(d) = m.decode_body(HeaderMode::Auto).unwrap() else {
        panic!()
    };
    let r = Record::decode(&d).unwrap();
    let Record::RuleMessage(v) = r else {
        panic!("{r:?}")
    };
    println!("{v:?}");
    assert_eq!(v.rule_id(), 1000001);
    assert_eq!(v.rendered_signature_id(), 2000005);
    assert_eq!(v.message().as_bytes(), b"MALWARE-CNC test");
    let mut out = Vec::new();
    v.to_repr().encode(&mut out).unwrap();
    assert_eq!(out, d.body);
}
