//! The I/O every session shares: the server's bytes read straight into the session's decoder,
//! and what the session queues (the request, acknowledgements, an Error) written out. The
//! transport ([`crate::connect`]) and the troubleshooting checks ([`crate::doctor`]) both drive
//! a [`Session`] through these two functions; what they do with its events is their own.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::session::Session;

/// What one read from the server gave.
#[derive(Debug)]
pub(crate) enum Read {
    /// This many bytes, now in the session (hand them on with [`Session::poll`]).
    Bytes(usize),
    /// The server closed the connection (TLS close_notify, TCP FIN), or reading failed (the
    /// error, e.g. a TLS alert).
    Closed(Option<io::Error>),
    /// Nothing came before the deadline.
    Timeout,
}

/// The most read into the session's decoder at once.
pub(crate) const READ_CHUNK: usize = 256 * 1024;

/// Reads once from `rd` into the session's own buffer (no copy through a buffer of ours), at
/// most [`READ_CHUNK`] bytes, waiting until `deadline`; `seen` gets the bytes before the session
/// takes them (a raw copy of the session), and its error is the only `Err`. Call only after
/// [`Session::poll`] has returned `Ok(None)` (the room follows a drained buffer).
pub(crate) async fn read<R: AsyncRead + Unpin>(
    rd: &mut R,
    session: &mut Session,
    deadline: tokio::time::Instant,
    seen: impl FnOnce(&[u8]) -> io::Result<()>,
) -> io::Result<Read> {
    let room = session.receive_room(READ_CHUNK);
    Ok(
        match tokio::time::timeout_at(deadline, rd.read(&mut *room)).await {
            Err(_) => Read::Timeout,
            Ok(Ok(0)) => Read::Closed(None),
            Ok(Err(e)) => Read::Closed(Some(e)),
            Ok(Ok(n)) => {
                seen(room.get(..n).unwrap_or_default())?;
                session.received(n);
                Read::Bytes(n)
            }
        },
    )
}

/// Writes what the session has to send and flushes it; returns how many acknowledgements that
/// was (the session's count, less `acked`, which is brought up to date).
pub(crate) async fn write<W: AsyncWrite + Unpin>(
    wr: &mut W,
    session: &mut Session,
    acked: &mut u64,
) -> io::Result<u64> {
    let n = session.transmit().len();
    if n > 0 {
        wr.write_all(session.transmit()).await?;
        wr.flush().await?;
        session.sent(n);
    }
    let acks = session.stats().acks - *acked;
    *acked += acks;
    Ok(acks)
}
