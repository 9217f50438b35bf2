//! The decode path allocates nothing: framing, typed bodies, bundle iteration and record
//! headers borrow from the input, and a long-running `StreamDecoder` / `MessageReader` stops
//! allocating once its buffer has grown to the largest message.
//!
//! Allocations are counted by a `#[global_allocator]` that wraps [`System`] and counts, per
//! thread, the calls made while a measurement is armed (the test harness's own threads are not
//! counted). The stream comes from the synthesizer; building it allocates, measuring does not.
//!
//! This lives in the benches crate rather than in `codec/tests/` because a `GlobalAlloc` impl
//! needs `unsafe impl`, which the codec's `forbid(unsafe_code)` rules out (see
//! benches/Cargo.toml).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use estreamer_benches::{InnerVersion, Synth, SynthConfig, synth};
use estreamer_codec::{
    Body, DecodeOptions, EventData, HeaderMode, MessageReader, Messages, StreamDecoder,
};

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static FREES: Cell<u64> = const { Cell::new(0) };
}

/// Adds one to `counter` if this thread is measuring. `const`-initialized thread-locals without
/// destructors, so this never allocates; `try_with` keeps it safe during thread teardown.
fn note(counter: &'static std::thread::LocalKey<Cell<u64>>) {
    if ARMED.try_with(Cell::get).unwrap_or(false) {
        let _ = counter.try_with(|c| c.set(c.get() + 1));
    }
}

/// `System`, counting allocations (alloc, alloc_zeroed, realloc) and frees.
struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counting
// touches only const-initialized thread-locals and never allocates.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(&ALLOCS);
        // SAFETY: forwarded as received; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(&ALLOCS);
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(&ALLOCS);
        // SAFETY: as above; `ptr` was allocated by `System` through this wrapper.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(&FREES);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result with the allocations and frees it made on this thread.
fn counted<R>(f: impl FnOnce() -> R) -> (R, u64, u64) {
    ALLOCS.set(0);
    FREES.set(0);
    ARMED.set(true);
    let r = f();
    ARMED.set(false);
    (r, ALLOCS.get(), FREES.get())
}

/// 4 MiB, both inner header versions: enough bundles to be representative, quick in debug.
fn stream() -> Synth {
    synth(&SynthConfig {
        seed: 0x5eed,
        target_bytes: 4 * 1024 * 1024,
        inner_version: InnerVersion::Mixed,
        ..SynthConfig::default()
    })
}

#[test]
fn the_counter_counts() {
    let (v, allocs, frees) = counted(|| {
        let v: Vec<u8> = Vec::with_capacity(100);
        drop(std::hint::black_box(Vec::<u8>::with_capacity(10)));
        v
    });
    assert_eq!((allocs, frees), (2, 1));
    drop(v);
}

#[test]
fn framing_allocates_nothing() {
    let s = stream();
    let opts = DecodeOptions::default();
    let ((messages, errors, sum), allocs, frees) = counted(|| {
        let (mut n, mut errors, mut sum) = (0usize, 0usize, 0u64);
        for m in Messages::new(&s.bytes, opts) {
            match m {
                Ok(m) => {
                    n += 1;
                    sum += u64::from(m.length());
                }
                Err(_) => errors += 1,
            }
        }
        (n, errors, sum)
    });
    assert_eq!(
        (allocs, frees),
        (0, 0),
        "framing {} messages of a {}-byte stream ({s}) allocated",
        s.messages,
        s.bytes.len()
    );
    assert_eq!((messages, errors), (s.messages, 0), "{s}");
    assert_eq!(sum as usize + 8 * messages, s.bytes.len());
}

#[test]
fn bodies_bundles_and_record_headers_allocate_nothing() {
    let s = stream();
    for mode in [HeaderMode::Auto, HeaderMode::Extended] {
        let opts = DecodeOptions {
            header_mode: mode,
            ..DecodeOptions::default()
        };
        let ((bundles, records, errors, sum), allocs, frees) = counted(|| {
            let (mut bundles, mut records, mut errors, mut sum) = (0usize, 0usize, 0usize, 0u64);
            for m in Messages::new(&s.bytes, opts) {
                let body = m.and_then(|m| m.decode_body(mode));
                let bundle = match body {
                    Ok(Body::Bundle(b)) => b,
                    Ok(_) => continue,
                    Err(_) => {
                        errors += 1;
                        continue;
                    }
                };
                bundles += 1;
                for inner in bundle.messages() {
                    let Ok(inner) = inner else {
                        errors += 1;
                        continue;
                    };
                    // Both ways in: the typed body, and the record parser on its own.
                    let typed = inner.decode_body(mode);
                    let direct = EventData::parse(inner.body(), inner.body_offset(), mode);
                    match (typed, direct) {
                        (Ok(Body::EventData(a)), Ok(b)) if a == b => {
                            records += 1;
                            sum += u64::from(a.record_type().0)
                                + a.record_length() as u64
                                + u64::from(a.archive_timestamp().unwrap_or(0));
                        }
                        _ => errors += 1,
                    }
                }
            }
            (bundles, records, errors, sum)
        });
        assert_eq!(
            (allocs, frees),
            (0, 0),
            "{mode:?}: decoding {} bundles / {} records of a {}-byte stream ({s}) allocated",
            s.bundles,
            s.records,
            s.bytes.len()
        );
        assert_eq!((bundles, records, errors), (s.bundles, s.records, 0), "{s}");
        assert!(sum > 0);
    }
}

