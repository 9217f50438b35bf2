//! The tokio transport: connect, TLS, run a [`Session`], hand records to a [`Sink`], reconnect
//! with backoff, keep the bookmark and drop duplicates.
//!
//! Order of durability (per batch of bytes read from the socket): every record of the batch
//! goes to the sink; the sink flushes; when the bookmark is due (at most every
//! `bookmark_interval`, and always when a session ends and on shutdown) the sink syncs and
//! then the bookmark is saved; then the acknowledgements are written to the server. A record
//! is acknowledged only after the sink has it, and the bookmark never runs ahead of the
//! output. When the server goes quiet with records the bookmark does not cover yet, the
//! bookmark is saved (after a sync) `bookmark_interval` later without waiting for more data.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use estreamer_codec::{Body, EventData, HeaderMode, InitialTimestamp, Message, RequestFlags};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::resume::{Bookmark, DedupWindow, Verdict, record_key_in};
use crate::session::{CloseReason, Event, Session, SessionConfig};

/// One record for the sink.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// The Event Data message (inside a bundle: the inner message).
    pub message: Message<'a>,
    /// Its record header and body.
    pub data: EventData<'a>,
    /// The header mode `data` was decoded with (the session's): a sink that decodes the
    /// message itself in this mode gets `data` again, so it can use `data` instead.
    pub mode: HeaderMode,
    /// The bundle it came in: (stream offset of the bundle, index inside it).
    pub bundle: Option<(usize, usize)>,
    /// Sessions connected so far, this one included (1 for the first).
    pub session: u64,
}

/// Something that happened to the stream, for progress and logs.
#[derive(Debug, Clone)]
pub enum StreamEvent {
    /// TCP and TLS are up, the request is sent.
    Connected {
        /// Server address.
        addr: SocketAddr,
        /// Where this session starts.
        start: InitialTimestamp,
    },
    /// A session ended.
    Disconnected(CloseReason),
    /// Connecting failed (TCP or TLS).
    ConnectFailed(String),
    /// The next attempt comes after this delay.
    Retrying(Duration),
    /// A keep-alive arrived.
    KeepAlive,
    /// A record body did not decode at the header level (passed through as is).
    Undecodable(String),
}

/// Where records go.
pub trait Sink {
    /// A record that is not a duplicate.
    fn record(&mut self, record: RecordRef<'_>) -> io::Result<()>;
    /// Pass on buffered output: called after each batch of records, before acknowledgements
    /// go to the server. A sink may leave output in flight here when [`sync`](Self::sync)
    /// completes it.
    fn flush(&mut self) -> io::Result<()>;
    /// Make every record accepted so far durable in the output: called before each save of
    /// the bookmark (at most every `bookmark_interval`) and when a session ends, so that the
    /// bookmark never runs ahead of the output. Default: nothing beyond [`flush`](Self::flush),
    /// which is always called first.
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// The decrypted bytes of the session as read, before decoding (default: ignored); for
    /// keeping a replayable copy.
    fn raw(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    /// Progress and session changes (default: ignored).
    fn event(&mut self, _event: &StreamEvent) {}
}

/// Reconnect delays: exponential from `initial` to `max`, each with up to `jitter` (0..=1) of
/// itself added at random.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// First delay.
    pub initial: Duration,
    /// Largest delay.
    pub max: Duration,
    /// Fraction of random extra delay.
    pub jitter: f64,
    /// Give up after this many consecutive failed sessions (None: never).
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(60),
            jitter: 0.3,
            max_attempts: None,
        }
    }
}

impl Backoff {
    /// The delay before attempt `n` (0-based) with `random` in 0..1.
    pub fn delay(&self, n: u32, random: f64) -> Duration {
        let base = self.initial.as_secs_f64() * 2f64.powi(n.min(30) as i32);
        let base = base.min(self.max.as_secs_f64());
        Duration::from_secs_f64(base * (1.0 + self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0)))
    }
}

