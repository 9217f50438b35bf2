//! The client side of an eStreamer session as a sans-I/O state machine (docs/protocol.md §1, §3-§5,
//! §11.9).
//!
//! The [`Session`] never touches a socket. The transport hands it the bytes it read
//! ([`Session::receive`]), takes the events out ([`Session::poll`]) and writes whatever
//! [`Session::transmit`] holds. That makes every step testable without a network and lets the
//! same machine run under tokio, blocking I/O or a fuzzer.
//!
//! # Flow
//! 1. [`Session::new`] queues the Event Stream Request (type 2).
//! 2. With request flag bit 30 (extended requests) the server answers with Streaming Information
//!    (2051); the session answers with a Streaming Request (2049) for service 6667 naming the
//!    configured (version, event type) pairs. A 2051 without service 6667 is answered with an
//!    Error (code -1) and the session ends.
//! 3. Event Data (4) and Message Bundles (4002) arrive; Nulls from the server are keep-alives;
//!    an Error (1) from the server is surfaced with its code and text and ends the session.
//!
//! # Acknowledgements (decision, docs/protocol.md §11.9)
//! The guide asks for one Null per Message Bundle and, in plain mode, a Null as "ready for
//! more"; Cisco's client sends a Null after *every* message it reads and servers tolerate it.
//! [`AckPolicy::Guide`] (the default) acknowledges every bundle and every standalone Event
//! Data message, never a keep-alive or Streaming Information; [`AckPolicy::EveryMessage`]
//! behaves as Cisco's client. An acknowledgement is queued only when the caller comes back
//! for the next event (the next [`Session::poll`]), i.e. after it has finished with the
//! bundle, so a transport that writes its output before flushing [`Session::transmit`] never
//! acknowledges what it has not accepted.
//!
//! # Why a session ended
//! [`Session::close_reason`] tells the four cases of Cisco's troubleshooting note apart: the
//! server sent an Error, we sent one, the server closed without a message before any message
//! arrived (on connect: client authentication failed - the client is not registered, its
//! certificate is from another CA or its address differs from the certificate's), or the
//! server closed without a message later (eStreamer shut down or a send failed).

use std::fmt;

use estreamer_codec::{
    Body, Bundle, DecodeError, DecodeOptions, Encode, ErrorMessage, EventData, EventStreamRequest,
    EventTypeRequest, HeaderMode, InitialTimestamp, Message, MessageType, Null, RequestFlags,
    StreamDecoder, StreamingRequest,
};

/// The eStreamer service ID in Streaming Information / Streaming Request (docs/protocol.md §4.1).
pub const ESTREAMER_SERVICE: u32 = 6667;

/// When the client sends a Null acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AckPolicy {
    /// One Null per Message Bundle and per standalone Event Data message (guide, §11.9).
    #[default]
    Guide,
    /// One Null after every message read, keep-alives and Streaming Information included
    /// (Cisco's eNcore).
    EveryMessage,
}

/// What the session requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// Where the stream starts (a bookmark: the archive timestamp of the last record written).
    pub initial_timestamp: InitialTimestamp,
    /// Request flags. Bit 30 switches on extended requests.
    pub flags: RequestFlags,
    /// (version, event type) pairs of the Streaming Request, in extended mode (the terminator
    /// is added on the wire).
    pub extended: Vec<EventTypeRequest>,
    /// Record header form of Event Data. `Auto` (the default) decides per message.
    pub header_mode: HeaderMode,
    /// Largest message body accepted.
    pub max_message_length: u32,
    /// Acknowledgement policy.
    pub ack: AckPolicy,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            initial_timestamp: InitialTimestamp::Now,
            flags: RequestFlags::ENCORE_DEFAULT,
            extended: EventTypeRequest::ENCORE_5_2_11.to_vec(),
            header_mode: HeaderMode::Auto,
            max_message_length: estreamer_codec::DEFAULT_MAX_MESSAGE_LENGTH,
            ack: AckPolicy::Guide,
        }
    }
}

impl SessionConfig {
    /// Whether extended requests (bit 30) are on.
    pub fn is_extended(&self) -> bool {
        self.flags.contains(RequestFlags::EXTENDED_REQUESTS)
    }
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Extended mode: the request went out, Streaming Information not yet received.
    AwaitingStreamingInformation,
    /// Data may flow.
    Streaming,
    /// The session is over (see [`Session::close_reason`]).
    Closed,
}

