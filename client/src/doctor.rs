//! `estreamer doctor`: Cisco's troubleshooting checklist for eStreamer clients
//! (TROUBLESHOOTING.md) run as code against a real server.
//!
//! [`run`] goes through the stages a session goes through (docs/protocol.md §1) and stops at the first
//! that breaks, saying what was found and what to do about it:
//!
//! | id                 | checks                                                          |
//! |--------------------|-----------------------------------------------------------------|
//! | `pkcs12.open`      | the PKCS#12 file reads and opens with the password              |
//! | `pkcs12.contents`  | it holds a key, the client certificate matching it, a CA        |
//! | `pkcs12.validity`  | client and CA certificates are valid now (and for 30 more days) |
//! | `dns`              | the server name resolves                                        |
//! | `tcp`              | a TCP connection to port 8302 (or the given one) opens          |
//! | `address`          | the local address equals the one the certificate names          |
//! | `tls`              | the TLS handshake succeeds (server verified against the CA)     |
//! | `request`          | the Event Stream Request is answered with a message             |
//! | `events`           | event records arrived, with the extended header (bit 23)        |
//!
//! A check that needs an earlier one which failed is [`Status::Skipped`] with the reason. Every
//! [`Status::Warn`] and [`Status::Fail`] carries a concrete fix. The [`Report`] prints as a
//! checklist ([`Report::to_text`]) or as JSON with stable keys ([`Report::to_json`]).
//!
//! # Client-certificate rejection
//! The server validates the client certificate during the handshake and checks the client's
//! address after it, closing without a message when either fails (TROUBLESHOOTING.md, stage
//! 1). With TLS 1.2 a refused certificate fails the handshake with an alert; with TLS 1.3 the
//! client finishes its side of the handshake first and only notices the refusal (an alert or
//! the connection closing) on its first read. So the `tls` and the `request` checks both map
//! these to the same cause and fix.

use std::fmt::{self, Write as _};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use estreamer_codec::{Body, HeaderMode, InitialTimestamp, RequestFlags};
use rustls::{AlertDescription, CertificateError};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Instant;
use zeroize::Zeroizing;

use crate::connect::split_host;
use crate::identity::{CertInfo, Identity, IdentityError, cert_info};
use crate::pump;
use crate::session::{CloseReason, ESTREAMER_SERVICE, Event, Session, SessionConfig};
use crate::tls::{self, ServerVerification, TlsSetupError};

/// The eStreamer port when the server names none.
pub const DEFAULT_PORT: u16 = 8302;

/// A certificate expiring within this many days gives a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Where the user registers a client and downloads its PKCS#12.
const ESTREAMER_PAGE: &str = "the FMC's eStreamer page (Integration > Other Integrations > \
     eStreamer; System > Integration > eStreamer or System > Local > Registration > eStreamer \
     on older versions)";

/// The option that turns server verification off (`estreamer` CLI).
const INSECURE_OPTION: &str = "--insecure-skip-server-verification";

/// What [`run`] checks and how.
#[derive(Clone)]
pub struct DoctorOptions {
    /// The server: `host`, `host:port`, `[v6]:port` or a bare IPv6 address; port 8302 when none
    /// is given.
    pub server: String,
    /// The client's PKCS#12 file, as downloaded from the FMC.
    pub pkcs12: PathBuf,
    /// Its password.
    pub password: Zeroizing<String>,
    /// How the server's certificate is checked.
    pub verification: ServerVerification,
    /// Time allowed for each network step (resolve, connect, handshake, first message).
    pub timeout: Duration,
    /// Request flags of the Event Stream Request.
    pub flags: RequestFlags,
    /// Where the requested stream starts.
    pub start: InitialTimestamp,
}

impl DoctorOptions {
    /// Options with the defaults: server verified against the PKCS#12's CA, 10 s per step,
    /// eNcore's default flags ([`RequestFlags::ENCORE_DEFAULT`]), starting now.
    pub fn new(
        server: impl Into<String>,
        pkcs12: impl Into<PathBuf>,
        password: Zeroizing<String>,
    ) -> Self {
        DoctorOptions {
            server: server.into(),
            pkcs12: pkcs12.into(),
            password,
            verification: ServerVerification::CaFromPkcs12,
            timeout: Duration::from_secs(10),
            flags: RequestFlags::ENCORE_DEFAULT,
            start: InitialTimestamp::Now,
        }
    }
}

impl fmt::Debug for DoctorOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoctorOptions")
            .field("server", &self.server)
            .field("pkcs12", &self.pkcs12)
            .field("password", &"<redacted>")
            .field("verification", &self.verification)
            .field("timeout", &self.timeout)
            .field("flags", &self.flags)
            .field("start", &self.start)
            .finish()
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// All is well.
    Pass,
    /// Works, but something will likely cause trouble (see the fix).
    Warn,
    /// Broken: the session cannot work until the fix is applied.
    Fail,
    /// Not run, because a check it needs failed.
    Skipped,
}

impl Status {
    /// `"pass"`, `"warn"`, `"fail"` or `"skipped"` (the JSON value).
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }

    /// The checklist label: `PASS`, `WARN`, `FAIL` or `SKIP`.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skipped => "SKIP",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Stable machine-readable id, e.g. `"pkcs12.open"` (see the module documentation).
    pub id: &'static str,
    /// What is checked, for people.
    pub title: String,
    /// The outcome.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do about it; always present for [`Status::Warn`] and [`Status::Fail`].
    pub fix: Option<String>,
}

