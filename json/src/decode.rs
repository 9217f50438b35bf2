//! `estreamer decode`: a captured server-to-client byte stream to JSON Lines.
//!
//! One object per message, one per message inside a bundle (after the bundle's own object), one
//! per error. The schema is documented in README.md ("JSON Lines schema") and is a public
//! interface: change it only compatibly.

use std::io::{self, Read, Write};

use estreamer_codec::layout::{Layout, Value};
use estreamer_codec::names::Metadata;
use estreamer_codec::{
    Body, DecodeError, DecodeOptions, ErrorKind, EventCode, EventData, EventTypeRequest,
    HeaderMode, InitialTimestamp, Message, MessageReader, MessageType, ReadError, Record,
    RecordHeaderForm, RecordType, RequestFlags,
};

use crate::out::{Key, Obj, Out, Run};

/// A prepared key for a fixed name (a static, built at compile time).
macro_rules! k {
    ($name:literal) => {{
        static KEY: Key = Key::new($name);
        &KEY
    }};
}

/// Counts of what a decode run wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Message objects written (bundles and their inner messages included).
    pub messages: u64,
    /// Event Data records among them.
    pub records: u64,
    /// Error objects written.
    pub errors: u64,
}

/// Where a message sits: top level, or inside a bundle.
#[derive(Clone, Copy)]
struct Context {
    bundle: Option<(usize, usize)>,
    depth: u8,
}

const TOP: Context = Context {
    bundle: None,
    depth: 0,
};

/// Bundles inside bundles are not in any source; decode them, but not without bound.
const MAX_DEPTH: u8 = 4;

/// Flush the output buffer when it grows past this.
const FLUSH_AT: usize = 256 * 1024;

/// Decoding state carried across messages.
struct State<'m> {
    mode: HeaderMode,
    render: bool,
    metadata: &'m mut Metadata,
    summary: Summary,
    keys: KeyCache,
    runs: HeaderRuns,
    /// Where [`decode_stream`] writes: the output buffer is flushed into it between the inner
    /// messages of a bundle too, so a large bundle does not grow the buffer past [`FLUSH_AT`].
    /// `None` for a [`Renderer`], whose caller owns the output.
    sink: Option<&'m mut dyn Write>,
    /// The first write error of `sink`; nothing more is written after it.
    io_error: Option<io::Error>,
}

impl State<'_> {
    /// Writes `out` to the sink (when there is one and it has room past [`FLUSH_AT`]).
    fn flush_if_full(&mut self, out: &mut Out) {
        if out.len() < FLUSH_AT || self.io_error.is_some() {
            return;
        }
        if let Some(sink) = self.sink.as_mut() {
            if let Err(e) = sink.write_all(out.filled()) {
                self.io_error = Some(e);
            }
            out.clear();
        }
    }
}

/// The JSON keys of every layout met so far, prepared once per layout (see [`Key`]).
#[derive(Default)]
struct KeyCache {
    /// By the layout's address: the same layout may sit at more than one address (a `const`
    /// promoted in several places), which only costs a duplicate entry; two different layouts
    /// never share one.
    layouts: Vec<(&'static Layout, LayoutKeys)>,
}

/// What a layout's records write the same way every time.
struct LayoutKeys {
    /// The layout's name as a key (a header layout's fields are an object under it).
    name: Key,
    /// The fields' keys, in order.
    keys: Box<[Key]>,
    /// For a block layout, `,"record_layout":"<name>","block_type":<type>,"block_length":`.
    block: Option<Run>,
    /// `--render`: the layout's named fields, worked out the first time a record of the layout
    /// is rendered (so plain decoding never builds them).
    render: Option<RenderKeys>,
}

/// What `--render` adds to a layout's records, prepared once per layout.
struct RenderKeys {
    /// By field index, 1 + the index in `named` of the field's name lookup, or 0.
    named_at: Box<[u8]>,
    /// The fields metadata can name: the key `<field>_name` and the metadata record type of the
    /// lookup ([`FIELD_LOOKUPS`](estreamer_codec::names::FIELD_LOOKUPS)).
    named: Box<[(&'static Key, RecordType)]>,
    /// Connection events: the indices of `device_id`, `policy_revision` and `rule_id` (the last
    /// field of each name, as a walk that keeps the last value would).
    policy: [Option<usize>; 3],
}

impl LayoutKeys {
    fn new(layout: &'static Layout) -> LayoutKeys {
        let keys = layout.fields.iter().map(|f| Key::new(f.name)).collect();
        let block = layout.block_type.and_then(|t| {
            // Written by the general methods, so the bytes are theirs.
            let mut text = Out::default();
            Obj::continuing(&mut text)
                .str_k(k!("record_layout"), layout.name)
                .u64_k(k!("block_type"), t.into());
            text.extend_from_slice(b",\"block_length\":");
            Run::new(text.filled())
        });
        LayoutKeys {
            name: Key::new(layout.name),
            keys,
            block,
            render: None,
        }
    }
}

/// The key `<field>_name` of every [`FIELD_LOOKUPS`](estreamer_codec::names::FIELD_LOOKUPS)
/// entry, in its order: made once per process (the names are leaked once, as a lazily built
/// static table would hold them).
fn name_keys() -> &'static [Key] {
    static KEYS: std::sync::OnceLock<Box<[Key]>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        estreamer_codec::names::FIELD_LOOKUPS
            .iter()
            .map(|(f, _)| Key::new(Box::leak(format!("{f}_name").into_boxed_str())))
            .collect()
    })
}

impl RenderKeys {
    fn new(layout: &'static Layout) -> RenderKeys {
        use estreamer_codec::names::FIELD_LOOKUPS;
        let mut named = Vec::new();
        let mut named_at = vec![0u8; layout.fields.len()];
        for (i, f) in layout.fields.iter().enumerate() {
            let Some(j) = FIELD_LOOKUPS.iter().position(|(n, _)| *n == f.name) else {
                continue;
            };
            let (Some((_, t)), Some(key)) = (FIELD_LOOKUPS.get(j), name_keys().get(j)) else {
                continue;
            };
            // More than 255 named fields in one layout would only lose the fast path.
            if let (Some(slot), Ok(n)) = (named_at.get_mut(i), u8::try_from(named.len() + 1)) {
                *slot = n;
                named.push((key, RecordType(*t)));
            }
        }
        let last = |name: &str| layout.fields.iter().rposition(|f| f.name == name);
        RenderKeys {
            named_at: named_at.into_boxed_slice(),
            named: named.into_boxed_slice(),
            policy: [last("device_id"), last("policy_revision"), last("rule_id")],
        }
    }
}