/// Stream settings.
#[derive(Clone)]
pub struct StreamOptions {
    /// `host:port` of the FMC.
    pub server: String,
    /// The client TLS configuration ([`crate::tls::client_config`]).
    pub tls: Arc<rustls::ClientConfig>,
    /// What to request. Its initial timestamp is the start when there is no bookmark; every
    /// later session starts at the bookmark. Request flag bit 23 is forced on (the bookmark
    /// needs archive timestamps).
    pub session: SessionConfig,
    /// Bookmark file (loaded at start, saved as records are written).
    pub bookmark: Option<PathBuf>,
    /// Duplicate window size, in keys.
    pub window: usize,
    /// Duplicate window age, in archive seconds; a resumed session starts this many seconds
    /// before the bookmark.
    pub slack: u32,
    /// Reconnect delays.
    pub backoff: Backoff,
    /// TCP connect and TLS handshake timeout.
    pub connect_timeout: Duration,
    /// No bytes for this long (not even a keep-alive) ends the session.
    pub idle_timeout: Duration,
    /// Least time between two bookmark saves.
    pub bookmark_interval: Duration,
    /// Reconnect after a session ends (false: return after the first session).
    pub reconnect: bool,
    /// Start at the saved bookmark when the file has one (false: start at the session's
    /// initial timestamp; the bookmark file is still written).
    pub resume_from_bookmark: bool,
}

impl std::fmt::Debug for StreamOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamOptions")
            .field("server", &self.server)
            .field("session", &self.session)
            .field("bookmark", &self.bookmark)
            .finish_non_exhaustive()
    }
}

impl StreamOptions {
    /// Options with the defaults: window 2^20 keys, slack 5 s, connect timeout 10 s, idle
    /// timeout 5 min, bookmark every second, reconnect on.
    pub fn new(server: String, tls: Arc<rustls::ClientConfig>, session: SessionConfig) -> Self {
        StreamOptions {
            server,
            tls,
            session,
            bookmark: None,
            window: crate::resume::DEFAULT_WINDOW,
            slack: crate::resume::DEFAULT_SLACK,
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            bookmark_interval: Duration::from_secs(1),
            reconnect: true,
            resume_from_bookmark: true,
        }
    }
}

/// Totals of a stream run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Records given to the sink.
    pub records: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Sessions connected.
    pub sessions: u64,
    /// Bytes received (decrypted).
    pub bytes: u64,
    /// Keep-alives received.
    pub keep_alives: u64,
    /// The bookmark at the end.
    pub bookmark: u32,
    /// Window keys pushed out while still young (see [`DedupWindow::evicted_early`]).
    pub window_evicted_early: u64,
}

/// Why [`run`] returned with an error.
#[derive(Debug)]
pub enum StreamError {
    /// Writing to the sink or the bookmark failed.
    Io(io::Error),
    /// `max_attempts` sessions in a row failed; the last reason.
    GaveUp(String),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "{e}"),
            StreamError::GaveUp(r) => write!(f, "giving up: {r}"),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}

struct Resume {
    bookmark: u32,
    window: DedupWindow,
    /// Reused by [`record_key_in`] for every record.
    scratch: Vec<u8>,
    path: Option<PathBuf>,
    last_save: Instant,
    dirty: bool,
}

impl Resume {
    /// Output, then the bookmark: flushes `sink`; when the bookmark is due (`force`, or
    /// `interval` since the last save), syncs `sink` and saves the bookmark.
    fn save<S: Sink>(&mut self, sink: &mut S, force: bool, interval: Duration) -> io::Result<()> {
        sink.flush()?;
        if !force && (!self.dirty || self.last_save.elapsed() < interval) {
            return Ok(());
        }
        sink.sync()?;
        if !self.dirty {
            return Ok(());
        }
        if let Some(p) = &self.path {
            Bookmark::of(self.bookmark, &self.window).save(p)?;
        }
        self.last_save = Instant::now();
        self.dirty = false;
        Ok(())
    }
}

