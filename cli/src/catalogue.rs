//! `estreamer catalogue`: the record coverage table, generated from the codec's catalogue (the
//! same layout descriptions that decode, encode and write JSON), with the test vectors that
//! exercise each record type and block layout found by decoding `testdata/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use estreamer_codec::layout::{Kind, Layout, Series};
use estreamer_codec::records::catalogue::{Shape, entries, lookup};
use estreamer_codec::{Body, DecodeOptions, HeaderMode, Message, Messages, Record, RecordType};

/// One row of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Record type.
    pub record_type: u32,
    /// Name (the catalogue's, else Appendix A's).
    pub name: String,
    /// How the body is built.
    pub shape: &'static str,
    /// The layouts, with their block types.
    pub layouts: Vec<String>,
    /// `decoded` or `raw`.
    pub status: &'static str,
    /// Vector files that contain this record type, by layout name (or `raw`).
    pub vectors: BTreeMap<String, BTreeSet<String>>,
}

fn shape_name(s: &Shape) -> &'static str {
    match s {
        Shape::Body(_) => "fields",
        Shape::Block(_) => "block",
        Shape::DiscoveryBlock(_) => "discovery header + block",
        Shape::DiscoveryBody(_) => "discovery header + fields",
    }
}

/// The bytes of an annotated `.hex` vector (text before `#` on each line).
pub fn hex_bytes(text: &str) -> Vec<u8> {
    let mut digits = Vec::new();
    for line in text.lines() {
        let data = line.split('#').next().unwrap_or("");
        digits.extend(data.bytes().filter(u8::is_ascii_hexdigit));
    }
    digits
        .chunks_exact(2)
        .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

/// Which layout (or `raw`) each record of the vectors in `dir` (recursively) decodes with,
/// keyed by record type.
pub fn scan_vectors(dir: &Path) -> BTreeMap<u32, BTreeMap<String, BTreeSet<String>>> {
    let mut found: BTreeMap<u32, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in read.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "hex") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let name = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
            let bytes = hex_bytes(&text);
            let mut note = |m: &Message<'_>| {
                if let Ok(Body::EventData(d)) = m.decode_body(HeaderMode::Auto) {
                    let layout = match Record::decode(&d) {
                        Ok(r) => r
                            .parts()
                            .map(|p| p.layout.name.to_string())
                            .unwrap_or_else(|| "raw".into()),
                        Err(_) => return,
                    };
                    found
                        .entry(d.record_type().0)
                        .or_default()
                        .entry(layout)
                        .or_default()
                        .insert(name.clone());
                }
            };
            for m in Messages::new(&bytes, DecodeOptions::default()).flatten() {
                note(&m);
                if let Ok(Body::Bundle(b)) = m.decode_body(HeaderMode::Auto) {
                    for inner in b.messages().flatten() {
                        note(&inner);
                    }
                }
            }
        }
    }
    found
}

/// The table: every catalogued record type, then every other named record type (raw).
pub fn rows(testdata: Option<&Path>) -> Vec<Row> {
    let vectors = testdata.map(scan_vectors).unwrap_or_default();
    let mut out: Vec<Row> = entries()
        .map(|e| Row {
            record_type: e.record_type,
            name: e.name.to_string(),
            shape: shape_name(&e.shape),
            layouts: e
                .shape
                .layouts()
                .iter()
                .map(|l| match l.block_type {
                    Some(t) => format!("{} (block {t})", l.name),
                    None => l.name.to_string(),
                })
                .collect(),
            status: "decoded",
            vectors: vectors.get(&e.record_type).cloned().unwrap_or_default(),
        })
        .collect();
    for (t, name) in RecordType::ALL {
        if lookup(t.0).is_none() {
            out.push(Row {
                record_type: t.0,
                name: name.to_string(),
                shape: "-",
                layouts: Vec::new(),
                status: "raw",
                vectors: vectors.get(&t.0).cloned().unwrap_or_default(),
            });
        }
    }
    out.sort_by_key(|r| r.record_type);
    out
}

