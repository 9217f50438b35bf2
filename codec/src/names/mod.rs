//! The metadata cache and the intrusion-event renderer (std).
//!
//! eStreamer sends the names behind an event's numbers as separate metadata records (docs/protocol.md
//! §8, §9.8, Appendix C). [`Metadata`] ingests them as they stream by and renders an intrusion
//! event the way the FMC shows it - above all the **SID the user entered**: the event carries
//! (Generator ID, Rule ID), where Rule ID is the FMC-internal number; record 66 maps that pair
//! to the Rendered Signature ID. Until record 66 for the pair has arrived the SID is unknown
//! and rendered as `None`, never as the internal rule ID.
//!
//! The cache can be saved and loaded ([`Metadata::snapshot`], [`Metadata::from_snapshot`];
//! feature `serde` for the file format), so a restarted client renders events whose metadata
//! arrived in an earlier session (the FMC does not resend it).
//!
//! Lookups use a small multiply-rotate hasher: the keys are integers and UUIDs chosen by the FMC,
//! not by an attacker, and SipHash would dominate the cost of rendering.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::string::String;
use std::vec::Vec;

use crate::frame::RecordType;
use crate::layout::Value;
use crate::records::{IntrusionEvent, Record};
use crate::values::Text;
use crate::values::Uuid;

/// A fast hasher for small integer and UUID keys (Fx-style multiply-rotate).
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            if let Some(dst) = b.get_mut(..chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(SEED);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

fn text(t: Text<'_>) -> String {
    String::from_utf8_lossy(t.trim_nul().as_bytes()).into_owned()
}

/// What record 66 says about one (Generator ID, Rule ID) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleEntry {
    /// Generator ID.
    pub generator_id: u32,
    /// The FMC-internal rule number (the key events carry).
    pub rule_id: u32,
    /// The SID as shown in the FMC: what the user entered.
    pub rendered_signature_id: u32,
    /// Rule revision in the metadata record.
    pub rule_revision: u32,
    /// Rule message text.
    pub message: String,
    /// Rule UUID (canonical text), when the record carried one (66, not the legacy 5).
    #[cfg_attr(feature = "serde", serde(default))]
    pub rule_uuid: Option<String>,
    /// Rule revision UUID (canonical text).
    #[cfg_attr(feature = "serde", serde(default))]
    pub rule_revision_uuid: Option<String>,
}

/// A name (and optional description) for an ID within one record type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdEntry {
    /// The metadata record type the name came in (e.g. 67 classification, 123 device).
    pub record_type: u32,
    /// The ID events carry.
    pub id: u32,
    /// The name.
    pub name: String,
    /// A second text where the record has one (classification description, IOC event type,
    /// extra-data encoding).
    #[cfg_attr(feature = "serde", serde(default))]
    pub description: Option<String>,
}

/// A name for a UUID within one record type (115-118, 127, 322, 700), or for a
/// (UUID, number) pair (119 access control rule, 145-147 policy with device ID).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UuidEntry {
    /// The metadata record type the name came in.
    pub record_type: u32,
    /// The UUID (canonical text).
    pub uuid: String,
    /// The rule ID (119) or device ID (145-147) paired with the UUID; 0 otherwise.
    #[cfg_attr(feature = "serde", serde(default))]
    pub number: u32,
    /// The name.
    pub name: String,
}

