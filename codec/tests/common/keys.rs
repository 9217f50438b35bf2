//! The keys `estreamer decode` writes at the top level of every Event Data object, besides the
//! record's fields (docs: the JSON Lines schema; `block_type`/`block_length` for block
//! layouts, `trailing_bytes` when bytes follow the last field). Shared by the tests that check
//! that no layout's field repeats one of them.

/// The top-level keys of an Event Data object.
pub const EVENT_DATA_KEYS: &[&str] = &[
    "offset",
    "header_version",
    "message_type",
    "message_type_name",
    "message_length",
    "bundle_offset",
    "bundle_index",
    "record_header_form",
    "record_type",
    "record_type_name",
    "netmap_id",
    "record_length",
    "archive_timestamp",
    "reserved",
    "record_type_flag",
    "record_layout",
    "trailing_bytes",
];
