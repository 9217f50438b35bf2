//! The eStreamer stream synthesizer: realistic, deterministic server-to-client streams built with
//! the codec's own encoders, for benchmarks (`benches/`), tests and `estreamer synth`.
//!
//! [`synth`] builds a deterministic, realistic server-to-client eStreamer byte stream with the
//! codec's own encoders: the stream a Management Center sends a client that asked for extended
//! record headers (request flag bit 23) and receives Message Bundles (4002). The benches in
//! `benches/decode.rs` and the allocation test in `tests/no_alloc.rs` decode it.
//!
//! What the stream looks like (docs/protocol.md section numbers in brackets):
//!
//! * top level: Message Bundles [§4.4] of `min_bundle_messages..=max_bundle_messages` inner
//!   messages, with the sequence number counting up from 1, and now and then a Null keep-alive
//!   [§5.1] between two bundles;
//! * inside a bundle: Event Data messages [§6] with header version 0 or 1
//!   ([`InnerVersion`]), each carrying one record behind the 16-byte extended record header
//!   [§6.2]: archive timestamp a second or two after the event for events, 0 for metadata;
//! * records, in the proportions of a [`Mix`]:
//!   * intrusion events, record 400: one series-2 block 85 [§9.3] of 364-420 bytes, with
//!     plausible values at every offset of the table (IPv4-mapped or IPv6 addresses, ports
//!     that match the protocol, impact derived from the impact flags [§9.4], UUIDs from a small
//!     per-stream set, HTTP host/URI or SMTP strings where the port suggests them);
//!   * connection events, record 71: a 56-byte discovery header (Has IPv6 = 1) [§6.5] and a
//!     series-1 connection block 174 [§10], 790-1100 bytes in all;
//!   * packets, record 2 [§9.6]: Ethernet/IPv4/TCP headers and random payload, 60-1500 bytes
//!     of packet data, joined to the last intrusion event;
//!   * metadata: rule messages (66) [§8.1] with their texts, classifications (67) [§9.2] and
//!     priorities (4) [§9.1].
//!
//! The same [`SynthConfig`] always yields the same bytes (a seeded xorshift64* generator,
//! [`XorShift64`], no external randomness). A 16 MiB stream takes a few tens of milliseconds in
//! a release build.
//!
//! ```
//! use estreamer_synth::{synth, SynthConfig};
//! use estreamer_codec::{DecodeOptions, Messages};
//!
//! let s = synth(&SynthConfig { seed: 7, target_bytes: 64 * 1024, ..SynthConfig::default() });
//! assert!(s.bytes.len() >= 64 * 1024);
//! let top = Messages::new(&s.bytes, DecodeOptions::default()).count();
//! assert_eq!(top, s.messages);
//! assert_eq!(s.messages, s.bundles + s.keepalives);
//! ```

#![forbid(unsafe_code)]

use core::fmt;

use estreamer_codec::{
    Encode, EncodeError, EventData, Null, RecordType, encode_block, encode_bundle,
};

// ---------------------------------------------------------------------------------------------
// PRNG

/// A small, fast, seeded pseudo-random generator: xorshift64* (Vigna 2016), seeded through one
/// round of splitmix64 so that every `u64` seed, 0 included, gives a good non-zero state.
///
/// Not cryptographic; the point is that the same seed yields the same stream on every machine.
#[derive(Debug, Clone)]
pub struct XorShift64 {
    state: u64,
}

impl XorShift64 {
    /// A generator seeded with `seed`.
    pub const fn new(seed: u64) -> Self {
        let s = splitmix64(seed);
        XorShift64 {
            state: if s == 0 { 0x9E37_79B9_7F4A_7C15 } else { s },
        }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The next 32 random bits (the high half of [`next_u64`](Self::next_u64), the better half
    /// of xorshift64*).
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// A number in `0..n` (0 when `n` is 0), by multiply-shift: unbiased enough for test data.
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    /// A number in `lo..=hi` (`lo` when `hi <= lo`).
    #[inline]
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    #[inline]
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    /// One element of `table`, uniformly (the default value when `table` is empty).
    #[inline]
    pub fn pick<T: Copy + Default>(&mut self, table: &[T]) -> T {
        let n = u32::try_from(table.len()).unwrap_or(u32::MAX);
        let i = self.below(n) as usize;
        table.get(i).copied().unwrap_or_default()
    }

    /// Appends `n` random bytes to `out`.
    pub fn fill(&mut self, out: &mut Vec<u8>, n: usize) {
        let end = out.len() + n;
        out.reserve(n + 8);
        while out.len() < end {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(end);
    }
}

const fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// The kinds of record the synthesizer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// Intrusion event, record 400 (series-2 block 85).
    Intrusion,
    /// Connection statistics, record 71 (discovery header + series-1 block 174).
    Connection,
    /// Packet, record 2.
    Packet,
    /// Rule message metadata, record 66.
    RuleMessage,
    /// Classification metadata, record 67.
    Classification,
    /// Priority metadata, record 4.
    Priority,
}

impl RecordKind {
    /// Every kind, in the order of the [`Mix`] fields.
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Intrusion,
        RecordKind::Connection,
        RecordKind::Packet,
        RecordKind::RuleMessage,
        RecordKind::Classification,
        RecordKind::Priority,
    ];

    /// The record type on the wire.
    pub const fn record_type(self) -> RecordType {
        match self {
            RecordKind::Intrusion => RecordType::INTRUSION_EVENT,
            RecordKind::Connection => RecordType::CONNECTION_STATISTICS,
            RecordKind::Packet => RecordType::PACKET_DATA,
            RecordKind::RuleMessage => RecordType::RULE_MESSAGE_METADATA,
            RecordKind::Classification => RecordType::CLASSIFICATION_METADATA,
            RecordKind::Priority => RecordType::PRIORITY_METADATA,
        }
    }

    /// A stable snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            RecordKind::Intrusion => "intrusion",
            RecordKind::Connection => "connection",
            RecordKind::Packet => "packet",
            RecordKind::RuleMessage => "rule_message",
            RecordKind::Classification => "classification",
            RecordKind::Priority => "priority",
        }
    }

    /// Metadata records are FMC-generated: archive timestamp 0 (docs/protocol.md §6.2).
    const fn is_metadata(self) -> bool {
        matches!(
            self,
            RecordKind::RuleMessage | RecordKind::Classification | RecordKind::Priority
        )
    }
}

/// Relative weights of the record kinds: each record is drawn independently, kind `k` with
/// probability `weight(k) / total()`. A mix whose weights are all 0 is taken as the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mix {
    /// Intrusion events (record 400).
    pub intrusion: u32,
    /// Connection events (record 71).
    pub connection: u32,
    /// Packets (record 2).
    pub packet: u32,
    /// Rule messages (record 66).
    pub rule_message: u32,
    /// Classifications (record 67).
    pub classification: u32,
    /// Priorities (record 4).
    pub priority: u32,
}

impl Mix {
    /// The default proportions: 50 % intrusion, 30 % connection, 10 % packet, 5 % rule message,
    /// 3 % classification, 2 % priority.
    pub const DEFAULT: Mix = Mix {
        intrusion: 50,
        connection: 30,
        packet: 10,
        rule_message: 5,
        classification: 3,
        priority: 2,
    };

    /// The weight of one kind.
    pub const fn weight(&self, kind: RecordKind) -> u32 {
        match kind {
            RecordKind::Intrusion => self.intrusion,
            RecordKind::Connection => self.connection,
            RecordKind::Packet => self.packet,
            RecordKind::RuleMessage => self.rule_message,
            RecordKind::Classification => self.classification,
            RecordKind::Priority => self.priority,
        }
    }

