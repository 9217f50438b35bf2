//! Record layouts (WIRE.md §8, §9, Appendix C), each defined once with `layout!`: the static
//! description, a typed zero-copy view (`<module>::View`) and an encodable `<module>::Repr`.
//!
//! Offsets in the documentation are from the start of the record body, or, for block layouts,
//! from the start of the block (its type field), as in WIRE.md.

layout! {
    /// Rule Message, record 66 (metadata v2+, WIRE.md §8.1): maps (Generator ID, Rule ID) to the
    /// rule's message and to the **Rendered Signature ID**, the SID the FMC shows and the user
    /// entered. The Rule ID here and in an intrusion event is the FMC-internal number; the two
    /// can differ (e.g. imported local rules). Never show the Rule ID as the SID.
    mod rule_message;
    name = "rule_message", block = None, series = Two;
    {
        /// Offset 0: Generator ID (GID).
        generator_id: u32,
        /// Offset 4: the FMC-internal rule number: the join key with intrusion events, *not*
        /// the SID the user sees (see `rendered_signature_id`).
        rule_id: u32,
        /// Offset 8: rule revision (the guide: currently always 0 here).
        rule_revision: u32,
        /// Offset 12: the rule number as shown in the FMC and entered by the user: **the SID**.
        rendered_signature_id: u32,
        /// Offset 16: length of `message` (which follows the UUIDs).
        message_length: len16,
        /// Offset 18: rule UUID.
        rule_uuid: uuid,
        /// Offset 34: rule revision UUID.
        rule_revision_uuid: uuid,
        /// Offset 50: the rule message (msg) text.
        message: counted,
    }
}

layout! {
    /// Legacy Rule Message, record 5 (4.6 and lower; WIRE.md §8.2): the fields of record 66
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
}

layout! {
    /// Classification, record 67 (metadata v3+, WIRE.md §9.2).
    mod classification;
    name = "classification", block = None, series = Two;
    {
        /// Offset 0: classification ID (an intrusion event's Classification ID).
        classification_id: u32,
        /// Offset 4: u16 length + name, e.g. "trojan-activity".
        name: text16,
        /// u16 length + description, e.g. "A Network Trojan was Detected".
        description: text16,
        /// Classification UUID.
        classification_uuid: uuid,
        /// Classification revision UUID.
        classification_revision_uuid: uuid,
    }
}

layout! {
    /// Priority, record 4 (WIRE.md §9.1).
    mod priority;
    name = "priority", block = None, series = Two;
    {
        /// Offset 0: priority ID (an intrusion event's Priority ID).
        priority_id: u32,
        /// Offset 4: u16 length + name (1 high, 2 medium, 3 low).
        name: text16,
    }
}

layout! {
    /// Intrusion Event block 60 (record 400; FMC 6.0+, extended request 12 v9; WIRE.md §9.3).
    mod intrusion_event_60;
    name = "intrusion_event_60", block = Some(60), series = Two;
    {
        /// Offset 8: managed device ID (name: record 123).
        device_id: u32,
        /// Offset 12: event ID (with device ID and event second, the event's identity).
        event_id: u32,
        /// Offset 16: UNIX seconds.
        event_second: u32,
        /// Offset 20: microseconds.
        event_microsecond: u32,
        /// Offset 24: the FMC-internal rule number (join with record 66 for the SID).
        rule_id: u32,
        /// Offset 28: generator ID.
        generator_id: u32,
        /// Offset 32: rule revision.
        rule_revision: u32,
        /// Offset 36: classification ID (record 67).
        classification_id: u32,
        /// Offset 40: priority ID (record 4).
        priority_id: u32,
        /// Offset 44: source address.
        source_ip: ip16,
        /// Offset 60: destination address.
        destination_ip: ip16,
        /// Offset 76: source port, or ICMP type.
        source_port_or_icmp_type: u16,
        /// Offset 78: destination port, or ICMP code.
        destination_port_or_icmp_code: u16,
        /// Offset 80: IANA protocol number.
        ip_protocol_id: u8,
        /// Offset 81: impact flags (WIRE.md §9.4).
        impact_flags: u8,
        /// Offset 82: impact level (1 red ... 4 blue, 0 gray).
        impact: u8,
        /// Offset 83: 0 not dropped, 1 dropped, 2 would have been dropped.
        blocked: u8,
        /// Offset 84: MPLS label.
        mpls_label: u32,
        /// Offset 88: VLAN ID.
        vlan_id: u16,
        /// Offset 90: pad.
        pad: u16,
        /// Offset 92: intrusion policy UUID (record 118).
        intrusion_policy_uuid: uuid,
        /// Offset 108: user ID.
        user_id: u32,
        /// Offset 112: web application ID (record 109).
        web_application_id: u32,
        /// Offset 116: client application ID (record 55).
        client_application_id: u32,
        /// Offset 120: application protocol ID (record 63).
        application_protocol_id: u32,
        /// Offset 124: access control rule ID (record 119).
        access_control_rule_id: u32,
        /// Offset 128: access control policy UUID (records 117, 145).
        access_control_policy_uuid: uuid,
        /// Offset 144: ingress interface UUID (record 116).
        interface_ingress_uuid: uuid,
        /// Offset 160: egress interface UUID (record 116).
        interface_egress_uuid: uuid,
        /// Offset 176: ingress security zone UUID (record 115).
        security_zone_ingress_uuid: uuid,
        /// Offset 192: egress security zone UUID (record 115).
        security_zone_egress_uuid: uuid,
        /// Offset 208: UNIX seconds of the related connection event.
        connection_timestamp: u32,
        /// Offset 212: Snort instance that produced the connection event.
        connection_instance_id: u16,
        /// Offset 214: connection counter.
        connection_counter: u16,
        /// Offset 216: source country (record 520).
        source_country: u16,
        /// Offset 218: destination country (record 520).
        destination_country: u16,
        /// Offset 220: IOC number (record 161).
        ioc_number: u16,
        /// Offset 222: security context (opaque).
        security_context: bytes[16],
        /// Offset 238: SSL certificate fingerprint (SHA-1).
        ssl_certificate_fingerprint: bytes[20],
        /// Offset 258: SSL actual action (record 606).
        ssl_actual_action: u16,
        /// Offset 260: SSL flow status (record 608).
        ssl_flow_status: u16,
        /// Offset 262: network analysis policy UUID (record 700).
        network_analysis_policy_uuid: uuid,
        /// Offset 278: HTTP response code.
        http_response_code: u32,
    }
}