impl Check {
    fn new(id: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            id,
            title: title(id).to_owned(),
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn pass(id: &'static str, detail: impl Into<String>) -> Check {
        Check::new(id, Status::Pass, detail)
    }

    fn warn(id: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, Status::Warn, detail).with_fix(fix)
    }

    fn fail(id: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check::new(id, Status::Fail, detail).with_fix(fix)
    }

    fn skipped(id: &'static str, reason: impl Into<String>) -> Check {
        Check::new(id, Status::Skipped, reason)
    }

    fn with_fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// The checklist's title of each id.
fn title(id: &str) -> &'static str {
    match id {
        "pkcs12.open" => "PKCS#12 file opens",
        "pkcs12.contents" => "PKCS#12 contents",
        "pkcs12.validity" => "Certificate validity",
        "dns" => "Server name resolves",
        "tcp" => "TCP connection",
        "address" => "Client address matches the certificate",
        "tls" => "TLS handshake",
        "request" => "Event Stream Request answered",
        "events" => "Event records and extended header",
        _ => "Check",
    }
}

/// The result of [`run`]: the checks in the order they ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every check, in order; skipped ones included.
    pub checks: Vec<Check>,
}

impl Report {
    /// No check failed (warnings allowed).
    pub fn ok(&self) -> bool {
        !self.checks.iter().any(|c| c.status == Status::Fail)
    }

    /// The check with this id.
    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The report as one JSON object:
    /// `{"ok":bool,"checks":[{"id","title","status","detail","fix"}]}`, `status` one of
    /// `pass`, `warn`, `fail`, `skipped` and `fix` a string or `null`.
    pub fn to_json(&self) -> String {
        let mut out = estreamer_json::Out::default();
        let mut o = estreamer_json::Obj::new(&mut out);
        o.bool("ok", self.ok())
            .obj_array("checks", &self.checks, |o, c| {
                o.str("id", c.id)
                    .str("title", &c.title)
                    .str("status", c.status.as_str())
                    .str("detail", &c.detail)
                    .opt_str("fix", c.fix.as_deref());
            });
        o.finish();
        String::from_utf8_lossy(out.filled()).trim_end().to_owned()
    }

    /// The report as a checklist: `[PASS] title: detail` per check, the fix on the next line
    /// (`       fix: ...`), and a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let _ = writeln!(out, "[{}] {}: {}", c.status.label(), c.title, c.detail);
            if let Some(fix) = &c.fix {
                let _ = writeln!(out, "       fix: {fix}");
            }
        }
        let count = |s: Status| self.checks.iter().filter(|c| c.status == s).count();
        let (failed, warned, skipped) = (
            count(Status::Fail),
            count(Status::Warn),
            count(Status::Skipped),
        );
        if failed == 0 && warned == 0 {
            out.push_str("all checks passed\n");
        } else {
            let _ = writeln!(
                out,
                "{failed} failed, {warned} warning(s), {skipped} skipped"
            );
        }
        out
    }
}

/// Runs every check against `opts.server` and returns the report. Never panics and never
/// takes much longer than four times `opts.timeout` (resolve, connect, handshake, first
/// message).
pub async fn run(opts: &DoctorOptions) -> Report {
    let mut checks = Vec::with_capacity(9);

    // 1-3: the PKCS#12 file.
    let (open, contents_error, identity) = open_pkcs12(opts);
    checks.push(open);
    let (contents, leaf) = match (&identity, contents_error) {
        (_, Some(check)) => (check, None),
        (Some(identity), None) => check_contents(identity, opts.verification),
        (None, None) => (
            Check::skipped("pkcs12.contents", "the PKCS#12 file did not open"),
            None,
        ),
    };
    let identity = if contents.status == Status::Fail {
        None
    } else {
        identity
    };
    checks.push(contents);
    checks.push(match (&identity, &leaf) {
        (Some(identity), Some(leaf)) => check_validity(identity, leaf, now_unix()),
        _ => Check::skipped(
            "pkcs12.validity",
            "no usable certificate (see the PKCS#12 checks)",
        ),
    });

    // 4-6: name, TCP, address.
    let (host, port) = split_host(&opts.server);
    let host = host.to_owned();
    let (dns, addrs) = check_dns(&host, port, opts.timeout).await;
    checks.push(dns);
    let (tcp_check, tcp) = match addrs {
        Some(addrs) => check_tcp(&addrs, opts.timeout).await,
        None => (
            Check::skipped("tcp", "the server name did not resolve"),
            None,
        ),
    };
    checks.push(tcp_check);
    let local = tcp.as_ref().and_then(|t| t.local_addr().ok());
    checks.push(match (&tcp, &leaf) {
        (None, _) => Check::skipped("address", "no TCP connection"),
        (Some(_), None) => Check::skipped("address", "no client certificate to compare with"),
        (Some(_), Some(leaf)) => check_address(local, leaf),
    });
    let mismatch = checks
        .last()
        .is_some_and(|c| c.id == "address" && c.status == Status::Warn);

    // 7: TLS.
    let (tls_check, stream) = match (tcp, &identity) {
        (Some(tcp), Some(identity)) => check_tls(tcp, identity, &host, opts, local).await,
        (None, _) => (Check::skipped("tls", "no TCP connection"), None),
        (Some(_), None) => (
            Check::skipped("tls", "no usable client identity (see the PKCS#12 checks)"),
            None,
        ),
    };
    checks.push(tls_check);

    // 8-9: the request and what it brought.
    let arrival = match stream {
        Some(stream) => {
            let (check, arrival) = check_request(stream, opts, local, mismatch).await;
            checks.push(check);
            arrival
        }
        None => {
            checks.push(Check::skipped("request", "no TLS session"));
            None
        }
    };
    checks.push(match arrival {
        Some(a) => check_events(&a, opts),
        None => Check::skipped("events", "no message from the server to inspect"),
    });
    Report { checks }
}

