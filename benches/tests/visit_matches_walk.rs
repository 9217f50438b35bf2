//! `Record::visit_fields` / `visit_prefix` (and their indexed forms), which read through the
//! typed views, must pass exactly what the generic layout walk (`RecordParts::for_each`) passes:
//! `estreamer decode` uses the former and its JSON schema is a public interface. Checked over
//! synthesized streams and every record of the `testdata/` vectors.

#![forbid(unsafe_code)]

use std::path::Path;

use estreamer_benches::{InnerVersion, SynthConfig, synth};
use estreamer_codec::layout::Value;
use estreamer_codec::{Body, DecodeOptions, HeaderMode, Message, Messages, Record};

/// Compares both ways of reading one record; returns 1 when it had fields.
fn check(r: &Record<'_>) -> usize {
    let mut walked: Vec<(&'static str, Value<'_>)> = Vec::new();
    let mut visited = Vec::new();
    let mut indexed = Vec::new();
    if let Some(pre) = r.prefix() {
        pre.for_each(|n, v| walked.push((n, v)))
            .expect("prefix walks");
        r.visit_prefix(|n, v| visited.push((n, v)));
        r.visit_prefix_indexed(|i, v| indexed.push((pre.layout.fields[i].name, v)));
    }
    let Some(parts) = r.parts() else {
        assert!(
            r.visit_fields(|_, _| panic!("no parts, no fields"))
                .is_none()
        );
        assert_eq!(walked, visited);
        return 0;
    };
    let end = parts.for_each(|n, v| walked.push((n, v))).ok();
    let vend = r.visit_fields(|n, v| visited.push((n, v)));
    let iend = r.visit_fields_indexed(|i, v| indexed.push((parts.layout.fields[i].name, v)));
    assert_eq!(walked, visited, "{r:?}");
    assert_eq!(walked, indexed, "{r:?}");
    assert_eq!(end, vend);
    assert_eq!(end, iend);
    1
}

fn records_of(m: &Message<'_>, mode: HeaderMode, depth: u8) -> usize {
    match m.decode_body(mode) {
        Ok(Body::EventData(d)) => Record::decode(&d).map_or(0, |r| check(&r)),
        Ok(Body::Bundle(b)) if depth < 4 => b
            .messages()
            .flatten()
            .map(|inner| records_of(&inner, mode, depth + 1))
            .sum(),
        _ => 0,
    }
}

fn stream(bytes: &[u8], mode: HeaderMode) -> usize {
    Messages::new(bytes, DecodeOptions::default())
        .flatten()
        .map(|m| records_of(&m, mode, 0))
        .sum()
}

#[test]
fn synthesized_streams() {
    for (seed, inner_version) in [
        (1, InnerVersion::Zero),
        (2, InnerVersion::One),
        (3, InnerVersion::Mixed),
    ] {
        let s = synth(&SynthConfig {
            seed,
            target_bytes: 1 << 20,
            inner_version,
            ..SynthConfig::default()
        });
        assert_eq!(stream(&s.bytes, HeaderMode::Auto), s.records);
    }
}

/// The bytes of a `testdata/*.hex` file (hex pairs; `#` starts a comment) and its header mode.
fn hex_file(path: &Path) -> (Vec<u8>, HeaderMode) {
    let text = std::fs::read_to_string(path).expect("read");
    let mut mode = HeaderMode::Auto;
    let mut bytes = Vec::new();
    for line in text.lines() {
        if let Some(m) = line.trim().strip_prefix("# mode:") {
            mode = match m.trim() {
                "standard" => HeaderMode::Standard,
                "extended" => HeaderMode::Extended,
                _ => HeaderMode::Auto,
            };
        }
        let data = line.split('#').next().unwrap_or("");
        for tok in data.split_whitespace() {
            for pair in tok.as_bytes().chunks(2) {
                let s = std::str::from_utf8(pair).expect("ascii");
                bytes.push(u8::from_str_radix(s, 16).expect("hex"));
            }
        }
    }
    (bytes, mode)
}

fn hex_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("testdata") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            hex_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "hex") {
            out.push(p);
        }
    }
}

#[test]
fn testdata_records() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let mut files = Vec::new();
    hex_files(&root, &mut files);
    let mut n = 0;
    for f in &files {
        let (bytes, mode) = hex_file(f);
        n += stream(&bytes, mode);
    }
    // Every record family of the vectors has fields (a guard against checking nothing).
    assert!(n > 100, "{n} records with fields");
}