/// Something the server sent, for the caller.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A standalone Event Data message (one record).
    EventData {
        /// The message.
        message: Message<'a>,
        /// Its record header and body.
        data: EventData<'a>,
    },
    /// A Message Bundle: the caller walks [`Bundle::messages`]; the acknowledgement is queued
    /// on the next [`Session::poll`].
    Bundle {
        /// The message.
        message: Message<'a>,
        /// The bundle.
        bundle: Bundle<'a>,
    },
    /// A Null from the server: a keep-alive.
    KeepAlive,
    /// Streaming Information was received and answered with the Streaming Request.
    StreamingInformation {
        /// Service IDs the server offered.
        services: usize,
    },
    /// An Event Data message whose record header does not decode (a record length that does
    /// not match the message): that record is lost, the stream goes on (the framing is
    /// intact).
    BadEventData {
        /// The message.
        message: Message<'a>,
        /// Why its record header does not decode.
        error: DecodeError,
    },
    /// Any other message (host data, an unknown type): passed through.
    Other(Message<'a>),
    /// An Error message from the server. The session is closed.
    ServerError {
        /// Error code.
        code: i32,
        /// Error text as sent.
        text: &'a [u8],
    },
}

/// Why a session ended, as Cisco's troubleshooting note distinguishes the cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The server sent an Error message (then closes).
    ServerError {
        /// Error code.
        code: i32,
        /// Error text (lossy UTF-8, trailing NULs dropped).
        text: String,
    },
    /// We sent an Error message and closed (the server misbehaved; see the text).
    ClientError {
        /// Error code (-1).
        code: i32,
        /// What went wrong.
        text: String,
    },
    /// The server closed without any message before sending one: on connect this means client
    /// authentication failed (client not registered on the FMC, certificate from another CA,
    /// or the client's address differs from the one in its certificate).
    ClosedBeforeFirstMessage,
    /// The server closed without a message after data flowed: eStreamer shut down or a send
    /// failed on its side.
    ClosedByServer,
    /// The bytes from the server could not be framed (corrupt or not eStreamer).
    Corrupt(DecodeError),
    /// The client ended the session.
    Shutdown,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::ServerError { code, text } => {
                write!(f, "the server sent error {code}: {text}")
            }
            CloseReason::ClientError { code, text } => {
                write!(f, "the client sent error {code} and closed: {text}")
            }
            CloseReason::ClosedBeforeFirstMessage => f.write_str(
                "the server closed the connection without a message before sending anything: \
                 client authentication failed (is this client registered on the FMC's \
                 eStreamer page, is the certificate from that FMC, and does the client's \
                 address match the one in its certificate?)",
            ),
            CloseReason::ClosedByServer => f.write_str(
                "the server closed the connection without a message: the eStreamer service \
                 shut down or failed to send",
            ),
            CloseReason::Corrupt(e) => write!(f, "the server's bytes could not be decoded: {e}"),
            CloseReason::Shutdown => f.write_str("the client shut the session down"),
        }
    }
}

/// Counters of one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Bytes received.
    pub bytes_received: u64,
    /// Bytes queued for sending.
    pub bytes_sent: u64,
    /// Top-level messages received.
    pub messages: u64,
    /// Message Bundles received.
    pub bundles: u64,
    /// Standalone Event Data messages received.
    pub event_data: u64,
    /// Keep-alive Nulls received.
    pub keep_alives: u64,
    /// Null acknowledgements sent.
    pub acks: u64,
}

/// What to acknowledge when the caller comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PendingAck {
    None,
    One,
}

/// The client side of one eStreamer session (one TCP/TLS connection).
#[derive(Debug)]
pub struct Session {
    config: SessionConfig,
    phase: Phase,
    decoder: StreamDecoder,
    transmit: Vec<u8>,
    pending_ack: PendingAck,
    close: Option<CloseReason>,
    stats: SessionStats,
}