impl KeyCache {
    /// The prepared keys of `layout` (prepared now if it is new).
    fn get(&mut self, layout: &'static Layout) -> &LayoutKeys {
        let i = match self
            .layouts
            .iter()
            .position(|(l, _)| std::ptr::eq(*l, layout))
        {
            Some(i) => i,
            None => {
                self.layouts.push((layout, LayoutKeys::new(layout)));
                self.layouts.len() - 1
            }
        };
        &self.layouts[i].1
    }

    /// The `--render` tables of `layout`, built on first use.
    fn render(&mut self, layout: &'static Layout) -> Option<&RenderKeys> {
        self.get(layout);
        let (_, keys) = self
            .layouts
            .iter_mut()
            .find(|(l, _)| std::ptr::eq(*l, layout))?;
        Some(keys.render.get_or_insert_with(|| RenderKeys::new(layout)))
    }
}

/// The header keys of Event Data messages that depend only on the header version, the record
/// header form and the record type, prepared once each (see [`Run`]).
#[derive(Default)]
struct HeaderRuns {
    /// `,"header_version":<v>,"message_type":4,"message_type_name":"event_data",
    /// "message_length":` for header versions 0 and 1.
    message: [Option<Run>; 2],
    /// `,"record_header_form":"<form>","record_type":<t>,"record_type_name":<name>,
    /// "netmap_id":` by form and type.
    records: Vec<(RecordHeaderForm, RecordType, Option<Run>)>,
}

impl HeaderRuns {
    /// The run for an Event Data message of header version `version` (0 or 1).
    fn message(&mut self, version: u16) -> Option<&Run> {
        let slot = self.message.get_mut(usize::from(version))?;
        if slot.is_none() {
            let mut text = Out::default();
            Obj::continuing(&mut text)
                .u64_k(k!("header_version"), version.into())
                .u64_k(k!("message_type"), MessageType::EVENT_DATA.0.into())
                .str_k(
                    k!("message_type_name"),
                    MessageType::EVENT_DATA.name().unwrap_or("unknown"),
                );
            text.extend_from_slice(b",\"message_length\":");
            *slot = Run::new(text.filled());
        }
        slot.as_ref()
    }

    /// The run for a record of type `t` under a record header of form `form`.
    fn record(&mut self, form: RecordHeaderForm, t: RecordType) -> Option<&Run> {
        let i = match self
            .records
            .iter()
            .position(|&(f, rt, _)| f == form && rt == t)
        {
            Some(i) => i,
            None => {
                let mut text = Out::default();
                Obj::continuing(&mut text)
                    .str_k(k!("record_header_form"), form.name())
                    .u64_k(k!("record_type"), t.0.into())
                    .opt_str_k(k!("record_type_name"), t.name());
                text.extend_from_slice(b",\"netmap_id\":");
                self.records.push((form, t, Run::new(text.filled())));
                self.records.len() - 1
            }
        };
        self.records.get(i).and_then(|(_, _, r)| r.as_ref())
    }
}

/// Writes messages as the JSON Lines objects of `estreamer decode`, one call per message: the
/// same schema for a captured file and for a live session (`estreamer stream`).
pub struct Renderer<'m> {
    st: State<'m>,
    /// Where a message is written before it is appended to the caller's `Vec` (the writer
    /// needs initialized room after what it has written; see [`Out`]).
    scratch: Out,
}

impl<'m> Renderer<'m> {
    /// A renderer decoding record headers in `mode`; with `render`, intrusion events get the
    /// names `metadata` gives, and every metadata record met is added to `metadata`.
    pub fn new(mode: HeaderMode, render: bool, metadata: &'m mut Metadata) -> Self {
        Renderer {
            st: State {
                mode,
                render,
                metadata,
                summary: Summary::default(),
                keys: KeyCache::default(),
                runs: HeaderRuns::default(),
                sink: None,
                io_error: None,
            },
            scratch: Out::default(),
        }
    }

    /// Appends the object(s) for a top-level message (a bundle writes its own object, then
    /// one per inner message).
    pub fn message(&mut self, out: &mut Vec<u8>, m: &Message<'_>) {
        render_message(&mut self.scratch, m, TOP, &mut self.st);
        self.take(out);
    }

    /// Appends what was written into the scratch buffer to `out`.
    fn take(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.scratch.filled());
        self.scratch.clear();
    }

    /// Appends the object for message `index` of the bundle at stream offset `bundle_offset`.
    pub fn bundled_message(
        &mut self,
        out: &mut Vec<u8>,
        m: &Message<'_>,
        bundle_offset: usize,
        index: usize,
    ) {
        let ctx = Context {
            bundle: Some((bundle_offset, index)),
            depth: 1,
        };
        render_message(&mut self.scratch, m, ctx, &mut self.st);
        self.take(out);
    }

    /// Appends an error object for `e` (`at` is the stream position of an `Incomplete`).
    pub fn error(&mut self, out: &mut Vec<u8>, e: &DecodeError, at: usize) {
        render_error(&mut self.scratch, e, at, None);
        self.take(out);
        self.st.summary.errors += 1;
    }

    /// [`message`](Self::message) into the renderer's own buffer ([`pending`](Self::pending)),
    /// saving the copy into a caller's vector.
    pub fn message_pending(&mut self, m: &Message<'_>) {
        render_message(&mut self.scratch, m, TOP, &mut self.st);
    }

    /// [`bundled_message`](Self::bundled_message) into the renderer's own buffer.
    pub fn bundled_message_pending(&mut self, m: &Message<'_>, bundle_offset: usize, index: usize) {
        let ctx = Context {
            bundle: Some((bundle_offset, index)),
            depth: 1,
        };
        render_message(&mut self.scratch, m, ctx, &mut self.st);
    }

    /// An Event Data message whose body the caller already decoded (`d`, in `mode`), into the
    /// renderer's own buffer; `bundle` is (stream offset of the bundle, index inside it) for
    /// a bundle's inner message. The same output as
    /// [`message_pending`](Self::message_pending) / [`bundled_message_pending`](Self::bundled_message_pending),
    /// without decoding the body again when `mode` is the renderer's.
    pub fn event_data_pending(
        &mut self,
        m: &Message<'_>,
        d: &EventData<'_>,
        mode: HeaderMode,
        bundle: Option<(usize, usize)>,
    ) {
        let ctx = match bundle {
            Some(b) => Context {
                bundle: Some(b),
                depth: 1,
            },
            None => TOP,
        };
        if mode == self.st.mode {
            render_event_data(&mut self.scratch, m, d, ctx, &mut self.st);
        } else {
            render_message(&mut self.scratch, m, ctx, &mut self.st);
        }
    }

    /// The error object `decode` writes for a message whose body does not decode (`e`), into
    /// the renderer's own buffer, counted as an error.
    pub fn message_error_pending(&mut self, m: &Message<'_>, e: &DecodeError) {
        render_error(&mut self.scratch, e, m.offset(), Some(m));
        self.st.summary.errors += 1;
    }

    /// The error object `decode` writes for member `index` of `bundle` (the message
    /// `bundle_message`) that does not frame (`e`), into the renderer's own buffer, counted as an
    /// error.
    pub fn member_error_pending(
        &mut self,
        bundle_message: &Message<'_>,
        bundle: &estreamer_codec::Bundle<'_>,
        index: usize,
        e: &DecodeError,
    ) {
        render_member_error(&mut self.scratch, e, bundle_message, bundle, index);
        self.st.summary.errors += 1;
    }

    /// What the `*_pending` methods rendered and [`clear_pending`](Self::clear_pending) has not
    /// yet emptied.
    pub fn pending(&self) -> &[u8] {
        self.scratch.filled()
    }

    /// Empties the renderer's own buffer (after the caller wrote [`pending`](Self::pending) out).
    pub fn clear_pending(&mut self) {
        self.scratch.clear();
    }

    /// Exchanges the renderer's own buffer with `other`: the caller takes what was rendered
    /// (e.g. to hand it to a writer thread without copying it) and the renderer goes on in
    /// `other`, after whatever `other` already holds.
    pub fn swap_pending(&mut self, other: &mut Out) {
        std::mem::swap(&mut self.scratch, other);
    }

    /// What was written so far.
    pub fn summary(&self) -> Summary {
        self.st.summary
    }

    /// The metadata cache.
    pub fn metadata(&mut self) -> &mut Metadata {
        self.st.metadata
    }
}

