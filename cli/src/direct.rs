//! `estreamer stream --direct`: the JSON Lines file written with direct I/O (`O_DIRECT`) from
//! a writer thread, bypassing the page cache.
//!
//! Why: at a few hundred thousand events a second the stream writes about a gigabyte of JSON a
//! second. Through the page cache, the kernel copies every byte into freshly allocated pages
//! and does per-page bookkeeping for them, on the client's core: that was a third of the
//! client's time (PERFORMANCE.md), and the part that varied most from run to run. Direct I/O
//! hands the renderer's own buffer to the device: no copy, no page-cache growth; a writer
//! thread waits for the device while the renderer fills the next buffer.
//!
//! How the file stays exact, though direct I/O can only write whole, aligned blocks
//! ([`ALIGN`] bytes) from aligned memory:
//!
//! * The renderer writes into an aligned buffer whose first byte belongs at file offset
//!   `pos`, a multiple of [`ALIGN`]. When the buffer is full, its whole blocks go to the
//!   writer thread; the bytes after the last whole block (less than a block) move to the
//!   start of the next buffer, which then begins at the next `pos`.
//! * [`sync`](DirectFile::sync) (before every bookmark save, and at the end) waits for the
//!   writer thread and writes that partial block with an ordinary write. The file then holds
//!   exactly what was rendered. The partial block stays in the buffer, and its next direct
//!   write covers the same bytes again (the kernel writes back and drops the page the
//!   ordinary write left in the cache before a direct write over it).
//! * An existing file is continued: its last partial block is read back into the first
//!   buffer, which begins at the block's offset.
//!
//! Consequences (also in `estreamer stream --help`): the file is written at offsets the
//! writer tracks, not in append mode, so rotating it with `copytruncate` would leave a hole
//! (rename it and restart instead); and a filesystem that refuses direct writes (`EINVAL`)
//! gets ordinary writes at the same offsets instead, from then on.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
#[cfg(not(target_os = "linux"))]
use {crate::decode::Renderer, std::path::Path};

