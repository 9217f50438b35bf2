//! Cost of `estreamer decode` (JSON Lines) per record over a synthesized stream: prints records/s;
//! run under callgrind for instruction counts. `SIZE` (bytes, default 4 MiB) sets the stream.

use std::hint::black_box;
use std::time::Instant;

use estreamer_benches::{SynthConfig, synth};
use estreamer_codec::DecodeOptions;

fn main() {
    let size = std::env::var("SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4 << 20);
    let s = synth(&SynthConfig {
        target_bytes: size,
        ..SynthConfig::default()
    });
    let mut out = Vec::with_capacity(s.bytes.len() * 4);
    let t = Instant::now();
    let summary =
        estreamer_cli::decode::decode_stream(&s.bytes[..], &mut out, DecodeOptions::default())
            .unwrap_or_default();
    let secs = t.elapsed().as_secs_f64();
    black_box(&out);
    println!(
        "{} records, {} bytes of JSON: {:.0} records/s",
        summary.records,
        out.len(),
        summary.records as f64 / secs
    );
}
