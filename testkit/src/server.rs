//! A real eStreamer test server (TLS, client certificates required) for `estreamer serve`,
//! the demo and every integration test.
//!
//! It serves the Event Data records of a capture (a server-to-client byte stream, bundles
//! flattened) the way a Management Center does:
//! * TLS with a required client certificate from the PKI's CA: a client without one, or with
//!   one from another CA, fails the handshake and gets no eStreamer message at all.
//! * The first message must be an Event Stream Request; anything else is answered with an
//!   Error message (code 1) and the connection closes. In extended mode (bit 30) it sends
//!   Streaming Information offering service 6667 and requires a Streaming Request for 6667.
//! * The request flags and extended requests select the event families (intrusion events,
//!   packets with flag bit 0, extra data with bit 27, connection, file, malware, correlation,
//!   impact, user records); metadata and record types of no family are always sent.
//! * The initial timestamp selects the records: `genesis` every record, a time every record
//!   archived at or after it, `now` only metadata (archive timestamp 0), since a capture has
//!   nothing newer than the connection. Metadata is always sent.
//! * Request flag bit 23 selects the 16-byte record header with the archive timestamp; without
//!   it records go out with the 8-byte header.
//! * Extended mode: records go out in Message Bundles (inner header version 0, docs/protocol.md §4.4),
//!   at most `window` bundles unacknowledged. Plain mode: Event Data messages one by one, at
//!   most `window * bundle_records` unacknowledged (the client's Null means "ready for more").
//! * When everything is sent it sends a Null keep-alive every `keepalive` and stays connected.
//!
//! Fault injection for tests (each happens once per server, on the first connection that
//! reaches it, after exactly N records: the bundle before it is cut short): drop the
//! connection (a TCP close without a TLS close), send bytes that do not frame, or send an
//! Error message. After corrupt bytes or an Error the server closes the TLS session and reads
//! what the client still sends until it closes, so that the client receives everything (a
//! close with unread data would reset the connection, and the client's kernel would drop
//! what it had not yet handed to the client).

use std::net::SocketAddr;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use estreamer_codec::{
    Body, DecodeOptions, Encode, ErrorMessage, EventData, HeaderMode, InitialTimestamp, Message,
    MessageType, Messages, Null, RecordType, RequestFlags, Service, ServiceLengthConvention,
    StreamDecoder, encode_bundle, encode_streaming_information,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use estreamer_client::session::ESTREAMER_SERVICE;

/// The records a server serves, parsed once from a capture.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    bytes: Vec<u8>,
    records: Vec<CapturedRecord>,
}

#[derive(Debug, Clone)]
struct CapturedRecord {
    type_word: u32,
    archive_timestamp: u32,
    reserved: u32,
    body: Range<usize>,
}

impl Capture {
    /// Parses a server-to-client byte stream (record headers decided per message, as
    /// `estreamer decode` does); every Event Data record, standalone or bundled, in order.
    /// Returns an error text for a stream that does not frame.
    pub fn parse(stream: &[u8]) -> Result<Capture, String> {
        let mut c = Capture::default();
        let opts = DecodeOptions {
            max_message_length: u32::MAX,
            header_mode: HeaderMode::Auto,
        };
        for m in Messages::new(stream, opts) {
            let m = m.map_err(|e| format!("the capture does not decode: {e}"))?;
            c.add(&m)?;
        }
        Ok(c)
    }

