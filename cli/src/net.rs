//! The network commands: `stream`, `serve`, `certs`, `demo` (and `doctor`), on
//! `estreamer-client`.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use estreamer_client::connect::{self, Backoff, StreamOptions};
use estreamer_client::identity::{Identity, PasswordSource};
use estreamer_client::session::SessionConfig;
use estreamer_client::tls::{self, ServerVerification};
use estreamer_codec::names::Metadata;
use estreamer_codec::{EventCode, EventTypeRequest, InitialTimestamp, RequestFlags};
use estreamer_testkit::certs::{self, P12Encryption, PkiOptions};
use estreamer_testkit::server::{self, Capture, Fault, ServeConfig};
use zeroize::Zeroizing;

use estreamer_client::lock::Lock;

use crate::stream::{JsonSink, Output, Reopen};

/// The eStreamer port.
pub const DEFAULT_PORT: u16 = 8302;

/// Where the client's PKCS#12 and its password come from.
#[derive(Debug, Clone, Args)]
pub struct IdentityArgs {
    /// The client's PKCS#12 file, as downloaded from the FMC's eStreamer page.
    #[arg(long, value_name = "FILE")]
    pub pkcs12: PathBuf,
    /// A file holding the PKCS#12 password (one line). Without it the password comes from
    /// the variable named by --password-env, else a prompt on the terminal.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the password.
    #[arg(long, value_name = "VAR", default_value = "ESTREAMER_PKCS12_PASSWORD")]
    pub password_env: String,
    /// DANGEROUS: do not verify the server's certificate at all (anyone on the path can read
    /// and change the stream). By default it is verified against the CA in the PKCS#12.
    #[arg(long)]
    pub insecure_skip_server_verification: bool,
}

impl IdentityArgs {
    /// The password source these arguments name: the file, else the variable when it is set,
    /// else `None` (ask on the terminal).
    pub fn password_source(&self) -> Option<PasswordSource> {
        if let Some(f) = &self.password_file {
            Some(PasswordSource::File(f.clone()))
        } else if std::env::var_os(&self.password_env).is_some() {
            Some(PasswordSource::Env(self.password_env.clone()))
        } else {
            None
        }
    }

    /// Reads the password: from its source, or asked on the terminal without echo.
    pub fn password(&self) -> Result<Zeroizing<String>, String> {
        match self.password_source() {
            Some(source) => source.read().map_err(|e| format!("PKCS#12 password: {e}")),
            None => prompt_password(&self.password_env),
        }
    }

    /// Reads the password and opens the PKCS#12.
    pub fn load(&self) -> Result<(Identity, Zeroizing<String>), String> {
        let password = self.password()?;
        let id = Identity::load(&self.pkcs12, &password).map_err(|e| e.to_string())?;
        Ok((id, password))
    }

    /// How to verify the server.
    pub fn verification(&self) -> ServerVerification {
        if self.insecure_skip_server_verification {
            ServerVerification::InsecureNoVerification
        } else {
            ServerVerification::CaFromPkcs12
        }
    }
}

/// Asks for the PKCS#12 password on the terminal, without echo (never written anywhere).
fn prompt_password(env: &str) -> Result<Zeroizing<String>, String> {
    if !io::stdin().is_terminal() {
        return Err(format!(
            "PKCS#12 password: cannot prompt for it: standard input is not a terminal; use \
             --password-file FILE or set {env}"
        ));
    }
    rpassword::prompt_password("PKCS#12 password: ")
        .map(Zeroizing::new)
        .map_err(|e| format!("PKCS#12 password: cannot read it from the terminal: {e}"))
}

/// `host` or `host:port` with the default port added.
pub fn with_port(server: &str) -> String {
    match connect::split_host(server) {
        (_, Some(_)) => server.to_owned(),
        (h, None) if h.contains(':') => format!("[{h}]:{DEFAULT_PORT}"),
        (h, None) => format!("{h}:{DEFAULT_PORT}"),
    }
}