// ---------------------------------------------------------------------------------------------
// 1-3: the PKCS#12 file

/// `pkcs12.open`, and the `pkcs12.contents` failure when the file opened (MAC verified) but its
/// contents are unusable.
fn open_pkcs12(opts: &DoctorOptions) -> (Check, Option<Check>, Option<Identity>) {
    const ID: &str = "pkcs12.open";
    let path = opts.pkcs12.display();
    let der = match std::fs::read(&opts.pkcs12) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let check = Check::fail(
                ID,
                format!("{path}: file not found"),
                format!(
                    "give the path of the client's .p12 file; if it is lost, download it again \
                     from {ESTREAMER_PAGE}"
                ),
            );
            return (check, None, None);
        }
        Err(e) => {
            let check = Check::fail(
                ID,
                format!("cannot read {path}: {e}"),
                "check that the file is readable by this user (permissions, ownership)",
            );
            return (check, None, None);
        }
    };
    match Identity::from_pkcs12(&der, &opts.password) {
        Ok(identity) => {
            let check = Check::pass(
                ID,
                format!("{path} ({} bytes) opens with the password", der.len()),
            );
            (check, None, Some(identity))
        }
        Err(e @ (IdentityError::WrongPassword | IdentityError::DecryptionFailed)) => {
            let check = Check::fail(
                ID,
                format!("{path}: {e}"),
                "check --password-file / ESTREAMER_PKCS12_PASSWORD: the password is the one \
                 typed when the client was added on the FMC's eStreamer page (a password file's \
                 trailing newline is ignored)",
            );
            (check, None, None)
        }
        Err(
            e @ (IdentityError::NoKey
            | IdentityError::NoCertificate
            | IdentityError::KeyDoesNotMatchCertificate
            | IdentityError::UnsupportedKey(_)),
        ) => {
            // The password was right; what is inside is not usable.
            let open = Check::pass(
                ID,
                format!("{path} ({} bytes) opens with the password", der.len()),
            );
            let contents = Check::fail(
                "pkcs12.contents",
                e.to_string(),
                format!("download the client's PKCS#12 again from {ESTREAMER_PAGE}"),
            );
            (open, Some(contents), None)
        }
        Err(e) => {
            let fix = match &e {
                IdentityError::Unsupported(_) => format!(
                    "re-export the file with OpenSSL 3 (`openssl pkcs12 -in OLD.p12 -nodes | \
                     openssl pkcs12 -export -out NEW.p12`), or download it again from \
                     {ESTREAMER_PAGE}"
                ),
                _ => format!(
                    "check that this is the .p12 file itself (not a PEM or a download page), or \
                     download it again from {ESTREAMER_PAGE}"
                ),
            };
            (Check::fail(ID, format!("{path}: {e}"), fix), None, None)
        }
    }
}

/// `pkcs12.contents`; also returns the client certificate's fields.
fn check_contents(
    identity: &Identity,
    verification: ServerVerification,
) -> (Check, Option<CertInfo>) {
    const ID: &str = "pkcs12.contents";
    let leaf = match cert_info(identity.leaf()) {
        Ok(i) => i,
        Err(e) => {
            let check = Check::fail(
                ID,
                format!("the client certificate cannot be read: {e}"),
                format!("download the client's PKCS#12 again from {ESTREAMER_PAGE}"),
            );
            return (check, None);
        }
    };
    let mut found = format!(
        "a private key and the client certificate {} matching it (issued by {})",
        leaf.subject, leaf.issuer
    );
    let anchors = identity.trust_anchors();
    let cas: Vec<CertInfo> = anchors.iter().filter_map(|c| cert_info(c).ok()).collect();
    if cas.is_empty() {
        let detail = format!(
            "{found}, but no CA certificate: the server cannot be verified{}",
            if verification == ServerVerification::InsecureNoVerification {
                " (verification is off for this run)"
            } else {
                ""
            }
        );
        let fix = format!(
            "download the client's PKCS#12 again from {ESTREAMER_PAGE} (it carries the FMC's \
             CA certificate), or run without server verification ({INSECURE_OPTION})"
        );
        return (Check::warn(ID, detail, fix), Some(leaf));
    }
    let names: Vec<&str> = cas.iter().map(|c| c.subject.as_str()).collect();
    let _ = write!(found, "; CA certificate {}", names.join(", "));
    let issuer_known = cas.iter().any(|c| c.subject == leaf.issuer)
        || identity
            .chain
            .iter()
            .skip(1)
            .filter_map(|c| cert_info(c).ok())
            .any(|c| c.subject == leaf.issuer);
    let check = if issuer_known {
        Check::pass(ID, found)
    } else {
        Check::warn(
            ID,
            format!(
                "{found}; the client certificate's issuer ({}) is not among them",
                leaf.issuer
            ),
            format!(
                "the file mixes certificates of different FMCs: download the client's PKCS#12 \
                 again from {ESTREAMER_PAGE}"
            ),
        )
    };
    (check, Some(leaf))
}

