//! Decode throughput over a synthesized 16 MiB eStreamer stream (see `estreamer_benches`).
//!
//! Each group measures one pass over the whole stream and reports it twice: as bytes
//! (`Throughput::Bytes`, id `bytes`) and as records (`Throughput::Elements`, id `records`; each
//! record is one Event Data message inside a bundle). The groups, cheapest first:
//!
//! * `floor_read`: reads every byte (wrapping sum of native-endian u64 words): the memory floor;
//! * `floor_hash`: hashes every byte with FNV-1a 64 applied to 8-byte words (one xor and one
//!   multiply per word, a single dependency chain), the cheapest pass that must look at every
//!   byte in order;
//! * `frames_only`: [`Messages`] over the top-level messages, bundles left closed;
//! * `frames_and_record_headers`: the top-level framing, then every bundle's body, every inner
//!   message, and every inner Event Data's record header (`decode_body` -> `EventData::parse`),
//!   summing record types, lengths and archive timestamps;
//! * `stream_decoder_64k`: the same walk with the stream fed to a [`StreamDecoder`] in 64 KiB
//!   chunks (this pass copies every byte into the decoder's buffer).
//!
//! A 16 MiB stream does not fit in L2, so the record-header walks above wait on memory: each
//! header's position comes from the previous header's length, a chain of dependent loads. The
//! group `in_cache_1mib` repeats the hash floor and the record-header walk over a 1 MiB stream
//! that stays in L2, where only the decoder's own work per record is left, and adds
//! `event_data_parse`: the same walk calling `EventData::parse` directly instead of going
//! through `Message::decode_body` (reported in bytes of the 1 MiB stream).
//!
//! Run: `cargo bench -p estreamer-benches --bench decode`; quick check that every benchmark
//! runs: `cargo bench -p estreamer-benches --bench decode -- --test`.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use estreamer_benches::{Synth, SynthConfig, synth};
use estreamer_codec::{
    Body, DecodeOptions, EventData, Message, MessageType, Messages, StreamDecoder,
};

/// Size of the chunks fed to the `StreamDecoder`.
const CHUNK: usize = 64 * 1024;

/// Size of the stream of the `in_cache_1mib` group: well inside a 2 MiB L2.
const IN_CACHE_BYTES: usize = 1024 * 1024;

/// What a pass accumulates, so that nothing it decodes can be optimized away.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Acc {
    /// Top-level messages.
    messages: u64,
    /// Event Data records inside bundles.
    records: u64,
    /// Sum of message types, record types, lengths and archive timestamps.
    sum: u64,
    /// Decode errors (0 on the synthesized stream; checked before measuring).
    errors: u64,
}

/// The memory floor: a wrapping sum of every 8-byte word (and the tail bytes).
fn sum_words(bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut sum = 0u64;
    for w in &mut words {
        if let Some(w) = w.first_chunk::<8>() {
            sum = sum.wrapping_add(u64::from_ne_bytes(*w));
        }
    }
    for &b in words.remainder() {
        sum = sum.wrapping_add(u64::from(b));
    }
    sum
}

/// FNV-1a 64 over 8-byte little-endian words (then the tail bytes one by one): every byte goes
/// through one serial xor-multiply chain.
fn fnv1a64_words(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut words = bytes.chunks_exact(8);
    let mut h = OFFSET;
    for w in &mut words {
        if let Some(w) = w.first_chunk::<8>() {
            h = (h ^ u64::from_le_bytes(*w)).wrapping_mul(PRIME);
        }
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    h
}

/// Top-level framing only.
fn frames_only(stream: &[u8], opts: DecodeOptions) -> Acc {
    let mut acc = Acc::default();
    for m in Messages::new(stream, opts) {
        match m {
            Ok(m) => {
                acc.messages += 1;
                acc.sum = acc
                    .sum
                    .wrapping_add(u64::from(m.message_type().0) + u64::from(m.length()));
            }
            Err(_) => acc.errors += 1,
        }
    }
    acc
}

/// One top-level message: open a bundle and read every inner record header, through the typed
/// body (`Message::decode_body`, which calls `EventData::parse`) or, with `DIRECT`, through
/// `EventData::parse` itself after checking the message type.
#[inline]
fn walk_message<const DIRECT: bool>(m: &Message<'_>, opts: DecodeOptions, acc: &mut Acc) {
    acc.messages += 1;
    let Ok(body) = m.decode_body(opts.header_mode) else {
        acc.errors += 1;
        return;
    };
    let Body::Bundle(bundle) = body else {
        return;
    };
    for inner in bundle.messages() {
        let ed = if DIRECT {
            match inner.and_then(|i| {
                if i.message_type() == MessageType::EVENT_DATA {
                    EventData::parse(i.body(), i.body_offset(), opts.header_mode).map(Some)
                } else {
                    Ok(None)
                }
            }) {
                Ok(Some(ed)) => ed,
                Ok(None) | Err(_) => {
                    acc.errors += 1;
                    continue;
                }
            }
        } else {
            match inner.and_then(|i| i.decode_body(opts.header_mode)) {
                Ok(Body::EventData(ed)) => ed,
                Ok(_) | Err(_) => {
                    acc.errors += 1;
                    continue;
                }
            }
        };
        acc.records += 1;
        acc.sum = acc.sum.wrapping_add(
            u64::from(ed.record_type().0)
                + ed.record_length() as u64
                + u64::from(ed.archive_timestamp().unwrap_or(0)),
        );
    }
}

/// Framing plus every record header, over the whole buffer.
fn frames_and_record_headers<const DIRECT: bool>(stream: &[u8], opts: DecodeOptions) -> Acc {
    let mut acc = Acc::default();
    for m in Messages::new(stream, opts) {
        match m {
            Ok(m) => walk_message::<DIRECT>(&m, opts, &mut acc),
            Err(_) => acc.errors += 1,
        }
    }
    acc
}

/// The same walk through a `StreamDecoder` fed `CHUNK`-byte pieces.
fn stream_decoder(stream: &[u8], opts: DecodeOptions) -> Acc {
    let mut acc = Acc::default();
    let mut dec = StreamDecoder::new(opts);
    for chunk in stream.chunks(CHUNK) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let n = dec.feed(rest);
            rest = rest.get(n..).unwrap_or_default();
            loop {
                match dec.next_message() {
                    Ok(Some(m)) => walk_message::<false>(&m, opts, &mut acc),
                    Ok(None) => break,
                    Err(_) => {
                        acc.errors += 1;
                        break;
                    }
                }
            }
        }
    }
    if dec.finish().is_err() {
        acc.errors += 1;
    }
    acc
}