    /// Sum of the weights.
    pub fn total(&self) -> u64 {
        RecordKind::ALL
            .iter()
            .map(|&k| u64::from(self.weight(k)))
            .sum()
    }

    /// The mix actually used: `self`, or [`Mix::DEFAULT`] when every weight is 0.
    fn effective(self) -> Mix {
        if self.total() == 0 {
            Mix::DEFAULT
        } else {
            self
        }
    }

    fn pick(&self, rng: &mut XorShift64) -> RecordKind {
        // total() <= 6 * u32::MAX, so the product fits in u128 and the result is < total().
        let total = self.total();
        let mut r = ((u128::from(rng.next_u64()) * u128::from(total)) >> 64) as u64;
        for kind in RecordKind::ALL {
            let w = u64::from(self.weight(kind));
            if r < w {
                return kind;
            }
            r -= w;
        }
        RecordKind::Intrusion
    }
}

impl Default for Mix {
    fn default() -> Self {
        Mix::DEFAULT
    }
}

impl fmt::Display for Mix {
    /// `intrusion=50 connection=30 ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for kind in RecordKind::ALL {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{}={}", kind.name(), self.weight(kind))?;
        }
        Ok(())
    }
}

/// Header version of the messages inside bundles (docs/protocol.md §4.4: 0 on real FMCs as eNcore reads
/// them, 1 as the guide says; the codec accepts both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InnerVersion {
    /// Every inner header has version 0.
    #[default]
    Zero,
    /// Every inner header has version 1.
    One,
    /// Each inner header gets 0 or 1 at random.
    Mixed,
}

/// What to synthesize. Build it with struct-update syntax:
/// `SynthConfig { seed: 42, target_bytes: 1 << 20, ..SynthConfig::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynthConfig {
    /// Seed of the generator: the same configuration always gives the same bytes.
    pub seed: u64,
    /// Size to reach: records are added until the stream is at least this long, so it ends at
    /// the first record boundary at or after `target_bytes` (the last bundle is cut short
    /// there). 0 gives an empty stream.
    pub target_bytes: usize,
    /// Proportions of the record kinds.
    pub mix: Mix,
    /// Fewest inner messages in a bundle (except the last, which may be cut short). Default 50.
    pub min_bundle_messages: u32,
    /// Most inner messages in a bundle. Default 200.
    pub max_bundle_messages: u32,
    /// Chance, in percent, of a Null keep-alive after each bundle. Default 5.
    pub keepalive_percent: u32,
    /// Header version of the inner messages. Default [`InnerVersion::Zero`].
    pub inner_version: InnerVersion,
    /// Connection ID in every bundle header. Default 1.
    pub connection_id: u32,
    /// UNIX seconds of the first event. Default 1_700_000_000 (November 2023).
    pub start_time: u32,
}

impl SynthConfig {
    /// The default configuration: seed 1, 16 MiB, the default mix.
    pub const DEFAULT: SynthConfig = SynthConfig {
        seed: 1,
        target_bytes: 16 * 1024 * 1024,
        mix: Mix::DEFAULT,
        min_bundle_messages: 50,
        max_bundle_messages: 200,
        keepalive_percent: 5,
        inner_version: InnerVersion::Zero,
        connection_id: 1,
        start_time: 1_700_000_000,
    };
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig::DEFAULT
    }
}

// ---------------------------------------------------------------------------------------------
// Result

/// Number of records of each kind in a synthesized stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RecordCounts {
    /// Intrusion events (record 400).
    pub intrusion: usize,
    /// Connection events (record 71).
    pub connection: usize,
    /// Packets (record 2).
    pub packet: usize,
    /// Rule messages (record 66).
    pub rule_message: usize,
    /// Classifications (record 67).
    pub classification: usize,
    /// Priorities (record 4).
    pub priority: usize,
}

impl RecordCounts {
    /// The count of one kind.
    pub const fn get(&self, kind: RecordKind) -> usize {
        match kind {
            RecordKind::Intrusion => self.intrusion,
            RecordKind::Connection => self.connection,
            RecordKind::Packet => self.packet,
            RecordKind::RuleMessage => self.rule_message,
            RecordKind::Classification => self.classification,
            RecordKind::Priority => self.priority,
        }
    }

    fn bump(&mut self, kind: RecordKind) {
        let c = match kind {
            RecordKind::Intrusion => &mut self.intrusion,
            RecordKind::Connection => &mut self.connection,
            RecordKind::Packet => &mut self.packet,
            RecordKind::RuleMessage => &mut self.rule_message,
            RecordKind::Classification => &mut self.classification,
            RecordKind::Priority => &mut self.priority,
        };
        *c += 1;
    }

    /// All records.
    pub fn total(&self) -> usize {
        RecordKind::ALL.iter().map(|&k| self.get(k)).sum()
    }
}

/// A synthesized stream and what is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synth {
    /// The stream: complete messages back to back, as a client would read them off the socket.
    pub bytes: Vec<u8>,
    /// Top-level messages: `bundles + keepalives`, what [`estreamer_codec::Messages`] yields.
    pub messages: usize,
    /// Records, i.e. Event Data messages inside the bundles (each carries exactly one record).
    pub records: usize,
    /// Message Bundles.
    pub bundles: usize,
    /// Null keep-alives between bundles.
    pub keepalives: usize,
    /// Records per kind (they add up to `records`).
    pub counts: RecordCounts,
}

impl fmt::Display for Synth {
    /// One line: bytes, messages, bundles, keep-alives, records and records per kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} bytes, {} top-level messages ({} bundles, {} keep-alives), {} records (",
            self.bytes.len(),
            self.messages,
            self.bundles,
            self.keepalives,
            self.records
        )?;
        let mut first = true;
        for kind in RecordKind::ALL {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{}={}", kind.name(), self.counts.get(kind))?;
        }
        f.write_str(")")
    }
}

// ---------------------------------------------------------------------------------------------
// The synthesizer

/// Builds the stream `config` describes. Deterministic; see the [crate docs](crate) for its
/// shape.
pub fn synth(config: &SynthConfig) -> Synth {
    match build(config) {
        Ok(s) => s,
        // Every length the encoders compute is that of one record (< 2 KiB) or one bundle
        // (< 1 MiB), far below the u32 fields that carry them.
        Err(e) => unreachable!("synthesized lengths always fit their fields: {e}"),
    }
}