/// `pkcs12.validity` at `now` (Unix seconds).
fn check_validity(identity: &Identity, leaf: &CertInfo, now: i64) -> Check {
    const ID: &str = "pkcs12.validity";
    let renew_client = format!(
        "generate a new client certificate on {ESTREAMER_PAGE} and download its PKCS#12; if the \
         dates look wrong, check this host's clock (date; NTP)"
    );
    let renew_ca = "the FMC's internal CA is out of date: renew it on the FMC (or check this \
                    host's clock), then download the client's PKCS#12 again"
        .to_owned();
    let mut certs: Vec<(String, CertInfo, &String)> =
        vec![("client certificate".to_owned(), leaf.clone(), &renew_client)];
    for ca in identity.trust_anchors() {
        if let Ok(info) = cert_info(&ca) {
            certs.push((format!("CA certificate {}", info.subject), info, &renew_ca));
        }
    }
    let mut warnings: Vec<(String, &String)> = Vec::new();
    for (what, info, fix) in &certs {
        if now < info.not_before {
            return Check::fail(
                ID,
                format!(
                    "the {what} is not valid before {} (now {})",
                    format_unix(info.not_before),
                    format_unix(now)
                ),
                format!("check this host's clock (date; NTP); {fix}"),
            );
        }
        if now > info.not_after {
            return Check::fail(
                ID,
                format!(
                    "the {what} expired on {} (now {})",
                    format_unix(info.not_after),
                    format_unix(now)
                ),
                (*fix).clone(),
            );
        }
        let days = (info.not_after - now) / 86_400;
        if days < EXPIRY_WARNING_DAYS {
            warnings.push((
                format!(
                    "the {what} expires in {days} day(s), on {}",
                    format_unix(info.not_after)
                ),
                fix,
            ));
        }
    }
    if let Some((_, fix)) = warnings.first() {
        let detail: Vec<&str> = warnings.iter().map(|(d, _)| d.as_str()).collect();
        return Check::warn(ID, detail.join("; "), format!("before then: {fix}"));
    }
    Check::pass(
        ID,
        format!(
            "the client certificate is valid until {}{}",
            format_unix(leaf.not_after),
            if certs.len() > 1 {
                ", and the CA certificate(s) are valid"
            } else {
                ""
            }
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// 4-6: name, TCP, address

/// `dns`: the addresses to connect to.
async fn check_dns(
    host: &str,
    port: Option<&str>,
    timeout: Duration,
) -> (Check, Option<Vec<SocketAddr>>) {
    const ID: &str = "dns";
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(p) if p != 0 => p,
            _ => {
                let check = Check::fail(
                    ID,
                    format!("invalid port {p:?}"),
                    "give the server as HOST or HOST:PORT (eStreamer listens on 8302)",
                );
                return (check, None);
            }
        },
    };
    if host.is_empty() {
        let check = Check::fail(
            ID,
            "no server name given",
            "give the FMC's (or managed device's) address or name, e.g. 192.0.2.10 or \
             fmc.example.com:8302",
        );
        return (check, None);
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        let addr = SocketAddr::new(ip, port);
        return (
            Check::pass(ID, format!("{host} is an address; port {port}")),
            Some(vec![addr]),
        );
    }
    let fix = format!(
        "check the name {host:?} (or use the FMC's IP address) and this host's DNS settings \
         (/etc/resolv.conf, /etc/hosts)"
    );
    match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                return (
                    Check::fail(ID, format!("{host} resolves to no address"), fix),
                    None,
                );
            }
            let list: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            let check = Check::pass(
                ID,
                format!("{host} resolves to {}; port {port}", list.join(", ")),
            );
            (check, Some(addrs))
        }
        Ok(Err(e)) => (
            Check::fail(ID, format!("{host} does not resolve: {e}"), fix),
            None,
        ),
        Err(_) => (
            Check::fail(
                ID,
                format!(
                    "resolving {host} took longer than {}",
                    format_duration(timeout)
                ),
                fix,
            ),
            None,
        ),
    }
}

/// `tcp`: connects to the addresses in turn within `timeout` (in all).
async fn check_tcp(addrs: &[SocketAddr], timeout: Duration) -> (Check, Option<TcpStream>) {
    const ID: &str = "tcp";
    let deadline = Instant::now() + timeout;
    let mut failures: Vec<(SocketAddr, Option<io::Error>)> = Vec::new();
    for &addr in addrs {
        match tokio::time::timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                let mut detail = format!("connected to {addr}");
                if let Ok(local) = stream.local_addr() {
                    let _ = write!(detail, " from {local}");
                }
                for (a, e) in &failures {
                    let _ = write!(
                        detail,
                        " ({a} failed: {})",
                        describe_connect_error(e.as_ref())
                    );
                }
                return (Check::pass(ID, detail), Some(stream));
            }
            Ok(Err(e)) => failures.push((addr, Some(e))),
            Err(_) => {
                failures.push((addr, None));
                break;
            }
        }
    }
    let Some((addr, error)) = failures.first() else {
        return (
            Check::fail(ID, "no address to connect to", "give the server's address"),
            None,
        );
    };
    let port = addr.port();
    let mut detail = match error {
        Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            format!("{addr}: connection refused: nothing listens on port {port}")
        }
        Some(e) => format!("{addr}: {}", describe_connect_error(Some(e))),
        None => format!(
            "{addr}: no answer within {}: the connection is filtered by a firewall or the \
             address is wrong",
            format_duration(timeout)
        ),
    };
    for (a, e) in failures.iter().skip(1) {
        let _ = write!(detail, "; {a}: {}", describe_connect_error(e.as_ref()));
    }
    let fix = match error {
        Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => format!(
            "nothing listens on {port}: is the eStreamer service running on the FMC \
             (`netstat -an | grep {port}` shows LISTEN; the sfestreamer process runs)? Is this \
             the FMC's (or managed device's) address and the eStreamer port (8302)?"
        ),
        Some(e)
            if matches!(
                e.kind(),
                io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable
            ) =>
        {
            "the server is unreachable from this host: check the address, this host's routes \
             and gateway (ip route; traceroute), and that the FMC's management interface is up"
                .to_owned()
        }
        Some(_) => "check the address and the network path to the FMC; a packet capture on the \
                    FMC's management interface shows whether the traffic arrives"
            .to_owned(),
        None => format!(
            "the connection is filtered by a firewall or the address is wrong: allow TCP {port} \
             from this host to the FMC, check the address; a packet capture on the FMC's \
             management interface shows whether the SYN arrives"
        ),
    };
    (Check::fail(ID, detail, fix), None)
}

