//! The tokio transport: connect, TLS, run a [`Session`], hand records to a [`Sink`], reconnect
//! with backoff, keep the bookmark and drop duplicates.
//!
//! # Order of durability
//! For every batch of bytes read from the socket: every record of the batch goes to the sink
//! ([`Sink::record`]); then the sink passes its output on ([`Sink::flush`]: written to the
//! file, not yet durable); then the acknowledgements for the batch are written to the server.
//!
//! A bookmark save is: [`Sink::flush`], then [`Sink::sync_later`] (the sink writes out
//! everything it holds and names its files), then, on the bookmark's own thread, `fdatasync`
//! of those files and the bookmark's commit appended and synced
//! ([`crate::resume::BookmarkFile::write`]); the stream goes on meanwhile, and a save starts
//! only when the one before it is complete. The bookmark therefore never covers a record the
//! output does not hold durably. A save starts after every `bookmark_records / 2` events
//! ([`StreamOptions::bookmark_records`], even inside a bundle),
//! [`StreamOptions::bookmark_interval`] after the first record it would cover, for the first
//! event of a bookmark that has none yet, and whenever a session ends or the stream stops
//! (then waited for). At any moment at most `bookmark_records` written events are not covered
//! by a complete save: the most a hard kill repeats.
//!
//! # Acknowledgements do not wait for the bookmark (decision)
//! An acknowledgement (a Null) tells the server only that the client is ready for more: the
//! guide's flow control (docs/protocol.md §1, §11.9: "a client sends Null to signal readiness for
//! more data"). The server keeps no per-client history and commits nothing on an
//! acknowledgement; a new session asks for a start time and gets everything archived since
//! (docs/protocol.md §1, §3.1). So an acknowledged record that the bookmark does not cover yet is not
//! lost if the process dies: the next session starts at the bookmark and the server sends it
//! again. Holding acknowledgements until the bookmark is durable would instead stall the server
//! (it stops after a few unacknowledged bundles) for two `fdatasync` calls per window.
//! Acknowledgements are sent after the sink has the batch's records and has flushed them.
//!
//! # Timeouts
//! No byte for [`StreamOptions::idle_timeout`] between messages (not even a keep-alive) ends
//! the session; so does no byte for [`StreamOptions::stall_timeout`] in the middle of a
//! message, and a message not complete [`StreamOptions::message_timeout`] after its first byte
//! arrived (a server trickling bytes).

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use estreamer_codec::{
    Body, Bundle, DecodeError, EventData, HeaderMode, InitialTimestamp, Message, RequestFlags,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::pump;
use crate::resume::{
    Bookmark, BookmarkError, BookmarkFile, DedupWindow, Owner, RecordKey, Save, Start, Verdict,
    record_key_in,
};
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

/// A record that could not be decoded as a record: reported to the sink
/// ([`Sink::bad_record`]) and counted ([`StreamSummary::bad_records`]); the stream goes on
/// with the next one. (A record that frames but whose layout does not decode is a record:
/// [`Sink::record`] gets it.)
#[derive(Debug, Clone, Copy)]
pub struct BadRecord<'a> {
    /// What is wrong.
    pub error: DecodeError,
    /// The message the error is in: the bundle, for a member that does not frame; otherwise
    /// the Event Data message whose record header does not decode.
    pub message: Message<'a>,
    /// For a bundle member that does not frame (a bad header version with its length intact,
    /// or a length that overruns the bundle, which ends it): the bundle and the member's index.
    pub member: Option<(Bundle<'a>, usize)>,
    /// Sessions connected so far, this one included.
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
    /// A record body did not decode at the header level (see [`Sink::bad_record`]).
    Undecodable(String),
    /// Something the user should know (e.g. the bookmark's last save was cut short).
    Notice(String),
    /// The bookmark was saved (after the output was synced): it now covers every record
    /// written before this event.
    BookmarkSaved {
        /// Its archive timestamp.
        archive_timestamp: u32,
    },
    /// Acknowledgements were written to the server (after the records they acknowledge went
    /// to the sink and were flushed).
    Acknowledged {
        /// How many Nulls.
        acks: u64,
    },
}

/// Where records go.
pub trait Sink {
    /// A record that is not a duplicate.
    fn record(&mut self, record: RecordRef<'_>) -> io::Result<()>;
    /// A record that could not be decoded (default: ignored; the stream counts it either way).
    fn bad_record(&mut self, _bad: BadRecord<'_>) -> io::Result<()> {
        Ok(())
    }
    /// Pass on buffered output: called after each batch of records, before acknowledgements
    /// go to the server. A sink may leave output in flight here when [`sync`](Self::sync)
    /// completes it.
    fn flush(&mut self) -> io::Result<()>;
    /// Make every record accepted so far durable in the output (`fdatasync` for a file):
    /// called before each save of the bookmark, so that the bookmark never covers a record
    /// the output could lose in a power failure. Default: nothing beyond
    /// [`flush`](Self::flush), which is always called first.
    fn sync(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// [`sync`](Self::sync) in two halves, so that the stream goes on while the disk works:
    /// write out everything accepted so far (here), and return the files whose data must reach
    /// the disk; the bookmark's own thread `fdatasync`s them, then saves the bookmark that
    /// covers these records. Default: [`sync`](Self::sync) here, nothing left to sync.
    fn sync_later(&mut self) -> io::Result<Vec<std::fs::File>> {
        self.sync()?;
        Ok(Vec::new())
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

/// Default of [`StreamOptions::bookmark_records`]. Measured (PERFORMANCE.md): at full speed a
/// save every 5,000 events (10,000 here) cost a fifth of `stream --direct`'s rate; every 25,000
/// a few percent. Below 25,000 events a second the time bound saves first anyway.
pub const DEFAULT_BOOKMARK_RECORDS: u64 = 50_000;

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
    /// Bookmark file ([`BookmarkFile`]: locked, loaded at start, appended to at each save).
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
    /// No bytes for this long between messages (not even a keep-alive) ends the session.
    pub idle_timeout: Duration,
    /// No bytes for this long in the middle of a message ends the session.
    pub stall_timeout: Duration,
    /// A message not complete this long after its first byte arrived ends the session.
    pub message_timeout: Duration,
    /// Most time between the first record a bookmark save would cover and the save.
    pub bookmark_interval: Duration,
    /// Most events (records with an archive timestamp) written and not covered by a complete
    /// bookmark save: the most a hard kill can repeat. A save starts after every half of this
    /// (the one before it may still be syncing). At least 2 (a smaller value is taken as 2).
    pub bookmark_records: u64,
    /// Reconnect after a session ends (false: return after the first session).
    pub reconnect: bool,
    /// Start at the saved bookmark when the file has one (false: start at the session's
    /// initial timestamp, and the bookmark file is replaced by one that starts there).
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
    /// timeout 5 min, stall timeout 30 s, message timeout 2 min, at most 50,000 events not
    /// covered by a saved bookmark (a save every 25,000 events, or 1 s after the first event it
    /// would cover), reconnect on.
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
            stall_timeout: Duration::from_secs(30),
            message_timeout: Duration::from_secs(120),
            bookmark_interval: Duration::from_secs(1),
            bookmark_records: DEFAULT_BOOKMARK_RECORDS,
            reconnect: true,
            resume_from_bookmark: true,
        }
    }

    /// The stream these options ask for, as a bookmark records it: the server and the
    /// request (flags with bit 23, and the extended requests when bit 30 is set).
    pub fn owner(&self) -> Owner {
        let flags = self.session.flags.union(RequestFlags::ARCHIVE_TIMESTAMPS);
        let extended = if flags.contains(RequestFlags::EXTENDED_REQUESTS) {
            let list: Vec<String> = self
                .session
                .extended
                .iter()
                .map(|e| format!("{}:{}", e.event_code().0, e.event_version()))
                .collect();
            list.join(",")
        } else {
            "none".to_owned()
        };
        Owner {
            server: self.server.clone(),
            request: format!("flags=0x{:08x} extended={extended}", flags.bits()),
        }
    }
}

/// How a stream run ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Ended {
    /// The shutdown future completed (a signal, a time or record limit).
    #[default]
    Stopped,
    /// With reconnect off: the session ended for this reason.
    Session(CloseReason),
    /// With reconnect off: no session came up (TCP or TLS failed); the text says why.
    Connect(String),
}

/// Totals of a stream run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Records given to the sink.
    pub records: u64,
    /// Records that could not be decoded, given to [`Sink::bad_record`].
    pub bad_records: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Sessions connected.
    pub sessions: u64,
    /// Bytes received (decrypted).
    pub bytes: u64,
    /// Keep-alives received.
    pub keep_alives: u64,
    /// Bookmark saves.
    pub bookmark_saves: u64,
    /// The bookmark at the end.
    pub bookmark: u32,
    /// Window keys pushed out while still young (see [`DedupWindow::evicted_early`]).
    pub window_evicted_early: u64,
    /// Why the run ended.
    pub ended: Ended,
}

