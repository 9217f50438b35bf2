//! Discovery (RNA), user activity (RUA), VPN and correlation records (WIRE.md §6.5, §10.3,
//! Appendix A): layouts and their catalogue rows.
//!
//! Each layout is defined once with `layout!` (the static description, a typed zero-copy
//! `<module>::View` and an encodable `<module>::Repr`); the records decode generically through
//! the catalogue ([`Record::Generic`](crate::Record::Generic)): the discovery event header
//! (WIRE.md §6.5, 40 or 56 bytes) and then one series-1 block dispatched on its wire type, or
//! plain fields. Offsets in the documentation are from the start of the block (its type field),
//! or from the end of the discovery header for the plain-field bodies.
//!
//! Where WIRE.md gives no field list for a block, the field order, sizes and types are those of
//! Cisco's eNcore 5.2.11 client (GitHub `CiscoSecurity/fp-05-firepower-cli`, commit `88b8ae19`,
//! file `estreamer/definitions/blocks_series1.py`, the entry named in each layout's
//! documentation; record bodies from `estreamer/definitions/records.py`). Field names are
//! eNcore's in snake_case, except where eNcore's name is a Rust keyword (`type`), is vague at
//! the top level of a JSON object (`id`), or is a copy slip (block 77's server list is called
//! `macRanges` there); those renamings are noted per field. eNcore renders some 16-byte
//! addresses as raw hex (`UINT128`); here every 16-byte address is an `ip16` (the wire bytes
//! are the same, WIRE.md §11.2), every opaque 16-byte security context `bytes[16]`.
//!
//! Left out, so they stay raw (`Record::Unknown`): records 18 and 53 (their block 53, OS data
//! 3.5, has no layout in eNcore or WIRE.md) and 46-48 (block 55, attribute definition 4.7, the
//! same); WIRE.md §11.7 and Appendix A mark them "broken" in both eNcore releases.
//!
//! Dispatch on the wire type where sources disagree on a record's block (WIRE.md §12 item 23):
//! records 92-94 accept block 155 (eNcore 5.2.11), 120 (3.8.4's record 92) and 167 (3.8.4's 93
//! and 94); record 95 accepts 167 and 127 (3.5.8); record 160 accepts 7 (6.1+ IOC set) and 150
//! (6.0 IOC state, Appendix A). Any other block type stays a raw block after the decoded
//! header.

use crate::catalogue::Entry;
use crate::catalogue::Shape::{self, Block, DiscoveryBlock, DiscoveryBody};
use crate::layout::Layout;

// ---------------------------------------------------------------------------------------------
// Plain-field bodies after the discovery header (records.py: "discovery" then one scalar).
// ---------------------------------------------------------------------------------------------

layout! {
    /// The discovery event header alone: records 19 (host timeout), 20 (host IP address
    /// reused), 21 (host deleted: host limit reached) and 44 (host dropped: host limit
    /// reached), whose eNcore definitions (`records.py`) hold the discovery header and nothing
    /// else. Bytes after the header are kept as trailing bytes.
    mod discovery_header_only;
    name = "discovery_header_only", block = None, series = One;
    {}
}

layout! {
    /// New network protocol, record 13: the discovery header, then the protocol (eNcore
    /// `records.py`, RECORD_RNA_NEW_NET_PROTOCOL; WIRE.md Appendix A "disc + u16").
    mod network_protocol;
    name = "network_protocol", block = None, series = One;
    {
        /// Offset 0: network protocol (an EtherType, name via record 59).
        network_protocol: u16,
    }
}

layout! {
    /// New transport protocol, record 14 (eNcore `records.py`, RECORD_RNA_NEW_XPORT_PROTOCOL;
    /// WIRE.md Appendix A "disc + u8").
    mod transport_protocol;
    name = "transport_protocol", block = None, series = One;
    {
        /// Offset 0: IANA transport protocol number.
        transport_protocol: u8,
    }
}

layout! {
    /// Hops change, record 22 (eNcore `records.py`, RECORD_RNA_CHANGE_HOPS; WIRE.md Appendix A
    /// "disc + u8").
    mod hops;
    name = "hops", block = None, series = One;
    {
        /// Offset 0: network hops to the host.
        hops: u8,
    }
}

layout! {
    /// TCP/UDP port closed or timed out, records 23, 24, 25, 26 (eNcore `records.py`,
    /// RECORD_RNA_CHANGE_{TCP,UDP}_PORT_{CLOSED,TIMEOUT}; WIRE.md Appendix A "disc + u16").
    mod port;
    name = "port", block = None, series = One;
    {
        /// Offset 0: the port.
        port: u16,
    }
}

layout! {
    /// Host IP address changed, record 29 (eNcore `records.py`, RECORD_RNA_CHANGE_HOST_IP;
    /// WIRE.md Appendix A "disc + ip16").
    mod host_ip_address;
    name = "host_ip_address", block = None, series = One;
    {
        /// Offset 0: the host's new address.
        ip_address: ip16,
    }
}

layout! {
    /// Host identified as router/bridge, record 31 (eNcore `records.py`,
    /// RECORD_RNA_CHANGE_HOST_TYPE; WIRE.md Appendix A "disc + u32").
    mod host_type;
    name = "host_type", block = None, series = One;
    {
        /// Offset 0: host type (0 host, 1 router, 2 bridge).
        host_type: u32,
    }
}

// ---------------------------------------------------------------------------------------------
// Small blocks.
// ---------------------------------------------------------------------------------------------

