//! The network side of eStreamer: a sans-I/O session state machine ([`session`]), TLS with the
//! client certificate a Management Center issues as PKCS#12 ([`identity`], [`tls`]), a tokio
//! transport with reconnect, bookmark and duplicate suppression, and a real test server.

//!
//! Feature `net` (default) brings everything with I/O; without it the crate is [`session`] and
//! [`resume`] only, with no dependency beyond the codec.

#![forbid(unsafe_code)]

#[cfg(feature = "net")]
pub mod certs;
#[cfg(feature = "net")]
pub mod connect;
#[cfg(feature = "net")]
pub mod doctor;
#[cfg(feature = "net")]
pub mod identity;
pub mod lock;
#[cfg(feature = "net")]
pub mod mitm;
pub mod resume;
#[cfg(feature = "net")]
pub mod server;
pub mod session;
#[cfg(feature = "net")]
pub mod tls;
