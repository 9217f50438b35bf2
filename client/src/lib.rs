//! The network side of eStreamer: a sans-I/O session state machine ([`session`]), TLS with the
//! client certificate a Management Center issues as PKCS#12 ([`identity`], [`tls`]), a tokio
//! transport with reconnect, bookmark and duplicate suppression, and a real test server.

#![forbid(unsafe_code)]

pub mod certs;
pub mod connect;
pub mod doctor;
pub mod identity;
pub mod resume;
pub mod server;
pub mod session;
pub mod tls;