/// Streams until `shutdown` completes (then flushes the sink and saves the bookmark) or, with
/// `reconnect` off, until the first session ends.
pub async fn run<S: Sink>(
    opts: &StreamOptions,
    sink: &mut S,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<StreamSummary, StreamError> {
    let loaded = match &opts.bookmark {
        Some(p) if opts.resume_from_bookmark => Bookmark::load(p)?,
        _ => None,
    };
    let mut resume = Resume {
        bookmark: loaded.as_ref().map_or(0, |b| b.archive_timestamp),
        window: loaded
            .as_ref()
            .map(|b| b.window(opts.window, opts.slack))
            .unwrap_or_else(|| DedupWindow::new(opts.window, opts.slack)),
        scratch: Vec::new(),
        path: opts.bookmark.clone(),
        last_save: Instant::now(),
        dirty: false,
    };
    let mut summary = StreamSummary::default();
    let mut failures: u32 = 0;
    tokio::pin!(shutdown);
    let mut rng = seed();
    loop {
        let mut cfg = opts.session.clone();
        cfg.flags = cfg.flags.union(RequestFlags::ARCHIVE_TIMESTAMPS);
        if resume.bookmark != 0 {
            // Resume `slack` seconds before the bookmark: archive timestamps are not strictly
            // ordered in the stream (store-and-forward, several devices), so records a little
            // older than the newest one written may still be unsent. Everything re-sent from
            // that window is in the duplicate window and dropped.
            cfg.initial_timestamp =
                InitialTimestamp::from_wire(resume.bookmark.saturating_sub(opts.slack).max(1));
        }
        // What this session may repeat: everything written before it.
        resume.window.begin_session();
        let records_before = summary.records;
        let outcome = tokio::select! {
            _ = &mut shutdown => None,
            r = one_session(opts, cfg, sink, &mut resume, &mut summary) => Some(r),
        };
        let outcome = match outcome {
            None => {
                resume.save(sink, true, opts.bookmark_interval)?;
                break;
            }
            Some(o) => o,
        };
        resume.save(sink, true, opts.bookmark_interval)?;
        let reason = match outcome {
            Ok(r) => {
                let text = r.to_string();
                // A session that delivered records resets the backoff; one that ended
                // without any (refused, an Error at once) counts as a failed attempt, so a
                // server that keeps refusing is retried ever more slowly, not every 0.5 s.
                let progressed = summary.records > records_before;
                sink.event(&StreamEvent::Disconnected(r));
                if progressed {
                    failures = 0;
                }
                text
            }
            Err(SessionFailure::Io(e)) => return Err(StreamError::Io(e)),
            Err(SessionFailure::Connect(text)) => {
                sink.event(&StreamEvent::ConnectFailed(text.clone()));
                text
            }
        };
        if !opts.reconnect {
            break;
        }
        failures += 1;
        if let Some(max) = opts.backoff.max_attempts {
            if failures >= max {
                return Err(StreamError::GaveUp(reason));
            }
        }
        let delay = opts
            .backoff
            .delay(failures.saturating_sub(1), next_random(&mut rng));
        sink.event(&StreamEvent::Retrying(delay));
        tokio::select! {
            _ = &mut shutdown => {
                break;
            }
            _ = tokio::time::sleep(delay) => {}
        }
    }
    summary.bookmark = resume.bookmark;
    summary.window_evicted_early = resume.window.evicted_early();
    Ok(summary)
}

enum SessionFailure {
    /// The sink failed: stop.
    Io(io::Error),
    /// TCP or TLS did not come up: retry.
    Connect(String),
}

async fn one_session<S: Sink>(
    opts: &StreamOptions,
    cfg: SessionConfig,
    sink: &mut S,
    resume: &mut Resume,
    summary: &mut StreamSummary,
) -> Result<CloseReason, SessionFailure> {
    let (host, _) = split_host(&opts.server);
    let connect = async {
        let tcp = TcpStream::connect(&opts.server)
            .await
            .map_err(|e| format!("TCP connect to {}: {e}", opts.server))?;
        let _ = tcp.set_nodelay(true);
        let addr = tcp.peer_addr().map_err(|e| e.to_string())?;
        let connector = tokio_rustls::TlsConnector::from(opts.tls.clone());
        let tls = connector
            .connect(crate::tls::server_name(host), tcp)
            .await
            .map_err(|e| format!("TLS handshake with {}: {e}", opts.server))?;
        Ok::<_, String>((tls, addr))
    };
    let (tls, addr) = match tokio::time::timeout(opts.connect_timeout, connect).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Err(SessionFailure::Connect(e)),
        Err(_) => {
            return Err(SessionFailure::Connect(format!(
                "connecting to {} timed out after {:?}",
                opts.server, opts.connect_timeout
            )));
        }
    };
    summary.sessions += 1;
    let session_no = summary.sessions;
    let start = cfg.initial_timestamp;
    let mode = cfg.header_mode;
    let mut session = Session::new(cfg);
    sink.event(&StreamEvent::Connected { addr, start });
    let (mut rd, mut wr) = tokio::io::split(tls);
    if write_out(&mut wr, &mut session).await.is_err() {
        return Ok(session.closed_by_peer());
    }
    // The plaintext is read straight into the session's decoder (no copy through a buffer of
    // our own), at most this much per read.
    const READ_CHUNK: usize = 256 * 1024;
    let mut idle_until = tokio::time::Instant::now() + opts.idle_timeout;
    loop {
        // Records the bookmark does not cover yet: wake after `bookmark_interval` even if the
        // server goes quiet, so that the sink syncs and the bookmark is saved then, not when
        // the next data or keep-alive comes (a sink like `stream --direct` holds output back
        // until it syncs).
        let wake = if resume.dirty {
            idle_until.min(tokio::time::Instant::now() + opts.bookmark_interval)
        } else {
            idle_until
        };
        let room = session.receive_room(READ_CHUNK);
        let n = match tokio::time::timeout_at(wake, rd.read(&mut *room)).await {
            Err(_) if wake < idle_until => {
                resume
                    .save(sink, false, opts.bookmark_interval)
                    .map_err(SessionFailure::Io)?;
                continue;
            }
            Err(_) => {
                session.shutdown(Some(
                    "no data or keep-alive from the server within the idle timeout",
                ));
                let _ = write_out(&mut wr, &mut session).await;
                return Ok(CloseReason::ClientError {
                    code: -1,
                    text: format!("nothing from the server for {:?}", opts.idle_timeout),
                });
            }
            Ok(Ok(0)) | Ok(Err(_)) => {
                // The peer closed (TLS close_notify, TCP FIN or reset).
                let reason = session.closed_by_peer();
                return Ok(reason);
            }
            Ok(Ok(n)) => n,
        };
        idle_until = tokio::time::Instant::now() + opts.idle_timeout;
        summary.bytes += n as u64;
        sink.raw(room.get(..n).unwrap_or_default())
            .map_err(SessionFailure::Io)?;
        session.received(n);
        // Every complete message out (the room only ever follows a drained buffer).
        let fatal = match drain(&mut session, sink, resume, summary, mode, session_no) {
            Ok(reason) => reason,
            Err(e) => return Err(SessionFailure::Io(e)),
        };
        // Durability order: output, bookmark, then acknowledgements.
        resume
            .save(sink, false, opts.bookmark_interval)
            .map_err(SessionFailure::Io)?;
        let wrote = write_out(&mut wr, &mut session).await;
        if let Some(reason) = fatal {
            let _ = wr.shutdown().await;
            return Ok(reason);
        }
        if wrote.is_err() {
            return Ok(session.closed_by_peer());
        }
    }
}