/// Decodes everything `input` holds and writes JSON Lines to `out`.
///
/// Errors in the input are written as error objects and counted in the summary; decoding goes
/// on wherever the framing allows. Only a failure to read or write is an `Err`.
pub fn decode_stream<R: Read, W: Write>(
    input: R,
    out: W,
    opts: DecodeOptions,
) -> io::Result<Summary> {
    decode_stream_rendered(input, out, opts, false, &mut Metadata::new())
}

/// [`decode_stream`], and with `render` each intrusion event also gets the names the metadata
/// gives: the metadata in `metadata` (e.g. loaded from an earlier session) plus every metadata
/// record met in the stream so far, which is added to `metadata`.
pub fn decode_stream_rendered<R: Read, W: Write>(
    input: R,
    mut out: W,
    opts: DecodeOptions,
    render: bool,
    metadata: &mut Metadata,
) -> io::Result<Summary> {
    let mut reader = MessageReader::new(input, opts);
    let mut buf = Out::with_capacity(FLUSH_AT + 64 * 1024);
    let mut st = State {
        mode: opts.header_mode,
        render,
        metadata,
        summary: Summary::default(),
        keys: KeyCache::default(),
        runs: HeaderRuns::default(),
        sink: Some(&mut out),
        io_error: None,
    };
    loop {
        match reader.next_message() {
            Ok(Some(m)) => render_message(&mut buf, &m, TOP, &mut st),
            Ok(None) => break,
            Err(ReadError::Io(e)) => return Err(e),
            Err(ReadError::Decode(e)) => {
                let fatal = !matches!(
                    e,
                    DecodeError::Invalid {
                        kind: ErrorKind::UnsupportedHeaderVersion { .. },
                        ..
                    }
                );
                let at = match e {
                    DecodeError::Incomplete { .. } => reader.position(),
                    _ => 0,
                };
                render_error(&mut buf, &e, at, None);
                st.summary.errors += 1;
                if fatal {
                    break;
                }
            }
        }
        st.flush_if_full(&mut buf);
        if let Some(e) = st.io_error.take() {
            return Err(e);
        }
    }
    let summary = st.summary;
    drop(st);
    out.write_all(buf.filled())?;
    out.flush()?;
    Ok(summary)
}

/// Most worker threads [`decode_stream_parallel`] starts (each batch in flight holds about
/// 1.2 MB of JSON on the default mix and less than 7.5 MiB on any input, so this also bounds
/// memory).
pub const MAX_THREADS: usize = 64;

/// Input bytes per batch handed to a worker of [`decode_stream_parallel`] (the batch ends at
/// the first message boundary past it): about 1.2 MB of JSON on the default mix.
const BATCH_INPUT: usize = 256 * 1024;

/// The estimate of a batch's JSON (an upper bound of what `decode` writes): this much per input
/// byte of a message (a record of many small fields writes up to about 9 bytes of JSON per
/// byte; the default mix about 5)...
const JSON_PER_BYTE: usize = 10;
/// ... and this much per object (a message, a bundle member, an error: an error object is
/// about 330 bytes, a bundle's Null member about 170).
const JSON_PER_OBJECT: usize = 400;

/// The estimated JSON of message `m` ([`JSON_PER_BYTE`], [`JSON_PER_OBJECT`]): a bundle counts
/// its members, and theirs, down to the depth [`render_message`] renders.
fn estimated_json(m: &Message<'_>, mode: HeaderMode, depth: u8) -> usize {
    let mut n = JSON_PER_OBJECT + JSON_PER_BYTE * (8 + m.body().len());
    if m.message_type() == MessageType::MESSAGE_BUNDLE && depth < MAX_DEPTH {
        if let Ok(Body::Bundle(b)) = m.decode_body(mode) {
            for inner in b.messages() {
                n += match inner {
                    Ok(inner) if inner.message_type() == MessageType::MESSAGE_BUNDLE => {
                        estimated_json(&inner, mode, depth + 1)
                    }
                    _ => JSON_PER_OBJECT,
                };
            }
        }
    }
    n
}

/// One worker's share of the input: consecutive top-level messages (their bytes back to back)
/// and the framing errors met between them, in stream order.
#[derive(Default)]
struct Batch {
    seq: u64,
    bytes: Vec<u8>,
    items: Vec<Item>,
}

enum Item {
    /// A message of `bytes[start..start + len]`, at stream offset `offset`.
    Message {
        offset: usize,
        start: usize,
        len: usize,
    },
    /// A framing error; `at` as [`decode_stream_rendered`] reports it.
    Error { error: DecodeError, at: usize },
}

/// A batch's JSON, to be written in `seq` order.
struct Done {
    seq: u64,
    out: Out,
    summary: Summary,
    batch: Batch,
}

/// [`decode_stream`] on `threads` worker threads: the same bytes out, in the same order.
///
/// The calling thread reads and frames the input and writes the output; the workers turn
/// batches of consecutive top-level messages (about 256 KiB of input each) into JSON, and the
/// batches are written in input order. At most `threads + 2` batches are in flight (and at most
/// [`MAX_THREADS`] workers run, whatever is asked), so
/// memory stays bounded whatever the input's size. There is no rendered form: with `--render`
/// a record's names depend on every metadata record before it in the stream, so rendering
/// stays in [`decode_stream_rendered`], in stream order.
pub fn decode_stream_parallel<R: Read, W: Write>(
    input: R,
    out: W,
    opts: DecodeOptions,
    threads: usize,
) -> io::Result<Summary> {
    decode_stream_parallel_batched(input, out, opts, threads, BATCH_INPUT)
}

