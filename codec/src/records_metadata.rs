//! Metadata records of WIRE.md Appendix C not needed to render an intrusion event: layouts and
//! their catalogue rows.
//!
//! Each layout is defined once with `layout!` (the static description, a typed zero-copy
//! `<module>::View` and an encodable `<module>::Repr`); the records decode generically through
//! the catalogue ([`Record::Generic`](crate::Record::Generic)). Offsets in the documentation are
//! from the start of the record body, or, for block layouts, from the start of the block (its
//! type field), as in WIRE.md.
//!
//! Record 106 (third-party scanner vulnerability) is decoded with the layout eNcore 5.2.11
//! declares (WIRE.md Appendix A); eNcore itself cannot decode it (its definition has typos in
//! field names), but the byte layout it declares is unambiguous.

use crate::catalogue::Entry;
use crate::catalogue::Shape::{Block, Body};

layout! {
    /// Access Control Policy Rule Reason, record 124, series-2 block 59 (WIRE.md C.4). Joined
    /// from record 71's Rule Reason.
    mod rule_reason;
    name = "access_control_policy_rule_reason", block = Some(59), series = Two;
    {
        /// Offset 8: reason ID (record 71's Rule Reason).
        reason_id: u32,
        /// Offset 12: description (String block).
        description: string,
    }
}

layout! {
    /// ICMP Type, record 260, series-2 block 19 (WIRE.md C.7). Joined on (protocol, type).
    mod icmp_type;
    name = "icmp_type", block = Some(19), series = Two;
    {
        /// Offset 8: ICMP type.
        icmp_type: u16,
        /// Offset 10: IANA protocol (ICMP or ICMPv6).
        protocol: u16,
        /// Offset 12: description (String block).
        description: string,
    }
}

layout! {
    /// ICMP Code, record 270, series-2 block 20 (WIRE.md C.7). eNcore joins it by code only.
    mod icmp_code;
    name = "icmp_code", block = Some(20), series = Two;
    {
        /// Offset 8: ICMP code.
        icmp_code: u16,
        /// Offset 10: ICMP type the code belongs to.
        icmp_type: u16,
        /// Offset 12: IANA protocol (ICMP or ICMPv6).
        protocol: u16,
        /// Offset 14: description (String block).
        description: string,
    }
}

layout! {
    /// Security Intelligence category, record 280, series-2 block 22 (IP reputation category;
    /// WIRE.md C.8). Joined from record 71's (SI list 1/2, policy revision).
    mod si_category;
    name = "security_intelligence_category", block = Some(22), series = Two;
    {
        /// Offset 8: SI list ID.
        list_id: u32,
        /// Offset 12: access control policy UUID.
        access_control_policy_uuid: uuid,
        /// Offset 28: list name (String block).
        name: string,
    }
}

layout! {
    /// A UUID and a String block, with no block header around them (WIRE.md C.8, C.12, C.16,
    /// §11.5): records 132 security context name, 282 SI category (general), 600 SSL policy
    /// name. Joined on the UUID.
    mod uuid_string;
    name = "uuid_string", block = None, series = Two;
    {
        /// Offset 0: the UUID events refer to.
        uuid: uuid,
        /// Offset 16: name (String block).
        name: string,
    }
}

layout! {
    /// ID / name / description, records 320 DNS record type and 321 DNS response type,
    /// series-2 block 61 (WIRE.md C.9). Joined from record 71's DNS Record Type / DNS Response
    /// Type.
    mod id_name_description;
    name = "id_name_description", block = Some(61), series = Two;
    {
        /// Offset 8: the ID events refer to.
        id: u32,
        /// Offset 12: name (String block).
        name: string,
        /// Description (String block), after the name.
        description: string,
    }
}

layout! {
    /// File Event SHA Hash, record 511, series-2 block 40 (WIRE.md C.11). Joined on the
    /// SHA-256.
    mod file_sha_hash;
    name = "file_event_sha_hash", block = Some(40), series = Two;
    {
        /// Offset 8: SHA-256 of the file.
        sha256: bytes[32],
        /// Offset 40: file name (String block).
        file_name: string,
        /// Disposition, the byte after the file name.
        disposition: u8,
        /// User defined, the byte after the disposition.
        user_defined: u8,
    }
}

layout! {
    /// File Policy Name, record 530 (WIRE.md C.11): a block whose type number no source gives
    /// (eNcore: the guide's diagram and text are wrong), so the type is a field here, as for
    /// record 700; the block length must be the whole body.
    mod file_policy_name;
    name = "file_policy_name", block = None, series = Two;
    {
        /// Offset 0: block type (not documented).
        block_type: u32,
        /// Offset 4: block length (the whole body).
        block_length: block_len,
        /// Offset 8: file policy UUID.
        uuid: uuid,
        /// Offset 24: name (String block).
        name: string,
    }
}