/// Why [`run`] returned with an error.
#[derive(Debug)]
pub enum StreamError {
    /// Writing to the sink or the bookmark failed.
    Io(io::Error),
    /// The bookmark cannot be used (locked, damaged, another stream's).
    Bookmark(BookmarkError),
    /// `max_attempts` sessions in a row failed; the last reason.
    GaveUp(String),
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "{e}"),
            StreamError::Bookmark(e) => write!(f, "{e}"),
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

/// The resume state of a run: the bookmark, the window, and what the next save covers.
struct Resume {
    /// Newest archive timestamp written.
    bookmark: u32,
    window: DedupWindow,
    /// Reused by [`record_key_in`] for every record.
    scratch: Vec<u8>,
    /// Syncs the output and writes the bookmark, on a thread of its own.
    syncer: Syncer,
    /// Whether there is a bookmark file, and the keys it holds (as the saves sent so far leave
    /// it).
    file_keys: Option<usize>,
    /// A save with an event has been sent (or the bookmark had one when it was opened).
    has_event: bool,
    /// Where the stream starts while nothing is written (the bookmark's start).
    start: Start,
    /// The start was written by this process (see [`BookmarkFile::started_here`]).
    started_here: bool,
    /// Keys of the events written since the last save.
    unsaved: Vec<(u32, RecordKey)>,
    /// Records written since the last save (events and metadata).
    dirty: u64,
    /// When the first of them was written.
    first_unsaved: Option<Instant>,
    /// Events between the starts of two saves: half of `bookmark_records`, since one save can
    /// still be in progress when the next starts.
    every_records: u64,
    /// Most time between the first unsaved record and the save.
    interval: Duration,
    saves: u64,
}

