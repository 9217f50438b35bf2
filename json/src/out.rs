//! A small JSON Lines writer: objects written straight into a byte buffer, no intermediate tree.
//!
//! The schema `estreamer decode` writes is a public interface (README.md, "JSON Lines schema"),
//! so every value goes through the few typed methods here: integers as JSON numbers, text as
//! UTF-8 with invalid sequences replaced, opaque bytes as lowercase hex.

use std::net::{IpAddr, Ipv6Addr};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Each byte's two lowercase hex digits.
static HEX2: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 0xf]];
        i += 1;
    }
    t
};

/// "00" to "99".
static DEC2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Each octet in decimal, left-aligned in 3 bytes, and its length.
static OCTET: [([u8; 3], u8); 256] = {
    let mut t = [([0u8; 3], 0u8); 256];
    let mut i = 0;
    while i < 256 {
        let d = [
            b'0' + (i / 100) as u8,
            b'0' + (i / 10 % 10) as u8,
            b'0' + (i % 10) as u8,
        ];
        t[i] = if i >= 100 {
            (d, 3)
        } else if i >= 10 {
            ([d[1], d[2], 0], 2)
        } else {
            ([d[2], 0, 0], 1)
        };
        i += 1;
    }
    t
};

/// The output buffer: the bytes written so far, then room that is already initialized (zeroed
/// when the buffer grows, then holding whatever was written there before). A field is written
/// into [`room`](Out::room) after one check of the room left (not a `Vec`'s capacity check,
/// length update and truncation per push), then [`advance`](Out::advance) takes its length:
/// safe Rust cannot write into a `Vec`'s spare capacity and then extend it, so the room is
/// initialized once instead.
///
/// The written bytes start at `base`, which is 0 except in an [`aligned`](Out::aligned)
/// buffer (for direct I/O, whose memory must be aligned to the device's blocks).
#[derive(Default)]
pub struct Out {
    buf: Vec<u8>,
    /// The bytes written: `buf[base..len]`; always `base <= len <= buf.len()`.
    len: usize,
    base: usize,
    /// The alignment `base` keeps when the buffer grows: 0 or 1 for none.
    align: usize,
}

impl Out {
    /// An empty buffer with `n` bytes of room.
    pub fn with_capacity(n: usize) -> Out {
        Out {
            buf: vec![0; n],
            len: 0,
            base: 0,
            align: 0,
        }
    }

    /// An empty buffer with `n` bytes of room whose written bytes start at an address that is
    /// a multiple of `align` (rounded up to a power of two; the allocation is `align` bytes
    /// larger).
    pub fn aligned(n: usize, align: usize) -> Out {
        // (`align_offset` needs a power of two.)
        let align = align.max(1).next_power_of_two();
        let buf = vec![0; n + align];
        // `align_offset` of a byte pointer is always below `align`; 0 is the fallback the
        // function's contract allows for, which direct I/O then refuses (and the caller falls
        // back to ordinary writes).
        let base = buf.as_ptr().align_offset(align);
        let base = if base < align { base } else { 0 };
        Out {
            buf,
            len: base,
            base,
            align,
        }
    }

    /// The bytes written.
    pub fn filled(&self) -> &[u8] {
        self.buf.get(self.base..self.len).unwrap_or_default()
    }

    /// Number of bytes written.
    pub fn len(&self) -> usize {
        self.len - self.base
    }

    /// True when nothing is written.
    pub fn is_empty(&self) -> bool {
        self.len == self.base
    }

    /// Forgets what was written (the room stays).
    pub fn clear(&mut self) {
        self.len = self.base;
    }

    /// Keeps the first `n` bytes written.
    pub fn truncate(&mut self, n: usize) {
        self.len = self.len.min(self.base.saturating_add(n));
    }

    #[inline(always)]
    fn left(&self) -> usize {
        self.buf.len().saturating_sub(self.len)
    }

    /// Makes room for at least `n` more bytes.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) {
        let want = (self.len + n).max(self.buf.len() * 2).max(4096);
        if self.align > 1 {
            // A reallocation would move the bytes to an address of any alignment.
            let mut bigger = Out::aligned(want, self.align);
            bigger.extend_from_slice(self.filled());
            *self = bigger;
        } else {
            self.buf.resize(want, 0);
        }
    }

    /// Makes sure at least `n` bytes of room are left.
    #[inline(always)]
    pub fn reserve(&mut self, n: usize) {
        if self.left() < n {
            self.grow(n);
        }
    }

    /// The next `N` bytes of room, to be written and then taken with [`advance`](Self::advance).
    #[inline(always)]
    pub fn room<const N: usize>(&mut self) -> &mut [u8; N] {
        // `len` is at most the buffer's length, which a `Vec` keeps within `isize::MAX`: the
        // mask changes nothing but tells the compiler that `len + N` cannot overflow, so the
        // one comparison below is the only test on the fast path (the slice's bounds check is
        // the same comparison).
        let mut len = self.len & (isize::MAX as usize);
        if len + N > self.buf.len() {
            self.grow(N);
            // An aligned buffer's bytes may have moved to another offset.
            len = self.len & (isize::MAX as usize);
        }
        self.buf
            .get_mut(len..len + N)
            .and_then(|r| r.first_chunk_mut::<N>())
            .expect("room reserved")
    }

    /// The next `n` bytes of room (see [`room`](Self::room)).
    #[inline(always)]
    pub fn room_slice(&mut self, n: usize) -> &mut [u8] {
        self.reserve(n);
        let len = self.len;
        self.buf.get_mut(len..len + n).expect("room reserved")
    }

    /// Takes `n` bytes of the room just written (at most what [`room`](Self::room) gave).
    #[inline(always)]
    pub fn advance(&mut self, n: usize) {
        debug_assert!(self.len + n <= self.buf.len());
        self.len += n;
    }

    /// Appends one byte.
    #[inline(always)]
    pub fn push(&mut self, b: u8) {
        self.room::<1>()[0] = b;
        self.len += 1;
    }

    /// Appends `s`.
    #[inline(always)]
    pub fn extend_from_slice(&mut self, s: &[u8]) {
        self.reserve(s.len());
        let (len, end) = (self.len, self.len + s.len());
        if let Some(d) = self.buf.get_mut(len..end) {
            d.copy_from_slice(s);
            self.len = end;
        }
    }
}

/// Appends the first `n` bytes of `buf`: the whole array is copied (a fixed-size copy, which
/// compiles to a few moves instead of a call to `memcpy`), then the tail is cut off.
#[inline(always)]
fn put_prefix<const N: usize>(out: &mut Out, buf: &[u8; N], n: usize) {
    *out.room::<N>() = *buf;
    out.advance(n.min(N));
}

