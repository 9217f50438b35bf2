//! `StreamDecoder` and `MessageReader` against one-shot `Messages` decoding: the same bytes,
//! split anywhere, must give the same sequence of results; and memory stays bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::io::{self, Read};

use common::{Vector, all_vectors, valid_vectors};
use estreamer_codec::{
    DecodeError, DecodeOptions, ErrorKind, Message, MessageReader, Messages, ReadError,
    StreamDecoder,
};

/// What a decoder produced for one item, owned so results of different decoders compare.
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
            kind: ErrorKind::MessageTooLarge { .. },
            ..
        }
    )
}

/// The reference: every item of one-shot `Messages`.
fn reference(bytes: &[u8], opts: DecodeOptions) -> Vec<Outcome> {
    Messages::new(bytes, opts)
        .map(|r| match r {
            Ok(m) => Outcome::of(&m),
            Err(e) => Outcome::Error(e),
        })
        .collect()
}

/// What `StreamDecoder` must yield for `reference`: the same items, except that a final
/// `Incomplete` is the result of `finish()` instead; a fatal error is yielded and also returned
/// by `finish()`.
fn split_reference(r: &[Outcome]) -> (Vec<Outcome>, Result<(), DecodeError>) {
    match r.last() {
        Some(Outcome::Error(e @ DecodeError::Incomplete { .. })) => {
            (r[..r.len() - 1].to_vec(), Err(*e))
        }
        Some(Outcome::Error(e)) if is_fatal(e) => (r.to_vec(), Err(*e)),
        _ => (r.to_vec(), Ok(())),
    }
}

/// Takes every message / error out of `dec`. Returns true when decoding hit a fatal error.
fn drain(dec: &mut StreamDecoder, out: &mut Vec<Outcome>) -> bool {
    loop {
        match dec.next_message() {
            Ok(Some(m)) => out.push(Outcome::of(&m)),
            Ok(None) => return false,
            Err(e) => {
                out.push(Outcome::Error(e));
                if is_fatal(&e) {
                    // A fatal error repeats on every call: stop here.
                    assert_eq!(dec.next_message().err(), Some(e));
                    return true;
                }
            }
        }
    }
}

/// Feeds `chunks` to a fresh decoder; returns its items and `finish()`.
fn run_stream<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    opts: DecodeOptions,
) -> (Vec<Outcome>, Result<(), DecodeError>) {
    run_with(chunks, opts, |dec, rest| dec.feed(rest))
}

/// Reads `chunks` into a fresh decoder's own room (`room` / `commit`, as a TLS reader does),
/// each chunk cut to the room offered; returns its items and `finish()`.
fn run_room<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    opts: DecodeOptions,
    room_size: usize,
) -> (Vec<Outcome>, Result<(), DecodeError>) {
    run_with(chunks, opts, |dec, rest| {
        let room = dec.room(room_size);
        assert!(!room.is_empty(), "no room after draining");
        let n = room.len().min(rest.len());
        room[..n].copy_from_slice(&rest[..n]);
        dec.commit(n);
        n
    })
}

/// Hands `chunks` to a fresh decoder through `take` (which returns how many bytes of the rest
/// it took), draining after each step; returns the items and `finish()`.
fn run_with<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
    opts: DecodeOptions,
    mut take: impl FnMut(&mut StreamDecoder, &[u8]) -> usize,
) -> (Vec<Outcome>, Result<(), DecodeError>) {
    let mut dec = StreamDecoder::new(opts);
    let mut out = Vec::new();
    'feed: for chunk in chunks {
        let mut rest = chunk;
        while !rest.is_empty() {
            let n = take(&mut dec, rest);
            assert!(dec.buffered() <= dec.capacity_limit());
            rest = &rest[n..];
            let before = out.len();
            if drain(&mut dec, &mut out) {
                break 'feed;
            }
            assert!(
                n > 0 || out.len() > before,
                "decoder took nothing and yielded nothing: stuck"
            );
        }
        if drain(&mut dec, &mut out) {
            break;
        }
    }
    (out, dec.finish())
}

