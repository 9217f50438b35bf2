//! Request flags, initial timestamps and version resolution (docs/protocol.md §3).

use estreamer_codec::{
    EventCode, EventTypeRequest, InitialTimestamp, RequestFlags, VersionResolution, VersionSource,
};

#[test]
fn every_bit_has_a_distinct_name_and_mask() {
    for (i, info) in RequestFlags::BITS.iter().enumerate() {
        assert_eq!(usize::from(info.bit), i);
        assert_eq!(
            RequestFlags::from_name(info.name),
            Some(RequestFlags(1 << i)),
            "{}",
            info.name
        );
    }
    let mut names: Vec<_> = RequestFlags::BITS.iter().map(|b| b.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 32);
}

/// Masks worked out from docs/protocol.md §3.2 ("bit n = mask 1 << n").
#[test]
fn named_bits_match_the_spec_table() {
    assert_eq!(RequestFlags::PACKET_DATA.0, 0x0000_0001);
    assert_eq!(RequestFlags::IMPACT_ALERTS.0, 0x0000_0020);
    assert_eq!(RequestFlags::INTRUSION_IMPACT_FLAGS.0, 0x0000_0040);
    assert_eq!(RequestFlags::METADATA_V4.0, 0x0010_0000);
    assert_eq!(RequestFlags::ARCHIVE_TIMESTAMPS.0, 0x0080_0000);
    assert_eq!(RequestFlags::EXTRA_DATA.0, 0x0800_0000);
    assert_eq!(RequestFlags::EXTENDED_REQUESTS.0, 0x4000_0000);
    // eNcore's default: bits 0, 5, 6, 20, 23, 27, 30 = 0x48900061.
    let default = RequestFlags::PACKET_DATA
        | RequestFlags::IMPACT_ALERTS
        | RequestFlags::INTRUSION_IMPACT_FLAGS
        | RequestFlags::METADATA_V4
        | RequestFlags::ARCHIVE_TIMESTAMPS
        | RequestFlags::EXTRA_DATA
        | RequestFlags::EXTENDED_REQUESTS;
    assert_eq!(default, RequestFlags::ENCORE_DEFAULT);
    assert_eq!(default.0, 0x4890_0061);
}

#[test]
fn flags_display_and_parse() {
    let f = RequestFlags(0x4890_0061);
    let text = f.to_string();
    assert_eq!(
        text,
        "PACKET_DATA|IMPACT_ALERTS|INTRUSION_IMPACT_FLAGS|METADATA_V4|ARCHIVE_TIMESTAMPS|EXTRA_DATA|EXTENDED_REQUESTS"
    );
    assert_eq!(text.parse::<RequestFlags>().unwrap(), f);
    assert_eq!("0x48900061".parse::<RequestFlags>().unwrap(), f);
    assert_eq!("1217396833".parse::<RequestFlags>().unwrap(), f);
    assert_eq!(
        "metadata-v4, archive_timestamps + 0x40000000"
            .parse::<RequestFlags>()
            .unwrap(),
        RequestFlags(0x4090_0000)
    );
    assert_eq!("EMPTY".parse::<RequestFlags>().unwrap(), RequestFlags(0));
    assert_eq!(RequestFlags(0).to_string(), "EMPTY");
    assert!("".parse::<RequestFlags>().is_err());
    assert!("NOT_A_FLAG".parse::<RequestFlags>().is_err());
    assert!("0x1_0000_0000".parse::<RequestFlags>().is_err());
    assert_eq!(
        format!("{:?}", RequestFlags(0x21)),
        "RequestFlags(0x00000021: PACKET_DATA|IMPACT_ALERTS)"
    );
}

#[test]
fn initial_timestamp_special_values() {
    assert_eq!(InitialTimestamp::from_wire(0), InitialTimestamp::Genesis);
    assert_eq!(
        InitialTimestamp::from_wire(0xFFFF_FFFF),
        InitialTimestamp::Now
    );
    assert_eq!(
        InitialTimestamp::from_wire(0x5F00_0000),
        InitialTimestamp::At(1_593_835_520)
    );
    for v in [0, 1, 0x5F00_0000, 0xFFFF_FFFE, 0xFFFF_FFFF] {
        assert_eq!(InitialTimestamp::from_wire(v).to_wire(), v);
    }
    assert_eq!("genesis".parse(), Ok(InitialTimestamp::Genesis));
    assert_eq!("NOW".parse(), Ok(InitialTimestamp::Now));
    assert_eq!("0".parse(), Ok(InitialTimestamp::Genesis));
    assert_eq!(
        "0x5f000000".parse(),
        Ok(InitialTimestamp::At(1_593_835_520))
    );
    assert_eq!(
        "1593835520".parse(),
        Ok(InitialTimestamp::At(1_593_835_520))
    );
    assert!("yesterday".parse::<InitialTimestamp>().is_err());
    assert!("4294967296".parse::<InitialTimestamp>().is_err());
}

