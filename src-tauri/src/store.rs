//! Small JSON files in the app's data folder: the preferences, which account is in use, and each
//! account's last known personal room and meetings, so that Start and Copy answer at once and
//! still work when the service cannot be reached. Each write is a temporary file renamed over the
//! old one; the preferences' and the account's are synced to the disk first (durable), an
//! account's cache is not, but for what only this machine knows (the reminders shown): the rest
//! is read again from the service, and each sync at launch held the window's start back (below).
//! A file that cannot be read is kept aside, never silently lost.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::views::{Overview, PersonalRoomView, PmiChoice, Preferences, RoomLocks};

/// One JSON document with its value in memory; on disk unless it was made in memory only.
pub struct JsonFile<T> {
    path: Option<PathBuf>,
    /// Whether a write is synced to the disk before it counts, or only replaces the file.
    durable: bool,
    value: Mutex<Stored<T>>,
}

struct Stored<T> {
    value: T,
    /// Deleted (the account signed out): later changes stay in memory.
    discarded: bool,
}

impl<T: Serialize + DeserializeOwned + Clone + Default> JsonFile<T> {
    /// Reads the file, whose writes are durable; a missing one starts from the default, and an
    /// unreadable one is moved to `<name>.corrupt` (and logged) before starting from the default.
    pub fn open(path: PathBuf) -> Self {
        Self::opened(path, true)
    }

    /// Reads a file of what can be read again (an account's cache), as [`JsonFile::open`] does;
    /// its writes replace it whole but are not synced to the disk ([`JsonFile::update_durably`]
    /// syncs one that must last). A crash soon after a write may leave the one before, or on
    /// some file systems an empty file (kept aside, and the cache starts afresh). Synced, the
    /// cache's two writes as the app starts (the room, then the Meetings tab, as read) made the
    /// disk's journal commit while WebKit started its processes: in `make bench` (fresh
    /// folders) PMI Desk's page began a median 23–31 ms after the bare window's, most of its
    /// launches 50–60 ms late; with its syncs made no-ops, or these two not synced, within
    /// ~15 ms of it either way, and none late.
    pub fn open_cache(path: PathBuf) -> Self {
        Self::opened(path, false)
    }

