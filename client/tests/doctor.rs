//! `doctor::run` over real TLS on loopback against `server::serve`: real certificates from
//! `certs::generate`, PKCS#12 files on disk, real sockets. No mocks.

use std::path::PathBuf;
use std::time::Duration;

use estreamer_client::doctor::{self, DoctorOptions, Report, Status};
use estreamer_client::tls::{self, ServerVerification};
use estreamer_codec::{InitialTimestamp, RequestFlags};
use estreamer_synth::{SynthConfig, synth};
use estreamer_testkit::certs::{self, PkiOptions};
use estreamer_testkit::server::{self, Capture, ServeConfig};
use zeroize::Zeroizing;

const IDS: [&str; 9] = [
    "pkcs12.open",
    "pkcs12.contents",
    "pkcs12.validity",
    "dns",
    "tcp",
    "address",
    "tls",
    "request",
    "events",
];

/// A small synthetic capture: FMC metadata and events.
fn small_capture() -> Vec<u8> {
    synth(&SynthConfig {
        seed: 21,
        target_bytes: 32 << 10,
        ..SynthConfig::DEFAULT
    })
    .bytes
}

/// A server for `pki` with a small synthetic capture.
async fn serve(pki: &certs::Pki) -> server::ServerHandle {
    serve_capture(pki, &small_capture(), Duration::from_millis(200)).await
}

/// A server for `pki` serving `capture`, sending keep-alives every `keepalive` when idle.
async fn serve_capture(
    pki: &certs::Pki,
    capture: &[u8],
    keepalive: Duration,
) -> server::ServerHandle {
    let mut cfg = ServeConfig::new(Capture::parse(capture).unwrap());
    cfg.keepalive = keepalive;
    let tls = tls::server_config(&pki.server, std::slice::from_ref(&pki.ca_cert)).unwrap();
    server::serve("127.0.0.1:0".parse().unwrap(), tls, cfg)
        .await
        .unwrap()
}

/// Writes `der` to a fresh temporary file (removed on drop).
struct TempP12(PathBuf);

