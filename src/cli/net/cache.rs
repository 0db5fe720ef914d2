//! The live checks' disk cache: one small JSON file per key (the core's
//! [`linkscope::health::check_key`] / [`linkscope::health::expansion_key`]) in the user's cache
//! directory, kept as long as the core's [`Ttl`] says. A file that is unreadable, from another
//! key or stale is a miss; a write that fails only costs the next run a request.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use linkscope::health::Ttl;

/// Where results are kept; `None` inside means no cache (`--no-cache`).
pub struct Cache {
    dir: Option<PathBuf>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry<T> {
    key: String,
    stored_at: u64,
    ttl: Ttl,
    value: T,
}

impl Cache {
    /// A cache in `dir`, or in the user's cache directory (see [`default_dir`]).
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache {
            dir: dir.or_else(default_dir),
        }
    }

    /// No cache: every lookup misses, nothing is written.
    pub fn disabled() -> Cache {
        Cache { dir: None }
    }

    fn file(&self, key: &str) -> Option<PathBuf> {
        Some(self.dir.as_ref()?.join(format!("{:016x}.json", fnv1a(key))))
    }

    /// The value stored under `key`, when still fresh at `now_ms`.
    pub fn get<T: DeserializeOwned>(&self, key: &str, now_ms: u64) -> Option<T> {
        let text = fs::read(self.file(key)?).ok()?;
        let entry: Entry<T> = serde_json::from_slice(&text).ok()?;
        (entry.key == key && entry.ttl.is_fresh(entry.stored_at, now_ms)).then_some(entry.value)
    }

    /// Stores `value` under `key` for `ttl` (nothing for [`Ttl::DoNotCache`]).
    pub fn put<T: Serialize>(&self, key: &str, value: &T, ttl: Ttl, now_ms: u64) {
        let (Some(dir), Some(file)) = (&self.dir, self.file(key)) else {
            return;
        };
        if ttl == Ttl::DoNotCache {
            return;
        }
        let entry = Entry {
            key: key.to_owned(),
            stored_at: now_ms,
            ttl,
            value,
        };
        let _ = write_atomically(dir, &file, &entry);
    }
}

fn write_atomically<T: Serialize>(dir: &Path, file: &Path, entry: &T) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(&serde_json::to_vec(entry)?)?;
    temp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// `linkscope/health` in the user's cache directory: `$XDG_CACHE_HOME` or `~/.cache` (Linux and
/// other Unix), `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows).
pub fn default_dir() -> Option<PathBuf> {
    let env = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Caches"))
    } else {
        env("XDG_CACHE_HOME").or_else(|| env("HOME").map(|h| h.join(".cache")))
    };
    Some(base?.join("linkscope").join("health"))
}

/// FNV-1a, 64 bits: a stable file name for a key (the key itself is checked on reading).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_values_for_their_ttl_and_never_blocked_ones() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path().join("c")));
        cache.put("k/1", &"day", Ttl::For { ms: 1000 }, 10);
        cache.put("k/2", &"always", Ttl::Forever, 10);
        cache.put("k/3", &"never", Ttl::DoNotCache, 10);
        assert_eq!(cache.get::<String>("k/1", 500).as_deref(), Some("day"));
        assert_eq!(cache.get::<String>("k/1", 1010), None);
        assert_eq!(
            cache.get::<String>("k/2", u64::MAX).as_deref(),
            Some("always")
        );
        assert_eq!(cache.get::<String>("k/3", 10), None);
        // A value of another type, or a damaged file, is a miss.
        assert_eq!(cache.get::<u32>("k/2", 10), None);
        fs::write(cache.file("k/1").unwrap(), "{").unwrap();
        assert_eq!(cache.get::<String>("k/1", 500), None);
        let off = Cache::disabled();
        off.put("k/2", &"x", Ttl::Forever, 0);
        assert_eq!(off.get::<String>("k/2", 0), None);
    }
}
