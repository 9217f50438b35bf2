//! Ctrl-C (SIGINT) and SIGTERM for `estreamer decode`, which runs without an async runtime:
//! the first signal ends the input (the decoder then writes out everything it holds and the
//! metadata cache is saved), and the command exits with 128 + the signal's number. A second
//! signal ends it at once, with the same status.
//!
//! A read from a regular file never blocks for long, so the input reads as ended at the next
//! read after the signal. A pipe or a terminal can block for ever: such an input is read by a
//! thread of its own into a small queue, and the decoder's side of the queue gives up waiting
//! as soon as a signal arrives.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::time::Duration;

/// The number of the first SIGINT or SIGTERM received (0: none yet).
#[derive(Clone, Default)]
pub struct Stop(Arc<AtomicUsize>);

impl Stop {
    /// Installs the handlers. Without them (an error, or not Unix) a signal keeps its default
    /// action.
    pub fn install() -> Stop {
        let stop = Stop::default();
        #[cfg(unix)]
        {
            // The second signal ends the process at once (a write blocked on a stalled pipe):
            // its check runs before the first signal's flag is set.
            let second = Arc::new(std::sync::atomic::AtomicBool::new(false));
            for (sig, status) in [
                (signal_hook::consts::SIGINT, 130),
                (signal_hook::consts::SIGTERM, 143),
            ] {
                let value = usize::try_from(sig).unwrap_or(1);
                let registered = signal_hook::flag::register_conditional_shutdown(
                    sig,
                    status,
                    Arc::clone(&second),
                )
                .and_then(|_| signal_hook::flag::register(sig, Arc::clone(&second)))
                .and_then(|_| signal_hook::flag::register_usize(sig, Arc::clone(&stop.0), value));
                if let Err(e) = registered {
                    eprintln!(
                        "estreamer: cannot handle signal {sig} ({e}): it will stop decode at once"
                    );
                }
            }
        }
        stop
    }

    /// The signal received, if any.
    pub fn signal(&self) -> Option<i32> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }

    /// `reader` as an input that ends when a signal arrives. `regular` says whether it is a
    /// regular file (read directly) or something that may block (read by a thread).
    pub fn input<R: Read + Send + 'static>(&self, reader: R, regular: bool) -> Box<dyn Read> {
        if regular {
            Box::new(Checked {
                inner: reader,
                stop: self.clone(),
            })
        } else {
            Box::new(Queued::spawn(reader, self.clone()))
        }
    }
}

/// A reader that reads as ended once a signal has arrived.
struct Checked<R> {
    inner: R,
    stop: Stop,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.signal().is_some() {
            return Ok(0);
        }
        self.inner.read(buf)
    }
}

/// Chunks read by a thread (which may stay blocked in a read; it ends with the process).
struct Queued {
    chunks: Receiver<io::Result<Vec<u8>>>,
    current: Vec<u8>,
    at: usize,
    stop: Stop,
    ended: bool,
}

impl Queued {
    fn spawn<R: Read + Send + 'static>(mut reader: R, stop: Stop) -> Queued {
        const CHUNK: usize = 64 * 1024;
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(4);
        let spawned = std::thread::Builder::new()
            .name("estreamer-input".into())
            .spawn(move || {
                loop {
                    let mut buf = vec![0u8; CHUNK];
                    let r = match reader.read(&mut buf) {
                        Ok(n) => {
                            buf.truncate(n);
                            Ok(buf)
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => Err(e),
                    };
                    let end = !matches!(&r, Ok(b) if !b.is_empty());
                    if tx.send(r).is_err() || end {
                        return;
                    }
                }
            });
        let ended = spawned.is_err();
        Queued {
            chunks: rx,
            current: Vec::new(),
            at: 0,
            stop,
            ended,
        }
    }
}

impl Read for Queued {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.current.len() {
            if self.ended || self.stop.signal().is_some() {
                return Ok(0);
            }
            match self.chunks.recv_timeout(Duration::from_millis(100)) {
                Ok(Ok(chunk)) if chunk.is_empty() => self.ended = true,
                Ok(Ok(chunk)) => {
                    self.current = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.ended = true,
            }
        }
        let rest = self.current.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}