/// True when `file` is a regular file whose last byte is not a line break: a stream killed
/// during a write left its last line cut short. The next record must then start with a line
/// break of its own (both `stream` outputs do this; nothing in the file is removed).
pub fn ends_mid_line(mut file: &File) -> io::Result<bool> {
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(meta.len() - 1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[cfg(target_os = "linux")]
pub use linux::DirectFile;

/// Block size and memory alignment of every direct write: 4 KiB satisfies every Linux block
/// device and filesystem in common use (their logical blocks are 512 bytes or 4 KiB).
pub const ALIGN: usize = 4096;

/// A buffer is handed to the writer thread when it holds this much. Measured on the 2-vCPU VM
/// of PERFORMANCE.md (session 6) against 256 KiB to 8 MiB buffers, one to eight of them with
/// the thread: none did better than 2 MiB x 3, and smaller ones did not lower the user time.
pub const CHUNK: usize = 2 << 20;

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    use std::path::Path;
    use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
    use std::thread::JoinHandle;

    use super::{ALIGN, CHUNK};
    use crate::decode::Renderer;
    use crate::json::Out;

    /// Room beyond [`CHUNK`] in each buffer, so that the record that crosses it does not make the
    /// buffer grow (a larger record still can: the buffer then grows, keeping its alignment).
    const SLACK: usize = 256 << 10;

    /// Buffers with the writer thread at most (one being written, the others queued), besides
    /// the one the renderer fills.
    const DEPTH: usize = 3;

    struct Job {
        buf: Out,
        /// Bytes of `buf` to write: a multiple of [`ALIGN`].
        n: usize,
        at: u64,
    }

    /// An output file written with direct I/O (see the module documentation).
    pub struct DirectFile {
        /// The renderer's first buffer, until [`start`](Self::start).
        first: Option<Out>,
        /// For the partial last block, reading it back, and the fallback of the writer thread.
        plain: File,
        /// File offset of the first byte of the renderer's buffer: a multiple of [`ALIGN`].
        pos: u64,
        jobs: Option<SyncSender<Job>>,
        done: Receiver<(Out, io::Result<()>)>,
        in_flight: usize,
        spare: Vec<Out>,
        worker: Option<JoinHandle<()>>,
    }

    impl DirectFile {
        /// Opens (or creates) `path` for direct writes after its current end; the file's
        /// partial last block is read back into the first buffer, which
        /// [`start`](Self::start) gives the renderer.
        ///
        /// Fails when `path` is not a regular file or cannot be opened with `O_DIRECT` (e.g. a
        /// filesystem without it): the caller then writes the ordinary way.
        pub fn open(path: &Path) -> io::Result<DirectFile> {
            if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a regular file",
                ));
            }
            let direct = OpenOptions::new()
                .write(true)
                .create(true)
                .custom_flags(libc::O_DIRECT)
                .open(path)?;
            let plain = OpenOptions::new().read(true).write(true).open(path)?;
            let len = plain.metadata()?.len();
            let pos = len & !(ALIGN as u64 - 1);
            let mut first = Out::aligned(CHUNK + SLACK, ALIGN);
            let partial = usize::try_from(len - pos).unwrap_or(0);
            if partial > 0 {
                let mut head = vec![0u8; partial];
                plain.read_exact_at(&mut head, pos)?;
                first.extend_from_slice(&head);
            }
            if super::ends_mid_line(&plain)? {
                first.push(b'\n');
            }
            let (jobs, inbox) = sync_channel::<Job>(DEPTH);
            let (outbox, done) = sync_channel(DEPTH + 1);
            let fallback = plain.try_clone()?;
            let worker = std::thread::Builder::new()
                .name("estreamer-out".into())
                .spawn(move || write_jobs(direct, fallback, inbox, outbox))?;
            Ok(DirectFile {
                first: Some(first),
                plain,
                pos,
                jobs: Some(jobs),
                done,
                in_flight: 0,
                spare: Vec::new(),
                worker: Some(worker),
            })
        }

        /// Makes `renderer` write into this file's buffers. Fails when it holds output
        /// already (which would otherwise be lost) or was given one before.
        pub fn start(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            if !renderer.pending().is_empty() {
                return Err(io::Error::other("the renderer has unwritten output"));
            }
            let mut first = self
                .first
                .take()
                .ok_or_else(|| io::Error::other("the direct output is started already"))?;
            renderer.swap_pending(&mut first);
            Ok(())
        }

        /// Hands the renderer's whole blocks to the writer thread once it holds [`CHUNK`] bytes.
        #[inline]
        pub fn maybe_hand_over(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            if renderer.pending().len() >= CHUNK {
                self.hand_over(renderer)?;
            }
            Ok(())
        }

        /// Hands the renderer's whole blocks to the writer thread; the renderer goes on in another
        /// buffer that starts with the bytes after them.
        fn hand_over(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            let n = renderer.pending().len() & !(ALIGN - 1);
            if n == 0 {
                return Ok(());
            }
            let mut next = match self.spare.pop() {
                Some(b) => b,
                None if self.in_flight < DEPTH => Out::aligned(CHUNK + SLACK, ALIGN),
                None => self.wait_one()?,
            };
            next.clear();
            next.extend_from_slice(renderer.pending().get(n..).unwrap_or_default());
            renderer.swap_pending(&mut next);
            let job = Job {
                buf: next,
                n,
                at: self.pos,
            };
            let jobs = self.jobs.as_ref().ok_or_else(gone)?;
            jobs.send(job).map_err(|_| gone())?;
            self.in_flight += 1;
            self.pos += n as u64;
            Ok(())
        }

        /// Waits for one buffer back from the writer thread.
        fn wait_one(&mut self) -> io::Result<Out> {
            let (buf, result) = self.done.recv().map_err(|_| gone())?;
            self.in_flight -= 1;
            result.map(|()| buf)
        }

        /// Makes the file hold everything the renderer wrote: hands over the whole blocks, waits
        /// for the writer thread, then writes the partial last block the ordinary way.
        pub fn sync(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            self.hand_over(renderer)?;
            while self.in_flight > 0 {
                let buf = self.wait_one()?;
                self.spare.push(buf);
            }
            let tail = renderer.pending();
            if !tail.is_empty() {
                self.plain.write_all_at(tail, self.pos)?;
            }
            Ok(())
        }

        /// Stops the writer thread (after [`sync`](Self::sync) for an exact file).
        pub fn close(mut self) -> io::Result<()> {
            self.stop()
        }

        fn stop(&mut self) -> io::Result<()> {
            let mut first = Ok(());
            while self.in_flight > 0 {
                if let Err(e) = self.wait_one() {
                    if first.is_ok() {
                        first = Err(e);
                    }
                }
            }
            self.jobs = None;
            if let Some(w) = self.worker.take() {
                if w.join().is_err() && first.is_ok() {
                    first = Err(io::Error::other("the output writer thread panicked"));
                }
            }
            first
        }
    }

    impl Drop for DirectFile {
        fn drop(&mut self) {
            let _ = self.stop();
        }
    }

    fn gone() -> io::Error {
        io::Error::other("the output writer thread stopped")
    }

    /// The writer thread: each job's bytes at its offset, with `direct`; with `fallback` (no
    /// `O_DIRECT`) from the first `EINVAL` on, for a filesystem or buffer that refuses direct I/O.
    fn write_jobs(
        direct: File,
        fallback: File,
        inbox: Receiver<Job>,
        outbox: SyncSender<(Out, io::Result<()>)>,
    ) {
        let mut use_direct = true;
        for job in inbox {
            let bytes = job.buf.filled().get(..job.n).unwrap_or_default();
            let mut result = Err(io::Error::from(io::ErrorKind::InvalidInput));
            if use_direct {
                result = direct.write_all_at(bytes, job.at);
                if result
                    .as_ref()
                    .is_err_and(|e| e.raw_os_error() == Some(libc::EINVAL))
                {
                    use_direct = false;
                    eprintln!(
                        "estreamer: direct writes refused (EINVAL): writing the file the ordinary way from here on"
                    );
                }
            }
            if !use_direct {
                result = fallback.write_all_at(bytes, job.at);
            }
            if outbox.send((job.buf, result)).is_err() {
                return;
            }
        }
    }
}