fn ext(list: &[(EventCode, u16)]) -> Vec<EventTypeRequest> {
    list.iter()
        .map(|&(c, v)| EventTypeRequest::new(c, v))
        .collect()
}

/// The TAC note's example: discovery requested at versions 1 and 6 plus an extended request for
/// version 3 gives version 6. No flag bit is known to request discovery v6 (docs/protocol.md §12 item
/// 1), so the v6 request is an extended entry here, and the v1 request is flag bit 3.
#[test]
fn tac_example_newest_discovery_version_wins() {
    let entries = ext(&[(EventCode::DISCOVERY, 6), (EventCode::DISCOVERY, 3)]);
    let res = VersionResolution::new(RequestFlags::DISCOVERY_V1, &entries);
    let d = res.version_for(EventCode::DISCOVERY).unwrap();
    assert_eq!(d.version, 6);
    assert_eq!(d.source, VersionSource::Extended);
    assert_eq!(d.requests, 3);
    // Order of the entries does not matter.
    let entries = ext(&[(EventCode::DISCOVERY, 3), (EventCode::DISCOVERY, 6)]);
    let res = VersionResolution::new(RequestFlags::DISCOVERY_V1, &entries);
    assert_eq!(res.version_for(EventCode::DISCOVERY).unwrap().version, 6);
}

#[test]
fn flags_alone_resolve_to_the_highest_flagged_version() {
    // Discovery flags for versions 1, 2, 3, 4, 5 (bits 3, 7, 10, 17, 24): version 5, from bit 24.
    let flags = RequestFlags::DISCOVERY_V1
        | RequestFlags::DISCOVERY_V2
        | RequestFlags::DISCOVERY_V3
        | RequestFlags::DISCOVERY_V4
        | RequestFlags::DISCOVERY_V5;
    let d = VersionResolution::new(flags, &[])
        .version_for(EventCode::DISCOVERY)
        .unwrap();
    assert_eq!(
        (d.version, d.source, d.requests),
        (5, VersionSource::Flag(24), 5)
    );
    // Metadata v1..v4 (bits 1, 14, 15, 20): version 4.
    let m = VersionResolution::new(RequestFlags(0x0010_C002), &[])
        .version_for(EventCode::METADATA)
        .unwrap();
    assert_eq!((m.version, m.source), (4, VersionSource::Flag(20)));
}

#[test]
fn flag_beats_older_extended_request_and_ties_keep_the_flag() {
    // Metadata v4 by flag bit 20, v2 by an extended request: v4 from the flag.
    let entries = ext(&[(EventCode::METADATA, 2)]);
    let m = VersionResolution::new(RequestFlags::METADATA_V4, &entries)
        .version_for(EventCode::METADATA)
        .unwrap();
    assert_eq!((m.version, m.source), (4, VersionSource::Flag(20)));
    // The same version both ways: the flag (sent first) is named.
    let entries = ext(&[(EventCode::METADATA, 4)]);
    let m = VersionResolution::new(RequestFlags::METADATA_V4, &entries)
        .version_for(EventCode::METADATA)
        .unwrap();
    assert_eq!(
        (m.version, m.source, m.requests),
        (4, VersionSource::Flag(20), 2)
    );
}

#[test]
fn encore_default_session_resolution() {
    // eNcore 5.2.11: flags 0x48900061 plus its list. Bit 6 asks intrusion v2 and bit 5 impact v1;
    // the list's v11 and v2 win. Every family of the list is resolved.
    let res = VersionResolution::new(
        RequestFlags::ENCORE_DEFAULT,
        &EventTypeRequest::ENCORE_5_2_11,
    );
    let got: Vec<(u16, u16)> = res.iter().map(|r| (r.code.0, r.version)).collect();
    assert_eq!(
        got,
        vec![
            (12, 11),
            (21, 4),
            (31, 9),
            (61, 11),
            (71, 17),
            (91, 7),
            (101, 8),
            (111, 7),
            (131, 2)
        ]
    );
}

#[test]
fn terminators_zero_versions_and_unknown_codes() {
    let entries = vec![
        EventTypeRequest::new(EventCode(500), 3),
        EventTypeRequest::new(EventCode::FILE, 0),
        EventTypeRequest::TERMINATOR,
    ];
    let res = VersionResolution::new(RequestFlags::EMPTY, &entries);
    assert!(res.version_for(EventCode::FILE).is_none());
    assert!(res.version_for(EventCode(0)).is_none());
    let all: Vec<_> = res.iter().collect();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].code, all[0].version), (EventCode(500), 3));
    assert!(
        VersionResolution::new(RequestFlags::EMPTY, &[])
            .iter()
            .next()
            .is_none()
    );
    // Flags that select no family (packets, header, extended mode) resolve nothing.
    let flags = RequestFlags::PACKET_DATA
        | RequestFlags::ARCHIVE_TIMESTAMPS
        | RequestFlags::EXTENDED_REQUESTS;
    assert!(VersionResolution::new(flags, &[]).iter().next().is_none());
}
