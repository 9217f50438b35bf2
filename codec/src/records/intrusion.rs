//! Intrusion events and what comes with them: the intrusion event (record 400) in each of its
//! block layouts, the packet (record 2), extra data and its metadata (records 110, 111) and the
//! impact alert (record 9).
//!
//! Record 400 is dispatched on the block type on the wire, never on the version a session
//! asked for: blocks 81 and 85 insert a byte (the blocked reason) at offset 84, so reading
//! them with block 60's layout would misread every field after it.

layouts! {
    family intrusion;

    // Record 400 in each of its block layouts.

    /// Intrusion Event block 60 (record 400; FMC 6.0+, extended request 12 v9; docs/protocol.md §9.3).
    mod intrusion_event_60;
    name = "intrusion_event_60", block = Some(60), series = Two;
    {
        /// managed device ID (name: record 123).
        device_id: u32,
        /// event ID (with device ID and event second, the event's identity).
        event_id: u32,
        /// UNIX seconds.
        event_second: u32,
        /// microseconds.
        event_microsecond: u32,
        /// the FMC-internal rule number (join with record 66 for the SID).
        rule_id: u32,
        /// generator ID.
        generator_id: u32,
        /// rule revision.
        rule_revision: u32,
        /// classification ID (record 67).
        classification_id: u32,
        /// priority ID (record 4).
        priority_id: u32,
        /// source address.
        source_ip: ip16,
        /// destination address.
        destination_ip: ip16,
        /// source port, or ICMP type.
        source_port_or_icmp_type: u16,
        /// destination port, or ICMP code.
        destination_port_or_icmp_code: u16,
        /// IANA protocol number.
        ip_protocol_id: u8,
        /// impact flags (docs/protocol.md §9.4).
        impact_flags: u8,
        /// impact level (1 red ... 4 blue, 0 gray).
        impact: u8,
        /// 0 not dropped, 1 dropped, 2 would have been dropped.
        blocked: u8,
        /// MPLS label.
        mpls_label: u32,
        /// VLAN ID.
        vlan_id: u16,
        /// pad.
        pad: u16,
        /// intrusion policy UUID (record 118).
        intrusion_policy_uuid: uuid,
        /// user ID.
        user_id: u32,
        /// web application ID (record 109).
        web_application_id: u32,
        /// client application ID (record 55).
        client_application_id: u32,
        /// application protocol ID (record 63).
        application_protocol_id: u32,
        /// access control rule ID (record 119).
        access_control_rule_id: u32,
        /// access control policy UUID (records 117, 145).
        access_control_policy_uuid: uuid,
        /// ingress interface UUID (record 116).
        interface_ingress_uuid: uuid,
        /// egress interface UUID (record 116).
        interface_egress_uuid: uuid,
        /// ingress security zone UUID (record 115).
        security_zone_ingress_uuid: uuid,
        /// egress security zone UUID (record 115).
        security_zone_egress_uuid: uuid,
        /// UNIX seconds of the related connection event.
        connection_timestamp: u32,
        /// Snort instance that produced the connection event.
        connection_instance_id: u16,
        /// connection counter.
        connection_counter: u16,
        /// source country (record 520).
        source_country: u16,
        /// destination country (record 520).
        destination_country: u16,
        /// IOC number (record 161).
        ioc_number: u16,
        /// security context (opaque).
        security_context: bytes[16],
        /// SSL certificate fingerprint (SHA-1).
        ssl_certificate_fingerprint: bytes[20],
        /// SSL actual action (record 606).
        ssl_actual_action: u16,
        /// SSL flow status (record 608).
        ssl_flow_status: u16,
        /// network analysis policy UUID (record 700).
        network_analysis_policy_uuid: uuid,
        /// HTTP response code.
        http_response_code: u32,
    }

    /// Intrusion Event block 41 (record 400; 5.3, extended request 12 v6; docs/protocol.md §9.3): block
    /// 60 up to and including the IOC number (222 bytes).
    mod intrusion_event_41;
    name = "intrusion_event_41", block = Some(41), series = Two;
    from intrusion_event_60 until ioc_number;

    /// Intrusion Event block 81 (record 400; extended request 12 v10, FMC 6.7-7.1; docs/protocol.md §9.3):
    /// block 60 with the blocked reason after `blocked` (every later field one byte further),
    /// then the VRF names and the Snort version.
    mod intrusion_event_81;
    name = "intrusion_event_81", block = Some(81), series = Two;
    from intrusion_event_60 {
        after blocked {
            /// blocked reason - new in 81/85; every later field is one byte further than in
            /// block 60.
            blocked_reason: u8,
        }
        end {
            /// Ingress VRF name (String block).
            ingress_vrf: string,
            /// Egress VRF name (String block).
            egress_vrf: string,
            /// Snort version.
            snort_version: u8,
        }
    }

    /// Intrusion Event block 85 (record 400; extended request 12 v11, FMC 7.2+; docs/protocol.md §9.3):
    /// block 81 + the original source address and the HTTP and SMTP fields.
    mod intrusion_event_85;
    name = "intrusion_event_85", block = Some(85), series = Two;
    from intrusion_event_81 {
        end {
            /// Original source address (client behind a proxy).
            original_source_ip: ip16,
            /// HTTP hostname.
            http_hostname: string,
            /// HTTP URI.
            http_uri: string,
            /// SMTP attachments.
            smtp_attachments: string,
            /// SMTP from.
            smtp_from: string,
            /// SMTP headers.
            smtp_headers: string,
            /// SMTP to.
            smtp_to: string,
        }
    }

    // The packet, extra data and impact alert.

    /// Packet, record 2 (docs/protocol.md §9.6).
    mod packet;
    name = "packet", block = None, series = Two;
    {
        /// device ID (with event ID and event second, joins to the intrusion event).
        device_id: u32,
        /// event ID.
        event_id: u32,
        /// event second.
        event_second: u32,
        /// capture time, seconds.
        packet_second: u32,
        /// capture time, microseconds.
        packet_microsecond: u32,
        /// link type (1 = Ethernet).
        link_type: u32,
        /// u32 packet length + the raw frame.
        packet_data: bytes32,
    }

    /// Intrusion Event Extra Data, record 110, series-2 block 4 (docs/protocol.md §9.5).
    mod extra_data;
    name = "intrusion_event_extra_data", block = Some(4), series = Two;
    {
        /// device ID (joins to the intrusion event).
        device_id: u32,
        /// event ID.
        event_id: u32,
        /// event second.
        event_second: u32,
        /// extra-data type (record 111).
        extra_data_type: u32,
        /// the data, a BLOB block.
        data: blob,
    }

    /// Intrusion Event Extra Data Metadata, record 111, series-2 block 5 (docs/protocol.md §9.5).
    mod extra_data_metadata;
    name = "intrusion_event_extra_data_metadata", block = Some(5), series = Two;
    {
        /// the extra-data type this names.
        extra_data_type: u32,
        /// Name (String block).
        name: string,
        /// How to render the data (String block).
        encoding: string,
    }

    /// Intrusion Impact Alert, record 9, series-1 block 153 (5.3+; docs/protocol.md §9.7).
    mod impact_alert;
    name = "intrusion_impact_alert", block = Some(153), series = One;
    {
        /// event ID.
        event_id: u32,
        /// device ID.
        device_id: u32,
        /// event second.
        event_second: u32,
        /// impact.
        impact: u32,
        /// source address.
        source_ip: ip16,
        /// destination address.
        destination_ip: ip16,
        /// description (String block).
        description: string,
    }

    // The records.

    /// Record 2: the packet of an intrusion event.
    record 2 "Packet" as Packet: fields packet;
    /// Record 9: an intrusion impact alert (block 153).
    record 9 "Intrusion impact alert" as ImpactAlert: block impact_alert;
    /// Record 110: intrusion event extra data (block 4).
    record 110 "Intrusion event extra data" as ExtraData: block extra_data;
    /// Record 111: intrusion event extra data metadata (block 5).
    record
        111 "Intrusion event extra data metadata" as ExtraDataMetadata: block extra_data_metadata;
    /// Record 400: an intrusion event, in the layout its block type names.
    record 400 "Intrusion event" as IntrusionEvent: block {
        V41 intrusion_event_41,
        V60 intrusion_event_60,
        V81 intrusion_event_81,
        V85 intrusion_event_85,
    };
}