layout! {
    /// Subserver, series-1 block 1: item of block 117's subserver list (eNcore
    /// `blocks_series1.py`, BLOCK_SUBSERVER).
    mod subserver;
    name = "subserver", block = Some(1), series = One;
    {
        /// Offset 8: subserver name (String block).
        subserver_name: string,
        /// Vendor (String block).
        vendor: string,
        /// Version (String block).
        version: string,
    }
}

layout! {
    /// Protocol, series-1 block 4: item of block 139's network and transport protocol lists
    /// (eNcore `blocks_series1.py`, BLOCK_PROTOCOL; WIRE.md §7.3).
    mod protocol;
    name = "protocol", block = Some(4), series = One;
    {
        /// Offset 8: the protocol number.
        protocol: u16,
    }
}

layout! {
    /// Integer, series-1 block 7: record 160's IOC ID (6.1+) and the items of block 109's
    /// Bugtraq ID list (eNcore `blocks_series1.py`, BLOCK_INTEGER; WIRE.md §7.3).
    mod integer;
    name = "integer", block = Some(7), series = One;
    {
        /// Offset 8: the value.
        value: u32,
    }
}

layout! {
    /// VLAN data, series-1 block 14: record 34 (eNcore `blocks_series1.py`, BLOCK_VLAN_DATA;
    /// WIRE.md §7.3).
    mod vlan_data;
    name = "vlan_data", block = Some(14), series = One;
    {
        /// Offset 8: VLAN ID (eNcore `id`).
        vlan_id: u16,
        /// Offset 10: VLAN type (eNcore `type`).
        vlan_type: u8,
        /// Offset 11: VLAN priority (eNcore `priority`).
        vlan_priority: u8,
    }
}

layout! {
    /// String information, series-1 block 35: record 42 (NetBIOS name) and the items of block
    /// 109's CVE ID list (eNcore `blocks_series1.py`, BLOCK_STRING_INFORMATION; WIRE.md §7.3:
    /// wraps a String block).
    mod string_information;
    name = "string_information", block = Some(35), series = One;
    {
        /// Offset 8: the text (String block).
        value: string,
    }
}

layout! {
    /// Server banner, series-1 block 37: record 45 (eNcore `blocks_series1.py`,
    /// BLOCK_SERVER_BANNER; WIRE.md §7.3: u16 port, u8 protocol, BLOB).
    mod server_banner;
    name = "server_banner", block = Some(37), series = One;
    {
        /// Offset 8: server port.
        port: u16,
        /// Offset 10: IANA protocol.
        protocol: u8,
        /// Offset 11: the banner (BLOB block, type 10; eNcore `data`).
        banner: blob,
    }
}

layout! {
    /// MAC address specification, series-1 block 63: item of blocks 57's and 78's MAC lists
    /// (eNcore `blocks_series1.py`, BLOCK_MAC_ADDRESS_SPECIFICATION; WIRE.md §7.3).
    mod mac_address_specification;
    name = "mac_address_specification", block = Some(63), series = One;
    {
        /// Offset 8: MAC address.
        mac_address: mac,
    }
}

layout! {
    /// Fix data, series-1 block 67: item of block 134's fix list (eNcore `blocks_series1.py`,
    /// BLOCK_FIX_DATA).
    mod fix_data;
    name = "fix_data", block = Some(67), series = One;
    {
        /// Offset 8: fix ID (eNcore `id`).
        fix_id: u32,
    }
}

layout! {
    /// IP address range, series-1 block 141: item of the IP range lists of the user-input
    /// blocks (eNcore `blocks_series1.py`, BLOCK_IP_ADDRESS_RANGE_DATA_52; WIRE.md §7.3: two
    /// ip16).
    mod ip_address_range_data;
    name = "ip_address_range_data", block = Some(141), series = One;
    {
        /// Offset 8: first address of the range (eNcore `start`).
        range_start: ip16,
        /// Offset 24: last address of the range (eNcore `finish`).
        range_end: ip16,
    }
}

layout! {
    /// Web application data, series-1 block 123: item of blocks 103's, 112's and 122's web
    /// application lists (eNcore `blocks_series1.py`, BLOCK_WEB_APPLICATION_DATA_50).
    mod web_application_data;
    name = "web_application_data", block = Some(123), series = One;
    {
        /// Offset 8: web application ID (record 109).
        application_id: u32,
    }
}

layout! {
    /// Host vulnerability, series-1 block 85: item of block 112's vulnerability list (eNcore
    /// `blocks_series1.py`, BLOCK_HOST_VULNERABILITY_49).
    mod host_vulnerability;
    name = "host_vulnerability", block = Some(85), series = One;
    {
        /// Offset 8: vulnerability ID.
        vulnerability_id: u32,
        /// Offset 12: invalid flags.
        invalid_flags: u8,
        /// Offset 13: vulnerability type (eNcore `type`).
        vulnerability_type: u32,
    }
}

layout! {
    /// Identity data, series-1 block 94: records 102 (identity conflict) and 103 (identity
    /// timeout) (eNcore `blocks_series1.py`, BLOCK_IDENTITY_DATA).
    mod identity_data;
    name = "identity_data", block = Some(94), series = One;
    {
        /// Offset 8: source type (record 90).
        source_type: u32,
        /// Offset 12: source ID.
        source_id: u32,
        /// Offset 16: identity UUID.
        uuid: uuid,
        /// Offset 32: port.
        port: u16,
        /// Offset 34: protocol.
        protocol: u16,
        /// Offset 36: server map ID.
        server_map_id: u32,
    }
}