/// A saved cache: the documented file format (JSON with feature `serde`):
///
/// ```json
/// {
///   "format": "estreamer-metadata",
///   "version": 1,
///   "rules": [{"generator_id": 1, "rule_id": 1000003, "rendered_signature_id": 2000015,
///              "rule_revision": 0, "message": "LOCAL test rule",
///              "rule_uuid": "…", "rule_revision_uuid": "…"}],
///   "ids": [{"record_type": 67, "id": 35, "name": "trojan-activity",
///            "description": "A Network Trojan was Detected"}],
///   "uuids": [{"record_type": 115, "uuid": "…", "number": 0, "name": "inside"}]
/// }
/// ```
///
/// `ids` holds every ID-keyed name: 4 priority, 67 classification, 55/63/109/120-123/606/608 and
/// the other ID / length / name records, 62/98 users, 111 extra-data types, 161 IOCs, 520
/// countries. `uuids` holds every UUID-keyed name. Entries are sorted, so the same cache always
/// saves to the same file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Snapshot {
    /// Always `estreamer-metadata`.
    pub format: String,
    /// Format version, 1.
    pub version: u32,
    /// Rule messages and rendered SIDs.
    pub rules: Vec<RuleEntry>,
    /// ID-keyed names.
    pub ids: Vec<IdEntry>,
    /// UUID-keyed names.
    pub uuids: Vec<UuidEntry>,
}

impl Snapshot {
    /// The `format` value.
    pub const FORMAT: &'static str = "estreamer-metadata";
    /// The `version` value this crate writes and reads.
    pub const VERSION: u32 = 1;
}

/// Error loading a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// `format` is not `estreamer-metadata`.
    Format(String),
    /// A version this crate does not read.
    Version(u32),
    /// A UUID that is not in the 8-4-4-4-12 form.
    Uuid(String),
}

impl core::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SnapshotError::Format(s) => write!(f, "not a metadata cache file (format {s:?})"),
            SnapshotError::Version(v) => write!(f, "metadata cache version {v} is not supported"),
            SnapshotError::Uuid(s) => write!(f, "bad UUID {s:?} in metadata cache"),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Parses the canonical 8-4-4-4-12 UUID text.
pub fn parse_uuid(s: &str) -> Option<Uuid> {
    let hex: Vec<u8> = s.bytes().filter(|&b| b != b'-').collect();
    if hex.len() != 32 || s.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2)?;
        let pair = core::str::from_utf8(pair).ok()?;
        *o = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(Uuid(out))
}

/// The metadata cache.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    rules: Map<(u32, u32), RuleEntry>,
    ids: Map<(u32, u32), (String, Option<String>)>,
    uuids: Map<(u32, Uuid, u32), String>,
    records: u64,
}

/// How a catalogued metadata record without a typed variant names something: the record type,
/// the field holding the key, an optional second key field (a number paired with a UUID key),
/// the field holding the name and an optional description field.
struct NameRule {
    record_type: u32,
    key: &'static str,
    key2: Option<&'static str>,
    name: &'static str,
    description: Option<&'static str>,
}

const fn rule(
    record_type: u32,
    key: &'static str,
    key2: Option<&'static str>,
    name: &'static str,
    description: Option<&'static str>,
) -> NameRule {
    NameRule {
        record_type,
        key,
        key2,
        name,
        description,
    }
}

/// Metadata records decoded generically (docs/protocol.md Appendix C) that the cache keeps.
static NAME_RULES: &[NameRule] = &[
    rule(124, "reason_id", None, "description", None),
    rule(260, "icmp_type", None, "description", None),
    rule(270, "icmp_code", None, "description", None),
    rule(
        280,
        "access_control_policy_uuid",
        Some("list_id"),
        "name",
        None,
    ),
    rule(132, "uuid", None, "name", None),
    rule(282, "uuid", None, "name", None),
    rule(600, "uuid", None, "name", None),
    rule(320, "id", None, "name", Some("description")),
    rule(321, "id", None, "name", Some("description")),
    rule(530, "uuid", None, "name", None),
    rule(69, "policy_id", None, "name", Some("description")),
    rule(70, "rule_id", None, "name", Some("description")),
];