    fn add(&mut self, m: &Message<'_>) -> Result<(), String> {
        match m.decode_body(HeaderMode::Auto) {
            Ok(Body::EventData(d)) => {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(d.body);
                let ext = d.extension.unwrap_or_default();
                self.records.push(CapturedRecord {
                    type_word: d.record_type_word,
                    archive_timestamp: ext.archive_timestamp,
                    reserved: ext.reserved,
                    body: start..self.bytes.len(),
                });
            }
            Ok(Body::Bundle(b)) => {
                for inner in b.messages() {
                    let inner = inner.map_err(|e| format!("a bundle in the capture: {e}"))?;
                    self.add(&inner)?;
                }
            }
            Ok(_) => {}
            Err(e) => return Err(format!("a message of the capture: {e}")),
        }
        Ok(())
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The span of the capture's archive timestamps, in seconds (at least 1).
    fn span(&self) -> u32 {
        let ts = self
            .records
            .iter()
            .map(|r| r.archive_timestamp)
            .filter(|&t| t != 0);
        let (lo, hi) = ts.fold((u32::MAX, 0), |(lo, hi), t| (lo.min(t), hi.max(t)));
        if hi >= lo { hi - lo + 1 } else { 1 }
    }

    /// The records a request starting at `start` gets in repetition `round`: (index, archive
    /// timestamp shift). Metadata only in round 0; events shifted by `round` spans.
    fn selected(
        &self,
        start: InitialTimestamp,
        round: u32,
    ) -> impl Iterator<Item = (usize, u32)> + '_ {
        let shift = round.saturating_mul(self.span());
        self.records
            .iter()
            .enumerate()
            .filter(move |(_, r)| {
                if r.archive_timestamp == 0 {
                    return round == 0;
                }
                let ts = r.archive_timestamp.saturating_add(shift);
                match start {
                    InitialTimestamp::Genesis => true,
                    InitialTimestamp::Now => false,
                    InitialTimestamp::At(t) => ts >= t,
                }
            })
            .map(move |(i, r)| (i, if r.archive_timestamp == 0 { 0 } else { shift }))
    }

    fn event_data(&self, i: usize, shift: u32, extended_header: bool) -> Option<EventData<'_>> {
        let r = self.records.get(i)?;
        let body = self.bytes.get(r.body.clone())?;
        let t = RecordType(r.type_word);
        let mut d = if extended_header {
            EventData::extended(
                t,
                r.archive_timestamp.saturating_add(shift),
                r.reserved,
                body,
            )
        } else {
            EventData::standard(t, body)
        };
        d.record_type_word = r.type_word;
        Some(d)
    }
}

/// A fault the server injects once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Close the TCP connection (no TLS close, no message) after this many records.
    DropAfter(u64),
    /// Send bytes that do not frame (a message header with version 0x7777) after this many
    /// records, then close.
    CorruptAfter(u64),
    /// Send an Error message with this code and text after this many records, then close.
    ErrorAfter(u64, i32, String),
}

/// Test server settings.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// What to serve.
    pub capture: Arc<Capture>,
    /// Records per bundle (extended mode).
    pub bundle_records: usize,
    /// Unacknowledged bundles allowed in flight.
    pub window: usize,
    /// Null keep-alive interval when idle.
    pub keepalive: Duration,
    /// How long to wait for the client's request.
    pub request_timeout: Duration,
    /// Faults to inject, each once.
    pub faults: Vec<Fault>,
    /// Serve the capture this many times (0: without end), each repetition's events with
    /// archive timestamps one capture span later (metadata only the first time): a long or
    /// endless stream for soak tests and measurements.
    pub repeat: u32,
    /// Called with a line of text for each refused TLS handshake (who, and why), e.g. to
    /// print it; `None`: only counted.
    pub log: Option<fn(&str)>,
}

impl ServeConfig {
    /// Defaults: 512 records per bundle, 4 bundles in flight, keep-alive every 10 s.
    pub fn new(capture: Capture) -> Self {
        ServeConfig {
            capture: Arc::new(capture),
            bundle_records: 512,
            window: 4,
            keepalive: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            faults: Vec::new(),
            repeat: 1,
            log: None,
        }
    }
}

/// Counters shared by every connection.
#[derive(Debug, Default)]
pub struct ServerStats {
    /// TLS connections accepted (handshake done).
    pub sessions: AtomicU64,
    /// Handshakes that failed (no or foreign client certificate, not TLS).
    pub handshake_failures: AtomicU64,
    /// Records sent.
    pub records: AtomicU64,
    /// Null acknowledgements received.
    pub acks: AtomicU64,
    /// Keep-alives sent.
    pub keepalives: AtomicU64,
    /// Error messages sent.
    pub errors_sent: AtomicU64,
}

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    /// The address it listens on.
    pub local_addr: SocketAddr,
    /// Its counters.
    pub stats: Arc<ServerStats>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerHandle {
    /// Stops accepting and closes every connection.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

struct Shared {
    config: ServeConfig,
    tls: tokio_rustls::TlsAcceptor,
    stats: Arc<ServerStats>,
    faults_fired: Vec<AtomicBool>,
    next_connection: AtomicU32,
}

/// Binds `addr` and serves until [`ServerHandle::shutdown`].
pub async fn serve(
    addr: SocketAddr,
    tls: rustls::ServerConfig,
    config: ServeConfig,
) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let stats = Arc::new(ServerStats::default());
    let (stop, stop_rx) = watch::channel(false);
    let shared = Arc::new(Shared {
        faults_fired: config
            .faults
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect(),
        config,
        tls: tokio_rustls::TlsAcceptor::from(Arc::new(tls)),
        stats: stats.clone(),
        next_connection: AtomicU32::new(1),
    });
    let task = tokio::spawn(accept_loop(listener, shared, stop_rx));
    Ok(ServerHandle {
        local_addr,
        stats,
        stop,
        task,
    })
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let shared = shared.clone();
                let stop = stop.clone();
                tasks.spawn(async move {
                    let mut stop = stop;
                    tokio::select! {
                        _ = stop.changed() => {}
                        _ = connection(tcp, peer, shared) => {}
                    }
                });
            }
        }
        while tasks.try_join_next().is_some() {}
    }
    tasks.shutdown().await;
}

