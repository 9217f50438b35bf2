//! Helpers of the network tests: the real `estreamer` binary as a user runs it, on loopback.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_estreamer"))
}

/// Runs `cmd` with `input` on its standard input (fed from another thread, so that a large
/// output cannot fill its pipe while the input is written) and collects its output.
pub fn run_with_input(mut cmd: Command, input: &[u8]) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

/// Runs `cmd` to its end and returns its output; fails the test, with its standard error, if
/// it did not succeed.
pub fn succeeds(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A loopback port nothing listens on (now).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `estreamer serve` on `port` with a synthesized stream of `size`, keep-alives every 0.2 s.
pub fn serve_sized(pki: &Path, port: u16, size: &str, extra: &[&str]) -> Server {
    let child = exe()
        .args(["serve", "--pki"])
        .arg(pki)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--synth-size",
            size,
            "--keepalive",
            "0.2",
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_port(port);
    Server(child)
}

/// Waits (up to 30 s) until something accepts connections on `port`.
pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A new empty temporary directory for test `name`.
pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("estreamer-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A new temporary directory with a test PKI (`estreamer certs`) in `pki/`.
pub fn tempdir_with_pki(name: &str) -> (PathBuf, PathBuf) {
    let dir = tempdir(name);
    let pki = dir.join("pki");
    let out = exe().args(["certs", "--out"]).arg(&pki).output().unwrap();
    assert!(out.status.success());
    (dir, pki)
}

/// `estreamer stream` to `server` with the client identity of `pki`, into `out`, with
/// `bookmark` (no `--start`: the default, resume from the bookmark).
pub fn stream_cmd(pki: &Path, server: &str, out: &Path, bookmark: &Path) -> Command {
    let mut c = exe();
    c.args(["stream", "--server", server])
        .arg("--pkcs12")
        .arg(pki.join("client.p12"))
        .arg("--password-file")
        .arg(pki.join("password.txt"))
        .arg("--out")
        .arg(out)
        .arg("--bookmark")
        .arg(bookmark);
    c
}

/// An event's identity in a JSON line (which must be valid JSON): the object without its
/// positions in the session's byte stream, which differ when a record is re-sent. `None` for
/// records without an archive timestamp (metadata, which a new session sends again).
pub fn event_key(line: &[u8]) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_slice(line).unwrap();
    if v["archive_timestamp"].as_u64().unwrap_or(0) == 0 {
        return None;
    }
    let o = v.as_object_mut().unwrap();
    for k in ["offset", "bundle_offset", "bundle_index"] {
        o.remove(k);
    }
    Some(v.to_string())
}

/// The events (with how often each occurs) that `serve --synth-size SIZE` serves, as
/// `estreamer decode` writes them.
pub fn served_events(size: &str) -> HashMap<String, u32> {
    let capture = exe()
        .args(["synth", "--size", size])
        .output()
        .unwrap()
        .stdout;
    let mut events = HashMap::new();
    for line in decode_lines(&capture) {
        if let Some(k) = event_key(line.as_bytes()) {
            *events.entry(k).or_insert(0) += 1;
        }
    }
    events
}

/// How many records `serve --synth-size SIZE` serves.
pub fn served_records(size: &str) -> u64 {
    let capture = exe()
        .args(["synth", "--size", size])
        .output()
        .unwrap()
        .stdout;
    decode_lines(&capture)
        .iter()
        .filter(|l| l.contains("\"record_type\":"))
        .count() as u64
}

/// `estreamer decode` of `capture`, line by line.
pub fn decode_lines(capture: &[u8]) -> Vec<String> {
    let mut cmd = exe();
    cmd.arg("decode");
    let out = run_with_input(cmd, capture);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits (up to 30 s) until `path` holds more than `bytes` bytes.
pub fn wait_for_size(path: &Path, bytes: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(path).map_or(0, |m| m.len()) <= bytes {
        assert!(Instant::now() < deadline, "{} did not grow", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` (e.g. `-HUP`) to `child` with kill(1).
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The events of a JSON Lines file with how often each occurs, and its lines that are not
/// JSON (with the offset where each ends).
pub fn file_events(bytes: &[u8]) -> (HashMap<String, u32>, Vec<(usize, String)>) {
    let mut events = HashMap::new();
    let mut bad = Vec::new();
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        if body.is_empty() {
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(_) => {
                if let Some(k) = event_key(body) {
                    *events.entry(k).or_insert(0) += 1;
                }
            }
            Err(_) => bad.push((
                at - usize::from(line.ends_with(b"\n")),
                String::from_utf8_lossy(body).chars().take(80).collect(),
            )),
        }
    }
    (events, bad)
}

/// Runs `cmd` (a `stream` into `out`) until `out` holds as many different events as
/// `expected` (with `--render` their keys carry names, so the count is compared), then stops it
/// with SIGTERM (at most 60 s); returns its output. A stop at a record count would depend on
/// how many metadata records the sessions sent again.
#[cfg(unix)]
pub fn stream_until_complete(
    mut cmd: Command,
    out: &Path,
    expected: &HashMap<String, u32>,
) -> std::process::Output {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut at = 0usize;
    let mut seen: HashMap<String, u32> = HashMap::new();
    loop {
        let bytes = std::fs::read(out).unwrap_or_default();
        let whole = bytes[at.min(bytes.len())..]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(at, |i| at + i + 1);
        if whole > at {
            for line in bytes[at..whole].split(|&b| b == b'\n') {
                if let Some(k) = serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|_| event_key(line))
                {
                    *seen.entry(k).or_insert(0) += 1;
                }
            }
            at = whole;
        }
        if seen.len() >= expected.len() {
            break;
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let o = child.wait_with_output().unwrap();
            panic!(
                "not every event arrived in 60 s: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    child.wait_with_output().unwrap()
}