/// Where the name for an event field's value comes from: the metadata record type that names
/// it, keyed by the value (an ID or a UUID). Used by [`Metadata::field_name`] for every event
/// family (`--render` writes `<field>_name`).
pub static FIELD_LOOKUPS: &[(&str, u32)] = &[
    ("device_id", 123),
    ("user_id", 98),
    ("application_protocol_id", 63),
    ("application_id", 63),
    ("client_application_id", 55),
    ("web_application_id", 109),
    ("url_category", 121),
    ("url_reputation", 122),
    ("rule_action", 120),
    ("rule_reason", 124),
    ("security_intelligence_source_destination", 281),
    ("source_country", 520),
    ("destination_country", 520),
    ("initiator_country", 520),
    ("responder_country", 520),
    ("original_client_country", 520),
    ("ioc_number", 161),
    ("ssl_cipher_suite", 602),
    ("ssl_version", 604),
    ("ssl_server_certificate_status", 605),
    ("ssl_actual_action", 606),
    ("ssl_expected_action", 607),
    ("ssl_flow_status", 608),
    ("ssl_url_category", 613),
    ("dns_record_type", 320),
    ("dns_response_type", 321),
    ("event_type_id", 128),
    ("event_subtype_id", 129),
    ("detector_id", 130),
    ("file_type_id", 510),
    ("file_storage_status", 515),
    ("spero_disposition", 517),
    ("archive_file_status", 518),
    ("file_analysis_status", 519),
    ("ingress_zone", ZONE),
    ("egress_zone", ZONE),
    ("security_zone_ingress_uuid", ZONE),
    ("security_zone_egress_uuid", ZONE),
    ("ingress_interface", INTERFACE),
    ("egress_interface", INTERFACE),
    ("interface_ingress_uuid", INTERFACE),
    ("interface_egress_uuid", INTERFACE),
    ("intrusion_policy_uuid", INTRUSION_POLICY),
    ("cloud_uuid", 127),
    ("sinkhole_uuid", 322),
    ("network_analysis_policy_uuid", NAP),
    ("ssl_policy_id", 600),
];

// Record types whose names are looked up by ID.
const PRIORITY: u32 = 4;
const CLASSIFICATION: u32 = 67;
const CLIENT_APP: u32 = 55;
const APP_PROTOCOL: u32 = 63;
const WEB_APP: u32 = 109;
const DEVICE: u32 = 123;
const SSL_ACTUAL_ACTION: u32 = 606;
const SSL_FLOW_STATUS: u32 = 608;
const USER: u32 = 98;
const IOC: u32 = 161;
const COUNTRY: u32 = 520;
const EXTRA_DATA_TYPE: u32 = 111;
// Record types whose names are looked up by UUID.
const ZONE: u32 = 115;
const INTERFACE: u32 = 116;
const AC_POLICY: u32 = 117;
const INTRUSION_POLICY: u32 = 118;
const AC_RULE: u32 = 119;
const AC_POLICY_BY_DEVICE: u32 = 145;
const NAP: u32 = 700;

impl Metadata {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of metadata records ingested since creation (not counting a loaded snapshot).
    pub fn records_ingested(&self) -> u64 {
        self.records
    }

    /// Number of names held.
    pub fn len(&self) -> usize {
        self.rules.len() + self.ids.len() + self.uuids.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Watches a stream go by: stores what a metadata record says, and renders an intrusion
    /// event with every name seen so far (`None` for any other record).
    ///
    /// Call it on every record in stream order: the FMC sends the metadata an event needs
    /// before the event, so a name that is `None` here has not arrived.
    ///
    /// ```
    /// # use estreamer_codec::{names::Metadata, DecodeOptions, Records};
    /// # fn show(bytes: &[u8]) {
    /// let mut metadata = Metadata::new();
    /// for item in Records::new(bytes, DecodeOptions::default()) {
    ///     match item {
    ///         Ok(r) => {
    ///             if let Some(event) = metadata.observe(&r.record) {
    ///                 println!("{:?}", event.sid);
    ///             }
    ///         }
    ///         Err(e) => eprintln!("{e}"),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn observe(&mut self, record: &Record<'_>) -> Option<Rendered<'_>> {
        match record {
            Record::IntrusionEvent(ev) => Some(self.render(ev)),
            other => {
                self.ingest(other);
                None
            }
        }
    }

