//! `estreamer stream`: the JSON Lines sink of a live session, with a progress line.
//!
//! Each record becomes the object `estreamer decode` writes for it (same schema, same
//! renderer); offsets are positions in the session's decrypted byte stream. `--raw FILE`
//! keeps those bytes: the first session in FILE, session N (after reconnects) in FILE.N, so
//! that each file replays with `estreamer decode` on its own even when a session was cut in
//! the middle of a message.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use estreamer_client::connect::{BadRecord, RecordRef, Sink, StreamEvent};
use estreamer_codec::HeaderMode;
use estreamer_codec::names::Metadata;

use crate::direct::DirectFile;
use estreamer_json::Renderer;

/// Flush the JSON buffer to the output when it grows past this.
const FLUSH_AT: usize = 1 << 20;

/// An output [`JsonSink`] writes to: a writer, or a file written with direct I/O.
pub enum Output<W> {
    /// Written through `W` (standard output, a pipe): nothing to make durable.
    Plain(W),
    /// A file written through `W` (opened for appending); the `File` is the same file, made
    /// durable (`fdatasync`) before every bookmark save.
    File(W, File),
    /// Written with direct I/O ([`crate::direct`]), made durable the same way.
    Direct(DirectFile),
}

/// Opens the output anew on request: after a log rotation renamed the file (`estreamer
/// stream` asks on SIGHUP), the sink writes everything it holds to the old file and goes on
/// in a new one at the same path.
pub struct Reopen<W> {
    /// Set to ask for a reopen (from a signal handler); the sink clears it when it reopens,
    /// at its next flush (after the batch of records it is writing).
    pub requested: Arc<AtomicBool>,
    /// Opens the output.
    pub open: Box<dyn FnMut() -> io::Result<Output<W>>>,
}

/// Writes records as JSON Lines.
pub struct JsonSink<'m, W: Write> {
    renderer: Renderer<'m>,
    out: W,
    /// The file `out` writes, to make it durable before each bookmark save (`None`: standard
    /// output or a pipe).
    durable: Option<File>,
    /// With [`with_direct`](Self::with_direct): the output file, and `out` is not used.
    direct: Option<DirectFile>,
    reopen: Option<Reopen<W>>,
    /// Outputs reopened.
    pub reopened: u64,
    raw: Option<RawFiles>,
    progress: Option<Progress>,
    /// Records written.
    pub records: u64,
    /// Sessions seen.
    pub sessions: u64,
    /// Keep-alives seen.
    pub keep_alives: u64,
    /// Newest archive timestamp written.
    pub newest: u32,
    /// Messages for the log (stderr), one per session change.
    pub log: Vec<String>,
    to_stderr: bool,
}

impl<'m, W: Write> JsonSink<'m, W> {
    /// A sink writing to `out`; with `render`, names from `metadata` (which grows with the
    /// stream's metadata records).
    pub fn new(out: W, render: bool, metadata: &'m mut Metadata) -> Self {
        JsonSink {
            renderer: Renderer::new(HeaderMode::Auto, render, metadata),
            out,
            durable: None,
            direct: None,
            reopen: None,
            reopened: 0,
            raw: None,
            progress: None,
            records: 0,
            sessions: 0,
            keep_alives: 0,
            newest: 0,
            log: Vec::new(),
            to_stderr: false,
        }
    }

    /// Also keeps the decrypted bytes of each session (see the module documentation).
    pub fn with_raw(mut self, path: PathBuf) -> Self {
        self.raw = Some(RawFiles {
            base: path,
            file: None,
        });
        self
    }

    /// The file the writer writes, made durable (`fdatasync`) at every [`sync`](Sink::sync).
    pub fn with_durable(mut self, file: File) -> Self {
        self.durable = Some(file);
        self
    }

    /// Writes the JSON Lines into `file` (direct I/O, see [`crate::direct`]) instead of to
    /// the sink's writer. Before the first record.
    pub fn with_direct(mut self, mut file: DirectFile) -> io::Result<Self> {
        file.start(&mut self.renderer)?;
        self.direct = Some(file);
        Ok(self)
    }

    /// Reopens the output when `reopen.requested` is set (see [`Reopen`]).
    pub fn with_reopen(mut self, reopen: Reopen<W>) -> Self {
        self.reopen = Some(reopen);
        self
    }

    /// Writes out everything rendered and stops the direct writer, if any (dropping the sink
    /// without this loses what [`sync`](Sink::sync) has not written).
    pub fn finish(&mut self) -> io::Result<()> {
        match self.direct.take() {
            Some(mut d) => {
                d.sync(&mut self.renderer)?;
                // The file holds it all now.
                self.renderer.clear_pending();
                d.close()
            }
            None => self.flush(),
        }
    }