fn describe_connect_error(e: Option<&io::Error>) -> String {
    match e {
        None => "no answer (timed out)".to_owned(),
        Some(e) => match e.kind() {
            io::ErrorKind::ConnectionRefused => "connection refused (nothing listens)".to_owned(),
            io::ErrorKind::HostUnreachable => format!("host unreachable ({e})"),
            io::ErrorKind::NetworkUnreachable => format!("network unreachable ({e})"),
            _ => e.to_string(),
        },
    }
}

/// `address`: the local address of the connection against the certificate's addresses.
fn check_address(local: Option<SocketAddr>, leaf: &CertInfo) -> Check {
    const ID: &str = "address";
    let Some(local) = local else {
        return Check::skipped(ID, "the local address of the connection is unknown");
    };
    let ours = local.ip().to_canonical();
    let named: Vec<IpAddr> = leaf
        .ip_addresses
        .iter()
        .map(|ip| ip.to_canonical())
        .collect();
    if named.is_empty() {
        return Check::warn(
            ID,
            format!(
                "the client certificate ({}) names no IP address; this connection comes from \
                 {ours}",
                leaf.subject
            ),
            format!(
                "the FMC checks that the client connects from the address its certificate was \
                 issued for: register the client on {ESTREAMER_PAGE} with the address the FMC \
                 sees ({ours}) and download its PKCS#12"
            ),
        );
    }
    if named.contains(&ours) {
        return Check::pass(
            ID,
            format!("this connection comes from {ours}, the address the certificate names"),
        );
    }
    let list: Vec<String> = named.iter().map(ToString::to_string).collect();
    let list = list.join(", ");
    Check::warn(
        ID,
        format!(
            "the FMC checks that the client connects from the address its certificate was issued \
             for; this connection comes from {ours} but the certificate names {list} (NAT or \
             wrong client?)"
        ),
        format!(
            "register the client with the address the FMC sees ({ours}, or the NAT address in \
             front of it) on {ESTREAMER_PAGE} and download its PKCS#12, or run the client on \
             {list}"
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// 7: TLS

type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

/// What to do when the server refused the client certificate.
fn register_fix(local: Option<SocketAddr>) -> String {
    let from = local.map_or_else(String::new, |l| {
        format!(
            " with the address it connects from ({})",
            l.ip().to_canonical()
        )
    });
    format!(
        "the server refused the client certificate: register this client{from} on \
         {ESTREAMER_PAGE} and download its PKCS#12 again (a PKCS#12 issued by another FMC, or \
         for another address, is refused)"
    )
}

/// The rustls error inside an I/O error from tokio-rustls.
fn rustls_error(e: &io::Error) -> Option<&rustls::Error> {
    e.get_ref()?.downcast_ref::<rustls::Error>()
}

/// An alert by which a server says it does not accept the client certificate.
fn is_refusal_alert(a: AlertDescription) -> bool {
    matches!(
        a,
        AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateRequired
            | AlertDescription::HandshakeFailure
            | AlertDescription::CertificateUnknown
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateRevoked
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::AccessDenied
            | AlertDescription::DecryptError
    )
}

/// The connection ended without the peer saying why (TCP FIN or reset).
fn is_closed(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// Detail and fix of a failed handshake.
fn explain_handshake_error(e: &io::Error, local: Option<SocketAddr>) -> (String, String) {
    if let Some(err) = rustls_error(e) {
        match err {
            rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer | CertificateError::BadSignature,
            ) => {
                return (
                    format!(
                        "the server's certificate is not from the CA in this PKCS#12 ({err}): \
                         this PKCS#12 was issued by another FMC (or this server is not the FMC \
                         that issued it)"
                    ),
                    format!(
                        "use a PKCS#12 from this FMC: register this client on {ESTREAMER_PAGE} \
                         and download its PKCS#12 (one from another FMC is refused anyway); \
                         check the server address; {INSECURE_OPTION} skips the server check"
                    ),
                );
            }
            rustls::Error::InvalidCertificate(
                CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. },
            ) => {
                return (
                    format!("the server's certificate is not valid now ({err})"),
                    "check the clocks of this host and of the FMC (date; NTP); an expired FMC \
                     certificate must be renewed on the FMC"
                        .to_owned(),
                );
            }
            rustls::Error::InvalidCertificate(other) => {
                return (
                    format!("the server's certificate was not accepted: {other}"),
                    format!(
                        "check that the server is the FMC that issued this PKCS#12; \
                         {INSECURE_OPTION} skips the server check"
                    ),
                );
            }
            rustls::Error::AlertReceived(alert) if is_refusal_alert(*alert) => {
                return (
                    format!(
                        "the server ended the handshake with the alert {alert:?}: it did not \
                         accept the client certificate"
                    ),
                    register_fix(local),
                );
            }
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
                return (
                    format!("the server does not speak TLS as expected ({err})"),
                    "check the port: the eStreamer service listens on 8302 with TLS".to_owned(),
                );
            }
            rustls::Error::PeerIncompatible(_) => {
                return (
                    format!("no TLS version or cipher suite in common with the server ({err})"),
                    "FMCs speak TLS 1.2 with ECDHE/RSA suites; check the FMC version and any \
                     TLS inspection device on the path"
                        .to_owned(),
                );
            }
            _ => {}
        }
    }
    if is_closed(e) {
        return (
            format!("the server closed the connection during the handshake ({e})"),
            register_fix(local),
        );
    }
    (
        format!("the handshake failed: {e}"),
        "test the connection with the SDK's ssl_test.pl or `openssl s_client -connect HOST:8302 \
         -cert client.pem -key client.pem`; a packet capture on the FMC shows what happens"
            .to_owned(),
    )
}

/// `tls`: the handshake over `tcp`.
async fn check_tls(
    tcp: TcpStream,
    identity: &Identity,
    host: &str,
    opts: &DoctorOptions,
    local: Option<SocketAddr>,
) -> (Check, Option<TlsStream>) {
    const ID: &str = "tls";
    let config = match tls::client_config(identity, opts.verification) {
        Ok(c) => c,
        Err(TlsSetupError::NoTrustAnchor) => {
            let check = Check::fail(
                ID,
                "the PKCS#12 holds no CA certificate to verify the server with",
                format!(
                    "download the client's PKCS#12 again from {ESTREAMER_PAGE}, or run without \
                     server verification ({INSECURE_OPTION})"
                ),
            );
            return (check, None);
        }
        Err(e) => {
            let check = Check::fail(
                ID,
                e.to_string(),
                format!("download the client's PKCS#12 again from {ESTREAMER_PAGE}"),
            );
            return (check, None);
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = connector.connect(tls::server_name(host), tcp);
    let stream = match tokio::time::timeout(opts.timeout, handshake).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            let (detail, fix) = explain_handshake_error(&e, local);
            return (Check::fail(ID, detail, fix), None);
        }
        Err(_) => {
            let check = Check::fail(
                ID,
                format!(
                    "no TLS handshake within {}: the server accepted TCP but did not answer",
                    format_duration(opts.timeout)
                ),
                "check that this is the eStreamer port (8302) and that no proxy or inspection \
                 device holds the connection",
            );
            return (check, None);
        }
    };
    let (_, conn) = stream.get_ref();
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
        Some(v) => format!("{v:?}"),
        None => "TLS".to_owned(),
    };
    let suite = conn
        .negotiated_cipher_suite()
        .map_or_else(String::new, |s| format!(", {:?}", s.suite()));
    let server = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| cert_info(c).ok())
        .map_or_else(String::new, |i| {
            format!("; server certificate {} issued by {}", i.subject, i.issuer)
        });
    let mut detail = format!("{version} handshake done{suite}{server}");
    if version == "TLS 1.3" {
        detail.push_str(
            " (with TLS 1.3 the server's verdict on the client certificate comes with the first \
             read: see the request check)",
        );
    }
    let check = match opts.verification {
        ServerVerification::CaFromPkcs12 => {
            Check::pass(ID, format!("{detail}; verified against the PKCS#12's CA"))
        }
        ServerVerification::InsecureNoVerification => Check::warn(
            ID,
            format!("{detail}; the server's certificate was NOT verified"),
            format!(
                "anyone on the path could read and alter the stream: verify the server (drop \
                 {INSECURE_OPTION}) with a PKCS#12 that carries the FMC's CA"
            ),
        ),
    };
    (check, Some(stream))
}