    /// Stores a rule message (record 66, or legacy 5), keyed by (generator ID, rule ID).
    fn put_rule(&mut self, r: RuleEntry) {
        self.rules.insert((r.generator_id, r.rule_id), r);
    }

    /// Stores what a metadata record says; returns true when `record` was metadata. Later
    /// records replace earlier ones for the same key (the FMC resends a changed rule).
    pub fn ingest(&mut self, record: &Record<'_>) -> bool {
        match record {
            Record::RuleMessage(v) => self.put_rule(RuleEntry {
                generator_id: v.generator_id(),
                rule_id: v.rule_id(),
                rendered_signature_id: v.rendered_signature_id(),
                rule_revision: v.rule_revision(),
                message: text(v.message()),
                rule_uuid: Some(v.rule_uuid().to_string()),
                rule_revision_uuid: Some(v.rule_revision_uuid().to_string()),
            }),
            Record::RuleMessageLegacy(v) => self.put_rule(RuleEntry {
                generator_id: v.generator_id(),
                rule_id: v.rule_id(),
                rendered_signature_id: v.rendered_signature_id(),
                rule_revision: v.rule_revision(),
                message: text(v.message()),
                rule_uuid: None,
                rule_revision_uuid: None,
            }),
            Record::Classification(v) => self.put_id(
                CLASSIFICATION,
                v.classification_id(),
                v.name(),
                Some(v.description()),
            ),
            Record::Priority(v) => self.put_id(PRIORITY, v.priority_id(), v.name(), None),
            Record::IdName(t, v) => self.put_id(t.0, v.id(), v.name(), None),
            // Records 62 and 98 both name users (block 57); one table serves both.
            Record::User(_, v) => self.put_id(USER, v.user_id(), v.username(), None),
            Record::IocName(v) => self.put_id(IOC, v.ioc_id(), v.category(), Some(v.event_type())),
            Record::Geolocation(v) => {
                self.put_id(COUNTRY, u32::from(v.country_code()), v.name(), None)
            }
            Record::ExtraDataMetadata(v) => self.put_id(
                EXTRA_DATA_TYPE,
                v.extra_data_type(),
                v.name(),
                Some(v.encoding()),
            ),
            Record::UuidName(t, v) => {
                self.uuids.insert((t.0, v.uuid(), 0), text(v.name()));
            }
            Record::AccessControlRule(v) => {
                self.uuids
                    .insert((AC_RULE, v.policy_uuid(), v.rule_id()), text(v.name()));
            }
            Record::AccessControlPolicy(t, v) => {
                self.uuids
                    .insert((t.0, v.uuid(), v.device_id()), text(v.name()));
            }
            Record::NetworkAnalysisPolicy(v) => {
                self.uuids.insert((NAP, v.uuid(), 0), text(v.name()));
            }
            Record::Generic(g) => return self.ingest_generic(g),
            _ => return false,
        }
        self.records += 1;
        true
    }