fn build(config: &SynthConfig) -> Result<Synth, EncodeError> {
    let target = config.target_bytes;
    let mix = config.mix.effective();
    let min = config.min_bundle_messages.max(1);
    let max = config.max_bundle_messages.max(min);
    let mut g = Gen::new(config);
    let mut out = Vec::with_capacity(target.saturating_add(4096));
    let mut scratch = Vec::with_capacity(2048);
    let mut s = Synth {
        bytes: Vec::new(),
        messages: 0,
        records: 0,
        bundles: 0,
        keepalives: 0,
        counts: RecordCounts::default(),
    };
    // An FMC sends the priority and classification names before the events that use them:
    // the stream opens with each once (when the mix has them), then they recur with the mix.
    let mut prelude: Vec<RecordKind> = Vec::new();
    for (kind, n) in [
        (RecordKind::Classification, CLASSIFICATIONS.len()),
        (RecordKind::Priority, PRIORITIES.len()),
    ] {
        if mix.weight(kind) > 0 {
            prelude.extend(std::iter::repeat_n(kind, n));
        }
    }
    let mut prelude = prelude.into_iter();
    let mut sequence: u32 = 0;
    while out.len() < target {
        sequence = sequence.wrapping_add(1);
        let n = g.rng.range(min, max);
        encode_bundle(&mut out, config.connection_id, sequence, |out| {
            for _ in 0..n {
                let kind = prelude.next().unwrap_or_else(|| mix.pick(&mut g.rng));
                scratch.clear();
                g.record(kind, &mut scratch)?;
                let archive = if kind.is_metadata() {
                    0
                } else {
                    g.now + g.rng.range(0, 2)
                };
                let version = match config.inner_version {
                    InnerVersion::Zero => 0,
                    InnerVersion::One => 1,
                    InnerVersion::Mixed => u16::from(g.rng.percent(50)),
                };
                EventData::extended(kind.record_type(), archive, 0, &scratch)
                    .encode_with_version(version, out)?;
                s.counts.bump(kind);
                s.records += 1;
                // `out` is the whole stream so far, bundle header included.
                if out.len() >= target {
                    break;
                }
            }
            Ok(())
        })?;
        s.bundles += 1;
        if out.len() < target && g.rng.percent(config.keepalive_percent) {
            Null.encode(&mut out)?;
            s.keepalives += 1;
        }
    }
    s.messages = s.bundles + s.keepalives;
    s.bytes = out;
    Ok(s)
}

// ---------------------------------------------------------------------------------------------
// Record bodies

/// Big-endian appends.
trait Put {
    fn put_u8(&mut self, v: u8);
    fn put_u16(&mut self, v: u16);
    fn put_u32(&mut self, v: u32);
    fn put_u64(&mut self, v: u64);
}

impl Put for Vec<u8> {
    #[inline]
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    #[inline]
    fn put_u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    #[inline]
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    #[inline]
    fn put_u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_be_bytes());
    }
}

/// A String block (type 0 in both series, docs/protocol.md §7.2): the codec's block encoder, length
/// back-patched.
fn string_block(out: &mut Vec<u8>, text: &str) -> Result<(), EncodeError> {
    encode_block(out, 0, |out| {
        out.extend_from_slice(text.as_bytes());
        Ok(())
    })
}

/// An IPv4 address in a 16-byte field: IPv4-mapped IPv6 (docs/protocol.md §11.2).
fn mapped(v4: [u8; 4]) -> [u8; 16] {
    let [a, b, c, d] = v4;
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]
}

/// A deterministic UUID for (`tag`, `index`): the per-stream policies, interfaces and zones.
fn uuid(seed: u64, tag: u64, index: u32) -> [u8; 16] {
    let a = splitmix64(seed ^ (tag << 32) ^ u64::from(index));
    let b = splitmix64(a);
    let mut u = [0u8; 16];
    let (hi, lo) = u.split_at_mut(8);
    hi.copy_from_slice(&a.to_be_bytes());
    lo.copy_from_slice(&b.to_be_bytes());
    // RFC 4122 version 4, variant 1, as an FMC's UUIDs are.
    if let Some(x) = u.get_mut(6) {
        *x = (*x & 0x0f) | 0x40;
    }
    if let Some(x) = u.get_mut(8) {
        *x = (*x & 0x3f) | 0x80;
    }
    u
}

const TAG_INTRUSION_POLICY: u64 = 1;
const TAG_AC_POLICY: u64 = 2;
const TAG_INTERFACE: u64 = 3;
const TAG_ZONE: u64 = 4;
const TAG_NAP: u64 = 5;
const TAG_RULE: u64 = 6;
const TAG_RULE_REVISION: u64 = 7;
const TAG_CLASSIFICATION: u64 = 8;
const TAG_SSL_POLICY: u64 = 9;

/// True for an IPv4 address in its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`).
fn is_v4_mapped(ip: &[u8; 16]) -> bool {
    ip[..10].iter().all(|&b| b == 0) && ip[10] == 0xff && ip[11] == 0xff
}

/// A rule the stream's intrusion events fire and its rule-message records describe.
#[derive(Debug, Clone, Copy, Default)]
struct Rule {
    gid: u32,
    rule_id: u32,
    rendered_sid: u32,
    classification: u32,
    priority: u32,
    /// The rule's one revision: every event of the rule carries it (record 66 carries 0, as
    /// the guide says rule messages currently do).
    revision: u32,
    message: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        gid: 1,
        rule_id: 1000101,
        rendered_sid: 58901,
        classification: 35,
        priority: 1,
        revision: 3,
        message: "MALWARE-CNC Win.Trojan.Agent outbound connection attempt",
    },
    Rule {
        gid: 1,
        rule_id: 1000102,
        rendered_sid: 31977,
        classification: 22,
        priority: 1,
        revision: 6,
        message: "SERVER-WEBAPP directory traversal attempt",
    },
    Rule {
        gid: 1,
        rule_id: 1000103,
        rendered_sid: 2013504,
        classification: 29,
        priority: 2,
        revision: 1,
        message: "POLICY-OTHER TLS connection to a newly registered domain",
    },
    Rule {
        gid: 1,
        rule_id: 1000104,
        rendered_sid: 254,
        classification: 3,
        priority: 2,
        revision: 2,
        message: "PROTOCOL-DNS SPOOF query response with TTL of 1 min. and no authority",
    },
    Rule {
        gid: 1,
        rule_id: 1000105,
        rendered_sid: 41978,
        classification: 23,
        priority: 1,
        revision: 7,
        message: "SERVER-SAMBA remote code execution attempt",
    },
    Rule {
        gid: 1,
        rule_id: 1000106,
        rendered_sid: 19559,
        classification: 4,
        priority: 3,
        revision: 4,
        message: "INDICATOR-SCAN SSH brute force login attempt",
    },
    Rule {
        gid: 1,
        rule_id: 1000107,
        rendered_sid: 1000001,
        classification: 34,
        priority: 3,
        revision: 1,
        message: "LOCAL custom rule: test traffic to lab subnet",
    },
    Rule {
        gid: 3,
        rule_id: 1000108,
        rendered_sid: 13366,
        classification: 23,
        priority: 1,
        revision: 5,
        message: "FILE-PDF Adobe Acrobat Reader malformed font memory corruption attempt",
    },
    Rule {
        gid: 1,
        rule_id: 1000109,
        rendered_sid: 2925,
        classification: 27,
        priority: 3,
        revision: 2,
        message: "INFO web bug 0x0 gif attempt",
    },
    Rule {
        gid: 119,
        rule_id: 1000110,
        rendered_sid: 31,
        classification: 2,
        priority: 3,
        revision: 3,
        message: "(http_inspect) URI path contains consecutive slash characters",
    },
    Rule {
        gid: 1,
        rule_id: 1000111,
        rendered_sid: 23493,
        classification: 35,
        priority: 1,
        revision: 8,
        message: "MALWARE-OTHER Win.Ransomware encrypted file extension rename",
    },
    Rule {
        gid: 1,
        rule_id: 1000112,
        rendered_sid: 39867,
        classification: 22,
        priority: 1,
        revision: 2,
        message: "SERVER-WEBAPP SQL injection attempt union select",
    },
];

/// (id, name, description) of the classifications (record 67).
const CLASSIFICATIONS: &[(u32, &str, &str)] = &[
    (2, "unknown", "Unknown Traffic"),
    (3, "bad-unknown", "Potentially Bad Traffic"),
    (4, "attempted-recon", "Attempted Information Leak"),
    (22, "web-application-attack", "Web Application Attack"),
    (
        23,
        "attempted-admin",
        "Attempted Administrator Privilege Gain",
    ),
    (27, "misc-activity", "Misc activity"),
    (
        29,
        "policy-violation",
        "Potential Corporate Privacy Violation",
    ),
    (34, "sdf", "Sensitive Data"),
    (35, "trojan-activity", "A Network Trojan was Detected"),
];