/// Feeds `stream` to `dec` in 64 KiB chunks; returns (messages, errors).
fn feed_all(dec: &mut StreamDecoder, stream: &[u8]) -> (usize, usize) {
    let (mut n, mut errors) = (0, 0);
    for chunk in stream.chunks(64 * 1024) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let k = dec.feed(rest);
            rest = rest.get(k..).unwrap_or_default();
            loop {
                match dec.next_message() {
                    Ok(Some(_)) => n += 1,
                    Ok(None) => break,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
        }
    }
    (n, errors)
}

#[test]
fn stream_decoder_allocates_nothing_in_steady_state() {
    let s = stream();
    let mut dec = StreamDecoder::new(DecodeOptions::default());
    // Warm-up: the buffer grows (by doubling) until it holds a chunk plus the largest message.
    let ((n, errors), warm_allocs, _) = counted(|| feed_all(&mut dec, &s.bytes));
    assert_eq!((n, errors), (s.messages, 0), "{s}");
    assert!(dec.finish().is_ok());
    assert!(
        warm_allocs <= 24,
        "warm-up over {} messages ({s}) made {warm_allocs} allocations: should grow by doubling, \
         not per message",
        s.messages
    );
    // Steady state: the same bytes again (a stream of whole messages can be replayed).
    let ((n, errors), allocs, frees) = counted(|| feed_all(&mut dec, &s.bytes));
    assert_eq!((n, errors), (s.messages, 0), "{s}");
    assert_eq!(
        (allocs, frees),
        (0, 0),
        "a warmed-up StreamDecoder allocated while decoding {} messages of a {}-byte stream ({s}) \
         (warm-up made {warm_allocs})",
        s.messages,
        s.bytes.len()
    );
    assert!(dec.finish().is_ok());
}

#[test]
fn message_reader_allocates_nothing_in_steady_state() {
    use std::io::Read;
    let s = stream();
    let len = s.bytes.len();
    let mut reader = MessageReader::new(
        s.bytes.as_slice().chain(s.bytes.as_slice()),
        DecodeOptions::default(),
    );
    let mut messages = 0usize;
    let mut allocs_in_second_pass = 0u64;
    let (result, _, _) = counted(|| {
        loop {
            let before = ALLOCS.get();
            let second_pass = reader.position() >= len;
            match reader.next_message() {
                Ok(Some(_)) => messages += 1,
                Ok(None) => return Ok(()),
                Err(e) => return Err(e),
            }
            if second_pass {
                allocs_in_second_pass += ALLOCS.get() - before;
            }
        }
    });
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(messages, 2 * s.messages, "{s}");
    assert_eq!(
        allocs_in_second_pass, 0,
        "a warmed-up MessageReader allocated while reading {} messages of a {len}-byte stream \
         ({s})",
        s.messages
    );
}

/// Typed records: decoding every record of the stream, reading every field
/// through its view (and walking it generically, as the JSON writer does) and rendering every
/// intrusion event with a filled metadata cache allocates nothing. Filling the cache (the insert)
/// is outside the measurement.
#[test]
fn typed_records_and_rendering_allocate_nothing() {
    use estreamer_codec::Record;
    use estreamer_codec::names::Metadata;

    let s = stream();
    let mut bodies = Vec::new();
    for m in Messages::new(&s.bytes, DecodeOptions::default()) {
        if let Ok(Body::Bundle(b)) = m.unwrap().decode_body(HeaderMode::Auto) {
            for inner in b.messages() {
                if let Ok(Body::EventData(d)) = inner.unwrap().decode_body(HeaderMode::Auto) {
                    bodies.push(d);
                }
            }
        }
    }
    let mut md = Metadata::new();
    for d in &bodies {
        md.ingest(&Record::decode(d).unwrap());
    }
    assert!(!md.is_empty());
    let ((records, fields, rendered), allocs, _) = counted(|| {
        let (mut records, mut fields, mut rendered) = (0usize, 0usize, 0usize);
        for d in &bodies {
            let rec = Record::decode(d).unwrap();
            records += 1;
            for parts in rec.prefix().into_iter().chain(rec.parts()) {
                parts
                    .for_each(|_, v| {
                        std::hint::black_box(v);
                        fields += 1;
                    })
                    .unwrap();
            }
            // The typed visit, which `estreamer decode` uses.
            rec.visit_prefix(|_, v| {
                std::hint::black_box(v);
            });
            rec.visit_fields(|_, v| {
                std::hint::black_box(v);
            });
            if let Record::IntrusionEvent(ev) = rec {
                let r = md.render(&ev);
                std::hint::black_box(&r);
                rendered += 1;
            }
        }
        (records, fields, rendered)
    });
    assert!(
        records > 1000 && rendered > 100,
        "{records} records, {rendered} rendered ({s})"
    );
    assert_eq!(
        allocs, 0,
        "decoding {records} typed records ({fields} fields) and rendering {rendered} intrusion \
         events ({s}) allocated"
    );
}

/// `estreamer decode` to JSON Lines allocates a bounded number of times whatever the number of
/// records: its output buffer, the reader's buffer while it grows to the largest message, and
/// one table of keys per layout met; nothing per record or per field.
#[test]
fn json_lines_allocate_nothing_per_record() {
    let s = stream();
    let mut out = Vec::with_capacity(s.bytes.len() * 8);
    let (summary, allocs, _) = counted(|| {
        estreamer_json::decode::decode_stream(&s.bytes[..], &mut out, DecodeOptions::default())
    });
    let summary = summary.unwrap();
    assert!(summary.records > 7000, "{summary:?}");
    assert!(
        allocs < 64,
        "{allocs} allocations for {} records to JSON Lines",
        summary.records
    );
}
