//! Small value types for fixed-size fields: 16-byte addresses, UUIDs, MAC addresses, times,
//! and text as it comes from the wire ([`Text`]).

mod text;

pub use text::Text;

use core::fmt;
use core::net::{IpAddr, Ipv6Addr};

/// A 16-byte address field (docs/protocol.md §11.2): an IPv6 address, or an IPv4 address mapped as
/// `::ffff:a.b.c.d`. The bytes are kept as sent.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Ip16(pub [u8; 16]);

impl Ip16 {
    /// The address: IPv4 when the field holds an IPv4-mapped address, IPv6 otherwise.
    pub const fn addr(&self) -> IpAddr {
        let v6 = Ipv6Addr::from_bits(u128::from_be_bytes(self.0));
        match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        }
    }

    /// The field for an address: IPv4 is written IPv4-mapped.
    pub const fn from_addr(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(v4) => Ip16(v4.to_ipv6_mapped().octets()),
            IpAddr::V6(v6) => Ip16(v6.octets()),
        }
    }
}

impl fmt::Display for Ip16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.addr(), f)
    }
}

impl fmt::Debug for Ip16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ip16({})", self.addr())
    }
}

/// A 16-byte UUID (docs/protocol.md §11.3), bytes in RFC 4122 order; all zeros means "none".
#[derive(Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

/// Hashes as two u64 words (one call each) rather than as a byte slice: UUIDs key the metadata
/// cache's lookups on the rendering path.
impl core::hash::Hash for Uuid {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let v = u128::from_ne_bytes(self.0);
        state.write_u64(v as u64);
        state.write_u64((v >> 64) as u64);
    }
}

impl Uuid {
    /// The all-zero UUID, meaning none / not applicable.
    pub const NIL: Uuid = Uuid([0; 16]);

    /// True for the all-zero UUID.
    pub fn is_nil(&self) -> bool {
        self.0 == [0; 16]
    }
}

/// The canonical lowercase `8-4-4-4-12` form.
impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

/// A 6-byte MAC address in transmission order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Mac(pub [u8; 6]);

/// `aa:bb:cc:dd:ee:ff`.
impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mac({self})")
    }
}

/// A time as eStreamer sends it: UNIX seconds and a separate microseconds field (docs/protocol.md §11.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Timestamp {
    /// UNIX seconds (UTC).
    pub seconds: u32,
    /// Microseconds, 0-999,999.
    pub microseconds: u32,
}
