//! Discovery (RNA) and correlation records (docs/protocol.md §6.5, §10.3, Appendix A): the discovery
//! event header, the host, server, client application, user-input and IOC records built on it,
//! and the correlation event (record 112). They decode generically through their layouts
//! ([`Record::Generic`](crate::Record::Generic)): the discovery event header (40 or 56 bytes)
//! and then one series-1 block dispatched on its wire type, or plain fields.
//!
//! Where the Integration Guide gives no field list for a block, the field order, sizes and types are those of
//! Cisco's eNcore 5.2.11 client (GitHub `CiscoSecurity/fp-05-firepower-cli`, commit `88b8ae19`,
//! file `estreamer/definitions/blocks_series1.py`, the entry named in each layout's
//! documentation; record bodies from `estreamer/definitions/records.py`). Field names are
//! eNcore's in snake_case, except where eNcore's name is a Rust keyword (`type`), is vague at
//! the top level of a JSON object (`id`), or is a copy slip (block 77's server list is called
//! `macRanges` there); those renamings are noted per field. eNcore renders some 16-byte
//! addresses as raw hex (`UINT128`); here every 16-byte address is an `ip16` (the wire bytes
//! are the same, docs/protocol.md §11.2), every opaque 16-byte security context `bytes[16]`.
//!
//! Left out, so they stay raw (`Record::Unknown`): records 18 and 53 (their block 53, OS data
//! 3.5, has no layout in eNcore or the Integration Guide) and 46-48 (block 55, attribute definition 4.7, the
//! same); docs/protocol.md §11.7 and Appendix A mark them "broken" in both eNcore releases.
//!
//! Dispatch on the wire type where sources disagree on a record's block (docs/protocol.md §12 item 23):
//! record 160 accepts 7 (6.1+ IOC set) and 150 (6.0 IOC state, Appendix A). Any other block
//! type stays a raw block after the decoded header.

