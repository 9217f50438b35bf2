//! Connection events: record 71, the discovery event header then one connection statistics
//! block (series 1, docs/protocol.md §10), in the layout its block type names (160 for FMC 6.0, 163 for
//! 6.1+, 168-174 for later releases, each built on an earlier one), and the connection chunk
//! (record 73).
//!
//! The blocks' field lists are eNcore 5.2.11's (`estreamer/definitions/blocks_series1.py`);
//! block 172 has no definition anywhere and stays a raw block.

layouts! {
    family connection;

    // Record 71: connection statistics blocks, each built on an earlier one.

    /// Connection statistics block 160 (FMC 6.0; docs/protocol.md §10): block 163 without the original
    /// client address and country, tunnel rule, dropped counters and QoS fields.
    mod connection_160;
    name = "connection_statistics_160", block = Some(160), series = One;
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
            /// Access control policy revision (records 119, 145).
            policy_revision: uuid,
            /// Access control rule ID (record 119).
            rule_id: u32,
            /// Rule action (record 120).
            rule_action: u16,
            /// Rule reason (record 124); u32 as eNcore reads it (docs/protocol.md §12 item 16).
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
    }

    /// Connection statistics block 163 (FMC 6.1+; docs/protocol.md §10): block 160 + the original client
    /// address and country, the tunnel rule, the dropped counters and the QoS fields.
    mod connection_163;
    name = "connection_statistics_163", block = Some(163), series = One;
    from connection_160 {
        after responder_ip {
            /// Original client address (behind a proxy).
            original_client_ip: ip16,
        }
        after rule_id {
            /// Tunnel / prefilter rule ID.
            tunnel_rule_id: u32,
        }
        after responder_transmitted_bytes {
            /// Initiator packets dropped.
            initiator_packets_dropped: u64,
            /// Responder packets dropped.
            responder_packets_dropped: u64,
            /// Initiator bytes dropped.
            initiator_bytes_dropped: u64,
            /// Responder bytes dropped.
            responder_bytes_dropped: u64,
            /// QoS-applied interface.
            qos_applied_interface: uuid,
            /// QoS rule ID.
            qos_rule_id: u32,
        }
        after responder_country {
            /// Original client country (record 520).
            original_client_country: u16,
        }
    }

    /// Connection statistics block 168 (eNcore 5.2.11; "6.7"): block 163 + Security
    /// Intelligence list 3. (eNcore 5.2.11 cannot decode it: its dispatcher points at a deleted
    /// alias, docs/protocol.md §12 item 24.)
    mod connection_168;
    name = "connection_statistics_168", block = Some(168), series = One;
    from connection_163 {
        end {
            /// Security Intelligence list 3.
            security_intelligence_list_3: u32,
        }
    }

    /// Connection statistics block 169 (eNcore 5.2.11): block 163 + threat intelligence
    /// category (the same bytes as 168, another name).
    mod connection_169;
    name = "connection_statistics_169", block = Some(169), series = One;
    from connection_163 {
        end {
            /// Threat intelligence category.
            threat_intelligence_category: u32,
        }
    }

    /// Connection statistics block 170 (eNcore 5.2.11): block 169 + source and destination
    /// security group tags, inserted before the location IPv6 address.
    mod connection_170;
    name = "connection_statistics_170", block = Some(170), series = One;
    from connection_169 {
        after security_group_id {
            /// Source security group tag.
            source_sgt: u16,
            /// Destination security group tag.
            destination_sgt: u16,
        }
    }

    /// Connection statistics block 171 (eNcore 5.2.11): 170 + the tags' type bytes + VRF names.
    mod connection_171;
    name = "connection_statistics_171", block = Some(171), series = One;
    from connection_170 {
        after source_sgt {
            /// Source security group tag type.
            source_sgt_type: u8,
        }
        after destination_sgt {
            /// Destination security group tag type.
            destination_sgt_type: u8,
        }
        end {
            /// Ingress VRF name.
            ingress_vrf: string,
            /// Egress VRF name.
            egress_vrf: string,
        }
    }

    /// Connection statistics block 173 (eNcore 5.2.11, "7.0"): 171 + dynamic attributes.
    mod connection_173;
    name = "connection_statistics_173", block = Some(173), series = One;
    from connection_171 {
        end {
            /// Source IP dynamic attributes.
            source_ip_dynamic_attributes: string,
            /// Destination IP dynamic attributes.
            destination_ip_dynamic_attributes: string,
        }
    }

    /// Connection statistics block 174 (eNcore 5.2.11, "7.1"; the newest known): 173 + the
    /// encrypted visibility engine and NAT fields, inserted before the VRF names.
    mod connection_174;
    name = "connection_statistics_174", block = Some(174), series = One;
    from connection_173 {
        after threat_intelligence_category {
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
        }
    }

    // Record 73.

    /// Connection chunk, series-1 block 136 (5.1.1): record 73 (docs/protocol.md §10 "Related record
    /// 73"; eNcore `blocks_series1.py`, BLOCK_CONNECTION_CHUNK_511).
    mod connection_chunk;
    name = "connection_chunk", block = Some(136), series = One;
    {
        /// initiator IPv4 address.
        initiator_ip: ipv4,
        /// responder IPv4 address.
        responder_ip: ipv4,
        /// UNIX seconds of the chunk's start.
        start_time: u32,
        /// application protocol ID (record 63; eNcore `applicationProto`).
        application_protocol_id: u32,
        /// responder port.
        responder_port: u16,
        /// IANA protocol.
        protocol: u8,
        /// connection type.
        connection_type: u8,
        /// NetFlow detector IPv4 address.
        netflow_detector_ip: ipv4,
        /// packets sent.
        packets_sent: u64,
        /// packets received.
        packets_received: u64,
        /// bytes sent.
        bytes_sent: u64,
        /// bytes received.
        bytes_received: u64,
        /// connections.
        connections: u32,
    }

    // The records.

    /// Record 71: a connection event, the discovery event header then one connection statistics
    /// block in the layout its block type names.
    record 71 "Connection statistics" as Connection: discovery block {
        V160 connection_160,
        V163 connection_163,
        V168 connection_168,
        V169 connection_169,
        V170 connection_170,
        V171 connection_171,
        V173 connection_173,
        V174 connection_174,
    };
    record 73 "Connection chunk": discovery block connection_chunk;
}