layout! {
    /// Intrusion Event block 41 (record 400; 5.3, extended request 12 v6; WIRE.md §9.3): block
    /// 60 up to and including the IOC number (222 bytes).
    mod intrusion_event_41;
    name = "intrusion_event_41", block = Some(41), series = Two;
    {
        /// Managed device ID.
        device_id: u32,
        /// Event ID.
        event_id: u32,
        /// UNIX seconds.
        event_second: u32,
        /// Microseconds.
        event_microsecond: u32,
        /// FMC-internal rule number.
        rule_id: u32,
        /// Generator ID.
        generator_id: u32,
        /// Rule revision.
        rule_revision: u32,
        /// Classification ID.
        classification_id: u32,
        /// Priority ID.
        priority_id: u32,
        /// Source address.
        source_ip: ip16,
        /// Destination address.
        destination_ip: ip16,
        /// Source port or ICMP type.
        source_port_or_icmp_type: u16,
        /// Destination port or ICMP code.
        destination_port_or_icmp_code: u16,
        /// IANA protocol number.
        ip_protocol_id: u8,
        /// Impact flags.
        impact_flags: u8,
        /// Impact level.
        impact: u8,
        /// Blocked.
        blocked: u8,
        /// MPLS label.
        mpls_label: u32,
        /// VLAN ID.
        vlan_id: u16,
        /// Pad.
        pad: u16,
        /// Intrusion policy UUID.
        intrusion_policy_uuid: uuid,
        /// User ID.
        user_id: u32,
        /// Web application ID.
        web_application_id: u32,
        /// Client application ID.
        client_application_id: u32,
        /// Application protocol ID.
        application_protocol_id: u32,
        /// Access control rule ID.
        access_control_rule_id: u32,
        /// Access control policy UUID.
        access_control_policy_uuid: uuid,
        /// Ingress interface UUID.
        interface_ingress_uuid: uuid,
        /// Egress interface UUID.
        interface_egress_uuid: uuid,
        /// Ingress security zone UUID.
        security_zone_ingress_uuid: uuid,
        /// Egress security zone UUID.
        security_zone_egress_uuid: uuid,
        /// Connection timestamp.
        connection_timestamp: u32,
        /// Connection instance ID.
        connection_instance_id: u16,
        /// Connection counter.
        connection_counter: u16,
        /// Source country.
        source_country: u16,
        /// Destination country.
        destination_country: u16,
        /// IOC number.
        ioc_number: u16,
    }
}