// ---------------------------------------------------------------------------------------------
// 8-9: the request and the first data

/// What the first messages after the request brought.
#[derive(Debug, Default)]
struct Arrival {
    /// Service count of a Streaming Information message, if one came.
    streaming_information: Option<usize>,
    /// What the first message after it was (`None`: nothing more within the timeout).
    first: Option<String>,
    /// Event Data records in that message.
    records: u64,
    /// Of them, records with the extended header.
    extended: u64,
    /// Of them, records with a non-zero archive timestamp (events, not FMC metadata).
    events: u64,
    /// The largest archive timestamp seen.
    newest: u32,
}

impl Arrival {
    fn add(&mut self, data: &estreamer_codec::EventData<'_>) {
        self.records += 1;
        if let Some(ts) = data.archive_timestamp() {
            self.extended += 1;
            if ts != 0 {
                self.events += 1;
                self.newest = self.newest.max(ts);
            }
        }
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(services) = self.streaming_information {
            parts.push(format!(
                "Streaming Information offering service {ESTREAMER_SERVICE} ({services} \
                 service(s)), answered with the Streaming Request"
            ));
        }
        if let Some(first) = &self.first {
            parts.push(first.clone());
        }
        parts.join(", then ")
    }
}

/// How reading the answer ended.
enum Outcome {
    /// A data message, keep-alive or other message arrived.
    Arrived,
    /// Nothing (more) within the timeout.
    TimedOut,
    /// The session ended.
    Closed(CloseReason, Option<String>),
}

