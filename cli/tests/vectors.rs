//! Runs `estreamer decode` over every hand-verified vector in testdata/ (`vectors/`, `records/`,
//! `hostile/`) and checks each `#>` expectation (a JSON object whose keys must all be present,
//! with equal values, in the Nth output object) and the `# objects:` count. A file with
//! `# render: yes` is decoded as `estreamer decode --render` (a fresh metadata cache). The
//! expected values were worked out by hand from docs/protocol.md; see testdata/README.md for the format.

use std::path::{Path, PathBuf};

use estreamer_codec::names::Metadata;
use estreamer_codec::{DecodeOptions, HeaderMode};
use estreamer_json::decode::decode_stream_rendered;
use serde_json::Value;

struct Vector {
    path: PathBuf,
    bytes: Vec<u8>,
    mode: HeaderMode,
    render: bool,
    expect_error: bool,
    objects: Option<usize>,
    expectations: Vec<(usize, serde_json::Map<String, Value>)>,
}

fn parse(path: &Path) -> Vector {
    let text = std::fs::read_to_string(path).unwrap();
    let mut v = Vector {
        path: path.to_owned(),
        bytes: Vec::new(),
        mode: HeaderMode::Auto,
        render: false,
        expect_error: false,
        objects: None,
        expectations: Vec::new(),
    };
    let mut saw_mode = false;
    let mut saw_expect = false;
    for (n, line) in text.lines().enumerate() {
        let where_ = format!("{}:{}", path.display(), n + 1);
        if let Some(rest) = line.strip_prefix("#>") {
            let rest = rest.trim();
            let (idx, obj) = rest.split_once(char::is_whitespace).expect(&where_);
            let idx: usize = idx.parse().expect(&where_);
            let obj: Value =
                serde_json::from_str(obj.trim()).unwrap_or_else(|e| panic!("{where_}: {e}"));
            v.expectations
                .push((idx, obj.as_object().expect(&where_).clone()));
            continue;
        }
        if let Some(rest) = line.strip_prefix("# mode:") {
            saw_mode = true;
            v.mode = match rest.trim() {
                "auto" => HeaderMode::Auto,
                "standard" => HeaderMode::Standard,
                "extended" => HeaderMode::Extended,
                other => panic!("{where_}: mode {other}"),
            };
            continue;
        }
        if let Some(rest) = line.strip_prefix("# expect:") {
            saw_expect = true;
            v.expect_error = match rest.trim() {
                "valid" => false,
                "error" => true,
                other => panic!("{where_}: expect {other}"),
            };
            continue;
        }
        if let Some(rest) = line.strip_prefix("# render:") {
            v.render = match rest.trim() {
                "yes" => true,
                "no" => false,
                other => panic!("{where_}: render {other}"),
            };
            continue;
        }
        if let Some(rest) = line.strip_prefix("# objects:") {
            v.objects = Some(rest.trim().parse().expect(&where_));
            continue;
        }
        let data = line.split('#').next().unwrap_or("");
        let hex: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(hex.len() % 2 == 0, "{where_}: odd number of hex digits");
        for i in (0..hex.len()).step_by(2) {
            v.bytes.push(
                u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_else(|e| panic!("{where_}: {e}")),
            );
        }
    }
    assert!(
        saw_mode && saw_expect,
        "{}: missing # mode: or # expect:",
        path.display()
    );
    v
}

fn vectors() -> Vec<Vector> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let mut out = Vec::new();
    for dir in [
        "vectors",
        "records",
        "records/discovery",
        "records/metadata",
        "hostile",
    ] {
        let entries = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("cannot read testdata/{dir}: {e}"));
        let mut paths: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "hex"))
            .collect();
        paths.sort();
        out.extend(paths.iter().map(|p| parse(p)));
    }
    out
}

/// The JSON Lines `estreamer decode` writes for `bytes` (with `--render` when the file says so).
fn decode_lines(v: &Vector, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    let opts = DecodeOptions {
        header_mode: v.mode,
        ..DecodeOptions::default()
    };
    decode_stream_rendered(bytes, &mut out, opts, v.render, &mut Metadata::new()).unwrap();
    String::from_utf8(out).unwrap()
}

fn decode_bytes(v: &Vector, bytes: &[u8]) -> Vec<Value> {
    decode_lines(v, bytes)
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}: bad JSON {l}: {e}", v.path.display()))
        })
        .collect()
}

fn decode(v: &Vector) -> Vec<Value> {
    decode_bytes(v, &v.bytes)
}

/// The top-level keys of one JSON object line, in order, duplicates kept (serde_json keeps only
/// the last of two equal keys). Only for the writer's own output: objects, strings, numbers.
fn top_level_keys(line: &str) -> Vec<String> {
    let b = line.as_bytes();
    let mut keys = Vec::new();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut expect_key = false;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && b[i] == b'{';
            }
            b'}' | b']' => depth -= 1,
            b',' if depth == 1 => expect_key = true,
            b'"' => {
                let start = i + 1;
                i += 1;
                while b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    keys.push(line[start..i].to_owned());
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    keys
}