    /// Writes everything rendered to the current output, then opens the new one. When the
    /// new one cannot be opened, says so and goes on with the old one (a later request tries
    /// again): nothing is lost, and the bookmark stays behind what was written.
    fn reopen_now(&mut self) -> io::Result<()> {
        let Some(reopen) = &mut self.reopen else {
            return Ok(());
        };
        if !reopen.requested.swap(false, Ordering::Relaxed) {
            return Ok(());
        }
        // The old output first: when the file was not renamed, the new output opens the same
        // file, and must find it complete. `flush` (the only caller) has written and flushed
        // the ordinary output already; the direct one still holds its partial last block.
        if let Some(d) = &mut self.direct {
            d.sync(&mut self.renderer)?;
        }
        // Durable before it is left (the bookmark may cover it all at the next save).
        if let Some(f) = &self.durable {
            f.sync_data()?;
        }
        let opened = match &mut self.reopen {
            Some(reopen) => (reopen.open)(),
            None => return Ok(()),
        };
        let new = match opened {
            Ok(new) => new,
            Err(e) => {
                self.note(format!(
                    "cannot reopen the output ({e}): still writing the old one"
                ));
                return Ok(());
            }
        };
        if let Some(old) = self.direct.take() {
            // Synced above: the old file holds it all.
            self.renderer.clear_pending();
            old.close()?;
        }
        match new {
            Output::Plain(w) => {
                self.out = w;
                self.durable = None;
            }
            Output::File(w, f) => {
                self.out = w;
                self.durable = Some(f);
            }
            Output::Direct(mut d) => {
                d.start(&mut self.renderer)?;
                self.direct = Some(d);
            }
        }
        self.reopened += 1;
        self.note(format!("reopened the output ({})", self.reopened));
        Ok(())
    }

    /// Prints a progress line to stderr about once a second.
    pub fn with_progress(mut self) -> Self {
        self.progress = Some(Progress {
            last: Instant::now(),
            last_records: 0,
            started: Instant::now(),
            bytes: 0,
        });
        self
    }

    /// Session changes go to stderr as they happen (default: kept in `log`).
    pub fn print_log(mut self) -> Self {
        self.to_stderr = true;
        self
    }

    /// Error objects written (records that did not decode).
    pub fn errors(&self) -> u64 {
        self.renderer.summary().errors
    }

    /// The metadata cache.
    pub fn metadata(&mut self) -> &mut Metadata {
        self.renderer.metadata()
    }

    /// Gives back the output.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn note(&mut self, line: String) {
        if self.to_stderr {
            if self.progress.is_some() {
                eprint!("\r\x1b[K");
            }
            eprintln!("{line}");
        } else {
            self.log.push(line);
        }
    }

    fn tick(&mut self) {
        let Some(p) = &mut self.progress else { return };
        let dt = p.last.elapsed();
        if dt < Duration::from_secs(1) {
            return;
        }
        let rate = (self.records - p.last_records) as f64 / dt.as_secs_f64();
        let lag = if self.newest == 0 {
            "-".to_owned()
        } else {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            format!("{}s", now.saturating_sub(u64::from(self.newest)))
        };
        eprint!(
            "\r\x1b[K{} records, {:.0}/s, {:.1} MB, lag {lag}, reconnects {}, keep-alives {}, {:.0}s",
            self.records,
            rate,
            p.bytes as f64 / 1e6,
            self.sessions.saturating_sub(1),
            self.keep_alives,
            p.started.elapsed().as_secs_f64()
        );
        p.last = Instant::now();
        p.last_records = self.records;
    }
}

struct Progress {
    last: Instant,
    last_records: u64,
    started: Instant,
    bytes: u64,
}

struct RawFiles {
    base: PathBuf,
    file: Option<BufWriter<File>>,
}

