//! `estreamer decode`'s output, byte for byte: for every vector in testdata/ (as the binary
//! stream its hex spells), the binary captures there, and synthesized 16 MiB streams, the
//! XXH3-128 of what `decode` writes (plain and with `--render`) and its line count, against
//! `testdata/golden/decode.txt`.
//!
//! The JSON Lines schema is a public interface: this file changes only with a deliberate change
//! of the schema. `GOLDEN_UPDATE=1 cargo test -p estreamer-cli --test golden` rewrites it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{exe, run_with_input};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bytes a vector's hex spells (the text before the first `#` of each line) and its mode.
fn vector(path: &Path) -> (Vec<u8>, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut mode = "auto".to_owned();
    let mut hex = String::new();
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("# mode:") {
            mode = m.trim().to_owned();
        }
        hex.extend(
            line.split('#')
                .next()
                .unwrap_or("")
                .chars()
                .filter(char::is_ascii_hexdigit),
        );
    }
    let bytes = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    (bytes, mode)
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// `decode` of `input` with `args`: (XXH3-128 of standard output, lines).
fn digest(input: &[u8], args: &[&str]) -> (u128, usize) {
    let mut cmd = exe();
    cmd.arg("decode").args(args).stderr(Stdio::null());
    let out = run_with_input(cmd, input);
    let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
    (twox_hash::XxHash3_128::oneshot(&out.stdout), lines)
}

#[test]
fn decode_output_is_byte_for_byte_the_golden_one() {
    let root = root();
    let mut inputs: Vec<(String, Vec<u8>, String)> = Vec::new();
    let mut hex = Vec::new();
    files(&root.join("testdata"), "hex", &mut hex);
    for p in hex {
        let (bytes, mode) = vector(&p);
        let name = p.strip_prefix(&root).unwrap().display().to_string();
        inputs.push((name, bytes, mode));
    }
    let mut bins = Vec::new();
    files(&root.join("testdata"), "bin", &mut bins);
    for p in bins {
        let name = p.strip_prefix(&root).unwrap().display().to_string();
        inputs.push((name, std::fs::read(&p).unwrap(), "auto".to_owned()));
    }
    for (seed, inner) in [(1u64, "0"), (7, "mixed")] {
        let s = exe()
            .args(["synth", "--size", "16M", "--seed", &seed.to_string()])
            .args(["--inner-version", inner])
            .output()
            .unwrap();
        assert!(s.status.success());
        inputs.push((
            format!("synth --size 16M --seed {seed} --inner-version {inner}"),
            s.stdout,
            "auto".to_owned(),
        ));
    }
    let mut now = BTreeMap::new();
    for (name, bytes, mode) in &inputs {
        for render in [false, true] {
            let mut args = vec!["--header", mode.as_str()];
            if render {
                args.push("--render");
            }
            let (h, lines) = digest(bytes, &args);
            now.insert(
                format!("{name} [{}]", args.join(" ")),
                format!("{h:032x} {lines}"),
            );
        }
    }
    let text: String = now.iter().map(|(k, v)| format!("{v} {k}\n")).collect();
    let golden = root.join("testdata/golden/decode.txt");
    if std::env::var_os("GOLDEN_UPDATE").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    let diff: Vec<String> = want
        .lines()
        .zip(text.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("golden {a}\n   now {b}"))
        .collect();
    assert!(
        diff.is_empty() && want.lines().count() == text.lines().count(),
        "decode's output changed ({} of {} inputs differ; GOLDEN_UPDATE=1 rewrites the file, \
         for a deliberate schema change only):\n{}",
        diff.len(),
        now.len(),
        diff.join("\n")
    );
}