    fn opened(path: PathBuf, durable: bool) -> Self {
        let value = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                keep_aside(&path, &err.to_string());
                T::default()
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => T::default(),
            // There but unreadable (permissions, a disk error): kept aside too, so the next
            // save does not write over it.
            Err(err) => {
                keep_aside(&path, &err.to_string());
                T::default()
            }
        };
        Self {
            path: Some(path),
            durable,
            value: Mutex::new(Stored {
                value,
                discarded: false,
            }),
        }
    }

    /// A document that is never written to disk.
    pub fn in_memory() -> Self {
        Self {
            path: None,
            durable: true,
            value: Mutex::new(Stored {
                value: T::default(),
                discarded: false,
            }),
        }
    }

    pub fn get(&self) -> T {
        self.lock().value.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stored<T>> {
        self.value.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the value and saves it (synced to the disk when the file is durable).
    pub fn update(&self, change: impl FnOnce(&mut T)) -> std::io::Result<T> {
        self.save(change, self.durable)
    }

    /// Changes the value and saves it synced to the disk, also in a cache: for what cannot be
    /// read again (which reminders were shown).
    pub fn update_durably(&self, change: impl FnOnce(&mut T)) -> std::io::Result<T> {
        self.save(change, true)
    }

    fn save(&self, change: impl FnOnce(&mut T), durable: bool) -> std::io::Result<T> {
        let mut stored = self.lock();
        change(&mut stored.value);
        if let (Some(path), false) = (&self.path, stored.discarded) {
            write(path, &serde_json::to_vec_pretty(&stored.value)?, durable)?;
        }
        Ok(stored.value.clone())
    }

    /// Deletes the file and forgets the value; later updates are not written.
    pub fn discard(&self) -> std::io::Result<()> {
        let mut stored = self.lock();
        stored.discarded = true;
        stored.value = T::default();
        match &self.path {
            Some(path) => match std::fs::remove_file(path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }
}

/// Moves a file that cannot be read to `<name>.corrupt-<unix time>` (never over an earlier one),
/// and says so in the log.
fn keep_aside(path: &Path, why: &str) {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = path.with_file_name(format!("{name}.corrupt-{stamp}"));
    tracing::warn!(path = %path.display(), aside = %aside.display(), why,
        "cannot read a file; keeping it aside and starting afresh");
    if let Err(err) = std::fs::rename(path, &aside) {
        tracing::error!(%err, path = %path.display(), "cannot keep the unreadable file aside");
    }
}

/// Creates `dir` (and its parents) readable by the user alone.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes `dir` (created if missing) readable by the user alone, also when it was made before
/// by a version that did not.
pub fn make_private(dir: &Path) -> std::io::Result<()> {
    private_dir(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Writes `bytes` to `path` so that a crash or power loss leaves the old file or the new one,
/// never an empty or half one; the file is readable by the user alone.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, true)
}

/// Writes `bytes` to `path` through a temporary file renamed over it, synced to the disk first
/// when `durable` ([`write_durably`]); not synced, readers still see the old file or the new
/// one, and a crash soon after may leave the old one (or, on some file systems, an empty one).
fn write(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    // A temporary file left by a crash keeps its old mode; make it private again.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(bytes)?;
    if durable {
        file.sync_all()?;
    }
    drop(file);
    std::fs::rename(&tmp, path)?;
    // The rename itself is durable only once the folder is synced.
    #[cfg(unix)]
    if durable {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// What the tray and the window need without a network round trip, for one account.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Cached {
    pub room: Option<PersonalRoomView>,
    /// Where starting the personal room goes in a browser.
    pub room_start_url: Option<String>,
    /// When the room (and its start link) was last read from the service.
    pub room_read_at: Option<chrono::DateTime<chrono::Utc>>,
    pub instant_pmi: Option<PmiChoice>,
    /// The room's settings seen not to hold when changed: locked by the account admin.
    #[serde(default)]
    pub room_locks_seen: RoomLocks,
    /// The reminders shown (`<meeting id>@<start>`), so none is shown twice.
    #[serde(default)]
    pub reminded: Vec<String>,
    /// The whole Meetings tab as last read: shown, marked, when the service cannot answer.
    pub overview: Option<Overview>,
}

pub type PreferencesFile = JsonFile<Preferences>;
pub type CacheFile = JsonFile<Cached>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_a_reopen_and_a_broken_file_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prefs.json");
        let prefs = PreferencesFile::open(path.clone());
        prefs.update(|p| p.back_to_back_minutes = 30).unwrap();
        assert_eq!(
            PreferencesFile::open(path.clone())
                .get()
                .back_to_back_minutes,
            30
        );
        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(
            PreferencesFile::open(path.clone()).get(),
            Preferences::default()
        );
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with("prefs.json.corrupt-")
            })
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read(aside[0].path()).unwrap(), b"{ not json");
    }

    #[test]
    fn a_caches_writes_replace_it_whole_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.json");
        let cache = CacheFile::open_cache(path.clone());
        cache
            .update(|c| c.room_start_url = Some("https://zoom.us/s/1".into()))
            .unwrap();
        cache
            .update(|c| c.room_start_url = Some("https://zoom.us/s/2".into()))
            .unwrap();
        assert_eq!(
            CacheFile::open_cache(path.clone())
                .get()
                .room_start_url
                .as_deref(),
            Some("https://zoom.us/s/2")
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["cache.json"], "no temporary file left beside it");
        // What must last is synced, in the same file.
        cache
            .update_durably(|c| c.reminded.push("1@2030-01-02T09:00:00Z".into()))
            .unwrap();
        assert_eq!(
            CacheFile::open_cache(path.clone()).get().reminded,
            ["1@2030-01-02T09:00:00Z"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_and_their_folder_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts/local/cache.json");
        CacheFile::open_cache(path.clone()).update(|_| {}).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let prefs = dir.path().join("prefs/preferences.json");
        PreferencesFile::open(prefs.clone()).update(|_| {}).unwrap();
        assert_eq!(mode(&prefs), 0o600);
        assert_eq!(mode(prefs.parent().unwrap()), 0o700);
    }

    #[test]
    fn a_discarded_file_is_gone_and_stays_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.json");
        let cache = CacheFile::open_cache(path.clone());
        cache
            .update(|c| c.room_start_url = Some("x".into()))
            .unwrap();
        cache.discard().unwrap();
        assert!(!path.exists());
        cache
            .update(|c| c.room_start_url = Some("y".into()))
            .unwrap();
        assert!(!path.exists(), "a late write of a signed-out account");
    }
}

pmi_core::debug_hiding!(Cached, hide [room_start_url], show [room, room_read_at, instant_pmi, room_locks_seen, reminded, overview]);
