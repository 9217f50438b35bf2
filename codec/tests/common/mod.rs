//! Shared support for the vector tests: the `.hex` vector file parser (format in
//! `testdata/README.md`) and a reference rendering of decoded messages into the JSON object
//! schema that `estreamer decode` documents, so that the hand-written `#>` expectations can be
//! checked against the codec API directly.
//!
//! Record fields are rendered generically: `Record::decode`, then the layout walker
//! (`RecordParts::for_each`) names every field - the layout is the single description, no
//! field list is written here. With `# render: yes` the metadata cache of the codec renders
//! intrusion events as `estreamer decode --render` does.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use estreamer_codec::layout::Value as FieldValue;
use estreamer_codec::names::Metadata;
use estreamer_codec::{
    Body, DecodeError, DecodeOptions, ErrorKind, EventCode, HeaderMode, Message, Messages, Record,
    ServiceLengthConvention,
};
use serde_json::{Map, Value, json};

/// One parsed vector file.
#[derive(Debug, Clone)]
pub struct Vector {
    /// `vectors/<file>`, `records/<file>` or `hostile/<file>`.
    pub name: String,
    /// `# title:`.
    pub title: String,
    /// `# mode:`.
    pub mode: HeaderMode,
    /// `# render: yes` (decode as `estreamer decode --render`); absent or `no`: false.
    pub render: bool,
    /// `# expect: valid` (true) or `# expect: error` (false).
    pub expect_valid: bool,
    /// `# objects:`.
    pub objects: usize,
    /// The bytes of the data rows, in order.
    pub bytes: Vec<u8>,
    /// `#> N {...}` lines.
    pub expectations: Vec<(usize, Map<String, Value>)>,
}

impl Vector {
    /// Decode options for this file (default maximum, the file's header mode).
    pub fn opts(&self) -> DecodeOptions {
        DecodeOptions {
            header_mode: self.mode,
            ..DecodeOptions::default()
        }
    }
}

/// `testdata/` at the workspace root.
pub fn testdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// Every `.hex` file of `testdata/<sub>`, sorted by name.
pub fn load_dir(sub: &str) -> Vec<Vector> {
    let dir = testdata_dir().join(sub);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "hex"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = format!("{sub}/{}", p.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(p).unwrap();
            parse_vector(&name, &text).unwrap_or_else(|e| panic!("{name}: {e}"))
        })
        .collect()
}

/// The valid vectors: `testdata/vectors` (framing, message bodies), then `testdata/records`
/// (typed records and rendering).
pub fn valid_vectors() -> Vec<Vector> {
    let mut v = load_dir("vectors");
    v.extend(record_vectors());
    v
}

/// Subdirectories of `testdata/records` holding more record vectors (one per area).
pub const RECORD_SUBDIRS: &[&str] = &["records/discovery", "records/metadata"];

/// The typed-record vectors (`testdata/records` and its subdirectories), all valid.
pub fn record_vectors() -> Vec<Vector> {
    let mut v = load_dir("records");
    for sub in RECORD_SUBDIRS {
        if testdata_dir().join(sub).is_dir() {
            v.extend(load_dir(sub));
        }
    }
    v
}

/// The hostile vectors (`testdata/hostile`).
pub fn hostile_vectors() -> Vec<Vector> {
    load_dir("hostile")
}

/// Every vector, valid ones first.
pub fn all_vectors() -> Vec<Vector> {
    let mut v = valid_vectors();
    v.extend(hostile_vectors());
    v
}

/// One valid vector by file name (in `vectors/` or `records/`).
pub fn vector(file: &str) -> Vector {
    valid_vectors()
        .into_iter()
        .find(|v| v.name.rsplit('/').next() == Some(file))
        .unwrap_or_else(|| panic!("no vector {file}"))
}

