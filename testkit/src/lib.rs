//! # estreamer-testkit
//!
//! What the tests, `estreamer serve`, `estreamer certs` and the demo stand on: a real
//! eStreamer test server ([`server`]), a test PKI made the way a Management Center makes it
//! ([`certs`]), and a TLS man-in-the-middle that damages a server's stream on purpose
//! ([`mitm`]). Everything here is real (rustls, PKCS#12, sockets): nothing is mocked. It is not
//! what a client needs; that is `estreamer-client`.

#![forbid(unsafe_code)]

pub mod certs;
pub mod mitm;
pub mod server;