/// What the client sent, as the reader task reports it.
struct ClientState {
    acks: AtomicU64,
    closed: AtomicBool,
    notify: Notify,
    /// Tells the reader task to stop and hand its half of the connection back.
    stop: Notify,
}

/// How [`stream_records`] ended the stream.
enum Ending {
    /// The client went away, or the connection failed.
    Gone,
    /// A fault: close the TCP connection without a TLS close (`DropAfter`).
    Drop,
    /// A fault: the Error message or the corrupt bytes are written; close (`ErrorAfter`,
    /// `CorruptAfter`).
    Close,
}

/// How long a closing server keeps reading what the client still sends, so that the kernel
/// does not answer unread data with a reset (which makes the client's kernel drop what it
/// has received and not yet read: the records, the Error message).
const LINGER: Duration = Duration::from_secs(5);

async fn connection(tcp: tokio::net::TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let tls = match shared.tls.accept(tcp).await {
        Ok(s) => s,
        Err(e) => {
            // Client authentication failed (or not TLS): close without a message, as the FMC.
            shared
                .stats
                .handshake_failures
                .fetch_add(1, Ordering::Relaxed);
            if let Some(log) = shared.config.log {
                log(&format!("refused a TLS handshake from {peer}: {e}"));
            }
            return;
        }
    };
    shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
    let connection_id = shared.next_connection.fetch_add(1, Ordering::Relaxed);
    let mut tls = tls;
    let mut decoder = StreamDecoder::new(DecodeOptions::default());
    let timeout = shared.config.request_timeout;

    // 1. The Event Stream Request.
    let request = match tokio::time::timeout(timeout, next_message(&mut tls, &mut decoder)).await {
        Ok(Ok(Some(m))) => m,
        _ => return,
    };
    let (start, flags) = match request {
        Request::EventStream(start, flags) => (start, flags),
        Request::Other(t) => {
            let text =
                format!("the first message must be an Event Stream Request (type 2), not type {t}");
            refuse(&mut tls, &shared, 1, &text).await;
            return;
        }
        Request::Bad(text) => {
            refuse(&mut tls, &shared, 1, &text).await;
            return;
        }
        Request::Null => {
            refuse(
                &mut tls,
                &shared,
                1,
                "the first message must be an Event Stream Request (type 2), not a Null",
            )
            .await;
            return;
        }
        Request::Streaming(..) => {
            refuse(
                &mut tls,
                &shared,
                1,
                "the first message must be an Event Stream Request (type 2), not a Streaming Request",
            )
            .await;
            return;
        }
    };
    let extended = flags.contains(RequestFlags::EXTENDED_REQUESTS);
    let extended_header = flags.contains(RequestFlags::ARCHIVE_TIMESTAMPS);

    // 2. Extended mode: Streaming Information, then the Streaming Request.
    let mut start = start;
    let mut entries = Vec::new();
    if extended {
        let mut out = Vec::new();
        let svc = Service {
            service_id: ESTREAMER_SERVICE,
            flags: 0,
            initial_timestamp: 0,
            entries: &[],
        };
        if encode_streaming_information(&mut out, ServiceLengthConvention::IncludingHeader, [svc])
            .is_err()
            || tls.write_all(&out).await.is_err()
        {
            return;
        }
        match tokio::time::timeout(timeout, next_message(&mut tls, &mut decoder)).await {
            Ok(Ok(Some(Request::Streaming(ts, list)))) => {
                start = ts;
                entries = list;
            }
            Ok(Ok(Some(Request::Bad(text)))) => {
                refuse(&mut tls, &shared, 1, &text).await;
                return;
            }
            Ok(Ok(Some(_))) => {
                refuse(
                    &mut tls,
                    &shared,
                    1,
                    "expected a Streaming Request (type 2049) for service 6667",
                )
                .await;
                return;
            }
            _ => return,
        }
    }

    // 3. Stream, reading acknowledgements beside.
    let client = Arc::new(ClientState {
        acks: AtomicU64::new(0),
        closed: AtomicBool::new(false),
        notify: Notify::new(),
        stop: Notify::new(),
    });
    let (mut rd, mut wr) = tokio::io::split(tls);
    let reader = {
        let client = client.clone();
        let stats = shared.stats.clone();
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    _ = client.stop.notified() => return rd,
                    next = next_message(&mut rd, &mut decoder) => next,
                };
                match next {
                    Ok(Some(Request::Null)) => {
                        client.acks.fetch_add(1, Ordering::Relaxed);
                        stats.acks.fetch_add(1, Ordering::Relaxed);
                        client.notify.notify_one();
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => {
                        client.closed.store(true, Ordering::Relaxed);
                        client.notify.notify_one();
                        return rd;
                    }
                }
            }
        })
    };
    let request = Accepted {
        connection_id,
        start,
        families: Families::requested(flags, &entries),
        extended,
        extended_header,
    };
    let ending = stream_records(&mut wr, &shared, &client, &request)
        .await
        .unwrap_or(Ending::Gone);
    client.stop.notify_one();
    let Ok(rd) = reader.await else { return };
    let mut tls = rd.unsplit(wr);
    match ending {
        Ending::Gone => {}
        Ending::Drop => {
            // A TCP close with no TLS close_notify, as when the FMC's side fails.
            let tcp = tls.get_mut().0;
            let _ = tcp.shutdown().await;
            linger(tcp).await;
        }
        Ending::Close => {
            let _ = tls.shutdown().await;
            linger(&mut tls).await;
        }
    }
}