layout! {
    /// Host MAC address, series-1 block 95: records 27 and 28 and the items of block 139's MAC
    /// list (eNcore `blocks_series1.py`, BLOCK_HOST_MAC_ADDRESS_49).
    mod host_mac_address;
    name = "host_mac_address", block = Some(95), series = One;
    {
        /// Offset 8: TTL.
        ttl: u8,
        /// Offset 9: the MAC address (eNcore `address`).
        mac_address: mac,
        /// Offset 15: 1 when this is the host's primary MAC address.
        primary: u8,
        /// Offset 16: UNIX seconds when last seen.
        last_seen: u32,
    }
}

layout! {
    /// Mobile device information, series-1 block 131: item of block 130's mobile device list
    /// (eNcore `blocks_series1.py`, BLOCK_MOBILE_DEVICE_INFORMATION_51).
    mod mobile_device_information;
    name = "mobile_device_information", block = Some(131), series = One;
    {
        /// Offset 8: device description (String block; eNcore `string`).
        device_string: string,
        /// UNIX seconds when last seen.
        last_seen: u32,
        /// Mobile flag.
        mobile: u32,
        /// Jailbroken flag.
        jailbroken: u32,
    }
}

layout! {
    /// Operating system fingerprint, series-1 block 130: record 101 (new OS) and the items of
    /// block 139's nine fingerprint lists (eNcore `blocks_series1.py`,
    /// BLOCK_OPERATING_SYSTEM_FINGERPRINT_51).
    mod operating_system_fingerprint;
    name = "operating_system_fingerprint", block = Some(130), series = One;
    {
        /// Offset 8: fingerprint UUID (record 54; eNcore `uuid`).
        fingerprint_uuid: uuid,
        /// Offset 24: fingerprint type (eNcore `type`).
        fingerprint_type: u32,
        /// Offset 28: source type (record 90).
        source_type: u32,
        /// Offset 32: source ID.
        source_id: u32,
        /// Offset 36: UNIX seconds when last seen.
        last_seen: u32,
        /// Offset 40: TTL difference.
        ttl_difference: u8,
        /// Offset 41: mobile devices (List of block 131).
        mobile_devices: list(super::mobile_device_information::LAYOUT),
    }
}

// ---------------------------------------------------------------------------------------------
// Servers and client applications.
// ---------------------------------------------------------------------------------------------