macro_rules! intrusion_81_85 {
    ($(#[$m:meta])* $module:ident, $name:literal, $block:literal, { $($extra:tt)* }) => {
        layout! {
            $(#[$m])*
            mod $module;
            name = $name, block = Some($block), series = Two;
            {
                /// Offset 8: managed device ID.
                device_id: u32,
                /// Offset 12: event ID.
                event_id: u32,
                /// Offset 16: UNIX seconds.
                event_second: u32,
                /// Offset 20: microseconds.
                event_microsecond: u32,
                /// Offset 24: FMC-internal rule number (join with record 66 for the SID).
                rule_id: u32,
                /// Offset 28: generator ID.
                generator_id: u32,
                /// Offset 32: rule revision.
                rule_revision: u32,
                /// Offset 36: classification ID.
                classification_id: u32,
                /// Offset 40: priority ID.
                priority_id: u32,
                /// Offset 44: source address.
                source_ip: ip16,
                /// Offset 60: destination address.
                destination_ip: ip16,
                /// Offset 76: source port or ICMP type.
                source_port_or_icmp_type: u16,
                /// Offset 78: destination port or ICMP code.
                destination_port_or_icmp_code: u16,
                /// Offset 80: IANA protocol number.
                ip_protocol_id: u8,
                /// Offset 81: impact flags.
                impact_flags: u8,
                /// Offset 82: impact level.
                impact: u8,
                /// Offset 83: blocked (0-14, WIRE.md §9.3).
                blocked: u8,
                /// Offset 84: blocked reason - new in 81/85; every later field is one byte
                /// further than in block 60.
                blocked_reason: u8,
                /// Offset 85: MPLS label.
                mpls_label: u32,
                /// Offset 89: VLAN ID.
                vlan_id: u16,
                /// Offset 91: pad.
                pad: u16,
                /// Offset 93: intrusion policy UUID.
                intrusion_policy_uuid: uuid,
                /// Offset 109: user ID.
                user_id: u32,
                /// Offset 113: web application ID.
                web_application_id: u32,
                /// Offset 117: client application ID.
                client_application_id: u32,
                /// Offset 121: application protocol ID.
                application_protocol_id: u32,
                /// Offset 125: access control rule ID.
                access_control_rule_id: u32,
                /// Offset 129: access control policy UUID.
                access_control_policy_uuid: uuid,
                /// Offset 145: ingress interface UUID.
                interface_ingress_uuid: uuid,
                /// Offset 161: egress interface UUID.
                interface_egress_uuid: uuid,
                /// Offset 177: ingress security zone UUID.
                security_zone_ingress_uuid: uuid,
                /// Offset 193: egress security zone UUID.
                security_zone_egress_uuid: uuid,
                /// Offset 209: connection timestamp.
                connection_timestamp: u32,
                /// Offset 213: connection instance ID.
                connection_instance_id: u16,
                /// Offset 215: connection counter.
                connection_counter: u16,
                /// Offset 217: source country.
                source_country: u16,
                /// Offset 219: destination country.
                destination_country: u16,
                /// Offset 221: IOC number.
                ioc_number: u16,
                /// Offset 223: security context (opaque).
                security_context: bytes[16],
                /// Offset 239: SSL certificate fingerprint (SHA-1).
                ssl_certificate_fingerprint: bytes[20],
                /// Offset 259: SSL actual action.
                ssl_actual_action: u16,
                /// Offset 261: SSL flow status.
                ssl_flow_status: u16,
                /// Offset 263: network analysis policy UUID.
                network_analysis_policy_uuid: uuid,
                /// Offset 279: HTTP response code.
                http_response_code: u32,
                /// Offset 283: ingress VRF name (String block).
                ingress_vrf: string,
                /// Egress VRF name (String block).
                egress_vrf: string,
                /// Snort version.
                snort_version: u8,
                $($extra)*
            }
        }
    };
}

intrusion_81_85!(
    /// Intrusion Event block 81 (record 400; extended request 12 v10, FMC 6.7-7.1; WIRE.md §9.3).
    intrusion_event_81, "intrusion_event_81", 81, {}
);

intrusion_81_85!(
    /// Intrusion Event block 85 (record 400; extended request 12 v11, the newest layout known;
    /// WIRE.md §9.3): block 81 plus the original source address, HTTP and SMTP strings.
    intrusion_event_85, "intrusion_event_85", 85, {
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
);

layout! {
    /// Intrusion Event Extra Data, record 110, series-2 block 4 (WIRE.md §9.5).
    mod extra_data;
    name = "intrusion_event_extra_data", block = Some(4), series = Two;
    {
        /// Offset 8: device ID (joins to the intrusion event).
        device_id: u32,
        /// Offset 12: event ID.
        event_id: u32,
        /// Offset 16: event second.
        event_second: u32,
        /// Offset 20: extra-data type (record 111).
        extra_data_type: u32,
        /// Offset 24: the data, a BLOB block.
        data: blob,
    }
}

layout! {
    /// Intrusion Event Extra Data Metadata, record 111, series-2 block 5 (WIRE.md §9.5).
    mod extra_data_metadata;
    name = "intrusion_event_extra_data_metadata", block = Some(5), series = Two;
    {
        /// Offset 8: the extra-data type this names.
        extra_data_type: u32,
        /// Name (String block).
        name: string,
        /// How to render the data (String block).
        encoding: string,
    }
}

layout! {
    /// Packet, record 2 (WIRE.md §9.6).
    mod packet;
    name = "packet", block = None, series = Two;
    {
        /// Offset 0: device ID (with event ID and event second, joins to the intrusion event).
        device_id: u32,
        /// Offset 4: event ID.
        event_id: u32,
        /// Offset 8: event second.
        event_second: u32,
        /// Offset 12: capture time, seconds.
        packet_second: u32,
        /// Offset 16: capture time, microseconds.
        packet_microsecond: u32,
        /// Offset 20: link type (1 = Ethernet).
        link_type: u32,
        /// Offset 24: u32 packet length + the raw frame.
        packet_data: bytes32,
    }
}

layout! {
    /// Intrusion Impact Alert, record 9, series-1 block 153 (5.3+; WIRE.md §9.7).
    mod impact_alert;
    name = "intrusion_impact_alert", block = Some(153), series = One;
    {
        /// Offset 8: event ID.
        event_id: u32,
        /// Offset 12: device ID.
        device_id: u32,
        /// Offset 16: event second.
        event_second: u32,
        /// Offset 20: impact.
        impact: u32,
        /// Offset 24: source address.
        source_ip: ip16,
        /// Offset 40: destination address.
        destination_ip: ip16,
        /// Offset 56: description (String block).
        description: string,
    }
}

layout! {
    /// UUID String Mapping, series-2 block 14 (WIRE.md C.2): records 115 security zone, 116
    /// interface, 117 access control policy, 118 intrusion policy, 127 AMP cloud, 322 sinkhole.
    mod uuid_name;
    name = "uuid_string_mapping", block = Some(14), series = Two;
    {
        /// Offset 8: the UUID events refer to.
        uuid: uuid,
        /// Offset 24: the name (String block).
        name: string,
    }
}

layout! {
    /// Access Control Rule ID, record 119, series-2 block 15 (WIRE.md C.3).
    mod access_control_rule;
    name = "access_control_rule_id", block = Some(15), series = Two;
    {
        /// Offset 8: access control policy UUID (revision).
        policy_uuid: uuid,
        /// Offset 24: rule ID.
        rule_id: u32,
        /// Offset 28: rule name (String block).
        name: string,
    }
}

layout! {
    /// Access control policy, prefilter policy, tunnel/prefilter rule: records 145, 146, 147,
    /// series-2 block 64 (WIRE.md C.5).
    mod access_control_policy;
    name = "access_control_policy", block = Some(64), series = Two;
    {
        /// Offset 8: policy / rule UUID.
        uuid: uuid,
        /// Offset 24: managed device ID.
        device_id: u32,
        /// Offset 28: name (String block).
        name: string,
    }
}

layout! {
    /// ID / length / name (WIRE.md C.1): records 55 client application, 58, 59, 60, 61, 63
    /// application protocol, 90, 91, 96, 109 web application, 120 rule action, 121 URL
    /// category, 122 URL reputation, 123 managed device, 128-131, 281, 300, 302, 350, 510,
    /// 515-519, 602, 604-608 (606 SSL actual action, 608 SSL flow status), 613.
    mod id_name;
    name = "id_name", block = None, series = Two;
    {
        /// Offset 0: the ID events refer to.
        id: u32,
        /// Offset 4: u32 length + name.
        name: text32,
    }
}

layout! {
    /// Geolocation, record 520, series-2 block 28 (WIRE.md C.10).
    mod geolocation;
    name = "geolocation", block = Some(28), series = Two;
    {
        /// Offset 8: country code (the events' country fields).
        country_code: u16,
        /// Offset 10: country name (String block).
        name: string,
    }
}

layout! {
    /// IOC Name, record 161, series-2 block 39 (WIRE.md C.6).
    mod ioc_name;
    name = "ioc_name", block = Some(39), series = Two;
    {
        /// Offset 8: IOC ID (the events' IOC number).
        ioc_id: u32,
        /// Category (String block).
        category: string,
        /// Event type (String block).
        event_type: string,
    }
}

layout! {
    /// Network Analysis Policy, record 700 (WIRE.md C.13): a block whose type number no source
    /// gives, so the type is a field here.
    mod network_analysis_policy;
    name = "network_analysis_policy", block = None, series = Two;
    {
        /// Offset 0: block type (not documented).
        block_type: u32,
        /// Offset 4: block length (the whole body).
        block_length: block_len,
        /// Offset 8: NAP UUID (an intrusion event's network analysis policy UUID).
        uuid: uuid,
        /// Offset 24: name (String block).
        name: string,
    }
}

layout! {
    /// User, records 62 and 98, series-2 block 57 (WIRE.md §10.3, Appendix B.7), as eNcore
    /// 5.2.11 decodes them.
    mod user;
    name = "user", block = Some(57), series = Two;
    {
        /// Offset 8: user ID (an event's user ID).
        user_id: u32,
        /// Offset 12: protocol.
        protocol: u32,
        /// Offset 16: user name (String block).
        username: string,
    }
}

layout! {
    /// Discovery event header (WIRE.md §6.5, 5.2+): starts the body of discovery, user and
    /// connection records. 40 bytes, or 56 when Has IPv6 is 1 (the IPv6 Address follows).
    mod discovery_header;
    name = "discovery_header", block = None, series = One;
    {
        /// Offset 0: managed device ID.
        device_id: u32,
        /// Offset 4: IPv4 address of the host (0.0.0.0 when Has IPv6 is 1).
        legacy_ip_address: ipv4,
        /// Offset 8: MAC address.
        mac_address: mac,
        /// Offset 14: 1 when the IPv6 Address field is present.
        has_ipv6: u8,
        /// Offset 15: reserved.
        reserved: u8,
        /// Offset 16: UNIX seconds.
        event_second: u32,
        /// Offset 20: microseconds.
        event_microsecond: u32,
        /// Offset 24: event type (1000 new, 1001 change, 1002 user input, 1003 flow, 1004 user,
        /// 1008 IOC, 1050 full host profile).
        event_type: u32,
        /// Offset 28: event subtype.
        event_subtype: u32,
        /// Offset 32: file number (internal).
        file_number: bytes[4],
        /// Offset 36: file position (internal).
        file_position: bytes[4],
        /// Offset 40: IPv6 address, present only when Has IPv6 (offset 14) is 1.
        ipv6_address: opt_ip16[14],
    }
}

/// Defines one connection statistics block (series 1, record 71; WIRE.md §10). The shared field
/// list is written once here; each block type adds its segments at the places WIRE.md gives.
macro_rules! connection_block {
    (
        $(#[$m:meta])* $module:ident, $name:literal, $block:literal,
        orig_ip { $($orig_ip:tt)* },
        tunnel { $($tunnel:tt)* },
        dropped { $($dropped:tt)* },
        qos { $($qos:tt)* },
        orig_country { $($orig_country:tt)* },
        sgt { $($sgt:tt)* },
        tail { $($tail:tt)* }
    ) => {
        layout! {
            $(#[$m])*
            mod $module;
            name = $name, block = Some($block), series = One;
            {
                /// Managed device ID.
                device_id: u32,
                /// Ingress security zone (record 115).
                ingress_zone: uuid,
                /// Egress security zone (record 115).
                egress_zone: uuid,
                /// Ingress interface (record 116).
                ingress_interface: uuid,
                /// Egress interface (record 116).
                egress_interface: uuid,
                /// Initiator address.
                initiator_ip: ip16,
                /// Responder address.
                responder_ip: ip16,
                $($orig_ip)*
                /// Access control policy revision (records 119, 145).
                policy_revision: uuid,
                /// Access control rule ID (record 119).
                rule_id: u32,
                $($tunnel)*
                /// Rule action (record 120).
                rule_action: u16,
                /// Rule reason (record 124); u32 as eNcore reads it (WIRE.md §12 item 16).
                rule_reason: u32,
                /// Initiator port.
                initiator_port: u16,
                /// Responder port.
                responder_port: u16,
                /// TCP flags.
                tcp_flags: u16,
                /// IANA protocol number.
                protocol: u8,
                /// NetFlow source.
                netflow_source: uuid,
                /// Snort instance ID.
                instance_id: u16,
                /// Connection counter.
                connection_counter: u16,
                /// First packet, UNIX seconds.
                first_packet_timestamp: u32,
                /// Last packet, UNIX seconds.
                last_packet_timestamp: u32,
                /// Initiator transmitted packets.
                initiator_transmitted_packets: u64,
                /// Responder transmitted packets.
                responder_transmitted_packets: u64,
                /// Initiator transmitted bytes.
                initiator_transmitted_bytes: u64,
                /// Responder transmitted bytes.
                responder_transmitted_bytes: u64,
                $($dropped)*
                $($qos)*
                /// User ID.
                user_id: u32,
                /// Application protocol ID (record 63).
                application_protocol_id: u32,
                /// URL category (record 121).
                url_category: u32,
                /// URL reputation (record 122).
                url_reputation: u32,
                /// Client application ID (record 55).
                client_application_id: u32,
                /// Web application ID (record 109).
                web_application_id: u32,
                /// Client URL.
                client_url: string,
                /// NetBIOS name.
                netbios_name: string,
                /// Client application version.
                client_application_version: string,
                /// Monitor rule 1.
                monitor_rule_1: u32,
                /// Monitor rule 2.
                monitor_rule_2: u32,
                /// Monitor rule 3.
                monitor_rule_3: u32,
                /// Monitor rule 4.
                monitor_rule_4: u32,
                /// Monitor rule 5.
                monitor_rule_5: u32,
                /// Monitor rule 6.
                monitor_rule_6: u32,
                /// Monitor rule 7.
                monitor_rule_7: u32,
                /// Monitor rule 8.
                monitor_rule_8: u32,
                /// Security Intelligence source/destination (record 281).
                security_intelligence_source_destination: u8,
                /// Security Intelligence layer.
                security_intelligence_layer: u8,
                /// File event count.
                file_event_count: u16,
                /// Intrusion event count.
                intrusion_event_count: u16,
                /// Initiator country (record 520).
                initiator_country: u16,
                /// Responder country (record 520).
                responder_country: u16,
                $($orig_country)*
                /// IOC number (record 161).
                ioc_number: u16,
                /// Source autonomous system.
                source_autonomous_system: u32,
                /// Destination autonomous system.
                destination_autonomous_system: u32,
                /// SNMP in.
                snmp_in: u16,
                /// SNMP out.
                snmp_out: u16,
                /// Source TOS.
                source_tos: u8,
                /// Destination TOS.
                destination_tos: u8,
                /// Source mask.
                source_mask: u8,
                /// Destination mask.
                destination_mask: u8,
                /// Security context (opaque).
                security_context: bytes[16],
                /// VLAN ID.
                vlan_id: u16,
                /// Referenced host.
                referenced_host: string,
                /// User agent.
                user_agent: string,
                /// HTTP referrer.
                http_referrer: string,
                /// SSL certificate fingerprint (SHA-1).
                ssl_certificate_fingerprint: bytes[20],
                /// SSL policy ID.
                ssl_policy_id: uuid,
                /// SSL rule ID.
                ssl_rule_id: u32,
                /// SSL cipher suite (record 602).
                ssl_cipher_suite: u16,
                /// SSL version (record 604).
                ssl_version: u8,
                /// SSL server certificate status (record 605); u32 as eNcore reads it.
                ssl_server_certificate_status: u32,
                /// SSL actual action (record 606).
                ssl_actual_action: u16,
                /// SSL expected action (record 607).
                ssl_expected_action: u16,
                /// SSL flow status (record 608).
                ssl_flow_status: u16,
                /// SSL flow error.
                ssl_flow_error: u32,
                /// SSL flow messages.
                ssl_flow_messages: u32,
                /// SSL flow flags.
                ssl_flow_flags: u64,
                /// SSL server name.
                ssl_server_name: string,
                /// SSL URL category (record 613).
                ssl_url_category: u32,
                /// SSL session ID (the first `ssl_session_id_length` bytes are meaningful).
                ssl_session_id: bytes[32],
                /// Valid bytes of the SSL session ID.
                ssl_session_id_length: u8,
                /// SSL ticket ID (the first `ssl_ticket_id_length` bytes are meaningful).
                ssl_ticket_id: bytes[20],
                /// Valid bytes of the SSL ticket ID.
                ssl_ticket_id_length: u8,
                /// Network analysis policy revision.
                network_analysis_policy_revision: uuid,
                /// Endpoint profile ID.
                endpoint_profile_id: u32,
                /// Security group ID.
                security_group_id: u32,
                $($sgt)*
                /// Location IPv6 address.
                location_ipv6: ip16,
                /// HTTP response code.
                http_response_code: u32,
                /// DNS query.
                dns_query: string,
                /// DNS record type (record 320).
                dns_record_type: u16,
                /// DNS response type (record 321).
                dns_response_type: u16,
                /// DNS TTL.
                dns_ttl: u32,
                /// Sinkhole UUID (record 322).
                sinkhole_uuid: uuid,
                /// Security Intelligence list 1 (record 280).
                security_intelligence_list_1: u32,
                /// Security Intelligence list 2 (record 280).
                security_intelligence_list_2: u32,
                $($tail)*
            }
        }
    };
}

connection_block!(
    /// Connection statistics block 160 (FMC 6.0; WIRE.md §10): block 163 without the original
    /// client address and country, tunnel rule, dropped counters and QoS fields.
    connection_160, "connection_statistics_160", 160,
    orig_ip {}, tunnel {}, dropped {}, qos {}, orig_country {}, sgt {}, tail {}
);

/// A connection block of the 6.1+ family: block 163's fields plus `sgt` and `tail` segments.
macro_rules! connection_block_6x {
    ($(#[$m:meta])* $module:ident, $name:literal, $block:literal,
     sgt { $($sgt:tt)* }, tail { $($tail:tt)* }) => {
        connection_block!(
            $(#[$m])* $module, $name, $block,
            orig_ip {
                /// Original client address (behind a proxy).
                original_client_ip: ip16,
            },
            tunnel {
                /// Tunnel / prefilter rule ID.
                tunnel_rule_id: u32,
            },
            dropped {
                /// Initiator packets dropped.
                initiator_packets_dropped: u64,
                /// Responder packets dropped.
                responder_packets_dropped: u64,
                /// Initiator bytes dropped.
                initiator_bytes_dropped: u64,
                /// Responder bytes dropped.
                responder_bytes_dropped: u64,
            },
            qos {
                /// QoS-applied interface.
                qos_applied_interface: uuid,
                /// QoS rule ID.
                qos_rule_id: u32,
            },
            orig_country {
                /// Original client country (record 520).
                original_client_country: u16,
            },
            sgt { $($sgt)* },
            tail { $($tail)* }
        );
    };
}

connection_block_6x!(
    /// Connection statistics block 163 (FMC 6.1+; WIRE.md §10).
    connection_163, "connection_statistics_163", 163, sgt {}, tail {}
);

connection_block_6x!(
    /// Connection statistics block 168 (eNcore 5.2.11; "6.7"): block 163 + Security
    /// Intelligence list 3. (eNcore 5.2.11 cannot decode it: its dispatcher points at a deleted
    /// alias, WIRE.md §12 item 24.)
    connection_168, "connection_statistics_168", 168,
    sgt {},
    tail {
        /// Security Intelligence list 3.
        security_intelligence_list_3: u32,
    }
);

connection_block_6x!(
    /// Connection statistics block 169 (eNcore 5.2.11): block 163 + threat intelligence
    /// category (the same bytes as 168, another name).
    connection_169, "connection_statistics_169", 169,
    sgt {},
    tail {
        /// Threat intelligence category.
        threat_intelligence_category: u32,
    }
);

connection_block_6x!(
    /// Connection statistics block 170 (eNcore 5.2.11): block 169 + source and destination
    /// security group tags, inserted before the location IPv6 address.
    connection_170, "connection_statistics_170", 170,
    sgt {
        /// Source security group tag.
        source_sgt: u16,
        /// Destination security group tag.
        destination_sgt: u16,
    },
    tail {
        /// Threat intelligence category.
        threat_intelligence_category: u32,
    }
);

/// The SGT segment of blocks 171-174: tags with their type bytes.
macro_rules! connection_block_171 {
    ($(#[$m:meta])* $module:ident, $name:literal, $block:literal, tail { $($tail:tt)* }) => {
        connection_block_6x!(
            $(#[$m])* $module, $name, $block,
            sgt {
                /// Source security group tag.
                source_sgt: u16,
                /// Source security group tag type.
                source_sgt_type: u8,
                /// Destination security group tag.
                destination_sgt: u16,
                /// Destination security group tag type.
                destination_sgt_type: u8,
            },
            tail {
                /// Threat intelligence category.
                threat_intelligence_category: u32,
                $($tail)*
            }
        );
    };
}

connection_block_171!(
    /// Connection statistics block 171 (eNcore 5.2.11): 170 + SGT type bytes + VRF names.
    connection_171, "connection_statistics_171", 171,
    tail {
        /// Ingress VRF name.
        ingress_vrf: string,
        /// Egress VRF name.
        egress_vrf: string,
    }
);

connection_block_171!(
    /// Connection statistics block 173 (eNcore 5.2.11, "7.0"): 171 + dynamic attributes.
    connection_173, "connection_statistics_173", 173,
    tail {
        /// Ingress VRF name.
        ingress_vrf: string,
        /// Egress VRF name.
        egress_vrf: string,
        /// Source IP dynamic attributes.
        source_ip_dynamic_attributes: string,
        /// Destination IP dynamic attributes.
        destination_ip_dynamic_attributes: string,
    }
);

connection_block_171!(
    /// Connection statistics block 174 (eNcore 5.2.11, "7.1"; the newest known): 173 + the
    /// encrypted visibility engine and NAT fields, inserted before the VRF names.
    connection_174, "connection_statistics_174", 174,
    tail {
        /// EVE process.
        eve_process: string,
        /// EVE process confidence (%).
        eve_process_confidence: u8,
        /// EVE threat confidence (%).
        eve_threat_confidence: u8,
        /// EVE threat confidence index.
        eve_threat_confidence_index: u8,
        /// Client application detector ID.
        client_application_detector_id: u8,
        /// NAT initiator port.
        nat_initiator_port: u16,
        /// NAT responder port.
        nat_responder_port: u16,
        /// NAT initiator address.
        nat_initiator_ip: ip16,
        /// NAT responder address.
        nat_responder_ip: ip16,
        /// Ingress VRF name.
        ingress_vrf: string,
        /// Egress VRF name.
        egress_vrf: string,
        /// Source IP dynamic attributes.
        source_ip_dynamic_attributes: string,
        /// Destination IP dynamic attributes.
        destination_ip_dynamic_attributes: string,
    }
);

/// Defines a file event block (records 500, 502; WIRE.md §10.1): block 56, and 79 = 56 + VRFs.
macro_rules! file_event_block {
    ($(#[$m:meta])* $module:ident, $name:literal, $block:literal, { $($tail:tt)* }) => {
        layout! {
            $(#[$m])*
            mod $module;
            name = $name, block = Some($block), series = Two;
            {
                /// Offset 8: managed device ID.
                device_id: u32,
                /// Offset 12: connection instance (with the next two: the connection event).
                connection_instance: u16,
                /// Offset 14: connection counter.
                connection_counter: u16,
                /// Offset 16: connection timestamp (UNIX seconds).
                connection_timestamp: u32,
                /// Offset 20: file event timestamp (UNIX seconds).
                file_event_timestamp: u32,
                /// Offset 24: source address.
                source_ip: ip16,
                /// Offset 40: destination address.
                destination_ip: ip16,
                /// Offset 56: disposition (0 N/A, 1 clean, 2 unknown, 3 malware, 4 unavailable,
                /// 5 custom signature).
                disposition: u8,
                /// Offset 57: SPERO disposition (record 517).
                spero_disposition: u8,
                /// Offset 58: file storage status (record 515).
                file_storage_status: u8,
                /// Offset 59: file analysis status (record 519).
                file_analysis_status: u8,
                /// Offset 60: local malware analysis status.
                local_malware_analysis_status: u8,
                /// Offset 61: archive file status (record 518).
                archive_file_status: u8,
                /// Offset 62: threat score.
                threat_score: u8,
                /// Offset 63: action.
                action: u8,
                /// Offset 64: SHA-256 (record 511).
                sha256: bytes[32],
                /// Offset 96: file type ID (record 510).
                file_type_id: u32,
                /// Offset 100: file name.
                file_name: string,
                /// File size.
                file_size: u64,
                /// Direction.
                direction: u8,
                /// Application ID (record 63).
                application_id: u32,
                /// User ID.
                user_id: u32,
                /// URI.
                uri: string,
                /// Signature.
                signature: string,
                /// Source port.
                source_port: u16,
                /// Destination port.
                destination_port: u16,
                /// IANA protocol.
                protocol: u8,
                /// Access control policy UUID.
                access_control_policy_uuid: uuid,
                /// Source country (record 520).
                source_country: u16,
                /// Destination country (record 520).
                destination_country: u16,
                /// Web application ID (record 109).
                web_application_id: u32,
                /// Client application ID (record 55).
                client_application_id: u32,
                /// Security context (opaque).
                security_context: bytes[16],
                /// SSL certificate fingerprint (SHA-1).
                ssl_certificate_fingerprint: bytes[20],
                /// SSL actual action (record 606).
                ssl_actual_action: u16,
                /// SSL flow status (record 608).
                ssl_flow_status: u16,
                /// Archive SHA.
                archive_sha: string,
                /// Archive name.
                archive_name: string,
                /// Archive depth.
                archive_depth: u8,
                /// HTTP response code.
                http_response_code: u32,
                $($tail)*
            }
        }
    };
}

file_event_block!(
    /// File Event block 56 (records 500, 502; FMC 6.0+; WIRE.md §10.1).
    file_event_56, "file_event_56", 56, {}
);

file_event_block!(
    /// File Event block 79 (records 500, 502; file request v7): block 56 + VRF names.
    file_event_79, "file_event_79", 79, {
        /// Ingress VRF name.
        ingress_vrf: string,
        /// Egress VRF name.
        egress_vrf: string,
    }
);

/// Defines a malware event block (record 125; WIRE.md §10.2): block 62, and 80 = 62 + VRFs.
macro_rules! malware_event_block {
    ($(#[$m:meta])* $module:ident, $name:literal, $block:literal, { $($tail:tt)* }) => {
        layout! {
            $(#[$m])*
            mod $module;
            name = $name, block = Some($block), series = Two;
            {
                /// Offset 8: agent UUID.
                agent_uuid: uuid,
                /// Offset 24: cloud UUID (record 127).
                cloud_uuid: uuid,
                /// Offset 40: malware event timestamp (UNIX seconds).
                malware_event_timestamp: u32,
                /// Offset 44: event type ID (record 128).
                event_type_id: u32,
                /// Offset 48: event subtype ID (record 129).
                event_subtype_id: u32,
                /// Offset 52: detector ID (record 130).
                detector_id: u8,
                /// Offset 53: detection name.
                detection_name: string,
                /// User.
                user: string,
                /// File name.
                file_name: string,
                /// File path.
                file_path: string,
                /// File SHA hash (text).
                file_sha_hash: string,
                /// File size.
                file_size: u32,
                /// File type (record 131).
                file_type: u32,
                /// File timestamp.
                file_timestamp: u32,
                /// Parent file name.
                parent_file_name: string,
                /// Parent SHA hash.
                parent_sha_hash: string,
                /// Event description.
                event_description: string,
                /// Managed device ID.
                device_id: u32,
                /// Connection instance.
                connection_instance: u16,
                /// Connection counter.
                connection_counter: u16,
                /// Connection event timestamp.
                connection_event_timestamp: u32,
                /// Direction.
                direction: u8,
                /// Source address.
                source_ip: ip16,
                /// Destination address.
                destination_ip: ip16,
                /// Application ID (record 63).
                application_id: u32,
                /// User ID.
                user_id: u32,
                /// Access control policy UUID.
                access_control_policy_uuid: uuid,
                /// Disposition.
                disposition: u8,
                /// Retro disposition.
                retro_disposition: u8,
                /// URI.
                uri: string,
                /// Source port.
                source_port: u16,
                /// Destination port.
                destination_port: u16,
                /// Source country (record 520).
                source_country: u16,
                /// Destination country (record 520).
                destination_country: u16,
                /// Web application ID (record 109).
                web_application_id: u32,
                /// Client application ID (record 55).
                client_application_id: u32,
                /// Action.
                action: u8,
                /// IANA protocol.
                protocol: u8,
                /// Threat score.
                threat_score: u8,
                /// IOC number (record 161).
                ioc_number: u16,
                /// Security context (opaque).
                security_context: bytes[16],
                /// SSL certificate fingerprint (SHA-1).
                ssl_certificate_fingerprint: bytes[20],
                /// SSL actual action (record 606).
                ssl_actual_action: u16,
                /// SSL flow status (record 608).
                ssl_flow_status: u16,
                /// Archive SHA.
                archive_sha: string,
                /// Archive name.
                archive_name: string,
                /// Archive depth.
                archive_depth: u8,
                /// HTTP response code.
                http_response_code: u32,
                $($tail)*
            }
        }
    };
}

malware_event_block!(
    /// Malware Event block 62 (record 125; FMC 6.0+; WIRE.md §10.2).
    malware_event_62, "malware_event_62", 62, {}
);

malware_event_block!(
    /// Malware Event block 80 (record 125; FMC 7.0+, malware request v8): block 62 + VRF names.
    malware_event_80, "malware_event_80", 80, {
        /// Ingress VRF name.
        ingress_vrf: string,
        /// Egress VRF name.
        egress_vrf: string,
    }
);