/// Polls every event out of `session` into `arrival`; `Some` when reading should stop.
fn drain(session: &mut Session, arrival: &mut Arrival) -> Option<Outcome> {
    loop {
        let event = match session.poll() {
            Ok(Some(e)) => e,
            Ok(None) => return None,
            Err(reason) => return Some(Outcome::Closed(reason, None)),
        };
        match event {
            Event::StreamingInformation { services } => {
                arrival.streaming_information = Some(services);
            }
            Event::Bundle { bundle, .. } => {
                let mut members = 0u64;
                for inner in bundle.messages() {
                    let Ok(inner) = inner else { continue };
                    members += 1;
                    if let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) {
                        arrival.add(&d);
                    }
                }
                arrival.first = Some(format!(
                    "a Message Bundle with {} record(s){}",
                    arrival.records,
                    if members > arrival.records {
                        format!(" among {members} message(s)")
                    } else {
                        String::new()
                    }
                ));
                return Some(Outcome::Arrived);
            }
            Event::EventData { data, .. } => {
                arrival.add(&data);
                arrival.first = Some(format!(
                    "an Event Data message (record type {})",
                    data.record_type().0
                ));
                return Some(Outcome::Arrived);
            }
            Event::KeepAlive => {
                arrival.first = Some("a keep-alive (Null message)".to_owned());
                return Some(Outcome::Arrived);
            }
            Event::BadEventData { message, error } => {
                arrival.first = Some(format!(
                    "an Event Data message whose record header does not decode ({error}; {} \
                     bytes)",
                    message.length()
                ));
                return Some(Outcome::Arrived);
            }
            Event::Other(m) => {
                arrival.first = Some(format!(
                    "a message of type {} ({} bytes)",
                    m.message_type().0,
                    m.length()
                ));
                return Some(Outcome::Arrived);
            }
            Event::ServerError { .. } => {
                let reason = session
                    .close_reason()
                    .cloned()
                    .unwrap_or(CloseReason::ClosedByServer);
                return Some(Outcome::Closed(reason, None));
            }
        }
    }
}

/// Sends the request and reads until the first message (after Streaming Information in
/// extended mode) or the deadline, through the transport's own pump.
async fn exchange(
    stream: &mut TlsStream,
    session: &mut Session,
    arrival: &mut Arrival,
    timeout: Duration,
) -> Outcome {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut acked = 0;
    let closed = |session: &mut Session, e: Option<&io::Error>| {
        let reason = session.closed_by_peer();
        let note = e.map(|e| match rustls_error(e) {
            Some(rustls::Error::AlertReceived(a)) => format!("TLS alert {a:?} from the server"),
            _ => e.to_string(),
        });
        Outcome::Closed(reason, note)
    };
    if let Err(e) = pump::write(stream, session, &mut acked).await {
        return closed(session, Some(&e));
    }
    loop {
        match pump::read(stream, session, deadline, |_| Ok(())).await {
            Ok(pump::Read::Bytes(_)) => {}
            Ok(pump::Read::Timeout) => return Outcome::TimedOut,
            Ok(pump::Read::Closed(e)) => return closed(session, e.as_ref()),
            Err(e) => return closed(session, Some(&e)),
        }
        if let Some(outcome) = drain(session, arrival) {
            // Best effort: acknowledge or answer what arrived before leaving.
            let _ = session.poll();
            let _ = pump::write(stream, session, &mut acked).await;
            return outcome;
        }
        // The Streaming Request answering Streaming Information.
        if let Err(e) = pump::write(stream, session, &mut acked).await {
            return closed(session, Some(&e));
        }
    }
}

/// `request`: the Event Stream Request and what answers it.
async fn check_request(
    mut stream: TlsStream,
    opts: &DoctorOptions,
    local: Option<SocketAddr>,
    address_mismatch: bool,
) -> (Check, Option<Arrival>) {
    const ID: &str = "request";
    let mut session = Session::new(SessionConfig {
        initial_timestamp: opts.start,
        flags: opts.flags,
        ..SessionConfig::default()
    });
    let mut arrival = Arrival::default();
    let outcome = exchange(&mut stream, &mut session, &mut arrival, opts.timeout).await;
    // Leave politely; the server may already be gone.
    let _ = tokio::time::timeout(Duration::from_millis(500), stream.shutdown()).await;
    let mode = if opts.flags.contains(RequestFlags::EXTENDED_REQUESTS) {
        "extended"
    } else {
        "plain"
    };
    let asked = format!(
        "{mode} request, flags {:#010x}, start {}",
        opts.flags.bits(),
        opts.start
    );
    let t = format_duration(opts.timeout);
    match outcome {
        Outcome::Arrived => {
            let check = Check::pass(ID, format!("{asked}: {}", arrival.describe()));
            (check, Some(arrival))
        }
        Outcome::TimedOut if arrival.streaming_information.is_some() => {
            let check = Check::pass(
                ID,
                format!(
                    "{asked}: {}; no data within {t} after it",
                    arrival.describe()
                ),
            );
            (check, Some(arrival))
        }
        Outcome::TimedOut => {
            let check = Check::warn(
                ID,
                format!("{asked}: no message within {t}"),
                format!(
                    "no message within {t}: with --start now the server only sends when new \
                     events arrive; try --start genesis, and check the event types ticked on \
                     the FMC's eStreamer page (System > Integration > eStreamer)"
                ),
            );
            (check, None)
        }
        Outcome::Closed(CloseReason::ServerError { code, text }, _) => {
            let check = Check::fail(
                ID,
                format!("{asked}: the server sent error {code}: {text}"),
                "the error text says what the server refused: an unsupported request flag or \
                 event version (try the default flags 0x48900061) or a problem on the FMC \
                 (look for eStreamer errors in its logs, e.g. grep -i estreamer \
                 /var/log/messages)",
            );
            (check, None)
        }
        Outcome::Closed(CloseReason::ClosedBeforeFirstMessage, note) => {
            let mut detail = format!("{asked}: {}", CloseReason::ClosedBeforeFirstMessage);
            if let Some(note) = note {
                let _ = write!(detail, " [{note}]");
            }
            if address_mismatch {
                detail.push_str(
                    "; the address check above found this connection's address differs from \
                     the certificate's",
                );
            }
            (Check::fail(ID, detail, register_fix(local)), None)
        }
        Outcome::Closed(reason, note) => {
            let mut detail = format!("{asked}: ");
            let before = arrival.describe();
            if !before.is_empty() {
                let _ = write!(detail, "after {before}, ");
            }
            let _ = write!(detail, "{reason}");
            if let Some(note) = note {
                let _ = write!(detail, " [{note}]");
            }
            let fix = match reason {
                CloseReason::Corrupt(_) | CloseReason::ClientError { .. } => {
                    "the server's answer is not the eStreamer protocol this client speaks: check \
                     that this is the eStreamer port of an FMC or managed device, and try the \
                     default flags 0x48900061"
                }
                _ => {
                    "the server ended the session: check that the eStreamer service stays up \
                     (the sfestreamer process), and look for eStreamer errors in the FMC's logs"
                }
            };
            (Check::fail(ID, detail, fix), None)
        }
    }
}

