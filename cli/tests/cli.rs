//! The `estreamer` binary as a user runs it: exit codes, help, argument errors, pipes.

mod common;

use std::process::{Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = common::exe();
    cmd.args(args).stderr(Stdio::piped());
    common::run_with_input(cmd, stdin)
}

#[test]
fn help_on_every_command() {
    for args in [
        &["--help"][..],
        &["decode", "--help"],
        &["request", "--help"],
        &["flags", "--help"],
    ] {
        let out = run(args, b"");
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
}

#[test]
fn request_then_decode_round_trip_through_a_pipe() {
    let req = run(
        &[
            "request",
            "--start",
            "genesis",
            "--flags",
            "METADATA_V4,ARCHIVE_TIMESTAMPS",
            "--extended",
            "intrusion:11,connection:17",
        ],
        b"",
    );
    assert!(req.status.success());
    assert!(String::from_utf8_lossy(&req.stderr).contains("bit 30"));
    // 16 bytes of Event Stream Request + 8 + 16 + 3 * 4 of Streaming Request.
    assert_eq!(req.stdout.len(), 16 + 8 + 16 + 12);
    let dec = run(&["decode"], &req.stdout);
    assert!(
        dec.status.success(),
        "{}",
        String::from_utf8_lossy(&dec.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(dec.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["initial_timestamp_kind"], "genesis");
    // METADATA_V4 | ARCHIVE_TIMESTAMPS | EXTENDED_REQUESTS = 0x00100000 | 0x00800000 | 0x40000000.
    assert_eq!(lines[0]["request_flags"], 0x4090_0000);
    assert_eq!(lines[1]["event_types"][1]["event_version"], 17);
}

#[test]
fn decode_errors_give_exit_status_1_and_still_decode_the_rest() {
    // Header version 2 (skipped), then a Null, then 3 stray bytes.
    let mut input = vec![0, 2, 0, 0, 0, 0, 0, 0];
    input.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
    input.extend_from_slice(&[0, 1, 0]);
    let out = run(&["decode", "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["error_kind"], "unsupported_header_version");
    assert!(lines[0]["error"].as_str().unwrap().contains("CSCve44987"));
    assert_eq!(lines[1]["message_type_name"], "null");
    assert_eq!(lines[2]["error_kind"], "incomplete");
    assert_eq!(lines[2]["offset"], 16);
    assert_eq!(lines[2]["needed"], 5);
}

#[test]
fn bad_arguments_are_explained() {
    let out = run(&["request", "--flags", "NOPE"], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("flag names"));
    let out = run(&["request", "--extended", "intrusion"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("code:version"));
    let out = run(&["decode", "/nonexistent/file"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
}

#[test]
fn flags_command_explains_bits() {
    let out = run(&["flags", "0x00800004"], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("INTRUSION|ARCHIVE_TIMESTAMPS"));
    assert!(text.contains("record header: extended"));
    assert!(text.contains("plain event stream"));
}

#[test]
fn hex_listing_on_request() {
    let out = run(&["request", "--start", "0x5f000000", "--hex"], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("5f 00 00 00"), "{text}");
    assert!(text.contains("terminator (0, 0)"));
}

/// The capture README.md's main command decodes is the hand-verified vector
/// testdata/records/render_bundle_session.hex in binary form: the same bytes, so every value
/// the README's command prints was worked out by hand there.
#[test]
fn bundled_session_capture_is_the_verified_vector() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let bin = std::fs::read(root.join("session.bin")).unwrap();
    let text = std::fs::read_to_string(root.join("records/render_bundle_session.hex")).unwrap();
    let mut hex = String::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        hex.extend(
            line.split('#')
                .next()
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace()),
        );
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(bin, bytes);
    let out = run(
        &[
            "decode",
            "--render",
            root.join("session.bin").to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 27);
    assert_eq!(lines[24]["sid_status"], "rendered");
}

/// docs/records.md is `estreamer catalogue --format reference` verbatim: the field reference
/// cannot drift from the layouts.
#[test]
fn docs_record_reference_is_generated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("docs/records.md")).unwrap();
    let rows = estreamer_cli::catalogue::rows(Some(&root.join("testdata")));
    assert!(
        doc == estreamer_cli::catalogue::reference(&rows),
        "docs/records.md is out of date: regenerate it with `cargo run -q -p estreamer-cli -- \
         catalogue --format reference --testdata testdata > docs/records.md`"
    );
    // Every layout of every record type has its section, every field its row.
    for e in estreamer_codec::records::catalogue::entries() {
        for l in e.shape.layouts() {
            assert!(doc.contains(&format!("\n### {}\n", l.name)), "{}", l.name);
            for f in l.fields {
                assert!(
                    doc.contains(&format!("| `{}` |", f.name)),
                    "{}.{}",
                    l.name,
                    f.name
                );
            }
        }
    }
}

#[test]
fn catalogue_lists_every_decoded_record_with_a_vector() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    let rows = estreamer_cli::catalogue::rows(Some(&root));
    let decoded: Vec<_> = rows.iter().filter(|r| r.status == "decoded").collect();
    assert!(decoded.len() > 60, "{}", decoded.len());
    // The families of issues 3 and 4 that have hand-verified vectors.
    for t in [
        2u32, 4, 5, 9, 62, 66, 67, 98, 110, 111, 115, 119, 123, 145, 161, 400, 520, 700,
    ] {
        let r = rows.iter().find(|r| r.record_type == t).unwrap();
        assert_eq!(r.status, "decoded", "{t}");
        assert!(!r.vectors.is_empty(), "record {t} has no test vector");
    }
    let out = run(
        &[
            "catalogue",
            "--format",
            "json",
            "--testdata",
            root.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success());
    let n = String::from_utf8(out.stdout).unwrap().lines().count();
    assert_eq!(n, rows.len());
}

#[test]
fn synth_is_deterministic_and_decodes_cleanly() {
    let a = run(
        &[
            "synth",
            "--size",
            "32K",
            "--seed",
            "9",
            "--mix",
            "intrusion=3,connection=2,rule_message=1",
        ],
        b"",
    );
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    let b = run(
        &[
            "synth",
            "--size",
            "32K",
            "--seed",
            "9",
            "--mix",
            "intrusion=3,connection=2,rule_message=1",
        ],
        b"",
    );
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.len() >= 32 * 1024);
    let c = run(&["synth", "--size", "32K", "--seed", "10"], b"");
    assert_ne!(a.stdout, c.stdout);
    let dec = run(&["decode", "--render"], &a.stdout);
    assert!(
        dec.status.success(),
        "{}",
        String::from_utf8_lossy(&dec.stderr)
    );
    let text = String::from_utf8(dec.stdout).unwrap();
    assert!(text.contains("\"record_layout\":\"intrusion_event_85\""));
    assert!(text.contains("\"record_layout\":\"connection_statistics_174\""));
    let bad = run(&["synth", "--mix", "fish=1"], b"");
    assert_eq!(bad.status.code(), Some(2));
}

/// `decode --threads N` gives the same bytes and the same exit status as one thread, over a
/// stream long enough for many batches (mixed inner header versions), and a copy of it cut
/// short inside a message (an error object at the end, exit status 1).
#[test]
fn decode_threads_write_the_same_bytes() {
    let s = run(
        &[
            "synth",
            "--size",
            "3M",
            "--seed",
            "5",
            "--inner-version",
            "mixed",
        ],
        b"",
    );
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let cut = &s.stdout[..s.stdout.len() - 100];
    for (input, status) in [(&s.stdout[..], 0), (cut, 1)] {
        let one = run(&["decode", "--threads", "1"], input);
        assert_eq!(one.status.code(), Some(status));
        assert!(one.stdout.len() > 10 * input.len() / 4);
        for threads in ["2", "3", "0"] {
            let par = run(&["decode", "--threads", threads], input);
            assert_eq!(par.status.code(), Some(status), "--threads {threads}");
            assert!(
                par.stdout == one.stdout,
                "--threads {threads}: output differs"
            );
            assert_eq!(par.stderr, one.stderr, "--threads {threads}");
        }
    }
}

/// A reader that stops reading (`| head`) ends a multi-threaded decode quietly and promptly.
#[test]
fn decode_threads_stop_on_a_closed_pipe() {
    let s = run(&["synth", "--size", "4M", "--seed", "6"], b"");
    let mut child = common::exe()
        .args(["decode", "--threads", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = std::io::Write::write_all(&mut stdin, &s.stdout);
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 4096];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(first.starts_with(b"{\"offset\":0,"));
}

/// Without --password-file or the password variable, stream asks on the terminal; with no
/// terminal it says what to use instead (exit status 2).
#[cfg(feature = "net")]
#[test]
fn no_password_and_no_terminal_says_what_to_use_instead() {
    let out = common::exe()
        .args(["stream", "--server", "127.0.0.1:1", "--pkcs12"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../testdata/pki/client-aes.p12"
        ))
        .env_remove("ESTREAMER_PKCS12_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{message}");
    assert!(message.contains("--password-file"), "{message}");
    assert!(message.contains("ESTREAMER_PKCS12_PASSWORD"), "{message}");
}