/// Parses the vector format. Besides the format rules, every data row's comment must start
/// with the row's absolute offset in hex (`0x..`), which checks the hand-written offsets.
pub fn parse_vector(name: &str, text: &str) -> Result<Vector, String> {
    let mut title = None;
    let mut source = None;
    let mut mode = None;
    let mut expect = None;
    let mut objects = None;
    let mut render = None;
    let mut bytes = Vec::new();
    let mut expectations = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let err = |msg: String| format!("line {lineno}: {msg}");
        if let Some(rest) = line.trim_start().strip_prefix("#>") {
            let rest = rest.trim_start();
            let (index, json) = rest
                .split_once(char::is_whitespace)
                .ok_or_else(|| err("expectation without JSON".into()))?;
            let index: usize = index
                .parse()
                .map_err(|e| err(format!("bad object index {index:?}: {e}")))?;
            let value: Value =
                serde_json::from_str(json).map_err(|e| err(format!("bad JSON: {e}")))?;
            let Value::Object(map) = value else {
                return Err(err("expectation is not a JSON object".into()));
            };
            expectations.push((index, map));
            continue;
        }
        let (hex, comment) = match line.find('#') {
            Some(at) => (&line[..at], Some(&line[at + 1..])),
            None => (line, None),
        };
        let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        if hex.is_empty() {
            if let Some((key, value)) = comment.and_then(|c| c.trim().split_once(':')) {
                let value = value.trim().to_owned();
                let slot = match key.trim() {
                    "title" => &mut title,
                    "source" => &mut source,
                    "mode" => &mut mode,
                    "expect" => &mut expect,
                    "objects" => &mut objects,
                    "render" => &mut render,
                    _ => continue,
                };
                if slot.replace(value).is_some() {
                    return Err(err(format!("header {key:?} given twice")));
                }
            }
            continue;
        }
        if hex.len() % 2 != 0 {
            return Err(err(format!("odd number of hex digits in {hex:?}")));
        }
        let row_offset = bytes.len();
        for pair in hex.as_bytes().chunks(2) {
            let s = std::str::from_utf8(pair).map_err(|e| err(e.to_string()))?;
            let b = u8::from_str_radix(s, 16).map_err(|e| err(format!("bad hex {s:?}: {e}")))?;
            bytes.push(b);
        }
        let comment = comment
            .map(str::trim)
            .ok_or_else(|| err("data row without a comment".into()))?;
        let stated = comment
            .strip_prefix("0x")
            .map(|c| {
                c.split(|ch: char| !ch.is_ascii_hexdigit())
                    .next()
                    .unwrap_or("")
            })
            .and_then(|h| usize::from_str_radix(h, 16).ok())
            .ok_or_else(|| {
                err(format!(
                    "comment does not start with 0x<offset>: {comment:?}"
                ))
            })?;
        if stated != row_offset {
            return Err(err(format!(
                "comment says offset {stated:#x}, the row starts at {row_offset:#x}"
            )));
        }
    }
    let mode = match mode.as_deref() {
        Some("auto") => HeaderMode::Auto,
        Some("standard") => HeaderMode::Standard,
        Some("extended") => HeaderMode::Extended,
        other => return Err(format!("bad or missing '# mode:' {other:?}")),
    };
    let expect_valid = match expect.as_deref() {
        Some("valid") => true,
        Some("error") => false,
        other => return Err(format!("bad or missing '# expect:' {other:?}")),
    };
    let render = match render.as_deref() {
        None | Some("no") => false,
        Some("yes") => true,
        Some(other) => return Err(format!("bad '# render:' {other:?}")),
    };
    let objects = objects
        .ok_or("missing '# objects:'")?
        .parse()
        .map_err(|e| format!("bad '# objects:': {e}"))?;
    let title = title.ok_or("missing '# title:'")?;
    source.ok_or("missing '# source:'")?;
    Ok(Vector {
        name: name.to_owned(),
        title,
        mode,
        render,
        expect_valid,
        objects,
        bytes,
        expectations,
    })
}

/// One output object of the documented decode schema, before rendering.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // test bookkeeping, not a decode path
pub enum Event<'a> {
    /// A message whose body decoded.
    Message {
        /// The framed message.
        msg: Message<'a>,
        /// Its decoded body.
        body: Body<'a>,
        /// For Event Data: the decoded record.
        record: Option<Record<'a>>,
        /// `(bundle_offset, bundle_index)` for a message inside a bundle.
        bundle: Option<(usize, usize)>,
        /// For a bundle: the number of inner messages framed before any error.
        inner_count: usize,
    },
    /// An error object.
    Error {
        /// The codec error.
        err: DecodeError,
        /// Offset and type of the message whose body (or record) failed to decode (framing
        /// intact).
        message_offset: Option<(usize, u16)>,
        /// Stream position where decoding stood, reported as the offset of `Incomplete`.
        incomplete_at: usize,
        /// For a bundle member that does not frame: `(bundle_offset, bundle_index)`, and the
        /// member's bytes when it was skipped for its header version (length intact).
        member: Option<(usize, usize, Option<&'a [u8]>)>,
    },
}