/// Reads and drops what the client still sends until it closes (or [`LINGER`] passes).
async fn linger<R: AsyncReadExt + Unpin>(rd: &mut R) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(LINGER, async {
        while rd.read(&mut buf).await.is_ok_and(|n| n > 0) {}
    })
    .await;
}

/// Writes an Error message (the caller closes the connection).
async fn send_error<W: AsyncWriteExt + Unpin>(wr: &mut W, shared: &Shared, code: i32, text: &str) {
    if let Ok(b) = ErrorMessage::new(code, text.as_bytes()).to_bytes() {
        let _ = wr.write_all(&b).await;
        let _ = wr.flush().await;
        shared.stats.errors_sent.fetch_add(1, Ordering::Relaxed);
    }
}

/// Writes an Error message for a refused request, then closes the TLS session and waits for
/// the client to close (a request refused before streaming).
async fn refuse<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    tls: &mut S,
    shared: &Shared,
    code: i32,
    text: &str,
) {
    send_error(tls, shared, code, text).await;
    let _ = tls.shutdown().await;
    linger(tls).await;
}

/// Returns when the connection ends.
async fn stream_records<W: AsyncWriteExt + Unpin>(
    wr: &mut W,
    shared: &Shared,
    client: &ClientState,
    request: &Accepted,
) -> std::io::Result<Ending> {
    let Accepted {
        connection_id,
        start,
        ref families,
        extended,
        extended_header,
    } = *request;
    let cfg = &shared.config;
    let capture = &cfg.capture;
    // Without events to repeat, or asked for `now` (no capture record is newer than the
    // connection), one round: more would only spin over empty selections.
    let has_events = capture.records.iter().any(|r| r.archive_timestamp != 0);
    let rounds = match (cfg.repeat, has_events, start) {
        (_, false, _) | (_, _, InitialTimestamp::Now) => 1,
        (0, true, _) => u32::MAX,
        (n, true, _) => n,
    };
    let mut plan = (0..rounds)
        .flat_map(|round| capture.selected(start, round))
        .filter(|&(i, _)| {
            capture
                .records
                .get(i)
                .is_some_and(|r| families.wants(RecordType(r.type_word & 0xffff)))
        });
    let per_unit = if extended {
        cfg.bundle_records.max(1)
    } else {
        1
    };
    let window = if extended {
        cfg.window.max(1) as u64
    } else {
        (cfg.window.max(1) * cfg.bundle_records.max(1)) as u64
    };
    let mut sent_records: u64 = 0;
    let mut sequence: u32 = 0;
    let mut out = Vec::with_capacity(1 << 20);
    let mut chunk: Vec<(usize, u32)> = Vec::with_capacity(per_unit);
    // `sent_units`: units (bundles, or messages in plain mode) written before this one.
    for sent_units in 0u64.. {
        // A fault fires after exactly its count of records: the unit before it is cut short
        // to end there.
        if let Some(fault) = due_fault(shared, sent_records) {
            wr.flush().await?;
            match fault {
                Fault::DropAfter(_) => return Ok(Ending::Drop),
                Fault::CorruptAfter(_) => {
                    wr.write_all(&[0x77, 0x77, 0, 4, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])
                        .await?;
                    wr.flush().await?;
                    return Ok(Ending::Close);
                }
                Fault::ErrorAfter(_, code, text) => {
                    send_error(wr, shared, code, &text).await;
                    return Ok(Ending::Close);
                }
            }
        }
        let take = match next_fault_at(shared) {
            Some(at) if at > sent_records => {
                per_unit.min(usize::try_from(at - sent_records).unwrap_or(usize::MAX))
            }
            _ => per_unit,
        };
        chunk.clear();
        chunk.extend(plan.by_ref().take(take));
        if chunk.is_empty() {
            break;
        }
        // Wait until the client has room.
        while sent_units.saturating_sub(client.acks.load(Ordering::Relaxed)) >= window {
            if client.closed.load(Ordering::Relaxed) {
                return Ok(Ending::Gone);
            }
            let notified = client.notify.notified();
            if sent_units.saturating_sub(client.acks.load(Ordering::Relaxed)) < window {
                break;
            }
            if tokio::time::timeout(cfg.keepalive, notified).await.is_err() {
                // Stalled client: a keep-alive keeps the connection open, as when idle.
                Null.encode(&mut out).ok();
                wr.write_all(&out).await?;
                out.clear();
                shared.stats.keepalives.fetch_add(1, Ordering::Relaxed);
            }
        }
        out.clear();
        if extended {
            sequence = sequence.wrapping_add(1);
            let res = encode_bundle(&mut out, connection_id, sequence, |o| {
                for &(i, shift) in &chunk {
                    if let Some(d) = capture.event_data(i, shift, extended_header) {
                        d.encode_with_version(0, o)?;
                    }
                }
                Ok(())
            });
            if res.is_err() {
                return Ok(Ending::Gone);
            }
        } else {
            for &(i, shift) in &chunk {
                if let Some(d) = capture.event_data(i, shift, extended_header) {
                    if d.encode(&mut out).is_err() {
                        return Ok(Ending::Gone);
                    }
                }
            }
        }
        wr.write_all(&out).await?;
        sent_records += chunk.len() as u64;
        shared
            .stats
            .records
            .fetch_add(chunk.len() as u64, Ordering::Relaxed);
    }
    wr.flush().await?;
    // Idle: keep-alives until the client goes.
    loop {
        if client.closed.load(Ordering::Relaxed) {
            return Ok(Ending::Gone);
        }
        let notified = client.notify.notified();
        if tokio::time::timeout(cfg.keepalive, notified).await.is_err() {
            out.clear();
            Null.encode(&mut out).ok();
            wr.write_all(&out).await?;
            wr.flush().await?;
            shared.stats.keepalives.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The record count of the next fault still to fire.
fn next_fault_at(shared: &Shared) -> Option<u64> {
    shared
        .config
        .faults
        .iter()
        .zip(&shared.faults_fired)
        .filter(|(_, fired)| !fired.load(Ordering::Relaxed))
        .map(|(f, _)| match f {
            Fault::DropAfter(n) | Fault::CorruptAfter(n) | Fault::ErrorAfter(n, _, _) => *n,
        })
        .min()
}

fn due_fault(shared: &Shared, sent: u64) -> Option<Fault> {
    for (f, fired) in shared.config.faults.iter().zip(&shared.faults_fired) {
        let at = match f {
            Fault::DropAfter(n) | Fault::CorruptAfter(n) | Fault::ErrorAfter(n, _, _) => *n,
        };
        if sent >= at && !fired.swap(true, Ordering::Relaxed) {
            return Some(f.clone());
        }
    }
    None
}

/// What a client asked for, once its request was accepted.
#[derive(Debug, Clone)]
struct Accepted {
    connection_id: u32,
    start: InitialTimestamp,
    families: Families,
    extended: bool,
    extended_header: bool,
}

/// Which records a request asks for (decision: the families this crate's records belong to;
/// a record type not listed here is always sent, as metadata is).
#[derive(Debug, Clone)]
struct Families {
    intrusion: bool,
    packets: bool,
    extra_data: bool,
    connection: bool,
    file: bool,
    malware: bool,
    correlation: bool,
    impact: bool,
    user: bool,
}

impl Families {
    fn requested(flags: RequestFlags, entries: &[estreamer_codec::EventTypeRequest]) -> Self {
        use estreamer_codec::{EventCode, VersionResolution};
        let r = VersionResolution::new(flags, entries);
        let has = |c: EventCode| r.version_for(c).is_some();
        let intrusion = has(EventCode::INTRUSION);
        Families {
            intrusion,
            packets: intrusion && flags.contains(RequestFlags::PACKET_DATA),
            extra_data: intrusion && flags.contains(RequestFlags::EXTRA_DATA),
            connection: has(EventCode::CONNECTION),
            file: has(EventCode::FILE),
            malware: has(EventCode::MALWARE),
            correlation: has(EventCode::CORRELATION),
            impact: has(EventCode::IMPACT),
            user: has(EventCode::USER),
        }
    }

    /// Whether a record of this type goes out.
    fn wants(&self, t: RecordType) -> bool {
        match t.0 {
            400 => self.intrusion,
            2 => self.packets,
            110 => self.extra_data,
            71 => self.connection,
            500 | 502 => self.file,
            125 => self.malware,
            112 => self.correlation,
            9 => self.impact,
            92..=95 => self.user,
            _ => true,
        }
    }
}

/// A client message, reduced to what the server acts on.
enum Request {
    EventStream(InitialTimestamp, RequestFlags),
    Streaming(InitialTimestamp, Vec<estreamer_codec::EventTypeRequest>),
    Null,
    Other(u16),
    Bad(String),
}

/// Reads the next client message; `Ok(None)` at the end of the stream.
async fn next_message<R: AsyncReadExt + Unpin>(
    rd: &mut R,
    decoder: &mut StreamDecoder,
) -> std::io::Result<Option<Request>> {
    let mut buf = [0u8; 4096];
    loop {
        match decoder.next_message() {
            Ok(Some(m)) => return Ok(Some(classify(&m))),
            Ok(None) => {}
            Err(e) => {
                return Ok(Some(Request::Bad(format!(
                    "the request does not decode: {e}"
                ))));
            }
        }
        let n = rd.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        let mut rest = buf.get(..n).unwrap_or_default();
        while !rest.is_empty() {
            let taken = decoder.feed(rest);
            rest = rest.get(taken..).unwrap_or_default();
            if taken == 0 {
                match decoder.next_message() {
                    Ok(Some(m)) => {
                        // Only possible when a huge message is buffered; classify and drop the rest.
                        return Ok(Some(classify(&m)));
                    }
                    _ => break,
                }
            }
        }
    }
}

fn classify(m: &Message<'_>) -> Request {
    match m.decode_body(HeaderMode::Auto) {
        Ok(Body::EventStreamRequest(r)) => Request::EventStream(r.initial_timestamp, r.flags),
        Ok(Body::StreamingRequest(r)) if r.service_id == ESTREAMER_SERVICE => {
            Request::Streaming(r.initial_timestamp, r.entries.to_vec())
        }
        Ok(Body::StreamingRequest(r)) => Request::Bad(format!(
            "the Streaming Request names service {}, not {ESTREAMER_SERVICE}",
            r.service_id
        )),
        Ok(Body::Null) => Request::Null,
        Ok(_) => Request::Other(m.message_type().0),
        Err(e) if m.message_type() == MessageType::EVENT_STREAM_REQUEST => {
            Request::Bad(format!("the Event Stream Request does not decode: {e}"))
        }
        Err(e) => Request::Bad(format!(
            "message type {} does not decode: {e}",
            m.message_type().0
        )),
    }
}
