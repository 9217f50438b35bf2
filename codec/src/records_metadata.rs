//! Metadata records of WIRE.md Appendix C not needed to render an intrusion event: layouts and
//! their catalogue rows.

use crate::catalogue::Entry;

/// Catalogue rows for the records of this module.
pub static ENTRIES: &[Entry] = &[];