/// [`decode_stream_parallel`] with batches of about `batch_input` bytes of input (at least one
/// message each); for tests of the batching.
///
/// Memory (decision): a batch ends when its estimated JSON ([`estimated_json`]: an upper bound
/// of what it writes) reaches `6 * batch_input` (1.5 MiB: about 256 KiB of input on the default
/// mix), so that a run of framing errors (8 bytes each, 330 bytes of JSON) or of bundles of
/// tiny members ends batches as soon as a run of records does. A message estimated at four
/// times that or more (a bundle of about 550 KiB of records or more, a bundle of many small
/// members) is not handed to a worker: every batch before it is written, then the calling
/// thread renders it straight to `out` in pieces of at most about 256 KiB, as
/// [`decode_stream_rendered`] does. A batch's JSON is then below about 7.5 MiB, and at most
/// `threads + 2` batches are in flight.
#[doc(hidden)]
pub fn decode_stream_parallel_batched<R: Read, W: Write>(
    input: R,
    mut out: W,
    opts: DecodeOptions,
    threads: usize,
    batch_input: usize,
) -> io::Result<Summary> {
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};

    let threads = threads.clamp(1, MAX_THREADS);
    let batch_input = batch_input.max(1);
    let batch_json = 6 * batch_input;
    // Each worker busy with one batch, one more queued for the next free worker, and one
    // finished batch waiting for the writer: enough to keep every worker fed.
    let in_flight_max = threads as u64 + 2;
    let mut reader = MessageReader::new(input, opts);
    let (work_tx, work_rx) = mpsc::sync_channel::<Batch>(threads);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    // Output buffers and batches come back to be reused.
    let (spare_tx, spare_rx) = mpsc::channel::<Out>();
    let spare_rx = Arc::new(Mutex::new(spare_rx));

    std::thread::scope(|scope| {
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let spare_rx = Arc::clone(&spare_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                let mut metadata = Metadata::new();
                let mut st = State {
                    mode: opts.header_mode,
                    render: false,
                    metadata: &mut metadata,
                    summary: Summary::default(),
                    keys: KeyCache::default(),
                    runs: HeaderRuns::default(),
                    sink: None,
                    io_error: None,
                };
                loop {
                    let next = work_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok(batch)) = next else { return };
                    let spare = spare_rx.lock().ok().and_then(|rx| rx.try_recv().ok());
                    let mut buf = spare
                        .unwrap_or_else(|| Out::with_capacity(6 * batch_input.min(BATCH_INPUT)));
                    buf.clear();
                    st.summary = Summary::default();
                    render_batch(&mut buf, &batch, opts, &mut st);
                    let done = Done {
                        seq: batch.seq,
                        out: buf,
                        summary: st.summary,
                        batch,
                    };
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);

        let mut w = Written {
            done_rx,
            spare_tx,
            ..Written::default()
        };
        let mut sent = 0u64;
        let mut batch = Batch::default();
        // The estimated JSON of the batch being filled.
        let mut batch_estimate = 0usize;
        let mut input_done = false;
        // The calling thread's own renderer, for messages too large for a batch (made on first
        // use).
        let mut inline_metadata = Metadata::new();
        let mut inline: Option<(KeyCache, HeaderRuns)> = None;

        while !input_done {
            let mut fatal = false;
            match reader.next_message() {
                Ok(Some(m)) if estimated_json(&m, opts.header_mode, 0) >= 4 * batch_json => {
                    // Everything before it handed over and written, in order; then the
                    // message itself, in pieces.
                    if !batch.items.is_empty()
                        && !hand_over(
                            &mut batch,
                            &mut w,
                            &work_tx,
                            &mut sent,
                            &mut out,
                            in_flight_max,
                        )
                    {
                        break;
                    }
                    w.pump(&mut out, 1, sent);
                    if w.result.is_err() {
                        break;
                    }
                    let (keys, runs) = inline.take().unwrap_or_default();
                    let mut st = State {
                        mode: opts.header_mode,
                        render: false,
                        metadata: &mut inline_metadata,
                        summary: Summary::default(),
                        keys,
                        runs,
                        sink: Some(&mut out),
                        io_error: None,
                    };
                    let mut buf = Out::with_capacity(FLUSH_AT + 64 * 1024);
                    render_message(&mut buf, &m, TOP, &mut st);
                    let summary = st.summary;
                    let io_error = st.io_error.take();
                    inline = Some((st.keys, st.runs));
                    w.add(summary);
                    if let Some(e) = io_error {
                        w.result = Err(e);
                        break;
                    }
                    if let Err(e) = out.write_all(buf.filled()) {
                        w.result = Err(e);
                        break;
                    }
                    batch_estimate = 0;
                    continue;
                }
                Ok(Some(m)) => {
                    batch_estimate += estimated_json(&m, opts.header_mode, 0);
                    let start = batch.bytes.len();
                    batch.bytes.extend_from_slice(&m.version().to_be_bytes());
                    batch
                        .bytes
                        .extend_from_slice(&m.message_type().0.to_be_bytes());
                    batch.bytes.extend_from_slice(&m.length().to_be_bytes());
                    batch.bytes.extend_from_slice(m.body());
                    batch.items.push(Item::Message {
                        offset: m.offset(),
                        start,
                        len: batch.bytes.len() - start,
                    });
                }
                Ok(None) => input_done = true,
                Err(ReadError::Io(e)) => {
                    w.result = Err(e);
                    input_done = true;
                }
                Err(ReadError::Decode(e)) => {
                    fatal = !matches!(
                        e,
                        DecodeError::Invalid {
                            kind: ErrorKind::UnsupportedHeaderVersion { .. },
                            ..
                        }
                    );
                    let at = match e {
                        DecodeError::Incomplete { .. } => reader.position(),
                        _ => 0,
                    };
                    batch.items.push(Item::Error { error: e, at });
                    batch_estimate += JSON_PER_OBJECT;
                }
            }
            input_done |= fatal;
            if batch.items.is_empty() || (batch_estimate < batch_json && !input_done) {
                continue;
            }
            if !hand_over(
                &mut batch,
                &mut w,
                &work_tx,
                &mut sent,
                &mut out,
                in_flight_max,
            ) {
                break;
            }
            batch_estimate = 0;
        }
        drop(work_tx);
        // The rest, in order.
        w.pump(&mut out, 1, sent);
        w.result?;
        out.flush()?;
        Ok(w.summary)
    })
}

