//! `estreamer request` and `estreamer flags`: what a client asks for, in bytes and in words.

use std::fmt::Write as _;

use estreamer_codec::{
    Encode, EventCode, EventStreamRequest, EventTypeRequest, InitialTimestamp, RequestFlags,
    StreamingRequest, VersionResolution, VersionSource,
};

/// Parses an extended-request list: `code:version,...` where code is a number or a family name
/// (intrusion, metadata, correlation, discovery, connection, user, malware, file, impact), or
/// one of the presets `encore-5.2.11` (the default), `encore-3.8.4`, `none`.
pub fn parse_extended(s: &str) -> Result<Vec<EventTypeRequest>, String> {
    let s = s.trim();
    match s.to_ascii_lowercase().as_str() {
        "none" | "" => return Ok(Vec::new()),
        "encore-5.2.11" | "encore" | "default" => {
            return Ok(EventTypeRequest::ENCORE_5_2_11.to_vec());
        }
        "encore-3.8.4" => return Ok(EventTypeRequest::ENCORE_3_8_4.to_vec()),
        _ => {}
    }
    let mut out = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (code, version) = item.split_once(':').ok_or_else(|| {
            format!("'{item}': expected code:version, e.g. 12:11 or intrusion:11")
        })?;
        let code = parse_event_code(code)?;
        let version: u16 = version
            .trim()
            .parse()
            .map_err(|_| format!("'{item}': version must be a number from 1 to 65535"))?;
        if version == 0 {
            return Err(format!(
                "'{item}': version 0 is the list terminator, not a request"
            ));
        }
        out.push(EventTypeRequest::new(code, version));
    }
    Ok(out)
}

/// An event family by number or name (`intrusion`, `connection`, ...).
pub fn parse_event_code(s: &str) -> Result<EventCode, String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u16>() {
        if n == 0 {
            return Err("event type 0 is the list terminator, not a request".into());
        }
        return Ok(EventCode(n));
    }
    EventCode::ALL
        .iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(s))
        .map(|(c, _)| *c)
        .ok_or_else(|| {
            let names: Vec<_> = EventCode::ALL.iter().map(|(_, n)| *n).collect();
            format!(
                "unknown event type '{s}': use a number or one of {}",
                names.join(", ")
            )
        })
}

/// The bytes a client sends: the Event Stream Request, then (when `flags` asks for extended
/// requests) the Streaming Request it sends after the server's Streaming Information.
pub struct RequestBytes {
    /// Event Stream Request (type 2).
    pub event_stream_request: Vec<u8>,
    /// Streaming Request (type 2049), in extended mode.
    pub streaming_request: Option<Vec<u8>>,
}

/// Builds the request messages.
pub fn build(
    start: InitialTimestamp,
    flags: RequestFlags,
    extended: &[EventTypeRequest],
) -> Result<RequestBytes, String> {
    let esr = EventStreamRequest {
        initial_timestamp: start,
        flags,
    }
    .to_bytes()
    .map_err(|e| e.to_string())?;
    let sr = if flags.contains(RequestFlags::EXTENDED_REQUESTS) {
        Some(
            StreamingRequest::new(flags, start, extended)
                .to_bytes()
                .map_err(|e| e.to_string())?,
        )
    } else {
        None
    };
    Ok(RequestBytes {
        event_stream_request: esr,
        streaming_request: sr,
    })
}

