//! "Nothing lost, nothing doubled", tried as a hostile tester would, with the real binaries
//! on loopback: `estreamer stream` killed (SIGKILL, SIGTERM, SIGINT) at random points and
//! restarted, two streams on the same files, bookmarks cut short or of another stream, a TLS
//! man-in-the-middle ([`estreamer_testkit::mitm`]) that damages the server's stream, stalls
//! and trickles it, certificates from an expired CA, and the exit status of each failure.

#![cfg(all(unix, feature = "net"))]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use estreamer_testkit::mitm::{self, MitmConfig, MitmFault};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// `stream --bookmark-records` in the kill test: the most a SIGKILL may repeat. Smaller than
/// the default (50,000), so that it bounds something in a 14,000-event stream;
/// `KILL_BOOKMARK_RECORDS=50000` runs it with the default.
fn bookmark_records() -> u64 {
    std::env::var("KILL_BOOKMARK_RECORDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

/// The events of a growing JSON Lines file, read a whole line at a time as it grows.
#[derive(Default)]
struct Tail {
    at: usize,
    events: HashMap<String, u32>,
}

impl Tail {
    fn read(&mut self, path: &Path) {
        let bytes = std::fs::read(path).unwrap_or_default();
        let whole = bytes[self.at..]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(self.at, |i| self.at + i + 1);
        let (events, _) = file_events(&bytes[self.at..whole]);
        for (k, n) in events {
            *self.events.entry(k).or_insert(0) += n;
        }
        self.at = whole;
    }
}

fn send(child: &Child, sig: Signal) {
    kill(Pid::from_raw(child.id() as i32), sig).unwrap();
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Waits for `child`, at most `limit`.
fn wait_limited(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// xorshift64: reproducible random kill points (the seed is printed).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// `stream` into `out` with `bookmark` and `--bookmark-records bound`, started from genesis
/// (`first`) or from the bookmark, its output dropped.
fn restartable(
    pki: &Path,
    server: &str,
    out: &Path,
    bookmark: &Path,
    bound: u64,
    first: bool,
) -> Child {
    let mut cmd = stream_cmd(pki, server, out, bookmark);
    cmd.args(["--bookmark-records", &bound.to_string()]);
    if first {
        cmd.args(["--start", "genesis"]);
    }
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Events of `file` beyond `expected` (the duplicates), and the expected ones missing.
fn compare(file: &HashMap<String, u32>, expected: &HashMap<String, u32>) -> (u64, u64) {
    let mut extra = 0u64;
    for (k, &n) in file {
        let want = expected.get(k).copied().unwrap_or(0);
        assert!(want > 0, "an event nobody served: {k}");
        extra += u64::from(n.saturating_sub(want));
    }
    let missing = expected
        .iter()
        .map(|(k, &n)| u64::from(n.saturating_sub(file.get(k).copied().unwrap_or(0))))
        .sum();
    (extra, missing)
}

/// The kill test: at least 20 runs killed with SIGKILL, and runs stopped with SIGTERM and
/// SIGINT, each at a random point of a served stream of known content, each restarted with
/// the default start (the bookmark). In the end every served event is in the file; a restart
/// after SIGKILL repeats at most `--bookmark-records` events, after SIGTERM or SIGINT none;
/// no line is malformed but the line a SIGKILL cut, which the next run ends.
#[test]
fn killed_and_restarted_at_random_points_loses_nothing_and_repeats_within_the_bound() {
    let (dir, pki) = tempdir_with_pki("kill");
    let size = "8M";
    let bound = bookmark_records();
    let expected = served_events(size);
    let expected_total: u64 = expected.values().map(|&n| u64::from(n)).sum();
    let port = free_port();
    let _server = serve_sized(&pki, port, size, &[]);
    let server = format!("127.0.0.1:{port}");
    let out = dir.join("events.jsonl");
    let bookmark = dir.join("bookmark");
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill test seed {seed} (KILL_SEED={seed} repeats it)");
    let mut rng = Rng(seed);
    // 20 SIGKILL, 5 SIGTERM, 5 SIGINT, in a random order; the first run is killed as soon
    // as its first record is in the file, before its first bookmark save can have happened.
    let mut plan: Vec<Signal> = std::iter::repeat_n(Signal::SIGKILL, 20)
        .chain(std::iter::repeat_n(Signal::SIGTERM, 5))
        .chain(std::iter::repeat_n(Signal::SIGINT, 5))
        .collect();
    for i in (1..plan.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        plan.swap(i, j);
    }
    plan.insert(0, Signal::SIGKILL);
    // About 2.4 KB of JSON per event: spread the kill points over the whole stream.
    let step = expected_total * 2400 / plan.len() as u64;
    let mut seen: HashMap<String, u32> = HashMap::new();
    // The run that last wrote each event: a repeat is the doing of that run's interruption
    // (a run stopped before it wrote anything leaves the repeat to the one before it).
    let mut last_writer: HashMap<String, usize> = HashMap::new();
    let mut repeats: Vec<u64> = vec![0; plan.len() + 1];
    let mut cut_ends: Vec<u64> = Vec::new();
    for (run, &sig) in plan.iter().enumerate() {
        let before = len(&out);
        let mut child = restartable(&pki, &server, &out, &bookmark, bound, run == 0);
        let target = if run == 0 {
            before + 1
        } else {
            before + rng.below(3 * step / 2)
        };
        // Until the file reaches the target, or stops growing (everything served is there)
        // once this run has begun writing.
        let (mut last, mut grew) = (len(&out), Instant::now());
        let deadline = Instant::now() + Duration::from_secs(30);
        while len(&out) < target && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let now = len(&out);
            if now != last {
                (last, grew) = (now, Instant::now());
            } else if now > before && grew.elapsed() > Duration::from_millis(300) {
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        send(&child, sig);
        let status = wait_limited(&mut child, Duration::from_secs(30));
        match sig {
            Signal::SIGKILL => assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(9)
            ),
            _ => assert!(status.success(), "run {run} after {sig}: {status:?}"),
        }
        let after = len(&out);
        if sig == Signal::SIGKILL {
            cut_ends.push(after);
        }
        // What this run added, and how much of it earlier runs had written already.
        let bytes = std::fs::read(&out).unwrap();
        let (added, _) = file_events(&bytes[before as usize..]);
        for (k, n) in added {
            let want = expected.get(&k).copied().unwrap_or(0);
            let had = seen.entry(k.clone()).or_insert(0);
            let over = u64::from((*had + n).saturating_sub(want).min(n));
            if let Some(&w) = last_writer.get(&k) {
                repeats[w] += over;
            }
            *had += n;
            last_writer.insert(k, run);
        }
    }
    // The last run goes on until every served event is in the file, then Ctrl-C.
    let before = len(&out);
    let mut child = stream_cmd(&pki, &server, &out, &bookmark)
        .args(["--bookmark-records", &bound.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut tail = Tail {
        at: before as usize,
        events: seen.clone(),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        tail.read(&out);
        if compare(&tail.events, &expected).1 == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not every event arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
    send(&child, Signal::SIGINT);
    let status = wait_limited(&mut child, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
    let bytes = std::fs::read(&out).unwrap();
    let (added, _) = file_events(&bytes[before as usize..]);
    for (k, n) in added {
        let want = expected.get(&k).copied().unwrap_or(0);
        let had = seen.get(&k).copied().unwrap_or(0);
        let over = u64::from((had + n).saturating_sub(want).min(n));
        if let Some(&w) = last_writer.get(&k) {
            repeats[w] += over;
        }
    }
    let report: Vec<(Signal, u64)> = plan.iter().copied().zip(repeats).collect();

    let (events, bad) = file_events(&bytes);
    let (extra, missing) = compare(&events, &expected);
    eprintln!(
        "kill test: {} runs, {} events served, {} lines of events written, {extra} repeated, \
         {missing} lost, {} malformed lines",
        plan.len() + 1,
        expected_total,
        events.values().map(|&n| u64::from(n)).sum::<u64>(),
        bad.len()
    );
    for (sig, n) in &report {
        eprintln!("  after {sig}: {n} repeated");
    }
    assert_eq!(missing, 0, "every served event is in the file");
    for (sig, n) in &report {
        match sig {
            Signal::SIGKILL => assert!(*n <= bound, "after SIGKILL: {n} repeated (bound {bound})"),
            _ => assert_eq!(*n, 0, "after {sig}: {n} repeated"),
        }
    }
    // A malformed line is a line a SIGKILL cut: it ends where that run's file ended.
    for (end, text) in &bad {
        assert!(
            cut_ends.contains(&(*end as u64)),
            "malformed line ending at {end} (no SIGKILL there): {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two streams on one bookmark or one output file: the second refuses to start, naming the
/// first one's PID (exit status 2), and the first goes on.
#[test]
fn a_second_stream_on_the_same_bookmark_or_output_refuses_to_start() {
    let (dir, pki) = tempdir_with_pki("lock");
    let port = free_port();
    let _server = serve_sized(
        &pki,
        port,
        "1M",
        &["--repeat", "0", "--bundle-records", "4", "--window", "1"],
    );
    let server = format!("127.0.0.1:{port}");
    let (out, bookmark) = (dir.join("a.jsonl"), dir.join("a.bookmark"));
    let mut first = stream_cmd(&pki, &server, &out, &bookmark)
        .args(["--start", "genesis"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_size(&out, 0);
    let pid = first.id().to_string();
    for (o, b) in [
        (dir.join("b.jsonl"), bookmark.clone()),
        (out.clone(), dir.join("b.bookmark")),
    ] {
        let second = stream_cmd(&pki, &server, &o, &b).output().unwrap();
        let stderr = String::from_utf8_lossy(&second.stderr);
        assert_eq!(second.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("in use by another estreamer process") && stderr.contains(&pid),
            "{stderr}"
        );
    }
    assert!(first.try_wait().unwrap().is_none(), "the first one goes on");
    send(&first, Signal::SIGTERM);
    assert!(wait_limited(&mut first, Duration::from_secs(30)).success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bookmark cut short, damaged or of another stream is refused with what to do (exit
/// status 2); nothing is streamed.
#[test]
fn a_bookmark_that_cannot_be_trusted_is_refused() {
    let (dir, pki) = tempdir_with_pki("badbookmark");
    let port = free_port();
    let _server = serve_sized(&pki, port, "256K", &[]);
    let server = format!("127.0.0.1:{port}");
    let out = dir.join("out.jsonl");
    let bookmark = dir.join("bookmark");
    // A complete run writes a good bookmark for this stream.
    succeeds(stream_cmd(&pki, &server, &out, &bookmark).args([
        "--start",
        "genesis",
        "--duration",
        "2",
    ]));
    let text = std::fs::read_to_string(&bookmark).unwrap();
    assert!(text.starts_with("estreamer-bookmark 2\n"), "{text}");
    let cases = [
        (
            "estreamer-bookmark 1\narchive_timestamp 17".to_owned(),
            "cut short",
        ),
        (
            text.replacen("request flags=", "request flags=0", 1),
            "no complete save",
        ),
        (
            text.replacen(&server, "10.9.9.9:8302", 1),
            "no complete save",
        ),
        (
            text[..text.find("\ncommit").unwrap() + 3].to_owned(),
            "no complete save",
        ),
    ];
    for (content, why) in cases {
        std::fs::write(&bookmark, &content).unwrap();
        let before = len(&out);
        let run = stream_cmd(&pki, &server, &out, &bookmark)
            .args(["--duration", "1"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(why) && stderr.contains("--start"),
            "{why}: {stderr}"
        );
        assert_eq!(len(&out), before, "nothing written");
        assert_eq!(
            std::fs::read_to_string(&bookmark).unwrap(),
            content,
            "left as it was"
        );
    }
    // A good bookmark of another server (a checked file, not a changed one).
    std::fs::write(&bookmark, &text).unwrap();
    let other_port = free_port();
    let _other = serve_sized(&pki, other_port, "256K", &[]);
    let run = stream_cmd(&pki, &format!("127.0.0.1:{other_port}"), &out, &bookmark)
        .args(["--duration", "1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("belongs to another stream") && stderr.contains("--start 1700"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `stream --no-reconnect --start genesis` with `pki`'s client identity, the server not
/// verified (so that what the server refuses is seen).
fn unverified_once(pki: &Path, server: &str, out: &Path, bookmark: &Path) -> std::process::Output {
    stream_cmd(pki, server, out, bookmark)
        .args([
            "--no-reconnect",
            "--start",
            "genesis",
            "--insecure-skip-server-verification",
        ])
        .output()
        .unwrap()
}

/// `stream --no-reconnect` says why it stopped in its exit status: 3 when no session came up
/// (port refused, server certificate not trusted, client certificate refused), 4 when the
/// session ended (an Error message from the server).
#[test]
fn no_reconnect_exit_status_says_what_failed() {
    let (dir, pki) = tempdir_with_pki("exit");
    let other = dir.join("other");
    assert!(
        exe()
            .args(["certs", "--out"])
            .arg(&other)
            .status()
            .unwrap()
            .success()
    );
    let out = dir.join("out.jsonl");
    let run = |pki: &Path, server: &str, name: &str| {
        stream_cmd(pki, server, &out, &dir.join(name))
            .args(["--no-reconnect", "--start", "genesis"])
            .output()
            .unwrap()
    };
    // Refused port.
    let refused = run(&pki, &format!("127.0.0.1:{}", free_port()), "b1");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    // A server whose certificate our CA did not issue.
    let port = free_port();
    let foreign = serve_sized(&other, port, "256K", &[]);
    let r = run(&pki, &format!("127.0.0.1:{port}"), "b2");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("TLS handshake"), "{stderr}");
    drop(foreign);
    // Our server, a client certificate from another CA (verification of the server off, so
    // that the server's refusal is what is seen).
    let port = free_port();
    let _ours = serve_sized(&pki, port, "256K", &[]);
    let r = unverified_once(&other, &format!("127.0.0.1:{port}"), &out, &dir.join("b3"));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    // An Error message from the server.
    let port = free_port();
    let _erring = serve_sized(&pki, port, "256K", &["--error-after", "100:19:No space"]);
    let r = run(&pki, &format!("127.0.0.1:{port}"), "b4");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("error 19: No space"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve --error-after N:CODE:TEXT` sends exactly N records and then the Error message, at
/// any N (inside a bundle, at its edges, before any record), and the client gets it.
#[test]
fn the_servers_error_after_n_records_arrives_at_any_n() {
    let (dir, pki) = tempdir_with_pki("errorafter");
    let total = served_records("1M");
    for n in [0u64, 1, 7, 100, 511, 512, 513, 1000, total - 1] {
        let port = free_port();
        let _server = serve_sized(
            &pki,
            port,
            "1M",
            &["--error-after", &format!("{n}:-7:stop at {n}")],
        );
        let out = dir.join(format!("out-{n}.jsonl"));
        let r = stream_cmd(
            &pki,
            &format!("127.0.0.1:{port}"),
            &out,
            &dir.join(format!("b{n}")),
        )
        .args(["--no-reconnect", "--start", "genesis"])
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(4), "N={n}: {stderr}");
        assert!(
            stderr.contains(&format!("the server sent error -7: stop at {n}")),
            "N={n}: {stderr}"
        );
        let lines = std::fs::read_to_string(&out).unwrap().lines().count() as u64;
        assert_eq!(lines, n, "N={n}: exactly N records before the Error");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A man-in-the-middle on loopback between `stream` and `serve`, applying `faults`; returns
/// the runtime that runs it (dropping it stops the proxy) and its address.
fn mitm(
    pki: &Path,
    upstream_port: u16,
    faults: Vec<MitmFault>,
) -> (
    tokio::runtime::Runtime,
    std::net::SocketAddr,
    Arc<mitm::MitmStats>,
) {
    use estreamer_client::identity::Identity;
    use estreamer_client::tls;
    let password = std::fs::read_to_string(pki.join("password.txt")).unwrap();
    let password = password.trim();
    let server_id = Identity::load(&pki.join("server.p12"), password).unwrap();
    let client_id = Identity::load(&pki.join("client.p12"), password).unwrap();
    let toward_client = tls::server_config(&server_id, &server_id.trust_anchors()).unwrap();
    let toward_server =
        tls::client_config(&client_id, tls::ServerVerification::CaFromPkcs12).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt
        .block_on(mitm::start(
            "127.0.0.1:0".parse().unwrap(),
            MitmConfig {
                upstream: format!("127.0.0.1:{upstream_port}").parse().unwrap(),
                toward_client: Arc::new(toward_client),
                toward_server: Arc::new(toward_server),
                faults,
            },
        ))
        .unwrap();
    let (addr, stats) = (handle.local_addr, Arc::clone(&handle.stats));
    // The handle stays with the runtime: the proxy runs until the runtime is dropped.
    std::mem::forget(handle);
    (rt, addr, stats)
}

/// Streams everything `serve --synth-size 1M` serves through a man-in-the-middle with
/// `faults`, until every event is in the file (at most 60 s); returns the file, the stream's
/// standard error and the proxy's count of faults applied.
fn stream_through(name: &str, faults: Vec<MitmFault>, extra: &[&str]) -> (Vec<u8>, String, u64) {
    let (dir, pki) = tempdir_with_pki(name);
    let expected = served_events("1M");
    let port = free_port();
    let _server = serve_sized(&pki, port, "1M", &["--bundle-records", "64"]);
    let (rt, addr, stats) = mitm(&pki, port, faults);
    let out = dir.join("out.jsonl");
    let child = stream_cmd(&pki, &addr.to_string(), &out, &dir.join("bookmark"))
        .args(["--start", "genesis"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (events, _) = file_events(&std::fs::read(&out).unwrap_or_default());
        if compare(&events, &expected).1 == 0 {
            break;
        }
        if Instant::now() > deadline {
            send(&child, Signal::SIGTERM);
            let o = child.wait_with_output().unwrap();
            panic!(
                "not every event arrived: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    send(&child, Signal::SIGTERM);
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    let bytes = std::fs::read(&out).unwrap();
    let (events, bad) = file_events(&bytes);
    assert!(bad.is_empty(), "{bad:?}");
    let (extra_events, missing) = compare(&events, &expected);
    assert_eq!((extra_events, missing), (0, 0), "each event once: {stderr}");
    let applied = stats
        .faults_applied
        .load(std::sync::atomic::Ordering::Relaxed);
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    (bytes, stderr, applied)
}

/// The error objects of a JSON Lines file.
fn error_objects(bytes: &[u8]) -> Vec<serde_json::Value> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("error_kind").is_some())
        .collect()
}

/// A bundle member with a bad header version costs that member only: an error object with
/// its bytes, counted; every other record of the bundle, and of the stream, arrives once.
/// The same for the first member of a bundle, and for a member whose record length is
/// damaged.
#[test]
fn a_damaged_bundle_member_costs_that_member_only() {
    let faults = vec![
        MitmFault::InnerVersion {
            connection: 1,
            bundle: 2,
            member: 5,
            version: 2,
        },
        MitmFault::InnerVersion {
            connection: 1,
            bundle: 3,
            member: 0,
            version: 0x0100,
        },
        MitmFault::RecordLength {
            connection: 1,
            bundle: 4,
            member: 9,
            length: 7,
        },
    ];
    let (dir, pki) = tempdir_with_pki("member");
    let expected = served_events("1M");
    let port = free_port();
    let _server = serve_sized(&pki, port, "1M", &["--bundle-records", "64"]);
    let (rt, addr, stats) = mitm(&pki, port, faults);
    let out = dir.join("out.jsonl");
    let child = stream_cmd(&pki, &addr.to_string(), &out, &dir.join("bookmark"))
        .args(["--start", "genesis"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until every line is there (each record, or the error object in its place).
    let served = served_records("1M");
    let deadline = Instant::now() + Duration::from_secs(60);
    while (std::fs::read(&out)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64)
        < served
    {
        assert!(Instant::now() < deadline, "not every record arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
    send(&child, Signal::SIGTERM);
    let run = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(
        stats
            .faults_applied
            .load(std::sync::atomic::Ordering::Relaxed),
        3
    );
    let bytes = std::fs::read(&out).unwrap();
    let errors = error_objects(&bytes);
    assert_eq!(errors.len(), 3, "{errors:?} {stderr}");
    assert_eq!(errors[0]["error_kind"], "unsupported_header_version");
    assert_eq!(errors[0]["found"], 2);
    assert_eq!(errors[0]["bundle_index"], 5);
    assert!(
        errors[0]["member_bytes"]
            .as_str()
            .unwrap()
            .starts_with("00020004")
    );
    assert_eq!(errors[1]["found"], 256);
    assert_eq!(errors[1]["bundle_index"], 0);
    assert_eq!(errors[2]["error_kind"], "record_length_mismatch");
    assert!(stderr.contains(" 3 undecodable"), "{stderr}");
    // Every record but the three damaged ones, each once.
    let records = bytes
        .split(|&b| b == b'\n')
        .filter(|l| l.windows(14).any(|w| w == b"\"record_type\":"))
        .count() as u64;
    assert_eq!(records, served - 3, "{stderr}");
    let (events, bad) = file_events(&bytes);
    assert!(bad.is_empty());
    let (extra, missing) = compare(&events, &expected);
    assert!(
        extra == 0 && missing <= 3,
        "{extra} repeated, {missing} lost: {stderr}"
    );
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bytes flipped at a message boundary lose the framing: the session ends, the next one
/// resumes from the bookmark, nothing is lost or doubled.
#[test]
fn flipped_bytes_at_a_message_boundary_cost_a_reconnect_only() {
    let (_, stderr, applied) = stream_through(
        "flip",
        vec![MitmFault::FlipAtBoundary {
            connection: 1,
            message: 6,
            mask: 0x80,
        }],
        &[],
    );
    assert_eq!(applied, 1);
    assert!(stderr.contains("could not be decoded"), "{stderr}");
    assert!(stderr.contains("connected to") && stderr.matches("connected to").count() >= 2);
}

/// A server that stops in the middle of a message is timed out (--stall-timeout), and one
/// that trickles a byte every 100 ms (--message-timeout): each costs a reconnect, nothing
/// else.
#[test]
fn a_stall_or_a_trickle_mid_message_is_timed_out_and_resumed() {
    let started = Instant::now();
    let (_, stderr, applied) = stream_through(
        "stall",
        vec![MitmFault::Stall {
            connection: 1,
            message: 6,
            pause: Duration::from_secs(30),
        }],
        &["--stall-timeout", "1"],
    );
    assert_eq!(applied, 1);
    assert!(stderr.contains("in the middle of a message"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(25));
    let started = Instant::now();
    let (_, stderr, applied) = stream_through(
        "trickle",
        vec![MitmFault::Trickle {
            connection: 1,
            message: 6,
            bytes: 1,
            every: Duration::from_millis(100),
        }],
        &["--stall-timeout", "1", "--message-timeout", "2"],
    );
    assert_eq!(applied, 1);
    assert!(stderr.contains("was not complete"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(25));
}

/// Certificates issued by an expired CA are refused in both directions: the client refuses
/// such a server, the server such a client.
#[test]
fn an_expired_ca_is_refused_by_stream_and_by_serve() {
    use estreamer_testkit::certs::{self, PkiOptions};
    let dir = tempdir("expiredca");
    let expired = dir.join("expired");
    let opts = PkiOptions {
        ca_valid_days: Some(-30..-1),
        ..PkiOptions::default()
    };
    let pki = certs::generate(&opts).unwrap();
    certs::write_dir(&pki, &expired, &opts.password, false).unwrap();
    let out = dir.join("out.jsonl");
    let port = free_port();
    let server = serve_sized(&expired, port, "256K", &[]);
    // The client refuses the server.
    let r = stream_cmd(
        &expired,
        &format!("127.0.0.1:{port}"),
        &out,
        &dir.join("b1"),
    )
    .args(["--no-reconnect", "--start", "genesis"])
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("expired"), "{stderr}");
    // The server refuses the client (whose verification of the server is off).
    let r = unverified_once(
        &expired,
        &format!("127.0.0.1:{port}"),
        &out,
        &dir.join("b2"),
    );
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{stderr}");
    assert_eq!(len(&out), 0, "nothing streamed");
    // The server says why: the client's CA expired (not some other refusal).
    let mut server = server;
    let _ = server.0.kill();
    let mut log = String::new();
    std::io::Read::read_to_string(server.0.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(
        log.contains("refused a TLS handshake") && log.contains("expired"),
        "{log}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The order of durability at the level of the system calls (strace): every write to the
/// bookmark comes after an fdatasync of the output (since the bookmark write before it), each
/// write to the bookmark is fdatasync'ed before the next one, and the output is fdatasync'ed
/// after its last write. Plain and --direct output. Skipped when strace is not installed
/// (.ci/run installs it).
#[test]
fn the_output_is_synced_before_every_bookmark_save_strace() {
    if Command::new("strace").arg("-V").output().is_err() {
        // .ci/run installs it: in CI a missing strace is a failure, not a skip.
        assert!(std::env::var_os("CI").is_none(), "strace is not installed");
        eprintln!("strace is not installed: skipped (apt-get install strace)");
        return;
    }
    let (dir, pki) = tempdir_with_pki("strace");
    let total = served_records("1M");
    for direct in [false, true] {
        let port = free_port();
        let _server = serve_sized(&pki, port, "1M", &[]);
        let out = dir.join(format!("out-{direct}.jsonl"));
        let bookmark = dir.join(format!("bookmark-{direct}"));
        let trace = dir.join(format!("trace-{direct}"));
        let mut cmd = Command::new("strace");
        cmd.args(["-f", "-qq", "-y", "-s", "0", "-o"])
            .arg(&trace)
            .args(["-e", "trace=write,writev,pwrite64,fdatasync,fsync"])
            .arg(env!("CARGO_BIN_EXE_estreamer"))
            .args(["stream", "--server", &format!("127.0.0.1:{port}")])
            .arg("--pkcs12")
            .arg(pki.join("client.p12"))
            .arg("--password-file")
            .arg(pki.join("password.txt"))
            .arg("--out")
            .arg(&out)
            .arg("--bookmark")
            .arg(&bookmark)
            .args(["--start", "genesis", "--bookmark-records", "300"])
            .args(["--max-records", &total.to_string()]);
        if direct {
            cmd.arg("--direct");
        }
        let r = cmd.output().unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let trace = std::fs::read_to_string(&trace).unwrap();
        let out_name = format!("<{}>", out.display());
        let bm_name = format!("<{}>", bookmark.display());
        // The calls as they completed: a call another thread interrupted in the trace
        // ("<unfinished ...>") completes at its "<... name resumed>" line.
        let mut open_calls: HashMap<String, String> = HashMap::new();
        let mut calls: Vec<(String, String)> = Vec::new();
        for line in trace.lines() {
            let mut words = line.splitn(2, ' ');
            let (pid, rest) = (
                words.next().unwrap_or(""),
                words.next().unwrap_or("").trim(),
            );
            if rest.ends_with("<unfinished ...>") {
                open_calls.insert(pid.to_owned(), rest.to_owned());
                continue;
            }
            let full = match rest.strip_prefix("<... ") {
                Some(_) => open_calls.remove(pid).unwrap_or_default(),
                None => rest.to_owned(),
            };
            let name = full.split('(').next().unwrap_or("").to_owned();
            calls.push((name, full));
        }
        // "write(5</tmp/x/out.jsonl>, ..." : the call's first argument names the file.
        let first_arg = |full: &str| full.split(',').next().unwrap_or("").to_owned();
        let (mut out_dirty, mut out_synced, mut bm_dirty) = (false, false, false);
        let (mut commits, mut out_syncs) = (0, 0);
        for (name, full) in &calls {
            let arg = first_arg(full);
            match name.as_str() {
                "write" | "writev" | "pwrite64" if arg.contains(&out_name) => out_dirty = true,
                "fdatasync" | "fsync" if arg.contains(&out_name) => {
                    out_dirty = false;
                    out_synced = true;
                    out_syncs += 1;
                }
                "write" | "writev" if arg.contains(&bm_name) => {
                    // Records written after the sync that came before are not covered by
                    // this save: only that a sync of the output came first is checked here
                    // (the content: session_tls's order test).
                    assert!(
                        out_synced,
                        "a bookmark write with no sync of the output before it:\n{full}"
                    );
                    assert!(
                        !bm_dirty,
                        "two bookmark writes without a sync between:\n{full}"
                    );
                    out_synced = false;
                    bm_dirty = true;
                    commits += 1;
                }
                "fdatasync" | "fsync" if arg.contains(&bm_name) => bm_dirty = false,
                _ => {}
            }
        }
        assert!(!out_dirty, "the output is synced after its last write");
        assert!(!bm_dirty, "the last bookmark write is synced");
        assert!(
            commits > 5 && out_syncs >= commits,
            "{commits} commits, {out_syncs} syncs"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bound at full speed (not in CI: run it in release to measure, as PERFORMANCE.md
/// says): an endless stream (`serve --repeat 0`) at full speed, `stream` killed with SIGKILL
/// `KILLS` times (default 5), each `KILL_AFTER` seconds (default 2) after it started, and
/// restarted from its bookmark; each restart's repeats (events already in the file) counted
/// and checked against `--bookmark-records` (default 50,000).
#[test]
#[ignore]
fn full_speed_kills_repeat_at_most_the_bound() {
    use std::collections::HashSet;
    use std::io::BufRead;
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (kills, after, bound) = (
        env("KILLS", 5),
        env("KILL_AFTER", 2),
        env("KILL_BOOKMARK_RECORDS", 50_000),
    );
    let (dir, pki) = tempdir_with_pki("fullspeed");
    let port = free_port();
    let _server = serve_sized(&pki, port, "16M", &["--repeat", "0"]);
    let server = format!("127.0.0.1:{port}");
    let out = dir.join("events.jsonl");
    let bookmark = dir.join("bookmark");
    let mut seen: HashSet<u128> = HashSet::new();
    let mut at = 0u64;
    let mut worst = 0u64;
    for run in 0..=kills {
        let mut child = restartable(&pki, &server, &out, &bookmark, bound, run == 0);
        std::thread::sleep(Duration::from_secs(after));
        send(&child, Signal::SIGKILL);
        wait_limited(&mut child, Duration::from_secs(30));
        // This run's lines: the events already in the file are its repeats.
        let mut f = std::io::BufReader::new(std::fs::File::open(&out).unwrap());
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(at)).unwrap();
        let (mut events, mut repeated) = (0u64, 0u64);
        let mut line = Vec::new();
        while f.read_until(b'\n', &mut line).unwrap() > 0 {
            if !line.ends_with(b"\n") {
                break; // the line the kill cut (the next run ends it)
            }
            at += line.len() as u64;
            if let Some(k) = serde_json::from_slice::<serde_json::Value>(&line)
                .ok()
                .and_then(|_| event_key(&line))
            {
                let h = twox(&k);
                events += 1;
                if !seen.insert(h) {
                    repeated += 1;
                }
            }
            line.clear();
        }
        if run > 0 {
            eprintln!(
                "run {run}: {events} events written in {after} s, {repeated} of them repeats"
            );
            worst = worst.max(repeated);
        }
    }
    eprintln!("full speed: {kills} kills, at most {worst} events repeated (bound {bound})");
    assert!(worst <= bound);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A 128-bit hash of a string (an event key), to keep millions of them small.
fn twox(s: &str) -> u128 {
    estreamer_client::resume::record_key(0, s.as_bytes())
}