impl Resume {
    /// Whether a save is due now: `every_records` events unsaved, or the oldest unsaved
    /// record `bookmark_interval` old, or the first event of a bookmark that has none yet.
    fn due(&self) -> bool {
        self.dirty > 0
            && (self.unsaved.len() as u64 >= self.every_records
                || self
                    .first_unsaved
                    .is_some_and(|t| t.elapsed() >= self.interval)
                || (!self.unsaved.is_empty() && self.file_keys.is_some() && !self.has_event))
    }

    /// When the next save falls due by time, if records wait for one.
    fn due_at(&self) -> Option<tokio::time::Instant> {
        self.first_unsaved
            .map(|t| tokio::time::Instant::from_std(t + self.interval))
    }

    /// Output, then the bookmark: flushes `sink`, has it write out everything, then hands the
    /// files to sync and the bookmark's save to the syncer thread, once the save before it is
    /// complete. With `wait`, returns only when this save is complete too.
    fn save<S: Sink>(&mut self, sink: &mut S, wait: bool) -> io::Result<()> {
        sink.flush()?;
        if self.dirty > 0 {
            let files = sink.sync_later()?;
            let save = match self.file_keys {
                Some(keys) if !self.unsaved.is_empty() => {
                    let save = Save::new(
                        keys,
                        self.bookmark,
                        std::mem::take(&mut self.unsaved),
                        &self.window,
                    );
                    self.file_keys = Some(save.keys_in_file_after(keys));
                    self.has_event = true;
                    Some(save)
                }
                _ => None,
            };
            // One save in progress at a time.
            self.complete(sink)?;
            self.syncer.send(files, save)?;
            self.unsaved.clear();
            self.dirty = 0;
            self.first_unsaved = None;
        }
        if wait {
            self.complete(sink)?;
        }
        Ok(())
    }