/// Polls every event out of the session; `Some(reason)` when the session ended.
fn drain<S: Sink>(
    session: &mut Session,
    sink: &mut S,
    resume: &mut Resume,
    summary: &mut StreamSummary,
    mode: HeaderMode,
    session_no: u64,
) -> io::Result<Option<CloseReason>> {
    loop {
        let ev = match session.poll() {
            Ok(Some(ev)) => ev,
            Ok(None) => return Ok(None),
            Err(reason) => return Ok(Some(reason)),
        };
        match ev {
            Event::EventData { message, data } => {
                let r = RecordRef {
                    message,
                    data,
                    mode,
                    bundle: None,
                    session: session_no,
                };
                deliver(sink, resume, summary, r)?;
            }
            Event::Bundle { message, bundle } => {
                for (i, inner) in bundle.messages().enumerate() {
                    let inner = match inner {
                        Ok(m) => m,
                        Err(e) => {
                            sink.event(&StreamEvent::Undecodable(format!(
                                "bundle member {i}: {e}"
                            )));
                            break;
                        }
                    };
                    match inner.decode_body(mode) {
                        Ok(Body::EventData(data)) => {
                            let r = RecordRef {
                                message: inner,
                                data,
                                mode,
                                bundle: Some((message.offset(), i)),
                                session: session_no,
                            };
                            deliver(sink, resume, summary, r)?
                        }
                        Ok(_) => {}
                        Err(e) => {
                            sink.event(&StreamEvent::Undecodable(format!("bundle member {i}: {e}")))
                        }
                    }
                }
            }
            Event::KeepAlive => {
                summary.keep_alives += 1;
                sink.event(&StreamEvent::KeepAlive);
            }
            Event::ServerError { .. } => {
                // The server closes after an Error; do not wait for it to.
                return Ok(session.close_reason().cloned());
            }
            Event::StreamingInformation { .. } | Event::Other(_) => {}
        }
    }
}