/// Direct I/O is implemented for Linux only: elsewhere [`DirectFile::open`] fails and the
/// caller writes the ordinary way.
#[cfg(not(target_os = "linux"))]
pub struct DirectFile {
    never: std::convert::Infallible,
}

#[cfg(not(target_os = "linux"))]
impl DirectFile {
    /// Fails: direct I/O is implemented for Linux only.
    pub fn open(_path: &Path) -> io::Result<DirectFile> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "direct I/O is implemented for Linux only",
        ))
    }

    /// Never called (no value exists).
    pub fn start(&mut self, _renderer: &mut Renderer<'_>) -> io::Result<()> {
        match self.never {}
    }

    /// Never called (no value exists).
    pub fn maybe_hand_over(&mut self, _renderer: &mut Renderer<'_>) -> io::Result<()> {
        match self.never {}
    }

    /// Never called (no value exists).
    pub fn sync(&mut self, _renderer: &mut Renderer<'_>) -> io::Result<()> {
        match self.never {}
    }

    /// Never called (no value exists).
    pub fn close(self) -> io::Result<()> {
        match self.never {}
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::PathBuf;

    use estreamer_codec::metadata::Metadata;
    use estreamer_codec::{DecodeOptions, HeaderMode, Messages};
    use estreamer_synth::{SynthConfig, synth};

    use super::{ALIGN, CHUNK, DirectFile};
    use crate::decode::Renderer;

    fn temp(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("estreamer-direct-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// Renders a synthesized stream (bundles, keep-alives, every record kind) into `path`
    /// through a [`DirectFile`], syncing every `sync_every` messages; after each sync the file
    /// must hold exactly `before` plus what an ordinary renderer wrote for the same messages.
    fn render_into(path: &std::path::Path, seed: u64, sync_every: usize) -> (usize, usize) {
        let before = std::fs::read(path).unwrap_or_default();
        let bytes = synth(&SynthConfig {
            seed,
            target_bytes: 3 << 20,
            ..SynthConfig::DEFAULT
        })
        .bytes;
        let (mut md, mut md_ref) = (Metadata::new(), Metadata::new());
        let mut r = Renderer::new(HeaderMode::Auto, true, &mut md);
        let mut reference = Renderer::new(HeaderMode::Auto, true, &mut md_ref);
        let mut expected = before.clone();
        let mut file = DirectFile::open(path).unwrap();
        file.start(&mut r).unwrap();
        let (mut messages, mut syncs) = (0, 0);
        for m in Messages::new(&bytes, DecodeOptions::default()).map_while(Result::ok) {
            r.message_pending(&m);
            reference.message(&mut expected, &m);
            file.maybe_hand_over(&mut r).unwrap();
            messages += 1;
            if messages % sync_every == 0 {
                file.sync(&mut r).unwrap();
                syncs += 1;
                assert!(
                    std::fs::read(path).unwrap() == expected,
                    "after sync {syncs}, message {messages}"
                );
            }
        }
        file.sync(&mut r).unwrap();
        file.close().unwrap();
        let written = std::fs::read(path).unwrap();
        assert_eq!(written.len(), expected.len());
        assert!(written == expected, "the whole file");
        (expected.len() - before.len(), syncs)
    }

    #[test]
    fn the_file_holds_exactly_what_was_rendered_at_every_sync() {
        let dir = temp("exact");
        let path = dir.join("out.jsonl");
        // A new file; then the same file continued from a partial last block (as a restarted
        // stream continues it), with syncs that leave a partial block behind each time.
        let (first, syncs) = render_into(&path, 1, 7);
        assert!(
            first > 3 * CHUNK,
            "several buffers went to the writer thread: {first}"
        );
        assert!(syncs >= 3);
        assert_ne!(std::fs::metadata(&path).unwrap().len() % ALIGN as u64, 0);
        let (second, _) = render_into(&path, 2, 3);
        assert!(second > 3 * CHUNK);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_existing_file_is_continued_after_its_last_byte() {
        let dir = temp("continue");
        let path = dir.join("out.jsonl");
        // 5,000 bytes: one whole block and a partial one, which is read back and rewritten.
        let mut head: Vec<u8> = (0..4999u32).map(|i| b'a' + (i % 26) as u8).collect();
        head.push(b'\n');
        std::fs::write(&path, &head).unwrap();
        let (n, _) = render_into(&path, 3, 10_000);
        let all = std::fs::read(&path).unwrap();
        assert_eq!(all.len(), head.len() + n);
        assert!(all.starts_with(&head));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_cut_mid_line_gets_a_line_break_first() {
        let dir = temp("cut");
        for len in [3usize, 4096, 5000] {
            let path = dir.join(format!("out-{len}.jsonl"));
            let head = vec![b'x'; len];
            std::fs::write(&path, &head).unwrap();
            let mut md = Metadata::new();
            let mut r = Renderer::new(HeaderMode::Auto, false, &mut md);
            let mut file = DirectFile::open(&path).unwrap();
            file.start(&mut r).unwrap();
            r.message_pending(&first_message());
            let line = r.pending().get(len % ALIGN + 1..).unwrap().to_vec();
            file.sync(&mut r).unwrap();
            file.close().unwrap();
            let mut expected = head.clone();
            expected.push(b'\n');
            expected.extend_from_slice(&line);
            assert!(std::fs::read(&path).unwrap() == expected, "{len}");
            assert!(line.starts_with(b"{") && line.ends_with(b"\n"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn first_message() -> estreamer_codec::Message<'static> {
        let bytes = synth(&SynthConfig {
            target_bytes: 4096,
            ..SynthConfig::DEFAULT
        })
        .bytes
        .leak();
        Messages::new(bytes, DecodeOptions::default())
            .next()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn refuses_what_it_cannot_write_exactly() {
        // Not a regular file (a device): the caller writes the ordinary way.
        let e = DirectFile::open(std::path::Path::new("/dev/null"))
            .err()
            .unwrap();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let dir = temp("refuse");
        let path = dir.join("out.jsonl");
        let mut md = Metadata::new();
        let mut r = Renderer::new(HeaderMode::Auto, false, &mut md);
        r.message_pending(&first_message());
        // A renderer holding output: starting would lose it.
        let mut file = DirectFile::open(&path).unwrap();
        assert!(file.start(&mut r).is_err());
        r.clear_pending();
        file.start(&mut r).unwrap();
        // Started once only.
        assert!(file.start(&mut r).is_err());
        file.close().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