layout! {
    /// SSL Rule ID, record 601 (WIRE.md C.12): no block header. Joined on (revision, rule ID).
    mod ssl_rule_id;
    name = "ssl_rule_id", block = None, series = Two;
    {
        /// Offset 0: SSL policy revision (16 opaque bytes; WIRE.md gives `bytes[16]`).
        policy_revision: bytes[16],
        /// Offset 16: SSL rule ID.
        rule_id: u32,
        /// Offset 20: rule name (String block).
        name: string,
    }
}

layout! {
    /// SSL Certificate Details, record 614, series-2 block 50 (WIRE.md C.12): three 20-byte
    /// hashes, eight String blocks, then the validity period. Joined on the certificate
    /// fingerprint (the events' SSL certificate fingerprint).
    mod ssl_certificate_details;
    name = "ssl_certificate_details", block = Some(50), series = Two;
    {
        /// Offset 8: certificate fingerprint (SHA-1).
        certificate_fingerprint: bytes[20],
        /// Offset 28: public key SHA-1.
        public_key_sha1: bytes[20],
        /// Offset 48: serial number (20 bytes; `serial_number_length` of them meaningful).
        serial_number: bytes[20],
        /// Offset 68: serial number length.
        serial_number_length: u32,
        /// Offset 72: subject common name (String block).
        subject_common_name: string,
        /// Subject organisation (String block).
        subject_organisation: string,
        /// Subject organisational unit (String block).
        subject_organisational_unit: string,
        /// Subject country (String block).
        subject_country: string,
        /// Issuer common name (String block).
        issuer_common_name: string,
        /// Issuer organisation (String block).
        issuer_organisation: string,
        /// Issuer organisational unit (String block).
        issuer_organisational_unit: string,
        /// Issuer country (String block).
        issuer_country: string,
        /// Start of validity, UNIX seconds (after the issuer country).
        valid_start: u32,
        /// End of validity, UNIX seconds.
        valid_finish: u32,
    }
}

layout! {
    /// Rule Documentation Data, record 140, series-2 block 27 (WIRE.md C.14): a rule's
    /// documentation in eleven String blocks. Not in eNcore's metadata category.
    mod rule_documentation;
    name = "rule_documentation", block = Some(27), series = Two;
    {
        /// Offset 8: signature ID.
        signature_id: u32,
        /// Offset 12: generator ID.
        generator_id: u32,
        /// Offset 16: revision.
        revision: u32,
        /// Offset 20: summary (String block).
        summary: string,
        /// Impact (String block).
        impact: string,
        /// Detail (String block).
        detail: string,
        /// Affected systems (String block).
        affected_systems: string,
        /// Attack scenarios (String block).
        attack_scenarios: string,
        /// Ease of attack (String block).
        ease_of_attack: string,
        /// False positives (String block).
        false_positives: string,
        /// False negatives (String block).
        false_negatives: string,
        /// Corrective action (String block).
        corrective_action: string,
        /// Contributors (String block).
        contributors: string,
        /// Additional references (String block).
        additional_references: string,
    }
}

layout! {
    /// Correlation Policy, record 69 (WIRE.md C.15): u16-prefixed texts, then UUIDs. Body size
    /// 40 + name + description.
    mod correlation_policy;
    name = "correlation_policy", block = None, series = Two;
    {
        /// Offset 0: policy ID.
        policy_id: u32,
        /// Offset 4: u16 length + name.
        name: text16,
        /// u16 length + description.
        description: text16,
        /// Policy UUID.
        policy_uuid: uuid,
        /// Policy revision UUID.
        policy_revision_uuid: uuid,
    }
}

layout! {
    /// Correlation Rule, record 70 (WIRE.md C.15): u16-prefixed texts, then UUIDs. Body size
    /// 58 + name + description + event type.
    mod correlation_rule;
    name = "correlation_rule", block = None, series = Two;
    {
        /// Offset 0: rule ID.
        rule_id: u32,
        /// Offset 4: u16 length + name.
        name: text16,
        /// u16 length + description.
        description: text16,
        /// u16 length + event type.
        event_type: text16,
        /// Rule UUID.
        rule_uuid: uuid,
        /// Rule revision UUID.
        rule_revision_uuid: uuid,
        /// Whitelist UUID.
        whitelist_uuid: uuid,
    }
}

layout! {
    /// Fingerprint, record 54 (WIRE.md C.16): a UUID, then three u32-prefixed texts.
    mod fingerprint;
    name = "fingerprint_metadata", block = None, series = Two;
    {
        /// Offset 0: fingerprint UUID.
        fingerprint_uuid: uuid,
        /// Offset 16: u32 length + name.
        name: text32,
        /// u32 length + vendor.
        vendor: text32,
        /// u32 length + version.
        version: text32,
    }
}

