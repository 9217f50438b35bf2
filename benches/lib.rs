//! Benchmarks for estreamer-codec. The stream they run on comes from `estreamer-synth`,
//! re-exported here so the benches, tests and examples can say `estreamer_benches::synth`.

#![forbid(unsafe_code)]

pub use estreamer_synth::*;