    /// Catalogued metadata records without a typed variant, per [`NAME_RULES`].
    fn ingest_generic(&mut self, g: &crate::records::Generic<'_>) -> bool {
        let Some(rule) = NAME_RULES.iter().find(|r| r.record_type == g.record_type.0) else {
            return false;
        };
        let Ok(parts) = g.main else { return false };
        let (mut id, mut uuid, mut id2, mut name, mut desc) = (None, None, None, None, None);
        let _ = parts.for_each(|field, v| {
            let as_u32 = |v: &Value<'_>| match *v {
                Value::U8(x) => Some(u32::from(x)),
                Value::U16(x) => Some(u32::from(x)),
                Value::U32(x) => Some(x),
                _ => None,
            };
            if field == rule.key {
                match v {
                    Value::Uuid(u) => uuid = Some(u),
                    other => id = as_u32(&other),
                }
            } else if Some(field) == rule.key2 {
                id2 = as_u32(&v);
            } else if field == rule.name {
                if let Value::Text(t) = v {
                    name = Some(t);
                }
            } else if Some(field) == rule.description {
                if let Value::Text(t) = v {
                    desc = Some(t);
                }
            }
        });
        let Some(name) = name else { return false };
        let t = rule.record_type;
        match (uuid, id) {
            (Some(u), _) => {
                self.uuids.insert((t, u, id2.unwrap_or(0)), text(name));
            }
            (None, Some(id)) => self.put_id(t, id, name, desc),
            (None, None) => return false,
        }
        self.records += 1;
        true
    }

    /// The name the metadata gives the value of an event field (see [`FIELD_LOOKUPS`]), e.g.
    /// `("ingress_zone", Uuid)` -> the zone's name. `None` when the field names nothing or the
    /// metadata has not been seen; an all-zero UUID is never looked up.
    pub fn field_name(&self, field: &str, value: &Value<'_>) -> Option<&str> {
        let (_, t) = FIELD_LOOKUPS.iter().find(|(f, _)| *f == field)?;
        self.lookup_name(RecordType(*t), value)
    }

    /// [`field_name`](Self::field_name) with the field's metadata record type already found
    /// in [`FIELD_LOOKUPS`] (its second column): for callers that match field names to
    /// lookups once per layout instead of once per record.
    pub fn lookup_name(&self, metadata: RecordType, value: &Value<'_>) -> Option<&str> {
        let t = metadata.0;
        match *value {
            Value::U8(x) => self.id(t, u32::from(x)),
            Value::U16(x) => self.id(t, u32::from(x)),
            Value::U32(x) => self.id(t, x),
            Value::Uuid(u) => self.uuid(t, u, 0),
            _ => None,
        }
    }

    /// The access control policy name: record 117 for the policy UUID, else record 145 for
    /// (device ID, policy UUID).
    pub fn access_control_policy(&self, device_id: u32, policy: Uuid) -> Option<&str> {
        self.uuid(AC_POLICY, policy, 0)
            .or_else(|| self.uuid(AC_POLICY_BY_DEVICE, policy, device_id))
    }

    /// The access control rule name: record 119 for (policy UUID, rule ID).
    pub fn access_control_rule(&self, policy: Uuid, rule_id: u32) -> Option<&str> {
        self.uuid(AC_RULE, policy, rule_id)
    }

    /// True when [`field_name`](Self::field_name) can name this field.
    pub fn names_field(field: &str) -> bool {
        FIELD_LOOKUPS.iter().any(|(f, _)| *f == field)
    }

    fn put_id(&mut self, t: u32, id: u32, name: Text<'_>, desc: Option<Text<'_>>) {
        self.ids.insert((t, id), (text(name), desc.map(text)));
    }

    /// Record 66 for (GID, internal rule ID), if it has arrived.
    pub fn rule(&self, generator_id: u32, rule_id: u32) -> Option<&RuleEntry> {
        self.rules.get(&(generator_id, rule_id))
    }

    /// The name for an ID of a record type (e.g. `(RecordType(123), device_id)`).
    pub fn id_name(&self, record_type: RecordType, id: u32) -> Option<&str> {
        self.ids.get(&(record_type.0, id)).map(|(n, _)| n.as_str())
    }

    fn id(&self, t: u32, id: u32) -> Option<&str> {
        self.ids.get(&(t, id)).map(|(n, _)| n.as_str())
    }

    fn id_desc(&self, t: u32, id: u32) -> Option<&str> {
        self.ids.get(&(t, id)).and_then(|(_, d)| d.as_deref())
    }

    /// The name for a UUID of a record type (e.g. `(RecordType(115), zone_uuid)`).
    pub fn uuid_name(&self, record_type: RecordType, uuid: Uuid) -> Option<&str> {
        self.uuid(record_type.0, uuid, 0)
    }

    fn uuid(&self, t: u32, uuid: Uuid, n: u32) -> Option<&str> {
        if uuid.is_nil() {
            return None;
        }
        self.uuids.get(&(t, uuid, n)).map(String::as_str)
    }

    /// Renders an intrusion event: every name the metadata seen so far can give. Allocation
    /// free: the names are borrowed from the cache.
    pub fn render<'m>(&'m self, ev: &IntrusionEvent<'_>) -> Rendered<'m> {
        let rule = self.rule(ev.generator_id(), ev.rule_id());
        let device = ev.device_id();
        let acp = ev.access_control_policy_uuid();
        let user = ev.user_id();
        Rendered {
            generator_id: ev.generator_id(),
            rule_id: ev.rule_id(),
            rule_revision: ev.rule_revision(),
            sid: rule.map(|r| r.rendered_signature_id),
            rule_message: rule.map(|r| r.message.as_str()),
            classification: self.id(CLASSIFICATION, ev.classification_id()),
            classification_description: self.id_desc(CLASSIFICATION, ev.classification_id()),
            priority: self.id(PRIORITY, ev.priority_id()),
            device: self.id(DEVICE, device),
            intrusion_policy: self.uuid(INTRUSION_POLICY, ev.intrusion_policy_uuid(), 0),
            access_control_policy: self
                .uuid(AC_POLICY, acp, 0)
                .or_else(|| self.uuid(AC_POLICY_BY_DEVICE, acp, device)),
            access_control_rule: self.uuid(AC_RULE, acp, ev.access_control_rule_id()),
            interface_ingress: self.uuid(INTERFACE, ev.interface_ingress_uuid(), 0),
            interface_egress: self.uuid(INTERFACE, ev.interface_egress_uuid(), 0),
            security_zone_ingress: self.uuid(ZONE, ev.security_zone_ingress_uuid(), 0),
            security_zone_egress: self.uuid(ZONE, ev.security_zone_egress_uuid(), 0),
            network_analysis_policy: ev
                .network_analysis_policy_uuid()
                .and_then(|u| self.uuid(NAP, u, 0)),
            user: if user == 0 { None } else { self.id(USER, user) },
            client_application: self.id(CLIENT_APP, ev.client_application_id()),
            application_protocol: self.id(APP_PROTOCOL, ev.application_protocol_id()),
            web_application: self.id(WEB_APP, ev.web_application_id()),
            source_country: self.id(COUNTRY, u32::from(ev.source_country())),
            destination_country: self.id(COUNTRY, u32::from(ev.destination_country())),
            ioc: self.id(IOC, u32::from(ev.ioc_number())),
            ssl_actual_action: ev
                .ssl_actual_action()
                .and_then(|a| self.id(SSL_ACTUAL_ACTION, u32::from(a))),
            ssl_flow_status: ev
                .ssl_flow_status()
                .and_then(|a| self.id(SSL_FLOW_STATUS, u32::from(a))),
        }
    }

    /// The cache as a [`Snapshot`], entries sorted.
    pub fn snapshot(&self) -> Snapshot {
        let mut rules: Vec<RuleEntry> = self.rules.values().cloned().collect();
        rules.sort_by_key(|r| (r.generator_id, r.rule_id));
        let mut ids: Vec<IdEntry> = self
            .ids
            .iter()
            .map(|(&(record_type, id), (name, description))| IdEntry {
                record_type,
                id,
                name: name.clone(),
                description: description.clone(),
            })
            .collect();
        ids.sort_by_key(|e| (e.record_type, e.id));
        let mut uuids: Vec<(u32, Uuid, u32, String)> = self
            .uuids
            .iter()
            .map(|(&(t, u, n), name)| (t, u, n, name.clone()))
            .collect();
        uuids.sort();
        Snapshot {
            format: Snapshot::FORMAT.into(),
            version: Snapshot::VERSION,
            rules,
            ids,
            uuids: uuids
                .into_iter()
                .map(|(record_type, u, number, name)| UuidEntry {
                    record_type,
                    uuid: u.to_string(),
                    number,
                    name,
                })
                .collect(),
        }
    }

    /// A cache holding what a snapshot holds.
    pub fn from_snapshot(s: Snapshot) -> Result<Self, SnapshotError> {
        if s.format != Snapshot::FORMAT {
            return Err(SnapshotError::Format(s.format));
        }
        if s.version != Snapshot::VERSION {
            return Err(SnapshotError::Version(s.version));
        }
        let mut m = Metadata::new();
        for r in s.rules {
            m.rules.insert((r.generator_id, r.rule_id), r);
        }
        for e in s.ids {
            m.ids.insert((e.record_type, e.id), (e.name, e.description));
        }
        for e in s.uuids {
            let u = parse_uuid(&e.uuid).ok_or_else(|| SnapshotError::Uuid(e.uuid.clone()))?;
            m.uuids.insert((e.record_type, u, e.number), e.name);
        }
        Ok(m)
    }

    /// Adds everything `other` holds (its entries win).
    pub fn merge(&mut self, other: Metadata) {
        self.rules.extend(other.rules);
        self.ids.extend(other.ids);
        self.uuids.extend(other.uuids);
    }
}

