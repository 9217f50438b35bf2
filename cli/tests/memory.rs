//! `estreamer decode`'s memory stays bounded whatever the input, in every thread mode: the
//! peak resident set of the real process (getrusage of the waited-for children of this test
//! binary, which runs nothing else) against a bound.
//!
//! The inputs are those that once took gigabytes: a long run of zeros (every 8 bytes a framing
//! error with a bad header version), random bytes, and one 16 MiB Message Bundle of 2 million
//! Null messages.

#![cfg(unix)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::{exe, tempdir};

use nix::sys::resource::{UsageWho, getrusage};

/// Peak resident set allowed for a `decode` process: a 16 MiB message buffered by the reader,
/// the batches in flight (at most `threads + 2`, each of about 256 KiB of input and at most
/// about 6 MiB of JSON) and the program itself.
const BOUND_MB: u64 = 64;

/// The largest peak resident set, in MB, of the children waited for so far.
fn children_peak_mb() -> u64 {
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap();
    // Linux reports kilobytes.
    usage.max_rss() as u64 / 1024
}

/// Runs `decode` with `args` on `input`, its output to the null device; returns its summary
/// line (standard error).
fn decode(args: &[&str], input: &Path) -> String {
    let out = exe()
        .arg("decode")
        .args(args)
        .arg(input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "decode {args:?} {}: {:?}\n{stderr}",
        input.display(),
        out.status
    );
    stderr
}

#[test]
fn decode_memory_is_bounded_in_every_thread_mode() {
    // The output goes to the null device: check it is one (a plain file there would fill the
    // disk with gigabytes of JSON).
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/null is not the null device (.ci/run puts it back)"
    );
    let dir = tempdir("memory");
    // 256 MiB of zeros, as a sparse file.
    let zeros = dir.join("zeros.bin");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(256 << 20)
        .unwrap();
    // 64 MiB of random bytes (xorshift; reproducible).
    let random = dir.join("random.bin");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&random).unwrap());
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..(64 << 20) / 8 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            f.write_all(&x.to_be_bytes()).unwrap();
        }
    }
    // One Message Bundle whose body is 16 MiB (the default maximum): 2,097,151 inner Nulls
    // (header version 0, as FMCs frame bundle members).
    let bundle = dir.join("null_bundle.bin");
    {
        let members = ((16 << 20) - 8) / 8;
        let mut bytes = Vec::with_capacity(16 << 20 | 16);
        bytes.extend_from_slice(&[0, 1, 0x0f, 0xa2]);
        bytes.extend_from_slice(&(16u32 << 20).to_be_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1]);
        bytes.resize(bytes.len() + members * 8, 0);
        std::fs::write(&bundle, &bytes).unwrap();
    }
    // 4 MiB of bundles just under 256 KiB, each of 32,760 eight-byte members with header
    // version 2: every member an error object with its bytes, 40 bytes of JSON per input byte.
    let members = dir.join("bad_members.bin");
    {
        let count = 32_760usize;
        let mut one = Vec::with_capacity(16 + count * 8);
        one.extend_from_slice(&[0, 1, 0x0f, 0xa2]);
        one.extend_from_slice(&((8 + count * 8) as u32).to_be_bytes());
        one.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1]);
        for _ in 0..count {
            one.extend_from_slice(&[0, 2, 0, 0, 0, 0, 0, 0]);
        }
        std::fs::write(&members, one.repeat((4 << 20) / one.len())).unwrap();
    }
    let modes: [&[&str]; 5] = [
        &["--threads", "1"],
        &["--threads", "2"],
        &[],
        &["--threads", "8"],
        &["--render"],
    ];
    for mode in modes {
        let summary = decode(mode, &zeros);
        assert!(
            summary.contains(&format!("{} errors", (256u64 << 20) / 8)),
            "{mode:?}: every 8 bytes of zeros is one error object: {summary}"
        );
        let peak = children_peak_mb();
        assert!(peak <= BOUND_MB, "{mode:?} on zeros: {peak} MB");

        let summary = decode(mode, &random);
        assert!(summary.contains("error"), "{mode:?}: {summary}");
        let peak = children_peak_mb();
        assert!(peak <= BOUND_MB, "{mode:?} on random bytes: {peak} MB");

        let summary = decode(mode, &bundle);
        assert!(
            summary.is_empty(),
            "{mode:?}: no error in the bundle: {summary}"
        );
        let peak = children_peak_mb();
        assert!(peak <= BOUND_MB, "{mode:?} on the Null bundle: {peak} MB");

        let summary = decode(mode, &members);
        assert!(
            summary.contains(&format!("{} errors", 16 * 32_760)),
            "{mode:?}: {summary}"
        );
        let peak = children_peak_mb();
        assert!(
            peak <= BOUND_MB,
            "{mode:?} on bundles of bad members: {peak} MB"
        );
        eprintln!("{mode:?}: peak so far {peak} MB");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
