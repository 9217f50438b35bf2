//! The network commands as a user runs them: real processes, real TLS on loopback.

#![cfg(feature = "net")]

mod common;

use std::process::{Command, Stdio};

use common::*;

fn serve(pki: &std::path::Path, port: u16, extra: &[&str]) -> Server {
    serve_sized(pki, port, "512K", extra)
}

#[test]
fn certs_serve_doctor_stream_and_resume() {
    let dir = tempdir("net");
    let pki = dir.join("pki");
    let out = exe().args(["certs", "--out"]).arg(&pki).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["ca.pem", "server.p12", "client.p12", "password.txt"] {
        assert!(pki.join(f).exists(), "{f}");
    }
    // Refuses to overwrite.
    let again = exe().args(["certs", "--out"]).arg(&pki).output().unwrap();
    assert!(!again.status.success());

    let port = free_port();
    let _server = serve(&pki, port, &["--drop-after", "300"]);
    let server = format!("127.0.0.1:{port}");
    let client = |args: &[&str]| {
        let mut c = exe();
        c.args(args)
            .args(["--server", &server, "--pkcs12"])
            .arg(pki.join("client.p12"))
            .arg("--password-file")
            .arg(pki.join("password.txt"));
        c
    };

    let expected = served_events("512K");

    // First run: everything, through the server's one connection drop (at 300 records).
    let jsonl = dir.join("out.jsonl");
    let bookmark = dir.join("bookmark");
    let raw = dir.join("raw.bin");
    let mut cmd = client(&["stream", "--start", "genesis"]);
    cmd.args(["--render", "--out"])
        .arg(&jsonl)
        .arg("--bookmark")
        .arg(&bookmark)
        .arg("--raw")
        .arg(&raw);
    let run = stream_until_complete(cmd, &jsonl, &expected);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("session ended"), "{stderr}");
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<_> = lines
        .iter()
        .filter(|v| v["archive_timestamp"].as_u64().unwrap_or(0) != 0)
        .collect();
    // A record's identity: everything but where it sat in the session's byte stream.
    let mut keys: Vec<String> = events
        .iter()
        .map(|v| {
            let mut v = (*v).clone();
            let o = v.as_object_mut().unwrap();
            for k in ["offset", "bundle_offset", "bundle_index", "header_version"] {
                o.remove(k);
            }
            v.to_string()
        })
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "no event twice across the reconnect");
    assert!(
        lines
            .iter()
            .any(|v| v["record_type"] == 400 && v["sid_status"] == "rendered")
    );
    assert!(bookmark.exists() && raw.exists() && dir.join("raw.bin.2").exists());
    // The raw capture of a session replays with decode.
    let replay = exe().args(["decode"]).arg(&raw).output().unwrap();
    assert!(!replay.stdout.is_empty());

    // Second run from the bookmark: nothing new on the server, so nothing is written again.
    // Appends to the same file: the whole file must still hold every event once.
    let jsonl2 = jsonl.clone();
    succeeds(
        client(&["stream", "--duration", "2"])
            .arg("--out")
            .arg(&jsonl2)
            .arg("--bookmark")
            .arg(&bookmark),
    );
    let text2 = std::fs::read_to_string(&jsonl2).unwrap();
    let repeated = text2
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["archive_timestamp"].as_u64().unwrap_or(0) != 0)
        .count();
    assert_eq!(repeated, n, "a restart appends and repeats no event");
    // The doctor (after the stream, so the fault above was the stream's).
    let doctor = client(&["doctor", "--json", "--start", "genesis"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert!(doctor.status.success(), "{report}");
    assert_eq!(report["ok"], true);

    let _ = std::fs::remove_dir_all(&dir);
}

/// `stream --direct` (direct I/O from a writer thread) writes what the ordinary output writes:
/// continuing a file that ends in a partial block, through a dropped connection (a
/// forced sync, whose partial block the next session's writes cover again), over several
/// buffers handed to the writer thread.
#[test]
fn stream_direct_writes_what_the_ordinary_output_writes() {
    let (dir, pki) = tempdir_with_pki("direct");
    let expected = served_events("3M");
    // 5,000 bytes that end in the middle of a line (as a stream killed during a write leaves
    // a file): one whole 4 KiB block and a partial one. Both outputs add a line break first.
    let head = format!("{{\"before\":\"{}\"}}\n{{\"cut", "x".repeat(4981));
    assert_eq!(head.len(), 5000);
    let mut written = Vec::new();
    for direct in [false, true] {
        // A server each: the connection drop happens once per server.
        let port = free_port();
        let _server = serve_sized(&pki, port, "3M", &["--drop-after", "1000"]);
        let jsonl = dir.join(format!("out-{direct}.jsonl"));
        std::fs::write(&jsonl, &head).unwrap();
        let bookmark = dir.join(format!("bookmark-{direct}"));
        let run = stream_until_complete(
            stream_to(&pki, port, &jsonl, &bookmark, direct),
            &jsonl,
            &expected,
        );
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        assert!(stderr.contains("session ended"), "{stderr}");
        assert!(
            !stderr.contains("ordinary way"),
            "direct I/O was used: {stderr}"
        );
        written.push(std::fs::read(&jsonl).unwrap());
    }
    // Which records a session re-sends after the drop depends on how far the client had read
    // when the connection went (metadata records, which carry no archive timestamp, come
    // again and are written again), so the two files need not be the same bytes (the unit
    // tests in `direct.rs` compare bytes). They must hold the same events, each once, in
    // well-formed lines after the untouched head.
    let events = |file: &[u8]| -> Vec<String> {
        assert!(file.len() > 6 << 20, "{}", file.len());
        assert!(file.starts_with(head.as_bytes()));
        assert_eq!(file.get(head.len()), Some(&b'\n'));
        assert_eq!(file.last(), Some(&b'\n'));
        let mut keys: Vec<String> = file[head.len() + 1..]
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .filter_map(event_key)
            .collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "no event twice");
        keys
    };
    let (plain, direct) = (events(&written[0]), events(&written[1]));
    assert!(plain.len() > 4000, "{}", plain.len());
    assert!(plain == direct, "the same events");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `estreamer stream` from the beginning of the test server's stream at `port` into `out`.
fn stream_to(
    pki: &std::path::Path,
    port: u16,
    out: &std::path::Path,
    bookmark: &std::path::Path,
    direct: bool,
) -> Command {
    let mut c = stream_cmd(pki, &format!("127.0.0.1:{port}"), out, bookmark);
    c.args(["--start", "genesis"]);
    if direct {
        c.arg("--direct");
    }
    c
}

#[cfg(unix)]
#[test]
fn sighup_after_a_rename_opens_a_new_file_and_loses_nothing() {
    let (dir, pki) = tempdir_with_pki("hup");
    for direct in [false, true] {
        // An endless stream, a few records at a time: the client is still running when the
        // file is renamed.
        let port = free_port();
        let _server = serve_sized(
            &pki,
            port,
            "1M",
            &["--repeat", "0", "--bundle-records", "4", "--window", "1"],
        );
        let jsonl = dir.join(format!("out-{direct}.jsonl"));
        let rotated = dir.join(format!("out-{direct}.jsonl.1"));
        let bookmark = dir.join(format!("bookmark-{direct}"));
        let child = stream_to(&pki, port, &jsonl, &bookmark, direct)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_size(&jsonl, 4 << 20);
        // As logrotate does: rename, then the postrotate signal.
        std::fs::rename(&jsonl, &rotated).unwrap();
        signal(&child, "-HUP");
        wait_for_size(&jsonl, 4 << 20);
        signal(&child, "-INT");
        let run = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        assert!(stderr.contains("reopened the output (1)"), "{stderr}");
        let records: u64 = stderr
            .split("estreamer: ")
            .find_map(|l| l.split(" records in ").next()?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no record count: {stderr}"));
        // Every record is a whole line in one of the two files, and no event is in both.
        let mut lines = 0u64;
        let mut keys = Vec::new();
        for file in [&rotated, &jsonl] {
            let bytes = std::fs::read(file).unwrap();
            assert!(bytes.starts_with(b"{") && bytes.ends_with(b"\n"));
            for l in bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                lines += 1;
                keys.extend(event_key(l));
            }
        }
        assert_eq!(lines, records, "direct: {direct}");
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "no event twice (direct: {direct})");
        assert!(n > 2_000, "{n}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn demo_shows_sids_and_every_event_once() {
    let out = exe().args(["demo", "--size", "1M"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("each once"), "{text}");
    assert!(text.contains("] sid "), "{text}");
    assert!(text.contains("reconnecting"), "{text}");
}

/// README.md shows the demo's real output (between the demo markers), up to the loopback
/// port, the PKCS#12's size, the number of acknowledgements and the time.
#[test]
fn readme_shows_the_real_demo_output() {
    fn normal(text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
            for i in 0..words.len() {
                let next = words.get(i + 1).cloned().unwrap_or_default();
                let w = &mut words[i];
                if let Some(rest) = w.strip_prefix("127.0.0.1:") {
                    let tail = rest
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .to_owned();
                    *w = format!("127.0.0.1:PORT{tail}");
                } else if next == "bytes," && w.starts_with('(') && w[1..].parse::<u64>().is_ok() {
                    // The PKCS#12's size varies with its random key and serial.
                    *w = "(N".into();
                } else if next.starts_with("acknowledgements") && w.parse::<u64>().is_ok() {
                    *w = "N".into();
                } else if next == "s"
                    && i + 2 == line.split(' ').count()
                    && w.parse::<f64>().is_ok()
                {
                    *w = "T".into();
                }
            }
            out.push_str(&words.join(" "));
            out.push('\n');
        }
        out
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = "<!-- demo:start -->\n```text\n";
    let a = readme.find(start).expect("README.md lacks the demo block") + start.len();
    let b = readme[a..]
        .find("```\n<!-- demo:end -->")
        .expect("README.md's demo block ends")
        + a;
    let out = exe().arg("demo").output().unwrap();
    assert!(out.status.success());
    let now = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        normal(&readme[a..b]),
        normal(&now),
        "README.md's demo output is not what `estreamer demo` prints: paste the new output"
    );
}

/// The demo's output read line by line as a newcomer would: addresses, ICMP, what
/// is missing, one revision per rule, the metadata counts explained, where the JSON went,
/// what to run next.
#[test]
fn demo_output_is_right_line_by_line() {
    let dir = tempdir("demo");
    let json = dir.join("demo.jsonl");
    let out = exe()
        .args(["demo", "--show", "4000", "--out"])
        .arg(&json)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: Vec<&str> = text.lines().filter(|l| l.starts_with("   [")).collect();
    assert!(events.len() > 1000, "{}", events.len());
    let flow = |l: &str| -> String {
        let after = l.rsplit_once("\" ").map(|(_, r)| r).unwrap_or_default();
        after
            .split(", priority")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let (mut v6, mut icmp) = (0, 0);
    let mut revision = std::collections::BTreeMap::new();
    for l in &events {
        // No bare `null`: a name that has not arrived says which record is missing.
        assert!(!l.contains("null"), "{l}");
        assert!(
            l.contains("priority \"") || l.contains("priority unknown (record 4 not received)"),
            "{l}"
        );
        assert!(
            l.contains("classification \"")
                || l.contains("classification unknown (record 67 not received)"),
            "{l}"
        );
        let f = flow(l);
        for end in f.split(" -> ").filter(|_| !f.contains("icmp")) {
            let end = end.split(',').next().unwrap_or_default();
            if end.matches(':').count() > 1 {
                // RFC 5952 §6: [addr]:port.
                assert!(end.starts_with('[') && end.contains("]:"), "{l}");
                v6 += 1;
            }
        }
        if f.contains("icmp") {
            // ICMP type and code, never as ports.
            assert!(f.contains(" type ") && f.contains(" code "), "{l}");
            let (a, b) = f.split_once(" -> ").unwrap();
            assert!(
                !a.contains("]:") && !b.split(',').next().unwrap().contains("]:"),
                "{l}"
            );
            assert!(a.parse::<std::net::IpAddr>().is_ok(), "{l}");
            icmp += 1;
        }
        // [gid:sid:rev]: one revision per rule.
        let sig = l
            .trim_start()
            .trim_start_matches('[')
            .split(']')
            .next()
            .unwrap();
        let mut parts = sig.split(':');
        let (g, s, r) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let seen = revision
            .entry((g.to_owned(), s.to_owned()))
            .or_insert(r.to_owned());
        assert_eq!(seen, r, "{l}");
    }
    assert!(v6 > 0 && icmp > 0, "IPv6 {v6}, ICMP {icmp}");
    assert!(text.contains("metadata records: "), "{text}");
    assert!(
        text.contains("in session 1") && text.contains("in session 2"),
        "{text}"
    );
    assert!(text.contains("in every session"), "{text}");
    assert!(
        text.contains(&format!("written to {}", json.display())),
        "{text}"
    );
    assert!(std::fs::metadata(&json).unwrap().len() > 1_000_000);
    assert!(text.contains("estreamer doctor --server"), "{text}");
    assert!(
        text.contains("estreamer stream --server") && text.contains("--out"),
        "{text}"
    );
    // Without --out the JSON is said not to be written.
    let out = exe().args(["demo", "--size", "1M"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not written; add --out FILE to keep it"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doctor_names_a_closed_port() {
    let dir = tempdir("doctor");
    let pki = dir.join("pki");
    assert!(
        exe()
            .args(["certs", "--out"])
            .arg(&pki)
            .status()
            .unwrap()
            .success()
    );
    let port = free_port();
    let out = exe()
        .args([
            "doctor",
            "--server",
            &format!("127.0.0.1:{port}"),
            "--pkcs12",
        ])
        .arg(pki.join("client.p12"))
        .arg("--password-file")
        .arg(pki.join("password.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[FAIL]") && text.to_lowercase().contains("refused"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