/// An intrusion event's numbers with the names the metadata gives. `None` means the metadata
/// record has not been seen (yet): never a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rendered<'m> {
    /// Generator ID (from the event).
    pub generator_id: u32,
    /// The FMC-internal rule number (from the event): *not* the SID.
    pub rule_id: u32,
    /// Rule revision (from the event).
    pub rule_revision: u32,
    /// The SID the user entered (record 66's Rendered Signature ID), `None` until record 66 for
    /// (GID, rule ID) has arrived.
    pub sid: Option<u32>,
    /// Rule message (record 66).
    pub rule_message: Option<&'m str>,
    /// Classification name (record 67).
    pub classification: Option<&'m str>,
    /// Classification description (record 67).
    pub classification_description: Option<&'m str>,
    /// Priority name (record 4).
    pub priority: Option<&'m str>,
    /// Managed device name (record 123).
    pub device: Option<&'m str>,
    /// Intrusion policy name (record 118).
    pub intrusion_policy: Option<&'m str>,
    /// Access control policy name (record 117, else 145 for the device).
    pub access_control_policy: Option<&'m str>,
    /// Access control rule name (record 119).
    pub access_control_rule: Option<&'m str>,
    /// Ingress interface name (record 116).
    pub interface_ingress: Option<&'m str>,
    /// Egress interface name (record 116).
    pub interface_egress: Option<&'m str>,
    /// Ingress security zone name (record 115).
    pub security_zone_ingress: Option<&'m str>,
    /// Egress security zone name (record 115).
    pub security_zone_egress: Option<&'m str>,
    /// Network analysis policy name (record 700).
    pub network_analysis_policy: Option<&'m str>,
    /// User name (records 98, 62).
    pub user: Option<&'m str>,
    /// Client application name (record 55).
    pub client_application: Option<&'m str>,
    /// Application protocol name (record 63).
    pub application_protocol: Option<&'m str>,
    /// Web application name (record 109).
    pub web_application: Option<&'m str>,
    /// Source country name (record 520).
    pub source_country: Option<&'m str>,
    /// Destination country name (record 520).
    pub destination_country: Option<&'m str>,
    /// IOC category (record 161).
    pub ioc: Option<&'m str>,
    /// SSL actual action name (record 606).
    pub ssl_actual_action: Option<&'m str>,
    /// SSL flow status name (record 608).
    pub ssl_flow_status: Option<&'m str>,
}

impl Rendered<'_> {
    /// `gid:sid:rev` as the FMC and Snort write a signature, when the SID is known.
    pub fn signature(&self) -> Option<Signature> {
        self.sid.map(|sid| Signature {
            generator_id: self.generator_id,
            sid,
            revision: self.rule_revision,
        })
    }
}

/// A rendered signature: `gid:sid:rev`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    /// Generator ID.
    pub generator_id: u32,
    /// The rendered SID.
    pub sid: u32,
    /// Revision.
    pub revision: u32,
}

impl core::fmt::Display for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}:{}:{}", self.generator_id, self.sid, self.revision)
    }
}
