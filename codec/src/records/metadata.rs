//! Metadata records (docs/protocol.md §8, §9.1, §9.2, Appendix C): what an event's codes and UUIDs are
//! joined with to give names. Record 66 above all: it maps (generator ID, rule ID) to the SID
//! the user entered (the rendered signature ID) and the rule message; the rule ID in an
//! intrusion event is the FMC-internal number, never the SID. The cache that joins them is
//! [`crate::names`].
//!
//! Record 106 (third-party scanner vulnerability) is decoded with the layout eNcore 5.2.11
//! declares (docs/protocol.md Appendix A); eNcore itself cannot decode it (its definition has typos in
//! field names), but the byte layout it declares is unambiguous.

layouts! {
    family metadata;

    // What an intrusion event is rendered with.

    /// Rule Message, record 66 (metadata v2+, docs/protocol.md §8.1): maps (Generator ID, Rule ID) to the
    /// rule's message and to the **Rendered Signature ID**, the SID the FMC shows and the user
    /// entered. The Rule ID here and in an intrusion event is the FMC-internal number; the two
    /// can differ (e.g. imported local rules). Never show the Rule ID as the SID.
    mod rule_message;
    name = "rule_message", block = None, series = Two;
    {
        /// Generator ID (GID).
        generator_id: u32,
        /// the FMC-internal rule number: the join key with intrusion events, *not*
        /// the SID the user sees (see `rendered_signature_id`).
        rule_id: u32,
        /// rule revision (the guide: currently always 0 here).
        rule_revision: u32,
        /// the rule number as shown in the FMC and entered by the user: **the SID**.
        rendered_signature_id: u32,
        /// length of `message` (which follows the UUIDs).
        message_length: len16,
        /// rule UUID.
        rule_uuid: uuid,
        /// rule revision UUID.
        rule_revision_uuid: uuid,
        /// the rule message (msg) text.
        message: counted,
    }

    /// Legacy Rule Message, record 5 (4.6 and lower; docs/protocol.md §8.2): the fields of record 66
    /// without the UUIDs. The guide describes it only as "the same fields without the UUIDs";
    /// this crate takes the length to precede the message directly.
    mod rule_message_legacy;
    name = "rule_message_legacy", block = None, series = Two;
    {
        /// Generator ID.
        generator_id: u32,
        /// FMC-internal rule number.
        rule_id: u32,
        /// Rule revision.
        rule_revision: u32,
        /// The SID as shown to the user.
        rendered_signature_id: u32,
        /// The rule message.
        message: text16,
    }

    /// Classification, record 67 (metadata v3+, docs/protocol.md §9.2).
    mod classification;
    name = "classification", block = None, series = Two;
    {
        /// classification ID (an intrusion event's Classification ID).
        classification_id: u32,
        /// u16 length + name, e.g. "trojan-activity".
        name: text16,
        /// u16 length + description, e.g. "A Network Trojan was Detected".
        description: text16,
        /// Classification UUID.
        classification_uuid: uuid,
        /// Classification revision UUID.
        classification_revision_uuid: uuid,
    }

    /// Priority, record 4 (docs/protocol.md §9.1).
    mod priority;
    name = "priority", block = None, series = Two;
    {
        /// priority ID (an intrusion event's Priority ID).
        priority_id: u32,
        /// u16 length + name (1 high, 2 medium, 3 low).
        name: text16,
    }

    /// UUID String Mapping, series-2 block 14 (docs/protocol.md Appendix C.2): records 115 security zone, 116
    /// interface, 117 access control policy, 118 intrusion policy, 127 AMP cloud, 322 sinkhole.
    mod uuid_name;
    name = "uuid_string_mapping", block = Some(14), series = Two;
    {
        /// the UUID events refer to.
        uuid: uuid,
        /// the name (String block).
        name: string,
    }

    /// Access Control Rule ID, record 119, series-2 block 15 (docs/protocol.md Appendix C.3).
    mod access_control_rule;
    name = "access_control_rule_id", block = Some(15), series = Two;
    {
        /// access control policy UUID (revision).
        policy_uuid: uuid,
        /// rule ID.
        rule_id: u32,
        /// rule name (String block).
        name: string,
    }

    /// Access control policy, prefilter policy, tunnel/prefilter rule: records 145, 146, 147,
    /// series-2 block 64 (docs/protocol.md Appendix C.5).
    mod access_control_policy;
    name = "access_control_policy", block = Some(64), series = Two;
    {
        /// policy / rule UUID.
        uuid: uuid,
        /// managed device ID.
        device_id: u32,
        /// name (String block).
        name: string,
    }

    /// ID / length / name (docs/protocol.md Appendix C.1): records 55 client application, 58, 59, 60, 61, 63
    /// application protocol, 90, 91, 96, 109 web application, 120 rule action, 121 URL
    /// category, 122 URL reputation, 123 managed device, 128-131, 281, 300, 302, 350, 510,
    /// 515-519, 602, 604-608 (606 SSL actual action, 608 SSL flow status), 613.
    mod id_name;
    name = "id_name", block = None, series = Two;
    {
        /// the ID events refer to.
        id: u32,
        /// u32 length + name.
        name: text32,
    }

    /// Geolocation, record 520, series-2 block 28 (docs/protocol.md Appendix C.10).
    mod geolocation;
    name = "geolocation", block = Some(28), series = Two;
    {
        /// country code (the events' country fields).
        country_code: u16,
        /// country name (String block).
        name: string,
    }

    /// IOC Name, record 161, series-2 block 39 (docs/protocol.md Appendix C.6).
    mod ioc_name;
    name = "ioc_name", block = Some(39), series = Two;
    {
        /// IOC ID (the events' IOC number).
        ioc_id: u32,
        /// Category (String block).
        category: string,
        /// Event type (String block).
        event_type: string,
    }

    /// Network Analysis Policy, record 700 (docs/protocol.md Appendix C.13): a block whose type number no source
    /// gives, so the type is a field here.
    mod network_analysis_policy;
    name = "network_analysis_policy", block = None, series = Two;
    {
        /// block type (not documented).
        block_type: u32,
        /// block length (the whole body).
        block_length: block_len,
        /// NAP UUID (an intrusion event's network analysis policy UUID).
        uuid: uuid,
        /// name (String block).
        name: string,
    }

    // Appendix C metadata an intrusion event does not need.

    /// Access Control Policy Rule Reason, record 124, series-2 block 59 (docs/protocol.md Appendix C.4). Joined
    /// from record 71's Rule Reason.
    mod rule_reason;
    name = "access_control_policy_rule_reason", block = Some(59), series = Two;
    {
        /// reason ID (record 71's Rule Reason).
        reason_id: u32,
        /// description (String block).
        description: string,
    }

    /// ICMP Type, record 260, series-2 block 19 (docs/protocol.md Appendix C.7). Joined on (protocol, type).
    mod icmp_type;
    name = "icmp_type", block = Some(19), series = Two;
    {
        /// ICMP type.
        icmp_type: u16,
        /// IANA protocol (ICMP or ICMPv6).
        protocol: u16,
        /// description (String block).
        description: string,
    }

    /// ICMP Code, record 270, series-2 block 20 (docs/protocol.md Appendix C.7). eNcore joins it by code only.
    mod icmp_code;
    name = "icmp_code", block = Some(20), series = Two;
    {
        /// ICMP code.
        icmp_code: u16,
        /// ICMP type the code belongs to.
        icmp_type: u16,
        /// IANA protocol (ICMP or ICMPv6).
        protocol: u16,
        /// description (String block).
        description: string,
    }

    /// Security Intelligence category, record 280, series-2 block 22 (IP reputation category;
    /// docs/protocol.md Appendix C.8). Joined from record 71's (SI list 1/2, policy revision).
    mod si_category;
    name = "security_intelligence_category", block = Some(22), series = Two;
    {
        /// SI list ID.
        list_id: u32,
        /// access control policy UUID.
        access_control_policy_uuid: uuid,
        /// list name (String block).
        name: string,
    }

    /// A UUID and a String block, with no block header around them (docs/protocol.md Appendix C.8, C.12, C.16,
    /// §11.5): records 132 security context name, 282 SI category (general), 600 SSL policy
    /// name. Joined on the UUID.
    mod uuid_string;
    name = "uuid_string", block = None, series = Two;
    {
        /// the UUID events refer to.
        uuid: uuid,
        /// name (String block).
        name: string,
    }

    /// ID / name / description, records 320 DNS record type and 321 DNS response type,
    /// series-2 block 61 (docs/protocol.md Appendix C.9). Joined from record 71's DNS Record Type / DNS Response
    /// Type.
    mod id_name_description;
    name = "id_name_description", block = Some(61), series = Two;
    {
        /// the ID events refer to.
        id: u32,
        /// name (String block).
        name: string,
        /// Description (String block), after the name.
        description: string,
    }

    /// File Event SHA Hash, record 511, series-2 block 40 (docs/protocol.md Appendix C.11). Joined on the
    /// SHA-256.
    mod file_sha_hash;
    name = "file_event_sha_hash", block = Some(40), series = Two;
    {
        /// SHA-256 of the file.
        sha256: bytes[32],
        /// file name (String block).
        file_name: string,
        /// Disposition, the byte after the file name.
        disposition: u8,
        /// User defined, the byte after the disposition.
        user_defined: u8,
    }

    /// File Policy Name, record 530 (docs/protocol.md Appendix C.11): a block whose type number no source gives
    /// (eNcore: the guide's diagram and text are wrong), so the type is a field here, as for
    /// record 700; the block length must be the whole body.
    mod file_policy_name;
    name = "file_policy_name", block = None, series = Two;
    {
        /// block type (not documented).
        block_type: u32,
        /// block length (the whole body).
        block_length: block_len,
        /// file policy UUID.
        uuid: uuid,
        /// name (String block).
        name: string,
    }

    /// SSL Rule ID, record 601 (docs/protocol.md Appendix C.12): no block header. Joined on (revision, rule ID).
    mod ssl_rule_id;
    name = "ssl_rule_id", block = None, series = Two;
    {
        /// SSL policy revision (16 opaque bytes; eNcore declares `bytes[16]`).
        policy_revision: bytes[16],
        /// SSL rule ID.
        rule_id: u32,
        /// rule name (String block).
        name: string,
    }

    /// SSL Certificate Details, record 614, series-2 block 50 (docs/protocol.md Appendix C.12): three 20-byte
    /// hashes, eight String blocks, then the validity period. Joined on the certificate
    /// fingerprint (the events' SSL certificate fingerprint).
    mod ssl_certificate_details;
    name = "ssl_certificate_details", block = Some(50), series = Two;
    {
        /// certificate fingerprint (SHA-1).
        certificate_fingerprint: bytes[20],
        /// public key SHA-1.
        public_key_sha1: bytes[20],
        /// serial number (20 bytes; `serial_number_length` of them meaningful).
        serial_number: bytes[20],
        /// serial number length.
        serial_number_length: u32,
        /// subject common name (String block).
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

    /// Rule Documentation Data, record 140, series-2 block 27 (docs/protocol.md Appendix C.14): a rule's
    /// documentation in eleven String blocks. Not in eNcore's metadata category.
    mod rule_documentation;
    name = "rule_documentation", block = Some(27), series = Two;
    {
        /// signature ID.
        signature_id: u32,
        /// generator ID.
        generator_id: u32,
        /// revision.
        revision: u32,
        /// summary (String block).
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

    /// Correlation Policy, record 69 (docs/protocol.md Appendix C.15): u16-prefixed texts, then UUIDs. Body size
    /// 40 + name + description.
    mod correlation_policy;
    name = "correlation_policy", block = None, series = Two;
    {
        /// policy ID.
        policy_id: u32,
        /// u16 length + name.
        name: text16,
        /// u16 length + description.
        description: text16,
        /// Policy UUID.
        policy_uuid: uuid,
        /// Policy revision UUID.
        policy_revision_uuid: uuid,
    }

    /// Correlation Rule, record 70 (docs/protocol.md Appendix C.15): u16-prefixed texts, then UUIDs. Body size
    /// 58 + name + description + event type.
    mod correlation_rule;
    name = "correlation_rule", block = None, series = Two;
    {
        /// rule ID.
        rule_id: u32,
        /// u16 length + name.
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

    /// Fingerprint, record 54 (docs/protocol.md Appendix C.16): a UUID, then three u32-prefixed texts.
    mod fingerprint;
    name = "fingerprint_metadata", block = None, series = Two;
    {
        /// fingerprint UUID.
        fingerprint_uuid: uuid,
        /// u32 length + name.
        name: text32,
        /// u32 length + vendor.
        vendor: text32,
        /// u32 length + version.
        version: text32,
    }

    /// Vulnerability, record 57 (docs/protocol.md Appendix C.16): fixed fields, then eight u32-prefixed texts.
    mod vulnerability;
    name = "vulnerability_metadata", block = None, series = Two;
    {
        /// vulnerability ID.
        vulnerability_id: u32,
        /// impact.
        impact: u32,
        /// exploits.
        exploits: u8,
        /// remote.
        remote: u8,
        /// u32 length + entry date.
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

    /// Endpoint Profile, record 301, series-2 block 58 (docs/protocol.md Appendix C.16).
    mod endpoint_profile;
    name = "endpoint_profile", block = Some(58), series = Two;
    {
        /// profile ID.
        profile_id: u32,
        /// profile name (String block).
        profile_name: string,
        /// Full name (String block), after the profile name.
        full_name: string,
    }

    /// Third Party Scanner Vulnerability, record 106 (docs/protocol.md Appendix A, §11.5): two u32s,
    /// then four u32-prefixed texts, as eNcore 5.2.11 declares it (its definition misnames the
    /// description field and the bugtraq ID's length key, so eNcore itself fails on it; the
    /// types, sizes and order are unaffected).
    mod third_party_vulnerability;
    name = "third_party_scan_vulnerability", block = None, series = Two;
    {
        /// vulnerability ID.
        vulnerability_id: u32,
        /// scanner type.
        scanner_type: u32,
        /// u32 length + title.
        title: text32,
        /// u32 length + description.
        description: text32,
        /// u32 length + CVE ID.
        cve_id: text32,
        /// u32 length + Bugtraq ID.
        bugtraq_id: text32,
    }

    // The records.

    /// Record 4: a priority.
    record 4 "Priority metadata" as Priority: fields priority;
    /// Record 5: the legacy rule message (4.6 and lower).
    record 5 "Legacy rule message" as RuleMessageLegacy: fields rule_message_legacy;
    /// Record 66: maps (generator ID, rule ID) to the rule message and to the SID the user
    /// entered (the rendered signature ID).
    record 66 "Rule message metadata" as RuleMessage: fields rule_message;
    /// Record 67: a classification.
    record 67 "Classification metadata" as Classification: fields classification;
    /// The UUID to name records (docs/protocol.md Appendix C.2, block 14).
    record
        115 "Security zone name",
        116 "Interface name",
        117 "Access control policy name",
        118 "Intrusion policy name",
        127 "AMP cloud name",
        322 "Sinkhole" as UuidName with type: block uuid_name;
    /// Record 119: an access control rule ID and name (block 15).
    record 119 "Access control rule ID" as AccessControlRule: block access_control_rule;
    /// Records 145-147: access control policy, prefilter policy, tunnel or prefilter rule
    /// (block 64).
    record
        145 "Access control policy",
        146 "Prefilter policy",
        147 "Tunnel or prefilter rule" as AccessControlPolicy with type: block access_control_policy;
    /// Record 161: an IOC name (block 39).
    record 161 "IOC name" as IocName: block ioc_name;
    /// Record 520: a geolocation (block 28).
    record 520 "Geolocation" as Geolocation: block geolocation;
    /// Record 700: a network analysis policy name.
    record 700 "Network analysis policy" as NetworkAnalysisPolicy: fields network_analysis_policy;
    /// The ID / length / name records (docs/protocol.md Appendix C.1).
    record
        55 "Client application metadata",
        58 "Criticality metadata",
        59 "Network protocol metadata",
        60 "Attribute metadata",
        61 "Scan type metadata",
        63 "Server (application protocol) metadata",
        90 "Source type",
        91 "Source application",
        96 "Source detector",
        109 "Web application",
        120 "Access control rule action",
        121 "URL category",
        122 "URL reputation",
        123 "Managed device",
        128 "Malware event type",
        129 "Malware event subtype",
        130 "AMP detector type",
        131 "AMP file type",
        281 "Security Intelligence source/destination",
        300 "Realm",
        302 "Security group",
        350 "Netmap domain",
        510 "File type ID",
        515 "File storage status",
        516 "File sandbox status",
        517 "Spero status",
        518 "Archive status",
        519 "Static analysis status",
        602 "SSL cipher suite",
        604 "SSL version",
        605 "SSL server certificate status",
        606 "SSL actual action",
        607 "SSL expected action",
        608 "SSL flow status",
        613 "SSL URL category" as IdName with type: fields id_name;
    record 54 "Fingerprint metadata": fields fingerprint;
    record 57 "Vulnerability metadata": fields vulnerability;
    record 69 "Correlation policy metadata": fields correlation_policy;
    record 70 "Correlation rule metadata": fields correlation_rule;
    record 106 "Third party scanner vulnerability": fields third_party_vulnerability;
    record 124 "Access control policy rule reason": block rule_reason;
    record
        132 "Security context name",
        282 "Security Intelligence category (general)",
        600 "SSL policy name": fields uuid_string;
    record 140 "Rule documentation data": block rule_documentation;
    record 260 "ICMP type": block icmp_type;
    record 270 "ICMP code": block icmp_code;
    record 280 "Security Intelligence category (discovery)": block si_category;
    record 301 "Endpoint profile": block endpoint_profile;
    record 320 "DNS record type", 321 "DNS response type": block id_name_description;
    record 511 "File event SHA hash": block file_sha_hash;
    record 530 "File policy name": fields file_policy_name;
    record 601 "SSL rule ID": fields ssl_rule_id;
    record 614 "SSL certificate details": block ssl_certificate_details;
}
