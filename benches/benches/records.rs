//! Typed record decoding over the records of a synthesized stream (see `estreamer_benches`):
//! the intrusion events (block 85; the first 2,000, which stay in L2) decoded, decoded with every
//! field read through the typed view, and rendered with the metadata cache; the connection
//! events (block 174) and the rule messages with every field read (the connection events also
//! through the typed visit, and a connection-only stream to JSON Lines); the whole mixed stream
//! decoded record by record with every field walked generically and through the typed visit;
//! encoding (the client's requests, block-85
//! records from their `Repr`, every record of the stream through its layouts); and
//! `estreamer decode` writing JSON Lines.
//!
//! Throughput is reported in bytes (of the record bodies, or of the stream) and in records.
//!
//! Run: `cargo bench -p estreamer-benches --bench records`; quick check:
//! `cargo bench -p estreamer-benches --bench records -- --test`.

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use estreamer_benches::{SynthConfig, for_each_record, synth};
use estreamer_codec::names::Metadata;
use estreamer_codec::{
    Body, ConnectionBlock, DecodeOptions, HeaderMode, IntrusionEvent, Messages, Record, RecordType,
};

/// A record body and where it sits.
struct Rec<'a> {
    record_type: RecordType,
    body: &'a [u8],
    offset: usize,
}

/// Every record of the stream, in order.
fn records(stream: &[u8]) -> Vec<Rec<'_>> {
    let mut out = Vec::new();
    for m in Messages::new(stream, DecodeOptions::default()) {
        let m = m.expect("synthesized stream frames");
        if let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) {
            for inner in b.messages() {
                let inner = inner.expect("inner message");
                if let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) {
                    out.push(Rec {
                        record_type: d.record_type(),
                        body: d.body,
                        offset: d.body_offset(),
                    });
                }
            }
        }
    }
    out
}

/// Consumes a value so that reading it cannot be optimized away (and counts it).
#[inline]
fn fold<T>(acc: &mut u64, v: T) {
    black_box(v);
    *acc += 1;
}