/// Hands `batch` to the workers (after waiting, if need be, until fewer than `in_flight_max`
/// batches are unwritten), puts an empty batch in its place, and writes whatever is ready.
/// False when the output failed or the workers are gone.
fn hand_over<W: Write>(
    batch: &mut Batch,
    w: &mut Written,
    work_tx: &std::sync::mpsc::SyncSender<Batch>,
    sent: &mut u64,
    out: &mut W,
    in_flight_max: u64,
) -> bool {
    w.pump(out, in_flight_max, *sent);
    if w.result.is_err() {
        return false;
    }
    let mut next = w.spare_batches.pop().unwrap_or_default();
    next.bytes.clear();
    next.items.clear();
    let mut full = std::mem::replace(batch, next);
    full.seq = *sent;
    if work_tx.send(full).is_err() {
        return false;
    }
    *sent += 1;
    // Write whatever is ready, without waiting.
    w.pump(out, u64::MAX, *sent);
    w.result.is_ok()
}

/// The writer's side of [`decode_stream_parallel`]: the finished batches waiting for their turn,
/// the batches written so far, their counts, the buffers and batches to reuse, and the first
/// write error.
struct Written {
    pending: std::collections::BTreeMap<u64, Done>,
    done_rx: std::sync::mpsc::Receiver<Done>,
    spare_tx: std::sync::mpsc::Sender<Out>,
    count: u64,
    summary: Summary,
    spare_batches: Vec<Batch>,
    result: io::Result<()>,
}

impl Default for Written {
    fn default() -> Self {
        Written {
            pending: std::collections::BTreeMap::new(),
            done_rx: std::sync::mpsc::channel().1,
            spare_tx: std::sync::mpsc::channel().0,
            count: 0,
            summary: Summary::default(),
            spare_batches: Vec::new(),
            result: Ok(()),
        }
    }
}

impl Written {
    fn add(&mut self, s: Summary) {
        self.summary.messages += s.messages;
        self.summary.records += s.records;
        self.summary.errors += s.errors;
    }

    /// Writes the finished batches that are next in order. While `limit` or more of the
    /// `sent` batches are unwritten it waits for workers; otherwise it only takes what is
    /// ready. If every worker is gone while it waits (only a panic does that), it fails.
    fn pump<W: Write>(&mut self, out: &mut W, limit: u64, sent: u64) {
        loop {
            if let Some(d) = self.pending.remove(&self.count) {
                if self.result.is_ok() {
                    self.result = out.write_all(d.out.filled());
                }
                self.add(d.summary);
                self.count += 1;
                let _ = self.spare_tx.send(d.out);
                self.spare_batches.push(d.batch);
                continue;
            }
            if self.result.is_err() {
                return;
            }
            let wait = sent - self.count >= limit;
            let next = if wait {
                self.done_rx.recv().ok()
            } else {
                self.done_rx.try_recv().ok()
            };
            match next {
                Some(d) => {
                    self.pending.insert(d.seq, d);
                }
                None => {
                    if wait {
                        self.result = Err(io::Error::other("a decode worker stopped"));
                    }
                    return;
                }
            }
        }
    }
}

/// Renders one batch into `out` (no sink: the caller writes it).
fn render_batch(out: &mut Out, batch: &Batch, opts: DecodeOptions, st: &mut State<'_>) {
    for item in &batch.items {
        match *item {
            Item::Message { offset, start, len } => {
                let bytes = batch.bytes.get(start..start + len).unwrap_or_default();
                match estreamer_codec::decode_frame(bytes, opts.max_message_length) {
                    Ok((m, _)) => {
                        let m = Message::new(m.header(), m.body(), offset);
                        render_message(out, &m, TOP, st);
                    }
                    Err(e) => {
                        render_error(out, &e, offset, None);
                        st.summary.errors += 1;
                    }
                }
            }
            Item::Error { ref error, at } => {
                render_error(out, error, at, None);
                st.summary.errors += 1;
            }
        }
    }
}

/// Writes an error object. `incomplete_at` is the stream position for `Incomplete` errors.
fn render_error(
    out: &mut Out,
    e: &DecodeError,
    incomplete_at: usize,
    message: Option<&Message<'_>>,
) {
    let mut o = Obj::new(out);
    error_fields(&mut o, e, incomplete_at, message);
    o.finish();
}

/// The keys of [`render_error`], into an object already begun.
fn error_fields(
    o: &mut Obj<'_>,
    e: &DecodeError,
    incomplete_at: usize,
    message: Option<&Message<'_>>,
) {
    match *e {
        DecodeError::Incomplete { needed } => {
            o.u64("offset", incomplete_at as u64)
                .str("error", &e.to_string())
                .str("error_kind", "incomplete")
                .u64("needed", needed as u64);
        }
        DecodeError::Invalid { offset, kind, .. } => {
            o.u64("offset", offset as u64)
                .str("error", &kind.to_string())
                .str("error_kind", kind.name());
            bound_fields(o, kind);
        }
    }
    if let Some(m) = message {
        o.u64("message_offset", m.offset() as u64)
            .u64("message_type", u64::from(m.message_type().0));
    }
}

/// The error object of bundle member `index` that does not frame: [`render_error`]'s keys with
/// the bundle as the message, then `bundle_offset` and `bundle_index`, and for a member skipped
/// because of its header version (its length intact) `member_bytes`, the member as it came
/// (header and body, hex), so that nothing of it is lost.
fn render_member_error(
    out: &mut Out,
    e: &DecodeError,
    bundle_message: &Message<'_>,
    bundle: &estreamer_codec::Bundle<'_>,
    index: usize,
) {
    let mut o = Obj::new(out);
    member_error_fields(&mut o, e, bundle_message, bundle, index);
    o.finish();
}

/// The keys of [`render_member_error`], into an object already begun.
fn member_error_fields(
    o: &mut Obj<'_>,
    e: &DecodeError,
    bundle_message: &Message<'_>,
    bundle: &estreamer_codec::Bundle<'_>,
    index: usize,
) {
    error_fields(o, e, bundle_message.offset(), Some(bundle_message));
    o.u64("bundle_offset", bundle_message.offset() as u64)
        .u64("bundle_index", index as u64);
    if let DecodeError::Invalid {
        offset,
        kind: ErrorKind::UnsupportedHeaderVersion { .. },
        ..
    } = *e
    {
        if let Some(member) = skipped_member(bundle, offset) {
            o.hex("member_bytes", member);
        }
    }
}

/// The bytes of the bundle member at stream offset `offset` whose declared length fits in the
/// bundle (header and body), or `None`.
pub fn skipped_member<'a>(bundle: &estreamer_codec::Bundle<'a>, offset: usize) -> Option<&'a [u8]> {
    let bytes = bundle.messages_bytes();
    let at = offset.checked_sub(bundle.messages_offset())?;
    let len = bytes.get(at + 4..at + 8)?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
    let end = at.checked_add(8)?.checked_add(usize::try_from(len).ok()?)?;
    bytes.get(at..end)
}