layout! {
    /// Server information, series-1 block 117: item of block 103's server information list
    /// (eNcore `blocks_series1.py`, BLOCK_SERVER_INFORMATION_50).
    mod server_information;
    name = "server_information", block = Some(117), series = One;
    {
        /// Offset 8: application protocol ID (record 63).
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
}

layout! {
    /// Host server data, series-1 block 103: records 11, 12, 16, 17, 51, 52 and the items of
    /// block 139's TCP and UDP server lists (eNcore `blocks_series1.py`,
    /// BLOCK_HOST_SERVER_DATA_41). eNcore notes that the guide's web application length and data
    /// after the list are not on the wire; they are not read here either.
    mod host_server_data;
    name = "host_server_data", block = Some(103), series = One;
    {
        /// Offset 8: server port.
        port: u16,
        /// Offset 10: hits.
        hits: u32,
        /// Offset 14: UNIX seconds when last used.
        last_used: u32,
        /// Offset 18: server information (List of block 117).
        server_information: list(super::server_information::LAYOUT),
        /// Confidence.
        confidence: u32,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
    }
}

layout! {
    /// Host client application, series-1 block 122: records 15, 35 and 107 (eNcore
    /// `blocks_series1.py`, BLOCK_HOST_CLIENT_APPLICATION_50).
    mod host_client_application;
    name = "host_client_application", block = Some(122), series = One;
    {
        /// Offset 8: hits.
        hits: u32,
        /// Offset 12: UNIX seconds when last used.
        last_used: u32,
        /// Offset 16: client application ID (record 55; eNcore `id`).
        client_application_id: u32,
        /// Offset 20: application protocol ID (record 63; eNcore `applicationProto`).
        application_protocol_id: u32,
        /// Offset 24: version (String block).
        version: string,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
    }
}

layout! {
    /// Full host client application, series-1 block 112: item of block 139's client
    /// application list (eNcore `blocks_series1.py`, BLOCK_FULL_HOST_CLIENT_APPLICATION_50).
    mod full_host_client_application;
    name = "full_host_client_application", block = Some(112), series = One;
    {
        /// Offset 8: hits.
        hits: u32,
        /// Offset 12: UNIX seconds when last used.
        last_used: u32,
        /// Offset 16: client application ID (record 55).
        application_id: u32,
        /// Offset 20: version (String block).
        version: string,
        /// Web applications (List of block 123).
        web_applications: list(super::web_application_data::LAYOUT),
        /// Vulnerabilities (List of block 85).
        vulnerabilities: list(super::host_vulnerability::LAYOUT),
    }
}

layout! {
    /// Host profile, series-1 block 139 (5.2): record 10, new host (eNcore `blocks_series1.py`,
    /// BLOCK_HOST_PROFILE_DATA_52).
    mod host_profile_data;
    name = "host_profile_data", block = Some(139), series = One;
    {
        /// Offset 8: host address.
        ip_address: ip16,
        /// Offset 24: network hops.
        hops: u8,
        /// Offset 25: primary / secondary.
        primary_secondary: u8,
        /// Offset 26: server fingerprints (List of block 130).
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
}

// ---------------------------------------------------------------------------------------------
// Connection chunk.
// ---------------------------------------------------------------------------------------------

layout! {
    /// Connection chunk, series-1 block 136 (5.1.1): record 73 (WIRE.md §10 "Related record
    /// 73"; eNcore `blocks_series1.py`, BLOCK_CONNECTION_CHUNK_511).
    mod connection_chunk;
    name = "connection_chunk", block = Some(136), series = One;
    {
        /// Offset 8: initiator IPv4 address.
        initiator_ip: ipv4,
        /// Offset 12: responder IPv4 address.
        responder_ip: ipv4,
        /// Offset 16: UNIX seconds of the chunk's start.
        start_time: u32,
        /// Offset 20: application protocol ID (record 63; eNcore `applicationProto`).
        application_protocol_id: u32,
        /// Offset 24: responder port.
        responder_port: u16,
        /// Offset 26: IANA protocol.
        protocol: u8,
        /// Offset 27: connection type.
        connection_type: u8,
        /// Offset 28: NetFlow detector IPv4 address.
        netflow_detector_ip: ipv4,
        /// Offset 32: packets sent.
        packets_sent: u64,
        /// Offset 40: packets received.
        packets_received: u64,
        /// Offset 48: bytes sent.
        bytes_sent: u64,
        /// Offset 56: bytes received.
        bytes_received: u64,
        /// Offset 64: connections.
        connections: u32,
    }
}

// ---------------------------------------------------------------------------------------------
// User input (records 74-89): the user-changed host data.
// ---------------------------------------------------------------------------------------------

layout! {
    /// User product data, series-1 block 134 (5.1): records 74 (user set OS), 75 (user set
    /// server), 86 (user add server) and the items of block 142's product list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_PRODUCT_DATA_51).
    mod user_product_data;
    name = "user_product_data", block = Some(134), series = One;
    {
        /// Offset 8: source ID.
        source_id: u32,
        /// Offset 12: source type (record 90).
        source_type: u32,
        /// Offset 16: IP ranges (List of block 141).
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
}

layout! {
    /// User protocol, series-1 block 57: item of block 83's protocol list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_PROTOCOL).
    mod user_protocol;
    name = "user_protocol", block = Some(57), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// MAC addresses (List of block 63).
        mac_ranges: list(super::mac_address_specification::LAYOUT),
        /// Protocol type.
        protocol_type: u8,
        /// Protocol.
        protocol: u16,
    }
}

layout! {
    /// User protocol list, series-1 block 83 (4.7): records 76 (user delete protocol) and 88
    /// (user add protocol) (eNcore `blocks_series1.py`, BLOCK_USER_PROTOCOL_LIST_47).
    mod user_protocol_list;
    name = "user_protocol_list", block = Some(83), series = One;
    {
        /// Offset 8: source type (record 90).
        source_type: u32,
        /// Offset 12: source ID.
        source_id: u32,
        /// Offset 16: protocols (List of block 57; eNcore `list`).
        protocols: list(super::user_protocol::LAYOUT),
    }
}

layout! {
    /// User client application, series-1 block 138 (5.1.1): item of block 60's list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_CLIENT_APPLICATION_511).
    mod user_client_application;
    name = "user_client_application", block = Some(138), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
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
}

layout! {
    /// User client application list, series-1 block 60: records 77 (user delete client
    /// application) and 87 (user add client application) (eNcore `blocks_series1.py`,
    /// BLOCK_USER_CLIENT_APPLICATION_LIST).
    mod user_client_application_list;
    name = "user_client_application_list", block = Some(60), series = One;
    {
        /// Offset 8: source type (record 90).
        source_type: u32,
        /// Offset 12: source ID.
        source_id: u32,
        /// Offset 16: client applications (List of block 138; eNcore `list`).
        client_applications: list(super::user_client_application::LAYOUT),
    }
}

layout! {
    /// User hosts, series-1 block 78 (4.7): records 78 (user delete address) and 85 (user add
    /// host) (eNcore `blocks_series1.py`, BLOCK_USER_HOSTS_47).
    mod user_hosts;
    name = "user_hosts", block = Some(78), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// MAC addresses (List of block 63).
        mac_ranges: list(super::mac_address_specification::LAYOUT),
        /// Source ID.
        source_id: u32,
        /// Source type (record 90).
        source_type: u32,
    }
}

layout! {
    /// User server, series-1 block 76: item of block 77's server list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_SERVER).
    mod user_server;
    name = "user_server", block = Some(76), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Port.
        port: u16,
        /// Protocol.
        protocol: u16,
    }
}

layout! {
    /// User server list, series-1 block 77: record 79 (user delete server) (eNcore
    /// `blocks_series1.py`, BLOCK_USER_SERVER_LIST).
    mod user_server_list;
    name = "user_server_list", block = Some(77), series = One;
    {
        /// Offset 8: source ID.
        source_id: u32,
        /// Offset 12: source type (record 90).
        source_type: u32,
        /// Offset 16: servers (List of block 76; eNcore names it `macRanges`, a copy slip).
        servers: list(super::user_server::LAYOUT),
    }
}

layout! {
    /// User vulnerability data, series-1 block 124 (5.0): item of block 80's list (eNcore
    /// `blocks_series1.py`, BLOCK_USER_VULNERABILITY_DATA_50).
    mod user_vulnerability_data;
    name = "user_vulnerability_data", block = Some(124), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
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
}

