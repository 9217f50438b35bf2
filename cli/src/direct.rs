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
//! Rotation: the file is written at offsets the writer tracks, not in append mode, so a file
//! truncated under it (logrotate's `copytruncate`) would get a hole of zeros up to the next
//! write's offset. Before every write (each buffer the writer thread takes, and each sync) the
//! file's length is checked against what was written; when it is shorter, the stream goes on
//! at the file's new end (the private `Placement` does the arithmetic):
//!
//! * Bytes written before the truncation are never written again: they belong to the rotated
//!   copy.
//! * When the truncation cut a line (the writer thread writes whole blocks, not whole lines),
//!   the rest of that line is dropped too, so the new file starts with a whole line. That one
//!   event is then only in the rotated copy, cut short. Bytes written between logrotate's copy
//!   and its truncation are lost, as with every writer under `copytruncate`.
//! * Until the next sync, writes go through the page cache (the new offsets are no longer
//!   aligned to the buffers); the sync then re-aligns the buffers to the new file (its partial
//!   last block read back, as on open), and direct writes resume.
//!
//! A filesystem that refuses direct writes (`EINVAL`) gets ordinary writes at the same offsets
//! instead, from then on.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
#[cfg(not(target_os = "linux"))]
use {estreamer_json::Renderer, std::path::Path};

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
/// of PERFORMANCE.md against 256 KiB to 8 MiB buffers, one to eight of them with the thread:
/// none did better than 2 MiB x 3, and smaller ones did not lower the user time.
pub const CHUNK: usize = 2 << 20;

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    use std::path::Path;
    use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::thread::JoinHandle;

    use super::{ALIGN, CHUNK};
    use estreamer_json::Out;
    use estreamer_json::Renderer;

    /// Room beyond [`CHUNK`] in each buffer, so that the record that crosses it does not make the
    /// buffer grow (a larger record still can: the buffer then grows, keeping its alignment).
    const SLACK: usize = 256 << 10;

    /// Buffers with the writer thread at most (one being written, the others queued), besides
    /// the one the renderer fills.
    const DEPTH: usize = 3;

    /// Where the renderer's offsets land in the file, and what has been written: the part of
    /// the direct writer that follows a truncation of the file (module documentation,
    /// "Rotation"). Offsets the renderer assigns ([`DirectFile`]'s `pos`, each [`Job`]'s `at`)
    /// are *logical*; logical offset `x >= floor` is at file offset `x - floor + phys_floor`.
    /// Both are 0 until a truncation, and again after the re-alignment at the next sync.
    #[derive(Debug)]
    pub(super) struct Placement {
        /// Logical end of everything written (or dropped after a truncation).
        written: u64,
        /// Logical offset below which nothing is written again.
        floor: u64,
        /// File offset of logical `floor`.
        phys_floor: u64,
        /// The last byte written is a line break (or nothing has been written).
        ends_line: bool,
        /// A truncation cut a line: drop bytes up to and including the next line break.
        skip_line: bool,
        /// Truncations seen.
        truncations: u64,
    }

    /// Which bytes of a write go where (from [`Placement::plan`]).
    #[derive(Debug, PartialEq, Eq)]
    pub(super) struct Plan {
        /// Leading bytes not to write (written before a truncation, or the rest of a cut line).
        pub(super) skip: usize,
        /// File offset of the first byte written.
        pub(super) at: u64,
        /// The write may be direct: nothing skipped and the file offset still aligned.
        pub(super) direct: bool,
    }

    impl Placement {
        /// A file of `len` bytes, whose last byte is a line break (`ends_line`) or not.
        pub(super) fn new(len: u64, ends_line: bool) -> Placement {
            Placement {
                written: len,
                floor: 0,
                phys_floor: 0,
                ends_line,
                skip_line: false,
                truncations: 0,
            }
        }

        /// File offset of logical offset `x` (`x >= floor`).
        fn phys(&self, x: u64) -> u64 {
            x.saturating_sub(self.floor).saturating_add(self.phys_floor)
        }

        /// Logical and file offsets are the same again (no truncation since the last sync).
        pub(super) fn aligned(&self) -> bool {
            self.floor == self.phys_floor
        }

        /// Plans writing `bytes`, which the renderer placed at logical offset `at`, into a file
        /// that is `file_len` bytes long now. A file shorter than what was written has been
        /// truncated: the stream goes on at its end (module documentation). `None`: nothing of
        /// `bytes` is to be written.
        pub(super) fn plan(&mut self, file_len: u64, at: u64, bytes: &[u8]) -> Option<Plan> {
            if file_len < self.phys(self.written) {
                self.floor = self.written;
                self.phys_floor = file_len;
                self.skip_line = !self.ends_line;
                self.truncations += 1;
            }
            let end = at.saturating_add(bytes.len() as u64);
            self.written = self.written.max(end);
            let mut start = at.max(self.floor);
            if start >= end {
                return None;
            }
            if self.skip_line {
                let from = usize::try_from(start - at).ok()?;
                match bytes
                    .get(from..)
                    .and_then(|b| b.iter().position(|&c| c == b'\n'))
                {
                    Some(i) => {
                        start += i as u64 + 1;
                        self.skip_line = false;
                    }
                    None => start = end,
                }
                // The dropped bytes take no room in the file: it goes on where it ends.
                self.floor = start;
                if start >= end {
                    return None;
                }
            }
            let skip = usize::try_from(start - at).ok()?;
            self.ends_line = bytes.last() == Some(&b'\n');
            Some(Plan {
                skip,
                at: self.phys(start),
                direct: skip == 0 && self.phys(at) % ALIGN as u64 == 0,
            })
        }

        /// After a sync that found the offsets moved: the file's end, and the offset of its
        /// last partial block, where the renderer's next buffer begins. Logical offsets are file
        /// offsets from here on.
        pub(super) fn realign(&mut self) -> (u64, u64) {
            let end = self.phys(self.written);
            let base = end & !(ALIGN as u64 - 1);
            // A line still being dropped: nothing below `end` is written again.
            let floor = if self.skip_line { end } else { 0 };
            self.written = end;
            self.floor = floor;
            self.phys_floor = floor;
            (base, end)
        }
    }

    fn lock(p: &Mutex<Placement>) -> io::Result<MutexGuard<'_, Placement>> {
        p.lock().map_err(|_| gone())
    }

    /// Says so on standard error when `p` has seen a truncation since `before`.
    fn report_truncation(p: &Placement, before: u64) {
        if p.truncations > before {
            eprintln!(
                "estreamer: the output file was truncated (rotated with copytruncate?): continuing at its new end"
            );
        }
    }

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
        /// Logical offset of the first byte of the renderer's buffer (a multiple of [`ALIGN`]);
        /// the file offset too, except between a truncation and the next sync.
        pos: u64,
        /// Shared with the writer thread, which holds it while it writes.
        pub(super) placement: Arc<Mutex<Placement>>,
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
            let cut = super::ends_mid_line(&plain)?;
            if cut {
                first.push(b'\n');
            }
            let placement = Arc::new(Mutex::new(Placement::new(len, !cut)));
            let (jobs, inbox) = sync_channel::<Job>(DEPTH);
            let (outbox, done) = sync_channel(DEPTH + 1);
            let fallback = plain.try_clone()?;
            let shared = Arc::clone(&placement);
            let worker = std::thread::Builder::new()
                .name("estreamer-out".into())
                .spawn(move || write_jobs(direct, fallback, &shared, inbox, outbox))?;
            Ok(DirectFile {
                first: Some(first),
                plain,
                pos,
                placement,
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

        /// Makes the file hold everything the renderer wrote, durably: hands over the whole
        /// blocks, waits for the writer thread, writes the partial last block the ordinary way,
        /// then `fdatasync`. After a truncation of the file, re-aligns the renderer's buffer to
        /// the file's new end.
        pub fn sync(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            self.write_out(renderer)?;
            self.plain.sync_data()
        }

        /// [`sync`](Self::sync) without the `fdatasync`: the file holds everything the
        /// renderer wrote, in the page cache or on the device (the caller syncs
        /// [`file`](Self::file) itself, e.g. on another thread).
        pub fn write_out(&mut self, renderer: &mut Renderer<'_>) -> io::Result<()> {
            self.hand_over(renderer)?;
            self.drain()?;
            let placement = Arc::clone(&self.placement);
            let mut p = lock(&placement)?;
            let before = p.truncations;
            let tail = renderer.pending();
            let len = self.plain.metadata()?.len();
            if let Some(plan) = p.plan(len, self.pos, tail) {
                self.plain
                    .write_all_at(tail.get(plan.skip..).unwrap_or_default(), plan.at)?;
            }
            report_truncation(&p, before);
            if !p.aligned() {
                let (base, end) = p.realign();
                let mut next = self
                    .spare
                    .pop()
                    .unwrap_or_else(|| Out::aligned(CHUNK + SLACK, ALIGN));
                next.clear();
                let mut head = vec![0u8; usize::try_from(end - base).unwrap_or(0)];
                self.plain.read_exact_at(&mut head, base)?;
                next.extend_from_slice(&head);
                renderer.swap_pending(&mut next);
                self.spare.push(next);
                self.pos = base;
            }
            Ok(())
        }

        /// Waits until the writer thread has written every buffer handed to it.
        pub(super) fn drain(&mut self) -> io::Result<()> {
            while self.in_flight > 0 {
                let buf = self.wait_one()?;
                self.spare.push(buf);
            }
            Ok(())
        }

        /// The file (opened the ordinary way: for locking and metadata).
        pub fn file(&self) -> &File {
            &self.plain
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

    /// The writer thread: each job's bytes where `placement` puts them, with `direct`; with
    /// `fallback` (no `O_DIRECT`) where the placement rules direct I/O out (after a truncation,
    /// until the next sync), and from the first `EINVAL` on, for a filesystem or buffer that
    /// refuses direct I/O.
    fn write_jobs(
        direct: File,
        fallback: File,
        placement: &Mutex<Placement>,
        inbox: Receiver<Job>,
        outbox: SyncSender<(Out, io::Result<()>)>,
    ) {
        let mut use_direct = true;
        for job in inbox {
            let bytes = job.buf.filled().get(..job.n).unwrap_or_default();
            let result = write_job(
                &direct,
                &fallback,
                placement,
                &mut use_direct,
                job.at,
                bytes,
            );
            if outbox.send((job.buf, result)).is_err() {
                return;
            }
        }
    }

    fn write_job(
        direct: &File,
        fallback: &File,
        placement: &Mutex<Placement>,
        use_direct: &mut bool,
        at: u64,
        bytes: &[u8],
    ) -> io::Result<()> {
        let mut p = lock(placement)?;
        let before = p.truncations;
        let plan = p.plan(fallback.metadata()?.len(), at, bytes);
        report_truncation(&p, before);
        let Some(plan) = plan else {
            return Ok(());
        };
        let bytes = bytes.get(plan.skip..).unwrap_or_default();
        if plan.direct && *use_direct {
            let result = direct.write_all_at(bytes, plan.at);
            if !result
                .as_ref()
                .is_err_and(|e| e.raw_os_error() == Some(libc::EINVAL))
            {
                return result;
            }
            *use_direct = false;
            eprintln!(
                "estreamer: direct writes refused (EINVAL): writing the file the ordinary way from here on"
            );
        }
        fallback.write_all_at(bytes, plan.at)
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

    /// Never called (no value exists).
    pub fn write_out(&mut self, _renderer: &mut Renderer<'_>) -> io::Result<()> {
        match self.never {}
    }

    /// Never called (no value exists).
    pub fn file(&self) -> &File {
        match self.never {}
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::PathBuf;

    use estreamer_codec::names::Metadata;
    use estreamer_codec::{DecodeOptions, HeaderMode, Messages};
    use estreamer_synth::{SynthConfig, synth};

    use super::linux::{Placement, Plan};
    use super::{ALIGN, CHUNK, DirectFile};
    use estreamer_json::Renderer;

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

    fn planned(skip: usize, at: u64, direct: bool) -> Option<Plan> {
        Some(Plan { skip, at, direct })
    }

    #[test]
    fn placement_follows_a_truncated_file_to_its_new_end() {
        let block = vec![b'x'; ALIGN];
        // Untouched: every write where the renderer put it, direct.
        let mut p = Placement::new(0, true);
        let plan = p.plan(0, 0, &block);
        assert_eq!(plan, planned(0, 0, true));
        assert!(p.aligned());

        // Truncated to 0 after 8,192 bytes that ended with a line break: the next block goes
        // to offset 0, still direct (the new offset is aligned too).
        let mut p = Placement::new(2 * ALIGN as u64, true);
        let plan = p.plan(0, 2 * ALIGN as u64, &block);
        assert_eq!(plan, planned(0, 0, true));
        assert!(!p.aligned());
        // The next one follows it, at 4096.
        let plan = p.plan(ALIGN as u64, 3 * ALIGN as u64, &block);
        assert_eq!(plan, planned(0, ALIGN as u64, true));

        // Truncated after 5,000 bytes ending mid-line. The next write starts at 4,096 (the
        // partial block, rewritten): its first 904 bytes were written before the truncation,
        // and the cut line goes on to the line break at 5,009; the file starts after it.
        let mut p = Placement::new(5000, false);
        let mut bytes = vec![b'y'; ALIGN];
        bytes[5009 - ALIGN] = b'\n';
        let plan = p.plan(0, ALIGN as u64, &bytes);
        assert_eq!(plan, planned(5010 - ALIGN, 0, false));
        // And the file goes on after those 3,182 bytes, by ordinary writes.
        let plan = p.plan(3182, 2 * ALIGN as u64, &block);
        assert_eq!(plan, planned(0, 3182, false));
        // A sync re-aligns: the file ends at 7,278; the renderer's next buffer begins at the
        // block at 4,096, and logical offsets are file offsets again.
        assert_eq!(p.realign(), (ALIGN as u64, 7278));
        assert!(p.aligned());
        let plan = p.plan(7278, ALIGN as u64, &vec![b'z'; 2 * ALIGN]);
        assert_eq!(plan, planned(0, ALIGN as u64, true));

        // A cut line longer than a write: nothing is written until its line break.
        let mut p = Placement::new(100, false);
        assert_eq!(p.plan(0, 0, &[b'y'; 200]), None);
        assert_eq!(p.plan(0, 200, &block), None);
        let mut tail = b"end of the cut line\n{\"next\":1}\n".to_vec();
        let plan = p.plan(0, 200 + ALIGN as u64, &tail);
        assert_eq!(plan, planned(20, 0, false));
        // Nothing written before the truncation is written again, even when a buffer holds it.
        tail.truncate(20);
        assert_eq!(p.plan(11, 200 + ALIGN as u64, &tail), None);

        // A file longer than what was written (someone appended) is not a truncation.
        let mut p = Placement::new(10, true);
        let plan = p.plan(50, 0, &block);
        assert_eq!(plan, planned(0, 0, true));
    }

    /// Where a rotation happens, relative to the writer thread and the syncs.
    #[derive(Clone, Copy, Debug)]
    enum Rotate {
        /// After the writer thread wrote its whole blocks, without a sync: the file ends
        /// mid-line (almost always); the writer thread finds the truncation.
        AfterDrain,
        /// After a sync (the file ends with a whole line); the writer thread finds it.
        AfterSync,
        /// After a sync, and found by the next sync, before any other write.
        BetweenSyncs,
    }

    /// Renders a synthesized stream through a [`DirectFile`] and rotates the file the way
    /// logrotate's `copytruncate` does (copy, then truncate to 0) after the messages given.
    /// Returns the rotated copies, the final file, and what an ordinary renderer wrote.
    fn render_rotating(
        path: &std::path::Path,
        rotations: &[(usize, Rotate)],
    ) -> (Vec<Vec<u8>>, Vec<u8>) {
        // Small bundles: many messages, several buffer hand-overs between syncs.
        let bytes = synth(&SynthConfig {
            seed: 11,
            target_bytes: 6 << 20,
            min_bundle_messages: 5,
            max_bundle_messages: 20,
            ..SynthConfig::DEFAULT
        })
        .bytes;
        let (mut md, mut md_ref) = (Metadata::new(), Metadata::new());
        let mut r = Renderer::new(HeaderMode::Auto, true, &mut md);
        let mut reference = Renderer::new(HeaderMode::Auto, true, &mut md_ref);
        let mut expected = Vec::new();
        let mut file = DirectFile::open(path).unwrap();
        file.start(&mut r).unwrap();
        let mut files = Vec::new();
        let rotate = |files: &mut Vec<Vec<u8>>| {
            files.push(std::fs::read(path).unwrap());
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .unwrap()
                .set_len(0)
                .unwrap();
        };
        let messages = Messages::new(&bytes, DecodeOptions::default()).map_while(Result::ok);
        for (i, m) in messages.enumerate() {
            r.message_pending(&m);
            reference.message(&mut expected, &m);
            file.maybe_hand_over(&mut r).unwrap();
            for &(_, how) in rotations.iter().filter(|(at, _)| *at == i) {
                match how {
                    Rotate::AfterDrain => file.drain().unwrap(),
                    Rotate::AfterSync | Rotate::BetweenSyncs => file.sync(&mut r).unwrap(),
                }
                rotate(&mut files);
                if let Rotate::BetweenSyncs = how {
                    file.sync(&mut r).unwrap();
                    assert!(file.placement.lock().unwrap().aligned());
                    assert!(std::fs::read(path).unwrap().is_empty());
                }
            }
            if i % 150 == 149 {
                file.sync(&mut r).unwrap();
            }
        }
        file.sync(&mut r).unwrap();
        assert!(file.placement.lock().unwrap().aligned());
        file.close().unwrap();
        files.push(std::fs::read(path).unwrap());
        (files, expected)
    }

    #[test]
    fn a_file_truncated_by_copytruncate_goes_on_at_its_new_end() {
        let dir = temp("rotate");
        let path = dir.join("out.jsonl");
        use Rotate::*;
        // Buffers go to the writer thread about every 60 messages (the first after message 55),
        // syncs after every 150th. So: the drains at 70, 370 and 700 leave a file that ends
        // mid-line; at 430 the writer thread has found the truncation at 370 (at the hand-over
        // after message 415) and written on at the new offsets, and the sync after message 449
        // finds the second truncation, again mid-line; the syncs at 160 and 610 leave a whole
        // line, and the writer thread finds those truncations; at 300 the sync right after
        // finds it.
        let rotations = [
            (70, AfterDrain),
            (160, AfterSync),
            (300, BetweenSyncs),
            (370, AfterDrain),
            (430, AfterDrain),
            (610, AfterSync),
            (700, AfterDrain),
        ];
        let (files, expected) = render_rotating(&path, &rotations);
        assert_eq!(files.len(), rotations.len() + 1);
        // Read in order, the files hold the ordinary output, except the rest of each line a
        // rotation cut: every file starts with a whole line, and no file holds a zero byte
        // (a hole).
        let mut rest = &expected[..];
        let mut cut = 0;
        for (i, f) in files.iter().enumerate() {
            assert!(!f.contains(&0), "file {i} has a hole");
            assert!(f.is_empty() || f.starts_with(b"{"), "file {i}");
            assert!(
                rest.starts_with(f),
                "file {i} is not the ordinary output's next part"
            );
            rest = rest.get(f.len()..).unwrap();
            if !f.is_empty() && !f.ends_with(b"\n") {
                let nl = rest.iter().position(|&c| c == b'\n').unwrap();
                rest = rest.get(nl + 1..).unwrap();
                cut += 1;
            }
        }
        assert!(rest.is_empty(), "{} bytes missing at the end", rest.len());
        assert!(files.last().unwrap().ends_with(b"\n"));
        // The drains left files that end mid-line (whole blocks); the syncs whole lines.
        assert_eq!(cut, 4);
        assert!(files.iter().all(|f| f.len() > 10_000));
        let _ = std::fs::remove_dir_all(&dir);
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