#[test]
fn every_vector_decodes_to_its_hand_worked_expectations() {
    let vectors = vectors();
    assert!(
        vectors.len() >= 20,
        "expected the hand-verified vectors in testdata/, found {}",
        vectors.len()
    );
    let mut checked = 0;
    for v in &vectors {
        let objs = decode(v);
        let name = v.path.display();
        if let Some(n) = v.objects {
            assert_eq!(objs.len(), n, "{name}: object count; got {objs:#?}");
        }
        let errors = objs.iter().filter(|o| o.get("error").is_some()).count();
        if v.expect_error {
            assert!(errors > 0, "{name}: expected an error object");
        } else {
            assert_eq!(errors, 0, "{name}: unexpected error in {objs:#?}");
        }
        assert!(!v.expectations.is_empty(), "{name}: no #> expectations");
        for (idx, want) in &v.expectations {
            let got = objs
                .get(*idx)
                .unwrap_or_else(|| panic!("{name}: no object {idx}; got {objs:#?}"));
            for (k, val) in want {
                assert_eq!(
                    got.get(k),
                    Some(val),
                    "{name}: object {idx} key {k}; whole object: {got}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} expected values checked");
}

#[test]
fn every_output_line_has_the_common_keys() {
    for v in vectors() {
        for o in decode(&v) {
            assert!(o.get("offset").and_then(Value::as_u64).is_some(), "{o}");
            if o.get("error").is_some() {
                assert!(o.get("error_kind").and_then(Value::as_str).is_some(), "{o}");
            } else {
                for k in ["header_version", "message_type", "message_length"] {
                    assert!(o.get(k).and_then(Value::as_u64).is_some(), "{k} in {o}");
                }
                assert!(o.get("message_type_name").and_then(Value::as_str).is_some());
            }
        }
    }
}

#[test]
fn every_directory_has_its_vectors() {
    let vectors = vectors();
    let count = |dir: &str| {
        vectors
            .iter()
            .filter(|v| v.path.parent().is_some_and(|p| p.ends_with(dir)))
            .count()
    };
    assert!(
        count("vectors") >= 25,
        "testdata/vectors: {}",
        count("vectors")
    );
    assert!(
        count("hostile") >= 25,
        "testdata/hostile: {}",
        count("hostile")
    );
    assert!(
        count("records") >= 20,
        "testdata/records: {}",
        count("records")
    );
    assert!(
        vectors.iter().filter(|v| v.render).count() >= 2,
        "no '# render: yes' vector"
    );
}

/// Every strict prefix of every record vector: `estreamer decode` writes exactly the objects of
/// the complete top-level messages before the cut (a bundle with all its inner messages), as
/// for the whole file, then one `incomplete` error at the start of the cut message.
#[test]
fn record_vectors_truncated_anywhere() {
    let mut prefixes = 0;
    for v in vectors() {
        let in_records = v.path.ancestors().any(|p| p.ends_with("records"));
        if !in_records {
            continue;
        }
        let name = v.path.display().to_string();
        let full = decode(&v);
        // Top-level messages: (start, end, number of objects they write).
        let mut messages: Vec<(usize, usize, usize)> = Vec::new();
        for o in &full {
            if o.get("bundle_offset").is_some() {
                messages.last_mut().unwrap().2 += 1;
                continue;
            }
            // The message length from the bytes themselves.
            let start = usize::try_from(o["offset"].as_u64().unwrap()).unwrap();
            let len = u32::from_be_bytes(v.bytes[start + 4..start + 8].try_into().unwrap());
            messages.push((start, start + 8 + usize::try_from(len).unwrap(), 1));
        }
        assert_eq!(messages.last().unwrap().1, v.bytes.len(), "{name}");
        for cut in 0..v.bytes.len() {
            let got = decode_bytes(&v, &v.bytes[..cut]);
            let complete: Vec<_> = messages.iter().take_while(|m| m.1 <= cut).collect();
            let objects: usize = complete.iter().map(|m| m.2).sum();
            let start = complete.last().map_or(0, |m| m.1);
            assert_eq!(
                got.len(),
                objects + usize::from(cut > start),
                "{name}: cut at {cut}"
            );
            assert_eq!(got[..objects], full[..objects], "{name}: cut at {cut}");
            if cut > start {
                let last = &got[objects];
                assert_eq!(
                    last["error_kind"], "incomplete",
                    "{name}: cut at {cut}: {last}"
                );
                assert_eq!(last["offset"], start, "{name}: cut at {cut}: {last}");
            }
            prefixes += 1;
        }
    }
    assert!(prefixes > 5000, "only {prefixes} prefixes");
}

/// Each output line is one JSON object whose keys are unique (RFC 8259 §4): record 66's u16
/// message length is not written (its name would repeat the header's), and the rendered names
/// whose bare key is an event field carry a `_name` suffix. See codec/tests/known_bugs.rs for
/// the layout-level check.
#[test]
fn output_objects_have_unique_keys() {
    let mut duplicates = Vec::new();
    for v in vectors() {
        for (n, line) in decode_lines(&v, &v.bytes).lines().enumerate() {
            let keys = top_level_keys(line);
            let mut seen = std::collections::BTreeSet::new();
            for k in &keys {
                if !seen.insert(k) {
                    duplicates.push(format!("{} object {n}: {k}", v.path.display()));
                }
            }
        }
    }
    assert!(duplicates.is_empty(), "{duplicates:#?}");
}

/// `decode --threads N` writes exactly what the one-thread decoder writes, for every vector and
/// truncations of it (framing errors at many places), with every message in a batch of its own
/// (the most reordering the workers can do) and with one batch in all.
#[test]
fn parallel_decode_writes_the_same_bytes() {
    let mut compared = 0;
    for v in vectors().iter().filter(|v| !v.render) {
        let opts = DecodeOptions {
            header_mode: v.mode,
            ..DecodeOptions::default()
        };
        // Cut points: 40 spread over the vector, the last 16 bytes one by one, and the whole.
        let n = v.bytes.len();
        let mut cuts: Vec<usize> = (0..40).map(|i| i * n / 40).collect();
        cuts.extend(n.saturating_sub(16)..=n);
        cuts.sort_unstable();
        cuts.dedup();
        for cut in cuts {
            let bytes = &v.bytes[..cut];
            let mut one = Vec::new();
            let s1 =
                decode_stream_rendered(bytes, &mut one, opts, false, &mut Metadata::new()).unwrap();
            let configs: &[(usize, usize)] = if cut == n {
                &[(2, 1), (3, 1), (2, 1 << 20)]
            } else {
                &[(2, 1)]
            };
            for &(threads, batch) in configs {
                let mut par = Vec::new();
                let s2 = estreamer_json::decode::decode_stream_parallel_batched(
                    bytes, &mut par, opts, threads, batch,
                )
                .unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&par),
                    String::from_utf8_lossy(&one),
                    "{} cut at {cut}, {threads} threads, batch {batch}",
                    v.path.display()
                );
                assert_eq!(s1, s2, "{} cut at {cut}", v.path.display());
                compared += 1;
            }
        }
    }
    assert!(compared > 1000, "only {compared} comparisons");
}

/// `Renderer::event_data_pending` (what `estreamer stream` calls with the body the session
/// already decoded) writes the same bytes as `message_pending` / `bundled_message_pending`
/// (the message decoded again), for every Event Data message of every vector, top level and
/// inside bundles, with and without `--render`, for a renderer in each header mode. A renderer
/// whose mode is not the one the body was decoded in decodes the message itself (e.g. a strict
/// standard-header renderer writes an error object for an extended record).
#[test]
fn event_data_pending_writes_what_the_message_path_writes() {
    use estreamer_codec::{Body, Message, Messages};
    use estreamer_json::decode::Renderer;

    fn one(render: bool, mode: HeaderMode, f: impl FnOnce(&mut Renderer<'_>)) -> Vec<u8> {
        let mut md = Metadata::new();
        let mut r = Renderer::new(mode, render, &mut md);
        f(&mut r);
        r.pending().to_vec()
    }
    let (mut compared, mut fell_back) = (0, 0);
    for v in vectors() {
        let opts = DecodeOptions {
            header_mode: v.mode,
            ..DecodeOptions::default()
        };
        let mut events: Vec<(Message<'_>, Option<(usize, usize)>)> = Vec::new();
        for m in Messages::new(&v.bytes, opts).map_while(Result::ok) {
            match m.decode_body(v.mode) {
                Ok(Body::Bundle(b)) => {
                    for (i, inner) in b.messages().map_while(Result::ok).enumerate() {
                        events.push((inner, Some((m.offset(), i))));
                    }
                }
                _ => events.push((m, None)),
            }
        }
        for (m, bundle) in events {
            // The body as the session (in the vector's mode) decoded it.
            let Ok(Body::EventData(d)) = m.decode_body(v.mode) else {
                continue;
            };
            for renderer in [
                v.mode,
                HeaderMode::Auto,
                HeaderMode::Standard,
                HeaderMode::Extended,
            ] {
                let expected = one(v.render, renderer, |r| match bundle {
                    Some((offset, i)) => r.bundled_message_pending(&m, offset, i),
                    None => r.message_pending(&m),
                });
                let got = one(v.render, renderer, |r| {
                    r.event_data_pending(&m, &d, v.mode, bundle)
                });
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&expected),
                    "{} message at {} (renderer {renderer:?}, body decoded {:?})",
                    v.path.display(),
                    m.offset(),
                    v.mode
                );
                compared += 1;
                fell_back += usize::from(m.decode_body(renderer).is_err());
            }
        }
    }
    assert!(compared > 800, "only {compared} comparisons");
    assert!(
        fell_back > 100,
        "only {fell_back} comparisons where the renderer's mode fails"
    );
}