    /// Waits for the save in progress, if any, and tells the sink when it saved a bookmark.
    fn complete<S: Sink>(&mut self, sink: &mut S) -> io::Result<()> {
        let saved = self.syncer.wait()?;
        self.tell(sink, saved);
        Ok(())
    }

    /// Tells the sink about a save that has completed meanwhile (without waiting).
    fn poll<S: Sink>(&mut self, sink: &mut S) -> io::Result<()> {
        let saved = self.syncer.poll()?;
        self.tell(sink, saved);
        Ok(())
    }

    fn tell<S: Sink>(&mut self, sink: &mut S, saved: Option<u32>) {
        if let Some(archive_timestamp) = saved {
            self.saves += 1;
            sink.event(&StreamEvent::BookmarkSaved { archive_timestamp });
        }
    }

    /// Saves when due.
    fn save_if_due<S: Sink>(&mut self, sink: &mut S) -> io::Result<()> {
        if self.due() {
            self.save(sink, false)
        } else {
            sink.flush()?;
            self.poll(sink)
        }
    }

    /// The initial timestamp of the next session (`first`: no session has been tried yet).
    fn resume_point(&self, slack: u32, first: bool) -> InitialTimestamp {
        if self.bookmark != 0 {
            // Resume `slack` seconds before the bookmark: archive timestamps are not strictly
            // ordered in the stream (store-and-forward, several devices), so records a little
            // older than the newest one written may still be unsent. Everything re-sent from
            // that window is in the duplicate window and dropped. Not before an explicit start.
            let mut t = self.bookmark.saturating_sub(slack).max(1);
            if let Start::At(from) = self.start {
                t = t.max(from);
            }
            return InitialTimestamp::from_wire(t);
        }
        match self.start {
            Start::Genesis => InitialTimestamp::Genesis,
            Start::At(t) => InitialTimestamp::from_wire(t),
            // "Now" as the server means it, on the first try of a stream asked to start now
            // by this process; after that (a reconnect, or a restart before the first event,
            // however soon), from when it was asked (this machine's clock: one more than
            // `slack` seconds ahead of the FMC's would leave a gap), so nothing in between is
            // lost.
            Start::Now { .. } if first && self.started_here => InitialTimestamp::Now,
            Start::Now { asked_at } => {
                InitialTimestamp::from_wire(asked_at.saturating_sub(slack).max(1))
            }
        }
    }
}

/// The bookmark's own thread: it `fdatasync`s the files the sink names, then writes the
/// bookmark's save, while the stream goes on. One job at a time.
struct Syncer {
    jobs: Option<std::sync::mpsc::SyncSender<SyncJob>>,
    done: std::sync::mpsc::Receiver<io::Result<Option<u32>>>,
    /// A job was sent and its result not taken yet.
    busy: bool,
    worker: Option<std::thread::JoinHandle<()>>,
}

struct SyncJob {
    files: Vec<std::fs::File>,
    save: Option<Save>,
}