fn bench(c: &mut Criterion) {
    let s = synth(&SynthConfig::default());
    let all = records(&s.bytes);
    let pick = |t: u32| -> Vec<&Rec<'_>> { all.iter().filter(|r| r.record_type.0 == t).collect() };
    // The intrusion groups use the first 2,000 events (about 750 KB, they stay in L2): the cost
    // of the codec's work per event, not of memory latency.
    let mut intrusion = pick(400);
    intrusion.truncate(2000);
    let connection = pick(71);
    let rules = pick(66);
    let bytes_of = |v: &[&Rec<'_>]| v.iter().map(|r| r.body.len() as u64).sum::<u64>();

    // The metadata the stream carries, for rendering.
    let mut md = Metadata::new();
    for r in &all {
        if let Ok(rec) = Record::decode_body(r.record_type, r.body, r.offset) {
            md.ingest(&rec);
        }
    }

    let mut g = c.benchmark_group("intrusion_85_decode");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(bytes_of(&intrusion))),
        ("records", Throughput::Elements(intrusion.len() as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                for r in &intrusion {
                    let rec = Record::decode_body(r.record_type, black_box(r.body), r.offset);
                    black_box(&rec);
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("intrusion_85_all_fields");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(bytes_of(&intrusion))),
        ("records", Throughput::Elements(intrusion.len() as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for r in &intrusion {
                    let Ok(Record::IntrusionEvent(IntrusionEvent::V85(v))) =
                        Record::decode_body(r.record_type, black_box(r.body), r.offset)
                    else {
                        continue;
                    };
                    // Every field through its typed accessor.
                    v.visit(|_, value| acc = acc.wrapping_add(estreamer_benches::fold(value)));
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("intrusion_85_rendered");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    g.throughput(Throughput::Elements(intrusion.len() as u64));
    g.bench_function("records", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for r in &intrusion {
                let Ok(Record::IntrusionEvent(ev)) =
                    Record::decode_body(r.record_type, black_box(r.body), r.offset)
                else {
                    continue;
                };
                let rendered = md.render(&ev);
                fold(
                    &mut acc,
                    (rendered.sid, rendered.rule_message, rendered.classification),
                );
                fold(
                    &mut acc,
                    (rendered.priority, rendered.access_control_policy),
                );
            }
            black_box(acc)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("rule_message_all_fields");
    g.measurement_time(Duration::from_secs(2)).sample_size(20);
    g.throughput(Throughput::Elements(rules.len() as u64));
    g.bench_function("records", |b| {
        b.iter(|| {
            let mut acc = 0u64;
            for r in &rules {
                if let Ok(Record::RuleMessage(v)) =
                    Record::decode_body(r.record_type, black_box(r.body), r.offset)
                {
                    for value in v.values() {
                        fold(&mut acc, value);
                    }
                }
            }
            black_box(acc)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("connection_174_all_fields");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(bytes_of(&connection))),
        ("records", Throughput::Elements(connection.len() as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for r in &connection {
                    let Ok(Record::Connection(c)) =
                        Record::decode_body(r.record_type, black_box(r.body), r.offset)
                    else {
                        continue;
                    };
                    for value in c.header.values() {
                        fold(&mut acc, value);
                    }
                    if let ConnectionBlock::V174(v) = c.block {
                        for value in v.values() {
                            fold(&mut acc, value);
                        }
                    }
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    // The same records, every field read through the typed visit (the accessors, one call of
    // the closure per field, no array of values built).
    let mut g = c.benchmark_group("connection_174_visit");
    g.measurement_time(Duration::from_secs(3)).sample_size(20);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(bytes_of(&connection))),
        ("records", Throughput::Elements(connection.len() as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for r in &connection {
                    let Ok(rec) = &Record::decode_body(r.record_type, black_box(r.body), r.offset)
                    else {
                        continue;
                    };
                    rec.visit_prefix(|_, v| acc = acc.wrapping_add(estreamer_benches::fold(v)));
                    rec.visit_fields(|_, v| acc = acc.wrapping_add(estreamer_benches::fold(v)));
                }
                black_box(acc)
            })
        });
    }
    g.finish();

    // `estreamer decode` of a stream of connection events only (block 174): 4 MiB.
    let conn_stream = synth(&SynthConfig {
        target_bytes: 4 << 20,
        mix: estreamer_benches::Mix {
            intrusion: 0,
            connection: 1,
            packet: 0,
            rule_message: 0,
            classification: 0,
            priority: 0,
        },
        ..SynthConfig::default()
    });
    let mut g = c.benchmark_group("connection_174_json_lines");
    g.measurement_time(Duration::from_secs(4)).sample_size(10);
    let mut out = Vec::with_capacity(conn_stream.bytes.len() * 4);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(conn_stream.bytes.len() as u64)),
        ("records", Throughput::Elements(conn_stream.records as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                out.clear();
                let summary = estreamer_json::decode::decode_stream(
                    black_box(&conn_stream.bytes[..]),
                    &mut out,
                    DecodeOptions::default(),
                )
                .expect("decode to memory");
                black_box(summary)
            })
        });
    }
    g.finish();

    // The mixed stream: framing, bundles, record headers and every field of every record
    // walked generically through its layout.
    let mut g = c.benchmark_group("mixed_stream_every_field");
    g.measurement_time(Duration::from_secs(4)).sample_size(10);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(s.bytes.len() as u64)),
        ("records", Throughput::Elements(s.records as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for_each_record(black_box(&s.bytes), |rec| {
                    for parts in rec.prefix().into_iter().chain(rec.parts()) {
                        let _ = parts.for_each(|_, v| fold(&mut acc, v));
                    }
                });
                black_box(acc)
            })
        });
    }
    g.finish();

    // The same, with every field read through the typed visit (`Record::visit_prefix`,
    // `Record::visit_fields`) instead of the generic layout walk.
    let mut g = c.benchmark_group("mixed_stream_every_field_typed");
    g.measurement_time(Duration::from_secs(4)).sample_size(10);
    for (id, tp) in [
        ("bytes", Throughput::Bytes(s.bytes.len() as u64)),
        ("records", Throughput::Elements(s.records as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut acc = 0u64;
                for_each_record(black_box(&s.bytes), |rec| {
                    rec.visit_prefix(|_, v| acc = acc.wrapping_add(estreamer_benches::fold(v)));
                    rec.visit_fields(|_, v| acc = acc.wrapping_add(estreamer_benches::fold(v)));
                });
                black_box(acc)
            })
        });
    }
    g.finish();

    // Encoding: the client's requests, and records back to bytes through their layouts.
    let mut g = c.benchmark_group("encode");
    g.measurement_time(Duration::from_secs(2)).sample_size(20);
    let mut buf = Vec::with_capacity(1 << 20);
    g.throughput(Throughput::Elements(1));
    g.bench_function("event_stream_and_streaming_request", |b| {
        use estreamer_codec::{
            Encode, EventStreamRequest, EventTypeRequest, InitialTimestamp, RequestFlags,
            StreamingRequest,
        };
        b.iter(|| {
            buf.clear();
            let start = InitialTimestamp::At(black_box(1_700_000_000));
            let flags = RequestFlags::ENCORE_DEFAULT;
            EventStreamRequest {
                initial_timestamp: start,
                flags,
            }
            .encode(&mut buf)
            .expect("encode");
            StreamingRequest::new(flags, start, &EventTypeRequest::ENCORE_5_2_11)
                .encode(&mut buf)
                .expect("encode");
            black_box(buf.len())
        })
    });
    let reprs: Vec<_> = intrusion
        .iter()
        .filter_map(
            |r| match Record::decode_body(r.record_type, r.body, r.offset) {
                Ok(Record::IntrusionEvent(IntrusionEvent::V85(v))) => Some(v.to_repr()),
                _ => None,
            },
        )
        .collect();
    g.throughput(Throughput::Elements(reprs.len() as u64));
    g.bench_function("intrusion_85_records", |b| {
        b.iter(|| {
            buf.clear();
            for r in &reprs {
                r.encode(&mut buf).expect("encode");
            }
            black_box(buf.len())
        })
    });
    g.throughput(Throughput::Elements(all.len() as u64));
    g.bench_function("every_record_of_the_stream", |b| {
        b.iter(|| {
            buf.clear();
            for r in &all {
                if let Ok(rec) = Record::decode_body(r.record_type, r.body, r.offset) {
                    rec.encode_body(&mut buf).expect("encode");
                }
            }
            black_box(buf.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("decode_to_json_lines");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    let mut out = Vec::with_capacity(s.bytes.len() * 4);
    for (id, tp) in [
        ("records", Throughput::Elements(s.records as u64)),
        ("bytes", Throughput::Bytes(s.bytes.len() as u64)),
    ] {
        g.throughput(tp);
        g.bench_function(id, |b| {
            b.iter(|| {
                out.clear();
                let summary = estreamer_json::decode::decode_stream(
                    black_box(&s.bytes[..]),
                    &mut out,
                    DecodeOptions::default(),
                )
                .expect("decode to memory");
                black_box(summary)
            })
        });
    }
    g.finish();

    // The same decode with the output thrown away (what `estreamer decode > /dev/null` does):
    // the decoder's own cost, without copying 75 MB of JSON into memory. One thread, then the
    // parallel decoder (`decode --threads N`) on 2 and 3 worker threads, in one group so their
    // ratio comes from one run.
    let mut g = c.benchmark_group("decode_to_json_lines_sink");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    g.throughput(Throughput::Elements(s.records as u64));
    for threads in [1usize, 2, 3] {
        let id = format!(
            "records_{threads}_thread{}",
            if threads > 1 { "s" } else { "" }
        );
        g.bench_function(id, |b| {
            b.iter(|| {
                let mut sink = CountingSink(0);
                let summary = if threads == 1 {
                    estreamer_json::decode::decode_stream(
                        black_box(&s.bytes[..]),
                        &mut sink,
                        DecodeOptions::default(),
                    )
                } else {
                    estreamer_json::decode::decode_stream_parallel(
                        black_box(&s.bytes[..]),
                        &mut sink,
                        DecodeOptions::default(),
                        threads,
                    )
                }
                .expect("decode to a sink");
                assert_eq!(summary.records, s.records as u64);
                black_box(sink.0)
            })
        });
    }
    g.finish();
}

/// Counts the bytes written and drops them.
struct CountingSink(u64);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
