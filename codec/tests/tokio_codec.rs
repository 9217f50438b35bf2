//! The tokio_util codec (feature `tokio`): framing over a growing BytesMut, chunk by chunk,
//! agrees with one-shot decoding; a hostile length fails before the buffer grows.
#![cfg(feature = "tokio")]

use bytes::BytesMut;
use estreamer_codec::stream::tokio::{CodecError, EstreamerCodec};
use estreamer_codec::{
    Body, DecodeError, DecodeOptions, Encode, ErrorKind, ErrorMessage, EventData, HeaderMode,
    Messages, Null, RecordType, encode_bundle,
};
use tokio_util::codec::{Decoder, Encoder};

fn stream() -> Vec<u8> {
    let mut s = Vec::new();
    Null.encode(&mut s).unwrap();
    encode_bundle(&mut s, 7, 1, |out| {
        EventData::extended(RecordType::INTRUSION_EVENT, 1_700_000_000, 0, &[1; 40])
            .encode_with_version(0, out)?;
        EventData::standard(
            RecordType::PRIORITY_METADATA,
            &[0, 0, 0, 1, 0, 4, b'h', b'i', b'g', b'h'],
        )
        .encode_with_version(1, out)
    })
    .unwrap();
    ErrorMessage::new(-1, b"bye").encode(&mut s).unwrap();
    s
}

#[test]
fn chunked_framing_matches_one_shot() {
    let s = stream();
    let expected: Vec<(usize, Vec<u8>)> = Messages::new(&s, DecodeOptions::default())
        .map(|m| {
            let m = m.unwrap();
            (
                m.offset(),
                s[m.offset()..m.offset() + 8 + m.body().len()].to_vec(),
            )
        })
        .collect();
    for chunk in 1..=s.len() {
        let mut codec = EstreamerCodec::new(DecodeOptions::default());
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for piece in s.chunks(chunk) {
            buf.extend_from_slice(piece);
            while let Some(m) = codec.decode(&mut buf).unwrap() {
                got.push((m.offset(), m.frame().to_vec()));
            }
        }
        assert!(buf.is_empty());
        assert_eq!(got, expected, "chunk size {chunk}");
    }
}

#[test]
fn owned_messages_decode_their_bodies() {
    let s = stream();
    let mut codec = EstreamerCodec::default();
    let mut buf = BytesMut::from(&s[..]);
    let _null = codec.decode(&mut buf).unwrap().unwrap();
    let bundle = codec.decode(&mut buf).unwrap().unwrap();
    let view = bundle.message();
    let Body::Bundle(b) = view.decode_body(HeaderMode::Auto).unwrap() else {
        panic!()
    };
    assert_eq!(b.messages().count(), 2);
    let err = codec.decode(&mut buf).unwrap().unwrap();
    match err.message().decode_body(HeaderMode::Auto).unwrap() {
        Body::Error(e) => assert_eq!(e.text.as_bytes(), b"bye"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_length_is_rejected_before_buffering() {
    let mut codec = EstreamerCodec::new(DecodeOptions {
        max_message_length: 1024,
        ..DecodeOptions::default()
    });
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&[0, 1, 0, 4, 0xff, 0xff, 0xff, 0xff]);
    match codec.decode(&mut buf) {
        Err(CodecError::Decode(DecodeError::Invalid {
            offset: 4,
            kind:
                ErrorKind::MessageTooLarge {
                    declared: 0xffff_ffff,
                    max: 1024,
                },
            location: None,
        })) => {}
        other => panic!("{other:?}"),
    }
    assert!(buf.capacity() < 4096);
}

#[test]
fn encoder_writes_any_encodable_message() {
    let mut codec = EstreamerCodec::default();
    let mut dst = BytesMut::new();
    codec.encode(Null, &mut dst).unwrap();
    codec
        .encode(ErrorMessage::new(-1, b"bye"), &mut dst)
        .unwrap();
    assert_eq!(
        &dst[..],
        &[
            0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff, 0, 3, b'b',
            b'y', b'e'
        ]
    );
}