/// The 16 lowercase hex digits of 8 bytes, in parallel (SWAR): each byte spread into a 16-bit
/// lane, its nibbles swapped into digit order, then `'0'` added, and `'a' - '0' - 10` more
/// where the nibble is above 9.
#[inline(always)]
const fn hex8(b: [u8; 8]) -> [u8; 16] {
    const ONES: u128 = u128::MAX / 0xff;
    const NIBBLE: u128 = ONES / 0x0101 * 0x0f;
    let mut x = u64::from_le_bytes(b) as u128;
    x = (x | (x << 32)) & (u128::MAX / 0xffff_ffff_ffff_ffff * 0xffff_ffff);
    x = (x | (x << 16)) & (u128::MAX / 0xffff_ffff * 0xffff);
    x = (x | (x << 8)) & (ONES / 0x0101 * 0xff);
    let n = ((x >> 4) & NIBBLE) | ((x & NIBBLE) << 8);
    let letters = ((n + ONES * 6) >> 4) & ONES;
    (n + ONES * 0x30 + letters * (b'a' - b'0' - 10) as u128).to_le_bytes()
}

/// The 32 lowercase hex digits of 16 bytes with SSE2 (every x86-64 CPU has it), through
/// `safe_arch`'s safe wrappers: the high and low nibbles of all 16 bytes at once, interleaved
/// into digit order, then `'0'` added, and `'a' - '0' - 10` more where the nibble is above 9.
/// About 15 instructions where 16 table lookups take about 50 (a UUID is 16 bytes).
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
#[inline(always)]
fn hex16(b: [u8; 16]) -> [u8; 32] {
    use safe_arch::*;
    let v = m128i::from(b);
    let low_nibble = set_splat_i8_m128i(0x0f);
    let high = bitand_m128i(shr_imm_u16_m128i::<4>(v), low_nibble);
    let low = bitand_m128i(v, low_nibble);
    let digits = |n: m128i| {
        let letters = bitand_m128i(
            cmp_gt_mask_i8_m128i(n, set_splat_i8_m128i(9)),
            set_splat_i8_m128i((b'a' - b'0' - 10) as i8),
        );
        <[u8; 16]>::from(add_i8_m128i(
            add_i8_m128i(n, set_splat_i8_m128i(b'0' as i8)),
            letters,
        ))
    };
    let first = digits(unpack_low_i8_m128i(high, low));
    let second = digits(unpack_high_i8_m128i(high, low));
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&first);
    out[16..].copy_from_slice(&second);
    out
}

/// The 32 lowercase hex digits of 16 bytes (portable: two [`hex8`]s).
#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
#[inline(always)]
fn hex16(b: [u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let (first, second) = b.split_at(8);
    if let (Ok(f), Ok(s)) = (<[u8; 8]>::try_from(first), <[u8; 8]>::try_from(second)) {
        out[..16].copy_from_slice(&hex8(f));
        out[16..].copy_from_slice(&hex8(s));
    }
    out
}

/// Appends lowercase hex of `bytes`.
pub fn push_hex(out: &mut Out, bytes: &[u8]) {
    hex_into(out.room_slice(bytes.len() * 2), bytes);
    out.advance(bytes.len() * 2);
}

/// Writes the lowercase hex of `bytes` into `dst`, which is exactly twice as long: 16 bytes at
/// a time ([`hex16`]), then 8 ([`hex8`]), then the rest by table.
#[inline]
fn hex_into(dst: &mut [u8], bytes: &[u8]) {
    debug_assert_eq!(dst.len(), 2 * bytes.len());
    let mut d = dst.chunks_exact_mut(32);
    let mut s = bytes.chunks_exact(16);
    for (d, s) in (&mut d).zip(&mut s) {
        if let Ok(s) = <[u8; 16]>::try_from(s) {
            d.copy_from_slice(&hex16(s));
        }
    }
    let mut d = d.into_remainder().chunks_exact_mut(16);
    let mut s = s.remainder().chunks_exact(8);
    for (d, s) in (&mut d).zip(&mut s) {
        if let Ok(s) = <[u8; 8]>::try_from(s) {
            d.copy_from_slice(&hex8(s));
        }
    }
    for (pair, &b) in d.into_remainder().chunks_exact_mut(2).zip(s.remainder()) {
        pair.copy_from_slice(&HEX2[usize::from(b)]);
    }
}

/// True for a byte that JSON text cannot carry as is (or that this writer escapes: DEL), and for
/// every non-ASCII byte (which needs the UTF-8 check).
#[inline(always)]
const fn special(b: u8) -> bool {
    b < 0x20 || b >= 0x7f || b == b'"' || b == b'\\'
}

/// The high bit of each byte of `w` that [`special`] is true for, and possibly of later bytes
/// when an earlier one is (so it answers "any?" exactly, not "which?"): the word-at-a-time
/// tests for a byte below 0x20, above 0x7e, equal to `"` and equal to `\`.
#[inline(always)]
const fn special_bits(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    let high = w.wrapping_add(ONES) | w;
    let q = w ^ (ONES * b'"' as u64);
    let quote = q.wrapping_sub(ONES) & !q;
    let b = w ^ (ONES * b'\\' as u64);
    let backslash = b.wrapping_sub(ONES) & !b;
    (control | high | quote | backslash) & HIGH
}

/// The 8 bytes at `at` as a word (0 when out of range, which the callers never ask for).
#[inline(always)]
fn word(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .and_then(|b| b.first_chunk::<8>())
        .map_or(0, |w| u64::from_le_bytes(*w))
}

/// True when every byte of `bytes` can be copied into a JSON string verbatim: printable ASCII
/// other than `"` and `\`. Branch-free over 16-byte chunks (so it vectorizes), then the rest a
/// word at a time, the last word overlapping the bytes before it instead of a byte loop.
#[inline]
fn plain(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        // 4 to 7 bytes: two overlapping 4-byte reads; fewer: one byte at a time.
        return match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            (Some(a), Some(b)) => {
                let w = u64::from(u32::from_le_bytes(*a)) | u64::from(u32::from_le_bytes(*b)) << 32;
                special_bits(w) == 0
            }
            _ => !bytes.iter().any(|&b| special(b)),
        };
    }
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        if c.iter().fold(false, |acc, &b| acc | special(b)) {
            return false;
        }
    }
    let rest = chunks.remainder().len();
    // The last `rest` bytes, in at most two words ending at the end (overlapping the checked
    // chunks or each other).
    let mut acc = 0;
    if rest > 0 {
        acc |= special_bits(word(bytes, n - 8));
    }
    if rest > 8 {
        acc |= special_bits(word(bytes, n - rest));
    }
    acc == 0
}

