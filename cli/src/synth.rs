//! `estreamer synth`: write a synthesized stream (see `estreamer_synth`) so users can decode and
//! benchmark streams shaped like theirs.

use estreamer_synth::{InnerVersion, Mix, SynthConfig};

/// Parses a size: bytes, or with a `K`, `M` or `G` suffix (powers of 1024), e.g. `16M`.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, mult) = match s.as_bytes().last().map(u8::to_ascii_uppercase) {
        Some(b'K') => (&s[..s.len() - 1], 1usize << 10),
        Some(b'M') => (&s[..s.len() - 1], 1 << 20),
        Some(b'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    let n: usize = digits
        .trim()
        .parse()
        .map_err(|_| format!("'{s}': expected a size such as 4096, 64K or 16M"))?;
    n.checked_mul(mult)
        .filter(|&b| b <= 4 << 30)
        .ok_or_else(|| format!("'{s}': at most 4G"))
}

/// Parses a mix: `kind=weight,...` with kinds intrusion, connection, packet, rule_message,
/// classification, priority; kinds not named get weight 0. `default` is the default mix.
pub fn parse_mix(s: &str) -> Result<Mix, String> {
    if s.trim().eq_ignore_ascii_case("default") {
        return Ok(Mix::DEFAULT);
    }
    let mut mix = Mix {
        intrusion: 0,
        connection: 0,
        packet: 0,
        rule_message: 0,
        classification: 0,
        priority: 0,
    };
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (kind, weight) = item
            .split_once('=')
            .ok_or_else(|| format!("'{item}': expected kind=weight, e.g. intrusion=50"))?;
        let w: u32 = weight
            .trim()
            .parse()
            .map_err(|_| format!("'{item}': the weight must be a whole number"))?;
        let slot = match kind.trim().to_ascii_lowercase().as_str() {
            "intrusion" => &mut mix.intrusion,
            "connection" => &mut mix.connection,
            "packet" => &mut mix.packet,
            "rule_message" | "rule" => &mut mix.rule_message,
            "classification" => &mut mix.classification,
            "priority" => &mut mix.priority,
            other => {
                return Err(format!(
                    "unknown record kind '{other}': use intrusion, connection, packet, \
                     rule_message, classification, priority"
                ));
            }
        };
        *slot = w;
    }
    if mix.total() == 0 {
        return Err("every weight is 0: name at least one kind with a weight above 0".into());
    }
    Ok(mix)
}

/// Parses the inner header version: `0`, `1` or `mixed`.
pub fn parse_inner_version(s: &str) -> Result<InnerVersion, String> {
    match s.trim() {
        "0" => Ok(InnerVersion::Zero),
        "1" => Ok(InnerVersion::One),
        "mixed" => Ok(InnerVersion::Mixed),
        other => Err(format!("'{other}': expected 0, 1 or mixed")),
    }
}

/// The configuration for these settings.
pub fn config(seed: u64, size: usize, mix: Mix, inner: InnerVersion) -> SynthConfig {
    SynthConfig {
        seed,
        target_bytes: size,
        mix,
        inner_version: inner,
        ..SynthConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_mixes_and_versions_parse() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64k"), Ok(65536));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5G").is_err());
        let m = parse_mix("intrusion=1, packet=3").unwrap();
        assert_eq!((m.intrusion, m.packet, m.connection), (1, 3, 0));
        assert_eq!(parse_mix("default").unwrap(), Mix::DEFAULT);
        assert!(parse_mix("intrusion=0").is_err());
        assert!(parse_mix("fish=3").is_err());
        assert!(parse_mix("intrusion").is_err());
        assert!(matches!(
            parse_inner_version("mixed"),
            Ok(InnerVersion::Mixed)
        ));
        assert!(parse_inner_version("2").is_err());
    }
}
