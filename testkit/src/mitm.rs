//! A TLS man-in-the-middle for fault-injection tests: it stands between a client and a real
//! eStreamer server on loopback, decrypts both directions with the test PKI, passes the
//! client's bytes on unchanged and the server's message by message, and damages the server's
//! stream as it is told: one bundle member's header version, one record's length, a byte at
//! a message boundary, a stall in the middle of a message, or a trickle of bytes.
//!
//! Faults apply to one connection (`connection`, 1-based: the first client connection is 1),
//! so a test sees the client meet the fault and then recover on the next connection. The
//! proxy presents the server identity it is given (a certificate the client's CA issued) and
//! connects upstream with the client identity it is given.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Largest message the proxy frames; a larger declared length is passed on as it is.
const MAX_FRAME: usize = 16 << 20;

/// A fault the proxy injects into the server's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MitmFault {
    /// Sets the header version of member `member` (0-based) of the `bundle`-th Message Bundle
    /// (1-based) of connection `connection` to `version`.
    InnerVersion {
        /// Connection, 1-based.
        connection: u64,
        /// Bundle of that connection, 1-based.
        bundle: u64,
        /// Member, 0-based.
        member: usize,
        /// The version to write.
        version: u16,
    },
    /// Sets the record length (the second word of the record header) of member `member` of
    /// the `bundle`-th bundle of connection `connection` to `length`.
    RecordLength {
        /// Connection, 1-based.
        connection: u64,
        /// Bundle of that connection, 1-based.
        bundle: u64,
        /// Member, 0-based.
        member: usize,
        /// The length to write.
        length: u32,
    },
    /// XORs `mask` into the first byte of the `message`-th message (1-based, every type
    /// counted) of connection `connection`: the byte at a message boundary.
    FlipAtBoundary {
        /// Connection, 1-based.
        connection: u64,
        /// Message of that connection, 1-based.
        message: u64,
        /// The bits to flip.
        mask: u8,
    },
    /// Sends the first half of the `message`-th message of connection `connection`, then
    /// nothing for `pause`, then the rest.
    Stall {
        /// Connection, 1-based.
        connection: u64,
        /// Message of that connection, 1-based.
        message: u64,
        /// How long nothing is sent.
        pause: Duration,
    },
    /// From the `message`-th message of connection `connection` on, sends `bytes` bytes every
    /// `every`.
    Trickle {
        /// Connection, 1-based.
        connection: u64,
        /// First message trickled, 1-based.
        message: u64,
        /// Bytes per step.
        bytes: usize,
        /// Time between steps.
        every: Duration,
    },
}

impl MitmFault {
    fn connection(&self) -> u64 {
        match self {
            MitmFault::InnerVersion { connection, .. }
            | MitmFault::RecordLength { connection, .. }
            | MitmFault::FlipAtBoundary { connection, .. }
            | MitmFault::Stall { connection, .. }
            | MitmFault::Trickle { connection, .. } => *connection,
        }
    }
}

/// What the proxy needs.
#[derive(Clone)]
pub struct MitmConfig {
    /// The real server.
    pub upstream: SocketAddr,
    /// The TLS configuration towards the client (a server identity the client trusts).
    pub toward_client: Arc<rustls::ServerConfig>,
    /// The TLS configuration towards the server (a client identity the server accepts).
    pub toward_server: Arc<rustls::ClientConfig>,
    /// The faults.
    pub faults: Vec<MitmFault>,
}

/// Counters of a running proxy.
#[derive(Debug, Default)]
pub struct MitmStats {
    /// Client connections accepted.
    pub connections: AtomicU64,
    /// Faults applied.
    pub faults_applied: AtomicU64,
    /// Server bytes passed to clients.
    pub bytes_to_client: AtomicU64,
}

/// A running proxy.
#[derive(Debug)]
pub struct MitmHandle {
    /// Where clients connect.
    pub local_addr: SocketAddr,
    /// Its counters.
    pub stats: Arc<MitmStats>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl MitmHandle {
    /// Stops accepting and closes every connection.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Listens on `listen` and proxies every connection to `config.upstream`.
pub async fn start(listen: SocketAddr, config: MitmConfig) -> std::io::Result<MitmHandle> {
    let listener = TcpListener::bind(listen).await?;
    let local_addr = listener.local_addr()?;
    let stats = Arc::new(MitmStats::default());
    let (stop, mut stop_rx) = watch::channel(false);
    let shared = Arc::new((config, Arc::clone(&stats)));
    let task = tokio::spawn(async move {
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                _ = stop_rx.changed() => break,
                accepted = listener.accept() => {
                    let Ok((tcp, _)) = accepted else { continue };
                    let n = shared.1.connections.fetch_add(1, Ordering::Relaxed) + 1;
                    let shared = Arc::clone(&shared);
                    let mut stop = stop_rx.clone();
                    tasks.spawn(async move {
                        tokio::select! {
                            _ = stop.changed() => {}
                            _ = proxy(tcp, n, &shared.0, &shared.1) => {}
                        }
                    });
                }
            }
            while tasks.try_join_next().is_some() {}
        }
        tasks.shutdown().await;
    });
    Ok(MitmHandle {
        local_addr,
        stats,
        stop,
        task,
    })
}

