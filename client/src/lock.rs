//! Advisory locks that keep two `estreamer` processes off the same bookmark or output file.
//!
//! Two streams writing one output file, or resuming from one bookmark, both run and write
//! every event twice. So each takes an exclusive `flock(2)` lock, held for as long as it has
//! the file open, and a second one refuses to start, naming the process that holds it.
//!
//! * An output file is locked itself (through the descriptor the stream writes with): nothing
//!   else appears beside it.
//! * A bookmark is replaced by a rename on every rewrite, so it cannot be locked itself: its
//!   lock is the file `<bookmark>.lock` beside it, which holds the PID of its owner and is
//!   never renamed or removed (removing it would let a second process lock a new file while
//!   the first still holds the old one).
//!
//! The PID of the holder comes from `/proc/locks` (Linux), else from the lock file's text.
//! The locks are advisory: programs that do not ask (an editor, `logrotate`) are not stopped.
//! On systems without `flock` (not Unix) no lock is taken.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Why a lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it.
    Held {
        /// The locked file.
        path: PathBuf,
        /// What it is (for the message: "bookmark", "output file").
        what: &'static str,
        /// The other process, when it could be found.
        pid: Option<u32>,
    },
    /// The lock file could not be opened or locked.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { path, what, pid } => {
                write!(
                    f,
                    "the {what} {} is in use by another estreamer process",
                    path.display()
                )?;
                match pid {
                    Some(pid) => write!(f, " (PID {pid})")?,
                    None => f.write_str(" (PID unknown)")?,
                }
                f.write_str(
                    ": two streams on one file would write every event twice. Stop the other \
                     one, or give this one its own --bookmark and --out",
                )
            }
            LockError::Io { path, source } => {
                write!(f, "cannot lock {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for LockError {}

/// An exclusive lock, released when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct Lock {
    /// The locked descriptor (a duplicate of the caller's for [`Lock::file`]: the lock belongs
    /// to the open file both share, so it holds until this is dropped).
    _held: Held,
}

#[cfg(unix)]
type Held = nix::fcntl::Flock<File>;
#[cfg(not(unix))]
type Held = File;

impl Lock {
    /// Locks `file` itself (an output file), which is at `path`, until the lock is dropped.
    /// `what` names it in the error.
    pub fn file(file: &File, path: &Path, what: &'static str) -> Result<Lock, LockError> {
        let dup = file.try_clone().map_err(|source| LockError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        try_lock(dup)
            .map(|held| Lock { _held: held })
            .map_err(|(e, f)| held_or_io(e, &f, path, what))
    }

    /// Locks `<path>.lock` (created if missing) and writes this process's PID into it.
    pub fn beside(path: &Path, what: &'static str) -> Result<Lock, LockError> {
        let lock_path = lock_path(path);
        let io_err = |source| LockError::Io {
            path: lock_path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io_err)?;
        let mut held = try_lock(file).map_err(|(e, f)| held_or_io(e, &f, path, what))?;
        // Ours now: say who holds it, for systems without /proc/locks.
        let f: &mut File = &mut held;
        f.set_len(0).map_err(io_err)?;
        f.seek(SeekFrom::Start(0)).map_err(io_err)?;
        f.write_all(format!("{}\n", std::process::id()).as_bytes())
            .map_err(io_err)?;
        Ok(Lock { _held: held })
    }
}

/// `<path>.lock`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn held_or_io(e: io::Error, file: &File, path: &Path, what: &'static str) -> LockError {
    if e.kind() == io::ErrorKind::WouldBlock {
        LockError::Held {
            path: path.to_path_buf(),
            what,
            pid: holder(file),
        }
    } else {
        LockError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

#[cfg(unix)]
fn try_lock(file: File) -> Result<Held, (io::Error, File)> {
    use nix::fcntl::{Flock, FlockArg};
    Flock::lock(file, FlockArg::LockExclusiveNonblock).map_err(|(f, e)| {
        let e = match e {
            nix::errno::Errno::EWOULDBLOCK => io::Error::from(io::ErrorKind::WouldBlock),
            other => io::Error::from(other),
        };
        (e, f)
    })
}

#[cfg(not(unix))]
fn try_lock(file: File) -> Result<Held, (io::Error, File)> {
    Ok(file)
}

/// The PID holding a lock on `file`: from `/proc/locks` by the file's device and inode, else
/// the number the file holds (a lock file's text).
fn holder(file: &File) -> Option<u32> {
    from_proc_locks(file).or_else(|| {
        let mut text = String::new();
        let mut f = file.try_clone().ok()?;
        f.seek(SeekFrom::Start(0)).ok()?;
        f.take(32).read_to_string(&mut text).ok()?;
        text.trim().parse().ok()
    })
}

#[cfg(target_os = "linux")]
fn from_proc_locks(file: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().ok()?;
    let dev = meta.dev();
    // The kernel's own split of dev_t (glibc's gnu_dev_major / gnu_dev_minor).
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0x0000_0fff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0x0000_00ff);
    let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
    locks.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (kind, pid, at) = (f.get(1)?, f.get(4)?, f.get(5)?);
        (*kind == "FLOCK" && *at == id).then(|| pid.parse().ok())?
    })
}

#[cfg(not(target_os = "linux"))]
fn from_proc_locks(_file: &File) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holder_named() {
        let dir = std::env::temp_dir().join(format!("estreamer-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bookmark = dir.join("bookmark");
        let first = Lock::beside(&bookmark, "bookmark").unwrap();
        // flock locks belong to the open file: a second open in this process conflicts too.
        match Lock::beside(&bookmark, "bookmark") {
            Err(LockError::Held { pid, what, .. }) => {
                assert_eq!(what, "bookmark");
                assert_eq!(pid, Some(std::process::id()));
            }
            other => panic!("{other:?}"),
        }
        let text = std::fs::read_to_string(lock_path(&bookmark)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        drop(first);
        let again = Lock::beside(&bookmark, "bookmark");
        assert!(again.is_ok(), "{again:?}");

        let out = dir.join("out.jsonl");
        let a = File::create(&out).unwrap();
        let held = Lock::file(&a, &out, "output file").unwrap();
        let b = File::open(&out).unwrap();
        let e = Lock::file(&b, &out, "output file").unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("output file") && text.contains("in use"),
            "{text}"
        );
        // Found through /proc/locks where the kernel lists the file under the device stat
        // reports (not on every filesystem: overlayfs lists the lower device).
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::MetadataExt;
            let ino = a.metadata().unwrap().ino();
            let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
            if locks.contains(&format!(":{ino} ")) {
                assert!(
                    text.contains(&format!("PID {}", std::process::id())),
                    "{text}"
                );
            }
        }
        drop(held);
        drop(a);
        Lock::file(&b, &out, "output file").unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