fn deliver<S: Sink>(
    sink: &mut S,
    resume: &mut Resume,
    summary: &mut StreamSummary,
    r: RecordRef<'_>,
) -> io::Result<()> {
    let data = &r.data;
    let ts = data.archive_timestamp().unwrap_or(0);
    // Archive timestamp 0 (metadata, standard headers): not deduplicated, so no key.
    if ts != 0 {
        let key = record_key_in(&mut resume.scratch, data.record_type_word, data.body);
        if resume.window.check(ts, key) == Verdict::Duplicate {
            summary.duplicates += 1;
            return Ok(());
        }
    }
    sink.record(r)?;
    summary.records += 1;
    if ts > resume.bookmark {
        resume.bookmark = ts;
    }
    resume.dirty = true;
    Ok(())
}

async fn write_out<W: AsyncWriteExt + Unpin>(wr: &mut W, session: &mut Session) -> io::Result<()> {
    let n = session.transmit().len();
    if n > 0 {
        wr.write_all(session.transmit()).await?;
        wr.flush().await?;
        session.sent(n);
    }
    Ok(())
}

/// Splits `host:port` / `[v6]:port` into host and port text.
pub fn split_host(server: &str) -> (&str, Option<&str>) {
    if let Some(rest) = server.strip_prefix('[') {
        if let Some((h, p)) = rest.split_once(']') {
            return (h, p.strip_prefix(':'));
        }
    }
    match server.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (server, None),
    }
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    t ^ u64::from(std::process::id()).rotate_left(32)
}

/// xorshift64*: jitter needs no cryptographic randomness.
fn next_random(state: &mut u64) -> f64 {
    let mut x = *state | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            jitter: 0.5,
            max_attempts: None,
        };
        assert_eq!(b.delay(0, 0.0), Duration::from_millis(100));
        assert_eq!(b.delay(2, 0.0), Duration::from_millis(400));
        assert_eq!(b.delay(10, 0.0), Duration::from_secs(1));
        assert_eq!(b.delay(10, 1.0), Duration::from_millis(1500));
        let mut s = 7;
        for _ in 0..1000 {
            let r = next_random(&mut s);
            assert!((0.0..1.0).contains(&r));
        }
    }

    #[test]
    fn host_and_port() {
        assert_eq!(
            split_host("fmc.example:8302"),
            ("fmc.example", Some("8302"))
        );
        assert_eq!(split_host("10.0.0.1"), ("10.0.0.1", None));
        assert_eq!(
            split_host("[2001:db8::1]:8302"),
            ("2001:db8::1", Some("8302"))
        );
        assert_eq!(split_host("2001:db8::1"), ("2001:db8::1", None));
    }
}