const PRIORITIES: &[(u32, &str)] = &[(1, "high"), (2, "medium"), (3, "low")];

/// The service a flow or an event is about; `TABLE` repeats entries to weight them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Service {
    #[default]
    Https,
    Http,
    Dns,
    Smtp,
    Smb,
    Ssh,
    Ntp,
    Icmp,
}

impl Service {
    const TABLE: &'static [Service] = &[
        Service::Https,
        Service::Https,
        Service::Https,
        Service::Https,
        Service::Http,
        Service::Http,
        Service::Http,
        Service::Dns,
        Service::Dns,
        Service::Dns,
        Service::Smtp,
        Service::Smb,
        Service::Ssh,
        Service::Ntp,
        Service::Icmp,
    ];

    const fn protocol(self) -> u8 {
        match self {
            Service::Dns | Service::Ntp => 17,
            Service::Icmp => 1,
            _ => 6,
        }
    }

    /// The IP protocol over an address: ICMPv6 (58) for ICMP between IPv6 addresses.
    fn protocol_over(self, ip: &[u8; 16]) -> u8 {
        match self {
            Service::Icmp if !is_v4_mapped(ip) => 58,
            s => s.protocol(),
        }
    }

    /// An echo request's ICMP type and code: 8/0, or 128/0 for ICMPv6.
    fn echo_request(ip: &[u8; 16]) -> (u16, u16) {
        if is_v4_mapped(ip) { (8, 0) } else { (128, 0) }
    }

    const fn port(self) -> u16 {
        match self {
            Service::Https => 443,
            Service::Http => 80,
            Service::Dns => 53,
            Service::Smtp => 25,
            Service::Smb => 445,
            Service::Ssh => 22,
            Service::Ntp => 123,
            Service::Icmp => 0,
        }
    }

    /// Application protocol IDs: arbitrary but stable per service, as an FMC's are.
    const fn app_id(self) -> u32 {
        match self {
            Service::Https => 1122,
            Service::Http => 676,
            Service::Dns => 617,
            Service::Smtp => 1005,
            Service::Smb => 1051,
            Service::Ssh => 1106,
            Service::Ntp => 837,
            Service::Icmp => 0,
        }
    }
}

/// HTTP hosts and URIs short enough for the block-85 length budget (364-420 bytes).
const HTTP_HOSTS: &[&str] = &[
    "www.example.com",
    "cdn.example.net",
    "update.example.org",
    "api.example.com",
    "login.example.net",
];
const HTTP_URIS: &[&str] = &[
    "/",
    "/index.html",
    "/wp-login.php",
    "/api/v1/status",
    "/cgi-bin/test.cgi",
    "/images/logo.png",
];
const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) \
     Version/17.1 Safari/605.1.15",
    "curl/8.4.0",
    "Microsoft-CryptoAPI/10.0",
    "python-requests/2.31.0",
];
const DNS_NAMES: &[&str] = &[
    "www.example.com",
    "time.example.org",
    "mail.example.net",
    "x7f3k2p9q1.example.biz",
    "_ldap._tcp.dc.corp.example",
];
const NETBIOS_NAMES: &[&str] = &["", "", "", "WS-0142", "FILESRV01"];
const COUNTRIES: &[u16] = &[840, 840, 840, 276, 826, 392, 156, 643, 76];
const PUBLIC_FIRST_OCTETS: &[u8] = &[23, 45, 52, 104, 142, 151, 185, 203];

/// The generator state: the PRNG and the clock and counters that make successive records
/// plausible together.
struct Gen {
    rng: XorShift64,
    seed: u64,
    /// Event second of the current record; advances slowly.
    now: u32,
    next_event_id: u32,
    /// (device, event id, event second) of the last intrusion event, for packet records.
    last_intrusion: (u32, u32, u32),
    /// Classification and priority records go round their tables, so that each is sent early
    /// and again later, as an FMC sends what its events need.
    next_classification: usize,
    next_priority: usize,
}

impl Gen {
    fn new(config: &SynthConfig) -> Self {
        Gen {
            rng: XorShift64::new(config.seed),
            seed: config.seed,
            now: config.start_time,
            next_event_id: 1,
            last_intrusion: (1, 0, config.start_time),
            next_classification: 0,
            next_priority: 0,
        }
    }

    fn uuid(&self, tag: u64, index: u32) -> [u8; 16] {
        uuid(self.seed, tag, index)
    }

    fn tick(&mut self) {
        // About 40 events per second of event time.
        if self.rng.percent(2) {
            self.now += 1;
        }
    }

    fn internal_ip(&mut self) -> [u8; 16] {
        let r = self.rng.next_u32().to_be_bytes();
        let [_, b, c, d] = r;
        mapped([10, 1 + b % 20, c, 1 + d % 254])
    }