impl TempP12 {
    fn new(name: &str, der: &[u8]) -> TempP12 {
        let dir = std::env::temp_dir().join(format!(
            "estreamer-doctor-{}-{name}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("client.p12");
        std::fs::write(&path, der).unwrap();
        TempP12(path)
    }
}

impl Drop for TempP12 {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn options(server: String, p12: &TempP12, password: &str) -> DoctorOptions {
    let mut o = DoctorOptions::new(server, &p12.0, Zeroizing::new(password.to_owned()));
    o.timeout = Duration::from_secs(5);
    o.start = InitialTimestamp::Genesis;
    o.flags = RequestFlags::ENCORE_DEFAULT;
    o
}

fn status(report: &Report, id: &str) -> Status {
    report
        .get(id)
        .unwrap_or_else(|| panic!("no check {id}"))
        .status
}

fn ids(report: &Report) -> Vec<&'static str> {
    report.checks.iter().map(|c| c.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_checks_pass_against_a_good_server() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("good", &pki.client_p12);
    let report = doctor::run(&options(handle.local_addr.to_string(), &p12, "estreamer")).await;
    let text = report.to_text();
    assert!(report.ok(), "{text}");
    assert_eq!(ids(&report), IDS);
    for c in &report.checks {
        assert_eq!(c.status, Status::Pass, "{text}");
        assert!(c.fix.is_none(), "{text}");
    }
    let request = report.get("request").unwrap();
    assert!(
        request
            .detail
            .contains("Streaming Information offering service 6667")
            && request.detail.contains("a Message Bundle with"),
        "{text}"
    );
    let events = report.get("events").unwrap();
    assert!(
        events.detail.contains("extended header"),
        "{}",
        events.detail
    );
    assert!(text.contains("all checks passed"), "{text}");
    handle.shutdown().await;
}

fn plain(flags: RequestFlags) -> RequestFlags {
    RequestFlags(flags.0 & !RequestFlags::EXTENDED_REQUESTS.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_request_gets_standalone_event_data() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("plain", &pki.client_p12);
    let mut opts = options(handle.local_addr.to_string(), &p12, "estreamer");
    opts.flags = plain(RequestFlags::ENCORE_DEFAULT);
    let report = doctor::run(&opts).await;
    let text = report.to_text();
    assert!(report.ok(), "{text}");
    let request = report.get("request").unwrap();
    assert_eq!(request.status, Status::Pass, "{text}");
    assert!(
        request.detail.contains("plain request")
            && request.detail.contains("an Event Data message"),
        "{text}"
    );
    assert_eq!(status(&report, "events"), Status::Pass, "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_server_answers_with_a_keep_alive_and_events_warn() {
    // Nothing to serve: after Streaming Information only keep-alives come.
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve_capture(&pki, &[], Duration::from_millis(200)).await;
    let p12 = TempP12::new("idle", &pki.client_p12);
    let mut opts = options(handle.local_addr.to_string(), &p12, "estreamer");
    opts.start = InitialTimestamp::Now;
    let report = doctor::run(&opts).await;
    let text = report.to_text();
    assert!(report.ok(), "{text}");
    let request = report.get("request").unwrap();
    assert_eq!(request.status, Status::Pass, "{text}");
    assert!(
        request
            .detail
            .contains("Streaming Information offering service 6667")
            && request.detail.contains("a keep-alive"),
        "{text}"
    );
    let events = report.get("events").unwrap();
    assert_eq!(events.status, Status::Warn, "{text}");
    assert!(
        events.fix.as_deref().unwrap().contains("--start genesis"),
        "{text}"
    );
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_server_times_out_with_a_warning() {
    // Plain mode, nothing to serve, keep-alives far apart: no message within the timeout.
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve_capture(&pki, &[], Duration::from_secs(60)).await;
    let p12 = TempP12::new("silent", &pki.client_p12);
    let mut opts = options(handle.local_addr.to_string(), &p12, "estreamer");
    opts.flags = plain(RequestFlags::ENCORE_DEFAULT);
    opts.start = InitialTimestamp::Now;
    opts.timeout = Duration::from_secs(1);
    let report = doctor::run(&opts).await;
    let text = report.to_text();
    assert!(report.ok(), "warnings only: {text}");
    let request = report.get("request").unwrap();
    assert_eq!(request.status, Status::Warn, "{text}");
    let fix = request.fix.as_deref().unwrap();
    assert!(
        fix.contains("no message within 1 s") && fix.contains("--start genesis"),
        "{text}"
    );
    assert_eq!(status(&report, "events"), Status::Skipped, "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_bit_23_events_warn_about_bookmarks() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("bit23", &pki.client_p12);
    let mut opts = options(handle.local_addr.to_string(), &p12, "estreamer");
    opts.flags = RequestFlags(RequestFlags::ENCORE_DEFAULT.0 & !RequestFlags::ARCHIVE_TIMESTAMPS.0);
    let report = doctor::run(&opts).await;
    let text = report.to_text();
    let events = report.get("events").unwrap();
    assert_eq!(events.status, Status::Warn, "{text}");
    assert!(events.detail.contains("bit 23"), "{text}");
    let fix = events.fix.as_deref().unwrap();
    assert!(fix.contains("bookmark"), "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_fails_the_open_check_and_skips_the_rest() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let p12 = TempP12::new("password", &pki.client_p12);
    // DNS and TCP do not need the identity and still run; everything after them is skipped.
    let handle = serve(&pki).await;
    let report = doctor::run(&options(handle.local_addr.to_string(), &p12, "wrong")).await;
    let text = report.to_text();
    assert!(!report.ok());
    assert_eq!(ids(&report), IDS);
    let open = report.get("pkcs12.open").unwrap();
    assert_eq!(open.status, Status::Fail, "{text}");
    assert!(open.detail.contains("password"), "{text}");
    assert!(
        open.fix
            .as_deref()
            .unwrap()
            .contains("--password-file / ESTREAMER_PKCS12_PASSWORD"),
        "{text}"
    );
    for id in [
        "pkcs12.contents",
        "pkcs12.validity",
        "address",
        "tls",
        "request",
        "events",
    ] {
        assert_eq!(status(&report, id), Status::Skipped, "{id}: {text}");
        assert!(!report.get(id).unwrap().detail.is_empty());
    }
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_file_fails_the_open_check() {
    let mut opts = DoctorOptions::new(
        "127.0.0.1:1",
        "/nonexistent/estreamer-doctor/client.p12",
        Zeroizing::new("x".to_owned()),
    );
    opts.timeout = Duration::from_secs(2);
    let report = doctor::run(&opts).await;
    let open = report.get("pkcs12.open").unwrap();
    assert_eq!(open.status, Status::Fail);
    assert!(open.detail.contains("not found"), "{}", open.detail);
    assert!(open.fix.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkcs12_of_another_fmc_fails_tls_naming_the_other_fmc() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let foreign = certs::generate(&PkiOptions {
        ca_name: "another FMC's CA".into(),
        ..PkiOptions::default()
    })
    .unwrap();
    let p12 = TempP12::new("foreign", &foreign.client_p12);
    let report = doctor::run(&options(handle.local_addr.to_string(), &p12, "estreamer")).await;
    let text = report.to_text();
    assert!(!report.ok(), "{text}");
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    assert_eq!(failed.len(), 1, "{text}");
    let check = failed[0];
    assert!(check.id == "tls" || check.id == "request", "{text}");
    let fix = check.fix.as_deref().unwrap();
    assert!(
        fix.contains("register") || fix.contains("another FMC"),
        "{text}"
    );
    // The client refuses the server first: its certificate is not from the PKCS#12's CA.
    assert_eq!(check.id, "tls", "{text}");
    assert!(check.detail.contains("another FMC"), "{text}");
    assert_eq!(status(&report, "request"), Status::Skipped, "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_refusing_the_client_certificate_fails_the_request_with_register() {
    // Server verification off, so the client goes on and the server's verdict on the foreign
    // client certificate decides (with TLS 1.3 it comes on the first read after the handshake).
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let foreign = certs::generate(&PkiOptions {
        ca_name: "another FMC's CA".into(),
        ..PkiOptions::default()
    })
    .unwrap();
    let p12 = TempP12::new("refused", &foreign.client_p12);
    let mut opts = options(handle.local_addr.to_string(), &p12, "estreamer");
    opts.verification = ServerVerification::InsecureNoVerification;
    let report = doctor::run(&opts).await;
    let text = report.to_text();
    assert!(!report.ok(), "{text}");
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    assert_eq!(failed.len(), 1, "{text}");
    let check = failed[0];
    assert!(check.id == "tls" || check.id == "request", "{text}");
    assert!(
        check
            .fix
            .as_deref()
            .unwrap()
            .contains("register this client"),
        "{text}"
    );
    assert!(
        check.detail.contains("server") && check.detail.contains("client"),
        "{text}"
    );
    assert_eq!(status(&report, "events"), Status::Skipped, "{text}");
    assert!(
        handle
            .stats
            .handshake_failures
            .load(std::sync::atomic::Ordering::Relaxed)
            >= 1
    );
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_fails_tcp_with_refused() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let p12 = TempP12::new("refused-port", &pki.client_p12);
    let report = doctor::run(&options(format!("127.0.0.1:{port}"), &p12, "estreamer")).await;
    let text = report.to_text();
    assert!(!report.ok(), "{text}");
    assert_eq!(status(&report, "dns"), Status::Pass, "{text}");
    let tcp = report.get("tcp").unwrap();
    assert_eq!(tcp.status, Status::Fail, "{text}");
    assert!(
        tcp.detail.contains("refused") && tcp.detail.contains("nothing listens"),
        "{text}"
    );
    assert!(
        tcp.fix
            .as_deref()
            .unwrap()
            .contains(&format!("netstat -an | grep {port}")),
        "{text}"
    );
    for id in ["address", "tls", "request", "events"] {
        assert_eq!(status(&report, id), Status::Skipped, "{id}: {text}");
    }
    // The file checks ran regardless.
    assert_eq!(status(&report, "pkcs12.validity"), Status::Pass, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_expiring_soon_warns() {
    let pki = certs::generate(&PkiOptions {
        validity_days: 10,
        ..PkiOptions::default()
    })
    .unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("expiring", &pki.client_p12);
    let report = doctor::run(&options(handle.local_addr.to_string(), &p12, "estreamer")).await;
    let text = report.to_text();
    let validity = report.get("pkcs12.validity").unwrap();
    assert_eq!(validity.status, Status::Warn, "{text}");
    assert!(
        validity.detail.contains("client certificate expires in")
            && validity.detail.contains("CA certificate"),
        "{text}"
    );
    assert!(
        validity
            .fix
            .as_deref()
            .unwrap()
            .contains("generate a new client certificate")
    );
    assert!(report.ok(), "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_for_another_address_warns_naming_both() {
    let pki = certs::generate(&PkiOptions {
        client_ip: "10.9.9.9".parse().unwrap(),
        ..PkiOptions::default()
    })
    .unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("address", &pki.client_p12);
    let report = doctor::run(&options(handle.local_addr.to_string(), &p12, "estreamer")).await;
    let text = report.to_text();
    let address = report.get("address").unwrap();
    assert_eq!(address.status, Status::Warn, "{text}");
    assert!(
        address.detail.contains("127.0.0.1") && address.detail.contains("10.9.9.9"),
        "{text}"
    );
    assert!(
        address
            .fix
            .as_deref()
            .unwrap()
            .contains("register the client"),
        "{text}"
    );
    // The test server does not check addresses (an FMC would close the connection): the rest
    // passes.
    assert!(report.ok(), "{text}");
    assert_eq!(status(&report, "request"), Status::Pass, "{text}");
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_parses_with_the_ids_in_order() {
    let pki = certs::generate(&PkiOptions::default()).unwrap();
    let handle = serve(&pki).await;
    let p12 = TempP12::new("json", &pki.client_p12);
    for password in ["estreamer", "wrong \"quoted\"\n"] {
        let report = doctor::run(&options(handle.local_addr.to_string(), &p12, password)).await;
        let json = report.to_json();
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(v["ok"], serde_json::Value::Bool(report.ok()));
        let checks = v["checks"].as_array().unwrap();
        let got: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(got, IDS);
        for (c, check) in checks.iter().zip(&report.checks) {
            assert_eq!(c["status"].as_str().unwrap(), check.status.as_str());
            assert_eq!(c["title"].as_str().unwrap(), check.title);
            assert_eq!(c["detail"].as_str().unwrap(), check.detail);
            match &check.fix {
                Some(f) => assert_eq!(c["fix"].as_str().unwrap(), f),
                None => assert!(c["fix"].is_null()),
            }
            let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 5);
        }
    }
    handle.shutdown().await;
}