impl Session {
    /// A session that starts by sending the Event Stream Request for `config`.
    pub fn new(config: SessionConfig) -> Session {
        let decoder = StreamDecoder::new(DecodeOptions {
            max_message_length: config.max_message_length,
            header_mode: config.header_mode,
        });
        let mut s = Session {
            phase: if config.is_extended() {
                Phase::AwaitingStreamingInformation
            } else {
                Phase::Streaming
            },
            decoder,
            transmit: Vec::with_capacity(64),
            pending_ack: PendingAck::None,
            close: None,
            stats: SessionStats::default(),
            config,
        };
        let request = EventStreamRequest {
            initial_timestamp: s.config.initial_timestamp,
            flags: s.config.flags,
        };
        s.queue(&request);
        s
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Where the session is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Counters so far.
    pub fn stats(&self) -> SessionStats {
        self.stats
    }

    /// Why the session ended, once it has.
    pub fn close_reason(&self) -> Option<&CloseReason> {
        self.close.as_ref()
    }

    /// Stream offset of the next byte to decode.
    pub fn position(&self) -> usize {
        self.decoder.position()
    }

    /// Bytes received and not yet returned as messages: after [`Session::poll`] has returned
    /// `Ok(None)`, the part of a message that has not fully arrived (0: none).
    pub fn buffered(&self) -> usize {
        self.decoder.buffered()
    }

    /// Bytes to send to the server now. Call [`Session::sent`] with how many were written.
    pub fn transmit(&self) -> &[u8] {
        &self.transmit
    }

    /// Marks the first `n` bytes of [`Session::transmit`] as written.
    pub fn sent(&mut self, n: usize) {
        let n = n.min(self.transmit.len());
        self.transmit.drain(..n);
    }

    /// Hands over bytes read from the server; returns how many were taken. Fewer than
    /// `data.len()` are taken only when a complete message waits in the buffer: call
    /// [`Session::poll`] until it returns `Ok(None)`, then hand over the rest.
    pub fn receive(&mut self, data: &[u8]) -> usize {
        if self.phase == Phase::Closed {
            return data.len();
        }
        let n = self.decoder.feed(data);
        self.stats.bytes_received += n as u64;
        n
    }

    /// Room for up to `want` bytes from the server, to read into without a copy (the decoder's
    /// own buffer): read into it, then hand the count to [`Session::received`]. The
    /// alternative to [`Session::receive`]; ask for room only after [`Session::poll`] has
    /// returned `Ok(None)`, when the buffer holds no complete message. Empty only if the
    /// buffer is full, which draining rules out.
    pub fn receive_room(&mut self, want: usize) -> &mut [u8] {
        self.decoder.room(want)
    }

    /// Takes the first `n` bytes read into [`Session::receive_room`] (discarded once the
    /// session is closed, as [`Session::receive`] discards them).
    pub fn received(&mut self, n: usize) {
        if self.phase == Phase::Closed {
            return;
        }
        self.decoder.commit(n);
        self.stats.bytes_received += n as u64;
    }

    /// The next event, `Ok(None)` when more bytes are needed. An `Err` ends the session (the
    /// bytes were corrupt); the reason is also kept in [`Session::close_reason`] and an Error
    /// message for the server is queued.
    pub fn poll(&mut self) -> Result<Option<Event<'_>>, CloseReason> {
        self.flush_ack();
        if let Some(reason) = &self.close {
            return match reason {
                CloseReason::ServerError { .. } => Ok(None),
                other => Err(other.clone()),
            };
        }
        let message = match self.decoder.next_message() {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(None),
            Err(e) => {
                let text = format!("cannot decode the server's stream: {e}");
                let reason = CloseReason::Corrupt(e);
                let m = ErrorMessage::new(-1, text.as_bytes());
                queue_into(&mut self.transmit, &mut self.stats, &m);
                self.close = Some(reason.clone());
                self.phase = Phase::Closed;
                return Err(reason);
            }
        };
        self.stats.messages += 1;
        let mode = self.config.header_mode;
        let body = match message.decode_body(mode) {
            Ok(b) => b,
            Err(error) if message.message_type() == MessageType::EVENT_DATA => {
                // A record whose header cannot be read: the caller reports it and the stream
                // goes on (the framing is intact).
                ack_if(&mut self.pending_ack, self.config.ack, AckKind::Data);
                return Ok(Some(Event::BadEventData { message, error }));
            }
            Err(e) => {
                let text = format!(
                    "cannot decode a message of type {}: {e}",
                    message.message_type().0
                );
                let reason = CloseReason::ClientError { code: -1, text };
                self.close = Some(reason.clone());
                self.phase = Phase::Closed;
                queue_into(&mut self.transmit, &mut self.stats, &error_message(&reason));
                return Err(reason);
            }
        };
        let event = match body {
            Body::Null => {
                self.stats.keep_alives += 1;
                if self.config.ack == AckPolicy::EveryMessage {
                    self.pending_ack = PendingAck::One;
                }
                Event::KeepAlive
            }
            Body::Error(err) => {
                let text = String::from_utf8_lossy(err.text.as_bytes())
                    .trim_end_matches('\0')
                    .to_owned();
                self.close = Some(CloseReason::ServerError {
                    code: err.code,
                    text,
                });
                self.phase = Phase::Closed;
                Event::ServerError {
                    code: err.code,
                    text: err.text.as_bytes(),
                }
            }
            Body::StreamingInformation(info) => {
                let services = info.services().count();
                if self.phase != Phase::AwaitingStreamingInformation {
                    // Not asked for: tolerated and ignored (eNcore answers any 2051).
                    ack_if(&mut self.pending_ack, self.config.ack, AckKind::Control);
                    return Ok(Some(Event::StreamingInformation { services }));
                }
                if info.estreamer_service().is_none() {
                    let reason = CloseReason::ClientError {
                        code: -1,
                        text: format!(
                            "the server's Streaming Information offers no eStreamer service \
                             ({ESTREAMER_SERVICE}) among {services} service(s)"
                        ),
                    };
                    self.close = Some(reason.clone());
                    self.phase = Phase::Closed;
                    queue_into(&mut self.transmit, &mut self.stats, &error_message(&reason));
                    return Err(reason);
                }
                let request = StreamingRequest::new(
                    self.config.flags,
                    self.config.initial_timestamp,
                    &self.config.extended,
                );
                queue_into(&mut self.transmit, &mut self.stats, &request);
                self.phase = Phase::Streaming;
                ack_if(&mut self.pending_ack, self.config.ack, AckKind::Control);
                Event::StreamingInformation { services }
            }
            Body::Bundle(bundle) => {
                self.stats.bundles += 1;
                self.pending_ack = PendingAck::One;
                Event::Bundle { message, bundle }
            }
            Body::EventData(data) => {
                self.stats.event_data += 1;
                self.pending_ack = PendingAck::One;
                Event::EventData { message, data }
            }
            _ => {
                ack_if(&mut self.pending_ack, self.config.ack, AckKind::Control);
                Event::Other(message)
            }
        };
        Ok(Some(event))
    }