layout! {
    /// Vulnerability, record 57 (WIRE.md C.16): fixed fields, then eight u32-prefixed texts.
    mod vulnerability;
    name = "vulnerability_metadata", block = None, series = Two;
    {
        /// Offset 0: vulnerability ID.
        vulnerability_id: u32,
        /// Offset 4: impact.
        impact: u32,
        /// Offset 8: exploits.
        exploits: u8,
        /// Offset 9: remote.
        remote: u8,
        /// Offset 10: u32 length + entry date.
        entry_date: text32,
        /// u32 length + published date.
        published_date: text32,
        /// u32 length + modified date.
        modified_date: text32,
        /// u32 length + title.
        title: text32,
        /// u32 length + short description.
        short_description: text32,
        /// u32 length + description.
        description: text32,
        /// u32 length + technical description.
        technical_description: text32,
        /// u32 length + solution.
        solution: text32,
    }
}

layout! {
    /// Endpoint Profile, record 301, series-2 block 58 (WIRE.md C.16).
    mod endpoint_profile;
    name = "endpoint_profile", block = Some(58), series = Two;
    {
        /// Offset 8: profile ID.
        profile_id: u32,
        /// Offset 12: profile name (String block).
        profile_name: string,
        /// Full name (String block), after the profile name.
        full_name: string,
    }
}

layout! {
    /// Third Party Scanner Vulnerability, record 106 (WIRE.md Appendix A, §11.5): two u32s,
    /// then four u32-prefixed texts, as eNcore 5.2.11 declares it (its definition misnames the
    /// description field and the bugtraq ID's length key, so eNcore itself fails on it; the
    /// types, sizes and order are unaffected).
    mod third_party_vulnerability;
    name = "third_party_scan_vulnerability", block = None, series = Two;
    {
        /// Offset 0: vulnerability ID.
        vulnerability_id: u32,
        /// Offset 4: scanner type.
        scanner_type: u32,
        /// Offset 8: u32 length + title.
        title: text32,
        /// u32 length + description.
        description: text32,
        /// u32 length + CVE ID.
        cve_id: text32,
        /// u32 length + Bugtraq ID.
        bugtraq_id: text32,
    }
}

const fn e(record_type: u32, name: &'static str, shape: crate::catalogue::Shape) -> Entry {
    Entry {
        record_type,
        name,
        shape,
    }
}

/// Catalogue rows for the records of this module.
pub static ENTRIES: &[Entry] = &[
    e(54, "Fingerprint metadata", Body(&fingerprint::LAYOUT)),
    e(57, "Vulnerability metadata", Body(&vulnerability::LAYOUT)),
    e(
        69,
        "Correlation policy metadata",
        Body(&correlation_policy::LAYOUT),
    ),
    e(
        70,
        "Correlation rule metadata",
        Body(&correlation_rule::LAYOUT),
    ),
    e(
        106,
        "Third party scanner vulnerability",
        Body(&third_party_vulnerability::LAYOUT),
    ),
    e(
        124,
        "Access control policy rule reason",
        Block(&[&rule_reason::LAYOUT]),
    ),
    e(132, "Security context name", Body(&uuid_string::LAYOUT)),
    e(
        140,
        "Rule documentation data",
        Block(&[&rule_documentation::LAYOUT]),
    ),
    e(260, "ICMP type", Block(&[&icmp_type::LAYOUT])),
    e(270, "ICMP code", Block(&[&icmp_code::LAYOUT])),
    e(
        280,
        "Security Intelligence category (discovery)",
        Block(&[&si_category::LAYOUT]),
    ),
    e(
        282,
        "Security Intelligence category (general)",
        Body(&uuid_string::LAYOUT),
    ),
    e(301, "Endpoint profile", Block(&[&endpoint_profile::LAYOUT])),
    e(
        320,
        "DNS record type",
        Block(&[&id_name_description::LAYOUT]),
    ),
    e(
        321,
        "DNS response type",
        Block(&[&id_name_description::LAYOUT]),
    ),
    e(511, "File event SHA hash", Block(&[&file_sha_hash::LAYOUT])),
    e(530, "File policy name", Body(&file_policy_name::LAYOUT)),
    e(600, "SSL policy name", Body(&uuid_string::LAYOUT)),
    e(601, "SSL rule ID", Body(&ssl_rule_id::LAYOUT)),
    e(
        614,
        "SSL certificate details",
        Block(&[&ssl_certificate_details::LAYOUT]),
    ),
];