/// Where to split a stream in two: everywhere for inputs up to 1 KiB; for longer ones (whose
/// every-point sweep is quadratic), every point within 24 bytes of a top-level message boundary
/// (where header and body straddle the split), plus every 61st point (every 499th beyond 16 KiB).
fn split_points(bytes: &[u8], opts: DecodeOptions) -> Vec<usize> {
    if bytes.len() <= 1024 {
        return (0..=bytes.len()).collect();
    }
    let step = if bytes.len() > 16 * 1024 { 499 } else { 61 };
    let mut points: std::collections::BTreeSet<usize> = (0..=bytes.len()).step_by(step).collect();
    points.insert(bytes.len());
    let mut boundaries = vec![0];
    for m in estreamer_codec::Messages::new(bytes, opts).flatten() {
        boundaries.push(m.offset());
        boundaries.push(m.offset() + 8 + m.body().len());
    }
    for b in boundaries {
        for p in b.saturating_sub(24)..=(b + 24).min(bytes.len()) {
            points.insert(p);
        }
    }
    points.into_iter().collect()
}

fn check_stream(name: &str, bytes: &[u8], opts: DecodeOptions) {
    let reference = reference(bytes, opts);
    let expected = split_reference(&reference);
    for split in split_points(bytes, opts) {
        let got = run_stream([&bytes[..split], &bytes[split..]], opts);
        assert_eq!(got, expected, "{name}: split at {split}");
    }
    for size in 1..=17 {
        let got = run_stream(bytes.chunks(size), opts);
        assert_eq!(got, expected, "{name}: chunks of {size}");
    }
    let got = run_stream(std::iter::once(bytes), opts);
    assert_eq!(got, expected, "{name}: one chunk");
    for (size, room) in [
        (1, 64 * 1024),
        (5, 3),
        (13, 1),
        (4096, 7),
        (bytes.len().max(1), 1 << 20),
    ] {
        let got = run_room(bytes.chunks(size), opts, room);
        assert_eq!(
            got, expected,
            "{name}: read into room {room}, chunks of {size}"
        );
    }
    for seed in 1..=8u64 {
        let got = run_reader(bytes, opts, seed);
        assert_eq!(got, reference, "{name}: MessageReader, seed {seed}");
    }
}

/// A reader that hands out 1..=7 bytes per call and sometimes fails with `Interrupted`.
struct Trickle<'a> {
    data: &'a [u8],
    state: u64,
}

impl Trickle<'_> {
    fn next_random(&mut self) -> u64 {
        // xorshift64
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.next_random();
        if r % 11 == 0 {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "try again"));
        }
        let n = usize::try_from(r % 7 + 1)
            .unwrap()
            .min(buf.len())
            .min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything `MessageReader` yields over a trickling reader, until a clean end or a fatal error.
fn run_reader(bytes: &[u8], opts: DecodeOptions, seed: u64) -> Vec<Outcome> {
    let reader = Trickle {
        data: bytes,
        state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
    };
    let mut r = MessageReader::new(reader, opts);
    let mut out = Vec::new();
    for _ in 0..100_000 {
        match r.next_message() {
            Ok(Some(m)) => out.push(Outcome::of(&m)),
            Ok(None) => return out,
            Err(ReadError::Decode(e)) => {
                out.push(Outcome::Error(e));
                if is_fatal(&e) {
                    return out;
                }
            }
            Err(ReadError::Io(e)) => panic!("unexpected I/O error {e}"),
        }
    }
    panic!("MessageReader did not terminate");
}

#[test]
fn every_vector_split_anywhere() {
    for v in all_vectors() {
        check_stream(&v.name, &v.bytes, v.opts());
    }
}

#[test]
fn concatenated_valid_vectors_split_anywhere() {
    let valid: Vec<Vector> = valid_vectors();
    let all: Vec<u8> = valid.iter().flat_map(|v| v.bytes.iter().copied()).collect();
    let opts = DecodeOptions::default();
    let reference = reference(&all, opts);
    assert!(
        reference
            .iter()
            .all(|o| matches!(o, Outcome::Message { .. }))
    );
    check_stream("all valid vectors", &all, opts);
}

/// Every byte of every valid vector set to 0x00, 0xFF and +1: the stream decoder (chunks of 5)
/// still agrees with one-shot decoding on whatever the mutation does to the framing.
#[test]
fn mutated_vectors_stream_like_one_shot() {
    for v in valid_vectors() {
        for i in 0..v.bytes.len() {
            for value in [0x00, 0xFF, v.bytes[i].wrapping_add(1)] {
                let mut bytes = v.bytes.clone();
                bytes[i] = value;
                let expected = split_reference(&reference(&bytes, v.opts()));
                let got = run_stream(bytes.chunks(5), v.opts());
                assert_eq!(got, expected, "{}: byte {i} set to {value:#04x}", v.name);
            }
        }
    }
}

