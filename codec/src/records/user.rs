//! User records: the user block (records 62 and 98, block 57) and user activity (RUA) and VPN
//! records (92-95, 170, 171; docs/protocol.md §10.3), after the discovery event header.
//!
//! Dispatch on the wire type where sources disagree on a record's block (docs/protocol.md §12 item 23):
//! records 92-94 accept block 155 (eNcore 5.2.11), 120 (3.8.4's record 92) and 167 (3.8.4's 93
//! and 94); record 95 accepts 167 and 127 (3.5.8). Any other block type stays a raw block after
//! the decoded header.

layouts! {
    family user;

    // User records (block 57).

    /// User, records 62 and 98, series-2 block 57 (docs/protocol.md §10.3, Appendix B.7), as eNcore
    /// 5.2.11 decodes them.
    mod user;
    name = "user", block = Some(57), series = Two;
    {
        /// user ID (an event's user ID).
        user_id: u32,
        /// protocol.
        protocol: u32,
        /// user name (String block).
        username: string,
    }

    // User activity (RUA) and VPN.

    /// User information data 5.0, series-1 block 120: record 92 as eNcore 3.8.4 decodes it
    /// (docs/protocol.md §10.3: block 155 up to Phone without Realm ID; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_DATA_50). Accepted for records 92-94 when the wire says 120.
    mod user_information_data_50;
    name = "user_information_data_50", block = Some(120), series = One;
    {
        /// user ID.
        user_id: u32,
        /// username (String block).
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

    /// User information data 6.0, series-1 block 155: records 92, 93, 94 as eNcore 5.2.11
    /// decodes them (docs/protocol.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_DATA_60, whose source comment says 158).
    mod user_information_data_60;
    name = "user_information_data_60", block = Some(155), series = One;
    from user_information_data_50 {
        after username {
            /// Realm ID (record 300).
            realm_id: u32,
        }
        end {
            /// Endpoint profile ID (record 301).
            endpoint_profile_id: u32,
            /// Security group ID (record 302).
            security_group_id: u32,
            /// Location IPv6 address (eNcore shows the 16 bytes as hex).
            location_ipv6_address: ip16,
        }
    }

    /// User update message information 6.2, series-1 block 167: records 95, 170, 171 (and 93,
    /// 94 as eNcore 3.8.4 decodes them) (docs/protocol.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_UPDATE_MSG_INFORMATION_62).
    ///
    /// **The VPN session list is not decoded: its bytes are the view's trailing bytes.** After
    /// Description the block ends with a List of VPN sessions (block 166). Both eNcore releases
    /// define block 166 without the 8-byte block header every List item has elsewhere (docs/protocol.md
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
        /// UNIX seconds.
        timestamp: u32,
        /// IPv4 address.
        ipv4_address: ipv4,
        /// username (String block).
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

    /// VPN session, block 166 as eNcore defines it (docs/protocol.md §10.3; eNcore `blocks_series1.py`,
    /// BLOCK_USER_INFORMATION_VPN_SESSION_62): **no block header**, the fields start at the
    /// item's first byte. Not used by any catalogue row (see
    /// [`user_update_message_information`]): offered for walking the trailing bytes of a block
    /// 167 under eNcore's reading, where after the List header (`u32 type, u32 length`) the
    /// items follow one another.
    mod vpn_session;
    name = "vpn_session", block = None, series = One;
    {
        /// index.
        index: u32,
        /// VPN type.
        vpn_type: u8,
        /// group policy (String block).
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

    /// User login information 5.4, series-1 block 127: record 95 as eNcore 3.5.8 decoded it
    /// (docs/protocol.md Appendix A; eNcore 5.2.11 `blocks_series1.py`,
    /// BLOCK_USER_LOGIN_INFORMATION_54). Accepted for record 95 when the wire says 127.
    mod user_login_information_54;
    name = "user_login_information_54", block = Some(127), series = One;
    {
        /// UNIX seconds.
        timestamp: u32,
        /// IPv4 address.
        ipv4_address: ipv4,
        /// username (String block).
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

    // The records.

    /// Records 62 (user metadata) and 98 (user): block 57.
    record 62 "User metadata", 98 "User" as User with type: block user;
    record
        92 "User dropped change event",
        93 "User removed change event",
        94 "New user identification event": discovery block [user_information_data_60, user_information_data_50, user_update_message_information];
    record
        95 "User login change event": discovery block [user_update_message_information, user_login_information_54];
    record
        170 "New VPN device login",
        171 "New VPN device logoff": discovery block user_update_message_information;
}
