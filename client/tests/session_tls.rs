//! End to end over real TLS on loopback: `server::serve` with a fresh PKI, `connect::run` as
//! the client. No mocks: real certificates, real rustls, real sockets.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use estreamer_client::connect::{self, Backoff, RecordRef, Sink, StreamEvent, StreamOptions};
use estreamer_client::resume::record_key;
use estreamer_client::session::{CloseReason, SessionConfig};
use estreamer_client::tls::{self, ServerVerification};
use estreamer_codec::{InitialTimestamp, RequestFlags};
use estreamer_synth::{SynthConfig, synth};
use estreamer_testkit::certs::{self, PkiOptions};
use estreamer_testkit::server::{self, Capture, Fault, ServeConfig};

#[derive(Default)]
struct Seen {
    /// (archive timestamp, key) -> times written.
    events: HashMap<(u32, u128), u32>,
    metadata: u64,
    records: u64,
    bundled: u64,
    log: Vec<String>,
    keep_alives: u64,
    disconnects: Vec<CloseReason>,
}

#[derive(Clone, Default)]
struct TestSink(Arc<Mutex<Seen>>);

impl Sink for TestSink {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        s.records += 1;
        if r.bundle.is_some() {
            s.bundled += 1;
        }
        let ts = r.data.archive_timestamp().unwrap_or(0);
        if ts == 0 {
            s.metadata += 1;
        } else {
            *s.events
                .entry((ts, record_key(r.data.record_type_word, r.data.body)))
                .or_default() += 1;
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn event(&mut self, e: &StreamEvent) {
        let mut s = self.0.lock().unwrap();
        s.log.push(format!("{e:?}"));
        match e {
            StreamEvent::KeepAlive => s.keep_alives += 1,
            StreamEvent::Disconnected(r) => s.disconnects.push(r.clone()),
            _ => {}
        }
    }
}

/// The event records (archive timestamp != 0) of a capture, with multiplicity.
fn expected_events(capture: &[u8]) -> HashMap<(u32, u128), u32> {
    use estreamer_codec::{Body, DecodeOptions, HeaderMode, Messages};
    let mut m = HashMap::new();
    let mut add = |d: estreamer_codec::EventData<'_>| {
        let ts = d.archive_timestamp().unwrap_or(0);
        if ts != 0 {
            *m.entry((ts, record_key(d.record_type_word, d.body)))
                .or_default() += 1;
        }
    };
    for msg in Messages::new(capture, DecodeOptions::default()) {
        match msg.unwrap().decode_body(HeaderMode::Auto).unwrap() {
            Body::EventData(d) => add(d),
            Body::Bundle(b) => {
                for inner in b.messages() {
                    if let Body::EventData(d) =
                        inner.unwrap().decode_body(HeaderMode::Auto).unwrap()
                    {
                        add(d);
                    }
                }
            }
            _ => {}
        }
    }
    m
}

fn capture(size: usize, seed: u64) -> Vec<u8> {
    synth(&SynthConfig {
        seed,
        target_bytes: size,
        ..SynthConfig::DEFAULT
    })
    .bytes
}

struct Setup {
    pki: certs::Pki,
    handle: server::ServerHandle,
    expected: HashMap<(u32, u128), u32>,
}

async fn start(capture_bytes: Vec<u8>, tune: impl FnOnce(&mut ServeConfig)) -> Setup {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let expected = expected_events(&capture_bytes);
    let mut cfg = ServeConfig::new(Capture::parse(&capture_bytes).unwrap());
    cfg.keepalive = Duration::from_millis(200);
    tune(&mut cfg);
    let tls = tls::server_config(&pki.server, std::slice::from_ref(&pki.ca_cert)).unwrap();
    let handle = server::serve("127.0.0.1:0".parse().unwrap(), tls, cfg)
        .await
        .unwrap();
    Setup {
        pki,
        handle,
        expected,
    }
}