layouts! {
    family discovery;

    // The discovery event header, which starts discovery, user and connection records.

    /// Discovery event header (docs/protocol.md §6.5, 5.2+): starts the body of discovery, user and
    /// connection records. 40 bytes, or 56 when Has IPv6 is 1 (the IPv6 Address follows).
    mod discovery_header;
    name = "discovery_header", block = None, series = One;
    {
        /// managed device ID.
        device_id: u32,
        /// IPv4 address of the host (0.0.0.0 when Has IPv6 is 1).
        legacy_ip_address: ipv4,
        /// MAC address.
        mac_address: mac,
        /// 1 when the IPv6 Address field is present.
        has_ipv6: u8,
        /// reserved.
        reserved: u8,
        /// UNIX seconds.
        event_second: u32,
        /// microseconds.
        event_microsecond: u32,
        /// event type (1000 new, 1001 change, 1002 user input, 1003 flow, 1004 user,
        /// 1008 IOC, 1050 full host profile).
        event_type: u32,
        /// event subtype.
        event_subtype: u32,
        /// file number (internal).
        file_number: bytes[4],
        /// file position (internal).
        file_position: bytes[4],
        /// IPv6 address, present only when Has IPv6 (offset 14) is 1.
        ipv6_address: opt_ip16[14],
    }

    // Plain-field bodies after the discovery header (records.py: "discovery" then one scalar).

    /// The discovery event header alone: records 19 (host timeout), 20 (host IP address
    /// reused), 21 (host deleted: host limit reached) and 44 (host dropped: host limit
    /// reached), whose eNcore definitions (`records.py`) hold the discovery header and nothing
    /// else. Bytes after the header are kept as trailing bytes.
    mod discovery_header_only;
    name = "discovery_header_only", block = None, series = One;
    {}

    /// New network protocol, record 13: the discovery header, then the protocol (eNcore
    /// `records.py`, RECORD_RNA_NEW_NET_PROTOCOL; docs/protocol.md Appendix A "disc + u16").
    mod network_protocol;
    name = "network_protocol", block = None, series = One;
    {
        /// network protocol (an EtherType, name via record 59).
        network_protocol: u16,
    }

    /// New transport protocol, record 14 (eNcore `records.py`, RECORD_RNA_NEW_XPORT_PROTOCOL;
    /// docs/protocol.md Appendix A "disc + u8").
    mod transport_protocol;
    name = "transport_protocol", block = None, series = One;
    {
        /// IANA transport protocol number.
        transport_protocol: u8,
    }

    /// Hops change, record 22 (eNcore `records.py`, RECORD_RNA_CHANGE_HOPS; docs/protocol.md Appendix A
    /// "disc + u8").
    mod hops;
    name = "hops", block = None, series = One;
    {
        /// network hops to the host.
        hops: u8,
    }

    /// TCP/UDP port closed or timed out, records 23, 24, 25, 26 (eNcore `records.py`,
    /// RECORD_RNA_CHANGE_{TCP,UDP}_PORT_{CLOSED,TIMEOUT}; docs/protocol.md Appendix A "disc + u16").
    mod port;
    name = "port", block = None, series = One;
    {
        /// the port.
        port: u16,
    }

    /// Host IP address changed, record 29 (eNcore `records.py`, RECORD_RNA_CHANGE_HOST_IP;
    /// docs/protocol.md Appendix A "disc + ip16").
    mod host_ip_address;
    name = "host_ip_address", block = None, series = One;
    {
        /// the host's new address.
        ip_address: ip16,
    }

    /// Host identified as router/bridge, record 31 (eNcore `records.py`,
    /// RECORD_RNA_CHANGE_HOST_TYPE; docs/protocol.md Appendix A "disc + u32").
    mod host_type;
    name = "host_type", block = None, series = One;
    {
        /// host type (0 host, 1 router, 2 bridge).
        host_type: u32,
    }

    // Small blocks.

    /// Subserver, series-1 block 1: item of block 117's subserver list (eNcore
    /// `blocks_series1.py`, BLOCK_SUBSERVER).
    mod subserver;
    name = "subserver", block = Some(1), series = One;
    {
        /// subserver name (String block).
        subserver_name: string,
        /// Vendor (String block).
        vendor: string,
        /// Version (String block).
        version: string,
    }

    /// Protocol, series-1 block 4: item of block 139's network and transport protocol lists
    /// (eNcore `blocks_series1.py`, BLOCK_PROTOCOL; docs/protocol.md §7.3).
    mod protocol;
    name = "protocol", block = Some(4), series = One;
    {
        /// the protocol number.
        protocol: u16,
    }

    /// Integer, series-1 block 7: record 160's IOC ID (6.1+) and the items of block 109's
    /// Bugtraq ID list (eNcore `blocks_series1.py`, BLOCK_INTEGER; docs/protocol.md §7.3).
    mod integer;
    name = "integer", block = Some(7), series = One;
    {
        /// the value.
        value: u32,
    }

    /// VLAN data, series-1 block 14: record 34 (eNcore `blocks_series1.py`, BLOCK_VLAN_DATA;
    /// docs/protocol.md §7.3).
    mod vlan_data;
    name = "vlan_data", block = Some(14), series = One;
    {
        /// VLAN ID (eNcore `id`).
        vlan_id: u16,
        /// VLAN type (eNcore `type`).
        vlan_type: u8,
        /// VLAN priority (eNcore `priority`).
        vlan_priority: u8,
    }

    /// String information, series-1 block 35: record 42 (NetBIOS name) and the items of block
    /// 109's CVE ID list (eNcore `blocks_series1.py`, BLOCK_STRING_INFORMATION; docs/protocol.md §7.3:
    /// wraps a String block).
    mod string_information;
    name = "string_information", block = Some(35), series = One;
    {
        /// the text (String block).
        value: string,
    }

    /// Server banner, series-1 block 37: record 45 (eNcore `blocks_series1.py`,
    /// BLOCK_SERVER_BANNER; docs/protocol.md §7.3: u16 port, u8 protocol, BLOB).
    mod server_banner;
    name = "server_banner", block = Some(37), series = One;
    {
        /// server port.
        port: u16,
        /// IANA protocol.
        protocol: u8,
        /// the banner (BLOB block, type 10; eNcore `data`).
        banner: blob,
    }

    /// MAC address specification, series-1 block 63: item of blocks 57's and 78's MAC lists
    /// (eNcore `blocks_series1.py`, BLOCK_MAC_ADDRESS_SPECIFICATION; docs/protocol.md §7.3).
    mod mac_address_specification;
    name = "mac_address_specification", block = Some(63), series = One;
    {
        /// MAC address.
        mac_address: mac,
    }

    /// Fix data, series-1 block 67: item of block 134's fix list (eNcore `blocks_series1.py`,
    /// BLOCK_FIX_DATA).
    mod fix_data;
    name = "fix_data", block = Some(67), series = One;
    {
        /// fix ID (eNcore `id`).
        fix_id: u32,
    }

    /// IP address range, series-1 block 141: item of the IP range lists of the user-input
    /// blocks (eNcore `blocks_series1.py`, BLOCK_IP_ADDRESS_RANGE_DATA_52; docs/protocol.md §7.3: two
    /// ip16).
    mod ip_address_range_data;
    name = "ip_address_range_data", block = Some(141), series = One;
    {
        /// first address of the range (eNcore `start`).
        range_start: ip16,
        /// last address of the range (eNcore `finish`).
        range_end: ip16,
    }

    /// Web application data, series-1 block 123: item of blocks 103's, 112's and 122's web
    /// application lists (eNcore `blocks_series1.py`, BLOCK_WEB_APPLICATION_DATA_50).
    mod web_application_data;
    name = "web_application_data", block = Some(123), series = One;
    {
        /// web application ID (record 109).
        application_id: u32,
    }

    /// Host vulnerability, series-1 block 85: item of block 112's vulnerability list (eNcore
    /// `blocks_series1.py`, BLOCK_HOST_VULNERABILITY_49).
    mod host_vulnerability;
    name = "host_vulnerability", block = Some(85), series = One;
    {
        /// vulnerability ID.
        vulnerability_id: u32,
        /// invalid flags.
        invalid_flags: u8,
        /// vulnerability type (eNcore `type`).
        vulnerability_type: u32,
    }

    /// Identity data, series-1 block 94: records 102 (identity conflict) and 103 (identity
    /// timeout) (eNcore `blocks_series1.py`, BLOCK_IDENTITY_DATA).
    mod identity_data;
    name = "identity_data", block = Some(94), series = One;
    {
        /// source type (record 90).
        source_type: u32,
        /// source ID.
        source_id: u32,
        /// identity UUID.
        uuid: uuid,
        /// port.
        port: u16,
        /// protocol.
        protocol: u16,
        /// server map ID.
        server_map_id: u32,
    }

    /// Host MAC address, series-1 block 95: records 27 and 28 and the items of block 139's MAC
    /// list (eNcore `blocks_series1.py`, BLOCK_HOST_MAC_ADDRESS_49).
    mod host_mac_address;
    name = "host_mac_address", block = Some(95), series = One;
    {
        /// TTL.
        ttl: u8,
        /// the MAC address (eNcore `address`).
        mac_address: mac,
        /// 1 when this is the host's primary MAC address.
        primary: u8,
        /// UNIX seconds when last seen.
        last_seen: u32,
    }

    /// Mobile device information, series-1 block 131: item of block 130's mobile device list
    /// (eNcore `blocks_series1.py`, BLOCK_MOBILE_DEVICE_INFORMATION_51).
    mod mobile_device_information;
    name = "mobile_device_information", block = Some(131), series = One;
    {
        /// device description (String block; eNcore `string`).
        device_string: string,
        /// UNIX seconds when last seen.
        last_seen: u32,
        /// Mobile flag.
        mobile: u32,
        /// Jailbroken flag.
        jailbroken: u32,
    }

    /// Operating system fingerprint, series-1 block 130: record 101 (new OS) and the items of
    /// block 139's nine fingerprint lists (eNcore `blocks_series1.py`,
    /// BLOCK_OPERATING_SYSTEM_FINGERPRINT_51).
    mod operating_system_fingerprint;
    name = "operating_system_fingerprint", block = Some(130), series = One;
    {
        /// fingerprint UUID (record 54; eNcore `uuid`).
        fingerprint_uuid: uuid,
        /// fingerprint type (eNcore `type`).
        fingerprint_type: u32,
        /// source type (record 90).
        source_type: u32,
        /// source ID.
        source_id: u32,
        /// UNIX seconds when last seen.
        last_seen: u32,
        /// TTL difference.
        ttl_difference: u8,
        /// mobile devices (List of block 131).
        mobile_devices: list(super::mobile_device_information::LAYOUT),
    }

    // Servers and client applications.

    /// Server information, series-1 block 117: item of block 103's server information list
    /// (eNcore `blocks_series1.py`, BLOCK_SERVER_INFORMATION_50).
    mod server_information;
    name = "server_information", block = Some(117), series = One;
    {
        /// application protocol ID (record 63).
        application_id: u32,
        /// Vendor (String block).
        vendor: string,
        /// Version (String block).
        version: string,
        /// UNIX seconds when last used.
        last_used: u32,
        /// Source type (record 90).
        source_type: u32,
        /// Source ID.
        source_id: u32,
        /// Subservers (List of block 1).
        subservers: list(super::subserver::LAYOUT),
    }

    /// Host server data, series-1 block 103: records 11, 12, 16, 17, 51, 52 and the items of
    /// block 139's TCP and UDP server lists (eNcore `blocks_series1.py`,
    /// BLOCK_HOST_SERVER_DATA_41). eNcore notes that the guide's web application length and data
    /// after the list are not on the wire; they are not read here either.
    mod host_server_data;
    name = "host_server_data", block = Some(103), series = One;
    {
        /// server port.
        port: u16,
        /// hits.
        hits: u32,
        /// UNIX seconds when last used.
        last_used: u32,
        /// server information (List of block 117).
        server_information: list(super::server_information::LAYOUT),
        /// Confidence.
        confidence: u32,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
    }

    /// Host client application, series-1 block 122: records 15, 35 and 107 (eNcore
    /// `blocks_series1.py`, BLOCK_HOST_CLIENT_APPLICATION_50).
    mod host_client_application;
    name = "host_client_application", block = Some(122), series = One;
    {
        /// hits.
        hits: u32,
        /// UNIX seconds when last used.
        last_used: u32,
        /// client application ID (record 55; eNcore `id`).
        client_application_id: u32,
        /// application protocol ID (record 63; eNcore `applicationProto`).
        application_protocol_id: u32,
        /// version (String block).
        version: string,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
    }

    /// Full host client application, series-1 block 112: item of block 139's client
    /// application list (eNcore `blocks_series1.py`, BLOCK_FULL_HOST_CLIENT_APPLICATION_50).
    mod full_host_client_application;
    name = "full_host_client_application", block = Some(112), series = One;
    {
        /// hits.
        hits: u32,
        /// UNIX seconds when last used.
        last_used: u32,
        /// client application ID (record 55).
        application_id: u32,
        /// version (String block).
        version: string,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
        /// Vulnerabilities (List of block 85).
        vulnerabilities: list(super::host_vulnerability::LAYOUT),
    }

    /// Host profile, series-1 block 139 (5.2): record 10, new host (eNcore `blocks_series1.py`,
    /// BLOCK_HOST_PROFILE_DATA_52).
    mod host_profile_data;
    name = "host_profile_data", block = Some(139), series = One;
    {
        /// host address.
        ip_address: ip16,
        /// network hops.
        hops: u8,
        /// primary / secondary.
        primary_secondary: u8,
        /// server fingerprints (List of block 130).
        server_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// Client fingerprints (List of block 130).
        client_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// SMB fingerprints (List of block 130).
        smb_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// DHCP fingerprints (List of block 130).
        dhcp_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// Mobile device fingerprints (List of block 130).
        mobile_device_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// IPv6 server fingerprints (List of block 130).
        ipv6_server_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// IPv6 client fingerprints (List of block 130).
        ipv6_client_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// IPv6 DHCP fingerprints (List of block 130).
        ipv6_dhcp_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// User agent fingerprints (List of block 130).
        user_agent_fingerprints: list(super::operating_system_fingerprint::LAYOUT),
        /// TCP servers (List of block 103).
        tcp_servers: list(super::host_server_data::LAYOUT),
        /// UDP servers (List of block 103).
        udp_servers: list(super::host_server_data::LAYOUT),
        /// Network protocols (List of block 4).
        network_protocols: list(super::protocol::LAYOUT),
        /// Transport protocols (List of block 4).
        transport_protocols: list(super::protocol::LAYOUT),
        /// MAC addresses (List of block 95).
        host_mac_addresses: list(super::host_mac_address::LAYOUT),
        /// UNIX seconds when the host was last seen.
        host_last_seen: u32,
        /// Host type (0 host, 1 router, 2 bridge).
        host_type: u32,
        /// Mobile flag.
        mobile: u8,
        /// Jailbroken flag.
        jailbroken: u8,
        /// VLAN presence flag.
        vlan_presence: u8,
        /// VLAN ID.
        vlan_id: u16,
        /// VLAN type.
        vlan_type: u8,
        /// VLAN priority.
        vlan_priority: u8,
        /// Client applications (List of block 112).
        client_applications: list(super::full_host_client_application::LAYOUT),
        /// NetBIOS name (String block).
        netbios_name: string,
    }

    // User input (records 74-89): the user-changed host data.

    /// User product data, series-1 block 134 (5.1): records 74 (user set OS), 75 (user set
    /// server), 86 (user add server) and the items of block 142's product list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_PRODUCT_DATA_51).
    mod user_product_data;
    name = "user_product_data", block = Some(134), series = One;
    {
        /// source ID.
        source_id: u32,
        /// source type (record 90).
        source_type: u32,
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Port.
        port: u16,
        /// Protocol.
        protocol: u16,
        /// Drop-user-product flag.
        drop_user_product: u32,
        /// Custom vendor (String block).
        vendor: string,
        /// Custom product (String block).
        product: string,
        /// Custom version (String block).
        version: string,
        /// Software ID.
        software_id: u32,
        /// Server ID.
        server_id: u32,
        /// Vendor ID.
        vendor_id: u32,
        /// Product ID.
        product_id: u32,
        /// Major version (String block).
        version_major: string,
        /// Minor version (String block).
        version_minor: string,
        /// Revision (String block).
        revision: string,
        /// Major version of the range end (String block).
        to_version_major: string,
        /// Minor version of the range end (String block).
        to_version_minor: string,
        /// Revision of the range end (String block).
        to_revision: string,
        /// Build (String block).
        build: string,
        /// Patch (String block).
        patch: string,
        /// Extension (String block).
        extension: string,
        /// OS UUID.
        os_uuid: uuid,
        /// Device (String block).
        device: string,
        /// Mobile flag.
        mobile: u8,
        /// Jailbroken flag.
        jailbroken: u8,
        /// Fixes (List of block 67).
        fixes: list(super::fix_data::LAYOUT),
    }

    /// User protocol, series-1 block 57: item of block 83's protocol list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_PROTOCOL).
    mod user_protocol;
    name = "user_protocol", block = Some(57), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// MAC addresses (List of block 63).
        mac_ranges: list(super::mac_address_specification::LAYOUT),
        /// Protocol type.
        protocol_type: u8,
        /// Protocol.
        protocol: u16,
    }

    /// User protocol list, series-1 block 83 (4.7): records 76 (user delete protocol) and 88
    /// (user add protocol) (eNcore `blocks_series1.py`, BLOCK_USER_PROTOCOL_LIST_47).
    mod user_protocol_list;
    name = "user_protocol_list", block = Some(83), series = One;
    {
        /// source type (record 90).
        source_type: u32,
        /// source ID.
        source_id: u32,
        /// protocols (List of block 57; eNcore `list`).
        protocols: list(super::user_protocol::LAYOUT),
    }

    /// User client application, series-1 block 138 (5.1.1): item of block 60's list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_CLIENT_APPLICATION_511).
    mod user_client_application;
    name = "user_client_application", block = Some(138), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Application protocol ID (record 63).
        application_protocol_id: u32,
        /// Client application ID (record 55).
        client_application_id: u32,
        /// Version (String block).
        version: string,
        /// Payload type.
        payload_type: u32,
        /// Web application ID (record 109).
        web_application_id: u32,
    }

    /// User client application list, series-1 block 60: records 77 (user delete client
    /// application) and 87 (user add client application) (eNcore `blocks_series1.py`,
    /// BLOCK_USER_CLIENT_APPLICATION_LIST).
    mod user_client_application_list;
    name = "user_client_application_list", block = Some(60), series = One;
    {
        /// source type (record 90).
        source_type: u32,
        /// source ID.
        source_id: u32,
        /// client applications (List of block 138; eNcore `list`).
        client_applications: list(super::user_client_application::LAYOUT),
    }

    /// User hosts, series-1 block 78 (4.7): records 78 (user delete address) and 85 (user add
    /// host) (eNcore `blocks_series1.py`, BLOCK_USER_HOSTS_47).
    mod user_hosts;
    name = "user_hosts", block = Some(78), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// MAC addresses (List of block 63).
        mac_ranges: list(super::mac_address_specification::LAYOUT),
        /// Source ID.
        source_id: u32,
        /// Source type (record 90).
        source_type: u32,
    }

    /// User server, series-1 block 76: item of block 77's server list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_SERVER).
    mod user_server;
    name = "user_server", block = Some(76), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Port.
        port: u16,
        /// Protocol.
        protocol: u16,
    }

    /// User server list, series-1 block 77: record 79 (user delete server) (eNcore
    /// `blocks_series1.py`, BLOCK_USER_SERVER_LIST).
    mod user_server_list;
    name = "user_server_list", block = Some(77), series = One;
    {
        /// source ID.
        source_id: u32,
        /// source type (record 90).
        source_type: u32,
        /// servers (List of block 76; eNcore names it `macRanges`, a copy slip).
        servers: list(super::user_server::LAYOUT),
    }

    /// User vulnerability data, series-1 block 124 (5.0): item of block 80's list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_VULNERABILITY_DATA_50).
    mod user_vulnerability_data;
    name = "user_vulnerability_data", block = Some(124), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Port.
        port: u16,
        /// Protocol.
        protocol: u16,
        /// Vulnerability ID.
        vulnerability_id: u32,
        /// Third-party vulnerability UUID.
        third_party_vulnerability_uuid: uuid,
        /// Description (String block).
        description: string,
        /// Client application ID (record 55).
        client_application_id: u32,
        /// Application protocol ID (record 63).
        application_protocol_id: u32,
        /// Version (String block).
        version: string,
    }

    /// User vulnerability change, series-1 block 80 (4.7): records 80 and 81 (user set valid /
    /// invalid vulnerabilities) (eNcore `blocks_series1.py`,
    /// BLOCK_USER_VULNERABILITY_CHANGE_47).
    mod user_vulnerability_change;
    name = "user_vulnerability_change", block = Some(80), series = One;
    {
        /// source type (record 90).
        source_type: u32,
        /// source ID.
        source_id: u32,
        /// eNcore's `type` (it notes that the guide's diagram and table disagree
        /// here; eNcore reads a u32).
        change_type: u32,
        /// vulnerabilities (List of block 124; eNcore `list`).
        vulnerabilities: list(super::user_vulnerability_data::LAYOUT),
    }

    /// User criticality change, series-1 block 81 (4.7): record 82 (user set host
    /// criticality) (eNcore `blocks_series1.py`, BLOCK_USER_CRITICALITY_CHANGE_47).
    mod user_criticality_change;
    name = "user_criticality_change", block = Some(81), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Source ID.
        source_id: u32,
        /// Source type (record 90).
        source_type: u32,
        /// Criticality (record 58).
        criticality: u32,
    }

    /// User attribute value, series-1 block 82 (4.7): records 83 and 84 (user set / delete
    /// attribute value) (eNcore `blocks_series1.py`, BLOCK_USER_ATTRIBUTE_VALUE_47).
    mod user_attribute_value;
    name = "user_attribute_value", block = Some(82), series = One;
    {
        /// IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Source ID.
        source_id: u32,
        /// Source type (record 90).
        source_type: u32,
        /// Attribute ID (record 60).
        attribute_id: u32,
        /// The value (BLOB block, type 10).
        value: blob,
    }

    /// Generic scan results, series-1 block 108: item of block 142's scan result list (eNcore
    /// `blocks_series1.py`, BLOCK_GENERIC_SCAN_RESULTS_DATA_41).
    mod generic_scan_results_data;
    name = "generic_scan_results_data", block = Some(108), series = One;
    {
        /// port.
        port: u16,
        /// protocol.
        protocol: u16,
        /// subserver (String block).
        subserver: string,
        /// Value (String block).
        value: string,
        /// Subserver, unformatted (String block).
        subserver_unformatted: string,
        /// Value, unformatted (String block).
        value_unformatted: string,
    }

    /// Scan vulnerability, series-1 block 109: item of block 142's vulnerability list (eNcore
    /// `blocks_series1.py`, BLOCK_SCAN_VULNERABILITY_DATA_41).
    mod scan_vulnerability_data;
    name = "scan_vulnerability_data", block = Some(109), series = One;
    {
        /// port.
        port: u16,
        /// protocol.
        protocol: u16,
        /// vulnerability ID (String block; eNcore `id`).
        vulnerability_id: string,
        /// Name (String block).
        name: string,
        /// Description (String block).
        description: string,
        /// Name, cleaned (String block).
        name_clean: string,
        /// Description, cleaned (String block).
        description_clean: string,
        /// Bugtraq IDs (List of block 7).
        bugtraq_ids: list(super::integer::LAYOUT),
        /// CVE IDs (List of block 35).
        cve_ids: list(super::string_information::LAYOUT),
    }

    /// Scan result, series-1 block 142 (5.2): record 89 (user add scan result) (eNcore
    /// `blocks_series1.py`, BLOCK_SCAN_RESULT_DATA_52).
    mod scan_result_data;
    name = "scan_result_data", block = Some(142), series = One;
    {
        /// user ID.
        user_id: u32,
        /// scan type (record 61).
        scan_type: u32,
        /// host address.
        ip_address: ip16,
        /// port.
        port: u16,
        /// protocol.
        protocol: u16,
        /// flag.
        flag: u16,
        /// vulnerabilities (List of block 109).
        vulnerabilities: list(super::scan_vulnerability_data::LAYOUT),
        /// Generic scan results (List of block 108).
        scan_results: list(super::generic_scan_results_data::LAYOUT),
        /// Products (List of block 134).
        user_products: list(super::user_product_data::LAYOUT),
    }

    // IOC.

    /// IOC state, series-1 block 150 (5.3): record 160 as FMC 6.0 sends it (eNcore
    /// `blocks_series1.py`, BLOCK_IOC_STATE_53; `records.py` notes that 6.0's record 160
    /// carried this block, 6.1's an integer block). The fields are eNcore's: there is a first
    /// device ID but no last one.
    mod ioc_state;
    name = "ioc_state", block = Some(150), series = One;
    {
        /// IOC ID (record 161; eNcore `iocIdNumber`).
        ioc_id: u32,
        /// disabled flag.
        disabled: u8,
        /// UNIX seconds when first seen.
        first_seen: u32,
        /// first event ID.
        first_event_id: u32,
        /// first device ID.
        first_device_id: u32,
        /// first instance ID.
        first_instance_id: u16,
        /// first connection time.
        first_connection_time: u32,
        /// first connection counter.
        first_counter: u16,
        /// UNIX seconds when last seen.
        last_seen: u32,
        /// last event ID.
        last_event_id: u32,
        /// last instance ID.
        last_instance_id: u16,
        /// last connection time.
        last_connection_time: u32,
        /// last connection counter.
        last_counter: u16,
    }

    // Correlation event.

    /// Correlation event 5.4, series-1 block 156: record 112 (docs/protocol.md §7.3, Appendix A; eNcore
    /// `blocks_series1.py`, BLOCK_CORRELATION_EVENT_54). No discovery header: the record body is
    /// the block.
    mod correlation_event;
    name = "correlation_event", block = Some(156), series = One;
    {
        /// managed device ID (record 123).
        device_id: u32,
        /// UNIX seconds of the correlation event.
        correlation_event_second: u32,
        /// event ID.
        event_id: u32,
        /// correlation policy ID (record 69).
        policy_id: u32,
        /// correlation rule ID (record 70).
        rule_id: u32,
        /// priority.
        priority: u32,
        /// event description (String block).
        event_description: string,
        /// Type of the triggering event.
        event_type: u8,
        /// Device ID of the triggering event.
        event_device_id: u32,
        /// Signature ID.
        signature_id: u32,
        /// Signature generator ID.
        signature_generator_id: u32,
        /// UNIX seconds of the triggering event.
        trigger_event_second: u32,
        /// Microseconds of the triggering event.
        trigger_event_microsecond: u32,
        /// Event ID on the device.
        device_event_id: u32,
        /// Event defined mask.
        event_defined_mask: u32,
        /// Impact flags of the triggering event.
        event_impact_flags: u8,
        /// IANA protocol.
        ip_protocol: u8,
        /// Network protocol.
        network_protocol: u16,
        /// Source IPv4 address (eNcore reads a u32 and notes "no longer used").
        source_ipv4_address: ipv4,
        /// Source host type.
        source_host_type: u8,
        /// Source VLAN ID.
        source_vlan_id: u16,
        /// Source OS fingerprint UUID.
        source_os_fingerprint_uuid: uuid,
        /// Source host criticality.
        source_criticality: u16,
        /// Source user ID.
        source_user_id: u32,
        /// Source port.
        source_port: u16,
        /// Source server ID.
        source_server_id: u32,
        /// Destination IPv4 address (eNcore reads a u32 and notes "no longer used").
        destination_ipv4_address: ipv4,
        /// Destination host type.
        destination_host_type: u8,
        /// Destination VLAN ID.
        destination_vlan_id: u16,
        /// Destination OS fingerprint UUID.
        destination_os_fingerprint_uuid: uuid,
        /// Destination host criticality.
        destination_criticality: u16,
        /// Destination user ID.
        destination_user_id: u32,
        /// Destination port.
        destination_port: u16,
        /// Destination server ID.
        destination_server_id: u32,
        /// Impact.
        impact: u8,
        /// Blocked.
        blocked: u8,
        /// Intrusion policy UUID (record 118).
        intrusion_policy_uuid: uuid,
        /// Rule action.
        rule_action: u32,
        /// NetBIOS name (String block).
        netbios_name: string,
        /// URL category (record 121).
        url_category: u32,
        /// URL reputation (record 122).
        url_reputation: u32,
        /// URL (String block).
        url: string,
        /// Client application ID (record 55).
        client_application_id: u32,
        /// Client application version (String block).
        client_application_version: string,
        /// Access control policy revision UUID.
        access_control_policy_uuid: uuid,
        /// Access control rule ID (record 119).
        access_control_rule_id: u32,
        /// Ingress interface UUID (record 116).
        ingress_interface_uuid: uuid,
        /// Egress interface UUID (record 116).
        egress_interface_uuid: uuid,
        /// Ingress security zone UUID (record 115).
        ingress_zone_uuid: uuid,
        /// Egress security zone UUID (record 115).
        egress_zone_uuid: uuid,
        /// Source address.
        source_ip: ip16,
        /// Destination address.
        destination_ip: ip16,
        /// Source country (record 520).
        source_country: u16,
        /// Destination country (record 520).
        destination_country: u16,
        /// Security intelligence UUID.
        security_intelligence_uuid: uuid,
        /// Security context (opaque).
        security_context: bytes[16],
        /// SSL policy UUID.
        ssl_policy_uuid: uuid,
        /// SSL rule ID.
        ssl_rule_id: u32,
        /// SSL actual action (record 606).
        ssl_actual_action: u32,
        /// SSL flow status (record 608).
        ssl_flow_status: u32,
        /// SSL certificate fingerprint (SHA-1).
        ssl_certificate_fingerprint: bytes[20],
    }

    // The records.

    record 10 "New host detected": discovery block host_profile_data;
    record
        11 "New TCP server",
        12 "New UDP server",
        16 "TCP server information update",
        17 "UDP server information update",
        51 "TCP server confidence update",
        52 "UDP server confidence update": discovery block host_server_data;
    record 13 "New network protocol": discovery fields network_protocol;
    record 14 "New transport protocol": discovery fields transport_protocol;
    record
        15 "New client application",
        35 "Client application timeout",
        107 "Client application update": discovery block host_client_application;
    record
        19 "Host timeout",
        20 "Host IP address reused",
        21 "Host deleted: host limit reached",
        44 "Host dropped: host limit reached": discovery fields discovery_header_only;
    record 22 "Hops change": discovery fields hops;
    record
        23 "TCP port closed",
        24 "UDP port closed",
        25 "TCP port timeout",
        26 "UDP port timeout": discovery fields port;
    record
        27 "MAC information change",
        28 "Additional MAC detected for host": discovery block host_mac_address;
    record 29 "Host IP address changed": discovery fields host_ip_address;
    record 31 "Host identified as router/bridge": discovery fields host_type;
    record 34 "VLAN tag information update": discovery block vlan_data;
    record 42 "NetBIOS name change": discovery block string_information;
    record 45 "Update banner": discovery block server_banner;
    record
        74 "User set OS",
        75 "User set server",
        86 "User add server": discovery block user_product_data;
    record 76 "User delete protocol", 88 "User add protocol": discovery block user_protocol_list;
    record
        77 "User delete client application",
        87 "User add client application": discovery block user_client_application_list;
    record 78 "User delete address", 85 "User add host": discovery block user_hosts;
    record 79 "User delete server": discovery block user_server_list;
    record
        80 "User set valid vulnerabilities",
        81 "User set invalid vulnerabilities": discovery block user_vulnerability_change;
    record 82 "User set host criticality": discovery block user_criticality_change;
    record
        83 "User set attribute value",
        84 "User delete attribute value": discovery block user_attribute_value;
    record 89 "User add scan result": discovery block scan_result_data;
    record 101 "New OS event": discovery block operating_system_fingerprint;
    record
        102 "Identity conflict event",
        103 "Identity timeout event": discovery block identity_data;
    record 112 "Correlation event": block correlation_event;
    record 160 "Host IOC set": discovery block [integer, ioc_state];
}