use crate::values::{Ip16, Timestamp, Uuid};

/// An accessor every intrusion event block has: read from whichever block the event came in.
macro_rules! common {
    ($(#[$m:meta])* $name:ident -> $ty:ty) => {
        $(#[$m])*
        pub fn $name(&self) -> $ty {
            match self {
                super::IntrusionEvent::V41(v) => v.$name(),
                super::IntrusionEvent::V60(v) => v.$name(),
                super::IntrusionEvent::V81(v) => v.$name(),
                super::IntrusionEvent::V85(v) => v.$name(),
            }
        }
    };
}

impl super::IntrusionEvent<'_> {
    common!(/// Managed device ID.
        device_id -> u32);
    common!(/// Event ID.
        event_id -> u32);
    common!(/// Event time, seconds.
        event_second -> u32);
    common!(/// Event time, microseconds.
        event_microsecond -> u32);
    common!(/// The FMC-internal rule number: join with record 66 for the SID, never show it as
        /// the SID.
        rule_id -> u32);
    common!(/// Generator ID.
        generator_id -> u32);
    common!(/// Rule revision.
        rule_revision -> u32);
    common!(/// Classification ID (record 67).
        classification_id -> u32);
    common!(/// Priority ID (record 4).
        priority_id -> u32);
    common!(/// Source address.
        source_ip -> Ip16);
    common!(/// Destination address.
        destination_ip -> Ip16);
    common!(/// Source port or ICMP type.
        source_port_or_icmp_type -> u16);
    common!(/// Destination port or ICMP code.
        destination_port_or_icmp_code -> u16);
    common!(/// IANA protocol number.
        ip_protocol_id -> u8);
    common!(/// Impact flags.
        impact_flags -> u8);
    common!(/// Impact level.
        impact -> u8);
    common!(/// Blocked.
        blocked -> u8);
    common!(/// Intrusion policy UUID (record 118).
        intrusion_policy_uuid -> Uuid);
    common!(/// User ID.
        user_id -> u32);
    common!(/// Web application ID (record 109).
        web_application_id -> u32);
    common!(/// Client application ID (record 55).
        client_application_id -> u32);
    common!(/// Application protocol ID (record 63).
        application_protocol_id -> u32);
    common!(/// Access control rule ID (record 119).
        access_control_rule_id -> u32);
    common!(/// Access control policy UUID (records 117, 145).
        access_control_policy_uuid -> Uuid);
    common!(/// Ingress interface UUID (record 116).
        interface_ingress_uuid -> Uuid);
    common!(/// Egress interface UUID (record 116).
        interface_egress_uuid -> Uuid);
    common!(/// Ingress security zone UUID (record 115).
        security_zone_ingress_uuid -> Uuid);
    common!(/// Egress security zone UUID (record 115).
        security_zone_egress_uuid -> Uuid);
    common!(/// Source country (record 520).
        source_country -> u16);
    common!(/// Destination country (record 520).
        destination_country -> u16);
    common!(/// IOC number (record 161).
        ioc_number -> u16);

    /// The event time: seconds and microseconds.
    pub fn event_time(&self) -> Timestamp {
        Timestamp {
            seconds: self.event_second(),
            microseconds: self.event_microsecond(),
        }
    }

    /// Blocked reason (blocks 81 and 85 only).
    pub fn blocked_reason(&self) -> Option<u8> {
        match self {
            super::IntrusionEvent::V81(v) => Some(v.blocked_reason()),
            super::IntrusionEvent::V85(v) => Some(v.blocked_reason()),
            _ => None,
        }
    }

    /// Network analysis policy UUID (record 700; not in block 41).
    pub fn network_analysis_policy_uuid(&self) -> Option<Uuid> {
        match self {
            super::IntrusionEvent::V41(_) => None,
            super::IntrusionEvent::V60(v) => Some(v.network_analysis_policy_uuid()),
            super::IntrusionEvent::V81(v) => Some(v.network_analysis_policy_uuid()),
            super::IntrusionEvent::V85(v) => Some(v.network_analysis_policy_uuid()),
        }
    }

    /// SSL actual action (record 606; not in block 41).
    pub fn ssl_actual_action(&self) -> Option<u16> {
        match self {
            super::IntrusionEvent::V41(_) => None,
            super::IntrusionEvent::V60(v) => Some(v.ssl_actual_action()),
            super::IntrusionEvent::V81(v) => Some(v.ssl_actual_action()),
            super::IntrusionEvent::V85(v) => Some(v.ssl_actual_action()),
        }
    }

    /// SSL flow status (record 608; not in block 41).
    pub fn ssl_flow_status(&self) -> Option<u16> {
        match self {
            super::IntrusionEvent::V41(_) => None,
            super::IntrusionEvent::V60(v) => Some(v.ssl_flow_status()),
            super::IntrusionEvent::V81(v) => Some(v.ssl_flow_status()),
            super::IntrusionEvent::V85(v) => Some(v.ssl_flow_status()),
        }
    }
}