fn options(
    setup: &Setup,
    client: &estreamer_client::identity::Identity,
    extended: bool,
) -> StreamOptions {
    let tls = tls::client_config(client, ServerVerification::CaFromPkcs12).unwrap();
    let mut flags = RequestFlags::ENCORE_DEFAULT;
    if !extended {
        // Plain mode: the flags alone say what to send; eNcore's flags ask for no connection
        // events (those come from its extended list), so ask with bit 18 (connection v4).
        flags = RequestFlags(flags.0 & !RequestFlags::EXTENDED_REQUESTS.0)
            | RequestFlags::CONNECTION_V4;
    }
    let session = SessionConfig {
        initial_timestamp: InitialTimestamp::Genesis,
        flags,
        ..SessionConfig::default()
    };
    let mut o = StreamOptions::new(setup.handle.local_addr.to_string(), Arc::new(tls), session);
    o.backoff = Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        jitter: 0.5,
        max_attempts: Some(20),
    };
    o.connect_timeout = Duration::from_secs(10);
    o
}

/// A fresh directory for a test's bookmark, and the bookmark's path in it (not created).
fn temp_bookmark(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("estreamer-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bookmark");
    let _ = std::fs::remove_file(&path);
    (dir, path)
}

/// Resolves once `cond` holds for what the sink saw (or after 60 s, to fail visibly).
async fn until(sink: &TestSink, cond: impl Fn(&Seen) -> bool) {
    for _ in 0..3000 {
        if cond(&sink.0.lock().unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_exactly_once(seen: &Seen, expected: &HashMap<(u32, u128), u32>) {
    let missing = expected
        .keys()
        .filter(|k| !seen.events.contains_key(k))
        .count();
    let repeated = seen.events.values().filter(|&&n| n > 1).count();
    let foreign = seen
        .events
        .keys()
        .filter(|k| !expected.contains_key(k))
        .count();
    assert_eq!(
        (missing, repeated, foreign),
        (0, 0, 0),
        "every served event exactly once ({} expected, {} seen); log: {:?}",
        expected.len(),
        seen.events.len(),
        seen.log
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extended_session_bundles_and_acknowledgements() {
    let setup = start(capture(1 << 20, 3), |_| {}).await;
    assert!(
        setup.expected.values().all(|&n| n == 1),
        "synth events are distinct"
    );
    let sink = TestSink::default();
    let mut s = sink.clone();
    let opts = options(&setup, &setup.pki.client, true);
    let n = setup.expected.len();
    let summary = connect::run(&opts, &mut s, until(&sink, |s| s.events.len() >= n))
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_exactly_once(&seen, &setup.expected);
        assert_eq!(
            seen.bundled, seen.records,
            "extended mode: every record in a bundle"
        );
        assert!(seen.metadata > 0);
        assert_eq!(summary.sessions, 1);
        assert_eq!(summary.duplicates, 0);
        assert!(summary.bookmark >= 1_700_000_000);
        let stats = &setup.handle.stats;
        // One Null per bundle: the server saw acknowledgements for every bundle it was allowed
        // to wait for (all but the last `window` may still be in flight when we stop).
        let records = stats.records.load(std::sync::atomic::Ordering::Relaxed);
        let acks = stats.acks.load(std::sync::atomic::Ordering::Relaxed);
        let bundles = records.div_ceil(512);
        assert!(
            acks + 4 >= bundles && acks <= bundles,
            "acks {acks}, bundles {bundles}"
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_session_standalone_event_data() {
    let setup = start(capture(256 << 10, 4), |c| c.bundle_records = 16).await;
    let sink = TestSink::default();
    let mut s = sink.clone();
    let opts = options(&setup, &setup.pki.client, false);
    let n = setup.expected.len();
    connect::run(&opts, &mut s, until(&sink, |s| s.events.len() >= n))
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_exactly_once(&seen, &setup.expected);
        assert_eq!(seen.bundled, 0, "plain mode: no bundles");
        // Plain mode: one Null per Event Data message; the server waits for them.
        let acks = setup
            .handle
            .stats
            .acks
            .load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            acks + 4 * 16 >= seen.records,
            "acks {acks}, records {}",
            seen.records
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_client_certificate_is_closed_without_a_message() {
    let setup = start(capture(64 << 10, 5), |_| {}).await;
    let foreign = certs::generate(&PkiOptions {
        ca_name: "some other CA".into(),
        ..PkiOptions::default()
    })
    .unwrap();
    // The foreign client trusts our server's CA (so the failure is the server's verdict on
    // the client certificate, not ours on the server's).
    let mut client = foreign.client.clone();
    client.ca = vec![setup.pki.ca_cert.clone()];
    let sink = TestSink::default();
    let mut s = sink.clone();
    let mut opts = options(&setup, &client, true);
    opts.reconnect = false;
    connect::run(&opts, &mut s, std::future::pending())
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_eq!(seen.records, 0);
        let refused = seen
            .disconnects
            .contains(&CloseReason::ClosedBeforeFirstMessage)
            || seen.log.iter().any(|l| l.contains("ConnectFailed"));
        assert!(refused, "{:?}", seen.log);
        assert!(
            setup
                .handle
                .stats
                .handshake_failures
                .load(std::sync::atomic::Ordering::Relaxed)
                >= 1
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_of_a_foreign_ca_is_refused_by_the_client() {
    let setup = start(capture(64 << 10, 6), |_| {}).await;
    let foreign = certs::generate(&PkiOptions {
        ca_name: "some other CA".into(),
        ..PkiOptions::default()
    })
    .unwrap();
    // Our client certificate, but the CA list of another PKI: the server is not trusted.
    let mut client = setup.pki.client.clone();
    client.ca = vec![foreign.ca_cert.clone()];
    let sink = TestSink::default();
    let mut s = sink.clone();
    let mut opts = options(&setup, &client, true);
    opts.reconnect = false;
    connect::run(&opts, &mut s, std::future::pending())
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_eq!(seen.records, 0);
        assert!(
            seen.log
                .iter()
                .any(|l| l.contains("ConnectFailed") && l.contains("UnknownIssuer")),
            "{:?}",
            seen.log
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_mid_stream_then_back_every_event_exactly_once() {
    let setup = start(capture(1 << 20, 7), |c| {
        c.bundle_records = 100;
        c.faults = vec![Fault::DropAfter(500), Fault::CorruptAfter(1100)];
    })
    .await;
    let sink = TestSink::default();
    let mut s = sink.clone();
    let opts = options(&setup, &setup.pki.client, true);
    let n = setup.expected.len();
    assert!(n > 1200, "the capture is long enough for both faults ({n})");
    let summary = connect::run(&opts, &mut s, until(&sink, |s| s.events.len() >= n))
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_exactly_once(&seen, &setup.expected);
        assert_eq!(summary.sessions, 3, "{:?}", seen.log);
        assert!(
            summary.duplicates > 0,
            "the resumed sessions re-sent the bookmark's second"
        );
        assert!(matches!(
            seen.disconnects.first(),
            Some(CloseReason::ClosedByServer)
        ));
        assert!(
            matches!(seen.disconnects.get(1), Some(CloseReason::Corrupt(_))),
            "{:?}",
            seen.disconnects
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_while_idle_and_an_error_from_the_server() {
    let bytes = capture(64 << 10, 8);
    let setup = start(bytes, |c| {
        c.keepalive = Duration::from_millis(50);
    })
    .await;
    let sink = TestSink::default();
    let mut s = sink.clone();
    let opts = options(&setup, &setup.pki.client, true);
    let n = setup.expected.len();
    connect::run(
        &opts,
        &mut s,
        until(&sink, |s| s.events.len() >= n && s.keep_alives >= 3),
    )
    .await
    .unwrap();
    assert!(sink.0.lock().unwrap().keep_alives >= 3);
    setup.handle.shutdown().await;

    let setup = start(capture(64 << 10, 9), |c| {
        c.faults = vec![Fault::ErrorAfter(0, 19, "No space\0".into())];
    })
    .await;
    let sink = TestSink::default();
    let mut s = sink.clone();
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.reconnect = false;
    connect::run(&opts, &mut s, std::future::pending())
        .await
        .unwrap();
    {
        let seen = sink.0.lock().unwrap();
        assert_eq!(
            seen.disconnects,
            vec![CloseReason::ServerError {
                code: 19,
                text: "No space".into()
            }]
        );
    }
    setup.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookmark_file_resumes_a_restarted_client_without_duplicates() {
    let setup = start(capture(1 << 20, 10), |c| c.bundle_records = 64).await;
    let (dir, path) = temp_bookmark("resume");
    let n = setup.expected.len();

    // First run: stop (as Ctrl-C) after about a third.
    let first = TestSink::default();
    let mut s = first.clone();
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.bookmark = Some(path.clone());
    connect::run(&opts, &mut s, until(&first, |s| s.events.len() >= n / 3))
        .await
        .unwrap();
    assert!(path.exists());
    // Second run, a new "process": only the bookmark file carries over.
    let second = TestSink::default();
    let mut s = second.clone();
    let before = first.0.lock().unwrap().events.len();
    connect::run(
        &opts,
        &mut s,
        until(&second, |s| s.events.len() + before >= n),
    )
    .await
    .unwrap();
    let mut union = Seen::default();
    for sink in [&first, &second] {
        for (k, v) in &sink.0.lock().unwrap().events {
            *union.events.entry(*k).or_default() += v;
        }
    }
    assert_exactly_once(&union, &setup.expected);
    // The second session did not start from genesis.
    let served = setup
        .handle
        .stats
        .records
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(served < 2 * setup.expected.len() as u64);
    setup.handle.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_sends_only_the_requested_families() {
    use estreamer_codec::{EventCode, EventTypeRequest};
    let bytes = capture(256 << 10, 11);
    let setup = start(bytes.clone(), |_| {}).await;
    // Connection events only: no intrusion flag (bit 6 asks for intrusion v2), no packets (bit
    // 0), no extra data (bit 27); the extended list keeps metadata and connection.
    let flags = RequestFlags(0x4890_0061 & !(1 << 6) & !1 & !(1 << 27));
    let extended: Vec<EventTypeRequest> = EventTypeRequest::ENCORE_5_2_11
        .iter()
        .copied()
        .filter(|e| [EventCode::METADATA, EventCode::CONNECTION].contains(&e.event_code()))
        .collect();
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.session.flags = flags;
    opts.session.extended = extended;
    // What the capture holds per record type.
    let in_capture = count_types(&bytes);
    let sink = TypeSink::default();
    let mut s = sink.clone();
    let done = sink.clone();
    let summary = connect::run(&opts, &mut s, async move {
        // The server sends everything selected, then keep-alives: wait for the first one.
        for _ in 0..3000 {
            if done.0.lock().unwrap().keep_alive {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
    let types = sink.0.lock().unwrap().types.clone();
    assert!(summary.records > 0);
    assert!(types.contains_key(&71), "{types:?}");
    for t in [400u32, 2, 110] {
        assert!(
            !types.contains_key(&t),
            "record {t} was not requested: {types:?}"
        );
    }
    // Metadata still comes.
    assert!(types.contains_key(&66), "{types:?}");
    assert_eq!(types[&71], in_capture[&71], "every connection event");
    assert!(
        in_capture[&400] > 0 && in_capture[&2] > 0,
        "the capture had the others"
    );
    setup.handle.shutdown().await;
}

/// Records per record type in a capture.
fn count_types(capture: &[u8]) -> std::collections::BTreeMap<u32, u32> {
    use estreamer_codec::{Body, DecodeOptions, HeaderMode, Messages};
    let mut m = std::collections::BTreeMap::new();
    for msg in Messages::new(capture, DecodeOptions::default()) {
        if let Body::Bundle(b) = msg.unwrap().decode_body(HeaderMode::Auto).unwrap() {
            for inner in b.messages() {
                if let Body::EventData(d) = inner.unwrap().decode_body(HeaderMode::Auto).unwrap() {
                    *m.entry(d.record_type_word & 0xffff).or_default() += 1;
                }
            }
        }
    }
    m
}

#[derive(Default)]
struct Types {
    types: std::collections::BTreeMap<u32, u32>,
    keep_alive: bool,
}

#[derive(Clone, Default)]
struct TypeSink(Arc<Mutex<Types>>);

impl Sink for TypeSink {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        *self
            .0
            .lock()
            .unwrap()
            .types
            .entry(r.data.record_type_word & 0xffff)
            .or_default() += 1;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn event(&mut self, e: &StreamEvent) {
        if matches!(e, StreamEvent::KeepAlive) {
            self.0.lock().unwrap().keep_alive = true;
        }
    }
}

/// A sink that, like `estreamer stream --direct`, leaves output in flight on `flush` and makes
/// it durable only on `sync`: the bookmark on disk must never name an archive second newer than
/// what the sink had synced when the bookmark was written.
#[derive(Default)]
struct LazySink {
    bookmark: std::path::PathBuf,
    newest: u32,
    synced: u32,
    syncs: u64,
    checks: u64,
    records: u64,
}

impl LazySink {
    fn check_bookmark(&mut self) {
        if let Some(b) = estreamer_client::resume::Bookmark::load(&self.bookmark).unwrap() {
            assert!(
                b.archive_timestamp <= self.synced,
                "the bookmark ({}) ran ahead of the synced output ({})",
                b.archive_timestamp,
                self.synced
            );
            self.checks += 1;
        }
    }
}

impl Sink for LazySink {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        self.records += 1;
        self.newest = self.newest.max(r.data.archive_timestamp().unwrap_or(0));
        if self.records % 50 == 0 {
            self.check_bookmark();
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        // Output stays in flight.
        self.check_bookmark();
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        self.check_bookmark();
        self.synced = self.newest;
        self.syncs += 1;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bookmark_never_runs_ahead_of_what_the_sink_synced() {
    let setup = start(capture(1 << 20, 12), |c| {
        c.bundle_records = 32;
        c.faults = vec![Fault::DropAfter(700)];
    })
    .await;
    let (dir, path) = temp_bookmark("lazy");
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.bookmark = Some(path.clone());
    // A save after every batch: as many chances as possible to run ahead.
    opts.bookmark_interval = Duration::ZERO;
    let mut sink = LazySink {
        bookmark: path.clone(),
        ..LazySink::default()
    };
    let n = setup.expected.len() as u64;
    let records = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let stop = {
        let records = records.clone();
        async move {
            while records.load(std::sync::atomic::Ordering::Relaxed) < n {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    struct Counting<'a>(&'a mut LazySink, Arc<std::sync::atomic::AtomicU64>);
    impl Sink for Counting<'_> {
        fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
            if r.data.archive_timestamp().unwrap_or(0) != 0 {
                self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            self.0.record(r)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.0.flush()
        }
        fn sync(&mut self) -> io::Result<()> {
            self.0.sync()
        }
    }
    let summary = connect::run(&opts, &mut Counting(&mut sink, records), stop)
        .await
        .unwrap();
    assert_eq!(summary.sessions, 2, "the drop made a second session");
    sink.check_bookmark();
    assert_eq!(sink.synced, sink.newest, "the end synced everything");
    let saved = estreamer_client::resume::Bookmark::load(&path)
        .unwrap()
        .unwrap();
    assert_eq!(saved.archive_timestamp, sink.newest);
    assert!(
        sink.syncs > 10 && sink.checks > 50,
        "{} syncs, {} checks",
        sink.syncs,
        sink.checks
    );
    setup.handle.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[derive(Default)]
struct QuietState {
    events: u64,
    newest: u32,
    synced: u32,
}

struct QuietSink(Arc<Mutex<QuietState>>);

impl Sink for QuietSink {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        let ts = r.data.archive_timestamp().unwrap_or(0);
        if ts != 0 {
            s.events += 1;
            s.newest = s.newest.max(ts);
        }
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        let mut s = self.0.lock().unwrap();
        s.synced = s.newest;
        Ok(())
    }
}

/// The server sends everything at once and then goes quiet (no keep-alives for a minute): the
/// sink is synced and the bookmark saved `bookmark_interval` after the last records, while
/// the session is still up, not only when more data comes or the session ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_server_still_gets_the_output_synced_and_the_bookmark_saved() {
    let setup = start(capture(64 << 10, 13), |c| {
        c.keepalive = Duration::from_secs(60);
    })
    .await;
    let (dir, path) = temp_bookmark("quiet");
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.bookmark = Some(path.clone());
    opts.bookmark_interval = Duration::from_millis(300);
    let state = Arc::new(Mutex::new(QuietState::default()));
    let n = setup.expected.len() as u64;
    let in_time = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = {
        let (state, path, in_time) = (state.clone(), path.clone(), in_time.clone());
        async move {
            for _ in 0..500 {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let (events, newest, synced) = {
                    let s = state.lock().unwrap();
                    (s.events, s.newest, s.synced)
                };
                let saved = estreamer_client::resume::Bookmark::load(&path)
                    .ok()
                    .flatten()
                    .map(|b| b.archive_timestamp);
                if events >= n && synced == newest && saved == Some(newest) {
                    in_time.store(true, std::sync::atomic::Ordering::Relaxed);
                    return;
                }
            }
        }
    };
    let started = std::time::Instant::now();
    let summary = connect::run(&opts, &mut QuietSink(state.clone()), stop)
        .await
        .unwrap();
    assert!(
        in_time.load(std::sync::atomic::Ordering::Relaxed),
        "synced and saved while the session was quiet ({:?})",
        started.elapsed()
    );
    assert_eq!(summary.sessions, 1);
    assert!(started.elapsed() < Duration::from_secs(8));
    setup.handle.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What a sink was asked, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Record(u32),
    Flush,
    Sync,
    Saved(u32),
    Acked(u64),
}

struct RecordingSink {
    calls: Vec<Call>,
    /// With a file: the sync is left to the bookmark's thread ([`Sink::sync_later`]).
    later: Option<std::fs::File>,
    bookmark: std::path::PathBuf,
    /// Newest archive timestamp among the records before the last sync.
    synced: u32,
    newest: u32,
}

impl Sink for RecordingSink {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        let ts = r.data.archive_timestamp().unwrap_or(0);
        self.newest = self.newest.max(ts);
        self.calls.push(Call::Record(ts));
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.calls.push(Call::Flush);
        Ok(())
    }
    fn sync(&mut self) -> io::Result<()> {
        self.synced = self.newest;
        self.calls.push(Call::Sync);
        Ok(())
    }
    fn sync_later(&mut self) -> io::Result<Vec<std::fs::File>> {
        match &self.later {
            Some(f) => {
                // What the bookmark's thread will make durable: the records up to now.
                let f = f.try_clone()?;
                self.synced = self.newest;
                self.calls.push(Call::Sync);
                Ok(vec![f])
            }
            None => {
                self.sync()?;
                Ok(Vec::new())
            }
        }
    }
    fn event(&mut self, e: &StreamEvent) {
        match *e {
            StreamEvent::BookmarkSaved { archive_timestamp } => {
                // The file holds this save, and it covers only synced records.
                let b = estreamer_client::resume::Bookmark::load(&self.bookmark)
                    .unwrap()
                    .unwrap();
                assert_eq!(b.archive_timestamp, archive_timestamp);
                assert!(archive_timestamp <= self.synced);
                self.calls.push(Call::Saved(archive_timestamp));
            }
            StreamEvent::Acknowledged { acks } => self.calls.push(Call::Acked(acks)),
            _ => {}
        }
    }
}

/// The order of durability, as the sink sees it: records, flush, then the acknowledgements;
/// a bookmark save is flush, sync, then the bookmark (checked in the file); the first save
/// right after the first event, then one at least every `bookmark_records` events, even in
/// the middle of a bundle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_then_bookmark_then_acknowledgements_in_this_order() {
    order_of_durability(false).await;
    // The same when the sink leaves the fdatasync of its file to the bookmark's thread.
    order_of_durability(true).await;
}

async fn order_of_durability(later: bool) {
    let setup = start(capture(1 << 20, 21), |c| c.bundle_records = 256).await;
    let (dir, path) = temp_bookmark(if later { "order-later" } else { "order" });
    let mut opts = options(&setup, &setup.pki.client, true);
    opts.bookmark = Some(path.clone());
    opts.bookmark_records = 100;
    opts.bookmark_interval = Duration::from_secs(60);
    let later = later.then(|| std::fs::File::create(dir.join("output")).unwrap());
    let mut sink = RecordingSink {
        calls: Vec::new(),
        later,
        bookmark: path.clone(),
        synced: 0,
        newest: 0,
    };
    let n = setup.expected.len();
    let stats = Arc::clone(&setup.handle.stats);
    let stop = async move {
        // Every record sent and acknowledged.
        for _ in 0..3000 {
            let records = stats.records.load(std::sync::atomic::Ordering::Relaxed);
            let acks = stats.acks.load(std::sync::atomic::Ordering::Relaxed);
            if records as usize >= n && acks >= records.div_ceil(256) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    connect::run(&opts, &mut sink, stop).await.unwrap();
    let calls = &sink.calls;
    let (mut since_sync, mut saves, mut acks, mut syncs) = (0u64, 0, 0, 0);
    // Events written and not covered by a saved bookmark: those since the last sync, and
    // those of the saves in progress (a sync with events starts a save; its Saved comes when
    // that save is complete).
    let mut in_saves = std::collections::VecDeque::new();
    let mut uncovered = 0u64;
    let mut flushed_since_record = true;
    let mut first_sync_at = None;
    for (i, c) in calls.iter().enumerate() {
        match *c {
            Call::Record(ts) => {
                flushed_since_record = false;
                if ts != 0 {
                    since_sync += 1;
                    uncovered += 1;
                    assert!(
                        since_sync <= 50,
                        "more than 50 events without a save at {i}"
                    );
                    assert!(uncovered <= 100, "more than 100 events not covered at {i}");
                }
            }
            Call::Flush => flushed_since_record = true,
            Call::Sync => {
                assert_eq!(calls[i - 1], Call::Flush, "sync after flush at {i}");
                first_sync_at.get_or_insert(i);
                if since_sync > 0 {
                    in_saves.push_back(since_sync);
                }
                since_sync = 0;
                syncs += 1;
            }
            Call::Saved(_) => {
                uncovered -= in_saves.pop_front().expect("a save was started");
                saves += 1;
            }
            Call::Acked(_) => {
                assert!(flushed_since_record, "acknowledged before a flush at {i}");
                acks += 1;
            }
        }
    }
    // The first save starts with the first batch of events: before the acknowledgement of it.
    let first_event = calls
        .iter()
        .position(|c| matches!(c, Call::Record(t) if *t != 0))
        .unwrap();
    let ack_after = calls[first_event..]
        .iter()
        .position(|c| matches!(c, Call::Acked(_)))
        .unwrap()
        + first_event;
    assert!(
        first_sync_at.unwrap() < ack_after,
        "the first save started before its ack"
    );
    assert!(syncs >= saves && saves > 0);
    let events = calls
        .iter()
        .filter(|c| matches!(c, Call::Record(t) if *t != 0))
        .count();
    assert_eq!(events, n);
    assert!(saves >= n / 50 && acks > 0, "{saves} saves, {acks} acks");
    setup.handle.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
