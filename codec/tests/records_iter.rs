//! `Records` and `RecordReader`: every record of a stream, bundles opened, with its position,
//! and every error; the same items as the message-by-message walk (`common::events`) and as
//! each other, however the bytes arrive.

mod common;

use std::io::Read;

use common::{Event, all_vectors, events, testdata_dir};
use estreamer_codec::{
    DecodeError, DecodeOptions, HeaderMode, InBundle, MessageType, Record, RecordReader, Records,
};

/// An item reduced to what both walks can say: the record with its message offset and bundle
/// member index, or the error.
#[derive(Debug, PartialEq)]
enum Item<'a> {
    Record(usize, Option<u32>, Record<'a>),
    Error(DecodeError),
}

/// The reference: the message-by-message walk, with the messages that carry no record left out.
fn reference<'a>(bytes: &'a [u8], opts: DecodeOptions) -> Vec<Item<'a>> {
    let record_types = [MessageType::EVENT_DATA.0, MessageType::MESSAGE_BUNDLE.0];
    events(bytes, opts)
        .into_iter()
        .filter_map(|e| match e {
            Event::Message {
                msg,
                record: Some(r),
                bundle,
                ..
            } => Some(Item::Record(msg.offset(), bundle.map(|b| b.1 as u32), r)),
            Event::Message { .. } => None,
            Event::Error {
                err,
                message_offset,
                member,
                ..
            } => match (member, message_offset) {
                (None, Some((_, t))) if !record_types.contains(&t) => None,
                _ => Some(Item::Error(err)),
            },
        })
        .collect()
}

fn of_records<'a>(bytes: &'a [u8], opts: DecodeOptions) -> Vec<Item<'a>> {
    Records::new(bytes, opts)
        .map(|item| match item {
            Ok(r) => Item::Record(
                r.position.offset,
                r.position.bundle.map(|b| b.index),
                r.record,
            ),
            Err(e) => Item::Error(e.error),
        })
        .collect()
}

/// A reader that hands out at most `chunk` bytes per read.
struct Chunked<'a> {
    rest: &'a [u8],
    chunk: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.rest.len());
        out[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

/// `RecordReader`'s items as text (they borrow the reader, so they cannot be kept).
fn of_reader(bytes: &[u8], opts: DecodeOptions, chunk: usize) -> Vec<String> {
    let mut reader = RecordReader::new(Chunked { rest: bytes, chunk }, opts);
    let mut out = Vec::new();
    while let Some(item) = reader.next_record().unwrap() {
        out.push(format!("{item:?}"));
    }
    out
}

fn captures() -> Vec<(String, Vec<u8>, DecodeOptions)> {
    let mut all: Vec<_> = all_vectors()
        .into_iter()
        .map(|v| (v.name.clone(), v.bytes.clone(), v.opts()))
        .collect();
    let session = std::fs::read(testdata_dir().join("session.bin")).unwrap();
    all.push(("session.bin".into(), session, DecodeOptions::default()));
    all
}

#[test]
fn records_are_the_records_and_errors_of_the_message_walk() {
    let mut records = 0;
    let mut errors = 0;
    for (name, bytes, opts) in captures() {
        let want = reference(&bytes, opts);
        let got = of_records(&bytes, opts);
        assert_eq!(got, want, "{name}");
        records += got.iter().filter(|i| matches!(i, Item::Record(..))).count();
        errors += got.iter().filter(|i| matches!(i, Item::Error(..))).count();
    }
    // The corpus has both, so the comparison above covers both.
    assert!(
        records > 100 && errors > 10,
        "{records} records, {errors} errors"
    );
}

#[test]
fn the_reader_yields_the_same_items_in_any_chunks() {
    for (name, bytes, opts) in captures() {
        let whole: Vec<String> = Records::new(&bytes, opts)
            .map(|i| format!("{i:?}"))
            .collect();
        for chunk in [1, 7, 8, 4096] {
            assert_eq!(
                of_reader(&bytes, opts, chunk),
                whole,
                "{name}, chunks of {chunk}"
            );
        }
    }
}

#[test]
fn positions_name_the_bundle_member_and_the_archive_timestamp() {
    let session = std::fs::read(testdata_dir().join("session.bin")).unwrap();
    let items: Vec<_> = Records::new(&session, DecodeOptions::default())
        .map(Result::unwrap)
        .collect();
    // Every bundle's members are numbered from 0, one by one.
    let mut last: Option<InBundle> = None;
    for r in &items {
        let b = r
            .position
            .bundle
            .expect("session.bin sends every record in a bundle");
        match last {
            Some(l) if l.sequence_number == b.sequence_number => assert_eq!(b.index, l.index + 1),
            _ => assert_eq!(b.index, 0),
        }
        last = Some(b);
        assert_eq!(r.position.archive_timestamp, r.event.archive_timestamp());
        assert_eq!(
            &session[r.position.offset + 8..r.position.offset + 12],
            &r.event.record_type().0.to_be_bytes()
        );
    }
    assert!(items.len() > 10);
}

fn hostile(file: &str) -> common::Vector {
    common::hostile_vectors()
        .into_iter()
        .find(|v| v.name.ends_with(file))
        .unwrap_or_else(|| panic!("no vector {file}"))
}

#[test]
fn a_damaged_member_is_an_error_and_the_walk_goes_on() {
    let v = hostile("bundle_inner_version_2_first.hex");
    let items: Vec<_> = Records::new(&v.bytes, v.opts()).collect();
    let bad = items
        .iter()
        .position(Result::is_err)
        .expect("the member is reported");
    assert!(items[bad + 1..].iter().any(Result::is_ok), "{items:?}");
    let e = items[bad].as_ref().unwrap_err();
    assert!(e.position.bundle.is_some());
    assert!(e.to_string().contains("bundle"), "{e}");
}

#[test]
fn the_header_mode_is_the_options_one() {
    let v = hostile("event_data_extended_in_standard_mode.hex");
    let strict = DecodeOptions {
        header_mode: HeaderMode::Standard,
        ..DecodeOptions::default()
    };
    assert!(Records::new(&v.bytes, strict).any(|i| i.is_err()));
    let auto = DecodeOptions::default();
    assert!(Records::new(&v.bytes, auto).all(|i| i.is_ok()));
}
