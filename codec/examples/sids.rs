//! One line per intrusion event of a capture: its rendered SID (the number the rule's author
//! wrote, from the rule message record 66), or that its rule message has not arrived.
//!
//! `cargo run -q -p estreamer-codec --example sids -- FILE`

use estreamer_codec::{DecodeOptions, Records, names::Metadata};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).ok_or("usage: sids FILE")?;
    let bytes = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
    let mut metadata = Metadata::new();
    for item in Records::new(&bytes, DecodeOptions::default()) {
        let Ok(r) = item.inspect_err(|e| eprintln!("{file}: {e}")) else {
            continue;
        };
        if let Some(ev) = metadata.observe(&r.record) {
            match ev.signature() {
                Some(sig) => println!("{}: {sig} {}", r.position, ev.rule_message.unwrap_or("")),
                None => println!(
                    "{}: {}:{} is an internal rule ID; its rule message has not arrived",
                    r.position, ev.generator_id, ev.rule_id
                ),
            }
        }
    }
    Ok(())
}
