//! The sans-I/O session, byte for byte, against messages written out by hand from docs/protocol.md
//! (Appendix B for the requests, §4.1/§4.4/§5 for the server's messages).

use estreamer_client::session::{AckPolicy, CloseReason, Event, Phase, Session, SessionConfig};
use estreamer_codec::{EventTypeRequest, InitialTimestamp, RequestFlags};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// B.1's request: initial timestamp 0x5F000000, eNcore's flags 0x48900061 (bit 30 set).
fn b1_config(ack: AckPolicy) -> SessionConfig {
    SessionConfig {
        initial_timestamp: InitialTimestamp::At(0x5f00_0000),
        flags: RequestFlags(0x4890_0061),
        extended: EventTypeRequest::ENCORE_5_2_11.to_vec(),
        ack,
        ..SessionConfig::default()
    }
}

fn take(s: &mut Session) -> Vec<u8> {
    let out = s.transmit().to_vec();
    s.sent(out.len());
    out
}

/// Streaming Information offering only service 6667 with no entries (§4.1): header (version 1,
/// type 0x0803 = 2051, length 16), service 0x1a0b, length 16 (including its 8 header bytes),
/// flags 0, timestamp 0.
const STREAMING_INFO: &str = "0001 0803 00000010  00001a0b 00000010 00000000 00000000";

/// One bundle (§4.4): header (1, 4002 = 0x0fa2, length 8 + 24 = 32), connection 7, sequence 1,
/// one Event Data message with inner header version 0, type 4, length 16: record header type
/// 4 (priority), length 8, and an 8-byte body.
const BUNDLE: &str = "0001 0fa2 00000020  00000007 00000001
                      0000 0004 00000010  00000004 00000008  00000001 00000002";

const NULL: &str = "0001 0000 00000000";

#[test]
fn extended_session_sends_b1_then_b2b_and_acks_the_bundle_after_use() {
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    // B.1, exactly.
    assert_eq!(take(&mut s), hex("0001 0002 00000008 5f000000 48900061"));
    assert_eq!(s.phase(), Phase::AwaitingStreamingInformation);

    let info = hex(STREAMING_INFO);
    assert_eq!(s.receive(&info), info.len());
    match s.poll().unwrap() {
        Some(Event::StreamingInformation { services }) => assert_eq!(services, 1),
        other => panic!("{other:?}"),
    }
    // B.2b, exactly: the Streaming Request with eNcore 5.2.11's list.
    assert_eq!(
        take(&mut s),
        hex(
            "0001 0801 00000038 00001a0b 00000038 48900061 5f000000 000b000c 00040015 0009001f
             000b003d 00110047 0007005b 00080065 0007006f 00020083 00000000"
        )
    );
    assert_eq!(s.phase(), Phase::Streaming);

    let bundle = hex(BUNDLE);
    s.receive(&bundle);
    match s.poll().unwrap() {
        Some(Event::Bundle { bundle, .. }) => {
            assert_eq!((bundle.connection_id, bundle.sequence_number), (7, 1));
            assert_eq!(bundle.messages().count(), 1);
        }
        other => panic!("{other:?}"),
    }
    // Not acknowledged while the caller holds the bundle...
    assert!(s.transmit().is_empty());
    // ...but as soon as it comes back for more: one Null (B.3).
    assert!(s.poll().unwrap().is_none());
    assert_eq!(take(&mut s), hex(NULL));

    // A keep-alive is not acknowledged under the guide's policy.
    s.receive(&hex(NULL));
    assert!(matches!(s.poll().unwrap(), Some(Event::KeepAlive)));
    assert!(s.poll().unwrap().is_none());
    assert!(s.transmit().is_empty());
    assert_eq!(s.stats().acks, 1);
}

#[test]
fn encore_policy_acks_every_message() {
    let mut s = Session::new(b1_config(AckPolicy::EveryMessage));
    take(&mut s);
    let mut input = hex(STREAMING_INFO);
    input.extend(hex(NULL));
    input.extend(hex(BUNDLE));
    s.receive(&input);
    let mut events = 0;
    while s.poll().unwrap().is_some() {
        events += 1;
    }
    assert_eq!(events, 3);
    let out = take(&mut s);
    // Streaming Request (64 bytes) interleaved with three Nulls: one per message read.
    let nulls = out
        .windows(8)
        .filter(|w| *w == hex(NULL).as_slice())
        .count();
    assert_eq!(nulls, 3);
    assert_eq!(out.len(), 64 + 3 * 8);
}