fn bound_fields(o: &mut Obj<'_>, kind: ErrorKind) {
    match kind {
        ErrorKind::UnsupportedHeaderVersion { found } => {
            o.u64("found", found.into());
        }
        ErrorKind::MessageTooLarge { declared, max } => {
            o.u64("declared", declared.into()).u64("max", max.into());
        }
        ErrorKind::LengthTooSmall { declared, min } => {
            o.u64("declared", declared.into()).u64("min", min.into());
        }
        ErrorKind::LengthOverrun {
            declared,
            available,
        } => {
            o.u64("declared", declared.into())
                .u64("available", available.into());
        }
        ErrorKind::RecordLengthMismatch {
            record_length,
            message_length,
            header_len,
        } => {
            o.u64("record_length", record_length.into())
                .u64("message_length", message_length.into())
                .u64("header_len", header_len.into());
        }
        ErrorKind::BodyLength { found, expected } => {
            o.u64("found", found.into())
                .u64("expected", expected.into());
        }
        ErrorKind::TrailingBytes { count } => {
            o.u64("count", count.into());
        }
        ErrorKind::MisalignedEventTypeList { len } => {
            o.u64("len", len.into());
        }
        ErrorKind::ServiceLength { declared } => {
            o.u64("declared", declared.into());
        }
        ErrorKind::NestingTooDeep { max } => {
            o.u64("max", max.into());
        }
        ErrorKind::UnexpectedBlockType { found, expected } => {
            o.u64("found", found.into())
                .u64("expected", expected.into());
        }
        ErrorKind::MissingTerminator => {}
        // ErrorKind is non_exhaustive: a kind added later still gets its name and text.
        _ => {}
    }
}

fn common(o: &mut Obj<'_>, m: &Message<'_>, ctx: Context) {
    o.first_u64_k(k!("offset"), m.offset() as u64)
        .u64_k(k!("header_version"), m.version().into())
        .u64_k(k!("message_type"), m.message_type().0.into())
        .str_k(
            k!("message_type_name"),
            m.message_type().name().unwrap_or("unknown"),
        )
        .u64_k(k!("message_length"), m.length().into());
    if let Some((bundle_offset, index)) = ctx.bundle {
        o.u64_k(k!("bundle_offset"), bundle_offset as u64)
            .u64_k(k!("bundle_index"), index as u64);
    }
}

/// [`common`] and the record header fields of an Event Data message: the keys and values that
/// depend only on the header version, the record header form and the record type are written
/// as prepared runs.
#[inline]
fn event_data_header(
    o: &mut Obj<'_>,
    m: &Message<'_>,
    ctx: Context,
    d: &EventData<'_>,
    runs: &mut HeaderRuns,
) {
    let message = match m.message_type() {
        MessageType::EVENT_DATA => runs.message(m.version()),
        _ => None,
    };
    match message {
        Some(run) => {
            o.first_u64_k(k!("offset"), m.offset() as u64)
                .run_u64(run, m.length().into());
            if let Some((bundle_offset, index)) = ctx.bundle {
                o.u64_k(k!("bundle_offset"), bundle_offset as u64)
                    .u64_k(k!("bundle_index"), index as u64);
            }
        }
        None => common(o, m, ctx),
    }
    match runs.record(d.header_form(), d.record_type()) {
        Some(run) => {
            o.run_u64(run, d.netmap_id().into());
        }
        None => {
            o.str_k(k!("record_header_form"), d.header_form().name())
                .u64_k(k!("record_type"), d.record_type().0.into())
                .opt_str_k(k!("record_type_name"), d.record_type().name())
                .u64_k(k!("netmap_id"), d.netmap_id().into());
        }
    }
    o.u64_k(k!("record_length"), d.record_length() as u64);
    if let (Some(ts), Some(reserved)) = (d.archive_timestamp(), d.reserved()) {
        o.u64_k(k!("archive_timestamp"), ts.into())
            .u64_k(k!("reserved"), reserved.into());
    }
    if d.type_word_flag() {
        o.u64("record_type_flag", 1);
    }
}

fn flags_fields(o: &mut Obj<'_>, flags: RequestFlags) {
    o.u64("request_flags", flags.bits().into())
        .str_array("request_flag_names", flags.iter().map(|i| i.name));
}

fn timestamp_fields(o: &mut Obj<'_>, ts: InitialTimestamp) {
    o.u64("initial_timestamp", ts.to_wire().into())
        .str("initial_timestamp_kind", ts.kind_name());
}

fn event_types(o: &mut Obj<'_>, entries: &[EventTypeRequest]) {
    o.obj_array("event_types", entries, |e, t| {
        e.u64("event_type", t.event_code().0.into())
            .opt_str("event_type_name", EventCode(t.event_code().0).name())
            .u64("event_version", t.event_version().into());
    });
}

/// An Event Data message whose body `d` is already decoded (in `st.mode`): its record header
/// and record, or the record's error.
fn render_event_data(
    out: &mut Out,
    m: &Message<'_>,
    d: &EventData<'_>,
    ctx: Context,
    st: &mut State<'_>,
) {
    // The record stays where `Record::decode` put it and is only borrowed: a record is up to
    // 152 bytes, and moving it (into a tuple, out of a `Result`) costs a copy per record.
    let decoded = Record::decode(d);
    let r = match &decoded {
        Ok(r) => r,
        Err(e) => {
            render_error(out, e, m.offset(), Some(m));
            st.summary.errors += 1;
            return;
        }
    };
    if st.render {
        st.metadata.ingest(r);
    }
    st.summary.messages += 1;
    st.summary.records += 1;
    let mut o = Obj::new(out);
    event_data_header(&mut o, m, ctx, d, &mut st.runs);
    record_fields(&mut o, r, &mut st.keys);
    if st.render {
        match r {
            Record::IntrusionEvent(ev) => rendered_fields(&mut o, &st.metadata.render(ev)),
            other => field_names(&mut o, other, st.metadata, &mut st.keys),
        }
    }
    o.finish();
}