impl<W: Write> Sink for JsonSink<'_, W> {
    fn record(&mut self, r: RecordRef<'_>) -> io::Result<()> {
        // The session decoded the body already: not again.
        self.renderer
            .event_data_pending(&r.message, &r.data, r.mode, r.bundle);
        self.records += 1;
        if let Some(ts) = r.data.archive_timestamp() {
            self.newest = self.newest.max(ts);
        }
        if let Some(d) = &mut self.direct {
            d.maybe_hand_over(&mut self.renderer)?;
        } else if self.renderer.pending().len() >= FLUSH_AT {
            self.out.write_all(self.renderer.pending())?;
            self.renderer.clear_pending();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.direct.is_some() {
            // Whole buffers went to the writer thread as they filled; the rest is written by
            // `sync`, before the bookmark.
        } else if !self.renderer.pending().is_empty() {
            self.out.write_all(self.renderer.pending())?;
            self.renderer.clear_pending();
        }
        self.out.flush()?;
        if let Some(raw) = &mut self.raw {
            if let Some(f) = &mut raw.file {
                f.flush()?;
            }
        }
        if self.reopen.is_some() {
            self.reopen_now()?;
        }
        self.tick();
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        if let Some(d) = &mut self.direct {
            d.sync(&mut self.renderer)?;
        }
        if let Some(f) = &self.durable {
            f.sync_data()?;
        }
        Ok(())
    }

    fn sync_later(&mut self) -> io::Result<Vec<File>> {
        let mut files = Vec::new();
        if let Some(d) = &mut self.direct {
            d.write_out(&mut self.renderer)?;
            files.push(d.file().try_clone()?);
        }
        if let Some(f) = &self.durable {
            files.push(f.try_clone()?);
        }
        Ok(files)
    }

    fn bad_record(&mut self, bad: BadRecord<'_>) -> io::Result<()> {
        match &bad.member {
            Some((bundle, index)) => {
                self.renderer
                    .member_error_pending(&bad.message, bundle, *index, &bad.error)
            }
            None => self
                .renderer
                .message_error_pending(&bad.message, &bad.error),
        }
        if let Some(d) = &mut self.direct {
            d.maybe_hand_over(&mut self.renderer)?;
        }
        Ok(())
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(p) = &mut self.progress {
            p.bytes += bytes.len() as u64;
        }
        if let Some(raw) = &mut self.raw {
            if raw.file.is_none() {
                let path = if self.sessions <= 1 {
                    raw.base.clone()
                } else {
                    let mut name = raw.base.clone().into_os_string();
                    name.push(format!(".{}", self.sessions));
                    PathBuf::from(name)
                };
                raw.file = Some(BufWriter::new(File::create(path)?));
            }
            if let Some(f) = &mut raw.file {
                f.write_all(bytes)?;
            }
        }
        Ok(())
    }

    fn event(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::Connected { addr, start } => {
                self.sessions += 1;
                if let Some(raw) = &mut self.raw {
                    raw.file = None;
                }
                self.note(format!("connected to {addr}, streaming from {start}"));
            }
            StreamEvent::Disconnected(reason) => self.note(format!("session ended: {reason}")),
            StreamEvent::ConnectFailed(e) => self.note(format!("connect failed: {e}")),
            StreamEvent::Retrying(d) => {
                self.note(format!("reconnecting in {:.1}s", d.as_secs_f64()))
            }
            StreamEvent::KeepAlive => {
                self.keep_alives += 1;
                self.tick();
            }
            StreamEvent::Undecodable(e) => self.note(format!("undecodable record: {e}")),
            StreamEvent::Notice(e) => self.note(e.clone()),
            StreamEvent::BookmarkSaved { .. } | StreamEvent::Acknowledged { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::io::{self, Write};
    use std::rc::Rc;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use estreamer_client::connect::Sink;
    use estreamer_codec::names::Metadata;
    use estreamer_codec::{DecodeOptions, Messages};
    use estreamer_synth::{SynthConfig, synth};

    use super::{JsonSink, Output, Reopen};

    /// A writer whose bytes the test keeps after the sink has dropped it.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn lines(&self) -> usize {
            self.0.borrow().iter().filter(|&&b| b == b'\n').count()
        }
    }

    #[test]
    fn a_reopen_writes_out_the_old_output_first_and_survives_a_failed_open() {
        let bytes = synth(&SynthConfig {
            target_bytes: 64 << 10,
            min_bundle_messages: 5,
            max_bundle_messages: 10,
            ..SynthConfig::DEFAULT
        })
        .bytes;
        let messages: Vec<_> = Messages::new(&bytes, DecodeOptions::default())
            .map_while(Result::ok)
            .take(4)
            .collect();
        assert_eq!(messages.len(), 4);
        let (first, second) = (Shared::default(), Shared::default());
        let requested = Arc::new(AtomicBool::new(false));
        // The first open fails (as for a directory that is not writable), the second works.
        let mut opens = vec![
            Ok(Output::Plain(second.clone())),
            Err(io::Error::other("no")),
        ];
        let mut md = Metadata::new();
        let mut sink = JsonSink::new(first.clone(), false, &mut md).with_reopen(Reopen {
            requested: Arc::clone(&requested),
            open: Box::new(move || opens.pop().unwrap()),
        });
        let write = |sink: &mut JsonSink<'_, Shared>, i: usize| {
            sink.renderer.message_pending(&messages[i]);
            sink.flush().unwrap();
        };
        write(&mut sink, 0);
        let one = first.lines();
        assert!(one > 0);
        // Asked, but the open fails: the old output goes on.
        requested.store(true, Ordering::Relaxed);
        write(&mut sink, 1);
        assert!(sink.log.iter().any(|l| l.contains("cannot reopen")));
        assert_eq!(sink.reopened, 0);
        let two = first.lines();
        assert!(two > one);
        // Asked again: what was rendered before the flush goes to the old output, what comes
        // after to the new one.
        requested.store(true, Ordering::Relaxed);
        write(&mut sink, 2);
        assert_eq!(sink.reopened, 1);
        assert!(!requested.load(Ordering::Relaxed));
        let three = first.lines();
        assert!(three > two);
        assert_eq!(second.lines(), 0);
        write(&mut sink, 3);
        assert_eq!(first.lines(), three);
        assert!(second.lines() > 0);
        sink.finish().unwrap();
    }
}