async fn proxy(tcp: TcpStream, connection: u64, config: &MitmConfig, stats: &MitmStats) {
    let _ = tcp.set_nodelay(true);
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::clone(&config.toward_client));
    let Ok(client) = acceptor.accept(tcp).await else {
        return;
    };
    let Ok(up) = TcpStream::connect(config.upstream).await else {
        return;
    };
    let _ = up.set_nodelay(true);
    let connector = tokio_rustls::TlsConnector::from(Arc::clone(&config.toward_server));
    let name = estreamer_client::tls::server_name(&config.upstream.ip().to_string());
    let Ok(server) = connector.connect(name, up).await else {
        return;
    };
    let faults: Vec<MitmFault> = config
        .faults
        .iter()
        .filter(|f| f.connection() == connection)
        .cloned()
        .collect();
    let (mut client_rd, mut client_wr) = tokio::io::split(client);
    let (mut server_rd, mut server_wr) = tokio::io::split(server);
    let upward = async {
        let _ = tokio::io::copy(&mut client_rd, &mut server_wr).await;
        let _ = server_wr.shutdown().await;
    };
    let downward = async {
        let _ = forward(&mut server_rd, &mut client_wr, &faults, stats).await;
        let _ = client_wr.shutdown().await;
    };
    tokio::join!(upward, downward);
}

/// Passes the server's messages on, applying `faults`.
async fn forward<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    rd: &mut R,
    wr: &mut W,
    faults: &[MitmFault],
    stats: &MitmStats,
) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut chunk = vec![0u8; 64 * 1024];
    let (mut messages, mut bundles) = (0u64, 0u64);
    let mut trickle: Option<(usize, Duration)> = None;
    loop {
        // Every complete message in the buffer, one by one.
        while let Some(header) = buf.get(..8) {
            let len = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
            if len > MAX_FRAME {
                // Not framed: pass everything on as it is, from here to the end.
                wr.write_all(&buf).await?;
                buf.clear();
                break;
            }
            let total = 8 + len;
            if buf.len() < total {
                break;
            }
            let mut message: Vec<u8> = buf.drain(..total).collect();
            messages += 1;
            let is_bundle = message.get(2..4) == Some(&[0x0f, 0xa2]);
            if is_bundle {
                bundles += 1;
            }
            let mut stall = None;
            for f in faults {
                let applied = match *f {
                    MitmFault::InnerVersion {
                        bundle,
                        member,
                        version,
                        ..
                    } if is_bundle && bundle == bundles => member_at(&message, member)
                        .and_then(|at| message.get_mut(at..at + 2))
                        .map(|b| b.copy_from_slice(&version.to_be_bytes()))
                        .is_some(),
                    MitmFault::RecordLength {
                        bundle,
                        member,
                        length,
                        ..
                    } if is_bundle && bundle == bundles => member_at(&message, member)
                        .and_then(|at| message.get_mut(at + 12..at + 16))
                        .map(|b| b.copy_from_slice(&length.to_be_bytes()))
                        .is_some(),
                    MitmFault::FlipAtBoundary {
                        message: m, mask, ..
                    } if m == messages => message.get_mut(0).map(|b| *b ^= mask).is_some(),
                    MitmFault::Stall {
                        message: m, pause, ..
                    } if m == messages => {
                        stall = Some(pause);
                        true
                    }
                    MitmFault::Trickle {
                        message: m,
                        bytes,
                        every,
                        ..
                    } if m == messages => {
                        trickle = Some((bytes.max(1), every));
                        true
                    }
                    _ => false,
                };
                if applied {
                    stats.faults_applied.fetch_add(1, Ordering::Relaxed);
                }
            }
            match (stall, trickle) {
                (_, Some((bytes, every))) => {
                    for piece in message.chunks(bytes) {
                        wr.write_all(piece).await?;
                        wr.flush().await?;
                        stats
                            .bytes_to_client
                            .fetch_add(piece.len() as u64, Ordering::Relaxed);
                        tokio::time::sleep(every).await;
                    }
                }
                (Some(pause), None) => {
                    let half = message.len() / 2;
                    wr.write_all(message.get(..half).unwrap_or_default())
                        .await?;
                    wr.flush().await?;
                    tokio::time::sleep(pause).await;
                    wr.write_all(message.get(half..).unwrap_or_default())
                        .await?;
                    stats
                        .bytes_to_client
                        .fetch_add(message.len() as u64, Ordering::Relaxed);
                }
                (None, None) => {
                    wr.write_all(&message).await?;
                    stats
                        .bytes_to_client
                        .fetch_add(message.len() as u64, Ordering::Relaxed);
                }
            }
        }
        wr.flush().await?;
        let n = rd.read(&mut chunk).await?;
        if n == 0 {
            wr.write_all(&buf).await?;
            return wr.flush().await;
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// The offset in `bundle` (a whole Message Bundle) of member `index`'s header.
fn member_at(bundle: &[u8], index: usize) -> Option<usize> {
    let mut at = 16;
    for _ in 0..index {
        let len = bundle.get(at + 4..at + 8)?;
        at += 8 + u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    }
    (at + 8 <= bundle.len()).then_some(at)
}