/// Appends `s` as the inside of a JSON string (no quotes).
fn push_escaped(out: &mut Out, s: &str) {
    let bytes = s.as_bytes();
    if plain(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
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
                out.extend_from_slice(&HEX2[usize::from(b)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `bytes` as the inside of a JSON string, replacing invalid UTF-8 with U+FFFD.
/// Returns true when a replacement happened.
fn push_lossy(out: &mut Out, bytes: &[u8]) -> bool {
    // The common case: printable ASCII, copied in one piece.
    if plain(bytes) {
        out.extend_from_slice(bytes);
        return false;
    }
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

/// Formats a 16-byte address field (docs/protocol.md §11.2): IPv4-mapped addresses as dotted IPv4.
pub fn ip16(bytes: [u8; 16]) -> IpAddr {
    let v6 = Ipv6Addr::from(bytes);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

/// Writes dotted IPv4 at `buf[at..]`; returns the position after it. `buf` must have 15 bytes
/// of room after `at`.
#[inline]
fn ipv4_text(buf: &mut [u8], mut at: usize, octets: [u8; 4]) -> usize {
    for (i, o) in octets.into_iter().enumerate() {
        if i > 0 {
            buf[at] = b'.';
            at += 1;
        }
        let (digits, n) = OCTET[usize::from(o)];
        buf[at..at + 3].copy_from_slice(&digits);
        at += usize::from(n);
    }
    at
}

/// Writes one IPv6 group (lowercase hex, no leading zeros) at `buf[at..]`; returns the end.
#[inline]
fn group_text(buf: &mut [u8], at: usize, g: u16) -> usize {
    let digits = [
        HEX[usize::from(g >> 12)],
        HEX[usize::from((g >> 8) & 0xf)],
        HEX[usize::from((g >> 4) & 0xf)],
        HEX[usize::from(g & 0xf)],
    ];
    // Significant digits: at least one.
    let n = 4 - (g | 1).leading_zeros() as usize / 4;
    buf[at..at + 4].copy_from_slice(&digits);
    buf.copy_within(at + 4 - n..at + 4, at);
    at + n
}

/// Writes an IPv6 address as `Ipv6Addr`'s `Display` does (RFC 5952: lowercase, no leading
/// zeros, the first longest run of two or more zero groups as `::`) at `buf[at..]`; returns the
/// end. `buf` must have 39 bytes of room after `at`. (IPv4-mapped addresses are not special
/// here: [`push_ip16`] writes them as IPv4 before they get this far.)
fn ipv6_text(buf: &mut [u8], mut at: usize, bytes: [u8; 16]) -> usize {
    // The unspecified address, what most unused address fields hold (e.g. a connection's
    // original client IP): no group walk.
    if bytes == [0; 16] {
        buf[at..at + 2].copy_from_slice(b"::");
        return at + 2;
    }
    let mut groups = [0u16; 8];
    for (g, pair) in groups.iter_mut().zip(bytes.chunks_exact(2)) {
        *g = u16::from_be_bytes([pair[0], pair[1]]);
    }
    // The first longest run of zero groups.
    let (mut best_start, mut best_len) = (0, 0);
    let (mut cur_start, mut cur_len) = (0, 0);
    for (i, &g) in groups.iter().enumerate() {
        if g == 0 {
            if cur_len == 0 {
                cur_start = i;
            }
            cur_len += 1;
            if cur_len > best_len {
                (best_start, best_len) = (cur_start, cur_len);
            }
        } else {
            cur_len = 0;
        }
    }
    let groups_out = |buf: &mut [u8], mut at: usize, gs: &[u16]| {
        for (i, &g) in gs.iter().enumerate() {
            if i > 0 {
                buf[at] = b':';
                at += 1;
            }
            at = group_text(buf, at, g);
        }
        at
    };
    if best_len > 1 {
        at = groups_out(buf, at, &groups[..best_start]);
        buf[at..at + 2].copy_from_slice(b"::");
        at += 2;
        groups_out(buf, at, &groups[best_start + best_len..])
    } else {
        groups_out(buf, at, &groups)
    }
}

/// Appends a 16-byte address field as a quoted JSON string, as [`ip16`]'s `Display` would
/// write it (IPv4-mapped addresses as dotted IPv4).
pub fn push_ip16(out: &mut Out, bytes: [u8; 16]) {
    let mut buf = [0u8; 48];
    buf[0] = b'"';
    let end = match bytes {
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d] => {
            ipv4_text(&mut buf, 1, [a, b, c, d])
        }
        _ => ipv6_text(&mut buf, 1, bytes),
    };
    buf[end] = b'"';
    put_prefix(out, &buf, end + 1);
}

/// Appends a 4-byte IPv4 address as a quoted dotted JSON string.
pub fn push_ipv4(out: &mut Out, octets: [u8; 4]) {
    let mut buf = [0u8; 24];
    buf[0] = b'"';
    let end = ipv4_text(&mut buf, 1, octets);
    buf[end] = b'"';
    put_prefix(out, &buf, end + 1);
}

/// Formats a UUID in the canonical lowercase 8-4-4-4-12 form (docs/protocol.md §11.3: bytes in order).
pub fn push_uuid(out: &mut Out, u: [u8; 16]) {
    let mut buf = [0u8; 36];
    uuid_text(&mut buf, u);
    out.extend_from_slice(&buf);
}

/// The 36 characters of a UUID's canonical form.
#[inline]
fn uuid_text(buf: &mut [u8; 36], u: [u8; 16]) {
    // The 32 digits, then cut 8-4-4-4-12 with a dash between the groups.
    let h = hex16(u);
    buf[..8].copy_from_slice(&h[..8]);
    buf[8] = b'-';
    buf[9..13].copy_from_slice(&h[8..12]);
    buf[13] = b'-';
    buf[14..18].copy_from_slice(&h[12..16]);
    buf[18] = b'-';
    buf[19..23].copy_from_slice(&h[16..20]);
    buf[23] = b'-';
    buf[24..].copy_from_slice(&h[20..]);
}

/// Appends a MAC address as `aa:bb:cc:dd:ee:ff` (what `Mac`'s `Display` writes).
pub fn push_mac(out: &mut Out, m: [u8; 6]) {
    let mut buf = [b':'; 17];
    for (i, b) in m.into_iter().enumerate() {
        buf[i * 3..i * 3 + 2].copy_from_slice(&HEX2[usize::from(b)]);
    }
    out.extend_from_slice(&buf);
}

/// Appends `v` in decimal.
#[inline]
pub fn push_u64(out: &mut Out, v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    if let Ok(v) = u32::try_from(v) {
        let mut buf = [0u8; 16];
        let n = digits_into(&mut buf, 0, v);
        put_prefix(out, &buf, n);
        return;
    }
    let mut buf = [0u8; 20];
    let n = fmt_u64(&mut buf, v);
    put_prefix(out, &buf, n);
}

/// The eight decimal digits of `n` (< 10^8, leading zeros kept) as the bytes 0-9 of a
/// little-endian word, most significant digit in the lowest byte: the digits are split in
/// parallel (SWAR): 4 + 4 in 32-bit lanes, 2 + 2 in 16-bit lanes, 1 + 1 in bytes, each split a
/// multiply-shift division that is exact in its lane's range.
#[inline(always)]
const fn swar8(n: u32) -> u64 {
    let n = n as u64;
    // [n / 10^4, n % 10^4] in two 32-bit lanes (each < 10^4).
    let x = (n / 10_000) | ((n % 10_000) << 32);
    // Each lane / 100: x * 5243 >> 19 is exact below 43,699; each product < 2^26.
    let q = ((x * 5243) >> 19) & 0x0000_007f_0000_007f;
    let x = q | ((x - q * 100) << 16);
    // Each 16-bit lane (< 100) / 10: x * 103 >> 10 is exact below 179.
    let q = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    q | ((x - q * 10) << 8)
}

const ASCII_ZEROS: u64 = 0x3030_3030_3030_3030;

/// `a:b:c` in decimal (e.g. a rule's `gid:sid:rev`) at the start of `buf`; returns its length.
pub fn colon_triple(buf: &mut [u8; 64], a: u32, b: u32, c: u32) -> usize {
    // At most 10 + 1 + 10 + 1 + 10 bytes; each number has 16 bytes of room after it.
    let mut at = digits_into(buf, 0, a);
    if let Some(d) = buf.get_mut(at) {
        *d = b':';
    }
    at += 1;
    at += digits_into(buf, at & 31, b);
    if let Some(d) = buf.get_mut(at) {
        *d = b':';
    }
    at += 1;
    at + digits_into(buf, at & 31, c)
}

/// Writes `v` in decimal at `buf[at..]`; returns the number of digits. `at + 16` must be within
/// `buf` (the digits are written with fixed-size stores, then the caller cuts the rest off).
#[inline(always)]
fn digits_into<const N: usize>(buf: &mut [u8; N], at: usize, v: u32) -> usize {
    if v < 10 {
        if let Some(d) = buf.get_mut(at) {
            *d = b'0' + v as u8;
        }
        return 1;
    }
    if v < 100_000_000 {
        let x = swar8(v);
        // Leading zero digits are the low zero bytes (v >= 10: at most 6).
        let zeros = (x.trailing_zeros() / 8) as usize;
        let digits = (x + ASCII_ZEROS) >> (zeros * 8);
        if let Some(d) = buf.get_mut(at..at + 8) {
            d.copy_from_slice(&digits.to_le_bytes());
        }
        return 8 - zeros;
    }
    let hi = (v / 100_000_000) as usize;
    let lo = (swar8(v % 100_000_000) + ASCII_ZEROS).to_le_bytes();
    if hi >= 10 {
        if let Some(d) = buf.get_mut(at..at + 10) {
            d[..2].copy_from_slice(&DEC2[hi]);
            d[2..].copy_from_slice(&lo);
        }
        10
    } else {
        if let Some(d) = buf.get_mut(at..at + 9) {
            d[0] = b'0' + hi as u8;
            d[1..].copy_from_slice(&lo);
        }
        9
    }
}

/// Writes `v` left-aligned in `buf`; returns the number of digits.
fn fmt_u64(buf: &mut [u8; 20], mut v: u64) -> usize {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let n = tmp.len() - i;
    buf[..n].copy_from_slice(&tmp[i..]);
    n
}

/// Room for a key written with a fixed-size copy: `,"` + name + `":`, then at least 16 bytes
/// (a u32 in decimal fits after the longest key).
const KEY_CAP: usize = 64;

/// An object key prepared once (per layout field): `,"name":` padded to a fixed size, so writing
/// it is a fixed-size copy rather than three small ones and a call to `memcpy`. Names too long
/// for the padded form are written the ordinary way.
#[derive(Clone, Copy)]
pub struct Key {
    bytes: [u8; KEY_CAP],
    /// Length of `,"name":` in `bytes`; 0 when the name does not fit.
    len: u8,
    name: &'static str,
}

impl Key {
    /// The key for `name` (a `const fn`, so fixed keys can be statics).
    pub const fn new(name: &'static str) -> Key {
        let mut bytes = [0u8; KEY_CAP];
        let b = name.as_bytes();
        let n = b.len() + 4;
        let len = if n + 16 <= KEY_CAP {
            bytes[0] = b',';
            bytes[1] = b'"';
            let mut i = 0;
            while i < b.len() {
                bytes[2 + i] = b[i];
                i += 1;
            }
            bytes[n - 2] = b'"';
            bytes[n - 1] = b':';
            n as u8
        } else {
            0
        };
        Key { bytes, len, name }
    }

    /// The name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// Room for a [`Run`]: its text, then at least 16 bytes (a u32 in decimal fits after it).
const RUN_CAP: usize = 128;

/// A run of keys and values that is the same in many objects (e.g. `,"message_type":4,
/// "message_type_name":"event_data","message_length":`), ending with the key of a number that
/// varies: written with one fixed-size copy, the number straight after it.
#[derive(Clone, Copy)]
pub struct Run {
    bytes: [u8; RUN_CAP],
    len: u8,
}

impl Run {
    /// The run for `text`, or `None` when it is too long for the padded form.
    pub fn new(text: &[u8]) -> Option<Run> {
        if text.len() + 16 > RUN_CAP {
            return None;
        }
        let mut bytes = [0u8; RUN_CAP];
        bytes[..text.len()].copy_from_slice(text);
        Some(Run {
            bytes,
            len: text.len() as u8,
        })
    }

    /// The run's text.
    pub fn text(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// One JSON object being written.
pub struct Obj<'a> {
    out: &'a mut Out,
    first: bool,
}

impl<'a> Obj<'a> {
    /// Starts an object.
    pub fn new(out: &'a mut Out) -> Self {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// Writes `,"k":` (no comma for the first key).
    #[inline]
    fn key(&mut self, k: &str) {
        // Room for the key and any fixed-size value, so the pushes below do not grow the buffer.
        self.out.reserve(k.len() + 64);
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    /// An unsigned integer.
    #[inline]
    pub fn u64(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        push_u64(self.out, v);
        self
    }

    /// A signed integer.
    pub fn i64(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        if v < 0 {
            self.out.push(b'-');
        }
        push_u64(self.out, v.unsigned_abs());
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

    /// `true` or `false`.
    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.out
            .extend_from_slice(if v { b"true".as_slice() } else { b"false" });
        self
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
        self.out.reserve(shown.len() + 2);
        self.out.push(b'"');
        let replaced = push_lossy(self.out, shown);
        self.out.push(b'"');
        if replaced {
            self.out.extend_from_slice(b",\"");
            self.out.extend_from_slice(k.as_bytes());
            self.out.extend_from_slice(b"_hex\":\"");
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
        match v {
            IpAddr::V4(a) => self.ipv4(k, a.octets()),
            IpAddr::V6(a) => {
                self.key(k);
                let mut buf = [0u8; 48];
                buf[0] = b'"';
                let end = match a.to_ipv4_mapped() {
                    // `Ipv6Addr`'s own form for a mapped address.
                    Some(v4) => {
                        buf[1..8].copy_from_slice(b"::ffff:");
                        ipv4_text(&mut buf, 8, v4.octets())
                    }
                    None => ipv6_text(&mut buf, 1, a.octets()),
                };
                buf[end] = b'"';
                put_prefix(self.out, &buf, end + 1);
                self
            }
        }
    }

    /// A 16-byte address field (docs/protocol.md §11.2) as text: IPv4-mapped addresses as dotted IPv4.
    #[inline]
    pub fn ip16(&mut self, k: &str, v: [u8; 16]) -> &mut Self {
        self.key(k);
        push_ip16(self.out, v);
        self
    }

    /// A 4-byte IPv4 address as dotted text.
    #[inline]
    pub fn ipv4(&mut self, k: &str, v: [u8; 4]) -> &mut Self {
        self.key(k);
        push_ipv4(self.out, v);
        self
    }

    /// A UUID in its canonical text form.
    #[inline]
    pub fn uuid(&mut self, k: &str, v: [u8; 16]) -> &mut Self {
        self.key(k);
        let mut buf = [b'"'; 38];
        let mut text = [0u8; 36];
        uuid_text(&mut text, v);
        buf[1..37].copy_from_slice(&text);
        self.out.extend_from_slice(&buf);
        self
    }

    /// A MAC address as `aa:bb:cc:dd:ee:ff`.
    pub fn mac(&mut self, k: &str, v: [u8; 6]) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        push_mac(self.out, v);
        self.out.push(b'"');
        self
    }

    /// Continues an object whose first key was written elsewhere (e.g. into `out` by
    /// [`Run`]-building code): no `{`, and every key gets its comma.
    pub fn continuing(out: &'a mut Out) -> Self {
        Obj { out, first: false }
    }

    /// Writes `run` (which starts with a comma: not for the first key), then `v` in decimal.
    #[inline]
    pub fn run_u64(&mut self, run: &Run, v: u64) -> &mut Self {
        self.first = false;
        match u32::try_from(v) {
            Ok(v) => {
                let at = usize::from(run.len);
                let buf = self.out.room::<RUN_CAP>();
                *buf = run.bytes;
                let n = digits_into(buf, at, v);
                self.out.advance(at + n);
            }
            Err(_) => {
                self.out.extend_from_slice(run.text());
                push_u64(self.out, v);
            }
        }
        self
    }

    /// Starts a field under a prepared key: `,"name":` plus up to `M` bytes of value, built in
    /// one stack buffer, then copied into the output with one fixed-size copy (`fill` writes
    /// the value at the given position and returns its end). `None` when the key must be
    /// written the ordinary way (first key of the object, or a long name).
    #[inline(always)]
    fn keyed<const B: usize>(
        &mut self,
        key: &Key,
        fill: impl FnOnce(&mut [u8; B], usize) -> usize,
    ) -> bool {
        if self.first || key.len == 0 {
            return false;
        }
        let buf = self.out.room::<B>();
        buf[..KEY_CAP].copy_from_slice(&key.bytes);
        let end = fill(buf, usize::from(key.len));
        self.out.advance(end.min(B));
        true
    }

    /// An unsigned integer under a prepared key.
    #[inline(always)]
    pub fn u64_k(&mut self, key: &Key, v: u64) -> &mut Self {
        match u32::try_from(v) {
            Ok(v) if !self.first && key.len != 0 => {
                // The key's padded bytes have room for the digits after it: copy them whole
                // (a fixed-size copy), write the digits in place, cut the rest off.
                // (`at` is at most 48; masked so that the digits' bounds checks fold away.)
                let at = usize::from(key.len) & (KEY_CAP - 1);
                let buf = self.out.room::<{ KEY_CAP + 16 }>();
                buf[..KEY_CAP].copy_from_slice(&key.bytes);
                let n = digits_into(buf, at, v);
                self.out.advance(at + n);
                self
            }
            _ => self.u64_slow(key, v),
        }
    }

    /// The object's first key, prepared, with an unsigned integer: the key's bytes without
    /// their comma, then the digits, as [`u64_k`](Self::u64_k) writes a later one. The
    /// general path for anything else (a later key, a long name, a value past `u32`).
    #[inline(always)]
    pub fn first_u64_k(&mut self, key: &Key, v: u64) -> &mut Self {
        match u32::try_from(v) {
            Ok(v) if self.first && key.len != 0 => {
                let at = usize::from(key.len - 1) & (KEY_CAP - 1);
                let buf = self.out.room::<{ KEY_CAP + 16 }>();
                buf[..KEY_CAP - 1].copy_from_slice(&key.bytes[1..]);
                let n = digits_into(buf, at, v);
                self.out.advance(at + n);
                self.first = false;
                self
            }
            _ => self.u64(key.name, v),
        }
    }

    #[cold]
    #[inline(never)]
    fn u64_slow(&mut self, key: &Key, v: u64) -> &mut Self {
        self.u64(key.name, v)
    }

    /// A UUID under a prepared key.
    #[inline(never)]
    pub fn uuid_k(&mut self, key: &Key, v: [u8; 16]) -> &mut Self {
        if self.first || key.len == 0 {
            return self.uuid(key.name, v);
        }
        // The key's padding has room for the opening quote and 15 digits; the value is written
        // in place after one fixed-size copy of the key and one of the UUID's 38 bytes' room.
        let at = usize::from(key.len);
        let room = self.out.room::<{ KEY_CAP + 38 }>();
        room[..KEY_CAP].copy_from_slice(&key.bytes);
        if let Some(buf) = room
            .get_mut(at..at + 38)
            .and_then(|s| <&mut [u8; 38]>::try_from(s).ok())
        {
            buf[0] = b'"';
            if let Some(text) = buf
                .get_mut(1..37)
                .and_then(|s| <&mut [u8; 36]>::try_from(s).ok())
            {
                uuid_text(text, v);
            }
            buf[37] = b'"';
            self.out.advance(at + 38);
        }
        self
    }

    /// A 16-byte address field under a prepared key (IPv4-mapped addresses as dotted IPv4).
    #[inline(never)]
    pub fn ip16_k(&mut self, key: &Key, v: [u8; 16]) -> &mut Self {
        let done = self.keyed::<{ KEY_CAP + 42 }>(key, |buf, at| {
            buf[at] = b'"';
            let end = match v {
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d] => {
                    ipv4_text(buf, at + 1, [a, b, c, d])
                }
                _ => ipv6_text(buf, at + 1, v),
            };
            buf[end] = b'"';
            end + 1
        });
        if !done {
            self.ip16(key.name, v);
        }
        self
    }

    /// A 4-byte IPv4 address under a prepared key.
    #[inline(never)]
    pub fn ipv4_k(&mut self, key: &Key, v: [u8; 4]) -> &mut Self {
        let done = self.keyed::<{ KEY_CAP + 18 }>(key, |buf, at| {
            buf[at] = b'"';
            let end = ipv4_text(buf, at + 1, v);
            buf[end] = b'"';
            end + 1
        });
        if !done {
            self.ipv4(key.name, v);
        }
        self
    }

    /// Writes a prepared key on its own (for values of any length).
    #[inline]
    fn key_k(&mut self, key: &Key) {
        if self.first || key.len == 0 {
            self.key(key.name);
        } else {
            put_prefix(self.out, &key.bytes, usize::from(key.len));
        }
    }

    /// Text from the wire under a prepared key (see [`text`](Self::text)).
    #[inline(never)]
    pub fn text_k(&mut self, key: &Key, raw: &[u8], shown: &[u8]) -> &mut Self {
        if self.first || key.len == 0 || !plain(shown) {
            return self.text(key.name, raw, shown);
        }
        // The key and the opening quote in one fixed-size copy (empty text: the closing one
        // too), then the text.
        let at = usize::from(key.len);
        let buf = self.out.room::<KEY_CAP>();
        *buf = key.bytes;
        if let Some(q) = buf.get_mut(at..at + 2) {
            q.copy_from_slice(b"\"\"");
        }
        if shown.is_empty() {
            self.out.advance(at + 2);
            return self;
        }
        self.out.advance(at + 1);
        self.out.extend_from_slice(shown);
        self.out.push(b'"');
        self
    }

    /// Empty text from the wire under a prepared key: `""` (whatever NULs `raw` held; see
    /// [`text`](Self::text)), the key and the quotes in one fixed-size copy.
    #[inline(always)]
    pub fn empty_text_k(&mut self, key: &Key, raw: &[u8]) -> &mut Self {
        if self.first || key.len == 0 {
            return self.text(key.name, raw, b"");
        }
        let at = usize::from(key.len) & (KEY_CAP - 1);
        let buf = self.out.room::<{ KEY_CAP + 2 }>();
        buf[..KEY_CAP].copy_from_slice(&key.bytes);
        buf[at..at + 2].copy_from_slice(b"\"\"");
        self.out.advance(at + 2);
        self
    }

    /// A string under a prepared key (see [`str`](Self::str)).
    #[inline]
    pub fn str_k(&mut self, key: &Key, v: &str) -> &mut Self {
        self.key_k(key);
        self.out.reserve(v.len() + 2);
        self.out.push(b'"');
        push_escaped(self.out, v);
        self.out.push(b'"');
        self
    }

    /// A string or null under a prepared key.
    #[inline]
    pub fn opt_str_k(&mut self, key: &Key, v: Option<&str>) -> &mut Self {
        match v {
            Some(s) => self.str_k(key, s),
            None => {
                self.key_k(key);
                self.out.extend_from_slice(b"null");
                self
            }
        }
    }

    /// Opaque bytes as lowercase hex under a prepared key.
    #[inline(never)]
    pub fn hex_k(&mut self, key: &Key, v: &[u8]) -> &mut Self {
        // Up to 32 bytes (addresses, fingerprints, session IDs): key, quotes and digits written
        // in place after one fixed-size copy of the key and one of zeros.
        const MAX: usize = 32;
        if v.len() <= MAX && !self.first && key.len != 0 {
            let at = usize::from(key.len);
            let room = self.out.room::<{ KEY_CAP + 2 * MAX + 2 }>();
            room[..KEY_CAP].copy_from_slice(&key.bytes);
            if let Some(buf) = room
                .get_mut(at..at + 2 * MAX + 2)
                .and_then(|s| <&mut [u8; 2 * MAX + 2]>::try_from(s).ok())
            {
                buf[0] = b'"';
                if let Some(digits) = buf.get_mut(1..1 + 2 * v.len()) {
                    hex_into(digits, v);
                }
                let end = 1 + 2 * v.len();
                if let Some(q) = buf.get_mut(end) {
                    *q = b'"';
                }
                self.out.advance(at + end + 1);
            }
            return self;
        }
        self.key_k(key);
        self.out.push(b'"');
        push_hex(self.out, v);
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
            o.out.push(b'}');
        }
        self.out.push(b']');
        self
    }

    /// A nested object written by `each`.
    pub fn obj(&mut self, k: &str, each: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key(k);
        self.nested(each);
        self
    }

    /// A nested object under a prepared key (see [`obj`](Self::obj)).
    #[inline]
    pub fn obj_k(&mut self, key: &Key, each: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key_k(key);
        self.nested(each);
        self
    }

    /// The nested object's fields are all written as later keys (each begins with its comma,
    /// so prepared keys take their fast path for the first field too); then the first comma
    /// becomes the opening brace.
    #[inline]
    fn nested(&mut self, each: impl FnOnce(&mut Obj<'_>)) {
        let open = self.out.len();
        let mut o = Obj {
            out: &mut *self.out,
            first: false,
        };
        each(&mut o);
        if self.out.len() == open {
            // No field.
            self.out.push(b'{');
        } else if let Some(b) = self.out.buf.get_mut(self.out.base + open) {
            // Every method writes a later key's comma first.
            debug_assert_eq!(*b, b',');
            *b = b'{';
        }
        self.out.push(b'}');
    }

    /// Closes the object and ends the line.
    pub fn finish(self) {
        self.out.extend_from_slice(b"}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn one(f: impl FnOnce(&mut Obj<'_>)) -> String {
        let mut out = Out::default();
        let mut o = Obj::new(&mut out);
        f(&mut o);
        o.finish();
        String::from_utf8(out.filled().to_vec()).unwrap()
    }

    /// `colon_triple` writes what `format!("{a}:{b}:{c}")` does, at every digit count.
    #[test]
    fn colon_triple_is_decimal_with_colons() {
        let edges = [
            0u32,
            1,
            9,
            10,
            99,
            100,
            9_999,
            10_000,
            99_999_999,
            100_000_000,
            999_999_999,
            1_000_000_000,
            u32::MAX,
        ];
        for a in edges {
            for b in edges {
                for c in edges {
                    let mut buf = [0u8; 64];
                    let n = colon_triple(&mut buf, a, b, c);
                    assert_eq!(&buf[..n], format!("{a}:{b}:{c}").as_bytes());
                }
            }
        }
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

    /// Nested objects: empty, first or later in their parent, under a prepared or a general
    /// key, nested twice, and with a first field that takes the prepared fast path.
    /// An aligned buffer (direct I/O) keeps its alignment and its bytes when it grows, from
    /// every writer: fixed-size room, slices, and inside a nested object (whose opening
    /// position must survive the move).
    #[test]
    fn aligned_buffers_stay_aligned_as_they_grow() {
        let (o_key, x_key) = (Key::new("o"), Key::new("x"));
        let write = |out: &mut Out| {
            for i in 0..300u64 {
                let mut o = Obj::new(out);
                o.u64("i", i)
                    .u64_k(&x_key, i * 7)
                    .str("s", &"y".repeat(i as usize))
                    .obj_k(&o_key, |n| {
                        for j in 0..20 {
                            n.u64_k(&x_key, j).hex("h", &[j as u8; 40]);
                        }
                    });
                o.finish();
            }
        };
        let mut plain = Out::default();
        write(&mut plain);
        let mut aligned = Out::aligned(16, 4096);
        assert_eq!(aligned.filled().as_ptr().align_offset(4096), 0);
        write(&mut aligned);
        assert!(aligned.buf.len() > 4096 * 16, "it grew several times");
        assert_eq!(aligned.filled().as_ptr().align_offset(4096), 0);
        assert_eq!(aligned.filled(), plain.filled());
        aligned.truncate(10);
        assert_eq!(aligned.filled(), &plain.filled()[..10]);
        aligned.clear();
        assert!(aligned.is_empty() && aligned.filled().is_empty());
    }

    #[test]
    fn nested_objects() {
        let (o_key, x_key) = (Key::new("o"), Key::new("x"));
        let long: &'static str = Box::leak("l".repeat(KEY_CAP).into_boxed_str());
        let long_key = Key::new(long);
        assert_eq!(
            one(|o| {
                o.u64("a", 1).obj("o", |_| {});
            }),
            "{\"a\":1,\"o\":{}}\n"
        );
        assert_eq!(
            one(|o| {
                o.obj_k(&o_key, |_| {}).u64("a", 1);
            }),
            "{\"o\":{},\"a\":1}\n"
        );
        assert_eq!(
            one(|o| {
                o.u64("a", 1).obj_k(&o_key, |i| {
                    i.u64_k(&x_key, 5).str("y", "z");
                });
            }),
            "{\"a\":1,\"o\":{\"x\":5,\"y\":\"z\"}}\n"
        );
        assert_eq!(
            one(|o| {
                o.obj("o", |i| {
                    i.obj_k(&long_key, |j| {
                        j.u64_k(&long_key, 7);
                    })
                    .empty_text_k(&x_key, b"");
                });
            }),
            format!("{{\"o\":{{\"{long}\":{{\"{long}\":7}},\"x\":\"\"}}}}\n")
        );
    }

    /// `first_u64_k` writes what `u64` writes, as the first key and after another, for
    /// numbers around the `u32` bound and a name too long for the prepared form.
    #[test]
    fn first_key_under_a_prepared_key_is_u64() {
        let long: &'static str = Box::leak("o".repeat(KEY_CAP).into_boxed_str());
        for name in ["offset", long] {
            let key = Key::new(name);
            for v in [
                0,
                9,
                10,
                99_999,
                u64::from(u32::MAX),
                u64::from(u32::MAX) + 1,
                u64::MAX,
            ] {
                assert_eq!(
                    one(|o| {
                        o.first_u64_k(&key, v).u64("b", 2);
                    }),
                    one(|o| {
                        o.u64(name, v).u64("b", 2);
                    })
                );
                assert_eq!(
                    one(|o| {
                        o.u64("a", 1).first_u64_k(&key, v);
                    }),
                    one(|o| {
                        o.u64("a", 1).u64(name, v);
                    })
                );
            }
        }
    }

    /// `empty_text_k` writes what `text` writes for text that shows as empty (nothing, or only
    /// NULs), as the first key and after others, under short and too-long names.
    #[test]
    fn empty_text_under_a_prepared_key_is_text() {
        let long = "n".repeat(KEY_CAP);
        let long: &'static str = Box::leak(long.into_boxed_str());
        for name in ["t", "http_hostname", long] {
            let key = Key::new(name);
            for raw in [&b""[..], b"\0", b"\0\0\0\0"] {
                assert_eq!(
                    one(|o| {
                        o.u64("a", 1).empty_text_k(&key, raw);
                    }),
                    one(|o| {
                        o.u64("a", 1).text(name, raw, b"");
                    })
                );
                assert_eq!(
                    one(|o| {
                        o.empty_text_k(&key, raw);
                    }),
                    one(|o| {
                        o.text(name, raw, b"");
                    })
                );
            }
        }
        assert_eq!(
            one(|o| {
                o.u64("a", 1).empty_text_k(&Key::new("t"), b"\0");
            }),
            "{\"a\":1,\"t\":\"\"}\n"
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
        assert_eq!(
            one(|o| {
                o.u64("a", 1).uuid_k(&Key::new("u"), u);
            }),
            "{\"a\":1,\"u\":\"00010203-0405-0607-0809-0a0b0c0d0e0f\"}\n"
        );
    }
    /// `Ipv6Addr`'s `Display` of `bytes`, as the writer must reproduce it (mapped as IPv4).
    fn std_ip16(bytes: [u8; 16]) -> String {
        format!("\"{}\"", ip16(bytes))
    }

    fn ours_ip16(bytes: [u8; 16]) -> String {
        let mut out = Out::default();
        push_ip16(&mut out, bytes);
        String::from_utf8(out.filled().to_vec()).unwrap()
    }

    /// A small deterministic generator (xorshift), so the tests need no crate.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn ipv6_text_matches_std_for_every_zero_pattern() {
        // Every pattern of zero and non-zero groups (the RFC 5952 compression rules: longest
        // run, first of equal runs, no `::` for a single zero group), each with several group
        // values (leading zeros dropped: 1, 2, 3 and 4 hex digits).
        let values = [0x1u16, 0xab, 0xf00, 0xffff, 0x2001, 0x10];
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for pattern in 0u32..256 {
            for round in 0..24 {
                let mut bytes = [0u8; 16];
                for g in 0..8 {
                    if pattern & (1 << g) != 0 {
                        let v = if round < values.len() {
                            values[(round + g) % values.len()]
                        } else {
                            (rng(&mut seed) as u16).max(1)
                        };
                        bytes[2 * g..2 * g + 2].copy_from_slice(&v.to_be_bytes());
                    }
                }
                assert_eq!(ours_ip16(bytes), std_ip16(bytes), "{bytes:?}");
            }
        }
    }

    #[test]
    fn ip_text_matches_std_on_random_and_mapped_addresses() {
        let mut seed = 1;
        for _ in 0..200_000 {
            let a = rng(&mut seed);
            let b = rng(&mut seed);
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&a.to_be_bytes());
            bytes[8..].copy_from_slice(&b.to_be_bytes());
            // Zero some groups often, so runs of zeros are common.
            for g in 0..8 {
                if (a >> (g * 3)) & 3 == 0 {
                    bytes[2 * g] = 0;
                    bytes[2 * g + 1] = 0;
                }
            }
            assert_eq!(ours_ip16(bytes), std_ip16(bytes), "{bytes:?}");
            // IPv4-mapped, and IPv4 as its own 4 bytes.
            let mut mapped = [0u8; 16];
            mapped[10] = 0xff;
            mapped[11] = 0xff;
            mapped[12..].copy_from_slice(&bytes[..4]);
            assert_eq!(ours_ip16(mapped), std_ip16(mapped));
            let v4: [u8; 4] = bytes[..4].try_into().unwrap();
            let mut out = Out::default();
            push_ipv4(&mut out, v4);
            assert_eq!(
                String::from_utf8(out.filled().to_vec()).unwrap(),
                format!("\"{}\"", Ipv4Addr::from(v4))
            );
            // The generic `ip` (IPv6 kept as IPv6, so a mapped address gets `::ffff:`).
            for addr in [
                IpAddr::V6(Ipv6Addr::from(bytes)),
                IpAddr::V6(Ipv6Addr::from(mapped)),
                IpAddr::V4(Ipv4Addr::from(v4)),
            ] {
                assert_eq!(
                    one(|o| {
                        o.ip("a", addr);
                    }),
                    format!("{{\"a\":\"{addr}\"}}\n")
                );
            }
        }
        for special in [[0u8; 16], [0xff; 16], {
            let mut l = [0u8; 16];
            l[15] = 1;
            l
        }] {
            assert_eq!(ours_ip16(special), std_ip16(special));
        }
        for o in 0..=255u8 {
            let mut out = Out::default();
            push_ipv4(&mut out, [o, 0, o, 255 - o]);
            let want = format!("\"{}\"", Ipv4Addr::new(o, 0, o, 255 - o));
            assert_eq!(String::from_utf8(out.filled().to_vec()).unwrap(), want);
        }
    }

    #[test]
    fn numbers_match_std() {
        let mut seed = 7;
        let check = |v: u64| {
            let mut out = Out::default();
            push_u64(&mut out, v);
            assert_eq!(
                String::from_utf8(out.filled().to_vec()).unwrap(),
                v.to_string()
            );
        };
        for v in 0..100_000 {
            check(v);
        }
        let mut p = 1u64;
        for _ in 0..20 {
            for d in [p - 1, p, p + 1, p.saturating_mul(9)] {
                check(d);
            }
            p = p.saturating_mul(10);
        }
        for v in [u64::from(u32::MAX), u64::from(u32::MAX) + 1, u64::MAX] {
            check(v);
        }
        for _ in 0..100_000 {
            let r = rng(&mut seed);
            check(r);
            check(r >> 32);
            check(r >> (r % 64));
        }
    }

    #[test]
    fn eight_digit_halves_are_exact_in_both_lanes() {
        // `swar8` splits n into [n / 10^4, n % 10^4] and works on each half in its own lane:
        // every 4-digit value in each lane, the other lane varied.
        let mut seed = 3;
        for a in 0..10_000u32 {
            let b = (rng(&mut seed) % 10_000) as u32;
            for n in [a * 10_000 + b, b * 10_000 + a] {
                let want = format!("{n:08}");
                let got = (swar8(n) + ASCII_ZEROS).to_le_bytes();
                assert_eq!(std::str::from_utf8(&got).unwrap(), want);
            }
        }
    }

    #[test]
    fn hex_mac_and_escapes_match_the_plain_forms() {
        let bytes: Vec<u8> = (0..=255u8).chain(0..=40u8).collect();
        for n in 0..bytes.len() {
            let mut out = Out::default();
            push_hex(&mut out, &bytes[..n]);
            let want: String = bytes[..n].iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(String::from_utf8(out.filled().to_vec()).unwrap(), want);
        }
        let key = Key::new("h");
        for n in 0..bytes.len().min(70) {
            assert_eq!(
                one(|o| {
                    o.u64("a", 1).hex_k(&key, &bytes[..n]);
                }),
                one(|o| {
                    o.u64("a", 1).hex("h", &bytes[..n]);
                })
            );
        }
        let m = estreamer_codec::Mac([0, 0x1b, 0xa2, 0xff, 0x10, 9]);
        let mut out = Out::default();
        push_mac(&mut out, m.0);
        assert_eq!(
            String::from_utf8(out.filled().to_vec()).unwrap(),
            m.to_string()
        );
        // Every byte value at every position of a UUID, against the codec's `Display`.
        for k in 0..=255usize {
            let u = estreamer_codec::Uuid(core::array::from_fn(|i| (k + i * 37) as u8));
            let mut out = Out::default();
            push_uuid(&mut out, u.0);
            assert_eq!(
                String::from_utf8(out.filled().to_vec()).unwrap(),
                u.to_string()
            );
            assert_eq!(
                one(|o| {
                    o.u64("a", 1).uuid_k(&Key::new("u"), u.0);
                }),
                format!("{{\"a\":1,\"u\":\"{u}\"}}\n")
            );
        }
        // Every single byte, alone and inside plain text of each length around the 16-byte
        // chunks of the fast scan, against serde_json's reading of the result.
        for b in 0..=255u8 {
            for len in [
                0usize, 1, 2, 3, 4, 6, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 40,
            ] {
                for at in [0, len / 2, len] {
                    let mut raw = vec![b'a'; len];
                    raw.insert(at, b);
                    let s = one(|o| {
                        o.text("t", &raw, &raw);
                    });
                    // Under a prepared key (not the first key: the fast path).
                    let key = Key::new("t");
                    assert_eq!(
                        one(|o| {
                            o.u64("a", 1).text_k(&key, &raw, &raw);
                        }),
                        one(|o| {
                            o.u64("a", 1).text("t", &raw, &raw);
                        })
                    );
                    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
                    assert_eq!(v["t"], String::from_utf8_lossy(&raw).as_ref(), "{raw:?}");
                    assert_eq!(v.get("t_hex").is_some(), std::str::from_utf8(&raw).is_err());
                    if b == 0x7f {
                        assert!(s.contains("\\u007f"));
                    }
                }
            }
        }
    }
}