fn render_message(out: &mut Out, m: &Message<'_>, ctx: Context, st: &mut State<'_>) {
    let body = match m.decode_body(st.mode) {
        Ok(b) => b,
        Err(e) => {
            render_error(out, &e, m.offset(), Some(m));
            st.summary.errors += 1;
            return;
        }
    };
    if let Body::EventData(d) = &body {
        render_event_data(out, m, d, ctx, st);
        return;
    }
    st.summary.messages += 1;
    let mut o = Obj::new(out);
    common(&mut o, m, ctx);
    match body {
        // Written above.
        Body::EventData(_) | Body::Null => {}
        Body::Error(e) => {
            o.i64("error_code", e.code.into())
                .u64("error_text_length", e.text.len() as u64)
                .text(
                    "error_text",
                    e.text.as_bytes(),
                    e.text.trim_nul().as_bytes(),
                );
        }
        Body::EventStreamRequest(r) => {
            timestamp_fields(&mut o, r.initial_timestamp);
            flags_fields(&mut o, r.flags);
        }
        Body::HostDataRequest(r) => {
            o.u64("data_type", r.data_type.into())
                .u64("host_request_flags", r.flags.into())
                .ipv4("start_ip_address", r.start_address)
                .ipv4("end_ip_address", r.end_address);
        }
        Body::HostData(h) => {
            o.u64("block_type", h.block_type.into())
                .u64("block_length", (h.data.len() + 8) as u64)
                .hex("block_data", h.data);
        }
        Body::StreamingRequest(r) => {
            let service_length = m.length().saturating_sub(match r.convention {
                estreamer_codec::ServiceLengthConvention::IncludingHeader => 0,
                estreamer_codec::ServiceLengthConvention::ExcludingHeader => 8,
            });
            o.u64("service_id", r.service_id.into())
                .u64("service_length", service_length.into())
                .str("service_length_convention", r.convention.name());
            flags_fields(&mut o, r.flags);
            timestamp_fields(&mut o, r.initial_timestamp);
            event_types(&mut o, r.entries);
        }
        Body::StreamingInformation(info) => {
            let conv = info.convention();
            o.str("service_length_convention", conv.name());
            o.obj_array("services", info.services(), |s, svc| {
                let total = 16 + std::mem::size_of_val(svc.entries);
                let counted = match conv {
                    estreamer_codec::ServiceLengthConvention::IncludingHeader => total,
                    estreamer_codec::ServiceLengthConvention::ExcludingHeader => total - 8,
                };
                s.u64("service_id", svc.service_id.into())
                    .u64("service_length", counted as u64)
                    .u64("request_flags", svc.flags.into())
                    .u64("initial_timestamp", svc.initial_timestamp.into());
                event_types(s, svc.entries);
            });
        }
        Body::Bundle(b) => {
            let count = b.messages().filter(Result::is_ok).count();
            o.u64("connection_id", b.connection_id.into())
                .u64("sequence_number", b.sequence_number.into())
                .u64("message_count", count as u64);
            o.finish();
            for (index, inner) in b.messages().enumerate() {
                match inner {
                    Ok(inner) if ctx.depth < MAX_DEPTH => {
                        let inner_ctx = Context {
                            bundle: Some((m.offset(), index)),
                            depth: ctx.depth + 1,
                        };
                        render_message(out, &inner, inner_ctx, st);
                        st.flush_if_full(out);
                    }
                    Ok(inner) => {
                        let mut o = Obj::new(out);
                        common(&mut o, &inner, ctx);
                        o.hex("body", inner.body());
                        o.finish();
                        st.summary.messages += 1;
                    }
                    Err(e) => {
                        render_member_error(out, &e, m, &b, index);
                        st.summary.errors += 1;
                        st.flush_if_full(out);
                    }
                }
            }
            return;
        }
        Body::Unknown(raw) => {
            o.hex("body", raw);
        }
    }
    o.finish();
}

/// Writes a value under `name`: numbers as numbers, addresses and UUIDs as text, bytes as hex,
/// text lossily (with `<name>_hex` on replacement).
fn value(o: &mut Obj<'_>, name: &str, v: Value<'_>) {
    match v {
        Value::U8(x) => {
            o.u64(name, x.into());
        }
        Value::U16(x) => {
            o.u64(name, x.into());
        }
        Value::U32(x) => {
            o.u64(name, x.into());
        }
        Value::U64(x) => {
            o.u64(name, x);
        }
        Value::I32(x) => {
            o.i64(name, x.into());
        }
        Value::Ipv4(a) => {
            o.ipv4(name, a.octets());
        }
        Value::Ip16(a) => {
            o.ip16(name, a.0);
        }
        Value::Uuid(u) => {
            o.uuid(name, u.0);
        }
        Value::Mac(m) => {
            o.mac(name, m.0);
        }
        Value::Bytes(b) => {
            o.hex(name, b);
        }
        Value::Text(t) => {
            o.text(name, t.as_bytes(), t.trim_nul().as_bytes());
        }
        // A length the encoder computes; never produced by decoding.
        Value::Computed => {}
        Value::Absent => {
            o.null(name);
        }
        Value::Nested(n) if n.is_list => {
            o.obj_array(name, n.items(), |item_obj, item| {
                nested_fields(item_obj, &item)
            });
        }
        Value::Nested(n) => {
            o.obj(name, |inner| nested_fields(inner, &n));
        }
    }
}

/// [`value`] under a prepared key: the same output, with the fixed-size key copy. Inlined into
/// each field of the typed visit, where the value's variant is known: the match folds away.
#[inline(always)]
fn value_k(o: &mut Obj<'_>, key: &Key, v: Value<'_>) {
    match v {
        Value::U8(x) => {
            o.u64_k(key, x.into());
        }
        Value::U16(x) => {
            o.u64_k(key, x.into());
        }
        Value::U32(x) => {
            o.u64_k(key, x.into());
        }
        Value::U64(x) => {
            o.u64_k(key, x);
        }
        Value::Ipv4(a) => {
            o.ipv4_k(key, a.octets());
        }
        Value::Ip16(a) => {
            o.ip16_k(key, a.0);
        }
        Value::Uuid(u) => {
            o.uuid_k(key, u.0);
        }
        Value::Bytes(b) => {
            o.hex_k(key, b);
        }
        Value::Text(t) => {
            let shown = t.trim_nul().as_bytes();
            // Most text fields are empty (an intrusion event's HTTP and SMTP fields, VRFs):
            // written inline, without the call and the scan.
            if shown.is_empty() {
                o.empty_text_k(key, t.as_bytes());
            } else {
                o.text_k(key, t.as_bytes(), shown);
            }
        }
        other => value(o, key.name(), other),
    }
}

/// Writes field `i` of a layout under its prepared key (`keys` are the layout's, one per field:
/// [`LayoutKeys::new`]; the typed visit passes only indices of the layout's fields). Indexed,
/// not `get`: a fallback for a missing key made each field's inlined code build its `Value` on
/// the stack for that path, 3 stores a field (~1.4 % of `decode`'s instructions). An index out
/// of range would be a bug in this file, not bad input.
#[inline(always)]
fn keyed_value(o: &mut Obj<'_>, keys: &[Key], i: usize, v: Value<'_>) {
    value_k(o, &keys[i], v)
}

/// A nested block: its type, then its fields.
fn nested_fields(o: &mut Obj<'_>, n: &estreamer_codec::layout::Nested<'_>) {
    o.u64("block_type", n.block_type().into());
    let end = n.for_each(|name, v| value(o, name, v));
    if let Ok(w) = end {
        let data = n.bytes.get(8..).unwrap_or_default();
        let trailing = data.get(w.end..).unwrap_or_default();
        if !trailing.is_empty() {
            o.hex("trailing_bytes", trailing);
        }
    }
}

