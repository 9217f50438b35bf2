//! The network side of eStreamer: a sans-I/O session state machine ([`session`]), TLS with the
//! client certificate a Management Center issues as PKCS#12 ([`identity`], [`tls`]), a tokio
//! transport with reconnect, bookmark and duplicate suppression ([`connect`], [`resume`],
//! [`lock`]), and Cisco's troubleshooting checklist ([`doctor`]). The test server and the
//! test PKI are the `estreamer-testkit` crate.
//!
//! Feature `net` (default) brings everything with I/O; without it the crate is [`session`] and
//! [`resume`] only, with no dependency beyond the codec.

#![forbid(unsafe_code)]

#[cfg(feature = "net")]
pub mod connect;
#[cfg(feature = "net")]
pub mod doctor;
#[cfg(feature = "net")]
pub mod identity;
pub mod lock;
#[cfg(feature = "net")]
mod pump;
pub mod resume;
pub mod session;
#[cfg(feature = "net")]
pub mod tls;