#[test]
fn plain_session_acks_each_event_data_message() {
    let config = SessionConfig {
        initial_timestamp: InitialTimestamp::Genesis,
        flags: RequestFlags(0x0890_0061), // bit 30 clear
        ..SessionConfig::default()
    };
    let mut s = Session::new(config);
    assert_eq!(take(&mut s), hex("0001 0002 00000008 00000000 08900061"));
    assert_eq!(s.phase(), Phase::Streaming);
    // Two standalone Event Data messages, standard record header, record type 4, 8-byte body.
    let one = "0001 0004 00000010  00000004 00000008 00000001 00000002";
    let mut input = hex(one);
    input.extend(hex(one));
    s.receive(&input);
    assert!(matches!(s.poll().unwrap(), Some(Event::EventData { .. })));
    assert!(matches!(s.poll().unwrap(), Some(Event::EventData { .. })));
    assert!(s.poll().unwrap().is_none());
    let mut two_nulls = hex(NULL);
    two_nulls.extend(hex(NULL));
    assert_eq!(take(&mut s), two_nulls);
}

#[test]
fn server_error_is_surfaced_and_ends_the_session() {
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    take(&mut s);
    // The guide's example: code 19, "No space" with the trailing NUL counted (length 9).
    let err = hex("0001 0001 0000000f 00000013 0009 4e6f2073706163 6500");
    s.receive(&err);
    match s.poll().unwrap() {
        Some(Event::ServerError { code, text }) => {
            assert_eq!(code, 19);
            assert_eq!(text, b"No space\0");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.phase(), Phase::Closed);
    assert_eq!(
        s.closed_by_peer(),
        CloseReason::ServerError {
            code: 19,
            text: "No space".into()
        }
    );
}

#[test]
fn no_estreamer_service_is_answered_with_an_error() {
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    take(&mut s);
    // Streaming Information offering only service 1234 (0x04d2).
    s.receive(&hex(
        "0001 0803 00000010  000004d2 00000010 00000000 00000000",
    ));
    let reason = s.poll().unwrap_err();
    assert!(
        matches!(reason, CloseReason::ClientError { code: -1, .. }),
        "{reason:?}"
    );
    let out = take(&mut s);
    // An Error message, code -1 (ffffffff), its text naming service 6667.
    assert_eq!(&out[..4], &hex("0001 0001")[..]);
    assert_eq!(&out[8..12], &hex("ffffffff")[..]);
    assert!(String::from_utf8_lossy(&out[14..]).contains("6667"));
}

#[test]
fn why_a_session_ended() {
    // Nothing at all: client authentication failed.
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    take(&mut s);
    assert_eq!(s.closed_by_peer(), CloseReason::ClosedBeforeFirstMessage);
    assert!(s.closed_by_peer().to_string().contains("registered"));

    // After data: the server shut down.
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    s.receive(&hex(STREAMING_INFO));
    while s.poll().unwrap().is_some() {}
    assert_eq!(s.closed_by_peer(), CloseReason::ClosedByServer);

    // Bytes that do not frame (header version 0x7777): corrupt, and we tell the server.
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    take(&mut s);
    s.receive(&hex("7777 0004 00000000"));
    assert!(matches!(s.poll(), Err(CloseReason::Corrupt(_))));
    assert_eq!(&take(&mut s)[..4], &hex("0001 0001")[..]);

    // Our own shutdown with a reason text: B.4's "bye".
    let mut s = Session::new(b1_config(AckPolicy::Guide));
    take(&mut s);
    s.shutdown(Some("bye"));
    assert_eq!(take(&mut s), hex("0001 0001 00000009 ffffffff 0003 627965"));
    assert_eq!(s.close_reason(), Some(&CloseReason::Shutdown));
}
