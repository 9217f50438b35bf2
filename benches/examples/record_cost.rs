//! Cost per record of the codec's main paths, in cache, for `scripts/perf-gate` and for people:
//! prints nanoseconds per record; under callgrind the instruction count per record, which does
//! not depend on what else the machine is doing.
//!
//! ```sh
//! cargo build --release -p estreamer-benches --example record_cost
//! target/release/examples/record_cost all          # every mode, wall clock
//! target/release/examples/record_cost fields       # one mode
//! # instructions per record: (Collected(ITERS=k) - Collected(ITERS=0)) / (k * records)
//! ITERS=10 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/record_cost fields
//! ```
//!
//! Modes (the input is the default synthesized stream, 1 MiB, or its first 2,000 intrusion
//! events, about 750 KB; both stay in L2):
//!
//! * `frames`: framing, bundles and record headers of the 1 MiB stream;
//! * `decode`, `fields`, `render`: an intrusion event (block 85) decoded; decoded and every field
//!   read through the typed view; decoded and rendered with the stream's metadata;
//! * `mixed`: every record of the 1 MiB stream decoded and every field walked generically;
//! * `typed`: the same, every field read through the typed visit (`Record::visit_fields`);
//! * `json`: `estreamer decode` of the 1 MiB stream into memory.
//!
//! Each mode prints `<mode> <records per iteration> <ns per record>`.

use std::hint::black_box;
use std::time::Instant;

use estreamer_benches::{SynthConfig, events, fold, synth};
use estreamer_codec::names::Metadata;
use estreamer_codec::{
    Body, DecodeOptions, EventData, HeaderMode, IntrusionEvent, Messages, Record, RecordType,
};

fn main() {
    let big = synth(&SynthConfig::default());
    let small = synth(&SynthConfig {
        target_bytes: 1 << 20,
        ..SynthConfig::default()
    });
    let all = events(&big.bytes);
    let mut md = Metadata::new();
    for d in &all {
        if let Ok(r) = Record::decode(d) {
            md.ingest(&r);
        }
    }
    let events: Vec<&EventData<'_>> = all
        .iter()
        .filter(|d| d.record_type() == RecordType::INTRUSION_EVENT)
        .take(2000)
        .collect();
    let small_records = small.records;
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut json = Vec::with_capacity(small.bytes.len() * 4);

    let run = |what: &str, json: &mut Vec<u8>| {
        let t = Instant::now();
        let mut acc = 0u64;
        let per_iter = match what {
            "frames" | "mixed" | "typed" | "json" => small_records,
            _ => events.len(),
        };
        for _ in 0..iters {
            match what {
                "frames" => {
                    for m in
                        Messages::new(black_box(&small.bytes), DecodeOptions::default()).flatten()
                    {
                        if let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) {
                            for inner in b.messages().flatten() {
                                if let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto)
                                {
                                    acc = acc.wrapping_add(u64::from(d.record_type().0));
                                }
                            }
                        }
                    }
                }
                "mixed" => {
                    for m in
                        Messages::new(black_box(&small.bytes), DecodeOptions::default()).flatten()
                    {
                        let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) else {
                            continue;
                        };
                        for inner in b.messages().flatten() {
                            let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) else {
                                continue;
                            };
                            let Ok(r) = &Record::decode(&d) else { continue };
                            for p in r.prefix().into_iter().chain(r.parts()) {
                                let _ = p.for_each(|_, v| acc = acc.wrapping_add(fold(v)));
                            }
                        }
                    }
                }
                "typed" => {
                    for m in
                        Messages::new(black_box(&small.bytes), DecodeOptions::default()).flatten()
                    {
                        let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) else {
                            continue;
                        };
                        for inner in b.messages().flatten() {
                            let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) else {
                                continue;
                            };
                            let Ok(r) = &Record::decode(&d) else { continue };
                            r.visit_prefix(|_, v| acc = acc.wrapping_add(fold(v)));
                            r.visit_fields(|_, v| acc = acc.wrapping_add(fold(v)));
                        }
                    }
                }
                "json" => {
                    json.clear();
                    let s = estreamer_json::decode::decode_stream(
                        black_box(&small.bytes[..]),
                        &mut *json,
                        DecodeOptions::default(),
                    );
                    acc = acc.wrapping_add(s.map(|s| s.records).unwrap_or(0));
                }
                _ => {
                    for d in &events {
                        let Ok(r) = Record::decode_body(
                            d.record_type(),
                            black_box(d.body),
                            d.body_offset(),
                        ) else {
                            continue;
                        };
                        match (what, r) {
                            ("fields", Record::IntrusionEvent(IntrusionEvent::V85(v))) => {
                                v.visit(|_, val| acc = acc.wrapping_add(fold(val)));
                            }
                            ("render", Record::IntrusionEvent(ev)) => {
                                black_box(md.render(&ev));
                            }
                            (_, r) => {
                                black_box(&r);
                            }
                        }
                    }
                }
            }
        }
        black_box(acc);
        let per = t.elapsed().as_nanos() as f64 / (iters * per_iter).max(1) as f64;
        println!("{what} {per_iter} {per:.1}");
    };
    let mode = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    match mode.as_str() {
        "all" => {
            for m in [
                "frames", "decode", "fields", "render", "mixed", "typed", "json",
            ] {
                run(m, &mut json);
            }
        }
        m => run(m, &mut json),
    }
}
