#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| estreamer_oracles::session(data));