/// `events`: whether event records arrived and carry the extended header.
fn check_events(a: &Arrival, opts: &DoctorOptions) -> Check {
    const ID: &str = "events";
    let bit23 = opts.flags.contains(RequestFlags::ARCHIVE_TIMESTAMPS);
    let t = format_duration(opts.timeout);
    if a.records == 0 {
        let what = a.first.as_deref().map_or_else(
            || format!("no data within {t}"),
            |f| format!("{f}, no event record"),
        );
        return Check::warn(
            ID,
            format!("{what} yet (start {})", opts.start),
            "with --start now records come only when new events arrive: try --start genesis, \
             request the event types you expect, and check that they are ticked on the FMC's \
             eStreamer page (System > Integration > eStreamer)",
        );
    }
    let mut detail = format!("{} record(s) arrived", a.records);
    if a.extended > 0 {
        let _ = write!(
            detail,
            ": {} event(s) with an archive timestamp, {} FMC metadata (archive timestamp 0)",
            a.events,
            a.extended - a.events
        );
    }
    if a.newest != 0 {
        let _ = write!(
            detail,
            " (newest archived {})",
            format_unix(i64::from(a.newest))
        );
    }
    if !bit23 {
        let _ = write!(
            detail,
            "; request flag bit 23 (extended header) is not set: {} record(s) without archive \
             timestamp",
            a.records - a.extended
        );
        return Check::warn(
            ID,
            detail,
            "set request flag bit 23 (ARCHIVE_TIMESTAMPS; the default flags 0x48900061 have it): \
             without the extended header no bookmark can be kept (restarts lose or repeat \
             events)",
        );
    }
    if a.extended < a.records {
        let _ = write!(
            detail,
            "; bit 23 was requested but {} record(s) came with the standard 8-byte header",
            a.records - a.extended
        );
        return Check::warn(
            ID,
            detail,
            "those records cannot be bookmarked; check the FMC version and report it \
             (docs/protocol.md §12 item 8)",
        );
    }
    detail.push_str("; all with the extended header (bookmarks and correct SIDs work)");
    if a.events == 0 {
        detail.push_str("; the first message held only FMC metadata (no event yet)");
    }
    Check::pass(ID, detail)
}

// ---------------------------------------------------------------------------------------------
// Formatting

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `2025-01-31 12:00:00 UTC`.
fn format_unix(t: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        ),
        Err(_) => format!("{t} (UNIX seconds, out of the calendar's range)"),
    }
}

fn format_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_unix(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_unix(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_unix(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(format_unix(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn json_report_escapes_and_nulls() {
        let report = Report {
            checks: vec![
                Check::pass("dns", "a\"b\\c\nd\u{1}é"),
                Check::fail("tcp", "refused", "start it"),
            ],
        };
        assert_eq!(
            report.to_json(),
            "{\"ok\":false,\"checks\":[{\"id\":\"dns\",\"title\":\"Server name resolves\",\
             \"status\":\"pass\",\"detail\":\"a\\\"b\\\\c\\nd\\u0001é\",\"fix\":null},\
             {\"id\":\"tcp\",\"title\":\"TCP connection\",\"status\":\"fail\",\
             \"detail\":\"refused\",\"fix\":\"start it\"}]}"
        );
    }

    #[test]
    fn text_and_ok() {
        let report = Report {
            checks: vec![
                Check::pass("dns", "x resolves"),
                Check::fail("tcp", "refused", "start it"),
                Check::skipped("tls", "no TCP connection"),
            ],
        };
        assert!(!report.ok());
        let text = report.to_text();
        assert!(text.starts_with("[PASS] Server name resolves: x resolves\n"));
        assert!(text.contains("[FAIL] TCP connection: refused\n       fix: start it\n"));
        assert!(text.contains("[SKIP] TLS handshake: no TCP connection\n"));
    }
}