/// The typed fields of a record (its layout's field names), or its raw bytes. A header that
/// precedes the record's block (the discovery event header) is written as a nested object named
/// after its layout, since its field names (e.g. `device_id`) repeat in the block.
fn record_fields(o: &mut Obj<'_>, r: &Record<'_>, keys: &mut KeyCache) {
    if let Some(pre) = r.prefix() {
        let prepared = keys.get(pre.layout);
        let k = &prepared.keys;
        o.obj_k(&prepared.name, |inner| {
            r.visit_prefix_indexed(
                #[inline(always)]
                |i, v| keyed_value(inner, k, i, v),
            );
        });
    }
    if let Some(parts) = r.parts() {
        let prepared = keys.get(parts.layout);
        match (prepared.block.as_ref(), parts.layout.block_type) {
            (Some(run), Some(_)) => {
                o.run_u64(run, (parts.bytes.len() + 8) as u64);
            }
            (_, block_type) => {
                o.str_k(k!("record_layout"), parts.layout.name);
                if let Some(t) = block_type {
                    o.u64_k(k!("block_type"), t.into())
                        .u64_k(k!("block_length"), (parts.bytes.len() + 8) as u64);
                }
            }
        }
        // Through the typed view (validated when decoded): the same fields as
        // `parts.for_each`, without walking the layout again.
        let k = &prepared.keys;
        let end = r.visit_fields_indexed(
            #[inline(always)]
            |i, v| keyed_value(o, k, i, v),
        );
        if let Some(w) = end {
            let trailing = parts.bytes.get(w.end..).unwrap_or_default();
            if !trailing.is_empty() {
                o.hex("trailing_bytes", trailing);
            }
        }
    } else if let Some(b) = r.raw_block() {
        o.str("record_layout", "raw_block")
            .u64("block_type", b.block_type.into())
            .u64("block_length", b.length() as u64)
            .hex("block_data", b.data);
    } else if let Record::Unknown(_, body) = r {
        o.str("record_layout", "raw").hex("record_body", body);
    }
}

/// With `--render`, every event other than an intrusion event gets `<field>_name` for each of its
/// fields that a metadata record names (`Metadata::field_name`: zones, interfaces, applications,
/// URL categories, countries, SSL values, DNS types, ...; null until that metadata is seen), and
/// a connection event its access control policy and rule names, which take two fields each.
///
/// The fields are read through the record's typed visit, and which of them metadata names is
/// worked out once per layout (`RenderKeys`): no name matching per record.
fn field_names(o: &mut Obj<'_>, r: &Record<'_>, md: &Metadata, keys: &mut KeyCache) {
    let Some(parts) = r.parts() else { return };
    let Some(prepared) = keys.render(parts.layout) else {
        return;
    };
    let (mut device, mut revision, mut rule) = (0u32, None, 0u32);
    let [at_device, at_revision, at_rule] = prepared.policy;
    let _ = r.visit_fields_indexed(
        #[inline(always)]
        |i, v| {
            let slot = prepared.named_at.get(i).copied().unwrap_or(0);
            if slot != 0 {
                if let Some((key, t)) = prepared.named.get(usize::from(slot) - 1) {
                    o.opt_str_k(key, md.lookup_name(*t, &v));
                }
            }
            match v {
                Value::U32(x) if Some(i) == at_device => device = x,
                Value::Uuid(u) if Some(i) == at_revision => revision = Some(u),
                Value::U32(x) if Some(i) == at_rule => rule = x,
                _ => {}
            }
        },
    );
    if let Record::Connection(_) = r {
        let (policy, rule) = match revision {
            Some(revision) => (
                md.access_control_policy(device, revision),
                md.access_control_rule(revision, rule),
            ),
            None => (None, None),
        };
        o.opt_str_k(k!("access_control_policy_name"), policy)
            .opt_str_k(k!("access_control_rule_name"), rule);
    }
}

/// The names `--render` adds to an intrusion event. A name whose metadata has not been seen is
/// null; in particular `sid` is null until record 66 arrives - the internal rule ID is never
/// shown as the SID.
fn rendered_fields(o: &mut Obj<'_>, r: &estreamer_codec::names::Rendered<'_>) {
    o.u64_k(k!("gid"), r.generator_id.into());
    match r.signature() {
        Some(sig) => {
            // `gid:sid:rev` (the signature's `Display`) on the stack, not into a `String`.
            let mut text = [0u8; 64];
            let n = crate::out::colon_triple(&mut text, sig.generator_id, sig.sid, sig.revision);
            let rendered = std::str::from_utf8(text.get(..n).unwrap_or_default()).unwrap_or("");
            o.u64_k(k!("sid"), sig.sid.into())
                .u64_k(k!("rev"), sig.revision.into())
                .str_k(k!("rule_rendered"), rendered)
                .str_k(k!("sid_status"), "rendered");
        }
        None => {
            o.opt_str_k(k!("sid"), None)
                .u64_k(k!("rev"), r.rule_revision.into())
                .opt_str_k(k!("rule_rendered"), None)
                .str_k(k!("sid_status"), "rule_metadata_missing");
        }
    }
    o.opt_str_k(k!("rule_message"), r.rule_message)
        .opt_str_k(k!("classification"), r.classification)
        .opt_str_k(
            k!("classification_description"),
            r.classification_description,
        )
        .opt_str_k(k!("priority"), r.priority)
        .opt_str_k(k!("device"), r.device)
        .opt_str_k(k!("intrusion_policy"), r.intrusion_policy)
        .opt_str_k(k!("access_control_policy"), r.access_control_policy)
        .opt_str_k(k!("access_control_rule"), r.access_control_rule)
        .opt_str_k(k!("interface_ingress"), r.interface_ingress)
        .opt_str_k(k!("interface_egress"), r.interface_egress)
        .opt_str_k(k!("security_zone_ingress"), r.security_zone_ingress)
        .opt_str_k(k!("security_zone_egress"), r.security_zone_egress)
        .opt_str_k(k!("network_analysis_policy"), r.network_analysis_policy)
        .opt_str_k(k!("user"), r.user)
        .opt_str_k(k!("client_application"), r.client_application)
        .opt_str_k(k!("application_protocol"), r.application_protocol)
        .opt_str_k(k!("web_application"), r.web_application)
        // These four get a `_name` suffix: the event has fields of the bare names (the codes).
        .opt_str_k(k!("source_country_name"), r.source_country)
        .opt_str_k(k!("destination_country_name"), r.destination_country)
        .opt_str_k(k!("ioc"), r.ioc)
        .opt_str_k(k!("ssl_actual_action_name"), r.ssl_actual_action)
        .opt_str_k(k!("ssl_flow_status_name"), r.ssl_flow_status);
}

/// The name `decode` prints for a message type (for other commands' messages).
pub fn message_type_name(t: MessageType) -> &'static str {
    t.name().unwrap_or("unknown")
}
