//! Discovery (RNA), user activity (RUA), VPN and correlation records (WIRE.md §6.5, §10.3,
//! Appendix A): layouts and their catalogue rows.

use crate::catalogue::Entry;

/// Catalogue rows for the records of this module.
pub static ENTRIES: &[Entry] = &[];
