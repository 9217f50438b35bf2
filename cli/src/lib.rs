//! The `estreamer` command-line tool's library: the commands as functions, so tests and other
//! tools can call them without a process.

pub mod cache;
pub mod catalogue;
pub mod decode;
#[cfg(feature = "net")]
pub mod direct;
pub mod interrupt;
pub mod json;
#[cfg(feature = "net")]
pub mod net;
pub mod request;
#[cfg(feature = "net")]
pub mod stream;
pub mod synth;