fn vectors_cell(r: &Row) -> String {
    r.vectors
        .iter()
        .map(|(layout, files)| {
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            format!("{layout}: {}", files.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The table as Markdown (the first part of docs/records.md).
pub fn markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| record | name | body | layouts | decoded / raw | test vectors |\n|---:|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.record_type,
            r.name,
            r.shape,
            r.layouts.join(", "),
            r.status,
            vectors_cell(r)
        );
    }
    s
}

/// The record families, each with its layouts (nested blocks and list items included).
fn families() -> [(&'static str, &'static [&'static Layout]); 6] {
    use estreamer_codec::records::{
        connection, discovery, file_malware, intrusion, metadata, user,
    };
    [
        ("Intrusion", intrusion::LAYOUTS),
        ("Connection", connection::LAYOUTS),
        ("File and malware", file_malware::LAYOUTS),
        ("Discovery", discovery::LAYOUTS),
        ("User", user::LAYOUTS),
        ("Metadata", metadata::LAYOUTS),
    ]
}

/// The Markdown anchor of a layout's heading (GitHub keeps underscores).
fn anchor(l: &Layout) -> &'static str {
    l.name
}

fn kind_cell(k: Kind) -> String {
    match k {
        Kind::Bytes(n) => format!("{n} bytes"),
        Kind::OptIp16(flag) => format!("ip16 if field {flag} is set"),
        Kind::Block(l) => format!("block [`{}`](#{})", l.name, anchor(l)),
        Kind::List(l) => format!("list of [`{}`](#{})", l.name, anchor(l)),
        k => k.name().to_string(),
    }
}

/// One table cell's text: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `docs/records.md`: the coverage table, then every layout by family with its fields (offset,
/// name, wire type, meaning), all from the codec's layout table.
pub fn reference(rows: &[Row]) -> String {
    let mut s = String::from(
        "# Record reference\n\n\
         Generated from the codec's layout table (`codec/src/records/`), the same descriptions \
         that decode, encode and write JSON: `cargo run -q -p estreamer-cli -- catalogue \
         --format reference --testdata testdata > docs/records.md`. A test fails when this file \
         is out of date. The protocol around the records (framing, headers, blocks, versions, \
         the conflicts between sources) is in [protocol.md](protocol.md).\n\n\
         Offsets are in bytes from the start of the record body, or of the block header for a \
         block layout (whose fields start at 8, after the block type and length); after the \
         first variable-length field they depend on the data and are left out. Every number is \
         big-endian.\n\n## Record types\n\n\
         Every record type: how its body is decoded (its layouts, by block type) or that it is \
         kept raw (and re-encoded bit-exact), and the hand-verified vectors in `testdata/` that \
         contain it.\n\n",
    );
    s.push_str(&markdown(rows));
    let mut users: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for e in entries() {
        for l in e.shape.layouts() {
            users.entry(l.name).or_default().insert(e.record_type);
        }
    }
    let mut seen = BTreeSet::new();
    for (family, layouts) in families() {
        let _ = write!(s, "\n## {family} layouts\n");
        for l in layouts.iter().filter(|l| seen.insert(l.name)) {
            let _ = write!(s, "\n### {}\n\n", l.name);
            let block = match l.block_type {
                Some(t) => format!("Block type {t} (series {}).", series(l)),
                None => "A record body (no block header).".to_string(),
            };
            let records = match users.get(l.name) {
                Some(r) => format!(
                    " Records: {}.",
                    r.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
                None => " Nested in other layouts.".to_string(),
            };
            let _ = writeln!(s, "{block}{records} {}\n", cell(l.doc));
            s.push_str("| offset | field | wire type | meaning |\n|---:|---|---|---|\n");
            let mut offset = Some(if l.block_type.is_some() { 8 } else { 0 });
            for f in l.fields {
                let at = offset.map_or(String::new(), |o| o.to_string());
                let _ = writeln!(
                    s,
                    "| {at} | `{}` | {} | {} |",
                    f.name,
                    kind_cell(f.kind),
                    cell(f.doc)
                );
                offset = match (offset, f.kind.fixed_size()) {
                    (Some(o), Some(n)) => Some(o + n),
                    _ => None,
                };
            }
        }
    }
    s
}

fn series(l: &Layout) -> u8 {
    match l.series {
        Series::One => 1,
        Series::Two => 2,
    }
}

/// The table as plain text.
pub fn text(rows: &[Row]) -> String {
    let mut s = String::new();
    let decoded = rows.iter().filter(|r| r.status == "decoded").count();
    for r in rows {
        let _ = writeln!(
            s,
            "{:>5}  {:<8} {:<44} {}",
            r.record_type,
            r.status,
            r.name,
            r.layouts.join(", ")
        );
        if !r.vectors.is_empty() {
            let _ = writeln!(s, "{:>15}vectors: {}", "", vectors_cell(r));
        }
    }
    let _ = writeln!(
        s,
        "\n{} record types: {decoded} decoded, {} raw (kept and re-encoded bit-exact)",
        rows.len(),
        rows.len() - decoded
    );
    s
}

/// The table as JSON Lines, one object per record type (keys in alphabetical order).
pub fn json_lines(rows: &[Row]) -> String {
    let mut out = estreamer_json::Out::default();
    for r in rows {
        let mut o = estreamer_json::Obj::new(&mut out);
        o.str("body", r.shape)
            .str_array("layouts", r.layouts.iter().map(String::as_str))
            .str("name", &r.name)
            .u64("record_type", r.record_type.into())
            .str("status", r.status)
            .obj("vectors", |v| {
                for (layout, files) in &r.vectors {
                    v.str_array(layout, files.iter().map(String::as_str));
                }
            });
        o.finish();
    }
    String::from_utf8_lossy(out.filled()).into_owned()
}