impl Event<'_> {
    /// The error of an error object.
    pub fn error(&self) -> Option<DecodeError> {
        match self {
            Event::Error { err, .. } => Some(*err),
            Event::Message { .. } => None,
        }
    }
}

/// The sequence of output objects for `bytes`: one per message or error; a bundle is followed by
/// one object per inner message (or inner error).
pub fn events(bytes: &[u8], opts: DecodeOptions) -> Vec<Event<'_>> {
    let mut out = Vec::new();
    let mut it = Messages::new(bytes, opts);
    loop {
        let at = it.position();
        let Some(item) = it.next() else { break };
        match item {
            Ok(m) => push_message(m, opts.header_mode, None, &mut out),
            Err(err) => out.push(Event::Error {
                err,
                message_offset: None,
                incomplete_at: at,
                member: None,
            }),
        }
    }
    out
}

fn push_message<'a>(
    msg: Message<'a>,
    mode: HeaderMode,
    bundle: Option<(usize, usize)>,
    out: &mut Vec<Event<'a>>,
) {
    // As `estreamer decode`: an Event Data record that does not decode is an error object for
    // its message.
    let decoded = msg.decode_body(mode).and_then(|body| match body {
        Body::EventData(d) => Record::decode(&d).map(|r| (body, Some(r))),
        body => Ok((body, None)),
    });
    match decoded {
        Err(err) => out.push(Event::Error {
            err,
            message_offset: Some((msg.offset(), msg.message_type().0)),
            incomplete_at: msg.offset(),
            member: None,
        }),
        Ok((Body::Bundle(b), _)) => {
            let inner: Vec<_> = b.messages().collect();
            let inner_count = inner.iter().filter(|r| r.is_ok()).count();
            out.push(Event::Message {
                msg,
                body: Body::Bundle(b),
                record: None,
                bundle,
                inner_count,
            });
            for (index, r) in inner.into_iter().enumerate() {
                match r {
                    Ok(m) => push_message(m, mode, Some((msg.offset(), index)), out),
                    Err(err) => {
                        // A member skipped for its version: header and body as they came.
                        let skipped = match err {
                            DecodeError::Invalid {
                                offset,
                                kind: ErrorKind::UnsupportedHeaderVersion { .. },
                                ..
                            } => {
                                let at = offset - b.messages_offset();
                                let bytes = b.messages_bytes();
                                bytes.get(at + 4..at + 8).and_then(|l| {
                                    let len = u32::from_be_bytes(l.try_into().unwrap()) as usize;
                                    bytes.get(at..at + 8 + len)
                                })
                            }
                            _ => None,
                        };
                        out.push(Event::Error {
                            err,
                            message_offset: Some((msg.offset(), msg.message_type().0)),
                            incomplete_at: msg.offset(),
                            member: Some((msg.offset(), index, skipped)),
                        })
                    }
                }
            }
        }
        Ok((body, record)) => out.push(Event::Message {
            msg,
            body,
            record,
            bundle,
            inner_count: 0,
        }),
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        write!(s, "{b:02x}").unwrap();
    }
    s
}

fn flag_names(bits: u32) -> Value {
    Value::Array(
        estreamer_codec::RequestFlags(bits)
            .iter()
            .map(|info| Value::from(info.name))
            .collect(),
    )
}

fn event_types(entries: &[estreamer_codec::EventTypeRequest]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                let code = e.code.get();
                json!({
                    "event_type": code,
                    "event_type_name": EventCode(code).name(),
                    "event_version": e.version.get(),
                })
            })
            .collect(),
    )
}

