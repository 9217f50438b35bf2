//! Cost of one intrusion event (record 400, block 85) in cache: decode, read every field,
//! render. Prints nanoseconds per record; run under callgrind for instruction counts, which do
//! not depend on what else the machine is doing:
//!
//! ```sh
//! cargo build --release -p estreamer-benches --example record_cost
//! target/release/examples/record_cost decode        # or: fields, render, all
//! for n in 0 10; do ITERS=$n valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/record_cost fields 2>&1 | grep Collected; done
//! # instructions per record = (Collected(10) - Collected(0)) / (10 * 2000)
//! ```
//!
//! The events are the first 2,000 intrusion events of the default synthesized stream (about
//! 750 KB: they stay in L2); the metadata cache holds the stream's metadata records.

use std::hint::black_box;
use std::time::Instant;

use estreamer_benches::{SynthConfig, synth};
use estreamer_codec::layout::Value;
use estreamer_codec::metadata::Metadata;
use estreamer_codec::{
    Body, DecodeOptions, HeaderMode, IntrusionEvent, Messages, Record, RecordType,
};

/// Consumes a field's value cheaply (no store per field).
#[inline(always)]
fn fold(v: Value<'_>) -> u64 {
    match v {
        Value::U8(x) => x.into(),
        Value::U16(x) => x.into(),
        Value::U32(x) => x.into(),
        Value::U64(x) => x,
        Value::I32(x) => x as u64,
        Value::Ip16(a) => a.0[15].into(),
        Value::Uuid(u) => u.0[15].into(),
        Value::Bytes(b) => b.len() as u64,
        Value::Text(t) => t.len() as u64,
        _ => 1,
    }
}

fn main() {
    let s = synth(&SynthConfig::default());
    let mut events = Vec::new();
    let mut md = Metadata::new();
    for m in Messages::new(&s.bytes, DecodeOptions::default()).flatten() {
        if let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) {
            for inner in b.messages().flatten() {
                if let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) {
                    if let Ok(r) = Record::decode(&d) {
                        md.ingest(&r);
                    }
                    if d.record_type() == RecordType::INTRUSION_EVENT && events.len() < 2000 {
                        events.push((d.body, d.body_offset()));
                    }
                }
            }
        }
    }
    let mode = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let iters: usize = std::env::var("ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let run = |what: &str| {
        let t = Instant::now();
        let mut acc = 0u64;
        for _ in 0..iters {
            for &(body, offset) in &events {
                let Ok(r) = Record::decode_body(RecordType(400), black_box(body), offset) else {
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
        black_box(acc);
        let per = t.elapsed().as_nanos() as f64 / (iters * events.len()).max(1) as f64;
        println!(
            "{what}: {per:.1} ns per record ({} events x {iters})",
            events.len()
        );
    };
    match mode.as_str() {
        "all" => ["decode", "fields", "render"].iter().for_each(|m| run(m)),
        m => run(m),
    }
}
