//! The metadata cache file (`--metadata FILE`): JSON in the format of
//! [`estreamer_codec::names::Snapshot`], written atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use estreamer_codec::names::{Metadata, Snapshot};

/// Loads the cache; a missing file is an empty cache.
pub fn load(path: &Path) -> Result<Metadata, String> {
    let text = match fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Metadata::new()),
        Err(e) => {
            return Err(format!(
                "cannot read metadata cache {}: {e}",
                path.display()
            ));
        }
    };
    let snap: Snapshot = serde_json::from_slice(&text)
        .map_err(|e| format!("metadata cache {} is not valid: {e}", path.display()))?;
    Metadata::from_snapshot(snap).map_err(|e| format!("metadata cache {}: {e}", path.display()))
}

/// Saves the cache: written to a temporary file beside `path`, synced, then renamed over it,
/// so a crash never leaves a half-written cache.
pub fn save(path: &Path, cache: &Metadata) -> Result<(), String> {
    let json = serde_json::to_vec_pretty(&cache.snapshot())
        .map_err(|e| format!("cannot encode metadata cache: {e}"))?;
    let tmp = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        // Not a regular file (`/dev/null`, a pipe): write into it; a rename would replace it.
        if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            let mut f = fs::OpenOptions::new().write(true).open(path)?;
            f.write_all(&json)?;
            return f.write_all(b"\n");
        }
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| format!("cannot write metadata cache {}: {e}", path.display()))
}