fn ipv4(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// The objects `estreamer decode` writes for `evs`; with `render`, as `--render` writes them:
/// every record is given to a metadata cache in stream order and each intrusion event gets the
/// names the cache holds at that point.
pub fn objects(evs: &[Event<'_>], render: bool) -> Vec<Map<String, Value>> {
    let mut metadata = Metadata::new();
    evs.iter()
        .map(|ev| {
            let mut o = self::render(ev);
            if let (
                true,
                Event::Message {
                    record: Some(r), ..
                },
            ) = (render, ev)
            {
                metadata.ingest(r);
                if let Record::IntrusionEvent(ie) = r {
                    rendered_fields(&metadata.render(ie), &mut o);
                }
            }
            o
        })
        .collect()
}

/// The `--render` keys (README "JSON Lines schema"): `sid` is null until record 66 has been
/// seen, never the internal rule ID.
fn rendered_fields(r: &estreamer_codec::names::Rendered<'_>, o: &mut Map<String, Value>) {
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    put("gid", json!(r.generator_id));
    put("sid", json!(r.sid));
    put("rev", json!(r.rule_revision));
    put(
        "rule_rendered",
        json!(
            r.sid
                .map(|sid| format!("{}:{sid}:{}", r.generator_id, r.rule_revision))
        ),
    );
    put(
        "sid_status",
        json!(if r.sid.is_some() {
            "rendered"
        } else {
            "rule_metadata_missing"
        }),
    );
    for (k, v) in [
        ("rule_message", r.rule_message),
        ("classification", r.classification),
        ("classification_description", r.classification_description),
        ("priority", r.priority),
        ("device", r.device),
        ("intrusion_policy", r.intrusion_policy),
        ("access_control_policy", r.access_control_policy),
        ("access_control_rule", r.access_control_rule),
        ("interface_ingress", r.interface_ingress),
        ("interface_egress", r.interface_egress),
        ("security_zone_ingress", r.security_zone_ingress),
        ("security_zone_egress", r.security_zone_egress),
        ("network_analysis_policy", r.network_analysis_policy),
        ("user", r.user),
        ("client_application", r.client_application),
        ("application_protocol", r.application_protocol),
        ("web_application", r.web_application),
        ("source_country_name", r.source_country),
        ("destination_country_name", r.destination_country),
        ("ioc", r.ioc),
        ("ssl_actual_action_name", r.ssl_actual_action),
        ("ssl_flow_status_name", r.ssl_flow_status),
    ] {
        put(k, json!(v));
    }
}

/// Renders one event as the documented JSON object (without `--render` names).
pub fn render(event: &Event<'_>) -> Map<String, Value> {
    let mut o = Map::new();
    match event {
        Event::Error {
            err,
            message_offset,
            incomplete_at,
            member,
        } => {
            match err {
                DecodeError::Incomplete { needed } => {
                    o.insert("offset".into(), json!(incomplete_at));
                    o.insert("error".into(), json!(err.to_string()));
                    o.insert("error_kind".into(), json!("incomplete"));
                    o.insert("needed".into(), json!(needed));
                }
                DecodeError::Invalid { offset, kind, .. } => {
                    o.insert("offset".into(), json!(offset));
                    o.insert("error".into(), json!(err.to_string()));
                    o.insert("error_kind".into(), json!(kind.name()));
                    for (k, v) in kind_bounds(kind) {
                        o.insert(k.into(), v);
                    }
                }
            }
            if let Some((m, t)) = message_offset {
                o.insert("message_offset".into(), json!(m));
                o.insert("message_type".into(), json!(t));
            }
            if let Some((bundle_offset, index, skipped)) = member {
                o.insert("bundle_offset".into(), json!(bundle_offset));
                o.insert("bundle_index".into(), json!(index));
                if let Some(bytes) = skipped {
                    o.insert("member_bytes".into(), json!(hex(bytes)));
                }
            }
        }
        Event::Message {
            msg,
            body,
            record,
            bundle,
            inner_count,
        } => {
            o.insert("offset".into(), json!(msg.offset()));
            o.insert("header_version".into(), json!(msg.version()));
            o.insert("message_type".into(), json!(msg.message_type().0));
            o.insert(
                "message_type_name".into(),
                json!(msg.message_type().name().unwrap_or("unknown")),
            );
            o.insert("message_length".into(), json!(msg.length()));
            if let Some((bundle_offset, index)) = bundle {
                o.insert("bundle_offset".into(), json!(bundle_offset));
                o.insert("bundle_index".into(), json!(index));
            }
            render_body(msg, body, record.as_ref(), *inner_count, &mut o);
        }
    }
    o
}

fn kind_bounds(kind: &ErrorKind) -> Vec<(&'static str, Value)> {
    match *kind {
        ErrorKind::UnsupportedHeaderVersion { found } => vec![("found", json!(found))],
        ErrorKind::MessageTooLarge { declared, max } => {
            vec![("declared", json!(declared)), ("max", json!(max))]
        }
        ErrorKind::LengthTooSmall { declared, min } => {
            vec![("declared", json!(declared)), ("min", json!(min))]
        }
        ErrorKind::LengthOverrun {
            declared,
            available,
        } => vec![
            ("declared", json!(declared)),
            ("available", json!(available)),
        ],
        ErrorKind::RecordLengthMismatch {
            record_length,
            message_length,
            header_len,
        } => vec![
            ("record_length", json!(record_length)),
            ("message_length", json!(message_length)),
            ("header_len", json!(header_len)),
        ],
        ErrorKind::BodyLength { found, expected } => {
            vec![("found", json!(found)), ("expected", json!(expected))]
        }
        ErrorKind::TrailingBytes { count } => vec![("count", json!(count))],
        ErrorKind::MisalignedEventTypeList { len } => vec![("len", json!(len))],
        ErrorKind::MissingTerminator => vec![],
        ErrorKind::ServiceLength { declared } => vec![("declared", json!(declared))],
        ErrorKind::NestingTooDeep { max } => vec![("max", json!(max))],
        ErrorKind::UnexpectedBlockType { found, expected } => {
            vec![("found", json!(found)), ("expected", json!(expected))]
        }
        _ => vec![],
    }
}

fn render_body(
    msg: &Message<'_>,
    body: &Body<'_>,
    record: Option<&Record<'_>>,
    inner_count: usize,
    o: &mut Map<String, Value>,
) {
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    match body {
        Body::Null => {}
        Body::Error(e) => {
            put("error_code", json!(e.code));
            put("error_text_length", json!(e.text.len()));
            put("error_text", json!(e.text.trim_nul().to_string()));
            if !e.text.is_utf8() {
                put("error_text_hex", json!(hex(e.text.as_bytes())));
            }
        }
        Body::EventStreamRequest(r) => {
            put("initial_timestamp", json!(r.initial_timestamp.to_wire()));
            put(
                "initial_timestamp_kind",
                json!(r.initial_timestamp.kind_name()),
            );
            put("request_flags", json!(r.flags.bits()));
            put("request_flag_names", flag_names(r.flags.bits()));
        }
        Body::EventData(d) => {
            put("record_header_form", json!(d.header_form().name()));
            put("record_type", json!(d.record_type().0));
            put("record_type_name", json!(d.record_type().name()));
            put("netmap_id", json!(d.netmap_id()));
            put("record_length", json!(d.record_length()));
            if let (Some(ts), Some(reserved)) = (d.archive_timestamp(), d.reserved()) {
                put("archive_timestamp", json!(ts));
                put("reserved", json!(reserved));
            }
            if d.type_word_flag() {
                put("record_type_flag", json!(1));
            }
            let record = record.expect("an Event Data message always carries its record");
            record_fields(record, &mut put);
        }
        Body::HostDataRequest(r) => {
            put("data_type", json!(r.data_type));
            put("host_request_flags", json!(r.flags));
            put("start_ip_address", json!(ipv4(r.start_address)));
            put("end_ip_address", json!(ipv4(r.end_address)));
        }
        Body::HostData(h) => {
            put("block_type", json!(h.block_type));
            put("block_length", json!(h.data.len() + 8));
            put("block_data", json!(hex(h.data)));
        }
        Body::StreamingRequest(r) => {
            // The service length field as sent: body bytes 4..8.
            let raw = msg.body();
            let service_length = u32::from_be_bytes([raw[4], raw[5], raw[6], raw[7]]);
            put("service_id", json!(r.service_id));
            put("service_length", json!(service_length));
            put("service_length_convention", json!(r.convention.name()));
            put("request_flags", json!(r.flags.bits()));
            put("request_flag_names", flag_names(r.flags.bits()));
            put("initial_timestamp", json!(r.initial_timestamp.to_wire()));
            put(
                "initial_timestamp_kind",
                json!(r.initial_timestamp.kind_name()),
            );
            put("event_types", event_types(r.entries));
        }
        Body::StreamingInformation(s) => {
            put("service_length_convention", json!(s.convention().name()));
            let uncounted = match s.convention() {
                ServiceLengthConvention::IncludingHeader => 0,
                ServiceLengthConvention::ExcludingHeader => 8,
            };
            let services: Vec<Value> = s
                .services()
                .map(|svc| {
                    json!({
                        "service_id": svc.service_id,
                        "service_length": 16 + 4 * svc.entries.len() - uncounted,
                        "request_flags": svc.flags,
                        "initial_timestamp": svc.initial_timestamp,
                        "event_types": event_types(svc.entries),
                    })
                })
                .collect();
            put("services", Value::Array(services));
        }
        Body::Bundle(b) => {
            put("connection_id", json!(b.connection_id));
            put("sequence_number", json!(b.sequence_number));
            put("message_count", json!(inner_count));
        }
        Body::Unknown(raw) => put("body", json!(hex(raw))),
    }
}

/// The typed fields of a record, by the names its layout gives (walked generically), or its
/// raw bytes: a header before the record's block (discovery header) as an object named after
/// its layout, `record_layout`, `block_type` and `block_length` for block layouts, every field,
/// then `trailing_bytes` when bytes follow the last field.
fn record_fields(r: &Record<'_>, put: &mut impl FnMut(&str, Value)) {
    if let Some(pre) = r.prefix() {
        let mut inner = Map::new();
        pre.for_each(|name, v| {
            field_value(name, v, &mut |k: &str, x: Value| {
                inner.insert(k.to_owned(), x);
            });
        })
        .expect("a decoded record's header walks without error");
        put(pre.layout.name, Value::Object(inner));
    }
    let Some(parts) = r.parts() else {
        if let Some(b) = r.raw_block() {
            put("record_layout", json!("raw_block"));
            put("block_type", json!(b.block_type));
            put("block_length", json!(b.length()));
            put("block_data", json!(hex(b.data)));
        } else if let Record::Unknown(_, body) = r {
            put("record_layout", json!("raw"));
            put("record_body", json!(hex(body)));
        } else {
            panic!("a record with neither parts nor raw bytes: {r:?}");
        }
        return;
    };
    put("record_layout", json!(parts.layout.name));
    if let Some(t) = parts.layout.block_type {
        put("block_type", json!(t));
        put("block_length", json!(parts.bytes.len() + 8));
    }
    let walked = parts
        .for_each(|name, v| field_value(name, v, put))
        .expect("a decoded record walks without error");
    let trailing = &parts.bytes[walked.end..];
    if !trailing.is_empty() {
        put("trailing_bytes", json!(hex(trailing)));
    }
}

/// A nested block as an object: `block_type`, its fields, `trailing_bytes` if any.
fn nested_object(n: &estreamer_codec::layout::Nested<'_>) -> Value {
    let mut o = Map::new();
    o.insert("block_type".into(), json!(n.block_type()));
    let walked = n
        .for_each(|name, v| {
            field_value(name, v, &mut |k: &str, x: Value| {
                o.insert(k.to_owned(), x);
            });
        })
        .expect("a validated nested block walks without error");
    let trailing = &n.bytes[8 + walked.end..];
    if !trailing.is_empty() {
        o.insert("trailing_bytes".into(), json!(hex(trailing)));
    }
    Value::Object(o)
}

/// One field as the schema writes it: numbers as numbers, 16-byte addresses as text (IPv4-mapped
/// dotted, docs/protocol.md §11.2), UUIDs 8-4-4-4-12 (§11.3), opaque bytes as hex, text lossily without
/// trailing NULs plus `<name>_hex` (all bytes as sent) only when a replacement happened, an
/// absent optional field as null, a nested block as an object and a list as an array of them.
fn field_value(name: &str, v: FieldValue<'_>, put: &mut impl FnMut(&str, Value)) {
    match v {
        FieldValue::U8(x) => put(name, json!(x)),
        FieldValue::U16(x) => put(name, json!(x)),
        FieldValue::U32(x) => put(name, json!(x)),
        FieldValue::U64(x) => put(name, json!(x)),
        FieldValue::I32(x) => put(name, json!(x)),
        FieldValue::Ipv4(a) => put(name, json!(a.to_string())),
        FieldValue::Ip16(a) => {
            let v6 = std::net::Ipv6Addr::from(a.0);
            let text = match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            };
            put(name, json!(text));
        }
        FieldValue::Uuid(u) => {
            let h = hex(&u.0);
            put(
                name,
                json!(format!(
                    "{}-{}-{}-{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                )),
            );
        }
        FieldValue::Mac(m) => {
            let parts: Vec<String> = m.0.iter().map(|b| format!("{b:02x}")).collect();
            put(name, json!(parts.join(":")));
        }
        FieldValue::Bytes(b) => put(name, json!(hex(b))),
        FieldValue::Text(t) => {
            let raw = t.as_bytes();
            let mut shown = raw;
            while let [rest @ .., 0] = shown {
                shown = rest;
            }
            put(name, json!(String::from_utf8_lossy(shown)));
            if std::str::from_utf8(shown).is_err() {
                put(&format!("{name}_hex"), json!(hex(raw)));
            }
        }
        // A length the encoder computes; decoding never yields it.
        FieldValue::Computed => {}
        FieldValue::Absent => put(name, Value::Null),
        FieldValue::Nested(n) if n.is_list => {
            put(
                name,
                Value::Array(n.items().map(|item| nested_object(&item)).collect()),
            );
        }
        FieldValue::Nested(n) => put(name, nested_object(&n)),
    }
}