/// Arguments of `estreamer stream`.
#[derive(Debug, Clone, Args)]
pub struct StreamArgs {
    /// The FMC (or managed device): HOST or HOST:PORT (default port 8302).
    #[arg(long)]
    pub server: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
    /// Where to start: `bookmark` (resume from --bookmark if it exists, else now), `now`,
    /// `genesis` (oldest data on the FMC) or UNIX seconds.
    #[arg(long, default_value = "bookmark")]
    pub start: String,
    /// Bookmark file: the archive timestamp of the last record written and the recent
    /// records' keys, saved atomically after the output is flushed.
    #[arg(long, value_name = "FILE", default_value = "estreamer.bookmark")]
    pub bookmark: PathBuf,
    /// Event families to request, comma-separated: intrusion, connection, file, malware,
    /// correlation, discovery, user, impact, metadata (metadata is always requested), or
    /// `all` (Cisco eNcore 5.2.11's set).
    #[arg(long, default_value = "all")]
    pub events: String,
    /// Request flags instead of Cisco eNcore's (names or a number, see `estreamer flags`).
    /// Bit 23 (archive timestamps) is always added: bookmarks and duplicate detection need it.
    #[arg(long)]
    pub flags: Option<RequestFlags>,
    /// Add the names the metadata gives (SID as the user entered it, rule message, policy,
    /// zone, ... names) to each record.
    #[arg(long)]
    pub render: bool,
    /// Metadata cache file: loaded first, saved at the end (implies --render).
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,
    /// Output file for the JSON Lines (appended to, so a restarted stream continues it), or
    /// `-` for standard output. SIGHUP makes the stream write out what it holds and open FILE
    /// anew: rotate by renaming, then `kill -HUP` (logrotate's `postrotate`).
    #[arg(long, short, default_value = "-")]
    pub out: String,
    /// Write --out FILE with direct I/O (O_DIRECT, Linux) from a writer thread, not through
    /// the page cache: much less kernel CPU per event at high rates. The file is written at
    /// offsets the writer keeps, not in append mode; a file truncated under it (logrotate's
    /// `copytruncate`) is followed to its new end, which then starts with a whole line (the
    /// line the truncation cut stays, cut, in the rotated copy). Where the filesystem refuses
    /// direct I/O it is written the ordinary way.
    #[arg(long)]
    pub direct: bool,
    /// Also write the decrypted byte stream of each session (FILE, then FILE.2, ...) for
    /// `estreamer decode` and bug reports.
    #[arg(long, value_name = "FILE")]
    pub raw: Option<PathBuf>,
    /// Stop when the session ends instead of reconnecting.
    #[arg(long)]
    pub no_reconnect: bool,
    /// Keys the duplicate window holds.
    #[arg(long, default_value_t = estreamer_client::resume::DEFAULT_WINDOW)]
    pub window: usize,
    /// Archive seconds a resumed session goes back, and keys stay in the window.
    #[arg(long, default_value_t = estreamer_client::resume::DEFAULT_SLACK)]
    pub slack: u32,
    /// Save the bookmark (after syncing the output) at the latest after this many events: the
    /// most a hard kill (kill -9, a crash, a power loss) can repeat on the next start.
    #[arg(long, value_name = "N", default_value_t = connect::DEFAULT_BOOKMARK_RECORDS)]
    pub bookmark_records: u64,
    /// Save the bookmark at the latest this many seconds after the first event it would cover.
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub bookmark_interval: f64,
    /// End the session (and reconnect) when nothing, not even a keep-alive, arrives for this
    /// many seconds between messages.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub idle_timeout: f64,
    /// End the session (and reconnect) when no byte arrives for this many seconds in the
    /// middle of a message.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub stall_timeout: f64,
    /// End the session (and reconnect) when a message is not complete this many seconds after
    /// its first byte (a server or path trickling bytes).
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub message_timeout: f64,
    /// Stop after this many seconds (for tests and measurements).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Stop after this many records have been written (for tests and measurements).
    #[arg(long, value_name = "N")]
    pub max_records: Option<u64>,
}

/// The extended requests and flags for `--events`.
pub fn event_selection(
    events: &str,
    flags: Option<RequestFlags>,
) -> Result<(RequestFlags, Vec<EventTypeRequest>), String> {
    let base = flags.unwrap_or(RequestFlags::ENCORE_DEFAULT);
    let preset = EventTypeRequest::ENCORE_5_2_11;
    if events.trim().eq_ignore_ascii_case("all") {
        return Ok((base | RequestFlags::ARCHIVE_TIMESTAMPS, preset.to_vec()));
    }
    let mut wanted = vec![EventCode::METADATA];
    for name in events.split(',').filter(|s| !s.trim().is_empty()) {
        wanted.push(crate::request::parse_event_code(name).map_err(|e| format!("--events: {e}"))?);
    }
    let list: Vec<EventTypeRequest> = preset
        .iter()
        .copied()
        .filter(|e| wanted.contains(&e.event_code()))
        .collect();
    let mut bits = base.0;
    for info in base.iter() {
        if let Some((code, _)) = info.requests {
            if !wanted.contains(&code) {
                bits &= !(1u32 << info.bit);
            }
        }
    }
    Ok((RequestFlags(bits) | RequestFlags::ARCHIVE_TIMESTAMPS, list))
}

