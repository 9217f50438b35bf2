//! Benchmarks for estreamer-codec (see benches/).