impl Syncer {
    fn start(mut file: Option<BookmarkFile>) -> io::Result<Syncer> {
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<SyncJob>(1);
        let (outbox, done) = std::sync::mpsc::sync_channel(1);
        let worker = std::thread::Builder::new()
            .name("estreamer-sync".into())
            .spawn(move || {
                for job in inbox {
                    let result = (|| {
                        for f in &job.files {
                            f.sync_data()?;
                        }
                        match (&job.save, &mut file) {
                            (Some(save), Some(file)) => {
                                file.write(save)?;
                                Ok(Some(save.archive_timestamp))
                            }
                            _ => Ok(None),
                        }
                    })();
                    if outbox.send(result).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Syncer {
            jobs: Some(jobs),
            done,
            busy: false,
            worker: Some(worker),
        })
    }

    fn gone() -> io::Error {
        io::Error::other("the bookmark's thread stopped")
    }

    fn send(&mut self, files: Vec<std::fs::File>, save: Option<Save>) -> io::Result<()> {
        let jobs = self.jobs.as_ref().ok_or_else(Self::gone)?;
        jobs.send(SyncJob { files, save })
            .map_err(|_| Self::gone())?;
        self.busy = true;
        Ok(())
    }

    /// Waits for the job in progress: the archive timestamp it saved, if it saved one.
    fn wait(&mut self) -> io::Result<Option<u32>> {
        if !self.busy {
            return Ok(None);
        }
        self.busy = false;
        self.done.recv().map_err(|_| Self::gone())?
    }

    /// The result of the job in progress if it is complete.
    fn poll(&mut self) -> io::Result<Option<u32>> {
        if !self.busy {
            return Ok(None);
        }
        match self.done.try_recv() {
            Ok(r) => {
                self.busy = false;
                r
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => Ok(None),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(Self::gone()),
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn unix_now() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

/// The start a session configuration asks for, as a bookmark records it.
fn start_of(t: InitialTimestamp, now: u32) -> Start {
    match t {
        InitialTimestamp::Genesis => Start::Genesis,
        InitialTimestamp::Now => Start::Now { asked_at: now },
        InitialTimestamp::At(t) => Start::At(t),
    }
}

/// Streams until `shutdown` completes (then flushes the sink and saves the bookmark) or, with
/// `reconnect` off, until the first session ends.
pub async fn run<S: Sink>(
    opts: &StreamOptions,
    sink: &mut S,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<StreamSummary, StreamError> {
    let now = unix_now();
    let asked = start_of(opts.session.initial_timestamp, now);
    let (file, loaded) = match &opts.bookmark {
        Some(p) => {
            let (file, b) = BookmarkFile::open(p, opts.owner(), asked, opts.resume_from_bookmark)
                .map_err(StreamError::Bookmark)?;
            (Some(file), b)
        }
        None => (
            None,
            Bookmark {
                start: Some(asked),
                ..Bookmark::default()
            },
        ),
    };
    let file_keys = file.as_ref().map(BookmarkFile::keys_in_file);
    let started_here = file.as_ref().is_none_or(BookmarkFile::started_here);
    let mut resume = Resume {
        bookmark: loaded.archive_timestamp,
        window: loaded.window(opts.window, opts.slack),
        scratch: Vec::new(),
        start: loaded.start.unwrap_or(asked),
        started_here,
        syncer: Syncer::start(file)?,
        file_keys,
        has_event: loaded.archive_timestamp != 0,
        unsaved: Vec::new(),
        dirty: 0,
        first_unsaved: None,
        // Below 2 the bound could not hold (one event in a save in progress, one more written).
        every_records: (opts.bookmark_records.max(2) / 2),
        interval: opts.bookmark_interval,
        saves: 0,
    };
    if loaded.torn_tail > 0 {
        sink.event(&StreamEvent::Notice(format!(
            "the bookmark's last save was cut short (the process was killed or the machine \
             lost power during it): resuming from the save before it, {} bytes ignored",
            loaded.torn_tail
        )));
    }
    let mut summary = StreamSummary::default();
    let mut failures: u32 = 0;
    tokio::pin!(shutdown);
    let mut rng = seed();
    let mut first = true;
    loop {
        let mut cfg = opts.session.clone();
        cfg.flags = cfg.flags.union(RequestFlags::ARCHIVE_TIMESTAMPS);
        cfg.initial_timestamp = resume.resume_point(opts.slack, first);
        first = false;
        // What this session may repeat: everything written before it.
        resume.window.begin_session();
        let records_before = summary.records;
        let outcome = tokio::select! {
            _ = &mut shutdown => None,
            r = one_session(opts, cfg, sink, &mut resume, &mut summary) => Some(r),
        };
        let outcome = match outcome {
            None => {
                resume.save(sink, true)?;
                summary.ended = Ended::Stopped;
                break;
            }
            Some(o) => o,
        };
        resume.save(sink, true)?;
        let (reason, ended) = match outcome {
            Ok(r) => {
                let text = r.to_string();
                // A session that delivered records resets the backoff; one that ended
                // without any (refused, an Error at once) counts as a failed attempt, so a
                // server that keeps refusing is retried ever more slowly, not every 0.5 s.
                let progressed = summary.records > records_before;
                sink.event(&StreamEvent::Disconnected(r.clone()));
                if progressed {
                    failures = 0;
                }
                (text, Ended::Session(r))
            }
            Err(SessionFailure::Io(e)) => return Err(StreamError::Io(e)),
            Err(SessionFailure::Connect(text)) => {
                sink.event(&StreamEvent::ConnectFailed(text.clone()));
                (text.clone(), Ended::Connect(text))
            }
        };
        if !opts.reconnect {
            summary.ended = ended;
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
                summary.ended = Ended::Stopped;
                break;
            }
            _ = tokio::time::sleep(delay) => {}
        }
    }
    summary.bookmark = resume.bookmark;
    summary.bookmark_saves = resume.saves;
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
    let mut acked = 0u64;
    if write_out(&mut wr, &mut session, sink, &mut acked)
        .await
        .is_err()
    {
        return Ok(session.closed_by_peer());
    }
    let mut last_byte = tokio::time::Instant::now();
    // The message that is only partly here: its stream offset and when its first byte came.
    let mut partial: Option<(usize, tokio::time::Instant)> = None;
    loop {
        // The next deadline: silence between messages, a stall or a trickle in the middle of
        // one, or a bookmark save that falls due by time while the server is quiet (so that
        // the sink syncs and the bookmark is saved then, not when the next data comes).
        let (mut wake, mut why) = (last_byte + opts.idle_timeout, Wake::Idle);
        if let Some((_, since)) = partial {
            for (at, w) in [
                (last_byte + opts.stall_timeout, Wake::Stall),
                (since + opts.message_timeout, Wake::Trickle),
            ] {
                if at < wake {
                    (wake, why) = (at, w);
                }
            }
        }
        if let Some(at) = resume.due_at() {
            if at < wake {
                (wake, why) = (at, Wake::Save);
            }
        }
        let raw = |bytes: &[u8]| sink.raw(bytes);
        let n = match pump::read(&mut rd, &mut session, wake, raw)
            .await
            .map_err(SessionFailure::Io)?
        {
            pump::Read::Timeout if why == Wake::Save => {
                resume.save_if_due(sink).map_err(SessionFailure::Io)?;
                continue;
            }
            pump::Read::Timeout => {
                let text = match why {
                    Wake::Stall => format!(
                        "no byte from the server for {:?} in the middle of a message",
                        opts.stall_timeout
                    ),
                    Wake::Trickle => format!(
                        "a message from the server was not complete {:?} after its first byte",
                        opts.message_timeout
                    ),
                    _ => format!("nothing from the server for {:?}", opts.idle_timeout),
                };
                session.shutdown(Some(&text));
                let _ = write_out(&mut wr, &mut session, sink, &mut acked).await;
                return Ok(CloseReason::ClientError { code: -1, text });
            }
            pump::Read::Closed(_) => {
                // The peer closed (TLS close_notify, TCP FIN or reset).
                let reason = session.closed_by_peer();
                return Ok(reason);
            }
            pump::Read::Bytes(n) => n,
        };
        last_byte = tokio::time::Instant::now();
        summary.bytes += n as u64;
        // Every complete message out (the room only ever follows a drained buffer).
        let fatal = match drain(&mut session, sink, resume, summary, mode, session_no) {
            Ok(reason) => reason,
            Err(e) => return Err(SessionFailure::Io(e)),
        };
        partial = match (session.buffered(), partial) {
            (0, _) => None,
            (_, Some((at, since))) if at == session.position() => Some((at, since)),
            _ => Some((session.position(), last_byte)),
        };
        // The batch's records are flushed (and the bookmark saved when due) before the
        // acknowledgements go out.
        resume.save_if_due(sink).map_err(SessionFailure::Io)?;
        let wrote = write_out(&mut wr, &mut session, sink, &mut acked).await;
        if let Some(reason) = fatal {
            let _ = wr.shutdown().await;
            return Ok(reason);
        }
        if wrote.is_err() {
            return Ok(session.closed_by_peer());
        }
    }
}

/// What the read loop's deadline is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wake {
    Idle,
    Stall,
    Trickle,
    Save,
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
            Event::BadEventData { message, error } => {
                bad(sink, summary, session_no, error, message, None)?;
            }
            Event::Bundle { message, bundle } => {
                for (i, inner) in bundle.messages().enumerate() {
                    let inner = match inner {
                        Ok(m) => m,
                        Err(error) => {
                            bad(sink, summary, session_no, error, message, Some((bundle, i)))?;
                            continue;
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
                        Err(error) => bad(sink, summary, session_no, error, inner, None)?,
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

/// Reports a record that could not be decoded (see [`BadRecord`]) and counts it.
fn bad<'a, S: Sink>(
    sink: &mut S,
    summary: &mut StreamSummary,
    session: u64,
    error: DecodeError,
    message: Message<'a>,
    member: Option<(Bundle<'a>, usize)>,
) -> io::Result<()> {
    let b = BadRecord {
        error,
        message,
        member,
        session,
    };
    summary.bad_records += 1;
    let at = match b.member {
        Some((_, i)) => format!("member {i} of the bundle at offset {}", b.message.offset()),
        None => format!("the message at offset {}", b.message.offset()),
    };
    sink.event(&StreamEvent::Undecodable(format!(
        "session {}, {at}: {}",
        b.session, b.error
    )));
    sink.bad_record(b)
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
    let key = if ts != 0 {
        let key = record_key_in(&mut resume.scratch, data.record_type_word, data.body);
        if resume.window.check(ts, key) == Verdict::Duplicate {
            summary.duplicates += 1;
            return Ok(());
        }
        Some(key)
    } else {
        None
    };
    sink.record(r)?;
    summary.records += 1;
    if resume.dirty == 0 {
        resume.first_unsaved = Some(Instant::now());
    }
    resume.dirty += 1;
    if let Some(key) = key {
        resume.bookmark = resume.bookmark.max(ts);
        resume.unsaved.push((ts, key));
        if resume.unsaved.len() as u64 >= resume.every_records {
            // A save after every `bookmark_records / 2` events, even inside one bundle: with
            // the one before it possibly still in progress, at most `bookmark_records` events
            // are written and not covered by a complete save.
            resume.save(sink, false)?;
        }
    }
    Ok(())
}

/// Writes what the session has to send; `acked` counts the acknowledgements written so far
/// in this session.
async fn write_out<W: AsyncWriteExt + Unpin, S: Sink>(
    wr: &mut W,
    session: &mut Session,
    sink: &mut S,
    acked: &mut u64,
) -> io::Result<()> {
    let acks = pump::write(wr, session, acked).await?;
    if acks > 0 {
        sink.event(&StreamEvent::Acknowledged { acks });
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