/// One pass over the whole stream, returning something that depends on every step.
type Pass = fn(&[u8], DecodeOptions) -> u64;

/// Registers `pass` twice in `group`: throughput in bytes (id `bytes`) and in records (id
/// `records`).
fn bench_both<R>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    s: &Synth,
    pass: impl Fn(&[u8]) -> R + Copy,
) {
    let stream = s.bytes.as_slice();
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function("bytes", |b| b.iter(|| pass(black_box(stream))));
    group.throughput(Throughput::Elements(s.records as u64));
    group.bench_function("records", |b| b.iter(|| pass(black_box(stream))));
}

fn decode(c: &mut Criterion) {
    let config = SynthConfig::default();
    let s = synth(&config);
    let opts = DecodeOptions::default();
    eprintln!("stream: seed {}, mix {}: {s}", config.seed, config.mix);

    // The passes must see the whole stream, without errors, before they are worth timing.
    let framed = frames_only(&s.bytes, opts);
    assert_eq!((framed.messages, framed.errors), (s.messages as u64, 0));
    let walked = frames_and_record_headers::<false>(&s.bytes, opts);
    assert_eq!(walked.records, s.records as u64, "{walked:?}");
    assert_eq!(walked.errors, 0, "{walked:?}");
    assert_eq!(frames_and_record_headers::<true>(&s.bytes, opts), walked);
    assert_eq!(stream_decoder(&s.bytes, opts), walked);

    let groups: [(&str, Pass); 5] = [
        ("floor_read", |b, _| sum_words(b)),
        ("floor_hash", |b, _| fnv1a64_words(b)),
        ("frames_only", |b, o| frames_only(b, o).sum),
        ("frames_and_record_headers", |b, o| {
            frames_and_record_headers::<false>(b, o).sum
        }),
        ("stream_decoder_64k", |b, o| stream_decoder(b, o).sum),
    ];
    for (name, pass) in groups {
        let mut group = c.benchmark_group(name);
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        bench_both(&mut group, &s, move |b| pass(b, opts));
        group.finish();
    }

    // The same walks over a 1 MiB stream, which stays in this machine's L2: no memory latency,
    // only the decoder's own work per record. Throughput in bytes of the small stream.
    let small = synth(&SynthConfig {
        target_bytes: IN_CACHE_BYTES,
        ..config
    });
    eprintln!("in-cache stream: {small}");
    let small_walked = frames_and_record_headers::<false>(&small.bytes, opts);
    assert_eq!(
        (small_walked.records, small_walked.errors),
        (small.records as u64, 0)
    );
    let in_cache: [(&str, Pass); 3] = [
        ("floor_hash", |b, _| fnv1a64_words(b)),
        ("frames_and_record_headers", |b, o| {
            frames_and_record_headers::<false>(b, o).sum
        }),
        ("event_data_parse", |b, o| {
            frames_and_record_headers::<true>(b, o).sum
        }),
    ];
    let mut group = c.benchmark_group("in_cache_1mib");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(small.bytes.len() as u64));
    let stream = small.bytes.as_slice();
    for (name, pass) in in_cache {
        group.bench_function(name, |b| b.iter(|| pass(black_box(stream), opts)));
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
