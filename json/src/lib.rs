//! # estreamer-json
//!
//! The JSON Lines schema of estreamer-rs, as a library: every eStreamer message and record as
//! one JSON object, written straight into a byte buffer, with the names the metadata gives
//! (`--render`: above all the SID the user entered, from record 66, never the internal rule
//! ID). `estreamer decode` and `estreamer stream` write exactly this; the schema is documented
//! in the repository's README ("JSON Lines schema") and is a public interface.
//!
//! * [`decode`]: a whole captured stream to JSON Lines ([`decode::decode_stream`], with worker
//!   threads [`decode::decode_stream_parallel`]), and the [`decode::Renderer`] that turns one
//!   message at a time into its object(s), for a live session.
//! * [`out`]: the writer underneath ([`out::Obj`], [`out::Out`]), for other objects in the same
//!   style (the doctor's report, the catalogue).

#![forbid(unsafe_code)]

pub mod decode;
pub mod out;

pub use decode::{
    Renderer, Summary, decode_stream, decode_stream_parallel, decode_stream_rendered,
};
pub use out::{Obj, Out};
