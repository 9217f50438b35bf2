//! A small JSON Lines writer: objects written straight into a byte buffer, no intermediate tree.
//!
//! The schema `estreamer decode` writes is a public interface (README.md, "JSON Lines schema"),
//! so every value goes through the few typed methods here: integers as JSON numbers, text as
//! UTF-8 with invalid sequences replaced, opaque bytes as lowercase hex.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends lowercase hex of `bytes`.
pub fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
}

/// Appends `s` as the inside of a JSON string (no quotes).
fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f | 0x7f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `bytes` as the inside of a JSON string, replacing invalid UTF-8 with U+FFFD.
/// Returns true when a replacement happened.
fn push_lossy(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let mut replaced = false;
    for chunk in bytes.utf8_chunks() {
        push_escaped(out, chunk.valid());
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{FFFD}".as_bytes());
            replaced = true;
        }
    }
    replaced
}

/// Formats a 16-byte address field (WIRE.md §11.2): IPv4-mapped addresses as dotted IPv4.
pub fn ip16(bytes: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(bytes);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

/// Formats a UUID in the canonical lowercase 8-4-4-4-12 form (WIRE.md §11.3: bytes in order).
pub fn push_uuid(out: &mut Vec<u8>, u: [u8; 16]) {
    for (i, chunk) in [&u[0..4], &u[4..6], &u[6..8], &u[8..10], &u[10..16]]
        .iter()
        .enumerate()
    {
        if i > 0 {
            out.push(b'-');
        }
        push_hex(out, chunk);
    }
}

/// One JSON object being written.
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    /// Starts an object.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Obj { out, first: true }
    }

    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// An unsigned integer.
    pub fn u64(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        let mut buf = itoa_buf();
        self.out.extend_from_slice(fmt_u64(&mut buf, v));
        self
    }

    /// A signed integer.
    pub fn i64(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        if v < 0 {
            self.out.push(b'-');
        }
        let mut buf = itoa_buf();
        self.out
            .extend_from_slice(fmt_u64(&mut buf, v.unsigned_abs()));
        self
    }

    /// A string known to be plain (names): written without escaping checks beyond the basics.
    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        push_escaped(self.out, v);
        self.out.push(b'"');
        self
    }

    /// A string or null.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(s) => self.str(k, s),
            None => self.null(k),
        }
    }

    /// JSON null.
    pub fn null(&mut self, k: &str) -> &mut Self {
        self.key(k);
        self.out.extend_from_slice(b"null");
        self
    }

    /// Text from the wire: lossy UTF-8, plus `<k>_hex` with the raw bytes only when a
    /// replacement happened.
    pub fn text(&mut self, k: &str, raw: &[u8], shown: &[u8]) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        let replaced = push_lossy(self.out, shown);
        self.out.push(b'"');
        if replaced {
            self.key(&format!("{k}_hex"));
            self.out.push(b'"');
            push_hex(self.out, raw);
            self.out.push(b'"');
        }
        self
    }

    /// Opaque bytes as lowercase hex.
    pub fn hex(&mut self, k: &str, v: &[u8]) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        push_hex(self.out, v);
        self.out.push(b'"');
        self
    }

    /// An IP address as text.
    pub fn ip(&mut self, k: &str, v: IpAddr) -> &mut Self {
        self.str(k, &v.to_string())
    }

    /// A 4-byte IPv4 address as dotted text.
    pub fn ipv4(&mut self, k: &str, v: [u8; 4]) -> &mut Self {
        self.ip(k, IpAddr::V4(Ipv4Addr::from(v)))
    }

    /// A UUID in its canonical text form.
    pub fn uuid(&mut self, k: &str, v: [u8; 16]) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        push_uuid(self.out, v);
        self.out.push(b'"');
        self
    }

    /// An array of strings.
    pub fn str_array<'s>(
        &mut self,
        k: &str,
        items: impl IntoIterator<Item = &'s str>,
    ) -> &mut Self {
        self.key(k);
        self.out.push(b'[');
        for (i, s) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.push(b'"');
            push_escaped(self.out, s);
            self.out.push(b'"');
        }
        self.out.push(b']');
        self
    }

    /// An array of objects, each written by `each`.
    pub fn obj_array<T>(
        &mut self,
        k: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Obj<'_>, T),
    ) -> &mut Self {
        self.key(k);
        self.out.push(b'[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            let mut o = Obj::new(self.out);
            each(&mut o, item);
            o.finish_inner();
        }
        self.out.push(b']');
        self
    }

    /// A nested object written by `each`.
    pub fn obj(&mut self, k: &str, each: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key(k);
        let mut o = Obj::new(self.out);
        each(&mut o);
        o.finish_inner();
        self
    }

    fn finish_inner(self) {
        self.out.push(b'}');
    }

    /// Closes the object and ends the line.
    pub fn finish(self) {
        self.out.extend_from_slice(b"}\n");
    }
}

fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

fn fmt_u64(buf: &mut [u8; 20], mut v: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(f: impl FnOnce(&mut Obj<'_>)) -> String {
        let mut out = Vec::new();
        let mut o = Obj::new(&mut out);
        f(&mut o);
        o.finish();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_strings_and_escapes() {
        let s = one(|o| {
            o.u64("a", 0)
                .u64("b", u64::MAX)
                .i64("c", -1)
                .i64("d", i64::MIN)
                .str("e", "q\"\\\n\u{1}");
        });
        assert_eq!(
            s,
            "{\"a\":0,\"b\":18446744073709551615,\"c\":-1,\"d\":-9223372036854775808,\
             \"e\":\"q\\\"\\\\\\n\\u0001\"}\n"
        );
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["e"], "q\"\\\n\u{1}");
    }

    #[test]
    fn lossy_text_adds_hex_only_on_replacement() {
        assert_eq!(
            one(|o| {
                o.text("t", b"ok", b"ok");
            }),
            "{\"t\":\"ok\"}\n"
        );
        assert_eq!(
            one(|o| {
                o.text("t", b"a\xffb", b"a\xffb");
            }),
            "{\"t\":\"a\u{FFFD}b\",\"t_hex\":\"61ff62\"}\n"
        );
    }

    #[test]
    fn addresses_and_uuids() {
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[192, 0, 2, 1]);
        assert_eq!(ip16(mapped).to_string(), "192.0.2.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip16(v6).to_string(), "2001:db8::1");
        let u: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(
            one(|o| {
                o.uuid("u", u);
            }),
            "{\"u\":\"00010203-0405-0607-0809-0a0b0c0d0e0f\"}\n"
        );
    }
}