#[test]
fn finish_agrees_with_final_incomplete() {
    for v in all_vectors() {
        let reference = reference(&v.bytes, v.opts());
        let mut dec = StreamDecoder::new(v.opts());
        let mut out = Vec::new();
        let mut rest: &[u8] = &v.bytes;
        let mut fatal = false;
        while !rest.is_empty() && !fatal {
            let n = dec.feed(rest);
            rest = &rest[n..];
            fatal = drain(&mut dec, &mut out);
        }
        match reference.last() {
            Some(Outcome::Error(e @ DecodeError::Incomplete { .. })) => {
                assert_eq!(dec.finish(), Err(*e), "{}", v.name);
            }
            Some(Outcome::Error(e)) if is_fatal(e) => {
                assert_eq!(dec.finish(), Err(*e), "{}", v.name)
            }
            _ => assert_eq!(dec.finish(), Ok(()), "{}", v.name),
        }
    }
}

/// With a 1024-byte maximum the decoder never holds more than `capacity_limit()` (8 + 1024),
/// however large the slice fed at once.
#[test]
fn memory_bounded_with_large_feed() {
    let opts = DecodeOptions {
        max_message_length: 1024,
        ..DecodeOptions::default()
    };
    let session = common::vector("session_extended.hex").bytes;
    assert!(session.len() <= 1024);
    let per_copy = Messages::new(&session, opts).count();
    let copies = 10 * 1024 * 1024 / session.len() + 1;
    let big: Vec<u8> = session.repeat(copies);
    assert!(big.len() >= 10 * 1024 * 1024);

    let mut dec = StreamDecoder::new(opts);
    assert_eq!(dec.capacity_limit(), 8 + 1024);
    let mut rest: &[u8] = &big;
    let mut messages = 0usize;
    let mut max_buffered = 0;
    while !rest.is_empty() {
        let n = dec.feed(rest);
        assert!(n <= dec.capacity_limit(), "fed {n} bytes at once");
        max_buffered = max_buffered.max(dec.buffered());
        assert!(dec.buffered() <= dec.capacity_limit());
        rest = &rest[n..];
        while let Some(m) = dec.next_message().unwrap() {
            assert!(m.body().len() <= 1024);
            messages += 1;
        }
        assert!(n > 0, "stuck");
    }
    dec.finish().unwrap();
    assert_eq!(messages, per_copy * copies);
    assert!(max_buffered <= 8 + 1024);

    // A 10 MB slice whose first header declares 1025 bytes: fatal, and still bounded.
    let mut hostile = vec![0u8; 10 * 1024 * 1024];
    hostile[..8].copy_from_slice(&[0, 1, 0, 4, 0, 0, 0x04, 0x01]);
    let mut dec = StreamDecoder::new(opts);
    let n = dec.feed(&hostile);
    assert!(n <= dec.capacity_limit());
    assert!(dec.buffered() <= dec.capacity_limit());
    let err = dec.next_message().unwrap_err();
    assert_eq!(
        err,
        DecodeError::Invalid {
            offset: 4,
            kind: ErrorKind::MessageTooLarge {
                declared: 1025,
                max: 1024
            },
            location: None,
        }
    );
    let n2 = dec.feed(&hostile[n..]);
    assert!(n + n2 <= dec.capacity_limit());
    assert!(dec.buffered() <= dec.capacity_limit());
    assert_eq!(dec.finish(), Err(err));

    // A 10 MB slice of messages with bad header versions (skipped frames): bounded too.
    let mut skipped = Vec::with_capacity(10 * 1024 * 1024 + 1024);
    while skipped.len() < 10 * 1024 * 1024 {
        skipped.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0x04, 0x00]);
        skipped.extend_from_slice(&[0xAB; 1024]);
    }
    let mut dec = StreamDecoder::new(opts);
    let mut rest: &[u8] = &skipped;
    let mut errors = 0usize;
    while !rest.is_empty() {
        let n = dec.feed(rest);
        assert!(dec.buffered() <= dec.capacity_limit());
        rest = &rest[n..];
        loop {
            match dec.next_message() {
                Ok(Some(_)) => panic!("no valid message in this stream"),
                Ok(None) => break,
                Err(e) => {
                    assert!(matches!(
                        e,
                        DecodeError::Invalid {
                            kind: ErrorKind::UnsupportedHeaderVersion { found: 0 },
                            ..
                        }
                    ));
                    errors += 1;
                }
            }
        }
    }
    assert_eq!(errors, skipped.len() / (8 + 1024));
    dec.finish().unwrap();
}
