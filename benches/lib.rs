//! Benchmarks for estreamer-codec. The stream they run on comes from `estreamer-synth`,
//! re-exported here so the benches, tests and examples can say `estreamer_benches::synth`.

#![forbid(unsafe_code)]

pub use estreamer_synth::*;

use estreamer_codec::layout::Value;
use estreamer_codec::{Body, DecodeOptions, EventData, HeaderMode, Messages, Record};

/// Folds a field's value into a number without a store per field, so that reading it cannot
/// be optimized away.
#[inline(always)]
pub fn fold(v: Value<'_>) -> u64 {
    match v {
        Value::U8(x) => x.into(),
        Value::U16(x) => x.into(),
        Value::U32(x) => x.into(),
        Value::U64(x) => x,
        Value::I32(x) => x as u64,
        Value::Ip16(a) => a.0[15].into(),
        Value::Uuid(u) => u.0[15].into(),
        Value::Bytes(b) => b.len() as u64,
        Value::Text(t) => t.len() as u64,
        _ => 1,
    }
}

/// Calls `f` with every Event Data record of the bundles of `stream` (the synthesized streams
/// send every record in a bundle), skipping what does not decode: the hand-written walk the
/// benches measure, kept as it was so the figures stay comparable.
#[inline(always)]
pub fn for_each_event<'a>(stream: &'a [u8], mut f: impl FnMut(EventData<'a>)) {
    for m in Messages::new(stream, DecodeOptions::default()).flatten() {
        let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) else {
            continue;
        };
        for inner in b.messages().flatten() {
            if let Ok(Body::EventData(d)) = inner.decode_body(HeaderMode::Auto) {
                f(d);
            }
        }
    }
}

/// [`for_each_event`], each record decoded.
#[inline(always)]
pub fn for_each_record<'a>(stream: &'a [u8], mut f: impl FnMut(&Record<'a>)) {
    for_each_event(stream, |d| {
        if let Ok(r) = Record::decode(&d) {
            f(&r);
        }
    });
}

/// Every Event Data record of `stream`, in order.
pub fn events(stream: &[u8]) -> Vec<EventData<'_>> {
    let mut out = Vec::new();
    for_each_event(stream, |d| out.push(d));
    out
}