fn parse_start(s: &str) -> Result<Option<InitialTimestamp>, String> {
    if s.eq_ignore_ascii_case("bookmark") {
        return Ok(None);
    }
    s.parse::<InitialTimestamp>()
        .map(Some)
        .map_err(|e| format!("--start: {e}"))
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Opens `--out FILE` for `stream`, locked against a second stream writing it
/// ([`Lock::file`]): with `direct`, for direct I/O where the filesystem allows it (else, with a
/// message, the ordinary way); the ordinary way, appended to and never truncated (a restarted
/// stream continues the same file, and the bookmark guarantees it neither repeats nor skips
/// what is already there). A file whose last line was cut short gets a line break first.
///
/// Kept by the sink to open the file anew on SIGHUP: the lock moves to the new file, or stays
/// when the path still names the same file (rotation by copy, or none).
struct Opener {
    path: String,
    direct: bool,
    /// The file open now: its (device, inode) and its lock.
    held: Option<((u64, u64), Lock)>,
}

impl Opener {
    fn open(&mut self) -> io::Result<Output<Box<dyn Write>>> {
        let path = PathBuf::from(&self.path);
        let path = path.as_path();
        if self.direct {
            match crate::direct::DirectFile::open(path) {
                Ok(d) => {
                    self.lock(d.file(), path)?;
                    estreamer_client::resume::sync_dir(path)?;
                    return Ok(Output::Direct(d));
                }
                Err(e) => eprintln!(
                    "estreamer: no direct I/O for {} ({e}): writing it the ordinary way",
                    self.path
                ),
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        self.lock(&file, path)?;
        // A file just created (or after a rotation) must survive a power loss as well as the
        // records the next bookmark save covers in it.
        estreamer_client::resume::sync_dir(path)?;
        if crate::direct::ends_mid_line(&file)? {
            file.write_all(b"\n")?;
        }
        let durable = file.try_clone()?;
        Ok(Output::File(Box::new(file), durable))
    }

    fn lock(&mut self, file: &File, path: &Path) -> io::Result<()> {
        let id = file_id(file)?;
        if self.held.as_ref().is_some_and(|(held, _)| *held == id) {
            return Ok(());
        }
        let lock = Lock::file(file, path, "output file").map_err(io::Error::other)?;
        self.held = Some((id, lock));
        Ok(())
    }
}

#[cfg(unix)]
fn file_id(f: &File) -> io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = f.metadata()?;
    Ok((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_f: &File) -> io::Result<(u64, u64)> {
    Ok((0, 0))
}

/// Exit status of `stream`: stopped as asked (a signal, --duration, --max-records).
pub const EXIT_STOPPED: u8 = 0;
/// Exit status of `stream`: writing the output or the bookmark failed.
pub const EXIT_IO: u8 = 1;
/// Exit status: bad arguments or configuration (PKCS#12, password, bookmark, a lock held by
/// another process).
pub const EXIT_CONFIG: u8 = 2;
/// Exit status of `stream --no-reconnect`: no session came up (TCP refused or unreachable,
/// TLS handshake failed, the server's certificate not trusted, the client's refused).
pub const EXIT_NO_SESSION: u8 = 3;
/// Exit status of `stream --no-reconnect`: the session ended by the server or the network
/// (an Error message, a close, bytes that do not decode, a timeout).
pub const EXIT_SESSION_ENDED: u8 = 4;

/// The exit status for how a stream ended.
pub fn exit_status(ended: &connect::Ended) -> u8 {
    use estreamer_client::session::CloseReason;
    match ended {
        connect::Ended::Stopped => EXIT_STOPPED,
        connect::Ended::Connect(_) => EXIT_NO_SESSION,
        connect::Ended::Session(CloseReason::ClosedBeforeFirstMessage) => EXIT_NO_SESSION,
        connect::Ended::Session(_) => EXIT_SESSION_ENDED,
    }
}

/// After the first stop signal: a second SIGINT or SIGTERM ends the process at once, with 130
/// or 143 (for a drain that hangs, e.g. an fdatasync on a dead network filesystem). What is not
/// saved then is what a SIGKILL would lose: the bookmark's repeat bound still holds.
pub fn force_on_second_signal() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let armed = Arc::new(AtomicBool::new(true));
        for (sig, status) in [(SIGINT, 130), (SIGTERM, 143)] {
            if let Err(e) =
                signal_hook::flag::register_conditional_shutdown(sig, status, Arc::clone(&armed))
            {
                eprintln!("estreamer: cannot arm the second signal ({e})");
            }
        }
    }
}

/// A future that completes on Ctrl-C (SIGINT) or SIGTERM (`systemctl stop`, `docker stop`,
/// `kill`): both stop a command the same way, after it has drained and saved what it holds.
/// The handlers are installed when this is called (inside the runtime), not when the future
/// is first polled, so a signal that comes early is not lost.
pub fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                (term, int) => {
                    if let Some(e) = term.err().or(int.err()) {
                        eprintln!("estreamer: cannot handle SIGTERM or SIGINT ({e})");
                    }
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `estreamer stream`. Exit status: [`EXIT_STOPPED`], [`EXIT_IO`], [`EXIT_CONFIG`], and with
/// `--no-reconnect` [`EXIT_NO_SESSION`] or [`EXIT_SESSION_ENDED`].
pub fn stream(args: StreamArgs) -> Result<ExitCode, String> {
    let seconds = |name: &str, v: f64| -> Result<Duration, String> {
        if v.is_finite() && v > 0.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(format!(
                "--{name} must be a positive number of seconds, not {v}"
            ))
        }
    };
    let bookmark_interval = seconds("bookmark-interval", args.bookmark_interval)?;
    let idle_timeout = seconds("idle-timeout", args.idle_timeout)?;
    let stall_timeout = seconds("stall-timeout", args.stall_timeout)?;
    let message_timeout = seconds("message-timeout", args.message_timeout)?;
    if args.bookmark_records < 2 {
        return Err(
            "--bookmark-records must be at least 2 (one save may still be in progress when the \
             next event is written)"
                .into(),
        );
    }
    let (identity, _password) = args.identity.load()?;
    let verification = args.identity.verification();
    if verification == ServerVerification::InsecureNoVerification {
        eprintln!(
            "estreamer: WARNING: --insecure-skip-server-verification: the server is NOT verified; \
             anyone on the network path can read and alter this stream"
        );
    }
    let tls = tls::client_config(&identity, verification).map_err(|e| e.to_string())?;
    drop(identity);
    let (flags, extended) = event_selection(&args.events, args.flags)?;
    let start = parse_start(&args.start)?;
    let session = SessionConfig {
        initial_timestamp: start.unwrap_or(InitialTimestamp::Now),
        flags,
        extended,
        ..SessionConfig::default()
    };
    let mut opts = StreamOptions::new(with_port(&args.server), Arc::new(tls), session);
    opts.bookmark = Some(args.bookmark.clone());
    opts.resume_from_bookmark = start.is_none();
    opts.window = args.window;
    opts.slack = args.slack;
    opts.reconnect = !args.no_reconnect;
    opts.bookmark_records = args.bookmark_records;
    opts.bookmark_interval = bookmark_interval;
    opts.idle_timeout = idle_timeout;
    opts.stall_timeout = stall_timeout;
    opts.message_timeout = message_timeout;
    let mut metadata = match &args.metadata {
        Some(p) => crate::cache::load(p)?,
        None => Metadata::new(),
    };
    let render = args.render || args.metadata.is_some();
    if args.direct && args.out == "-" {
        eprintln!(
            "estreamer: --direct applies to --out FILE; standard output is written the ordinary way"
        );
    }
    let mut opener = Opener {
        path: args.out.clone(),
        direct: args.direct,
        held: None,
    };
    let (out, durable, direct): (Box<dyn Write>, _, _) = if args.out == "-" {
        (Box::new(io::stdout().lock()), None, None)
    } else {
        match opener
            .open()
            .map_err(|e| format!("cannot open {}: {e}", args.out))?
        {
            // The sink writes the file itself.
            Output::Direct(d) => (Box::new(io::sink()), None, Some(d)),
            Output::File(w, f) => (w, Some(f), None),
            Output::Plain(w) => (w, None, None),
        }
    };
    let mut sink = JsonSink::new(out, render, &mut metadata).print_log();
    if let Some(f) = durable {
        sink = sink.with_durable(f);
    }
    if let Some(d) = direct {
        sink = sink
            .with_direct(d)
            .map_err(|e| format!("cannot write {}: {e}", args.out))?;
    }
    if io::stderr().is_terminal() {
        sink = sink.with_progress();
    }
    if let Some(raw) = &args.raw {
        sink = sink.with_raw(raw.clone());
    }
    // SIGHUP: write out what the sink holds and open --out FILE anew (after a log rotation
    // renamed it). Only for a file: otherwise SIGHUP keeps its default (the stream stops).
    let hangup = Arc::new(AtomicBool::new(false));
    if args.out != "-" {
        sink = sink.with_reopen(Reopen {
            requested: Arc::clone(&hangup),
            open: Box::new(move || opener.open()),
        });
    }
    let rt = runtime()?;
    let duration = args.duration;
    let max_records = args.max_records;
    let written = EventCounter::new();
    let started = Instant::now();
    let result = rt.block_on(async {
        let signals = stop_signal();
        // With the output on standard output, a hangup (the terminal closed) stops the stream
        // as SIGTERM does; with a file, it reopens the file (below).
        #[cfg(unix)]
        let hangup_stops = async {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::hangup()) {
                Ok(mut s) if args.out == "-" => {
                    s.recv().await;
                }
                _ => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let hangup_stops = std::future::pending::<()>();
        #[cfg(unix)]
        if args.out != "-" {
            let mut hangups =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                    .map_err(|e| connect::StreamError::Io(io::Error::other(e)))?;
            tokio::spawn(async move {
                while hangups.recv().await.is_some() {
                    hangup.store(true, Ordering::Relaxed);
                }
            });
        }
        let counter = written.clone();
        let enough = async move {
            match max_records {
                Some(n) => {
                    while counter.get() < n {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                None => std::future::pending::<()>().await,
            }
        };
        let stop = async {
            let timer = async {
                match duration {
                    Some(s) => tokio::time::sleep(Duration::from_secs_f64(s)).await,
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = signals => {}
                _ = hangup_stops => {}
                _ = timer => {}
                _ = enough => {}
            }
            // A second Ctrl-C or SIGTERM while the stream drains exits at once.
            force_on_second_signal();
        };
        let mut counted = CountingSink {
            inner: &mut sink,
            counter: written.clone(),
            all: true,
            sessions: None,
        };
        connect::run(&opts, &mut counted, stop).await
    });
    let elapsed = started.elapsed();
    if io::stderr().is_terminal() {
        eprintln!();
    }
    let errors = sink.errors();
    let finished = sink.finish();
    drop(sink);
    if let Err(e) = finished {
        eprintln!("estreamer: cannot write {}: {e}", args.out);
        return Ok(ExitCode::from(EXIT_IO));
    }
    if let Some(p) = &args.metadata {
        if let Err(e) = crate::cache::save(p, &metadata) {
            eprintln!("estreamer: {e}");
            return Ok(ExitCode::from(EXIT_IO));
        }
    }
    match result {
        Ok(s) => {
            eprintln!(
                "estreamer: {} records in {:.2} s ({:.0} records/s), {} undecodable, {} duplicates dropped, {} sessions, {} bytes, bookmark {} ({} saves){}",
                s.records,
                elapsed.as_secs_f64(),
                s.records as f64 / elapsed.as_secs_f64().max(1e-9),
                errors,
                s.duplicates,
                s.sessions,
                s.bytes,
                s.bookmark,
                s.bookmark_saves,
                if s.window_evicted_early > 0 {
                    format!(
                        " (WARNING: {} keys left the duplicate window early: raise --window)",
                        s.window_evicted_early
                    )
                } else {
                    String::new()
                }
            );
            let code = exit_status(&s.ended);
            match &s.ended {
                connect::Ended::Stopped => {}
                connect::Ended::Connect(why) => eprintln!("estreamer: no session: {why}"),
                connect::Ended::Session(why) => eprintln!("estreamer: the session ended: {why}"),
            }
            Ok(ExitCode::from(code))
        }
        Err(connect::StreamError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        Err(connect::StreamError::Io(e)) => {
            eprintln!("estreamer: cannot write the output or the bookmark: {e}");
            Ok(ExitCode::from(EXIT_IO))
        }
        Err(connect::StreamError::Bookmark(e)) => {
            eprintln!("estreamer: {e}");
            Ok(ExitCode::from(EXIT_CONFIG))
        }
        Err(e @ connect::StreamError::GaveUp(_)) => {
            eprintln!("estreamer: {e}");
            Ok(ExitCode::from(EXIT_NO_SESSION))
        }
    }
}

/// Arguments of `estreamer serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8302")]
    pub listen: SocketAddr,
    /// Directory written by `estreamer certs` (server.p12, password.txt).
    #[arg(long, value_name = "DIR", conflicts_with = "pkcs12")]
    pub pki: Option<PathBuf>,
    /// The server's PKCS#12 (key, certificate and the CA that issues client certificates).
    #[arg(long, value_name = "FILE")]
    pub pkcs12: Option<PathBuf>,
    /// File holding the server PKCS#12's password.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// A captured server-to-client stream to serve (as `decode` reads). Default: a
    /// synthesized stream (--synth-size, --seed).
    #[arg(long, value_name = "FILE")]
    pub capture: Option<PathBuf>,
    /// Size of the synthesized stream, e.g. 16M.
    #[arg(long, default_value = "16M")]
    pub synth_size: String,
    /// Seed of the synthesized stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Records per Message Bundle (extended mode).
    #[arg(long, default_value_t = 512)]
    pub bundle_records: usize,
    /// Unacknowledged bundles in flight.
    #[arg(long, default_value_t = 4)]
    pub window: usize,
    /// Seconds between keep-alives when idle.
    #[arg(long, default_value_t = 10.0)]
    pub keepalive: f64,
    /// Offer TLS 1.2 only (as Management Centers are commonly configured); default 1.2 and 1.3.
    #[arg(long)]
    pub tls12_only: bool,
    /// Serve the capture this many times (0: without end), each time with the events' archive
    /// timestamps moved one capture span later: a long stream for soak tests.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Fault injection: drop the first connection that has been sent N records.
    #[arg(long, value_name = "N")]
    pub drop_after: Option<u64>,
    /// Fault injection: send bytes that do not frame after N records, then close.
    #[arg(long, value_name = "N")]
    pub corrupt_after: Option<u64>,
    /// Fault injection: send an Error message after N records, then close: `N:CODE:TEXT`.
    #[arg(long, value_name = "N:CODE:TEXT")]
    pub error_after: Option<String>,
}

fn read_password_file(p: &Path) -> Result<Zeroizing<String>, String> {
    PasswordSource::File(p.to_path_buf())
        .read()
        .map_err(|e| format!("{}: {e}", p.display()))
}

fn server_identity(args: &ServeArgs) -> Result<Identity, String> {
    let (p12, pwfile) = match (&args.pki, &args.pkcs12) {
        (Some(dir), _) => (
            dir.join("server.p12"),
            args.password_file
                .clone()
                .unwrap_or_else(|| dir.join("password.txt")),
        ),
        (None, Some(p)) => (
            p.clone(),
            args.password_file
                .clone()
                .ok_or("--pkcs12 needs --password-file")?,
        ),
        (None, None) => {
            return Err("give --pki DIR (from `estreamer certs`) or --pkcs12 FILE".into());
        }
    };
    let password = read_password_file(&pwfile)?;
    Identity::load(&p12, &password).map_err(|e| e.to_string())
}

/// Parses `N:CODE:TEXT`.
fn parse_error_fault(s: &str) -> Result<Fault, String> {
    let mut it = s.splitn(3, ':');
    let n = it
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or("--error-after: N:CODE:TEXT")?;
    let code = it
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or("--error-after: N:CODE:TEXT")?;
    Ok(Fault::ErrorAfter(
        n,
        code,
        it.next().unwrap_or("").to_owned(),
    ))
}

/// `estreamer serve`.
pub fn serve(args: ServeArgs) -> Result<ExitCode, String> {
    let identity = server_identity(&args)?;
    let versions: &[&'static rustls::SupportedProtocolVersion] = if args.tls12_only {
        &[&rustls::version::TLS12]
    } else {
        rustls::DEFAULT_VERSIONS
    };
    let tls = tls::server_config_with_versions(&identity, &identity.trust_anchors(), versions)
        .map_err(|e| e.to_string())?;
    let bytes = match &args.capture {
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        None => synth_bytes(&args.synth_size, args.seed)?,
    };
    let capture = Capture::parse(&bytes)?;
    let mut cfg = ServeConfig::new(capture);
    cfg.bundle_records = args.bundle_records;
    cfg.window = args.window;
    cfg.repeat = args.repeat;
    cfg.keepalive = Duration::from_secs_f64(args.keepalive.max(0.01));
    cfg.log = Some(|line| eprintln!("estreamer: {line}"));
    if let Some(n) = args.drop_after {
        cfg.faults.push(Fault::DropAfter(n));
    }
    if let Some(n) = args.corrupt_after {
        cfg.faults.push(Fault::CorruptAfter(n));
    }
    if let Some(s) = &args.error_after {
        cfg.faults.push(parse_error_fault(s)?);
    }
    let records = cfg.capture.len();
    let rt = runtime()?;
    rt.block_on(async {
        let handle = server::serve(args.listen, tls, cfg)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        eprintln!(
            "estreamer: serving {records} records on {} (TLS, client certificates required); Ctrl-C or SIGTERM stops",
            handle.local_addr
        );
        stop_signal().await;
        let s = &handle.stats;
        use std::sync::atomic::Ordering::Relaxed;
        eprintln!(
            "estreamer: {} sessions, {} refused handshakes, {} records sent, {} acks, {} keep-alives, {} errors sent",
            s.sessions.load(Relaxed),
            s.handshake_failures.load(Relaxed),
            s.records.load(Relaxed),
            s.acks.load(Relaxed),
            s.keepalives.load(Relaxed),
            s.errors_sent.load(Relaxed)
        );
        handle.shutdown().await;
        Ok::<_, String>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn synth_bytes(size: &str, seed: u64) -> Result<Vec<u8>, String> {
    use crate::synth;
    let cfg = synth::config(
        seed,
        synth::parse_size(size).map_err(|e| format!("--synth-size: {e}"))?,
        synth::parse_mix("default")?,
        synth::parse_inner_version("0")?,
    );
    Ok(estreamer_synth::synth(&cfg).bytes)
}

/// Arguments of `estreamer certs`.
#[derive(Debug, Clone, Args)]
pub struct CertsArgs {
    /// Directory to write ca.pem, server.p12, client.p12 and password.txt to.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The client's address, put in the client certificate's CN and SAN as an FMC does.
    #[arg(long, default_value = "127.0.0.1")]
    pub client_ip: IpAddr,
    /// Names and addresses for the server certificate (repeat the option).
    #[arg(long = "server-name", default_values_t = ["localhost".to_owned(), "127.0.0.1".to_owned()])]
    pub server_names: Vec<String>,
    /// Validity in days.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Encrypt the PKCS#12 files the legacy way (3DES, SHA-1 MAC) as older FMCs do; default
    /// AES-256 with PBKDF2.
    #[arg(long)]
    pub legacy: bool,
    /// Password for the PKCS#12 files, from this file (default: a random one, written to
    /// DIR/password.txt).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

fn random_password() -> Result<Zeroizing<String>, String> {
    let mut b = [0u8; 16];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| format!("cannot read /dev/urandom for a password: {e}"))?;
    let mut s = Zeroizing::new(String::with_capacity(32));
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    Ok(s)
}

/// `estreamer certs`.
pub fn certs(args: CertsArgs) -> Result<ExitCode, String> {
    let password = match &args.password_file {
        Some(p) => read_password_file(p)?,
        None => random_password()?,
    };
    let opts = PkiOptions {
        client_ip: args.client_ip,
        server_names: args.server_names.clone(),
        validity_days: args.days,
        password: password.clone(),
        encryption: if args.legacy {
            P12Encryption::Legacy3Des
        } else {
            P12Encryption::Aes256
        },
        ..PkiOptions::default()
    };
    let pki = certs::generate(&opts).map_err(|e| e.to_string())?;
    let written =
        certs::write_dir(&pki, &args.out, &password, args.force).map_err(|e| e.to_string())?;
    for p in written {
        println!("{}", p.display());
    }
    eprintln!(
        "estreamer: a test PKI: `estreamer serve --pki {0}` and `estreamer stream --server 127.0.0.1 --pkcs12 {0}/client.p12 --password-file {0}/password.txt`",
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `estreamer demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Size of the synthesized stream the demo server serves.
    #[arg(long, default_value = "4M")]
    pub size: String,
    /// Seed of the synthesized stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Intrusion events to print.
    #[arg(long, default_value_t = 5)]
    pub show: usize,
    /// Also write every record as JSON Lines to this file.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Do not make the server drop the connection halfway (the demo shows the reconnect
    /// and that no event is lost or repeated).
    #[arg(long)]
    pub no_drop: bool,
}

/// Writes one line of the demo's output; when standard output is a pipe whose reader has gone
/// (`estreamer demo | head`), ends the demo quietly, as a command killed by SIGPIPE would.
fn say_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let mut out = io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("estreamer: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

macro_rules! say {
    ($($t:tt)*) => { say_line(format_args!($($t)*)) };
}

/// `estreamer demo`: server and client on loopback, fresh certificates, rendered events.
pub fn demo(args: DemoArgs) -> Result<ExitCode, String> {
    let t0 = Instant::now();
    let pki = certs::generate(&PkiOptions::default()).map_err(|e| e.to_string())?;
    say!(
        "1. certificates: a CA, a server certificate and a client PKCS#12 for 127.0.0.1 ({} bytes, AES-256), in memory only",
        pki.client_p12.len()
    );
    let client = Identity::from_pkcs12(&pki.client_p12, &PkiOptions::default().password)
        .map_err(|e| e.to_string())?;
    let bytes = synth_bytes(&args.size, args.seed)?;
    let capture = Capture::parse(&bytes)?;
    let total = capture.len();
    let events = count_events(&bytes);
    let mut cfg = ServeConfig::new(capture);
    cfg.keepalive = Duration::from_millis(200);
    if !args.no_drop {
        cfg.faults.push(Fault::DropAfter((total / 2) as u64));
    }
    let server_tls = tls::server_config(&pki.server, std::slice::from_ref(&pki.ca_cert))
        .map_err(|e| e.to_string())?;
    let client_tls =
        tls::client_config(&client, ServerVerification::CaFromPkcs12).map_err(|e| e.to_string())?;
    let rt = runtime()?;
    let mut metadata = Metadata::new();
    let mut json = Vec::new();
    let events_written = EventCounter::new();
    let mut metadata_per_session = Vec::new();
    let metadata_served = total - events;
    let (summary, handle_stats, addr) = rt.block_on(async {
        let handle = server::serve("127.0.0.1:0".parse().map_err(|_| "address")?, server_tls, cfg)
            .await
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let addr = handle.local_addr;
        say!(
            "2. server: listening on {addr}, TLS 1.3, client certificate required, serving {total} records ({events} events, the rest metadata){}",
            if args.no_drop { "" } else { "; it will drop the connection once, halfway" }
        );
        let session = SessionConfig {
            initial_timestamp: InitialTimestamp::Genesis,
            ..SessionConfig::default()
        };
        let mut opts = StreamOptions::new(addr.to_string(), Arc::new(client_tls), session);
        opts.backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(2),
            jitter: 0.3,
            max_attempts: Some(10),
        };
        say!("3. client: extended request (bit 30), extended headers (bit 23), eNcore 5.2.11 event versions, from genesis");
        let mut sink = JsonSink::new(&mut json, true, &mut metadata);
        let counter = events_written.clone();
        let mut counted = CountingSink {
            inner: &mut sink,
            counter: counter.clone(),
            all: false,
            sessions: Some(&mut metadata_per_session),
        };
        let target = events as u64;
        let signals = stop_signal();
        let stop = async {
            let done = async {
                for _ in 0..6000 {
                    if counter.get() >= target {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            };
            tokio::select! {
                _ = done => {}
                _ = signals => {}
            }
        };
        let summary = connect::run(&opts, &mut counted, stop).await.map_err(|e| e.to_string())?;
        for line in &sink.log {
            say!("   {line}");
        }
        let stats = Arc::clone(&handle.stats);
        handle.shutdown().await;
        Ok::<_, String>((summary, stats, addr))
    })?;
    let _ = addr;
    let elapsed = t0.elapsed();
    say!(
        "4. rendered intrusion events (the SID comes from the rule message record 66, not from the event's internal rule ID):"
    );
    let (mut shown, mut intrusion, mut rendered) = (0, 0, 0);
    for line in json.split(|&b| b == b'\n') {
        if !line.windows(18).any(|w| w == b"\"record_type\":400,") {
            continue;
        }
        intrusion += 1;
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
            continue;
        };
        if v.get("sid_status").and_then(|x| x.as_str()) != Some("rendered") {
            continue;
        }
        rendered += 1;
        if shown >= args.show {
            continue;
        }
        say!("   {}", demo_event_line(&v));
        shown += 1;
    }
    say!(
        "   {rendered} of {intrusion} intrusion events rendered with their SID; the others arrived before their rule's record 66 (sid null, sid_status rule_metadata_missing)"
    );
    use std::sync::atomic::Ordering::Relaxed;
    let written = events_written.get();
    let per_session: Vec<String> = metadata_per_session
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{n} in session {}", i + 1))
        .collect();
    say!(
        "5. {written} events written ({events} served, each once), {} duplicates dropped after the reconnect, {} sessions, {} acknowledgements, {:.2} s",
        summary.duplicates,
        summary.sessions,
        handle_stats.acks.load(Relaxed),
        elapsed.as_secs_f64()
    );
    say!(
        "   metadata records: {} ({}): the server sends its {metadata_served} metadata records in every session, as an FMC does, and the first session was cut off halfway",
        summary.records - written,
        per_session.join(", "),
    );
    match &args.out {
        Some(p) => {
            std::fs::write(p, &json).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            say!(
                "   JSON Lines: {:.1} MB written to {}",
                json.len() as f64 / 1e6,
                p.display()
            );
        }
        None => say!(
            "   JSON Lines: {:.1} MB made in memory and not written; add --out FILE to keep it",
            json.len() as f64 / 1e6
        ),
    }
    say!(
        "6. next, against your Management Center (its PKCS#12 from System > Integration > eStreamer):"
    );
    say!("   estreamer doctor --server FMC_HOST --pkcs12 client.pkcs12");
    say!(
        "   estreamer stream --server FMC_HOST --pkcs12 client.pkcs12 --render --bookmark fmc.bookmark --out events.jsonl"
    );
    let ok = written == events as u64;
    if !ok {
        say!("   FAILED: fewer records than served");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// One rendered intrusion event of the demo, from its JSON object: signature, SID and rule
/// ID, message, the flow (IPv6 addresses in brackets, RFC 5952 §6; ICMP type and code as
/// such, not as ports), priority and classification, or which metadata record has not arrived.
fn demo_event_line(v: &serde_json::Value) -> String {
    let s = |k: &str| match v.get(k) {
        Some(serde_json::Value::String(x)) => x.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(x) => x.to_string(),
    };
    let endpoint = |ip: String, port: String| {
        if ip.contains(':') {
            format!("[{ip}]:{port}")
        } else {
            format!("{ip}:{port}")
        }
    };
    let flow = match v.get("ip_protocol_id").and_then(|p| p.as_u64()) {
        Some(p @ (1 | 58)) => format!(
            "{} -> {}, {} type {} code {}",
            s("source_ip"),
            s("destination_ip"),
            if p == 1 { "icmp" } else { "icmpv6" },
            s("source_port_or_icmp_type"),
            s("destination_port_or_icmp_code"),
        ),
        _ => format!(
            "{} -> {}",
            endpoint(s("source_ip"), s("source_port_or_icmp_type")),
            endpoint(s("destination_ip"), s("destination_port_or_icmp_code")),
        ),
    };
    let or_missing = |k: &str, what: &str| {
        let x = s(k);
        if x.is_empty() {
            format!("{k} unknown ({what} not received)")
        } else {
            format!("{k} \"{x}\"")
        }
    };
    format!(
        "[{}] sid {} (rule ID {}) \"{}\" {flow}, {}, {}",
        s("rule_rendered"),
        s("sid"),
        s("rule_id"),
        s("rule_message"),
        or_missing("priority", "record 4"),
        or_missing("classification", "record 67"),
    )
}

/// Event records (archive timestamp set) in a capture.
fn count_events(bytes: &[u8]) -> usize {
    use estreamer_codec::{Body, DecodeOptions, HeaderMode, Messages};
    let mut n = 0;
    let mut add = |b: Body<'_>| {
        if let Body::EventData(d) = b {
            if d.archive_timestamp().unwrap_or(0) != 0 {
                n += 1;
            }
        }
    };
    for m in Messages::new(bytes, DecodeOptions::default()).flatten() {
        match m.decode_body(HeaderMode::Auto) {
            Ok(Body::Bundle(b)) => {
                for inner in b.messages().flatten() {
                    if let Ok(body) = inner.decode_body(HeaderMode::Auto) {
                        add(body);
                    }
                }
            }
            Ok(body) => add(body),
            Err(_) => {}
        }
    }
    n
}

/// Records written so far, shared between the sink and the future that stops the stream at
/// `--max-records` (both on the single-threaded runtime). Not an atomic: a locked increment per
/// record drains the store buffer after each rendered event, and cost ~6 % of `stream`'s time in
/// a profile.
#[derive(Clone)]
struct EventCounter(std::rc::Rc<std::cell::Cell<u64>>);

impl EventCounter {
    fn new() -> Self {
        EventCounter(std::rc::Rc::new(std::cell::Cell::new(0)))
    }
    fn get(&self) -> u64 {
        self.0.get()
    }
    fn add(&self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Counts records (`all`) or event records on their way to the JSON sink, and (`sessions`)
/// the metadata records of each session.
struct CountingSink<'s, S> {
    inner: &'s mut S,
    counter: EventCounter,
    all: bool,
    sessions: Option<&'s mut Vec<u64>>,
}

impl<S: connect::Sink> connect::Sink for CountingSink<'_, S> {
    fn record(&mut self, r: connect::RecordRef<'_>) -> io::Result<()> {
        let event = r.data.archive_timestamp().unwrap_or(0) != 0;
        if self.all || event {
            self.counter.add();
        }
        if let (false, Some(s)) = (event, self.sessions.as_deref_mut()) {
            if let Some(n) = s.last_mut() {
                *n += 1;
            }
        }
        self.inner.record(r)
    }
    fn bad_record(&mut self, bad: connect::BadRecord<'_>) -> io::Result<()> {
        self.inner.bad_record(bad)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
    fn sync(&mut self) -> io::Result<()> {
        self.inner.sync()
    }
    fn sync_later(&mut self) -> io::Result<Vec<File>> {
        self.inner.sync_later()
    }
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.raw(bytes)
    }
    fn event(&mut self, e: &connect::StreamEvent) {
        if let (connect::StreamEvent::Connected { .. }, Some(s)) = (e, self.sessions.as_deref_mut())
        {
            s.push(0);
        }
        self.inner.event(e)
    }
}

/// Arguments of `estreamer doctor`.
#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// The FMC (or managed device): HOST or HOST:PORT (default port 8302).
    #[arg(long)]
    pub server: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
    /// Seconds allowed for each network step.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Where the test request starts: `now` (default: only new events), `genesis` or UNIX
    /// seconds.
    #[arg(long, default_value = "now")]
    pub start: InitialTimestamp,
    /// Request flags of the test request (default: Cisco eNcore's).
    #[arg(long)]
    pub flags: Option<RequestFlags>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `estreamer doctor`: exit status 0 only when every check passes (warnings allowed), 1
/// otherwise.
pub fn doctor(args: DoctorArgs) -> Result<ExitCode, String> {
    use estreamer_client::doctor;
    let password = args.identity.password()?;
    let mut opts =
        doctor::DoctorOptions::new(args.server.clone(), args.identity.pkcs12.clone(), password);
    opts.verification = args.identity.verification();
    opts.timeout = Duration::from_secs_f64(args.timeout.max(0.1));
    opts.start = args.start;
    if let Some(f) = args.flags {
        opts.flags = f;
    }
    let report = runtime()?.block_on(doctor::run(&opts));
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.to_text());
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
