//! The `estreamer` command-line tool's library: the commands as functions, so tests and other
//! tools can call them without a process.

pub mod cache;
pub mod catalogue;
#[cfg(feature = "net")]
pub mod direct;
pub mod interrupt;
#[cfg(feature = "net")]
pub mod net;
pub mod request;
#[cfg(feature = "net")]
pub mod stream;
pub mod synth;