layout! {
    /// User vulnerability change, series-1 block 80 (4.7): records 80 and 81 (user set valid /
    /// invalid vulnerabilities) (eNcore `blocks_series1.py`,
    /// BLOCK_USER_VULNERABILITY_CHANGE_47).
    mod user_vulnerability_change;
    name = "user_vulnerability_change", block = Some(80), series = One;
    {
        /// Offset 8: source type (record 90).
        source_type: u32,
        /// Offset 12: source ID.
        source_id: u32,
        /// Offset 16: eNcore's `type` (it notes that the guide's diagram and table disagree
        /// here; eNcore reads a u32).
        change_type: u32,
        /// Offset 20: vulnerabilities (List of block 124; eNcore `list`).
        vulnerabilities: list(super::user_vulnerability_data::LAYOUT),
    }
}

layout! {
    /// User criticality change, series-1 block 81 (4.7): record 82 (user set host
    /// criticality) (eNcore `blocks_series1.py`, BLOCK_USER_CRITICALITY_CHANGE_47).
    mod user_criticality_change;
    name = "user_criticality_change", block = Some(81), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
        ip_ranges: list(super::ip_address_range_data::LAYOUT),
        /// Source ID.
        source_id: u32,
        /// Source type (record 90).
        source_type: u32,
        /// Criticality (record 58).
        criticality: u32,
    }
}

