//! `decode(encode(v)) == v` for values from the same `Arbitrary` impls the fuzzers use, driven by
//! a deterministic byte source over a few thousand seeds (feature `arbitrary`).
#![cfg(feature = "arbitrary")]

use arbitrary::{Arbitrary, Unstructured};
use estreamer_codec::{
    Body, DecodeOptions, Encode, ErrorMessage, EventData, EventStreamRequest, HeaderMode, HostData,
    HostDataMessage, HostDataRequest, MessageType, StreamingRequest, decode_message,
};

fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn body_of(encoded: &[u8]) -> Body<'_> {
    let (m, used) = decode_message(encoded, &DecodeOptions::default()).unwrap();
    assert_eq!(used, encoded.len());
    m.decode_body(HeaderMode::Auto).unwrap()
}

#[test]
fn arbitrary_values_round_trip() {
    for seed in 0..4000u64 {
        let data = bytes(seed, 512);
        let mut u = Unstructured::new(&data);
        let esr = EventStreamRequest::arbitrary(&mut u).unwrap();
        assert_eq!(
            body_of(&esr.to_bytes().unwrap()),
            Body::EventStreamRequest(esr)
        );
        let host = HostDataRequest::arbitrary(&mut u).unwrap();
        assert_eq!(
            body_of(&host.to_bytes().unwrap()),
            Body::HostDataRequest(host)
        );
        let sr = StreamingRequest::arbitrary(&mut u).unwrap();
        assert_eq!(
            body_of(&sr.to_bytes().unwrap()),
            Body::StreamingRequest(sr),
            "seed {seed}"
        );
        let ed = EventData::arbitrary(&mut u).unwrap();
        assert_eq!(
            body_of(&ed.to_bytes().unwrap()),
            Body::EventData(ed),
            "seed {seed}"
        );
        let hd = HostData::arbitrary(&mut u).unwrap();
        let msg = HostDataMessage {
            message_type: MessageType::SINGLE_HOST_DATA,
            data: hd,
        };
        assert_eq!(body_of(&msg.to_bytes().unwrap()), Body::HostData(hd));
        let err = ErrorMessage::arbitrary(&mut u).unwrap();
        assert_eq!(
            body_of(&err.to_bytes().unwrap()),
            Body::Error(err),
            "seed {seed}"
        );
    }
}