    /// An internal address of `other`'s family: 10.x.y.z, or 2001:db8:a::/48 for IPv6.
    fn internal_ip_like(&mut self, other: &[u8; 16]) -> [u8; 16] {
        if is_v4_mapped(other) {
            return self.internal_ip();
        }
        let mut ip = [0u8; 16];
        let (hi, lo) = ip.split_at_mut(8);
        hi.copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, 0, 1]);
        lo.copy_from_slice(&[
            0,
            0,
            0,
            0,
            0,
            0,
            0x10,
            1 + (self.rng.next_u32() % 250) as u8,
        ]);
        ip
    }

    fn external_ip(&mut self) -> [u8; 16] {
        if self.rng.percent(15) {
            // IPv6, documentation prefix 2001:db8::/32.
            let mut ip = [0u8; 16];
            let (hi, lo) = ip.split_at_mut(8);
            hi.copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0]);
            lo.copy_from_slice(&self.rng.next_u64().to_be_bytes());
            if let Some(x) = ip.get_mut(5) {
                *x = self.rng.below(16) as u8;
            }
            ip
        } else {
            let first = self.rng.pick(PUBLIC_FIRST_OCTETS);
            let [_, b, c, d] = self.rng.next_u32().to_be_bytes();
            mapped([first, b, c, 1 + d % 254])
        }
    }

    fn is_internal(ip: &[u8; 16]) -> bool {
        ip.get(10..13) == Some(&[0xff, 0xff, 10][..])
    }

    fn country(&mut self, ip: &[u8; 16]) -> u16 {
        if Self::is_internal(ip) {
            0
        } else {
            self.rng.pick(COUNTRIES)
        }
    }

    fn ephemeral_port(&mut self) -> u16 {
        self.rng.range(32768, 60999) as u16
    }

    fn record(&mut self, kind: RecordKind, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.tick();
        match kind {
            RecordKind::Intrusion => self.intrusion(out),
            RecordKind::Connection => self.connection(out),
            RecordKind::Packet => {
                self.packet(out);
                Ok(())
            }
            RecordKind::RuleMessage => {
                self.rule_message(out);
                Ok(())
            }
            RecordKind::Classification => {
                self.classification(out);
                Ok(())
            }
            RecordKind::Priority => {
                let (id, name) = PRIORITIES[self.next_priority % PRIORITIES.len()];
                self.next_priority += 1;
                out.put_u32(id);
                out.put_u16(name.len() as u16);
                out.extend_from_slice(name.as_bytes());
                Ok(())
            }
        }
    }

    /// Record 400: one series-2 block 85 (docs/protocol.md §9.3), 364-420 bytes.
    fn intrusion(&mut self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let device = self.rng.range(1, 4);
        let event_id = self.next_event_id;
        self.next_event_id = self.next_event_id.wrapping_add(1);
        let second = self.now;
        self.last_intrusion = (device, event_id, second);
        let rule = self.rng.pick(RULES);
        let service = self.rng.pick(Service::TABLE);
        // Attacks mostly come from outside.
        // Both ends in one address family, as in any real flow.
        let outside = self.external_ip();
        let inside = self.internal_ip_like(&outside);
        let (src, dst) = if self.rng.percent(70) {
            (outside, inside)
        } else {
            (inside, outside)
        };
        let protocol = service.protocol_over(&src);
        let impact_flags = self
            .rng
            .pick(&[0x00u8, 0x01, 0x03, 0x03, 0x07, 0x07, 0x0f, 0x1f]);
        // eNcore getImpact (docs/protocol.md §9.4).
        let impact = if impact_flags & 0xD8 != 0 {
            1
        } else if impact_flags & 0x06 == 0x06 {
            2
        } else if impact_flags & 0x02 != 0 {
            3
        } else if impact_flags & 0x01 != 0 {
            4
        } else {
            0
        };
        let blocked = self.rng.pick(&[0u8, 0, 0, 0, 1, 1, 2, 7]);
        let blocked_reason = if blocked == 0 {
            0
        } else {
            self.rng.pick(&[0u8, 0, 0, 2, 4])
        };
        let src_country = self.country(&src);
        let dst_country = self.country(&dst);
        let vrf = self.rng.percent(30);
        let r = self.rng.next_u64();

        encode_block(out, 85, |out| {
            out.put_u32(device); // 8 Device ID
            out.put_u32(event_id); // 12 Event ID
            out.put_u32(second); // 16 Event Second
            out.put_u32((r % 1_000_000) as u32); // 20 Event Microsecond
            out.put_u32(rule.rule_id); // 24 Rule ID
            out.put_u32(rule.gid); // 28 Generator ID
            out.put_u32(rule.revision); // 32 Rule Revision: one per rule
            out.put_u32(rule.classification); // 36 Classification ID
            out.put_u32(rule.priority); // 40 Priority ID
            out.extend_from_slice(&src); // 44 Source IP
            out.extend_from_slice(&dst); // 60 Destination IP
            let (sport, dport) = match service {
                Service::Icmp => Service::echo_request(&src), // ICMP type, code
                s => {
                    let e = 32768 + (r >> 24) as u16 % 28232;
                    if Self::is_internal(&dst) {
                        (e, s.port())
                    } else {
                        (s.port(), e)
                    }
                }
            };
            out.put_u16(sport); // 76 Source Port / ICMP Type
            out.put_u16(dport); // 78 Destination Port / ICMP Code
            out.put_u8(protocol); // 80 IP Protocol
            out.put_u8(impact_flags); // 81 Impact Flags
            out.put_u8(impact); // 82 Impact
            out.put_u8(blocked); // 83 Blocked
            out.put_u8(blocked_reason); // 84 Blocked Reason
            out.put_u32(0); // 85 MPLS Label
            out.put_u16(if (r >> 40) % 4 == 0 { 100 } else { 0 }); // 89 VLAN ID
            out.put_u16(0); // 91 Pad
            out.extend_from_slice(&self.uuid(TAG_INTRUSION_POLICY, (r >> 44) as u32 % 2)); // 93
            out.put_u32(0); // 109 User ID
            let http = matches!(service, Service::Http | Service::Https);
            out.put_u32(if http { 929 } else { 0 }); // 113 Web Application ID
            out.put_u32(if http { 638 } else { 0 }); // 117 Client Application ID
            out.put_u32(service.app_id()); // 121 Application Protocol ID
            out.put_u32(268_435_456 + (r >> 48) as u32 % 8); // 125 Access Control Rule ID
            out.extend_from_slice(&self.uuid(TAG_AC_POLICY, 0)); // 129 AC Policy UUID
            let iface = (r >> 52) as u32 % 4;
            out.extend_from_slice(&self.uuid(TAG_INTERFACE, iface)); // 145 Ingress Interface
            out.extend_from_slice(&self.uuid(TAG_INTERFACE, iface ^ 1)); // 161 Egress Interface
            out.extend_from_slice(&self.uuid(TAG_ZONE, iface / 2)); // 177 Ingress Zone
            out.extend_from_slice(&self.uuid(TAG_ZONE, (iface / 2) ^ 1)); // 193 Egress Zone
            out.put_u32(second.saturating_sub((r >> 56) as u32 % 30)); // 209 Connection Timestamp
            out.put_u16((r >> 58) as u16 % 8); // 213 Connection Instance ID
            out.put_u16((r >> 8) as u16); // 215 Connection Counter
            out.put_u16(src_country); // 217 Source Country
            out.put_u16(dst_country); // 219 Destination Country
            out.put_u16(0); // 221 IOC Number
            out.extend_from_slice(&[0; 16]); // 223 Security Context
            if service == Service::Https {
                self.rng.fill(out, 20); // 239 SSL Certificate Fingerprint
                out.put_u16(1); // 259 SSL Actual Action
                out.put_u16(1); // 261 SSL Flow Status
            } else {
                out.extend_from_slice(&[0; 20]);
                out.put_u16(0);
                out.put_u16(0);
            }
            out.extend_from_slice(&self.uuid(TAG_NAP, 0)); // 263 Network Analysis Policy UUID
            out.put_u32(if service == Service::Http { 200 } else { 0 }); // 279 HTTP Response
            let vrf_name = if vrf { "global" } else { "" };
            string_block(out, vrf_name)?; // 283 Ingress VRF Name
            string_block(out, vrf_name)?; // Egress VRF Name
            out.put_u8(3); // Snort Version
            out.extend_from_slice(&[0; 16]); // Original Source IP
            // At most 56 bytes of text in all (block length <= 420): VRF 2 x 6, host <= 18,
            // URI <= 17, or SMTP 17 + 11 + 15.
            let (host, uri) = if service == Service::Http {
                (self.rng.pick(HTTP_HOSTS), self.rng.pick(HTTP_URIS))
            } else {
                ("", "")
            };
            string_block(out, host)?; // HTTP Hostname
            string_block(out, uri)?; // HTTP URI
            let smtp = service == Service::Smtp;
            string_block(out, if smtp { "invoice.pdf" } else { "" })?; // SMTP Attachments
            string_block(out, if smtp { "alice@example.com" } else { "" })?; // SMTP From
            string_block(out, "")?; // SMTP Headers
            string_block(out, if smtp { "bob@example.org" } else { "" }) // SMTP To
        })
    }

    /// Record 71: discovery header with Has IPv6 = 1 (56 bytes, docs/protocol.md §6.5), then series-1
    /// connection block 174 (§10).
    fn connection(&mut self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let device = self.rng.range(1, 4);
        let second = self.now;
        let service = self.rng.pick(Service::TABLE);
        let responder = if self.rng.percent(80) {
            self.external_ip()
        } else {
            self.internal_ip()
        };
        let initiator = self.internal_ip_like(&responder);
        let protocol = service.protocol_over(&initiator);
        let r = self.rng.next_u64();
        let r2 = self.rng.next_u64();

        // Discovery event header (56 bytes).
        out.put_u32(device); // 0 Device ID
        out.put_u32(0); // 4 Legacy IP Address (0 when Has IPv6 = 1)
        out.extend_from_slice(&[0x00, 0x50, 0x56]); // 8 MAC: a VMware OUI
        out.extend_from_slice(r.to_be_bytes().get(..3).unwrap_or_default());
        out.put_u8(1); // 14 Has IPv6
        out.put_u8(0); // 15 Reserved
        out.put_u32(second); // 16 Event Second
        out.put_u32((r2 % 1_000_000) as u32); // 20 Event Microsecond
        out.put_u32(1003); // 24 Event Type: flow
        out.put_u32(0); // 28 Event Subtype
        out.put_u32((r >> 32) as u32 % 4096); // 32 File Number
        out.put_u32((r2 >> 32) as u32); // 36 File Position
        out.extend_from_slice(&initiator); // 40 IPv6 Address

        let (sport, dport) = match service {
            Service::Icmp => Service::echo_request(&initiator),
            s => (self.ephemeral_port(), s.port()),
        };
        let first = second.saturating_sub(self.rng.below(600));
        let packets_out = u64::from(self.rng.range(1, 2000));
        let packets_in = u64::from(self.rng.range(1, 3000));
        let bytes_out = packets_out * u64::from(self.rng.range(60, 900));
        let bytes_in = packets_in * u64::from(self.rng.range(60, 1400));
        let http = matches!(service, Service::Http | Service::Https);
        let host = if http { self.rng.pick(HTTP_HOSTS) } else { "" };
        let uri = self.rng.pick(HTTP_URIS);
        let ua = if http { self.rng.pick(USER_AGENTS) } else { "" };
        let netbios = self.rng.pick(NETBIOS_NAMES);
        let dns = if service == Service::Dns {
            self.rng.pick(DNS_NAMES)
        } else {
            ""
        };
        let init_country = self.country(&initiator);
        let resp_country = self.country(&responder);
        let iface = (r2 >> 8) as u32 % 4;
        let action = self.rng.pick(&[1u16, 1, 1, 1, 2, 3, 4]); // allow, allow, ..., block, trust, monitor
        let sgt = self.rng.percent(20);

        encode_block(out, 174, |out| {
            out.put_u32(device); // 8 Device ID
            out.extend_from_slice(&self.uuid(TAG_ZONE, iface / 2)); // 12 Ingress Zone
            out.extend_from_slice(&self.uuid(TAG_ZONE, (iface / 2) ^ 1)); // 28 Egress Zone
            out.extend_from_slice(&self.uuid(TAG_INTERFACE, iface)); // 44 Ingress Interface
            out.extend_from_slice(&self.uuid(TAG_INTERFACE, iface ^ 1)); // 60 Egress Interface
            out.extend_from_slice(&initiator); // 76 Initiator IP
            out.extend_from_slice(&responder); // 92 Responder IP
            out.extend_from_slice(&[0; 16]); // 108 Original Client IP
            out.extend_from_slice(&self.uuid(TAG_AC_POLICY, 0)); // 124 Policy Revision
            out.put_u32(268_435_456 + (r2 >> 16) as u32 % 8); // 140 Rule ID
            out.put_u32(0); // 144 Tunnel/Prefilter Rule ID
            out.put_u16(action); // 148 Rule Action
            out.put_u32(0); // 150 Rule Reason
            out.put_u16(sport); // 154 Initiator Port
            out.put_u16(dport); // 156 Responder Port
            out.put_u16(if protocol == 6 { 0x1b } else { 0 }); // 158 TCP Flags
            out.put_u8(protocol); // 160 Protocol
            out.extend_from_slice(&[0; 16]); // 161 NetFlow Source (none)
            out.put_u16((r2 >> 24) as u16 % 8); // 177 Instance ID
            out.put_u16((r2 >> 40) as u16); // 179 Connection Counter
            out.put_u32(first); // 181 First Packet Timestamp
            out.put_u32(second); // 185 Last Packet Timestamp
            out.put_u64(packets_out); // 189 Initiator Transmitted Packets
            out.put_u64(packets_in); // 197 Responder Transmitted Packets
            out.put_u64(bytes_out); // 205 Initiator Transmitted Bytes
            out.put_u64(bytes_in); // 213 Responder Transmitted Bytes
            out.extend_from_slice(&[0; 32]); // 221-252 the four Dropped counters
            out.extend_from_slice(&[0; 16]); // 253 QoS Applied Interface
            out.put_u32(0); // 269 QoS Rule ID
            out.put_u32(if self.rng.percent(30) {
                self.rng.range(1, 500)
            } else {
                0
            }); // 273 User ID
            out.put_u32(service.app_id()); // 277 Application Protocol ID
            out.put_u32(if http { self.rng.range(1, 80) } else { 0 }); // 281 URL Category
            out.put_u32(if http { self.rng.range(1, 5) * 20 } else { 0 }); // 285 URL Reputation
            out.put_u32(if http { 638 } else { 0 }); // 289 Client Application ID
            out.put_u32(if http { 929 } else { 0 }); // 293 Web Application ID
            if service == Service::Http {
                // 297 Client URL
                encode_block(out, 0, |out| {
                    out.extend_from_slice(b"http://");
                    out.extend_from_slice(host.as_bytes());
                    out.extend_from_slice(uri.as_bytes());
                    Ok(())
                })?;
            } else {
                string_block(out, "")?;
            }
            string_block(out, netbios)?; // NetBIOS name
            string_block(out, if http { "120.0" } else { "" })?; // Client Application Version
            for _ in 0..8 {
                out.put_u32(0); // Monitor Rule 1-8
            }
            out.put_u8(0); // Security Intelligence Source/Destination
            out.put_u8(0); // Security Intelligence Layer
            out.put_u16(0); // File Event Count
            out.put_u16(u16::from(self.rng.percent(3))); // Intrusion Event Count
            out.put_u16(init_country); // Initiator Country
            out.put_u16(resp_country); // Responder Country
            out.put_u16(0); // Original Client Country
            out.put_u16(0); // IOC Number
            out.put_u32(0); // Source Autonomous System
            out.put_u32(0); // Destination Autonomous System
            out.put_u16(0); // SNMP In
            out.put_u16(0); // SNMP Out
            out.put_u8(0); // Source TOS
            out.put_u8(0); // Destination TOS
            out.put_u8(0); // Source Mask
            out.put_u8(0); // Destination Mask
            out.extend_from_slice(&[0; 16]); // Security Context
            out.put_u16(0); // VLAN ID
            string_block(out, host)?; // Referenced Host
            string_block(out, ua)?; // User Agent
            string_block(out, "")?; // HTTP Referrer
            let tls = service == Service::Https;
            if tls {
                self.rng.fill(out, 20); // SSL Certificate Fingerprint
                out.extend_from_slice(&self.uuid(TAG_SSL_POLICY, 0)); // SSL Policy ID
                out.put_u32(1); // SSL Rule ID
                out.put_u16(0xc02f); // SSL Cipher Suite: ECDHE-RSA-AES128-GCM-SHA256
                out.put_u8(4); // SSL Version
                out.put_u32(1); // SSL Server Certificate Status
                out.put_u16(1); // SSL Actual Action
                out.put_u16(1); // SSL Expected Action
                out.put_u16(1); // SSL Flow Status
                out.put_u32(0); // SSL Flow Error
                out.put_u32(0x0000_0a3f); // SSL Flow Messages
                out.put_u64(0x0000_0000_0102_0001); // SSL Flow Flags
            } else {
                out.extend_from_slice(&[0; 69]);
            }
            string_block(out, if tls { host } else { "" })?; // SSL Server Name
            out.put_u32(0); // SSL URL Category
            if tls {
                self.rng.fill(out, 32); // SSL Session ID
                out.put_u8(32); // SSL Session ID Length
            } else {
                out.extend_from_slice(&[0; 33]);
            }
            out.extend_from_slice(&[0; 21]); // SSL Ticket ID, SSL Ticket ID Length
            out.extend_from_slice(&self.uuid(TAG_NAP, 0)); // Network Analysis Policy Revision
            out.put_u32(0); // Endpoint Profile ID
            out.put_u32(0); // Security Group ID
            out.put_u16(if sgt { 17 } else { 0 }); // Source Security Group Tag
            out.put_u8(u8::from(sgt)); // Source Security Group Tag Type
            out.put_u16(0); // Destination Security Group Tag
            out.put_u8(0); // Destination Security Group Tag Type
            out.extend_from_slice(&[0; 16]); // Location IPv6
            out.put_u32(if service == Service::Http { 200 } else { 0 }); // HTTP Response Code
            string_block(out, dns)?; // DNS Query
            let is_dns = service == Service::Dns;
            out.put_u16(if is_dns { 1 } else { 0 }); // DNS Record Type (A)
            out.put_u16(0); // DNS Response Type (no error)
            out.put_u32(if is_dns { 300 } else { 0 }); // DNS TTL
            out.extend_from_slice(&[0; 16]); // Sinkhole UUID
            out.put_u32(0); // Security Intelligence List 1
            out.put_u32(0); // Security Intelligence List 2
            out.put_u32(0); // Threat Intelligence Category
            string_block(
                out,
                if tls && self.rng.percent(50) {
                    "chrome"
                } else {
                    ""
                },
            )?; // EVE Process
            out.put_u8(if tls { 90 } else { 0 }); // EVE Process Confidence
            out.put_u8(0); // EVE Threat Confidence
            out.put_u8(0); // EVE Threat Confidence Index
            out.put_u8(0); // Client Application Detector ID
            out.put_u16(0); // NAT Initiator Port
            out.put_u16(0); // NAT Responder Port
            out.extend_from_slice(&[0; 32]); // NAT Initiator IP, NAT Responder IP
            string_block(out, "")?; // Ingress VRF Name
            string_block(out, "")?; // Egress VRF Name
            string_block(out, "")?; // Source IP Dynamic Attributes
            string_block(out, "") // Destination IP Dynamic Attributes
        })
    }

    /// Record 2 (docs/protocol.md §9.6): 28 bytes of header, then an Ethernet/IPv4/TCP frame of 60-1500
    /// bytes, joined to the last intrusion event.
    fn packet(&mut self, out: &mut Vec<u8>) {
        let (device, event_id, second) = self.last_intrusion;
        // Bimodal, as real captures are: many small frames, many full ones.
        let len = match self.rng.below(10) {
            0..=3 => self.rng.range(60, 128),
            4..=6 => self.rng.range(129, 600),
            _ => self.rng.range(1400, 1500),
        };
        out.put_u32(device); // 0 Device ID
        out.put_u32(event_id); // 4 Event ID
        out.put_u32(second); // 8 Event Second
        out.put_u32(second); // 12 Packet Second
        out.put_u32(self.rng.below(1_000_000)); // 16 Packet Microsecond
        out.put_u32(1); // 20 Link Type: Ethernet
        out.put_u32(len); // 24 Packet Length
        let start = out.len();
        // Ethernet: destination, source, IPv4.
        out.extend_from_slice(&[0x00, 0x50, 0x56, 0x01, 0x02, 0x03]);
        out.extend_from_slice(&[0x00, 0x1b, 0x17, 0x0a, 0x0b, 0x0c]);
        out.put_u16(0x0800);
        // IPv4 header (no options; checksum left 0, as offloaded captures often show).
        let ip_len = (len - 14) as u16;
        out.extend_from_slice(&[0x45, 0x00]);
        out.put_u16(ip_len);
        out.put_u16(self.rng.next_u32() as u16);
        out.extend_from_slice(&[0x40, 0x00, 0x40, 0x06, 0x00, 0x00]);
        let [a, b, c, d] = self.rng.next_u32().to_be_bytes();
        out.extend_from_slice(&[a, b, c, d, 10, 1, c, d]);
        // TCP header.
        out.put_u16(self.ephemeral_port());
        out.put_u16(443);
        out.put_u32(self.rng.next_u32());
        out.put_u32(self.rng.next_u32());
        out.extend_from_slice(&[0x50, 0x18, 0x01, 0xf5, 0x00, 0x00, 0x00, 0x00]);
        let header = out.len() - start;
        self.rng.fill(out, len as usize - header);
    }

    /// Record 66 (docs/protocol.md §8.1): 50 bytes and the message text.
    fn rule_message(&mut self, out: &mut Vec<u8>) {
        let i = self.rng.below(RULES.len() as u32);
        let rule = RULES.get(i as usize).copied().unwrap_or_default();
        out.put_u32(rule.gid);
        out.put_u32(rule.rule_id);
        out.put_u32(0); // Rule Revision: always 0 in rule messages
        out.put_u32(rule.rendered_sid);
        out.put_u16(rule.message.len() as u16);
        out.extend_from_slice(&self.uuid(TAG_RULE, i));
        out.extend_from_slice(&self.uuid(TAG_RULE_REVISION, i));
        out.extend_from_slice(rule.message.as_bytes());
    }

    /// Record 67 (docs/protocol.md §9.2): id, name, description, two UUIDs.
    fn classification(&mut self, out: &mut Vec<u8>) {
        let (id, name, description) =
            CLASSIFICATIONS[self.next_classification % CLASSIFICATIONS.len()];
        self.next_classification += 1;
        out.put_u32(id);
        out.put_u16(name.len() as u16);
        out.extend_from_slice(name.as_bytes());
        out.put_u16(description.len() as u16);
        out.extend_from_slice(description.as_bytes());
        out.extend_from_slice(&self.uuid(TAG_CLASSIFICATION, id));
        out.extend_from_slice(&self.uuid(TAG_CLASSIFICATION, id | 0x8000_0000));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use estreamer_codec::{Body, DecodeOptions, HeaderMode, MessageType, Messages};

    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
    }

    fn be16(b: &[u8], at: usize) -> u16 {
        u16::from_be_bytes(b[at..at + 2].try_into().unwrap())
    }

    /// Walks `n` String blocks from `at`; returns the offset after them.
    fn strings(b: &[u8], mut at: usize, n: usize) -> usize {
        for _ in 0..n {
            assert_eq!(be32(b, at), 0, "string block type at {at}");
            let len = be32(b, at + 4) as usize;
            assert!(len >= 8);
            at += len;
        }
        at
    }

    /// Checks one record body against the layouts of docs/protocol.md; returns the body length.
    fn check_record(kind: RecordType, b: &[u8]) {
        match kind {
            RecordType::INTRUSION_EVENT => {
                assert_eq!(be32(b, 0), 85);
                let len = be32(b, 4) as usize;
                assert_eq!(len, b.len(), "one block fills the record");
                assert!((364..=420).contains(&len), "block 85 length {len}");
                assert!([1, 6, 17, 58].contains(&b[80]), "protocol {}", b[80]);
                assert!(b[82] <= 4, "impact");
                let mut at = strings(b, 283, 2);
                assert_eq!(b[at], 3, "snort version");
                at = strings(b, at + 17, 6);
                assert_eq!(at, len, "block 85 ends after SMTP To");
            }
            RecordType::CONNECTION_STATISTICS => {
                assert_eq!(b[14], 1, "Has IPv6");
                assert_eq!(be32(b, 24), 1003);
                assert_eq!(be32(b, 56), 174);
                assert_eq!(be32(b, 60) as usize, b.len() - 56);
                assert!(
                    (790..=1100).contains(&b.len()),
                    "record 71 length {}",
                    b.len()
                );
                let blk = &b[56..];
                assert!([1, 6, 17, 58].contains(&blk[160]));
                // Walk the whole block 174 by the table of docs/protocol.md §10.
                let mut at = strings(blk, 297, 3) + 80;
                at = strings(blk, at, 3) + 69;
                at = strings(blk, at, 1) + 108;
                at = strings(blk, at, 1) + 36;
                at = strings(blk, at, 1) + 40;
                at = strings(blk, at, 4);
                assert_eq!(at, blk.len(), "block 174 ends after the dynamic attributes");
            }
            RecordType::PACKET_DATA => {
                assert_eq!(be32(b, 20), 1, "link type");
                let n = be32(b, 24) as usize;
                assert!((60..=1500).contains(&n));
                assert_eq!(b.len(), 28 + n);
                assert_eq!(be16(b, 28 + 12), 0x0800);
            }
            RecordType::RULE_MESSAGE_METADATA => {
                let n = be16(b, 16) as usize;
                assert_eq!(b.len(), 50 + n);
                assert!(std::str::from_utf8(&b[50..]).is_ok());
            }
            RecordType::CLASSIFICATION_METADATA => {
                let n = be16(b, 4) as usize;
                let d = be16(b, 6 + n) as usize;
                assert_eq!(b.len(), 40 + n + d);
            }
            RecordType::PRIORITY_METADATA => {
                let n = be16(b, 4) as usize;
                assert_eq!(b.len(), 6 + n);
            }
            other => panic!("unexpected record type {other:?}"),
        }
    }

    /// Decodes the whole stream with the codec and checks it against the report.
    fn check_stream(config: &SynthConfig, s: &Synth) {
        let mut bundles = 0;
        let mut nulls = 0;
        let mut counts = RecordCounts::default();
        let mut versions = [0usize; 2];
        let mut last_archive = 0;
        for m in Messages::new(&s.bytes, DecodeOptions::default()) {
            let m = m.unwrap();
            match m.decode_body(HeaderMode::Extended).unwrap() {
                Body::Null => nulls += 1,
                Body::Bundle(b) => {
                    bundles += 1;
                    assert_eq!(b.connection_id, config.connection_id);
                    assert_eq!(b.sequence_number, bundles as u32);
                    let mut n = 0;
                    for inner in b.messages() {
                        let inner = inner.unwrap();
                        n += 1;
                        versions[usize::from(inner.version())] += 1;
                        assert_eq!(inner.message_type(), MessageType::EVENT_DATA);
                        let Body::EventData(ed) = inner.decode_body(HeaderMode::Auto).unwrap()
                        else {
                            panic!("not event data");
                        };
                        assert_eq!(ed.extension.unwrap().reserved, 0);
                        assert_eq!(ed.netmap_id(), 0);
                        let kind = RecordKind::ALL
                            .into_iter()
                            .find(|k| k.record_type() == ed.record_type())
                            .unwrap();
                        counts.bump(kind);
                        let archive = ed.archive_timestamp().unwrap();
                        if kind.is_metadata() {
                            assert_eq!(archive, 0);
                        } else {
                            assert!(archive >= config.start_time);
                            assert!(archive + 2 >= last_archive, "archive time goes forward");
                            last_archive = last_archive.max(archive);
                        }
                        check_record(ed.record_type(), ed.body);
                    }
                    assert!(n >= 1 && n <= config.max_bundle_messages as usize);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(bundles, s.bundles);
        assert_eq!(nulls, s.keepalives);
        assert_eq!(counts, s.counts);
        assert_eq!(counts.total(), s.records);
        assert_eq!(s.messages, s.bundles + s.keepalives);
        match config.inner_version {
            InnerVersion::Zero => assert_eq!(versions[1], 0),
            InnerVersion::One => assert_eq!(versions[0], 0),
            InnerVersion::Mixed => assert!(versions[0] > 0 && versions[1] > 0),
        }
    }

    #[test]
    fn stream_decodes_and_matches_the_layouts() {
        for (seed, inner_version) in [
            (1, InnerVersion::Zero),
            (2, InnerVersion::One),
            (3, InnerVersion::Mixed),
        ] {
            let config = SynthConfig {
                seed,
                target_bytes: 1 << 20,
                inner_version,
                ..SynthConfig::default()
            };
            let s = synth(&config);
            check_stream(&config, &s);
            for kind in RecordKind::ALL {
                assert!(s.counts.get(kind) > 0, "{kind:?} missing: {s}");
            }
            // Full bundles are within the configured range (only the last may be cut short).
            let mean = s.records / s.bundles;
            assert!((50..=200).contains(&mean), "{mean}");
        }
    }

    #[test]
    fn size_is_the_first_record_boundary_past_the_target() {
        for target in [1, 100, 5_000, 100_000, 1 << 20] {
            let s = synth(&SynthConfig {
                target_bytes: target,
                ..SynthConfig::default()
            });
            assert!(s.bytes.len() >= target);
            // At most: a Null, a bundle header and one full packet record past the target.
            assert!(
                s.bytes.len() < target + 8 + 16 + 24 + 28 + 1500,
                "{target}: {s}"
            );
        }
        let empty = synth(&SynthConfig {
            target_bytes: 0,
            ..SynthConfig::default()
        });
        assert!(empty.bytes.is_empty());
        assert_eq!((empty.messages, empty.records), (0, 0));
    }

    #[test]
    fn deterministic_per_seed() {
        let config = SynthConfig {
            target_bytes: 200_000,
            ..SynthConfig::default()
        };
        let a = synth(&config);
        assert_eq!(a, synth(&config));
        let b = synth(&SynthConfig { seed: 2, ..config });
        assert_ne!(a.bytes, b.bytes);
    }

    #[test]
    fn mix_selects_kinds() {
        let only_packets = Mix {
            intrusion: 0,
            connection: 0,
            packet: 1,
            rule_message: 0,
            classification: 0,
            priority: 0,
        };
        let config = SynthConfig {
            target_bytes: 100_000,
            mix: only_packets,
            ..SynthConfig::default()
        };
        let s = synth(&config);
        assert_eq!(s.counts.packet, s.records);
        check_stream(&config, &s);

        let zero = Mix {
            packet: 0,
            ..only_packets
        };
        let s = synth(&SynthConfig {
            mix: zero,
            ..config
        });
        assert!(
            s.counts.intrusion > 0 && s.counts.connection > 0,
            "zero mix = default"
        );
        assert_eq!(
            Mix::DEFAULT.to_string(),
            "intrusion=50 connection=30 packet=10 rule_message=5 classification=3 priority=2"
        );
    }

    #[test]
    fn rng_is_seeded_and_bounded() {
        let mut a = XorShift64::new(0);
        let mut b = XorShift64::new(0);
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        assert!(first.iter().all(|&x| x != 0));
        assert_eq!(first, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(first[0], XorShift64::new(1).next_u64());
        for _ in 0..10_000 {
            assert!(a.below(7) < 7);
            let r = a.range(60, 128);
            assert!((60..=128).contains(&r));
        }
        assert_eq!(a.below(0), 0);
        assert_eq!(a.range(5, 5), 5);
        assert_eq!(a.pick::<u8>(&[]), 0);
        let mut v = vec![1, 2, 3];
        a.fill(&mut v, 13);
        assert_eq!(v.len(), 16);
        assert_eq!(&v[..3], &[1, 2, 3]);
    }
}