    /// The transport reached the end of the server's stream (TCP/TLS closed). Returns why the
    /// session ended.
    pub fn closed_by_peer(&mut self) -> CloseReason {
        self.phase = Phase::Closed;
        if let Some(r) = &self.close {
            return r.clone();
        }
        let reason = if self.stats.messages == 0 {
            CloseReason::ClosedBeforeFirstMessage
        } else {
            match self.decoder.finish() {
                Err(e @ DecodeError::Incomplete { .. }) => {
                    // Closed in the middle of a message: still the server's doing.
                    let _ = e;
                    CloseReason::ClosedByServer
                }
                Err(e) => CloseReason::Corrupt(e),
                Ok(()) => CloseReason::ClosedByServer,
            }
        };
        self.close = Some(reason.clone());
        reason
    }

    /// The client ends the session: queues an Error (code -1, `text`) for the server when
    /// `text` is given, and records [`CloseReason::Shutdown`].
    pub fn shutdown(&mut self, text: Option<&str>) {
        self.flush_ack();
        if let Some(t) = text {
            let m = ErrorMessage::new(-1, t.as_bytes());
            queue_into(&mut self.transmit, &mut self.stats, &m);
        }
        if self.close.is_none() {
            self.close = Some(CloseReason::Shutdown);
        }
        self.phase = Phase::Closed;
    }

    fn flush_ack(&mut self) {
        if self.pending_ack == PendingAck::One {
            self.pending_ack = PendingAck::None;
            if self.phase != Phase::Closed {
                queue_into(&mut self.transmit, &mut self.stats, &Null);
                self.stats.acks += 1;
            }
        }
    }

    fn queue(&mut self, m: &dyn Encode) {
        queue_into(&mut self.transmit, &mut self.stats, m);
    }
}

#[derive(Clone, Copy)]
enum AckKind {
    Data,
    Control,
}

fn ack_if(pending: &mut PendingAck, policy: AckPolicy, kind: AckKind) {
    let ack = match kind {
        AckKind::Data => true,
        AckKind::Control => policy == AckPolicy::EveryMessage,
    };
    if ack {
        *pending = PendingAck::One;
    }
}

fn error_message(reason: &CloseReason) -> ErrorMessage<'_> {
    match reason {
        CloseReason::ClientError { code, text } => ErrorMessage::new(*code, text.as_bytes()),
        _ => ErrorMessage::new(-1, b""),
    }
}

fn queue_into(out: &mut Vec<u8>, stats: &mut SessionStats, m: &dyn Encode) {
    let before = out.len();
    // The messages a client sends are small and bounded (the Streaming Request holds at most
    // the configured pairs); an encode error cannot occur for them, and if it did the message
    // is simply not queued (encode_message restores the buffer).
    let _ = m.encode(out);
    stats.bytes_sent += (out.len() - before) as u64;
}