layout! {
    /// User attribute value, series-1 block 82 (4.7): records 83 and 84 (user set / delete
    /// attribute value) (eNcore `blocks_series1.py`, BLOCK_USER_ATTRIBUTE_VALUE_47).
    mod user_attribute_value;
    name = "user_attribute_value", block = Some(82), series = One;
    {
        /// Offset 8: IP ranges (List of block 141).
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
}

layout! {
    /// Generic scan results, series-1 block 108: item of block 142's scan result list (eNcore
    /// `blocks_series1.py`, BLOCK_GENERIC_SCAN_RESULTS_DATA_41).
    mod generic_scan_results_data;
    name = "generic_scan_results_data", block = Some(108), series = One;
    {
        /// Offset 8: port.
        port: u16,
        /// Offset 10: protocol.
        protocol: u16,
        /// Offset 12: subserver (String block).
        subserver: string,
        /// Value (String block).
        value: string,
        /// Subserver, unformatted (String block).
        subserver_unformatted: string,
        /// Value, unformatted (String block).
        value_unformatted: string,
    }
}

layout! {
    /// Scan vulnerability, series-1 block 109: item of block 142's vulnerability list (eNcore
    /// `blocks_series1.py`, BLOCK_SCAN_VULNERABILITY_DATA_41).
    mod scan_vulnerability_data;
    name = "scan_vulnerability_data", block = Some(109), series = One;
    {
        /// Offset 8: port.
        port: u16,
        /// Offset 10: protocol.
        protocol: u16,
        /// Offset 12: vulnerability ID (String block; eNcore `id`).
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
}

layout! {
    /// Scan result, series-1 block 142 (5.2): record 89 (user add scan result) (eNcore
    /// `blocks_series1.py`, BLOCK_SCAN_RESULT_DATA_52).
    mod scan_result_data;
    name = "scan_result_data", block = Some(142), series = One;
    {
        /// Offset 8: user ID.
        user_id: u32,
        /// Offset 12: scan type (record 61).
        scan_type: u32,
        /// Offset 16: host address.
        ip_address: ip16,
        /// Offset 32: port.
        port: u16,
        /// Offset 34: protocol.
        protocol: u16,
        /// Offset 36: flag.
        flag: u16,
        /// Offset 38: vulnerabilities (List of block 109).
        vulnerabilities: list(super::scan_vulnerability_data::LAYOUT),
        /// Generic scan results (List of block 108).
        scan_results: list(super::generic_scan_results_data::LAYOUT),
        /// Products (List of block 134).
        user_products: list(super::user_product_data::LAYOUT),
    }
}

// ---------------------------------------------------------------------------------------------
// IOC.
// ---------------------------------------------------------------------------------------------

layout! {
    /// IOC state, series-1 block 150 (5.3): record 160 as FMC 6.0 sends it (eNcore
    /// `blocks_series1.py`, BLOCK_IOC_STATE_53; `records.py` notes that 6.0's record 160
    /// carried this block, 6.1's an integer block). The fields are eNcore's: there is a first
    /// device ID but no last one.
    mod ioc_state;
    name = "ioc_state", block = Some(150), series = One;
    {
        /// Offset 8: IOC ID (record 161; eNcore `iocIdNumber`).
        ioc_id: u32,
        /// Offset 12: disabled flag.
        disabled: u8,
        /// Offset 13: UNIX seconds when first seen.
        first_seen: u32,
        /// Offset 17: first event ID.
        first_event_id: u32,
        /// Offset 21: first device ID.
        first_device_id: u32,
        /// Offset 25: first instance ID.
        first_instance_id: u16,
        /// Offset 27: first connection time.
        first_connection_time: u32,
        /// Offset 31: first connection counter.
        first_counter: u16,
        /// Offset 33: UNIX seconds when last seen.
        last_seen: u32,
        /// Offset 37: last event ID.
        last_event_id: u32,
        /// Offset 41: last instance ID.
        last_instance_id: u16,
        /// Offset 43: last connection time.
        last_connection_time: u32,
        /// Offset 47: last connection counter.
        last_counter: u16,
    }
}

// ---------------------------------------------------------------------------------------------
// User activity (RUA) and VPN.
// ---------------------------------------------------------------------------------------------

layout! {
    /// User information data 6.0, series-1 block 155: records 92, 93, 94 as eNcore 5.2.11
    /// decodes them (WIRE.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_DATA_60, whose source comment says 158).
    mod user_information_data_60;
    name = "user_information_data_60", block = Some(155), series = One;
    {
        /// Offset 8: user ID.
        user_id: u32,
        /// Offset 12: username (String block).
        username: string,
        /// Realm ID (record 300).
        realm_id: u32,
        /// Protocol.
        protocol: u32,
        /// First name (String block).
        first_name: string,
        /// Last name (String block).
        last_name: string,
        /// Email (String block).
        email: string,
        /// Department (String block).
        department: string,
        /// Phone (String block).
        phone: string,
        /// Endpoint profile ID (record 301).
        endpoint_profile_id: u32,
        /// Security group ID (record 302).
        security_group_id: u32,
        /// Location IPv6 address (eNcore shows the 16 bytes as hex).
        location_ipv6_address: ip16,
    }
}

layout! {
    /// User information data 5.0, series-1 block 120: record 92 as eNcore 3.8.4 decodes it
    /// (WIRE.md §10.3: block 155 up to Phone without Realm ID; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_DATA_50). Accepted for records 92-94 when the wire says 120.
    mod user_information_data_50;
    name = "user_information_data_50", block = Some(120), series = One;
    {
        /// Offset 8: user ID.
        user_id: u32,
        /// Offset 12: username (String block).
        username: string,
        /// Protocol.
        protocol: u32,
        /// First name (String block).
        first_name: string,
        /// Last name (String block).
        last_name: string,
        /// Email (String block).
        email: string,
        /// Department (String block).
        department: string,
        /// Phone (String block).
        phone: string,
    }
}

layout! {
    /// User update message information 6.2, series-1 block 167: records 95, 170, 171 (and 93,
    /// 94 as eNcore 3.8.4 decodes them) (WIRE.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_UPDATE_MSG_INFORMATION_62).
    ///
    /// **The VPN session list is not decoded: its bytes are the view's trailing bytes.** After
    /// Description the block ends with a List of VPN sessions (block 166). Both eNcore releases
    /// define block 166 without the 8-byte block header every List item has elsewhere (WIRE.md
    /// §7.2, §10.3, §11.8: "unverified"), so whether the items on the wire are headed blocks
    /// is unknown. Decoding them as headed blocks would turn every record whose items are
    /// headerless into an error; decoding them headerless would misread headed ones. Keeping
    /// the list as trailing bytes (re-encoded verbatim) decodes every field before it under
    /// either reading, and also accepts a block that ends at Description (eNcore reads such a
    /// block without error). [`vpn_session`] is eNcore's item layout, for callers that want
    /// eNcore's reading of the list.
    mod user_update_message_information;
    name = "user_update_message_information", block = Some(167), series = One;
    {
        /// Offset 8: UNIX seconds.
        timestamp: u32,
        /// Offset 12: IPv4 address.
        ipv4_address: ipv4,
        /// Offset 16: username (String block).
        username: string,
        /// Domain (String block).
        domain: string,
        /// User ID.
        user_id: u32,
        /// Realm ID (record 300).
        realm_id: u32,
        /// Endpoint profile ID (record 301).
        endpoint_profile_id: u32,
        /// Security group ID (record 302).
        security_group_id: u32,
        /// Protocol.
        protocol: u32,
        /// Port.
        port: u16,
        /// Range start.
        range_start: u16,
        /// Start port.
        start_port: u16,
        /// End port.
        end_port: u16,
        /// Email (String block).
        email: string,
        /// IPv6 address.
        ipv6_address: ip16,
        /// Location IPv6 address.
        location_ipv6_address: ip16,
        /// Login type.
        login_type: u8,
        /// Authentication type (eNcore `authType`).
        authentication_type: u8,
        /// Reported by (String block).
        reported_by: string,
        /// Description (String block).
        description: string,
    }
}

layout! {
    /// VPN session, block 166 as eNcore defines it (WIRE.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_VPN_SESSION_62): **no block header**, the fields start at the
    /// item's first byte. Not used by any catalogue row (see
    /// [`user_update_message_information`]): offered for walking the trailing bytes of a block
    /// 167 under eNcore's reading, where after the List header (`u32 type, u32 length`) the
    /// items follow one another.
    mod vpn_session;
    name = "vpn_session", block = None, series = One;
    {
        /// Offset 0: index.
        index: u32,
        /// Offset 4: VPN type.
        vpn_type: u8,
        /// Offset 5: group policy (String block).
        group_policy: string,
        /// VPN connection profile (String block).
        vpn_connection_profile: string,
        /// Client address (eNcore shows the 16 bytes as hex).
        client_ip: ip16,
        /// Country code (record 520).
        country_code: u16,
        /// Client OS (String block).
        client_os: string,
        /// Client application (String block).
        client_application: string,
        /// Connection duration.
        connection_duration: u32,
        /// Bytes transmitted.
        bytes_transmitted: u64,
        /// Bytes received.
        bytes_received: u64,
    }
}

layout! {
    /// User login information 5.4, series-1 block 127: record 95 as eNcore 3.5.8 decoded it
    /// (WIRE.md Appendix A; eNcore 5.2.11 `blocks_series1.py`,
    /// BLOCK_USER_LOGIN_INFORMATION_54). Accepted for record 95 when the wire says 127.
    mod user_login_information_54;
    name = "user_login_information_54", block = Some(127), series = One;
    {
        /// Offset 8: UNIX seconds.
        timestamp: u32,
        /// Offset 12: IPv4 address.
        ipv4_address: ipv4,
        /// Offset 16: username (String block).
        username: string,
        /// User ID.
        user_id: u32,
        /// Application ID.
        application_id: u32,
        /// Email (String block).
        email: string,
        /// IPv6 address.
        ipv6_address: ip16,
        /// Login type.
        login_type: u8,
        /// Reported by (String block).
        reported_by: string,
    }
}

// ---------------------------------------------------------------------------------------------
// Correlation event.
// ---------------------------------------------------------------------------------------------

layout! {
    /// Correlation event 5.4, series-1 block 156: record 112 (WIRE.md §7.3, Appendix A; eNcore
    /// `blocks_series1.py`, BLOCK_CORRELATION_EVENT_54). No discovery header: the record body is
    /// the block.
    mod correlation_event;
    name = "correlation_event", block = Some(156), series = One;
    {
        /// Offset 8: managed device ID (record 123).
        device_id: u32,
        /// Offset 12: UNIX seconds of the correlation event.
        correlation_event_second: u32,
        /// Offset 16: event ID.
        event_id: u32,
        /// Offset 20: correlation policy ID (record 69).
        policy_id: u32,
        /// Offset 24: correlation rule ID (record 70).
        rule_id: u32,
        /// Offset 28: priority.
        priority: u32,
        /// Offset 32: event description (String block).
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
}

// ---------------------------------------------------------------------------------------------
// Catalogue.
// ---------------------------------------------------------------------------------------------

const fn e(record_type: u32, name: &'static str, shape: Shape) -> Entry {
    Entry {
        record_type,
        name,
        shape,
    }
}

/// Block 103 for the server records.
const HOST_SERVER: &[&Layout] = &[&host_server_data::LAYOUT];
/// Block 122 for the client application records.
const CLIENT_APP: &[&Layout] = &[&host_client_application::LAYOUT];
/// Block 95 for the MAC records.
const HOST_MAC: &[&Layout] = &[&host_mac_address::LAYOUT];
/// Block 134 for the user product records.
const USER_PRODUCT: &[&Layout] = &[&user_product_data::LAYOUT];
/// Block 94 for the identity records.
const IDENTITY: &[&Layout] = &[&identity_data::LAYOUT];
/// Records 92-94: block 155 (5.2.11), 120 (3.8.4's 92) or 167 (3.8.4's 93, 94).
const USER_CHANGE: &[&Layout] = &[
    &user_information_data_60::LAYOUT,
    &user_information_data_50::LAYOUT,
    &user_update_message_information::LAYOUT,
];
/// Block 167 for the VPN records.
const USER_UPDATE: &[&Layout] = &[&user_update_message_information::LAYOUT];

/// Catalogue rows for the records of this module.
pub static ENTRIES: &[Entry] = &[
    e(
        10,
        "New host detected",
        DiscoveryBlock(&[&host_profile_data::LAYOUT]),
    ),
    e(11, "New TCP server", DiscoveryBlock(HOST_SERVER)),
    e(12, "New UDP server", DiscoveryBlock(HOST_SERVER)),
    e(
        13,
        "New network protocol",
        DiscoveryBody(&network_protocol::LAYOUT),
    ),
    e(
        14,
        "New transport protocol",
        DiscoveryBody(&transport_protocol::LAYOUT),
    ),
    e(15, "New client application", DiscoveryBlock(CLIENT_APP)),
    e(
        16,
        "TCP server information update",
        DiscoveryBlock(HOST_SERVER),
    ),
    e(
        17,
        "UDP server information update",
        DiscoveryBlock(HOST_SERVER),
    ),
    e(
        19,
        "Host timeout",
        DiscoveryBody(&discovery_header_only::LAYOUT),
    ),
    e(
        20,
        "Host IP address reused",
        DiscoveryBody(&discovery_header_only::LAYOUT),
    ),
    e(
        21,
        "Host deleted: host limit reached",
        DiscoveryBody(&discovery_header_only::LAYOUT),
    ),
    e(22, "Hops change", DiscoveryBody(&hops::LAYOUT)),
    e(23, "TCP port closed", DiscoveryBody(&port::LAYOUT)),
    e(24, "UDP port closed", DiscoveryBody(&port::LAYOUT)),
    e(25, "TCP port timeout", DiscoveryBody(&port::LAYOUT)),
    e(26, "UDP port timeout", DiscoveryBody(&port::LAYOUT)),
    e(27, "MAC information change", DiscoveryBlock(HOST_MAC)),
    e(
        28,
        "Additional MAC detected for host",
        DiscoveryBlock(HOST_MAC),
    ),
    e(
        29,
        "Host IP address changed",
        DiscoveryBody(&host_ip_address::LAYOUT),
    ),
    e(
        31,
        "Host identified as router/bridge",
        DiscoveryBody(&host_type::LAYOUT),
    ),
    e(
        34,
        "VLAN tag information update",
        DiscoveryBlock(&[&vlan_data::LAYOUT]),
    ),
    e(35, "Client application timeout", DiscoveryBlock(CLIENT_APP)),
    e(
        42,
        "NetBIOS name change",
        DiscoveryBlock(&[&string_information::LAYOUT]),
    ),
    e(
        44,
        "Host dropped: host limit reached",
        DiscoveryBody(&discovery_header_only::LAYOUT),
    ),
    e(
        45,
        "Update banner",
        DiscoveryBlock(&[&server_banner::LAYOUT]),
    ),
    e(
        51,
        "TCP server confidence update",
        DiscoveryBlock(HOST_SERVER),
    ),
    e(
        52,
        "UDP server confidence update",
        DiscoveryBlock(HOST_SERVER),
    ),
    e(
        73,
        "Connection chunk",
        DiscoveryBlock(&[&connection_chunk::LAYOUT]),
    ),
    e(74, "User set OS", DiscoveryBlock(USER_PRODUCT)),
    e(75, "User set server", DiscoveryBlock(USER_PRODUCT)),
    e(
        76,
        "User delete protocol",
        DiscoveryBlock(&[&user_protocol_list::LAYOUT]),
    ),
    e(
        77,
        "User delete client application",
        DiscoveryBlock(&[&user_client_application_list::LAYOUT]),
    ),
    e(
        78,
        "User delete address",
        DiscoveryBlock(&[&user_hosts::LAYOUT]),
    ),
    e(
        79,
        "User delete server",
        DiscoveryBlock(&[&user_server_list::LAYOUT]),
    ),
    e(
        80,
        "User set valid vulnerabilities",
        DiscoveryBlock(&[&user_vulnerability_change::LAYOUT]),
    ),
    e(
        81,
        "User set invalid vulnerabilities",
        DiscoveryBlock(&[&user_vulnerability_change::LAYOUT]),
    ),
    e(
        82,
        "User set host criticality",
        DiscoveryBlock(&[&user_criticality_change::LAYOUT]),
    ),
    e(
        83,
        "User set attribute value",
        DiscoveryBlock(&[&user_attribute_value::LAYOUT]),
    ),
    e(
        84,
        "User delete attribute value",
        DiscoveryBlock(&[&user_attribute_value::LAYOUT]),
    ),
    e(85, "User add host", DiscoveryBlock(&[&user_hosts::LAYOUT])),
    e(86, "User add server", DiscoveryBlock(USER_PRODUCT)),
    e(
        87,
        "User add client application",
        DiscoveryBlock(&[&user_client_application_list::LAYOUT]),
    ),
    e(
        88,
        "User add protocol",
        DiscoveryBlock(&[&user_protocol_list::LAYOUT]),
    ),
    e(
        89,
        "User add scan result",
        DiscoveryBlock(&[&scan_result_data::LAYOUT]),
    ),
    e(92, "User dropped change event", DiscoveryBlock(USER_CHANGE)),
    e(93, "User removed change event", DiscoveryBlock(USER_CHANGE)),
    e(
        94,
        "New user identification event",
        DiscoveryBlock(USER_CHANGE),
    ),
    e(
        95,
        "User login change event",
        DiscoveryBlock(&[
            &user_update_message_information::LAYOUT,
            &user_login_information_54::LAYOUT,
        ]),
    ),
    e(
        101,
        "New OS event",
        DiscoveryBlock(&[&operating_system_fingerprint::LAYOUT]),
    ),
    e(102, "Identity conflict event", DiscoveryBlock(IDENTITY)),
    e(103, "Identity timeout event", DiscoveryBlock(IDENTITY)),
    e(107, "Client application update", DiscoveryBlock(CLIENT_APP)),
    e(
        112,
        "Correlation event",
        Block(&[&correlation_event::LAYOUT]),
    ),
    e(
        160,
        "Host IOC set",
        DiscoveryBlock(&[&integer::LAYOUT, &ioc_state::LAYOUT]),
    ),
    e(170, "New VPN device login", DiscoveryBlock(USER_UPDATE)),
    e(171, "New VPN device logoff", DiscoveryBlock(USER_UPDATE)),
];

/// Every layout of this module that a catalogue row or a nested list or block can reach, plus
/// [`vpn_session`] (eNcore's reading of block 167's list items): what the tests cover.
pub static LAYOUTS: &[&Layout] = &[
    &discovery_header_only::LAYOUT,
    &network_protocol::LAYOUT,
    &transport_protocol::LAYOUT,
    &hops::LAYOUT,
    &port::LAYOUT,
    &host_ip_address::LAYOUT,
    &host_type::LAYOUT,
    &subserver::LAYOUT,
    &protocol::LAYOUT,
    &integer::LAYOUT,
    &vlan_data::LAYOUT,
    &string_information::LAYOUT,
    &server_banner::LAYOUT,
    &mac_address_specification::LAYOUT,
    &fix_data::LAYOUT,
    &ip_address_range_data::LAYOUT,
    &web_application_data::LAYOUT,
    &host_vulnerability::LAYOUT,
    &identity_data::LAYOUT,
    &host_mac_address::LAYOUT,
    &mobile_device_information::LAYOUT,
    &operating_system_fingerprint::LAYOUT,
    &server_information::LAYOUT,
    &host_server_data::LAYOUT,
    &host_client_application::LAYOUT,
    &full_host_client_application::LAYOUT,
    &host_profile_data::LAYOUT,
    &connection_chunk::LAYOUT,
    &user_product_data::LAYOUT,
    &user_protocol::LAYOUT,
    &user_protocol_list::LAYOUT,
    &user_client_application::LAYOUT,
    &user_client_application_list::LAYOUT,
    &user_hosts::LAYOUT,
    &user_server::LAYOUT,
    &user_server_list::LAYOUT,
    &user_vulnerability_data::LAYOUT,
    &user_vulnerability_change::LAYOUT,
    &user_criticality_change::LAYOUT,
    &user_attribute_value::LAYOUT,
    &generic_scan_results_data::LAYOUT,
    &scan_vulnerability_data::LAYOUT,
    &scan_result_data::LAYOUT,
    &ioc_state::LAYOUT,
    &user_information_data_60::LAYOUT,
    &user_information_data_50::LAYOUT,
    &user_update_message_information::LAYOUT,
    &vpn_session::LAYOUT,
    &user_login_information_54::LAYOUT,
    &correlation_event::LAYOUT,
];