/// An annotated hex listing of the request messages, one field per line.
pub fn annotate(req: &RequestBytes) -> String {
    let mut s = String::new();
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let e = &req.event_stream_request;
    let _ = writeln!(s, "# Event Stream Request (type 2), {} bytes", e.len());
    let _ = writeln!(
        s,
        "{:<24}# header: version 1, type 2, length 8",
        hex(&e[0..8])
    );
    let ts = u32::from_be_bytes([e[8], e[9], e[10], e[11]]);
    let _ = writeln!(
        s,
        "{:<24}# initial timestamp {} ({})",
        hex(&e[8..12]),
        ts,
        InitialTimestamp::from_wire(ts)
    );
    let flags = RequestFlags(u32::from_be_bytes([e[12], e[13], e[14], e[15]]));
    let _ = writeln!(
        s,
        "{:<24}# request flags {:#010x}: {}",
        hex(&e[12..16]),
        flags.0,
        flags
    );
    if let Some(sr) = &req.streaming_request {
        let _ = writeln!(
            s,
            "# Streaming Request (type 2049), {} bytes; sent after the server's Streaming Information (2051)",
            sr.len()
        );
        let len = u32::from_be_bytes([sr[4], sr[5], sr[6], sr[7]]);
        let _ = writeln!(
            s,
            "{:<24}# header: version 1, type 2049, length {len}",
            hex(&sr[0..8])
        );
        let svc_len = u32::from_be_bytes([sr[12], sr[13], sr[14], sr[15]]);
        let _ = writeln!(
            s,
            "{:<24}# service 6667 (eStreamer), service length {svc_len} (whole service, as Cisco's client sends)",
            hex(&sr[8..16])
        );
        let _ = writeln!(
            s,
            "{:<24}# flags and initial timestamp again",
            hex(&sr[16..24])
        );
        for pair in sr[24..].chunks_exact(4) {
            let version = u16::from_be_bytes([pair[0], pair[1]]);
            let code = EventCode(u16::from_be_bytes([pair[2], pair[3]]));
            if version == 0 && code.0 == 0 {
                let _ = writeln!(s, "{:<24}# terminator (0, 0)", hex(pair));
            } else {
                let _ = writeln!(
                    s,
                    "{:<24}# {} ({}) version {}",
                    hex(pair),
                    code,
                    code.0,
                    version
                );
            }
        }
    }
    s
}

