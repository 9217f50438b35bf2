//! The fuzzers' findings (`testdata/regressions/<target>-<what>.bin`, see the README there):
//! every file is named after a fuzz target and passes that target's oracle, through the same
//! public `estreamer-oracles` (`oracles/src/lib.rs`) entry points the fuzz binaries call (feature `arbitrary`).
//! The unit tests of `oracles/src/lib.rs` also run every oracle over every file, on any
//! feature set.

use std::path::{Path, PathBuf};

/// The fuzz targets of `fuzz/Cargo.toml`.
const TARGETS: &[&str] = &[
    "decode_message",
    "roundtrip_values",
    "stream_chunks",
    "metadata_render",
    "layouts",
    "session",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/regressions")
}

/// Every regression input: (file name, target, bytes), sorted by name.
fn regressions() -> Vec<(String, &'static str, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).expect("testdata/regressions exists") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let stem = name
            .strip_suffix(".bin")
            .unwrap_or_else(|| panic!("testdata/regressions/{name}: not a .bin file"));
        let target = TARGETS
            .iter()
            .copied()
            .find(|t| {
                stem.strip_prefix(t)
                    .is_some_and(|what| what.len() > 1 && what.starts_with('-'))
            })
            .unwrap_or_else(|| {
                panic!("testdata/regressions/{name}: not named <target>-<what>.bin")
            });
        out.push((name.clone(), target, std::fs::read(&path).unwrap()));
    }
    out.sort();
    out
}

#[test]
fn regression_files_are_named_after_their_target() {
    // `regressions()` checks every name.
    regressions();
}

#[cfg(feature = "arbitrary")]
#[test]
fn every_regression_passes_its_own_target() {
    use estreamer_oracles as fuzzing;
    for (name, target, bytes) in regressions() {
        let oracle: fn(&[u8]) = match target {
            "decode_message" => fuzzing::decode_message,
            "roundtrip_values" => fuzzing::roundtrip_values,
            "stream_chunks" => fuzzing::stream_chunks,
            "metadata_render" => fuzzing::metadata_render,
            "layouts" => fuzzing::layouts,
            "session" => fuzzing::session,
            other => unreachable!("{other}"),
        };
        let r = std::panic::catch_unwind(|| oracle(&bytes));
        assert!(r.is_ok(), "testdata/regressions/{name} fails {target}");
    }
}