/// `estreamer flags`: the flags word bit by bit, the record header it implies, and the version
/// the server will send for each family.
pub fn explain_flags(flags: RequestFlags, extended: Option<&[EventTypeRequest]>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "request flags {:#010x} = {}", flags.0, flags);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "bit  mask        set  name                     conf.         meaning"
    );
    for info in RequestFlags::BITS.iter() {
        let set = flags.0 & (1u32 << info.bit) != 0;
        let _ = writeln!(
            s,
            "{:>3}  {:#010x}  {}  {:<24} {:<13} {}",
            info.bit,
            1u32 << info.bit,
            if set { "yes" } else { " - " },
            info.name,
            info.confidence,
            info.meaning
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "confidence: G = stated in a Cisco guide, E = Cisco eNcore constant, S = Sourcefire Perl SDK name only, ? = not identified"
    );
    let _ = writeln!(s);
    if flags.contains(RequestFlags::ARCHIVE_TIMESTAMPS) {
        let _ = writeln!(
            s,
            "record header: extended (16 bytes: type, length, archive timestamp, reserved) - bit 23 is set, so\n  resuming from a bookmark works and the rendered SID can be resolved (TAC note)."
        );
    } else {
        let _ = writeln!(
            s,
            "record header: standard (8 bytes: type, length) - bit 23 is clear: no archive timestamps, so no\n  bookmark to resume from. Cisco's TAC note: request bit 23 to get the SID the user entered."
        );
    }
    let ext = extended.unwrap_or(&[]);
    if flags.contains(RequestFlags::EXTENDED_REQUESTS) {
        let _ = writeln!(
            s,
            "mode: extended requests (bit 30) - the server answers with Streaming Information (2051), the client\n  sends a Streaming Request (2049) with {} (version, event type) entries, data arrives in Message Bundles.",
            ext.len()
        );
        if extended.is_none() {
            let _ = writeln!(
                s,
                "  (no --extended list given: versions below come from the flags alone)"
            );
        }
    } else {
        let _ = writeln!(
            s,
            "mode: plain event stream (bit 30 clear) - only the flags select data; Event Data messages arrive one by one."
        );
        if !ext.is_empty() {
            let _ = writeln!(
                s,
                "  note: extended entries are only sent when bit 30 is set; they are ignored here."
            );
        }
    }
    let used_ext: &[EventTypeRequest] = if flags.contains(RequestFlags::EXTENDED_REQUESTS) {
        ext
    } else {
        &[]
    };
    let res = VersionResolution::new(flags, used_ext);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "versions the server will send (the newest requested version wins, per Cisco's TAC note):"
    );
    let mut any = false;
    for r in res.iter() {
        any = true;
        let from = match r.source {
            VersionSource::Flag(bit) => format!("flag bit {bit}"),
            VersionSource::Extended => "extended request".to_string(),
        };
        let _ = writeln!(
            s,
            "  {:<12} ({:>3})  version {:<3} from {}{}",
            r.code.to_string(),
            r.code.0,
            r.version,
            from,
            if r.requests > 1 {
                format!(" ({} requests for this family)", r.requests)
            } else {
                String::new()
            }
        );
    }
    if !any {
        let _ = writeln!(s, "  (no event family requested)");
    }
    if flags.contains(RequestFlags::PACKET_DATA) {
        let _ = writeln!(
            s,
            "  plus packet data (record 2) for intrusion events (bit 0)"
        );
    }
    if flags.contains(RequestFlags::EXTRA_DATA) {
        let _ = writeln!(
            s,
            "  plus intrusion event extra data (record 110/111) (bit 27)"
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_lists_parse() {
        assert_eq!(
            parse_extended("12:11, intrusion:9,71:17").unwrap(),
            vec![
                EventTypeRequest::new(EventCode::INTRUSION, 11),
                EventTypeRequest::new(EventCode::INTRUSION, 9),
                EventTypeRequest::new(EventCode::CONNECTION, 17),
            ]
        );
        assert_eq!(parse_extended("none").unwrap(), vec![]);
        assert_eq!(parse_extended("encore-3.8.4").unwrap().len(), 9);
        assert!(parse_extended("12").is_err());
        assert!(parse_extended("12:0").is_err());
        assert!(parse_extended("0:3").is_err());
        assert!(parse_extended("bogus:3").is_err());
    }

    /// docs/protocol.md Appendix B.1 and B.2b, worked out there from eNcore's builders.
    #[test]
    fn request_bytes_match_appendix_b() {
        let req = build(
            InitialTimestamp::At(0x5F00_0000),
            RequestFlags::ENCORE_DEFAULT,
            &EventTypeRequest::ENCORE_5_2_11,
        )
        .unwrap();
        assert_eq!(
            req.event_stream_request,
            [0, 1, 0, 2, 0, 0, 0, 8, 0x5f, 0, 0, 0, 0x48, 0x90, 0, 0x61]
        );
        let b2b: Vec<u8> = "0001 0801 00000038 00001a0b 00000038 48900061 5f000000 \
                            000b000c 00040015 0009001f 000b003d 00110047 0007005b \
                            00080065 0007006f 00020083 00000000"
            .split_whitespace()
            .flat_map(|w| {
                (0..w.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&w[i..i + 2], 16).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(req.streaming_request.unwrap(), b2b);
    }

    #[test]
    fn explanation_names_bits_and_versions() {
        let text = explain_flags(
            RequestFlags::ENCORE_DEFAULT,
            Some(&EventTypeRequest::ENCORE_5_2_11),
        );
        assert!(text.contains("0x48900061"));
        assert!(text.contains("ARCHIVE_TIMESTAMPS"));
        assert!(text.contains("record header: extended"));
        // Bit 6 asks for intrusion v2, the extended list for v11: v11 wins.
        assert!(text.contains("intrusion    ( 12)  version 11  from extended request (2 requests"));
        assert!(text.contains("metadata     ( 21)  version 4   from flag bit 20 (2 requests"));
    }
}
